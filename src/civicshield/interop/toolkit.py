"""coordination-network-toolkit CSV -> a contract dataset.

The toolkit's ``preprocess --format csv`` input has a header row and the
columns ``message_id, user_id, username, repost_id, reply_id, message,
timestamp, urls`` (urls space-separated, timestamp unix seconds; ISO 8601 is
accepted too).  A row with a ``repost_id`` is a retweet and becomes a
``share`` engagement of the reposted message; every other row is a post
whose hashtags are read from its text.  Replies stay posts (their
``reply_id`` is kept in the extra column ``reply_to``, which ingest ignores).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa

from civicshield.errors import DataError
from civicshield.interop.coortweet import note_activity, stand_in_accounts
from civicshield.interop.csvrows import read_csv_rows, when
from civicshield.interop.dataset import ImportResult, check_targets, contract_table, write_dataset

COLUMNS = ("message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls")
_HASHTAG = re.compile(r"#(\w+)")


def import_toolkit(path: Path, out: Path, election_file: Path) -> ImportResult:
    """Convert a coordination-network-toolkit CSV into a dataset at ``out``."""
    path = Path(path)
    check_targets(out, election_file)
    posts: dict[str, dict] = {}
    shares: list[dict] = []
    first, handles = {}, {}
    for n, r in read_csv_rows(path, COLUMNS):
        for c in ("message_id", "user_id"):
            if not r[c].strip():
                raise DataError(str(path), n, c, "empty id")
        at = when(r["timestamp"], str(path), n, "timestamp")
        user = r["user_id"].strip()
        note_activity(first, user, at)
        if r["username"].strip():
            handles.setdefault(user, r["username"].strip().lstrip("@"))
        if r["repost_id"].strip():
            shares.append({"actor_id": user, "action": "share", "target_id": r["repost_id"].strip(), "created_at": at})
            continue
        mid = r["message_id"].strip()
        if mid in posts:  # the toolkit deduplicates on message_id too
            continue
        posts[mid] = {
            "post_id": mid, "account_id": user, "created_at": at, "text": r["message"],
            "hashtags": list(dict.fromkeys(h.lower() for h in _HASHTAG.findall(r["message"]))),
            "urls": r["urls"].split(), "reply_to": r["reply_id"].strip() or None,
        }
    accounts = stand_in_accounts(first, handles)
    notes = [
        f"{len(posts)} messages written as posts, {len(shares)} reposts as 'share' engagements",
        f"the toolkit CSV gives no creation times: created_at is the earliest activity for all {len(accounts)} accounts",
    ]
    tables = {
        "accounts": contract_table("accounts", accounts),
        "posts": contract_table("posts", list(posts.values()), extra={"reply_to": pa.string()}),
        "engagements": contract_table("engagements", shares),
    }
    return write_dataset(out, election_file, tables, notes, f"coordination-network-toolkit CSV {path}",
                         [a["account_id"] for a in accounts])
