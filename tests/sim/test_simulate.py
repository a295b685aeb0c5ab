"""The simulator's dataset: contract conformance, ground truth, determinism."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from civicshield.contract import FINDING_KINDS, TABLES
from civicshield.election import load_election
from civicshield.errors import ParameterError
from civicshield.sim import SimConfig, SimResult, simulate
from civicshield.store.build import arrow_schema
from civicshield.text import fold

FAMILIES = {"viral_moment", "trending_sound", "fan_club", "shared_surname", "fan_account", "returning_user",
            "campus_nat", "unpaid_creator", "commercial_ad", "commercial_branded", "labelled_ai", "edited_photo",
            "domestic_state_media", "recruitment_hashtag_later", "claim_topic"}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _table(ds: Path, name: str):
    files = sorted(ds.glob(f"{name}.parquet")) + sorted(ds.glob(f"{name}-*.parquet"))
    return pq.read_table(files) if len(files) > 1 else pq.read_table(files[0])


def test_every_table_follows_the_contract(small_dataset):
    for name, spec in TABLES.items():
        t = _table(small_dataset, name)
        assert t.schema.names == list(spec.names), name
        assert t.schema.equals(arrow_schema(name)), name
        assert len(t) > 0, f"{name} is empty"
        for col in spec.columns:
            values = t.column(col.name)
            if col.required:
                assert values.null_count == 0, f"{name}.{col.name} has nulls"
            if col.enum:
                assert set(values.drop_null().to_pylist()) <= set(col.enum), f"{name}.{col.name}"
        if spec.primary_key:
            keys = list(zip(*(t.column(k).to_pylist() for k in spec.primary_key), strict=True))
            assert len(keys) == len(set(keys)), f"duplicate primary key in {name}"


def test_ids_look_like_platform_ids_and_hashtags_are_normalised(small_dataset):
    accounts, posts = _table(small_dataset, "accounts"), _table(small_dataset, "posts")
    for ids in (accounts.column("account_id").to_pylist(), posts.column("post_id").to_pylist()):
        assert all(re.fullmatch(r"[1-8]\d{18}", i) for i in ids)
    tags = [h for row in posts.column("hashtags").to_pylist() for h in row]
    assert tags and all(h == h.lower() and not h.startswith("#") and " " not in h for h in tags)
    hashes = [h for h in accounts.column("avatar_hash").to_pylist() if h]
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)


def test_references_resolve(small_dataset):
    con = duckdb.connect()
    ds = small_dataset
    con.execute(f"CREATE VIEW accounts AS SELECT * FROM '{ds}/accounts.parquet'")
    con.execute(f"CREATE VIEW posts AS SELECT * FROM '{ds}/posts.parquet'")
    con.execute(f"CREATE VIEW engagements AS SELECT * FROM '{ds}/engagements.parquet'")
    con.execute(f"CREATE VIEW comments AS SELECT * FROM '{ds}/comments.parquet'")
    assert con.execute("""SELECT count(*) FROM comments c LEFT JOIN posts p USING (post_id)
                          WHERE p.post_id IS NULL OR c.created_at < p.created_at
                          OR c.account_id NOT IN (SELECT account_id FROM accounts)""").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM posts WHERE account_id NOT IN (SELECT account_id FROM accounts)").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM engagements WHERE actor_id NOT IN (SELECT account_id FROM accounts)").fetchone()[0] == 0
    dangling = con.execute("""SELECT count(*) FROM engagements WHERE target_id NOT IN (SELECT post_id FROM posts)
                          AND target_id NOT IN (SELECT account_id FROM accounts)""").fetchone()[0]
    assert dangling == 0
    # nobody acts before their account exists, nor reacts before the post exists
    assert con.execute("""SELECT count(*) FROM engagements e JOIN accounts a ON a.account_id = e.actor_id
                      WHERE e.created_at < a.created_at""").fetchone()[0] == 0
    assert con.execute("""SELECT count(*) FROM engagements e JOIN posts p ON p.post_id = e.target_id
                      WHERE e.created_at < p.created_at""").fetchone()[0] == 0
    election = load_election(ds / "election.toml")
    ids = {r[0] for r in con.execute("SELECT account_id FROM accounts").fetchall()}
    assert len(election.candidates) >= 5 and len(election.parties) >= 3
    for c in election.candidates:
        assert c.official_account_ids and set(c.official_account_ids) <= ids
        assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in c.avatar_hashes)


def test_every_finding_kind_is_planted_by_several_operations(small_dataset):
    labels = _jsonl(small_dataset / "truth" / "labels.jsonl")
    ops = defaultdict(set)
    entities = defaultdict(set)
    for lb in labels:
        assert lb["kind"] in FINDING_KINDS
        assert lb["entity"] in FINDING_KINDS[lb["kind"]][0], lb
        ops[lb["kind"]].add(lb["operation"])
        entities[lb["kind"]].add(lb["entity"])
    for kind, (allowed, _) in FINDING_KINDS.items():
        assert len(ops[kind]) >= 2, f"{kind}: {ops[kind]}"
        assert entities[kind] == set(allowed), kind
    claims = {c["claim"] for c in _jsonl(small_dataset / "truth" / "claims.jsonl")}
    assert ops["election_misinformation"] == claims


def test_labels_point_at_real_entities(small_dataset):
    accounts = set(_table(small_dataset, "accounts").column("account_id").to_pylist())
    posts = set(_table(small_dataset, "posts").column("post_id").to_pylist())
    e = _table(small_dataset, "engagements")
    engagements = {f"{a}|{b}|{c}" for a, b, c in zip(*(e.column(k).to_pylist() for k in ("actor_id", "action", "target_id")), strict=True)}
    known = {"account": accounts, "post": posts, "engagement": engagements}
    for row in _jsonl(small_dataset / "truth" / "labels.jsonl") + _jsonl(small_dataset / "truth" / "lookalikes.jsonl"):
        assert row["id"] in known[row["entity"]], row


def test_fake_engagement_labels_every_action_of_a_farm_account(small_dataset):
    labels = _jsonl(small_dataset / "truth" / "labels.jsonl")
    farm = {lb["id"] for lb in labels if lb["kind"] == "fake_engagement" and lb["entity"] == "account"}
    labelled = {lb["id"] for lb in labels if lb["kind"] == "fake_engagement" and lb["entity"] == "engagement"}
    e = _table(small_dataset, "engagements")
    made = {f"{a}|{b}|{c}" for a, b, c in zip(*(e.column(k).to_pylist() for k in ("actor_id", "action", "target_id")), strict=True)
            if a in farm}
    assert made and made == labelled


def test_lookalikes_cover_every_family_and_are_not_labelled_as_what_they_mimic(small_dataset):
    looks = _jsonl(small_dataset / "truth" / "lookalikes.jsonl")
    assert {lk["family"] for lk in looks} == FAMILIES
    labelled = {(lb["entity"], lb["id"], lb["kind"]) for lb in _jsonl(small_dataset / "truth" / "labels.jsonl")}
    for lk in looks:
        for kind in lk["mimics"]:
            assert (lk["entity"], lk["id"], kind) not in labelled, lk


def _terms(election) -> set[str]:
    terms = {fold(k) for k in election.keywords}
    for c in election.candidates:
        terms |= {fold(c.name)} | {fold(a) for a in c.aliases}
    for p in election.parties:
        terms |= {fold(p.name)} | {fold(a) for a in p.aliases}
    return terms | {"alegeri2024", "prezidentiale2024", "votez", "turul1", "valasztas", "elnokvalasztas"}


def test_election_content_truth_matches_what_posts_say(small_dataset):
    election = load_election(small_dataset / "election.toml")
    terms = _terms(election)
    labelled = {lb["id"] for lb in _jsonl(small_dataset / "truth" / "labels.jsonl") if lb["kind"] == "election_content"}
    posts = _table(small_dataset, "posts").select(["post_id", "text", "hashtags"]).to_pylist()

    def about(p) -> bool:
        words = fold(p["text"]).replace("!", " ").replace(",", " ").replace(".", " ").replace(":", " ").split()
        text = " ".join(words)
        return any(re.search(rf"(^|\s){re.escape(t)}", text) for t in terms) or any(
            any(t.replace(" ", "") in h for t in terms) for h in p["hashtags"])

    wrong_pos = [p for p in posts if p["post_id"] in labelled and not about(p)]
    wrong_neg = [p for p in posts if p["post_id"] not in labelled and about(p)]
    assert not wrong_pos[:5]
    assert not wrong_neg[:5]
    assert 0.1 < len(labelled) / len(posts) < 0.85  # small populations are op-heavy: ops do not shrink with them


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    cfg = SimConfig(seed=3, accounts=300, scale=0.3)

    def digest(ds: Path) -> dict[str, str]:
        return {p.relative_to(ds).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(ds.rglob("*")) if p.is_file() and "media" not in p.parts}

    a = digest(simulate(tmp_path / "a", cfg).path)
    # the second run in another interpreter with another string-hash seed: no set-order leaks
    code = ("import sys; from pathlib import Path; from civicshield.sim import SimConfig, simulate; "
            "simulate(Path(sys.argv[1]), SimConfig(seed=3, accounts=300, scale=0.3))")
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "b")], check=True, env={**os.environ, "PYTHONHASHSEED": "12345"})
    b = digest(tmp_path / "b")
    assert a == b and "engagements.parquet" in a
    other = simulate(tmp_path / "c", SimConfig(seed=4, accounts=300, scale=0.3))
    c = digest(other.path)
    assert c["accounts.parquet"] != a["accounts.parquet"]
    per_op = defaultdict(int)
    for lb in _jsonl(tmp_path / "a" / "truth" / "labels.jsonl"):
        per_op[(lb["kind"], lb["operation"])] += 1
    per_op_c = defaultdict(int)
    for lb in _jsonl(other.path / "truth" / "labels.jsonl"):
        per_op_c[(lb["kind"], lb["operation"])] += 1
    assert sorted(per_op.values()) != sorted(per_op_c.values())


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_text_formats_hold_the_same_rows_as_parquet(tmp_path, fmt):
    cfg = dict(seed=5, accounts=300, scale=0.3)
    pq_ds = simulate(tmp_path / "pq", SimConfig(**cfg)).path
    res = simulate(tmp_path / fmt, SimConfig(fmt=fmt, **cfg))
    assert isinstance(res, SimResult)
    con = duckdb.connect()
    for name in ("posts", "engagements", "accounts"):
        want = _table(pq_ds, name)
        path = res.path / f"{name}.{fmt}"
        if fmt == "csv":
            got = con.sql(f"SELECT * FROM read_csv('{path}', all_varchar=true)").to_arrow_table()
        else:
            got = con.sql(f"SELECT * FROM read_json('{path}', format='newline_delimited')").to_arrow_table()
        assert len(got) == len(want) == res.rows[name]
        assert got.column_names == want.column_names
    posts = [json.loads(line) for line in (tmp_path / "jsonl" / "posts.jsonl").read_text().splitlines()] if fmt == "jsonl" else None
    if posts:
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", p["created_at"]) for p in posts)
        assert all(isinstance(p["hashtags"], list) for p in posts)
    if fmt == "csv":
        row = con.execute(f"SELECT created_at, hashtags FROM read_csv('{res.path}/posts.csv', all_varchar=true) "
                      "WHERE hashtags LIKE '% %' LIMIT 1").fetchone()
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row[0]) and "[" not in row[1]


def test_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "x.txt").write_text("keep me")
    with pytest.raises(ValueError, match="not an empty folder"):
        simulate(tmp_path, SimConfig(accounts=300))
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


@pytest.mark.parametrize("bad", [dict(accounts=10), dict(scale=0), dict(fmt="xlsx"), dict(country="Romania"),
                                 dict(languages=("de",)), dict(seed=-1), dict(candidates=("Ana Pop", "Ion Rus")),
                                 dict(candidates=("Solo", "Ana Pop", "Ion Rus"))])
def test_bad_config_is_refused(tmp_path, bad):
    with pytest.raises(ParameterError, match="parameter of SimConfig must be"):
        simulate(tmp_path / "o", SimConfig(**bad))
    assert not (tmp_path / "o").exists()


def test_ai_media_truth_matches_the_content_credentials(small_dataset):
    import c2pa

    posts = {p["post_id"]: p for p in _table(small_dataset, "posts").to_pylist()}
    labels = _jsonl(small_dataset / "truth" / "labels.jsonl")
    election = load_election(small_dataset / "election.toml")
    names = [fold(c.name) for c in election.candidates]

    def source_type(media_path: str) -> str | None:
        reader = c2pa.Reader(str(small_dataset / "media" / media_path))
        try:
            store = json.loads(reader.json())
        finally:
            reader.close()
        actions = [a for asr in store["manifests"][store["active_manifest"]]["assertions"]
                   if asr["label"].startswith("c2pa.actions") for a in asr["data"]["actions"]]
        return next((a["digitalSourceType"].rsplit("/", 1)[-1] for a in actions if "digitalSourceType" in a), None)

    unlabelled = {lb["id"] for lb in labels if lb["kind"] == "unlabelled_ai"}
    misleading = {lb["id"] for lb in labels if lb["kind"] == "misleading_ai"}
    assert misleading and misleading <= unlabelled
    for pid in unlabelled:
        p = posts[pid]
        assert not p["ai_label"] and source_type(p["media_path"]) in {
            "trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "algorithmicMedia"}
        assert (pid in misleading) == any(n in fold(p["text"]) for n in names)
    looks = _jsonl(small_dataset / "truth" / "lookalikes.jsonl")
    for lk in looks:
        if lk["family"] == "labelled_ai":
            assert posts[lk["id"]]["ai_label"] and source_type(posts[lk["id"]]["media_path"]) == "trainedAlgorithmicMedia"
        if lk["family"] == "edited_photo":
            assert source_type(posts[lk["id"]]["media_path"]) is None


def test_sleepers_are_silent_until_they_wake_together(small_dataset):
    con = duckdb.connect()
    ds = small_dataset
    labels = [lb for lb in _jsonl(ds / "truth" / "labels.jsonl") if lb["kind"] == "sleeper_activation"]
    ops = defaultdict(list)
    for lb in labels:
        ops[lb["operation"]].append(lb["id"])
    round1 = load_election(ds / "election.toml").first_round
    for accounts in ops.values():
        ids = ", ".join(f"'{a}'" for a in accounts)
        first = con.execute(f"""
            SELECT a.account_id, year(a.created_at), min(x.t) FROM '{ds}/accounts.parquet' a JOIN (
                SELECT account_id, created_at AS t FROM '{ds}/logins.parquet' UNION ALL
                SELECT account_id, created_at FROM '{ds}/posts.parquet' UNION ALL
                SELECT actor_id, created_at FROM '{ds}/engagements.parquet') x USING (account_id)
            WHERE a.account_id IN ({ids}) GROUP BY ALL""").fetchall()
        assert len(first) == len(accounts)
        assert all(2016 <= year <= 2021 for _, year, _ in first)
        wakes = sorted(t for _, _, t in first)
        assert (wakes[-1] - wakes[0]).total_seconds() < 7 * 86400
        assert 13 <= (round1 - wakes[0].date()).days <= 43


def test_country_and_candidates_are_configurable(tmp_path):
    res = simulate(tmp_path / "md", SimConfig(seed=2, accounts=300, scale=0.2, country="MD",
                                             candidates=("Maia Sandu", "Alexandr Stoianoglo", "Renato Usatîi")))
    election = load_election(res.path / "election.toml")
    assert election.country == "MD"
    assert [c.name for c in election.candidates] == ["Maia Sandu", "Alexandr Stoianoglo", "Renato Usatîi"]
    countries = _table(res.path, "accounts").column("registration_country").to_pylist()
    assert countries.count("MD") > len(countries) / 2
    kinds = {json.loads(line)["kind"] for line in (res.path / "truth" / "labels.jsonl").read_text().splitlines()}
    assert kinds == set(FINDING_KINDS)


def test_large_tables_are_split_into_numbered_files(tmp_path):
    res = simulate(tmp_path / "split", SimConfig(seed=4, accounts=300, scale=0.4, file_rows=1000))
    parts = sorted(p.name for p in res.path.glob("engagements*.parquet"))
    assert len(parts) > 2 and parts[0] == "engagements-0001.parquet"
    assert all(re.fullmatch(r"engagements-\d{4}\.parquet", p) for p in parts)
    assert not (res.path / "engagements.parquet").exists()
    assert sum(pq.read_metadata(res.path / p).num_rows for p in parts) == res.rows["engagements"]
    assert (res.path / "payments.parquet").exists()  # small tables stay whole
    # planted rows are spread over the chunks and none is lost
    e = _table(res.path, "engagements")
    keys = {f"{a}|{b}|{c}" for a, b, c in zip(*(e.column(k).to_pylist() for k in ("actor_id", "action", "target_id")), strict=True)}
    farm = {lb["id"] for lb in _jsonl(res.path / "truth" / "labels.jsonl") if lb["entity"] == "engagement"}
    assert farm <= keys
    holding = [p for p in parts if set(pq.read_table(res.path / p, columns=["actor_id"]).column(0).to_pylist())
               & {k.split("|")[0] for k in farm}]
    assert len(holding) > 1


def test_planted_accounts_hide_among_organic_ones_by_id_and_position(small_dataset):
    ids = _table(small_dataset, "accounts").column("account_id").to_pylist()
    planted = {lb["id"] for lb in _jsonl(small_dataset / "truth" / "labels.jsonl") if lb["entity"] == "account"}
    positions = [i / len(ids) for i, a in enumerate(ids) if a in planted]
    assert len(positions) > 50
    per_quarter = [sum(q / 4 <= p < (q + 1) / 4 for p in positions) / len(positions) for q in range(4)]
    assert all(0.12 < share < 0.38 for share in per_quarter), per_quarter
    lengths = {len(a) for a in ids}
    assert lengths == {19}


def test_reports_follow_what_they_report(small_dataset):
    con = duckdb.connect()
    ds = small_dataset
    late = con.execute(f"""
        SELECT count(*) FROM '{ds}/reports.parquet' r
        LEFT JOIN '{ds}/posts.parquet' p ON r.target_kind = 'post' AND p.post_id = r.target_id
        LEFT JOIN '{ds}/accounts.parquet' a ON r.target_kind = 'account' AND a.account_id = r.target_id
        WHERE coalesce(p.created_at, a.created_at) IS NULL OR r.created_at < coalesce(p.created_at, a.created_at)
    """).fetchone()[0]
    assert late == 0
    kinds = {row[0] for row in con.execute(f"SELECT DISTINCT reporter_kind FROM '{ds}/reports.parquet'").fetchall()}
    assert {"user", "trusted_flagger"} <= kinds


@pytest.mark.parametrize("table, column", [("posts", "account_id"), ("comments", "account_id"), ("logins", "account_id"),
                                           ("engagements", "actor_id"), ("impressions", "viewer_id")])
def test_nobody_acts_before_their_account_exists(small_dataset, table, column):
    ds = small_dataset
    early = duckdb.connect().execute(f"""
        SELECT count(*) FROM '{ds}/{table}.parquet' x JOIN '{ds}/accounts.parquet' a ON a.account_id = x.{column}
        WHERE x.created_at < a.created_at""").fetchone()[0]
    assert early == 0


def test_follows_go_to_accounts_that_exist(small_dataset):
    ds = small_dataset
    bad = duckdb.connect().execute(f"""
        SELECT count(*) FROM '{ds}/engagements.parquet' e JOIN '{ds}/accounts.parquet' a ON a.account_id = e.target_id
        WHERE e.action = 'follow' AND (e.created_at < a.created_at OR e.actor_id = e.target_id)""").fetchone()[0]
    assert bad == 0


def test_planted_engagements_are_not_repeated_by_background_activity(small_dataset):
    ds = small_dataset
    planted = {lk["id"] for lk in _jsonl(ds / "truth" / "lookalikes.jsonl") if lk["entity"] == "engagement"}
    planted |= {lb["id"] for lb in _jsonl(ds / "truth" / "labels.jsonl") if lb["entity"] == "engagement"}
    dup = duckdb.connect().execute(f"""
        SELECT actor_id || '|' || action || '|' || target_id AS k FROM '{ds}/engagements.parquet'
        GROUP BY k HAVING count(*) > 1""").fetchall()
    assert not planted & {k for (k,) in dup}


def test_no_account_acts_in_inhuman_bursts(small_dataset):
    """Organic actions come in sessions tens of seconds apart; nobody (least of
    all an account created late) piles actions onto one second."""
    ds = small_dataset
    worst = duckdb.connect().execute(f"""
        SELECT max(n) FROM (SELECT actor_id, epoch(created_at) AS s, count(*) AS n
                            FROM '{ds}/engagements.parquet' GROUP BY ALL)""").fetchone()[0]
    assert worst <= 3
    worst_comments = duckdb.connect().execute(f"""
        SELECT max(n) FROM (SELECT account_id, epoch(created_at) AS s, count(*) AS n
                            FROM '{ds}/comments.parquet' GROUP BY ALL)""").fetchone()[0]
    assert worst_comments <= 2


def test_without_media_the_tables_are_the_same(tmp_path):
    cfg = dict(seed=6, accounts=300, scale=0.2)
    with_media = simulate(tmp_path / "a", SimConfig(**cfg)).path
    without = simulate(tmp_path / "b", SimConfig(media=False, **cfg)).path
    assert not (without / "media").exists() or not any((without / "media").iterdir())
    assert len(list((with_media / "media").iterdir())) >= 12
    for name in ("posts.parquet", "accounts.parquet", "engagements.parquet"):
        assert (with_media / name).read_bytes() == (without / name).read_bytes()
