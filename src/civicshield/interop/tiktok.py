"""TikTok Research API responses -> a contract dataset.

Input: a folder of saved responses (``*.json``: one envelope or a list of
envelopes; ``*.jsonl``: one envelope per line) of the video query, user
info, video comments and user followers / following endpoints.  Each
envelope is ``{"data": {...}, "error": {"code", "message", "log_id"}}``;
the endpoint is recognised from ``data`` (``videos``, ``comments``,
``user_followers``, ``user_following``, else user info).  User info,
followers and following responses do not name the user they are about:
the saving tool must keep the request beside them (``"request":
{"username": ...}``) or put ``@username`` in the file name
(``followers@alice-p2.json``).

What the API does not give, and what the import does about it
(docs/interop.md):

- account ids: accounts are known by username only; they get
  ``tt-<hash of the lower-cased username>``.
- ``accounts.created_at``: the earliest video of the account stands in and
  the account is listed in ``IMPORT_NOTES.md``; accounts with no dated
  activity at all are left out of ``accounts`` (they stay in
  ``follow_edges.csv``).
- comment authors: ``comments.account_id`` stays empty.
- follow times: follower / following lists carry none, so those edges go
  to ``follow_edges.csv``, which is not a contract table (ingest ignores
  it); no ``follow`` engagement is invented.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from civicshield.errors import DataError
from civicshield.interop.dataset import (
    ImportResult,
    check_targets,
    contract_table,
    username_id,
    utc_from_unix,
    write_dataset,
)

PREFIX = "tt"
FOLLOW_EDGES = "follow_edges.csv"
_USER_IN_NAME = re.compile(r"@([A-Za-z0-9_.]+?)(?:-p\d+)?\.jsonl?$")
_LIST_KEYS = {"videos": "video", "comments": "comment", "user_followers": "followers", "user_following": "following"}


@dataclass(frozen=True)
class Page:
    file: str
    endpoint: str  # video, comment, followers, following, user_info
    data: dict
    request: dict


def _envelopes(path: Path) -> list[tuple[int | None, object]]:
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".jsonl":
            return [(i, json.loads(line)) for i, line in enumerate(text.splitlines(), 1) if line.strip()]
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise DataError(str(path), None, None, f"not valid JSON: {e}") from None
    return [(None, d) for d in doc] if isinstance(doc, list) else [(None, doc)]


def _endpoint(data: dict) -> str:
    for key, name in _LIST_KEYS.items():
        if key in data:
            return name
    return "user_info"


def read_pages(folder: Path, notes: list[str]) -> list[Page]:
    """Every successful response page in ``folder``; error envelopes are noted and skipped."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(str(folder), None, None, "not a folder of saved TikTok Research API responses")
    pages = []
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".json", ".jsonl") and p.is_file())
    if not files:
        raise DataError(str(folder), None, None, "no .json or .jsonl response files here")
    for path in files:
        for line, env in _envelopes(path):
            where = f"{path}" + (f" line {line}" if line else "")
            if not isinstance(env, dict) or not ({"data", "error"} & env.keys()):
                raise DataError(where, None, None, "not a Research API envelope (no 'data' or 'error')")
            err = env.get("error") or {}
            if err.get("code", "ok") != "ok":
                notes.append(f"{where}: API error {err.get('code')!r} ({err.get('message', '')}, log_id "
                             f"{err.get('log_id', '-')}); page skipped")
                continue
            data = env.get("data")
            if not isinstance(data, dict):
                raise DataError(where, None, "data", "expected an object")
            request = dict(env.get("request") or {})
            m = _USER_IN_NAME.search(path.name)
            if m and "username" not in request:
                request["username"] = m.group(1)
            pages.append(Page(where, _endpoint(data), data, request))
    return pages


def _id(value, file: str, row: int, column: str) -> str:
    """A numeric id as an exact string (JSON ints are read exactly; floats have lost digits)."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise DataError(file, row, column, f"expected an integer or string id, got {value!r}")
    s = str(value).strip()
    if not s:
        raise DataError(file, row, column, "empty id")
    return s


def _int(value) -> int | None:
    return int(value) if isinstance(value, int | str) and str(value).strip().lstrip("-").isdigit() else None


class _Accounts:
    def __init__(self) -> None:
        self.rows: dict[str, dict] = {}  # by lower-cased username
        self.first: dict[str, object] = {}

    def see(self, username: str, **fields) -> str:
        key = username.strip().lower()
        row = self.rows.setdefault(key, {"account_id": username_id(PREFIX, key), "handle": username.strip()})
        row.update({k: v for k, v in fields.items() if v is not None})
        return row["account_id"]

    def active(self, username: str, at) -> None:
        key = username.strip().lower()
        if key not in self.first or at < self.first[key]:
            self.first[key] = at


def _username(item: dict, file: str, row: int, column: str = "username") -> str:
    u = item.get(column)
    if not isinstance(u, str) or not u.strip():
        raise DataError(file, row, column, "missing username: request the 'username' field so items can be attributed")
    return u


def _video(item: dict, page: Page, row: int, acc: _Accounts) -> dict:
    f = page.file
    created = utc_from_unix(item.get("create_time"), f, row, "create_time")
    user = _username(item, f, row)
    acc.active(user, created)
    music = item.get("music_id")
    return {
        "post_id": _id(item.get("id"), f, row, "id"),
        "account_id": acc.see(user),
        "created_at": created,
        "text": item.get("video_description"),
        "hashtags": [h.lower().lstrip("#") for h in item.get("hashtag_names") or [] if h],
        "mentions": [m.lstrip("@") for m in item.get("video_mention_list") or [] if m],
        "audio_id": None if music in (None, "") else _id(music, f, row, "music_id"),
        "country": item.get("region_code"),
        "view_count": _int(item.get("view_count")),
        "like_count": _int(item.get("like_count")),
        "share_count": _int(item.get("share_count")),
        "comment_count": _int(item.get("comment_count")),
        # the docs spell it favorites_count, responses have used favourites_count
        "favorites_count": _int(item.get("favorites_count", item.get("favourites_count"))),
    }


def _comment(item: dict, page: Page, row: int) -> dict:
    f = page.file
    video = item.get("video_id", page.request.get("video_id"))
    parent = item.get("parent_comment_id")
    return {
        "comment_id": _id(item.get("id"), f, row, "id"),
        "post_id": _id(video, f, row, "video_id"),
        "created_at": utc_from_unix(item.get("create_time"), f, row, "create_time"),
        "text": item.get("text"),
        "parent_comment_id": None if parent in (None, "") else _id(parent, f, row, "parent_comment_id"),
        "like_count": _int(item.get("like_count")),
    }


def _complete(pages: list[Page], notes: list[str]) -> None:
    """Note queries whose saved pages all say ``has_more``: the crawl stopped early."""
    last: dict[tuple, bool] = defaultdict(lambda: True)
    for p in pages:
        subject = p.data.get("search_id") or p.request.get("username") or p.request.get("video_id") or p.file
        if p.endpoint != "user_info":
            last[(p.endpoint, str(subject))] &= bool(p.data.get("has_more", False))
    for (endpoint, subject), more in sorted(last.items()):
        if more:
            notes.append(f"{endpoint} pages of {subject}: every saved page says has_more; the import is incomplete")


def import_tiktok_research(folder: Path, out: Path, election_file: Path) -> ImportResult:
    """Convert saved Research API responses in ``folder`` into a dataset at ``out``."""
    check_targets(out, election_file)
    notes: list[str] = []
    pages = read_pages(folder, notes)
    acc = _Accounts()
    posts: dict[str, dict] = {}
    comments: dict[str, dict] = {}
    follows: set[tuple[str, str]] = set()
    for page in pages:
        if page.endpoint == "user_info":
            user = page.data.get("username") or page.request.get("username")
            if not user:
                raise DataError(page.file, None, "username", "user info does not name its user: keep the request "
                                "('request': {'username': ...}) or put @username in the file name")
            acc.see(user, display_name=page.data.get("display_name"), bio=page.data.get("bio_description"),
                    verified=page.data.get("is_verified"), follower_count=_int(page.data.get("follower_count")),
                    following_count=_int(page.data.get("following_count")))
            continue
        items = page.data.get({"video": "videos", "comment": "comments", "followers": "user_followers",
                               "following": "user_following"}[page.endpoint]) or []
        for row, item in enumerate(items, 1):
            if page.endpoint == "video":
                r = _video(item, page, row, acc)
                posts.setdefault(r["post_id"], r)  # pages may overlap; the first copy wins
            elif page.endpoint == "comment":
                r = _comment(item, page, row)
                comments.setdefault(r["comment_id"], r)
            else:
                owner = page.request.get("username")
                if not owner:
                    raise DataError(page.file, None, "username", f"a {page.endpoint} list does not name its user: keep "
                                    "the request or put @username in the file name")
                other = _username(item, page.file, row)
                acc.see(owner)
                acc.see(other, display_name=item.get("display_name"))
                follows.add((other, owner) if page.endpoint == "followers" else (owner, other))
    _complete(pages, notes)
    accounts, stand_ins, left_out = [], [], []
    for key, row in sorted(acc.rows.items()):
        if key in acc.first:
            accounts.append({**row, "created_at": acc.first[key]})
            stand_ins.append(f"{row['account_id']} @{row['handle']}")
        else:
            left_out.append(f"@{row['handle']}")
    notes.append("accounts.created_at is the earliest video seen (the API gives no creation time) for all "
                 f"{len(accounts)} accounts; batch_created and sleeper findings about them mean nothing")
    if left_out:
        notes.append(f"{len(left_out)} accounts with no dated activity are left out of accounts (no created_at to "
                     f"give them) and kept in {FOLLOW_EDGES}: {', '.join(left_out[:20])}"
                     + (" ..." if len(left_out) > 20 else ""))
    if comments:
        notes.append("comments have no author in the Research API: comments.account_id is empty")
    extra = {}
    if follows:
        edges = sorted(follows)
        extra[FOLLOW_EDGES] = pa.table({
            "follower_handle": [a for a, _ in edges], "followed_handle": [b for _, b in edges],
            "follower_id": [username_id(PREFIX, a.lower()) for a, _ in edges],
            "followed_id": [username_id(PREFIX, b.lower()) for _, b in edges],
        })
        notes.append(f"{len(edges)} follow edges have no time in the API: written to {FOLLOW_EDGES} (not a contract "
                     "table; ingest ignores it), not to engagements")
    tables = {
        "accounts": contract_table("accounts", accounts),
        "posts": contract_table("posts", list(posts.values()), extra={"favorites_count": pa.int64()}),
        "comments": contract_table("comments", list(comments.values()), extra={"parent_comment_id": pa.string(), "like_count": pa.int64()}),
    }
    return write_dataset(out, election_file, tables, notes, f"TikTok Research API responses in {folder}",
                         stand_ins, extra)
