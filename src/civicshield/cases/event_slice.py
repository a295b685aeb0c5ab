"""The slice of the event store an evidence bundle carries: the raw platform
rows about the held accounts and posts (profiles, posts, comments,
engagements by and on them, logins, sign-ups, reports, payments), inside the
hold's time range.  Written as Parquet under ``events/`` of the bundle.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq

from civicshield.contract import TABLES

# table -> (account column, post column, time column); None where it has none
LINKS: dict[str, tuple[str | None, str | None, str | None]] = {
    "accounts": ("account_id", None, "created_at"),
    "posts": ("account_id", "post_id", "created_at"),
    "comments": ("account_id", "post_id", "created_at"),
    "engagements": ("actor_id", "target_id", "created_at"),
    "logins": ("account_id", None, "created_at"),
    "signups": ("account_id", None, "created_at"),
    "reports": (None, "target_id", "created_at"),
    "payments": ("payee_account_id", None, "paid_at"),
    "impressions": (None, "post_id", "created_at"),
}


def _naive(t: dt.datetime | None):
    return t.astimezone(dt.UTC).replace(tzinfo=None) if t else None


def write_event_slice(workspace, out_dir: Path, accounts: set[str] | None, posts: set[str] | None,
                      time_from: dt.datetime | None, time_to: dt.datetime | None) -> list[str]:
    """Write one Parquet file per table that has rows in scope; ``None``
    account and post sets mean "everything" (an election-wide hold)."""
    written = []
    (out_dir / "events").mkdir(parents=True, exist_ok=True)
    with workspace.events(read_only=True) as ev:
        if accounts is not None and ev.has("posts"):
            # posts by held accounts are held too
            rows = ev.rows("SELECT post_id FROM posts WHERE account_id IN (SELECT UNNEST(?))", [sorted(accounts)])
            posts = (posts or set()) | {r[0] for r in rows}
        for table, (acol, pcol, tcol) in LINKS.items():
            if table not in TABLES or not ev.has(table):
                continue
            where, params = [], []
            if accounts is not None:
                ors = []
                if acol:
                    ors.append(f'"{acol}" IN (SELECT UNNEST(?))')
                    params.append(sorted(accounts))
                if pcol:
                    ors.append(f'"{pcol}" IN (SELECT UNNEST(?))')
                    params.append(sorted(posts or ()) + (sorted(accounts) if table in ("engagements", "reports") else []))
                where.append("(" + " OR ".join(ors) + ")")
            for bound, op in ((time_from, ">="), (time_to, "<=")):
                if bound is not None:
                    where.append(f'"{tcol}" {op} ?')
                    params.append(_naive(bound))
            sql = f'SELECT * FROM "{table}"' + (f" WHERE {' AND '.join(where)}" if where else "")
            tbl = ev.query(sql, params)
            if tbl.num_rows == 0:
                continue
            name = f"events/{table}.parquet"
            pq.write_table(tbl, out_dir / name)
            written.append(name)
    return written
