"""The transparency report on a simulated election: every figure is checked
against values this test computes its own way, from the dataset files, the
truth labels and the case store's actions (never through the report's
figure functions)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import subprocess
import tomllib
import unicodedata
import uuid
from collections import Counter, defaultdict

import numpy as np
import pytest
import sqlalchemy as sa
from PIL import Image
from typer.testing import CliRunner

from civicshield.cases.models import Action
from civicshield.cli import app
from civicshield.gate.redis_state import RedisState
from civicshield.report import Period, build_report, compute, render

from .conftest import END, PERIOD, START

pytestmark = pytest.mark.slow  # the module's pipeline takes ~20 s


@pytest.fixture(scope="module")
def report(pipeline, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    files = build_report(pipeline.ws, Period.parse(PERIOD), out)
    return files, json.loads(files.json.read_text())


def _actions(p, in_period: bool = True) -> list[Action]:
    with p.store.reader() as s:
        acts = list(s.execute(sa.select(Action).where(Action.status == "active")).scalars())
    return [a for a in acts if START <= a.at < END] if in_period else acts


def _naive(t: dt.datetime) -> dt.datetime:
    return t.replace(tzinfo=None) if t.tzinfo is None else t.astimezone(dt.UTC).replace(tzinfo=None)


def _plain(text: str | None) -> str:
    """Lower case without diacritics (posts write names both ways)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", (text or "").lower()) if not unicodedata.combining(ch))


def _truth(p) -> list[dict]:
    return [json.loads(line) for line in (p.dataset / "truth" / "labels.jsonl").open()]


def test_enforcement_figures(pipeline, report):
    _, fig = report
    acts = _actions(pipeline)
    verb = Counter(a.target_id.split("|")[1] for a in acts if a.kind == "strip_engagement")
    bans = Counter(a.finding_kind for a in acts if a.kind == "ban_account")
    labels = Counter(a.detail for a in acts if a.kind == "label_post")
    removed = Counter(a.finding_kind for a in acts if a.kind == "remove_post")
    lo, hi = _naive(START), _naive(END)
    blocked = sum(1 for r in pipeline.table("signups") if not r["account_id"] and lo <= r["created_at"] < hi)
    expected = {
        "fake_engagements_prevented": None,  # the gate was not read: not measured, never zero
        "spam_signups_prevented": None,
        "fake_likes_removed": verb["like"],
        "fake_followers_removed": verb["follow"],
        "fake_shares_removed": verb["share"],
        "fake_accounts_removed": sum(bans.values()) - bans["impersonation"] - bans["spam_signup"],
        "spam_accounts_removed_after_creation": bans["spam_signup"],
        "impersonators_banned": bans["impersonation"],
        "ai_media_labelled": labels["ai_generated"],
        "misleading_ai_media_removed": removed["misleading_ai"],
        "election_content_labelled": labels["election_info"],
        "political_ads_removed": removed["political_ad"],
        "undisclosed_paid_promotions_removed": removed["undisclosed_paid_promotion"],
        "election_misinformation_removed": removed["election_misinformation"],
        "state_media_accounts_labelled": sum(1 for a in acts if a.kind == "label_account" and a.detail == "state_affiliated"),
        "state_media_posts_labelled": labels["state_affiliated"],
        "spam_accounts_blocked_at_creation": blocked,
    }
    assert fig["enforcement"] == expected
    assert expected["fake_likes_removed"] > 100 and expected["fake_accounts_removed"] > 50 and blocked > 0
    # the period matters: actions re-timed after 2024-11-24 are not counted
    assert len(_actions(pipeline, in_period=False)) > len(acts)

    truth = _truth(pipeline)
    fake_eng = {t["id"] for t in truth if t["entity"] == "engagement"}
    stripped_likes = [a.target_id for a in acts if a.kind == "strip_engagement" and "|like|" in a.target_id]
    assert sum(k in fake_eng for k in stripped_likes) >= 0.95 * len(stripped_likes)
    fake_accounts = {t["id"] for t in truth if t["entity"] == "account" and t["operation"] != "organic"}
    banned_fake = [a.target_id for a in acts if a.kind == "ban_account"]
    assert sum(a in fake_accounts for a in banned_fake) >= 0.95 * len(banned_fake)


def test_response_times(pipeline, report):
    _, fig = report
    posted = {r["post_id"]: r["created_at"] for r in pipeline.table("posts")}
    reported = defaultdict(list)
    for r in pipeline.table("reports"):
        reported[(r["target_kind"], r["target_id"])].append(r["created_at"])
    rows = defaultdict(lambda: [0, 0, 0])
    for a in _actions(pipeline):
        if a.kind not in ("remove_post", "ban_account"):
            continue
        r = rows[(a.target_type, a.finding_kind)]
        r[0] += 1
        r[1] += all(t > _naive(a.at) for t in reported[(a.target_type, a.target_id)])
        if a.kind == "remove_post":
            r[2] += (_naive(a.at) - posted[a.target_id]) <= dt.timedelta(hours=24)
    got = {(r["target"], r["finding_kind"]): r for r in fig["response_times"]}
    assert set(got) == set(rows)
    for key, (n, proactive, fast) in rows.items():
        assert (got[key]["actions"], got[key]["proactive"]) == (n, proactive), key
        assert got[key]["within_24h"] == (fast if key[0] == "post" else None), key
    post_rows = [r for k, r in got.items() if k[0] == "post"]
    assert post_rows and 0 < sum(r["within_24h"] for r in post_rows) < sum(r["actions"] for r in post_rows)
    assert any(r["proactive"] < r["actions"] for r in got.values())  # some were reported first


def test_operations(pipeline, report):
    _, fig = report
    truth_ops = defaultdict(set)
    for t in _truth(pipeline):
        if t["entity"] == "account" and t["kind"] == "coordinated_network":
            truth_ops[t["operation"]].add(t["id"])
    acts, everything = _actions(pipeline), _actions(pipeline, in_period=False)
    ban_at = {a.target_id: a.at for a in acts if a.kind == "ban_account"}
    banned = {a.target_id for a in everything if a.kind == "ban_account"}
    followers = {r["account_id"]: r["follower_count"] or 0 for r in pipeline.table("accounts")}
    posts_by = defaultdict(list)
    for r in pipeline.table("posts"):
        posts_by[r["account_id"]].append(_plain(r["text"]))
    with (pipeline.dataset / "election.toml").open("rb") as fh:
        surnames = {_plain(c["name"].split()[-1]): c["name"] for c in tomllib.load(fh)["candidates"]}
    matched = set()
    assert fig["operations"]
    for e in fig["operations"]:
        members = set(e["member_ids"])
        op, best = max(((op, len(members & acc) / len(members | acc)) for op, acc in truth_ops.items()),
                       key=lambda x: x[1])
        assert best >= 0.9, (e["network_id"], op, best)
        matched.add(op)
        assert e["accounts"] == len(members)
        assert e["total_followers"] == sum(followers[m] for m in members)
        assert e["accounts_removed"] == len(members & banned)
        assert e["disrupted_on"] == min(ban_at[m] for m in members if m in ban_at).date().isoformat()
        mentions = Counter()
        for text in (t for m in members for t in posts_by[m]):
            for key, name in surnames.items():
                mentions[name] += key in text
        assert e["promotes"] and e["promotes"][0] == mentions.most_common(1)[0][0]
        assert f"A network of {len(members)} accounts" in e["summary"] and e["disrupted_on"] in e["summary"]
    disrupted = {op for op, acc in truth_ops.items() if acc & set(ban_at)}
    assert matched == disrupted
    rev = [e for e in fig["operations"] if pipeline.reversed_account in e["member_ids"]]
    assert rev and rev[0]["accounts_removed"] == rev[0]["accounts"] - 1  # the appeal's reinstated member

    recid_truth = {t["id"] for t in _truth(pipeline) if t["entity"] == "account" and t["kind"] == "recidivism"}
    assert recid_truth and fig["recidivist_accounts_removed"] == len(recid_truth & banned)
    returning = defaultdict(set)
    for t in _truth(pipeline):
        if t["entity"] == "account" and t["kind"] == "recidivism":
            returning[t["operation"]].add(t["id"])
    names = {r["account_id"]: r["ban_reason"] for r in pipeline.table("accounts") if r["status"] == "banned"}
    assert len(fig["reemergence"]) == len(returning)
    for row in fig["reemergence"]:
        assert row["returns"] in set(names.values())
    by_size = sorted((len(acc), len(acc & banned)) for acc in returning.values())
    assert sorted((r["accounts"], r["accounts_removed"]) for r in fig["reemergence"]) == by_size


def test_amplification(pipeline, report):
    _, fig = report
    everything = _actions(pipeline, in_period=False)
    flagged = {a.target_id for a in everything
               if a.kind == "ban_account" and a.finding_kind not in ("impersonation", "spam_signup")}
    paid_removed = {a.target_id for a in everything
                    if a.kind == "remove_post" and a.finding_kind == "undisclosed_paid_promotion"}
    posts = {r["post_id"]: r for r in pipeline.table("posts")}
    lo, hi = _naive(START), _naive(END)
    exp = defaultdict(lambda: [0, 0, 0])
    lasconi = re.compile(r"\blasconi\b")
    low_lasconi = defaultdict(int)
    for i in pipeline.table("impressions"):
        if not lo <= i["created_at"] < hi:
            continue
        p = posts[i["post_id"]]
        c = exp[i["surface"]]
        c[0] += 1
        c[1] += p["account_id"] in flagged
        c[2] += bool(p["is_ad"]) or p["post_id"] in paid_removed
        low_lasconi[i["surface"]] += bool(lasconi.search((p["text"] or "").lower()))
    tot = {(r["candidate"], r["surface"]): r for r in fig["amplification_totals"]}
    for surface, (n, fl, pd) in exp.items():
        r = tot[("(all posts)", surface)]
        assert (r["impressions"], r["from_flagged"], r["paid"]) == (n, fl, pd), surface
    assert exp["for_you"][1] > 0 and exp["for_you"][2] > 0
    for surface, n in low_lasconi.items():
        assert n <= tot[("Elena Lasconi", surface)]["impressions"] <= exp[surface][0]
    weeks = {r["week"] for r in fig["amplification"]}
    assert len(weeks) >= 10 and min(weeks) <= "2024-09-01" and max(weeks) <= "2024-11-24"


def test_files_pdf_and_html(pipeline, report, tmp_path):
    files, fig = report
    with (files.json.parent / "enforcement.csv").open() as fh:
        rows = {r["figure"]: r["value"] for r in csv.DictReader(fh)}
    assert rows == {k: ("not measured" if v is None else str(v)) for k, v in fig["enforcement"].items()}
    with (files.json.parent / "operations.csv").open() as fh:
        assert [r["network_id"] for r in csv.DictReader(fh)] == [e["network_id"] for e in fig["operations"]]
    html = files.html.read_text()
    assert all(e["network_id"] in html for e in fig["operations"]) and "not measured" in html
    assert html.count("data:image/png;base64,") == 2 + 2 * len(fig["operations"])
    assert all(r["returns"] in html for r in fig["reemergence"])

    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(files.pdf), str(tmp_path / "p")],
                   check=True, timeout=60)
    (page,) = tmp_path.glob("p*.png")
    img = np.asarray(Image.open(page).convert("L"))
    assert (img < 200).mean() > 0.02  # text and charts, not a blank page


def test_html_escapes_what_accounts_wrote(pipeline, report, tmp_path):
    _, fig = report
    fig["operations"][0]["summary"] = "<script>alert(1)</script>"
    pics = {"activity": None, "amplification": None,
            "per_operation": {e["network_id"]: {"graph": "data:,", "created": None} for e in fig["operations"]}}
    html = render.write_html(fig, pics, tmp_path / "r.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_cli(pipeline, report, tmp_path):
    runner = CliRunner()
    bad = runner.invoke(app, ["report", "--workspace", str(pipeline.ws.path), "--period", "2024-11-24..2024-09-01",
                              "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "must end on or after" in bad.output
    res = runner.invoke(app, ["report", "--workspace", str(pipeline.ws.path), "--period", PERIOD,
                              "--out", str(tmp_path / "r"), "--no-pdf", "--country", "RO"])
    assert res.exit_code == 0, res.output
    got = json.loads((tmp_path / "r" / "figures.json").read_text())
    assert not (tmp_path / "r" / "report.pdf").exists()
    want = compute(pipeline.ws, pipeline.store, Period.parse(PERIOD), "RO")
    assert got["enforcement"] == want["enforcement"]
    # --country keeps actions on accounts registered there (engagements: the actor's)
    reg = {r["account_id"]: r["registration_country"] for r in pipeline.table("accounts")}
    acts = _actions(pipeline)
    ro_bans = [a for a in acts if a.kind == "ban_account" and reg.get(a.target_id) == "RO"
               and a.finding_kind not in ("impersonation", "spam_signup")]
    ro_likes = [a for a in acts if a.kind == "strip_engagement" and "|like|" in a.target_id
                and reg.get(a.target_id.split("|")[0]) == "RO"]
    lo, hi = _naive(START), _naive(END)
    ro_blocked = sum(1 for r in pipeline.table("signups")
                     if not r["account_id"] and r["country"] == "RO" and lo <= r["created_at"] < hi)
    assert got["enforcement"]["fake_accounts_removed"] == len(ro_bans)
    assert got["enforcement"]["fake_likes_removed"] == len(ro_likes)
    assert got["enforcement"]["spam_accounts_blocked_at_creation"] == ro_blocked
    _, everything = report
    assert ro_blocked < everything["enforcement"]["spam_accounts_blocked_at_creation"]


def test_gate_counters_fill_the_prevented_figures(pipeline, tmp_path):
    """With --redis the gate's enforced blocks and challenges are reported
    (shadow-mode decisions are not: nothing was stopped)."""
    prefix = f"cs:test-report:{uuid.uuid4().hex}:"
    state = RedisState("redis://127.0.0.1:6379/0", prefix=prefix, timeout_s=2.0)
    try:
        state.add_counts({"engagement:block:enforced": 41, "engagement:challenge:enforced": 1,
                          "engagement:block:shadow": 500, "engagement:allow:enforced": 9000,
                          "signup:block:enforced": 7, "engagement:reason:farm_device": 41})
        res = CliRunner().invoke(app, ["report", "--workspace", str(pipeline.ws.path), "--period", PERIOD,
                                       "--out", str(tmp_path), "--no-pdf", "--redis", "redis://127.0.0.1:6379/0",
                                       "--gate-prefix", prefix])
        assert res.exit_code == 0, res.output
    finally:
        keys = list(state.r.scan_iter(prefix + "*"))
        if keys:
            state.r.delete(*keys)
    enf = json.loads((tmp_path / "figures.json").read_text())["enforcement"]
    assert (enf["fake_engagements_prevented"], enf["spam_signups_prevented"]) == (42, 7)
    down = CliRunner().invoke(app, ["report", "--workspace", str(pipeline.ws.path), "--period", PERIOD,
                                    "--out", str(tmp_path / "x"), "--no-pdf", "--redis", "redis://127.0.0.1:1/0"])
    assert down.exit_code == 2 and "gate" in down.output


def test_a_period_without_activity(pipeline, tmp_path):
    files = build_report(pipeline.ws, Period.parse("2023-01-01..2023-01-31"), tmp_path, pdf=False)
    fig = json.loads(files.json.read_text())
    counted = {k: v for k, v in fig["enforcement"].items() if v is not None}
    assert counted and set(counted.values()) == {0}
    assert fig["operations"] == [] and fig["response_times"] == [] and fig["amplification"] == []
    html = files.html.read_text()
    assert "No network was disrupted in the period." in html and "No impressions in the period." in html


def test_misinformation_per_verdict(pipeline, report):
    """Verdicts from the scenario's claims and truth labels, times from the
    dataset files and the actions: not from the claims tables."""
    _, fig = report
    verdict = {c["claim"]: c["verdict"] for c in (json.loads(x) for x in (pipeline.dataset / "truth" / "claims.jsonl").open())}
    claim_of = {t["id"]: t["operation"] for t in _truth(pipeline) if t["kind"] == "election_misinformation"}
    posted = {r["post_id"]: r["created_at"] for r in pipeline.table("posts")}
    first_report: dict[str, dt.datetime] = {}
    for r in pipeline.table("reports"):
        if r["target_kind"] == "post":
            first_report[r["target_id"]] = min(r["created_at"], first_report.get(r["target_id"], r["created_at"]))
    first: dict[str, dt.datetime] = {}
    for a in _actions(pipeline):
        if a.finding_kind == "election_misinformation":
            first[a.target_id] = min(_naive(a.at), first.get(a.target_id, _naive(a.at)))
    expected = defaultdict(lambda: [0, 0, 0])
    for p, t in first.items():
        for key in (verdict[claim_of[p]], "all"):
            e = expected[key]
            e[0] += 1
            e[1] += p not in first_report or first_report[p] > t
            e[2] += t - posted[p] <= dt.timedelta(hours=24)
    got = {r["verdict"]: r for r in fig["misinformation"]}
    assert set(got) == set(expected) and {"false", "all"} <= set(got)
    for v, (n, proactive, fast) in expected.items():
        assert (got[v]["posts"], got[v]["proactive"], got[v]["within_24h"]) == (n, proactive, fast), v
        assert got[v]["matched"] == n  # every post was reached by matching the partner's claim
    assert 0 < got["all"]["within_24h"] < got["all"]["posts"]
