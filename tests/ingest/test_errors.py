"""Every kind of bad input gives one exact message naming file, row and column.

The messages are kept in ``golden/<case>.txt``; after a deliberate wording
change re-record them with ``CIVICSHIELD_REGEN_GOLDEN=1 pytest tests/ingest``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from civicshield.errors import DataError
from civicshield.ingest import ingest_dataset
from civicshield.workspace import Workspace

from .data import ACCOUNTS, ENGAGEMENTS, POSTS, make_dataset, write_table

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("CIVICSHIELD_REGEN_GOLDEN") == "1"


def _acc(**over):
    return [ACCOUNTS[0], {**ACCOUNTS[1], **over}, ACCOUNTS[2]]


def _bad_utf8_parquet(ds: Path) -> None:
    import numpy as np

    vals = [b"00123", b"ab\xffc", b"7"]
    offsets = np.cumsum([0] + [len(v) for v in vals]).astype(np.int32)
    bad = pa.Array.from_buffers(pa.string(), 3, [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(b"".join(vals))])
    (ds / "accounts.csv").unlink()
    pq.write_table(
        pa.table({"account_id": ["00123", "00124", "7"], "handle": bad, "created_at": ["2024-01-01T00:00:00Z"] * 3}),
        ds / "accounts.parquet",
    )


def _replace(name: str, text: bytes):
    def edit(ds: Path) -> None:
        for old in ds.glob(name.split(".")[0] + ".*"):
            old.unlink()
        (ds / name).write_bytes(text)

    return edit


def _rows(name: str, rows: list[dict]):
    def edit(ds: Path) -> None:
        for old in ds.glob(name.split(".")[0] + ".*"):
            old.unlink()
        write_table(ds / name, rows)

    return edit


HEAD = b"account_id,handle,created_at,bio\n"
CASES = {
    "missing_required_column": _rows("accounts.csv", [{k: v for k, v in a.items() if k != "handle"} for a in ACCOUNTS]),
    "jsonl_missing_required_column": _rows("accounts.jsonl", [{k: v for k, v in a.items() if k != "created_at"} for a in ACCOUNTS]),
    "parquet_missing_required_column": _rows("accounts.parquet", [{k: v for k, v in a.items() if k != "account_id"} for a in ACCOUNTS]),
    "jsonl_required_null": _rows("accounts.jsonl", [ACCOUNTS[0], {**ACCOUNTS[1], "handle": None}]),
    "required_value_empty": _rows("accounts.csv", _acc(handle="")),
    "duplicate_primary_key": _rows("accounts.csv", [*ACCOUNTS, {**ACCOUNTS[1], "handle": "again"}]),
    "bad_timestamp": _rows("accounts.csv", _acc(created_at="2024-13-05T10:00:00Z")),
    "bad_enum": _rows("accounts.csv", _acc(account_type="admin")),
    "bad_enum_hostile_value": _rows("accounts.csv", _acc(account_type="<b>\u202enimda\x1b[31m" + "x" * 80)),
    "bad_int": _rows("accounts.csv", _acc(follower_count="abc")),
    "bad_bool": _rows("accounts.csv", _acc(verified="maybe")),
    "bad_engagement_action": _rows("engagements.jsonl", [*ENGAGEMENTS, {**ENGAGEMENTS[0], "action": "retweet"}]),
    "csv_broken_utf8": _replace("accounts.csv", HEAD + b"a1,x,2024-01-01,fine\na2,y,2024-01-01,caf\xe9 latin-1\n"),
    "csv_ragged_row": _replace("accounts.csv", HEAD + b"a1,x,2024-01-01,fine\na2,y,2024-01-01,b,extra\n"),
    "csv_nul_byte": _replace("accounts.csv", HEAD + b"a1,x,2024-01-01,nul\x00here\n"),
    "csv_header_broken_utf8": _replace("accounts.csv", b"account_id,h\xe2ndle,created_at\n"),
    "csv_unclosed_quote": _replace("accounts.csv", HEAD + b'a1,x,2024-01-01,fine\na2,y,2024-01-01,"never closed\n'),
    "csv_stray_quote": _replace("accounts.csv", HEAD + b'a1,x,2024-01-01,fine\na2,y,2024-01-01,"abc"d\n'),
    "csv_empty_file": _replace("accounts.csv", b""),
    "csv_header_repeats_column": _replace("accounts.csv", b"account_id,handle,created_at,handle\n"),
    "huge_field": _rows("posts.csv", [{**POSTS[0], "text": "x" * ((1 << 20) + 1)}]),
    "jsonl_not_json": _replace(
        "posts.jsonl", (json.dumps({**POSTS[0], "hashtags": []}) + '\n{"post_id": "p2", oops}\n').encode()
    ),
    "jsonl_not_object": _replace("posts.jsonl", b'\n["p1", "00123"]\n'),
    "jsonl_broken_utf8": _replace("accounts.jsonl", b'{"account_id": "a1", "handle": "x\xc3(", "created_at": "2024-01-01"}\n'),
    "jsonl_list_not_array": _rows("posts.jsonl", [{**POSTS[0], "hashtags": "#vot"}]),
    "jsonl_float_id": _replace("accounts.jsonl", b'{"account_id": 1.50, "handle": "x", "created_at": "2024-01-01"}\n'),
    "parquet_broken_utf8": _bad_utf8_parquet,
    "parquet_empty_file": _replace("posts.parquet", b""),
    "parquet_not_parquet": _replace("posts.parquet", b"this is a CSV file really\n"),
    "parquet_float_ids": lambda ds: (
        (ds / "engagements.csv").unlink(),
        pq.write_table(pa.table({"actor_id": [1.0], "action": ["like"], "target_id": ["p1"],
                                 "created_at": [dt.datetime(2024, 1, 1)]}), ds / "engagements.parquet"),
    ),
    "unknown_extension": lambda ds: (ds / "posts.xlsx").write_bytes(b"PK\x03\x04"),
    "table_given_twice": lambda ds: write_table(ds / "posts-0001.jsonl", POSTS),
    "duplicate_key_across_split_files": lambda ds: (
        (ds / "accounts.csv").unlink(),
        write_table(ds / "accounts-0001.csv", ACCOUNTS[:2]),
        write_table(ds / "accounts-0002.jsonl", [ACCOUNTS[2], {**ACCOUNTS[0], "handle": "twin"}]),
    ),
    "error_in_second_split_file": lambda ds: (
        (ds / "accounts.csv").unlink(),
        write_table(ds / "accounts-0001.csv", ACCOUNTS[:2]),
        write_table(ds / "accounts-0002.csv", [ACCOUNTS[2], {**ACCOUNTS[0], "account_id": "a9", "created_at": "yesterday"}]),
    ),
    "no_accounts_table": lambda ds: (ds / "accounts.csv").unlink(),
    "election_toml_missing": lambda ds: (ds / "election.toml").unlink(),
    "election_toml_not_toml": lambda ds: (ds / "election.toml").write_text('id = "x"\nrounds = [2024-11-24\n'),
    "election_toml_bad_date": lambda ds: (ds / "election.toml").write_text(
        'id = "x"\ncountry = "RO"\nname = "n"\nrounds = ["24.11.2024"]\n'
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_message(tmp_path, case):
    ds = make_dataset(tmp_path / "ds")
    CASES[case](ds)
    with pytest.raises(DataError) as info:
        ingest_dataset(ds, Workspace(tmp_path / "ws"))
    got = info.value.format().replace(str(ds), "<dataset>") + "\n"
    golden = GOLDEN / f"{case}.txt"
    if REGEN or not golden.exists():
        golden.write_text(got, encoding="utf-8")
        if not REGEN:
            pytest.fail(f"recorded a new golden message for {case}; check it and commit it")
    assert got == golden.read_text(encoding="utf-8")
    # a failed ingest keeps nothing
    assert not (tmp_path / "ws" / "events.duckdb").exists()
    assert not (tmp_path / "ws" / ".ingest-tmp").exists()


def test_golden_files_all_belong_to_a_case():
    assert sorted(p.stem for p in GOLDEN.glob("*.txt")) == sorted(CASES)
