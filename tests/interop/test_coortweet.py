"""CooRTweet and coordination-network-toolkit CSV imports, then ingest."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from civicshield.cli import app
from civicshield.errors import DataError
from civicshield.ingest import ingest_dataset
from civicshield.interop import import_coortweet, import_toolkit
from civicshield.workspace import Workspace

SHARES = """object_id,account_id,content_id,timestamp_share
1400000000000000001,u1,1500000000000000001,1623881091
1400000000000000001,u2,1500000000000000002,1623881100.0
https://news.example/a,u2,1500000000000000002,1623881100
1400000000000000001,u1,1500000000000000001,1623881091
"""


def _ingest(out, tmp_path):
    ws = Workspace(tmp_path / "ws").ensure()
    return ws, ingest_dataset(out, ws)


def _rows(ws, sql):
    with ws.events(read_only=True) as store:
        return store.query(sql).to_pylist()


def test_shares_become_share_engagements(tmp_path, election_file):
    src = tmp_path / "shares.csv"
    src.write_text(SHARES)
    res = import_coortweet(src, tmp_path / "ds", election_file)
    ws, summary = _ingest(res.out, tmp_path)
    assert summary.rows == {"accounts": 2, "engagements": 3}  # the repeated row is one share
    eng = _rows(ws, "SELECT actor_id, action, target_id, created_at FROM engagements ORDER BY actor_id, target_id")
    assert eng[0] == {"actor_id": "u1", "action": "share", "target_id": "1400000000000000001",
                      "created_at": dt.datetime(2021, 6, 16, 22, 4, 51)}
    acc = {a["account_id"]: a for a in _rows(ws, "SELECT * FROM accounts")}
    assert acc["u2"]["handle"] == "u2" and acc["u2"]["created_at"] == dt.datetime(2021, 6, 16, 22, 5)
    assert "u1" in (res.out / "IMPORT_NOTES.md").read_text()


def test_url_objects_become_posts_the_coordination_detector_reads(tmp_path, election_file):
    src = tmp_path / "shares.csv"
    src.write_text(SHARES)
    res = import_coortweet(src, tmp_path / "ds", election_file, objects="url")
    ws, _ = _ingest(res.out, tmp_path)
    posts = {p["post_id"]: p for p in _rows(ws, "SELECT post_id, account_id, urls FROM posts")}
    assert posts["1500000000000000002"]["urls"] == ["1400000000000000001", "https://news.example/a"]
    assert posts["1500000000000000001"]["account_id"] == "u1"


def test_posts_shape_merges_rows_of_one_post(tmp_path, election_file):
    src = tmp_path / "posts.csv"
    src.write_text("account_id,post_id,url_id,hashtag_id,domain_id,phash_id,timestamp\n"
                   "fb_1,10,u7,,d3,,1629589836.0\nfb_1,10,,h2,d3,,1629589836.0\ntw_2,11,u7,,,,1629589900\n"
                   "fb_45,,,,,,1632141427.0\n")
    res = import_coortweet(src, tmp_path / "ds", election_file)
    ws, summary = _ingest(res.out, tmp_path)
    assert summary.rows == {"accounts": 2, "posts": 2}
    p = _rows(ws, "SELECT * FROM posts WHERE post_id = '10'")[0]
    assert p["urls"] == ["u7"] and p["hashtags"] == ["h2"] and p["account_id"] == "fb_1"
    assert any("domain_id, phash_id" in n for n in res.notes)
    assert "1 rows without a post_id skipped (rows 4)" in res.notes


def test_real_coortweet_retweets_import_and_ingest(shared_dir, tmp_path, election_file):
    src = shared_dir / "data" / "coortweet" / "russian_coord_tweets.csv"
    res = import_coortweet(src, tmp_path / "ds", election_file)
    ws, summary = _ingest(res.out, tmp_path)
    with ws.events(read_only=True) as store:
        distinct = store.rows(f"SELECT count(*), count(DISTINCT account_id) FROM (SELECT DISTINCT * FROM "
                              f"read_csv('{src}', all_varchar = true))")[0]
    assert (summary.rows["engagements"], summary.rows["accounts"]) == distinct


@pytest.mark.parametrize(
    ("text", "row", "column"),
    [
        ("object_id,account_id,content_id,timestamp_share\no1,a1,c1,yesterday\n", 1, "timestamp_share"),
        ("account_id,post_id,timestamp\na1,p1,1\n,p2,2\n", 2, "account_id"),
        ("account_id,post_id,timestamp\na1,p1,1\na2,p1,2\n", 2, "account_id"),
        ("account_id,post_id,timestamp\na1,p1,not-a-time\n", 1, "timestamp"),
    ],
)
def test_bad_rows_name_file_row_and_column(tmp_path, election_file, text, row, column):
    src = tmp_path / "in.csv"
    src.write_text(text)
    with pytest.raises(DataError) as e:
        import_coortweet(src, tmp_path / "ds", election_file)
    assert (e.value.file, e.value.row, e.value.column) == (str(src), row, column)


def test_unknown_shape_is_refused(tmp_path, election_file):
    src = tmp_path / "in.csv"
    src.write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match="not a CooRTweet CSV"):
        import_coortweet(src, tmp_path / "ds", election_file)


TOOLKIT = """message_id,user_id,username,repost_id,reply_id,message,timestamp,urls
9000000000000000001,11,ana,,,"Votați! #Alegeri2024 #vot",1732200000,https://a.example/x https://b.example/y
9000000000000000002,12,@ion,9000000000000000001,,RT Votați!,1732200005,
9000000000000000003,12,ion,,9000000000000000001,"De acord #vot",2024-11-21T14:41:00Z,
"""


def test_toolkit_reposts_become_shares_and_messages_posts(tmp_path, election_file):
    src = tmp_path / "toolkit.csv"
    src.write_text(TOOLKIT)
    res = import_toolkit(src, tmp_path / "ds", election_file)
    ws, summary = _ingest(res.out, tmp_path)
    assert summary.rows == {"accounts": 2, "posts": 2, "engagements": 1}
    p = _rows(ws, "SELECT * FROM posts WHERE post_id = '9000000000000000001'")[0]
    assert p["hashtags"] == ["alegeri2024", "vot"] and p["urls"] == ["https://a.example/x", "https://b.example/y"]
    assert _rows(ws, "SELECT actor_id, target_id FROM engagements") == [
        {"actor_id": "12", "target_id": "9000000000000000001"}]
    reply = _rows(ws, "SELECT created_at FROM posts WHERE post_id = '9000000000000000003'")[0]
    assert reply["created_at"] == dt.datetime(2024, 11, 21, 14, 41)
    assert pq.read_table(res.out / "posts.parquet", columns=["reply_to"]).column(0).to_pylist() == [
        None, "9000000000000000001"]
    assert {a["account_id"]: a["handle"] for a in _rows(ws, "SELECT * FROM accounts")} == {"11": "ana", "12": "ion"}


def test_toolkit_cli_and_missing_column(tmp_path, election_file):
    src = tmp_path / "toolkit.csv"
    src.write_text(TOOLKIT)
    out = tmp_path / "ds"
    ok = CliRunner().invoke(app, ["import", "toolkit", str(src), "--out", str(out), "--election", str(election_file)])
    assert ok.exit_code == 0, ok.output
    assert _ingest(out, tmp_path)[1].rows["posts"] == 2
    src.write_text("message_id,user_id\n1,2\n")
    bad = CliRunner().invoke(app, ["import", "toolkit", str(src), "--out", str(tmp_path / "ds2"),
                                   "--election", str(election_file)])
    assert bad.exit_code == 2 and "column 'username'" in bad.stderr


def test_coortweet_cli(tmp_path, election_file):
    src = tmp_path / "shares.csv"
    src.write_text(SHARES)
    out = tmp_path / "ds"
    ok = CliRunner().invoke(app, ["import", "coortweet", str(src), "--out", str(out), "--election", str(election_file),
                                  "--objects", "hashtag"])
    assert ok.exit_code == 0, ok.output
    assert _ingest(out, tmp_path)[1].rows == {"accounts": 2, "posts": 2}
