"""The fact-check workflow through the case store: the queue, each verdict's
action, matching every repeat, audit entries, revisions and hostile input."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from civicshield.cases import claims
from civicshield.cases.claims_models import Claim, ClaimPost, FactCheck
from civicshield.cases.errors import InvalidOperation
from civicshield.cases.models import Action, AuditEntry, Case, Statement
from civicshield.detect.base import run_detector
from civicshield.detect.content.misinformation import DETECTOR
from civicshield.detect.context import DetectionContext
from civicshield.factchecks import FILE_NAME, read_factchecks
from civicshield.store.build import build_store
from civicshield.workspace import Workspace

from .conftest import actor

T0 = dt.datetime(2024, 11, 10, 12, 0)
CLAIM = "Atenție! Turul 1 al alegerilor prezidențiale a fost mutat pe 1 decembrie"
REPEATS = {
    "r1": CLAIM,
    "r2": "ATENTIE!!! Turul 1 al alegerilor prezidentiale a fost mutat pe 1 decembrie 😱",
    "r3": "Distribuiți! Atenţie! Turul 1 al alegerilor prezidenţiale a fost mutat pe 1 decembrie",
}
QUOTE = "Puteți vota la alegeri și online, prin SMS la numărul 1888"  # no claim marker: only reported
ORGANIC = {
    "o1": "Turul 1 al alegerilor e duminică, 24 noiembrie, secțiile se deschid la 7",
    "o2": "Cum se numără voturile la secție? Am fost observator, e o muncă serioasă",
    "o3": "Seară frumoasă la Cluj 📸",
}
EN = "Attention! The first round of the presidential election was moved to December 1"
LATER = {"n1": "attention! the first round of the presidential election was moved to december 1 !!!",
         "n2": "atentie turul 1 al alegerilor prezidentiale a fost mutat pe 1 decembrie",
         "n3": "The first round of the presidential election is on November 24"}
FACTCHECKER, ANALYST = actor("factchecker", "factual-ro"), actor("analyst")


def _rows(texts: dict[str, str], minutes: int = 0) -> list[dict]:
    return [{"post_id": p, "account_id": "a1", "created_at": T0 + dt.timedelta(minutes=minutes + i), "text": t,
             "language": "ro", "view_count": 10} for i, (p, t) in enumerate(texts.items())]


@pytest.fixture
def ws(make_workspace):
    posts = _rows({**REPEATS, "q1": QUOTE, **ORGANIC})
    reports = [{"report_id": "rep1", "reporter_id": "a2", "reporter_kind": "user", "target_kind": "post",
                "target_id": "q1", "reason": "misinformation", "created_at": T0 + dt.timedelta(hours=1)}]
    return make_workspace(accounts=[{"account_id": "a1", "handle": "a1", "created_at": dt.datetime(2020, 1, 1)}],
                          posts=posts, reports=reports)


def _claim_of(store, post_id: str) -> Claim:
    with store.reader() as s:
        return s.execute(sa.select(Claim).join(ClaimPost, ClaimPost.claim_id == Claim.id)
                         .where(ClaimPost.post_id == post_id)).scalar_one()


def _actions(store, case_id: int | None = None) -> set[tuple[str, str, str]]:
    with store.reader() as s:
        q = sa.select(Action).where(Action.status == "active")
        if case_id is not None:
            q = q.where(Action.case_id == case_id)
        return {(a.kind, a.target_id, a.detail) for a in s.execute(q).scalars()}


def test_queue_groups_flagged_and_reported_posts_and_skips_the_organic(store, ws):
    out = claims.intake_claims(store, ws, ANALYST)
    queue = claims.list_claims(store, FACTCHECKER)
    posts = {p: c.key for c in queue for p in c.post_ids}
    # the three spellings of one claim are one claim; the reported SMS claim another
    assert out["new_claims"] == 2 and len(queue) == 2
    assert len({posts["r1"], posts["r2"], posts["r3"]}) == 1 and posts["q1"] != posts["r1"]
    assert not set(ORGANIC) & set(posts)
    with store.reader() as s:
        via = dict(s.execute(sa.select(ClaimPost.post_id, ClaimPost.via)).all())
        case = s.get(Case, queue[0].case_id)
    assert via["q1"] == "reported" and via["r3"] == "flagged"
    assert case.queue == "factcheck-ro" and case.kind == "election_misinformation"
    assert claims.intake_claims(store, ws, ANALYST)["new_claims"] == 0  # idempotent


@pytest.mark.parametrize("verdict,process,expected", [
    ("false", None, {("remove_post", "")}),  # about the vote's date: harmful, removed
    ("false", False, {("label_post", "unverified"), ("demote_post", "for_you")}),
    ("misleading", None, {("label_post", "unverified"), ("demote_post", "for_you")}),
    ("missing_context", None, {("label_post", "missing_context")}),
    ("unverifiable", None, {("label_post", "unverified")}),
    ("true", None, set()),
])
def test_each_verdict_drives_its_action_on_every_repeat(store, ws, verdict, process, expected):
    claims.intake_claims(store, ws, ANALYST)
    c = _claim_of(store, "r1")
    out = claims.give_verdict(store, ws, FACTCHECKER, c.id, verdict, "https://factual.ro/turul-1",
                              voting_process_=process)
    assert _actions(store) == {(k, p, d) for k, d in expected for p in REPEATS}
    assert out.applied == len(expected) * len(REPEATS)
    with store.reader() as s:
        case = s.get(Case, c.case_id)
        assert case.status == ("dismissed" if verdict == "true" else "confirmed")
        n_statements = s.execute(sa.select(sa.func.count()).select_from(Statement)).scalar()
        applied = s.execute(sa.select(AuditEntry).where(AuditEntry.event == "action.applied")).scalars().all()
    assert n_statements == len(applied) == out.applied
    checked = read_factchecks(ws.path / FILE_NAME)
    assert [(x.claim, x.verdict) for x in checked] == [(c.key, verdict)]


def test_a_verdict_given_once_reaches_every_matching_post_now_and_later(store, ws, tmp_path):
    claims.intake_claims(store, ws, ANALYST)
    c = _claim_of(store, "r1")
    claims.give_verdict(store, ws, FACTCHECKER, c.id, "false", "https://factual.ro/turul-1", translations={"en": EN})
    assert {p for _, p, _ in _actions(store)} == set(REPEATS)
    # the next ingest brings new posts: the English repeat and a spelling without diacritics match at once
    later = Workspace(tmp_path / "later").ensure()
    build_store(later.events_path, ws.events(read_only=True).election(),
                {"accounts": [], "posts": _rows({**REPEATS, **ORGANIC, **LATER}, minutes=60)})
    out = claims.match_claims(store, later, ANALYST)
    assert out.matched_posts == 2 and out.applied == 2
    assert {p for _, p, _ in _actions(store)} == set(REPEATS) | {"n1", "n2"}
    with store.reader() as s:
        via = dict(s.execute(sa.select(ClaimPost.post_id, ClaimPost.via)).all())
        entries = s.execute(sa.select(AuditEntry).where(AuditEntry.subject == f"case:{c.case_id}")
                            .order_by(AuditEntry.seq)).scalars().all()
    assert via["n1"] == via["n2"] == "matched"
    events = [e.event for e in entries]
    assert events.count("claim.verdict") == 1 and events.count("claim.matched") == 1
    assert events.count("action.applied") == 5
    assert claims.match_claims(store, later, ANALYST).applied == 0  # nothing twice


def test_the_detector_and_the_apply_path_agree(store, ws):
    claims.intake_claims(store, ws, ANALYST)
    c = _claim_of(store, "r1")
    claims.give_verdict(store, ws, FACTCHECKER, c.id, "misleading", "https://factual.ro/turul-1")
    with ws.events(read_only=True) as ev:
        found = run_detector(DETECTOR, DetectionContext(ev, ev.election())).findings
    assert {f.post_ids[0] for f in found} == {p for _, p, _ in _actions(store)} == set(REPEATS)


def test_a_revised_verdict_reverses_what_it_no_longer_calls_for(store, ws):
    claims.intake_claims(store, ws, ANALYST)
    c = _claim_of(store, "r1")
    claims.give_verdict(store, ws, FACTCHECKER, c.id, "false", "https://factual.ro/a")
    out = claims.give_verdict(store, ws, FACTCHECKER, c.id, "true", "https://factual.ro/b")
    assert out.reversed == len(REPEATS) and _actions(store) == set()
    # revised back: the withdrawn actions return; one reversed on appeal stays reversed
    from civicshield.cases.enforce import reinstate

    with store.reader() as s:
        appealed = s.execute(sa.select(Action.id).where(Action.target_id == "r1")).scalar_one()
    claims.give_verdict(store, ws, FACTCHECKER, c.id, "false", "https://factual.ro/c")
    assert _actions(store) == {("remove_post", p, "") for p in REPEATS}
    reinstate(store, actor("lead"), "Appeal upheld: satire account.", action_ids=[appealed])
    claims.give_verdict(store, ws, FACTCHECKER, c.id, "false", "https://factual.ro/d")
    assert _actions(store) == {("remove_post", p, "") for p in REPEATS if p != "r1"}
    with store.reader() as s:
        assert [f.verdict for f in s.execute(sa.select(FactCheck).order_by(FactCheck.id)).scalars()] == [
            "false", "true", "false", "false"]


@pytest.mark.parametrize("verdict,url,translations,msg", [
    ("pants_on_fire", "https://factual.ro/x", None, "unknown verdict"),
    ("false", "javascript:alert(1)", None, "http"),
    ("false", "", None, "required"),
    ("false", "https://factual.ro/" + "x" * 3000, None, "longer than"),
    ("false", "https://factual.ro/x", {"en": "x" * 100_000}, "longer than"),
    ("false", "https://factual.ro/x", {"<script>": "x"}, "ISO 639-1"),
])
def test_hostile_verdicts_are_refused_and_change_nothing(store, ws, verdict, url, translations, msg):
    claims.intake_claims(store, ws, ANALYST)
    c = _claim_of(store, "r1")
    with pytest.raises(InvalidOperation, match=msg):
        claims.give_verdict(store, ws, FACTCHECKER, c.id, verdict, url, translations=translations)
    with store.reader() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(FactCheck)).scalar() == 0
        assert s.get(Claim, c.id).status == "pending"
    assert _actions(store) == set()


def test_import_of_a_partner_database(store, ws, tmp_path):
    f = tmp_path / "partner.jsonl"
    record = {"claim": "claim-1", "verdict": "false", "text": CLAIM, "language": "ro", "translations": {"en": EN}}
    f.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    out = claims.import_factchecks(store, ws, FACTCHECKER, f)
    assert out.matched_posts == len(REPEATS)
    assert {p for _, p, _ in _actions(store)} == set(REPEATS)
    assert [c.key for c in claims.list_claims(store, FACTCHECKER, status="checked")] == ["claim-1"]


def test_statements_of_reasons_of_every_policy_action_validate(store, ws, tmp_path):
    from civicshield.cases.sor import export_statements

    claims.intake_claims(store, ws, ANALYST)
    c = _claim_of(store, "r1")
    claims.give_verdict(store, ws, FACTCHECKER, c.id, "misleading", "https://factual.ro/a")
    out = export_statements(store, actor("lead"), tmp_path / "sor")
    assert out.statements == 2 * len(REPEATS)
    with store.reader() as s:
        bodies = [st.body for st in s.execute(sa.select(Statement)).scalars()]
    assert {tuple(b["decision_visibility"]) for b in bodies} == {("DECISION_VISIBILITY_CONTENT_LABELLED",),
                                                                ("DECISION_VISIBILITY_CONTENT_DEMOTED",)}
    assert all("rated misleading" in b["decision_facts"] and "factual.ro" in b["decision_facts"] for b in bodies)
