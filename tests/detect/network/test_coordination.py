"""The coordination detector on a planted operation and its organic look-alikes."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from network_plant import plant

from civicshield._testing import ro_election
from civicshield.detect import DetectionContext, get, run_detector
from civicshield.detect.network.keys import extract_keys
from civicshield.detect.network.projection import KEYS_VIEW, pair_events_sql
from civicshield.errors import ParameterError
from civicshield.store.build import build_store
from civicshield.workspace import Workspace

DET = get("coordination")


def _run(ws, **over):
    with ws.events(read_only=True) as store:
        return run_detector(DET, DetectionContext(store, store.election()), over)


@pytest.fixture(scope="module", params=[1, 2])
def planted(request, tmp_path_factory):
    tables, groups = plant(request.param)
    ws = Workspace(tmp_path_factory.mktemp(f"coord{request.param}")).ensure()
    build_store(ws.events_path, ro_election(), tables)
    return ws, groups, _run(ws)


def test_the_operation_is_found_as_one_network(planted):
    _, groups, res = planted
    op = groups["op"]
    best = max(res.findings, key=lambda f: len(op & set(f.account_ids)) / len(op | set(f.account_ids)))
    assert len(op & set(best.account_ids)) / len(op | set(best.account_ids)) >= 0.8
    assert best.kind == "coordinated_network" and best.network_id.startswith("net-")


def test_organic_look_alikes_are_left_alone(planted):
    _, groups, res = planted
    organic = groups["viral"] | groups["sound"] | groups["fan"] | groups["background"]
    flagged = {a for f in res.findings for a in f.account_ids}
    assert not flagged & organic, "viral moment, trending sound, fan club or campus NAT flagged as coordinated"
    assert all(set(f.account_ids) & groups["op"] for f in res.findings)


def test_the_network_report_row(planted):
    _, groups, res = planted
    f = next(f for f in res.findings if set(f.account_ids) & groups["op"])
    ev = f.evidence
    assert ev["account_count"] == len(f.account_ids)
    assert ev["operates_from"] == "RU" and ev["logins_abroad"] is True
    assert ev["registration_countries"] == {"RO": len(f.account_ids)}
    assert ev["target_language"] == "ro" and ev["target_country"] == "RO"
    assert ev["promotes"][0]["name"] == "Călin Georgescu"
    assert set(ev["top_hashtags"][:4]) == {"votgeorgescu", "georgescupresedinte", "romaniaunita", "suveranitate"}
    assert ev["total_followers"] > 0 and ev["first_activity"] <= ev["last_activity"]
    strongest = ev["strongest_evidence"]
    assert len(strongest) == 5 and all(s["accounts"] >= 2 and s["min_gap_s"] <= 30 for s in strongest)
    assert ev["signals"]["synchrony"] > 0.9 and ev["signals"]["created_together"] > 0.9
    assert dt.datetime(2024, 10, 1) <= f.first_seen <= f.last_seen <= dt.datetime(2024, 11, 1)


def test_network_ids_are_stable_across_runs(planted):
    ws, _, res = planted
    again = _run(ws)
    assert [(f.network_id, f.account_ids, f.score) for f in again.findings] == [
        (f.network_id, f.account_ids, f.score) for f in res.findings
    ]


def test_stricter_repetition_drops_the_network(planted):
    ws, _, _ = planted
    assert _run(ws, min_events=40).findings == ()


def test_posts_without_keys_are_never_coordinated(make_workspace):
    """The toolkit's empty-URL bug: key-less posts at the same second must not link."""
    t0 = dt.datetime(2024, 10, 1)
    accounts = [{"account_id": f"a{i}", "handle": f"h{i}", "created_at": t0} for i in range(8)]
    posts = [
        {"post_id": f"p{i}-{e}", "account_id": f"a{i}", "created_at": t0 + dt.timedelta(hours=e), "text": "",
         "urls": [], "hashtags": [], "mentions": [], "audio_id": ""}
        for i in range(8) for e in range(20)
    ]
    ws = make_workspace(accounts=accounts, posts=posts)
    assert _run(ws, min_text_words=1, min_keys=1).findings == ()


def test_url_and_text_variants_share_one_key():
    t = dt.datetime(2024, 10, 1)
    posts = pa.table({
        "post_id": ["1", "2", "3", "4"],
        "account_id": ["a", "b", "c", "d"],
        "created_at": pa.array([t] * 4, pa.timestamp("us")),
        "text": ["Votați Călin Georgescu pe 24 noiembrie!", "votati calin georgescu pe 24 noiembrie",
                 "Votaţi Călin Georgescu pe 24 noiembrie 🇷🇴 @x", "pe 24 noiembrie votati calin georgescu azi"],
        "hashtags": [["Georgescu"], ["georgescu"], [], []],
        "urls": [["https://www.stiri.ro/a?utm_source=fb#top"], ["http://stiri.ro/a/"], [""], []],
        "mentions": [[], [], ["x"], []],
        "audio_id": [None, "", "s1", None],
    })
    keys = extract_keys(posts, min_text_words=3).to_pylist()
    by = {}
    for r in keys:
        by.setdefault(r["kind"], {})[r["account_id"]] = r["key"]
    assert by["url"] == {"a": "stiri.ro/a", "b": "stiri.ro/a"}  # the empty URL of c gives no key
    assert by["hashtag"] == {"a": "georgescu", "b": "georgescu"}
    assert by["audio"] == {"c": "s1"}
    assert len(set(by["text"].values())) == 2 and by["text"]["a"] == by["text"]["b"] == by["text"]["c"]
    assert set(by["neardup"]) == {"a", "b", "c", "d"} and len(set(by["neardup"].values())) == 1


def test_hot_cells_are_dropped_not_joined(make_workspace):
    """A key with more posts in one window than cell_cap, or used by more than
    max_df accounts, makes no pairs at all."""
    ws = make_workspace(accounts=[])
    n = 1200
    keys = pa.table({
        "account_id": [f"a{i:05d}" for i in range(n)],
        "post_id": [str(i) for i in range(n)],
        "kind": ["hashtag"] * n,
        "key": ["viral"] * n,
        "ts": pa.array([1_700_000_040 + i % 10 for i in range(n)], pa.int64()),  # one 60 s bucket
    })
    with ws.events() as store:
        store.con.register(KEYS_VIEW, keys)
        capped = store.con.execute(pair_events_sql(60, 3600, 500, 1, 1, 10**9)).fetchall()
        uncapped = store.con.execute(f"SELECT COUNT(*) FROM ({pair_events_sql(60, 3600, 10_000, 1, 1, 10**9)})").fetchone()[0]
        everybody = store.con.execute(pair_events_sql(60, 3600, 10_000, 1, 1, 1000)).fetchall()
    assert capped == [] and everybody == []  # too many posts in one window; too many accounts on one key
    assert uncapped == n * (n - 1) // 2


def test_unknown_key_kind_is_refused(make_workspace):
    ws = make_workspace(posts=[{"post_id": "p", "account_id": "a", "created_at": dt.datetime(2024, 10, 1)}])
    with pytest.raises(ParameterError, match=r"^The 'key_kinds' parameter of coordination must be"):
        _run(ws, key_kinds="hashtag,smell")
