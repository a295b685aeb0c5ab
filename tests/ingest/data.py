"""Dataset folders written the way a platform export would write them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ELECTION_TOML = """\
id = "ro-2024-presidential"
country = "RO"
name = "Romanian presidential election 2024"
rounds = ["2024-11-24", "2024-12-08"]
watch_from = "2024-09-01"
languages = ["ro", "hu"]
keywords = ["alegeri", "vot"]

[[candidates]]
id = "cand-georgescu"
name = "Călin Georgescu"
official_account_ids = ["00123"]
"""

# Rows as a source would export them: text everywhere, lists as Python lists
# (each writer renders them in its format's convention).
ACCOUNTS = [
    {"account_id": "00123", "handle": "calin", "display_name": "Călin", "created_at": "2024-01-01T00:00:00Z",
     "verified": "true", "account_type": "politician", "follower_count": "1500"},
    {"account_id": "00124", "handle": "ana", "created_at": "2024-03-05T10:00:00+02:00", "verified": "false",
     "account_type": "", "follower_count": "12"},
    {"account_id": "7", "handle": "bot7", "bio": "<script>alert(1)</script> \u202egnp.exe \u0007 🗳️",
     "created_at": "2024-09-30 23:59:59", "status": ""},
]
POSTS = [
    {"post_id": "p1", "account_id": "00123", "created_at": "2024-11-20T14:03:11Z", "text": "Votați!\nDuminică",
     "hashtags": ["#Alegeri2024", "vot"], "urls": ["https://example.ro/a"], "view_count": "100", "is_ad": "0"},
    {"post_id": "p2", "account_id": "00124", "created_at": "2024-11-20T15:00:00Z", "text": "", "hashtags": [],
     "view_count": ""},
]
ENGAGEMENTS = [
    {"actor_id": "00124", "action": "like", "target_id": "p1", "created_at": "2024-11-20T14:05:00Z"},
    {"actor_id": "7", "action": "follow", "target_id": "00123", "created_at": "2024-11-20T14:06:00Z", "country": "RO"},
    {"actor_id": "7", "action": "share", "target_id": "p1", "created_at": "2024-11-20T14:04:00Z"},
]


def _columns(rows: list[dict]) -> list[str]:
    cols: list[str] = []
    for r in rows:
        cols += [k for k in r if k not in cols]
    return cols


def write_table(path: Path, rows: list[dict], fmt: str | None = None) -> Path:
    fmt = fmt or path.suffix.lstrip(".")
    cols = _columns(rows)
    if fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(cols)
            for r in rows:
                w.writerow([" ".join(v) if isinstance(v, list) else ("" if v is None else v) for v in (r.get(c) for c in cols)])
    elif fmt == "jsonl":
        with open(path, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt == "parquet":
        pq.write_table(pa.Table.from_pylist([{c: r.get(c) for c in cols} for r in rows]), path)
    else:
        raise ValueError(fmt)
    return path


def make_dataset(root: Path, fmt: str = "csv", **tables: list[dict]) -> Path:
    """A dataset folder at ``root``; ``accounts``/``posts``/``engagements``
    default to the rows above, pass ``name=None`` to leave a table out."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "election.toml").write_text(ELECTION_TOML, encoding="utf-8")
    base = {"accounts": ACCOUNTS, "posts": POSTS, "engagements": ENGAGEMENTS}
    base.update(tables)
    for name, rows in base.items():
        if rows is not None:
            write_table(root / f"{name}.{fmt}", rows, fmt)
    return root

