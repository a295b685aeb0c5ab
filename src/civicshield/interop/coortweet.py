"""CooRTweet CSV -> a contract dataset.

Two shapes of CooRTweet input are read (docs/interop.md):

- shares, ``object_id, account_id, content_id, timestamp_share`` (the
  ``prep_data`` output): each row is account ``account_id`` sharing
  ``object_id`` in its content ``content_id``.  With ``objects="share"``
  (retweet data, the default) every row becomes a ``share`` engagement of
  the object; with ``objects="url"`` or ``"hashtag"`` every content becomes
  a post carrying its objects as URLs or hashtags, so the coordination
  detector can read them.
- posts, ``account_id, post_id, timestamp`` with optional ``url_id`` and
  ``hashtag_id`` (one row per post and object, as in the German election
  data): rows of one post are merged into one post.

CooRTweet has no handles and no account creation times: the handle is the
account id, and ``created_at`` is the account's earliest activity (listed
in ``IMPORT_NOTES.md``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from civicshield.detect.network.coortweet import COLUMNS as SHARE_COLUMNS
from civicshield.detect.network.coortweet import read_coortweet
from civicshield.errors import DataError
from civicshield.interop.csvrows import read_csv_rows, when
from civicshield.interop.dataset import ImportResult, check_targets, contract_table, write_dataset

OBJECTS = ("share", "url", "hashtag")
POST_COLUMNS = ("account_id", "post_id", "timestamp")


def stand_in_accounts(first: dict[str, dt.datetime], handles: dict[str, str] | None = None) -> list[dict]:
    """Accounts with their earliest activity as ``created_at``."""
    handles = handles or {}
    return [{"account_id": a, "handle": handles.get(a) or a, "created_at": t} for a, t in sorted(first.items())]


def note_activity(first: dict[str, dt.datetime], account: str, at: dt.datetime) -> None:
    if account not in first or at < first[account]:
        first[account] = at


def _shares(path: Path, objects: str, notes: list[str]) -> tuple[dict, dict[str, dt.datetime]]:
    rows = read_coortweet(path).to_pylist()  # validated; ids stay text
    first: dict[str, dt.datetime] = {}
    if objects == "share":
        eng = []
        for r in rows:
            at = dt.datetime.fromtimestamp(r["ts"], dt.UTC).replace(tzinfo=None)
            note_activity(first, r["account_id"], at)
            eng.append({"actor_id": r["account_id"], "action": "share", "target_id": r["object_id"], "created_at": at})
        notes.append(f"{len(eng)} shares written as 'share' engagements of object_id (objects=share)")
        return {"engagements": eng}, first
    posts: dict[str, dict] = {}
    column = "urls" if objects == "url" else "hashtags"
    for r in rows:
        at = dt.datetime.fromtimestamp(r["ts"], dt.UTC).replace(tzinfo=None)
        note_activity(first, r["account_id"], at)
        p = posts.setdefault(r["content_id"], {"post_id": r["content_id"], "account_id": r["account_id"],
                                               "created_at": at, column: []})
        p["created_at"] = min(p["created_at"], at)
        value = r["object_id"].lower().lstrip("#") if objects == "hashtag" else r["object_id"]
        if value not in p[column]:
            p[column].append(value)
    notes.append(f"{len(posts)} contents written as posts with their objects as {column} (objects={objects})")
    return {"posts": list(posts.values())}, first


def _posts(path: Path, header: list[str], notes: list[str]) -> tuple[dict, dict[str, dt.datetime]]:
    posts: dict[str, dict] = {}
    first: dict[str, dt.datetime] = {}
    no_post: list[int] = []
    for n, r in read_csv_rows(path, POST_COLUMNS):
        if not r["account_id"].strip():
            raise DataError(str(path), n, "account_id", "empty id")
        if not r["post_id"].strip():
            # the German election data has a few such rows: nothing to attach them to, nothing lost by skipping
            no_post.append(n)
            continue
        at = when(r["timestamp"], str(path), n, "timestamp")
        note_activity(first, r["account_id"], at)
        p = posts.setdefault(r["post_id"], {"post_id": r["post_id"], "account_id": r["account_id"], "created_at": at,
                                            "urls": [], "hashtags": []})
        if p["account_id"] != r["account_id"]:
            raise DataError(str(path), n, "account_id", f"post {r['post_id']} already belongs to {p['account_id']}")
        for src, dst in (("url_id", "urls"), ("hashtag_id", "hashtags")):
            v = (r.get(src) or "").strip()
            if v and v not in p[dst]:
                p[dst].append(v)
    if no_post:
        notes.append(f"{len(no_post)} rows without a post_id skipped (rows {', '.join(map(str, no_post[:10]))}"
                     + (" ..." if len(no_post) > 10 else "") + ")")
    ignored = [c for c in header if c not in (*POST_COLUMNS, "url_id", "hashtag_id")]
    if ignored:
        notes.append(f"columns with no place in the contract are not imported: {', '.join(ignored)}")
    notes.append(f"{len(posts)} posts; url_id and hashtag_id values are kept as they are (anonymised ids are not URLs)")
    return {"posts": list(posts.values())}, first


def import_coortweet(path: Path, out: Path, election_file: Path, objects: str = "share") -> ImportResult:
    """Convert a CooRTweet CSV (either shape) into a dataset at ``out``."""
    if objects not in OBJECTS:
        raise DataError(str(path), None, None, f"objects must be one of {', '.join(OBJECTS)}, got {objects!r}")
    check_targets(out, election_file)
    notes: list[str] = []
    header = read_csv_rows(path, ()).header
    if all(c in header for c in SHARE_COLUMNS):
        tables, first = _shares(Path(path), objects, notes)
    elif all(c in header for c in POST_COLUMNS):
        tables, first = _posts(Path(path), header, notes)
    else:
        raise DataError(str(path), None, None, f"not a CooRTweet CSV: need {', '.join(SHARE_COLUMNS)} or "
                        f"{', '.join(POST_COLUMNS)} (with url_id / hashtag_id)")
    accounts = stand_in_accounts(first)
    notes.append(f"CooRTweet gives no handles or creation times: handle is the account id and created_at the "
                 f"earliest activity for all {len(accounts)} accounts")
    arrow = {"accounts": contract_table("accounts", accounts)}
    arrow |= {name: contract_table(name, rows) for name, rows in tables.items()}
    return write_dataset(out, election_file, arrow, notes, f"CooRTweet CSV {path}",
                         [a["account_id"] for a in accounts])
