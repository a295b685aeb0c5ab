"""``simulate()``: plant a scenario and write it as a contract dataset."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from civicshield.progress import Progress, no_progress
from civicshield.sim import bulk, lookalikes, ops_accounts, ops_content, ops_coord
from civicshield.sim.config import SimConfig, SimResult
from civicshield.sim.organic import make_population, organic_signups, with_planted
from civicshield.sim.scenario import ROUNDS, WATCH_FROM, build_scenario, official_posts
from civicshield.sim.world import World
from civicshield.sim.writer import Sink, conform, rows_to_arrow, write_jsonl

STEPS = 9


def _check_out(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ValueError(f"{out_dir} is not an empty folder: the simulator writes only into a new or empty folder")


def _reports(w: World, targets: bulk.Targets) -> None:
    """Users report a little of everything; flaggers and the authority report
    some of what the operations posted.  Noisy, as real reports are.  A report
    comes after what it reports, by a log-normal delay (median ~3 h)."""
    r = w.rng
    post_ids = targets.ids
    special_time = {p["post_id"]: p["created_at"] for p in w.rows["posts"]}

    def after(t: int) -> int:
        return min(max(int(t), w.start) + int(r.lognormal(9.3, 1.5)), w.end - 1)

    labelled = {lb["id"]: lb["kind"] for lb in w.labels if lb["entity"] in ("post", "account")
                and lb["kind"] not in ("election_content", "political_ad")}
    ids = list(labelled)
    accounts = [a["account_id"] for a in w.accounts]
    n_noise = max(20, len(post_ids) // 150)
    for k in r.integers(0, len(post_ids), size=n_noise):
        w.rows["reports"].append({"report_id": w.id(), "reporter_id": accounts[int(r.integers(len(accounts)))],
                                  "reporter_kind": "user", "target_kind": "post", "target_id": post_ids[int(k)].as_py(),
                                  "reason": str(r.choice(["spam", "hate", "misinformation", "nudity", "other"])),
                                  "created_at": after(targets.time[int(k)])})
    for i in r.choice(len(ids), size=min(len(ids), max(10, len(ids) // 12)), replace=False):
        target = ids[int(i)]
        kind = "account" if target in w.acc else "post"
        trusted = r.random() < 0.4
        w.rows["reports"].append({
            "report_id": w.id(), "reporter_id": None if trusted else accounts[int(r.integers(len(accounts)))],
            "reporter_kind": "trusted_flagger" if trusted else ("authority" if r.random() < 0.1 else "user"),
            "target_kind": kind, "target_id": target,
            "reason": {"impersonation": "impersonation", "election_misinformation": "misinformation"}.get(
                labelled[target], str(r.choice(["spam", "fake_account", "other"]))),
            "created_at": after(w.acc[target]["created_at"] if kind == "account" else special_time[target])})


def simulate(out_dir: Path, config: SimConfig, progress: Progress | None = None) -> SimResult:
    """Write a synthetic election dataset with planted operations, organic
    look-alikes and the ground truth (``truth/``) to ``out_dir``."""
    config.validate()
    out_dir = Path(out_dir)
    _check_out(out_dir)
    prog = progress or no_progress
    step = iter(range(1, STEPS + 1))
    rng = np.random.default_rng([config.seed, 20241124])
    w = World(rng, WATCH_FROM, ROUNDS, config.country)
    out_dir.mkdir(parents=True, exist_ok=True)
    prog("simulate: population", next(step), STEPS)
    sc = build_scenario(w, config.country, config.languages, config.candidates)
    pop = make_population(w, config.accounts)
    official_posts(w, sc)
    organic_signups(w, pop)

    prog("simulate: organic posts", next(step), STEPS)
    n_posts = max(100, int(config.accounts * 3 * config.scale))
    posts_tbl, popularity = bulk.bulk_posts(w, pop, sc, n_posts)
    top = np.argsort(-popularity)[: max(50, n_posts // 100)]
    popular = [posts_tbl.column("post_id")[int(i)].as_py() for i in top]
    post_time = {p: int(posts_tbl.column("created_at")[int(i)].value // 1_000_000) for p, i in zip(popular, top, strict=True)}
    for p in w.rows["posts"]:
        post_time[p["post_id"]] = p["created_at"]

    prog("simulate: operations", next(step), STEPS)
    ops_coord.coordinated_networks(w, sc)
    ops_coord.offplatform_recruitment(w, sc, pop)
    ops_coord.paid_promotion(w, sc, pop)
    ops_accounts.fake_engagement(w, sc, popular, post_time)
    ops_accounts.batch_created(w, sc)
    ops_accounts.sleeper_activation(w, sc)
    ops_accounts.spam_signup(w)
    ops_accounts.recidivism(w, sc)
    ops_accounts.impersonation(w, sc)
    media = ops_content.MediaSet(out_dir / "media", w, sc, write=config.media)
    ops_content.ai_media(w, sc, pop, media)
    ops_content.political_ads(w, sc, pop)
    ops_content.state_media(w, sc)
    ops_content.misinformation(w, sc, pop, media)

    prog("simulate: look-alikes", next(step), STEPS)
    w.current_op = None
    lookalikes.viral_moments(w, sc, pop)
    lookalikes.news_bursts(w, sc, pop)
    lookalikes.trending_sound(w, pop)
    lookalikes.fan_clubs(w, sc, pop)
    lookalikes.namesakes(w, sc)
    lookalikes.returning_users(w, sc)
    lookalikes.campus_nat(w)
    lookalikes.unpaid_creators(w, sc, pop)

    rows: dict[str, int] = {}
    everyone = with_planted(w, pop)
    prog("simulate: posts and accounts", next(step), STEPS)
    targets = bulk.make_targets(w, posts_tbl, popularity)
    all_posts = pa.concat_tables([posts_tbl, rows_to_arrow("posts", w.rows["posts"])]).sort_by(
        [("created_at", "ascending"), ("post_id", "ascending")])
    rows["posts"] = _write(out_dir, "posts", config, [all_posts])
    del all_posts
    accounts = rows_to_arrow("accounts", w.accounts).sort_by("account_id")
    rows["accounts"] = _write(out_dir, "accounts", config, [accounts])
    n_comments = int(n_posts * 0.5)
    comments = pa.concat_tables([bulk.bulk_comments(w, everyone, targets, n_comments),
                                 rows_to_arrow("comments", w.rows["comments"])]).sort_by("created_at")
    rows["comments"] = _write(out_dir, "comments", config, [comments])

    prog("simulate: engagements", next(step), STEPS)
    chunk = min(1_000_000, config.file_rows)
    n_eng = int(config.accounts * 40 * config.scale)
    rows["engagements"] = _write(out_dir, "engagements", config,
                                 _merge(w, "engagements", bulk.bulk_engagements(w, everyone, targets, n_eng, chunk), n_eng, chunk))
    prog("simulate: logins and impressions", next(step), STEPS)
    n_logins = int(config.accounts * 8 * max(1.0, config.scale) ** 0.5)
    logins = pa.concat_tables([bulk.bulk_logins(w, everyone, n_logins), rows_to_arrow("logins", w.rows["logins"])])
    rows["logins"] = _write(out_dir, "logins", config, [logins.sort_by("created_at")])
    n_imp = n_eng // 2
    rows["impressions"] = _write(out_dir, "impressions", config,
                                 _merge(w, "impressions", bulk.bulk_impressions(w, everyone, targets, n_imp, chunk), n_imp, chunk))
    _reports(w, targets)
    prog("simulate: small tables", next(step), STEPS)
    for name in ("signups", "external_messages", "reports", "payments"):
        key = "paid_at" if name == "payments" else "created_at"
        rows[name] = _write(out_dir, name, config, [rows_to_arrow(name, w.rows[name]).sort_by(key)])
    (out_dir / "election.toml").write_text(sc.toml(), encoding="utf-8")

    prog("simulate: ground truth", next(step), STEPS)
    write_jsonl(out_dir / "truth" / "labels.jsonl", w.labels)
    write_jsonl(out_dir / "truth" / "lookalikes.jsonl", w.lookalikes)
    write_jsonl(out_dir / "truth" / "claims.jsonl", w.claims)
    return SimResult(path=out_dir, rows=rows, operations=dict(w.ops_by_kind))


def _write(out_dir: Path, table: str, config: SimConfig, chunks) -> int:
    sink = Sink(out_dir, table, config.fmt, config.file_rows)
    for c in chunks:
        sink.write(c)
    return sink.close()


def _merge(w: World, table: str, chunks, n: int, chunk: int):
    """Planted rows go into randomly chosen chunks so no file holds only them."""
    special = w.rows[table]
    n_chunks = max(1, -(-n // chunk))
    where = w.rng.integers(0, n_chunks, size=len(special))
    planted_keys = None
    if table == "engagements" and special:  # a person likes a thing once: the planted like stands
        planted_keys = pa.array(sorted({f"{e['actor_id']}|{e['action']}|{e['target_id']}" for e in special}))
    k = -1
    for k, c in enumerate(chunks):
        extra = [row for row, j in zip(special, where, strict=True) if j == k]
        c = conform(table, c)
        if planted_keys is not None:
            keys = pc.binary_join_element_wise(c.column("actor_id"), c.column("action"), c.column("target_id"), "|")
            c = c.filter(pc.invert(pc.is_in(keys, value_set=planted_keys)))
        if extra:
            c = pa.concat_tables([c, rows_to_arrow(table, extra)])
        yield c.sort_by("created_at")
    leftovers = [row for row, j in zip(special, where, strict=True) if j > k]
    if leftovers:
        yield rows_to_arrow(table, leftovers).sort_by("created_at")
