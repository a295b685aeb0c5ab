"""What ingest stores: the contract's conventions, in all three formats."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from civicshield.contract import TABLES
from civicshield.ingest import ingest_dataset
from civicshield.workspace import Workspace

from .data import ACCOUNTS, write_table


def _tables(ws: Workspace) -> dict[str, list[tuple]]:
    with ws.events(read_only=True) as store:
        return {t: store.rows(f'SELECT * FROM "{t}" ORDER BY ALL') for t in sorted(store.tables())}


def _ingest(ds, tmp_path, name="ws"):
    ws = Workspace(tmp_path / name)
    return ws, ingest_dataset(ds, ws)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_each_format_loads_the_contract_conventions(dataset, tmp_path, fmt):
    ws, summary = _ingest(dataset(fmt), tmp_path)
    assert summary.rows == {"accounts": 3, "posts": 2, "engagements": 3}
    with ws.events(read_only=True) as store:
        acc = {r[0]: r for r in store.rows("SELECT account_id, created_at, account_type, status, verified, follower_count, bio FROM accounts")}
        # numeric-looking ids stay strings, leading zeros and all
        assert set(acc) == {"00123", "00124", "7"}
        # Z, offsets and naive times all land in naive UTC
        assert acc["00123"][1] == dt.datetime(2024, 1, 1, 0, 0)
        assert acc["00124"][1] == dt.datetime(2024, 3, 5, 8, 0)
        assert acc["7"][1] == dt.datetime(2024, 9, 30, 23, 59, 59)
        # enum defaults fill empty values
        assert acc["00124"][2] == "personal" and acc["7"][3] == "active" and acc["7"][2] == "personal"
        assert acc["00123"][4] is True and acc["00124"][4] is False and acc["7"][4] is None
        assert acc["00123"][5] == 1500
        # hostile text is kept verbatim
        assert acc["7"][6] == ACCOUNTS[2]["bio"]
        posts = dict(store.rows("SELECT post_id, hashtags FROM posts"))
        assert posts == {"p1": ["alegeri2024", "vot"], "p2": None}
        assert store.rows("SELECT text FROM posts WHERE post_id = 'p1'")[0][0] == "Votați!\nDuminică"
        assert store.election().id == "ro-2024-presidential"


def test_all_three_formats_give_the_same_tables(dataset, tmp_path):
    got = {fmt: _tables(_ingest(dataset(fmt, name=f"ds-{fmt}"), tmp_path, f"ws-{fmt}")[0]) for fmt in ("csv", "jsonl", "parquet")}
    assert got["csv"] == got["jsonl"] == got["parquet"]
    assert len(got["csv"]["engagements"]) == 3


def test_split_files_are_one_table_and_rows_are_stored_by_time(dataset, tmp_path):
    ds = dataset("csv", engagements=None)
    rows = [
        {"actor_id": f"{i:05d}", "action": "like", "target_id": "p1", "created_at": f"2024-11-20T14:{59 - i:02d}:00Z"}
        for i in range(6)
    ]
    write_table(ds / "engagements-0002.jsonl", rows[3:])
    write_table(ds / "engagements-0001.csv", rows[:3])
    ws, summary = _ingest(ds, tmp_path)
    assert summary.rows["engagements"] == 6
    with ws.events(read_only=True) as store:
        stored = [r[0] for r in store.rows("SELECT actor_id FROM engagements")]
    assert stored == ["00005", "00004", "00003", "00002", "00001", "00000"]


def test_csv_lists_are_space_separated_and_hashtags_normalised(dataset, tmp_path):
    posts = [{"post_id": "p1", "account_id": "00123", "created_at": "2024-11-20T14:03:11Z",
              "hashtags": "#Vot  ##ALEGERI #", "mentions": "@ana   @bob", "urls": ""}]
    ws, _ = _ingest(dataset("csv", posts=posts), tmp_path)
    with ws.events(read_only=True) as store:
        assert store.rows("SELECT hashtags, mentions, urls FROM posts") == [(["vot", "alegeri"], ["@ana", "@bob"], None)]


def test_extra_columns_are_ignored_with_a_note(dataset, tmp_path):
    accounts = [{**a, "crawler_batch": "b7"} for a in ACCOUNTS]
    ds = dataset("jsonl", accounts=accounts)
    (ds / "README.md").write_text("notes")
    ws, summary = _ingest(ds, tmp_path)
    assert summary.rows["accounts"] == 3
    assert any("crawler_batch" in n and "accounts.jsonl" in n for n in summary.notes)
    assert any("README.md" in n for n in summary.notes)
    with ws.events(read_only=True) as store:
        cols = [r[0] for r in store.rows("SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts'")]
    assert cols == list(TABLES["accounts"].names)


def test_optional_tables_absent_are_not_created(dataset, tmp_path):
    ws, summary = _ingest(dataset("csv", posts=None, engagements=None), tmp_path)
    assert summary.rows == {"accounts": 3}
    with ws.events(read_only=True) as store:
        assert store.tables() == {"accounts"}


def test_parquet_native_types(dataset, tmp_path):
    ds = dataset("parquet", accounts=None, posts=None, engagements=None)
    tz = dt.timezone(dt.timedelta(hours=2))
    pq.write_table(
        pa.table({
            "account_id": pa.array([123, 7], pa.int64()),  # integer ids become their digits
            "handle": ["a", "b"],
            "created_at": pa.array([dt.datetime(2024, 1, 1, 2, 0, tzinfo=tz)] * 2, pa.timestamp("us", tz="Europe/Bucharest")),
            "follower_count": [5.0, None],  # pandas writes gappy int columns as float
            "verified": [True, None],
        }),
        ds / "accounts.parquet",
    )
    pq.write_table(
        pa.table({
            "actor_id": ["123"], "action": ["LIKE"], "target_id": ["p9"],
            "created_at": pa.array([dt.datetime(2024, 11, 20, 14)], pa.timestamp("ns")),
        }),
        ds / "engagements.parquet",
    )
    ws, _ = _ingest(ds, tmp_path)
    with ws.events(read_only=True) as store:
        assert store.rows("SELECT account_id, created_at, follower_count, verified FROM accounts ORDER BY 1") == [
            ("123", dt.datetime(2024, 1, 1, 0, 0), 5, True),
            ("7", dt.datetime(2024, 1, 1, 0, 0), None, None),
        ]
        assert store.rows("SELECT action, created_at FROM engagements") == [("like", dt.datetime(2024, 11, 20, 14))]


def test_jsonl_numbers_and_bools_as_json_values(dataset, tmp_path):
    ds = dataset("jsonl", posts=None, engagements=None)
    lines = [
        {"account_id": 123, "handle": "a", "created_at": "2024-01-01T00:00:00Z", "verified": True, "follower_count": 12},
        {"account_id": "0042", "handle": "b", "created_at": "2024-01-01T00:00:00Z", "verified": None},
    ]
    (ds / "accounts.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    ws, summary = _ingest(ds, tmp_path)
    assert summary.rows["accounts"] == 2
    with ws.events(read_only=True) as store:
        assert store.rows("SELECT account_id, verified, follower_count FROM accounts ORDER BY 1") == [
            ("0042", None, None), ("123", True, 12)
        ]


def test_empty_tables_load_as_empty(dataset, tmp_path):
    ds = dataset("csv", posts=None, engagements=None)
    (ds / "engagements.jsonl").write_text("")
    (ds / "posts.csv").write_text("post_id,account_id,created_at\n")
    _, summary = _ingest(ds, tmp_path)
    assert summary.rows == {"accounts": 3, "posts": 0, "engagements": 0}


def test_row_numbers_count_records_not_lines(dataset, tmp_path):
    """A quoted value spanning lines is one row; blank lines are not rows."""
    from civicshield.errors import DataError

    ds = dataset("csv", posts=None, engagements=None)
    (ds / "accounts.csv").write_text(
        'account_id,handle,created_at,bio\n'
        'a1,x,2024-01-01,"line one\nline two\nline three"\n'
        '\n'
        'a2,y,not-a-time,\n'
    )
    with pytest.raises(DataError) as e:
        _ingest(ds, tmp_path)
    assert (e.value.row, e.value.column) == (2, "created_at")


def test_progress_reports_each_table_to_completion(dataset, tmp_path):
    calls = []
    ingest_dataset(dataset("csv"), Workspace(tmp_path / "ws"), progress=lambda t, d, n=None: calls.append((t, d, n)))
    last = {}
    for task, done, total in calls:
        assert total is None or 0 <= done <= total
        last[task] = (done, total)
    assert last["ingest"] == (3, 3)
    for table in ("accounts", "posts", "engagements"):
        done, total = last[f"ingest {table}"]
        assert done == total
    assert last["swap"] == (1, 1)


def test_csv_with_bom_crlf_and_quoting(dataset, tmp_path):
    ds = dataset("csv", posts=None, engagements=None)
    (ds / "accounts.csv").write_bytes(
        "\ufeffaccount_id,handle,created_at,bio\r\n"
        'a1,x,2024-01-01T00:00:00Z,"comma, ""quoted"" and\r\nnew line 🗳️"\r\n'
        "a2,y,2024-01-01T00:00:00Z,\r\n".encode()
    )
    ws, summary = _ingest(ds, tmp_path)
    with ws.events(read_only=True) as store:
        assert store.rows("SELECT account_id, bio FROM accounts ORDER BY 1") == [
            ("a1", 'comma, "quoted" and\r\nnew line 🗳️'), ("a2", None)
        ]


def test_jsonl_rows_are_line_numbers_even_after_blank_lines(dataset, tmp_path):
    from civicshield.errors import DataError

    ds = dataset("jsonl", posts=None, engagements=None)
    ok = '{"account_id": "a%d", "handle": "h", "created_at": "2024-01-01"}\n'
    (ds / "accounts.jsonl").write_text(ok % 1 + "\n  \n" + ok % 2 + '{"account_id": "a1", "handle": "h", "created_at": "2024-01-01"}\n')
    with pytest.raises(DataError) as e:
        _ingest(ds, tmp_path)
    assert (e.value.row, e.value.column) == (5, "account_id")
    assert e.value.message == "duplicate primary key 'a1': also in row 1"
    (ds / "accounts.jsonl").write_text(ok % 1 + "\n\n" + '{"account_id": "a3", "handle": "h", "created_at": "later"}\n')
    with pytest.raises(DataError) as e:
        _ingest(ds, tmp_path)
    assert (e.value.row, e.value.column) == (4, "created_at")


def test_text_is_verbatim_but_typed_values_are_trimmed(dataset, tmp_path):
    ds = dataset("csv", posts=None, engagements=None)
    (ds / "accounts.csv").write_text(
        "account_id,handle,created_at,verified,account_type,follower_count\n"
        " a1 ,\tx\t, 2024-01-01T00:00:00Z , yes , Creator , 12 \n"
    )
    ws, _ = _ingest(ds, tmp_path)
    with ws.events(read_only=True) as store:
        assert store.rows("SELECT account_id, handle, created_at, verified, account_type, follower_count FROM accounts") == [
            (" a1 ", "\tx\t", dt.datetime(2024, 1, 1), True, "creator", 12)
        ]
