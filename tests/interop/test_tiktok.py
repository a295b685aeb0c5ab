"""TikTok Research API import: hand-made responses that follow the public docs
(video query, user info, video comments, followers / following; cursor and
has_more pagination; an error envelope; missing fields; both spellings of
favorites_count), imported and then ingested."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from civicshield.cli import app
from civicshield.errors import DataError
from civicshield.ingest import ingest_dataset
from civicshield.interop import import_tiktok_research
from civicshield.interop.dataset import NOTES_FILE, username_id
from civicshield.workspace import Workspace

VOT, ANA = username_id("tt", "vot_liber"), username_id("tt", "ana.pop")


@pytest.fixture
def imported(tiktok_dir, election_file, tmp_path):
    res = import_tiktok_research(tiktok_dir, tmp_path / "ds", election_file)
    ws = Workspace(tmp_path / "ws").ensure()
    summary = ingest_dataset(res.out, ws)
    return res, ws, summary


def _rows(ws, sql):
    with ws.events(read_only=True) as store:
        return store.query(sql).to_pylist()


def test_import_is_ingested_and_holds_what_the_responses_said(imported):
    res, ws, summary = imported
    assert summary.rows == {"accounts": 2, "posts": 3, "comments": 2}
    posts = {p["post_id"]: p for p in _rows(ws, "SELECT * FROM posts")}
    # ids beyond 2**53 survive exactly (a float would turn ...001 into ...000)
    assert set(posts) == {"7440000000000000001", "7440000000000000002", "7440000000000000003"}
    p1 = posts["7440000000000000001"]
    assert p1["account_id"] == VOT
    assert p1["created_at"] == dt.datetime(2024, 11, 21, 14, 40, 0)  # 1732200000 in UTC
    assert p1["hashtags"] == ["alegeri", "georgescu"] and p1["mentions"] == ["calin"]
    assert p1["audio_id"] == "7012345678901234567" and p1["country"] == "RO"
    assert (p1["view_count"], p1["like_count"], p1["comment_count"], p1["share_count"]) == (1200, 300, 12, 40)
    # an item with only the requested fields: the rest stays empty
    p3 = posts["7440000000000000003"]
    assert p3["account_id"] == VOT and p3["text"] is None and p3["audio_id"] is None and p3["view_count"] is None


def test_accounts_get_stable_ids_and_the_earliest_video_as_created_at(imported):
    _, ws, _ = imported
    acc = {a["account_id"]: a for a in _rows(ws, "SELECT * FROM accounts")}
    assert set(acc) == {VOT, ANA}  # 'Vot_Liber' and 'vot_liber' are one account
    assert acc[VOT]["created_at"] == dt.datetime(2024, 11, 20, 10, 53, 20)  # its earliest video, 1732100000
    assert acc[VOT]["display_name"] == "Vot Liber 🇷🇴" and acc[VOT]["follower_count"] == 15321
    assert acc[VOT]["verified"] is False and acc[VOT]["bio"] == "Informare electorală"
    assert acc[ANA]["display_name"] == "Ana" and acc[ANA]["follower_count"] is None  # user info lacking fields


def test_both_favorites_spellings_and_comment_fields_are_kept_beside_the_contract(imported):
    res, ws, summary = imported
    fav = pq.read_table(res.out / "posts.parquet", columns=["post_id", "favorites_count"]).to_pylist()
    assert {r["post_id"]: r["favorites_count"] for r in fav} == {
        "7440000000000000001": 9, "7440000000000000002": 2, "7440000000000000003": None}
    comments = {c["comment_id"]: c for c in _rows(ws, "SELECT * FROM comments")}
    assert set(comments) == {"7440000000000000101", "7440000000000000102"}
    assert all(c["account_id"] is None and c["post_id"] == "7440000000000000001" for c in comments.values())
    assert comments["7440000000000000102"]["created_at"] == dt.datetime(2024, 11, 21, 14, 43, 20)
    parents = pq.read_table(res.out / "comments.parquet", columns=["comment_id", "parent_comment_id"]).to_pylist()
    assert {"comment_id": "7440000000000000102", "parent_comment_id": "7440000000000000101"} in parents
    assert any("favorites_count" in n for n in summary.notes)  # ingest says it ignores the extra column


def test_follow_lists_go_to_a_side_file_not_to_engagements(imported):
    res, ws, summary = imported
    assert not _rows(ws, "SELECT table_name FROM information_schema.tables WHERE table_name = 'engagements'")
    edges = pacsv.read_csv(res.out / "follow_edges.csv").to_pylist()
    assert {(e["follower_handle"], e["followed_handle"]) for e in edges} == {
        ("ion_v", "vot_liber"), ("ana.pop", "vot_liber"), ("maria_b", "vot_liber")}
    assert any("follow_edges.csv" in n and "ignored" in n for n in summary.notes)


def test_notes_name_the_error_page_the_incomplete_crawl_and_the_stand_ins(imported):
    res, _, _ = imported
    text = (res.out / NOTES_FILE).read_text()
    assert "videos-p3.json: API error 'rate_limit_exceeded'" in text
    assert "following pages of ana.pop" in text and "incomplete" in text
    assert "followers pages of vot_liber" not in text  # its last page says has_more false
    stand_ins = text.split("## Accounts whose created_at is a stand-in", 1)[1]
    assert f"{VOT} @vot_liber" in stand_ins and f"{ANA} @ana.pop" in stand_ins
    assert "@ion_v" in text and "left out of accounts" in text
    assert res.stand_in_created_at == (f"{ANA} @ana.pop", f"{VOT} @vot_liber")


def _write(path, doc):
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)


@pytest.mark.parametrize(
    ("doc", "row", "column", "says"),
    [
        ({"data": {"videos": [{"id": 7.44e18, "create_time": 1, "username": "x"}]}}, 1, "id", "integer or string id"),
        ({"data": {"videos": [{"id": 1, "create_time": 5, "username": "x"}, {"id": 2, "create_time": "soon", "username": "x"}]}},
         2, "create_time", "unix seconds"),
        ({"data": {"videos": [{"id": 1, "create_time": 5}]}}, 1, "username", "missing username"),
        ({"data": {"comments": [{"id": 1, "create_time": 5}]}}, 1, "video_id", "integer or string id"),
    ],
)
def test_bad_items_name_file_row_and_field(tiktok_dir, election_file, tmp_path, doc, row, column, says):
    _write(tiktok_dir / "zz-bad.json", doc)
    with pytest.raises(DataError) as e:
        import_tiktok_research(tiktok_dir, tmp_path / "ds", election_file)
    assert e.value.file.endswith("zz-bad.json") and e.value.row == row and e.value.column == column
    assert says in e.value.message
    assert not (tmp_path / "ds").exists()  # nothing written on failure
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]


def test_a_used_output_folder_or_bad_election_is_refused_before_reading(tmp_path, election_file):
    used = tmp_path / "used"
    used.mkdir()
    (used / "posts.csv").write_text("x")
    with pytest.raises(DataError, match="not empty"):
        import_tiktok_research(tmp_path / "no-such-folder", used, election_file)
    with pytest.raises(DataError, match="election.toml"):
        import_tiktok_research(tmp_path / "no-such-folder", tmp_path / "new", tmp_path / "missing.toml")


def test_user_info_without_its_user_and_broken_json_are_errors(tiktok_dir, election_file, tmp_path):
    _write(tiktok_dir / "user_info-2.json", {"data": {"display_name": "?"}, "error": {"code": "ok"}})
    with pytest.raises(DataError, match="does not name its user"):
        import_tiktok_research(tiktok_dir, tmp_path / "ds", election_file)
    (tiktok_dir / "user_info-2.json").unlink()
    _write(tiktok_dir / "videos-p9.json", '{"data": {"videos": [')
    with pytest.raises(DataError, match="not valid JSON"):
        import_tiktok_research(tiktok_dir, tmp_path / "ds", election_file)


def test_cli_imports_then_refuses_a_non_empty_output(tiktok_dir, election_file, tmp_path):
    out = tmp_path / "ds"
    args = ["import", "tiktok-research", str(tiktok_dir), "--out", str(out), "--election", str(election_file)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "rate_limit_exceeded" in result.stderr
    ws = Workspace(tmp_path / "ws").ensure()
    assert ingest_dataset(out, ws).rows["posts"] == 3
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2 and "not empty" in again.stderr


def test_every_detector_runs_on_an_import_and_those_lacking_data_say_so(imported):
    from civicshield.detect import detect

    _, ws, _ = imported
    results = {r.detector: r for r in detect(ws)}
    skipped = {name: r.skipped for name, r in results.items() if r.skipped}
    assert "engagements" in skipped["lockstep_engagement"] and "signups" in skipped["spam_signup"]
    assert "external_messages" in skipped["recruitment"]
    assert not results["coordination"].skipped  # posts are there; nothing coordinated in three videos
    # creation times are stand-ins (first activity): the creation-time detectors refuse to guess
    for name in ("batch_created", "sleeper_activation"):
        assert "accounts.created_at" in skipped[name] and "estimates" in skipped[name]
    assert "accounts.created_at" in (imported[0].out / "election.toml").read_text(encoding="utf-8")
    assert not results["coordination"].findings
