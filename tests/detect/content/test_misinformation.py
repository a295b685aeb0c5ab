"""Claim matching: planted repeats of checked claims (diacritics, case,
cedillas, translations, re-uploaded cards) are found; organic posts on the
same topics, and claims rated true, are not."""

from __future__ import annotations

import json

import pytest

from civicshield.detect.content._claims import ClaimMatcher, claim_signals, voting_process
from civicshield.detect.content.misinformation import DETECTOR
from civicshield.errors import DataError
from civicshield.factchecks import FILE_NAME, CheckedClaim, parse, write_factchecks

from ._rows import account, post, post_ids, run

MOVED = CheckedClaim("claim-date", "false", "Atenție! Turul 1 al alegerilor prezidențiale a fost mutat pe 1 decembrie",
                     "ro", {"en": "Attention! The first round of the presidential election was moved to December 1",
                            "hu": "Figyelem! Az elnökválasztás első fordulóját december 1-re halasztották"},
                     "https://factual.ro/turul-1")
QUOTE = CheckedClaim("claim-quote", "misleading", "Elena Lasconi a declarat că pensionarii nu ar trebui să mai voteze",
                     "ro", {}, "https://factual.ro/lasconi")
TRUE = CheckedClaim("claim-true", "true", "Secțiile de votare se deschid la ora 7 și se închid la ora 21", "ro")

PLANTED = {
    "m1": "Atenție! Turul 1 al alegerilor prezidențiale a fost mutat pe 1 decembrie",
    "m2": "ATENTIE! TURUL 1 AL ALEGERILOR PREZIDENTIALE A FOST MUTAT PE 1 DECEMBRIE!!! 🔥",
    "m3": "Distribuiți! Atenţie! Turul 1 al alegerilor prezidenţiale a fost mutat pe 1 decembrie",  # cedillas
    "m4": "Attention! The first round of the presidential election was moved to December 1 😱",
    "m5": "figyelem! az elnokvalasztas elso fordulojat december 1-re halasztottak",
    "m6": "Elena Lasconi a declarat ca pensionarii nu ar trebui sa mai voteze #alegeri2024",
}
ORGANIC = {
    "o1": "Turul 1 al alegerilor e duminică, 24 noiembrie, secțiile se deschid la 7",
    "o2": "Cum se numără voturile la secție? Am fost observator, e o muncă serioasă",
    "o3": "Ce a spus de fapt Elena Lasconi la dezbatere? Am pus tot clipul, judecați singuri",
    "o4": "The first round of the presidential election is on November 24, polling stations open at 7",
    "o5": "Secțiile de votare se deschid la ora 7 și se închid la ora 21",  # repeats a claim rated true
    # quoting the claim to refute it is not repeating it
    "o6": "FALS! Turul 1 al alegerilor prezidențiale NU a fost mutat pe 1 decembrie, spune AEP",
    "o7": "Not true: the first round of the presidential election was NOT moved to December 1",
}


def _workspace(make_workspace, claims, extra_posts=()):
    ws = make_workspace(accounts=[account("a1"), account("a2")],
                        posts=[post(p, "a1", t, minutes=i) for i, (p, t) in enumerate({**PLANTED, **ORGANIC}.items())]
                        + list(extra_posts))
    write_factchecks(ws.path / FILE_NAME, claims)
    return ws


def test_repeats_are_found_across_spellings_and_languages_and_lookalikes_are_not(make_workspace):
    ws = _workspace(make_workspace, [MOVED, QUOTE, TRUE])
    found = run(ws, DETECTOR)
    assert post_ids(found) == set(PLANTED)
    by_post = {f.post_ids[0]: f for f in found}
    assert {p for p, f in by_post.items() if f.evidence["operation"] == "claim-date"} == {"m1", "m2", "m3", "m4", "m5"}
    f = by_post["m4"]
    assert f.evidence["verdict"] == "false" and f.evidence["via"] == "text" and f.evidence["voting_process"]
    assert f.evidence["actions"] == ["remove_post"]
    assert "moved to December" in f.evidence["matched_text"]
    # a fabricated quote rated misleading is labelled and demoted, not removed
    assert by_post["m6"].evidence["actions"] == ["label_post:unverified", "demote_post:for_you"]


def test_re_uploads_of_the_claim_card_match_whatever_their_caption(make_workspace):
    card = [post(f"c{i}", "a2", t, minutes=50 + i, media_path="card.jpg")
            for i, t in enumerate([PLANTED["m1"], PLANTED["m2"], "😱😱😱 uitați-vă!!", ""])]
    stock = [post(f"s{i}", "a2", t, minutes=60 + i, media_path="stock.jpg")
             for i, t in enumerate([PLANTED["m1"], "Poze din vacanță", "Apus la mare", "Seară frumoasă"])]
    ws = _workspace(make_workspace, [MOVED], card + stock)
    by_post = {f.post_ids[0]: f for f in run(ws, DETECTOR)}
    assert {"c0", "c1", "c2", "c3"} <= set(by_post)
    assert by_post["c2"].evidence["via"] == "media"
    # a popular image used once with the claim is not the claim's card
    assert {"s1", "s2", "s3"}.isdisjoint(by_post) and "s0" in by_post


def test_without_fact_checks_nothing_is_flagged(make_workspace):
    ws = _workspace(make_workspace, [])
    assert run(ws, DETECTOR) == ()


def test_threshold_is_respected(make_workspace):
    ws = _workspace(make_workspace, [MOVED])
    # identical word sets only: case, diacritics, emoji and the translation
    # still match, the extra "Distribuiți!" does not
    assert post_ids(run(ws, DETECTOR, threshold=1.0)) == {"m1", "m2", "m4", "m5"}


def test_a_broken_fact_check_file_names_its_row_and_field(make_workspace, tmp_path):
    bad = tmp_path / "fc.jsonl"
    bad.write_text(json.dumps(MOVED.to_json()) + "\n" + json.dumps({**MOVED.to_json(), "claim": "x",
                                                                      "verdict": "pants-on-fire"}) + "\n")
    ws = _workspace(make_workspace, [])
    with pytest.raises(DataError, match=r"row 2, column 'verdict'"):
        run(ws, DETECTOR, factchecks=str(bad))


def test_matcher_on_a_large_stream_keeps_one_answer_per_distinct_text():
    m = ClaimMatcher([MOVED], 0.5)
    texts = [PLANTED["m2"], None, "", ORGANIC["o1"]] * 5000
    out = m.match_texts(texts)
    assert sum(x is not None for x in out) == 5000
    assert all(x.claim == "claim-date" for x in out[::4])


def test_claim_patterns_for_the_queue():
    assert voting_process(PLANTED["m1"]) and voting_process("You can vote by SMS to 1888")
    assert not voting_process(ORGANIC["o3"])
    assert claim_signals(PLANTED["m3"])
    assert claim_signals('Lasconi a declarat: „Pensionarii nu ar trebui să voteze"')
    assert not claim_signals(ORGANIC["o1"]) and not claim_signals(ORGANIC["o2"])


@pytest.mark.parametrize("field,value,msg", [
    ("verdict", "pants-on-fire", "unknown verdict"),
    ("source_url", "javascript:alert(1)", "http"),
    ("source_url", "https://exa mple.org/x", "spaces"),
    ("text", "x" * 6000, "longer than"),
    ("translations", {"english": "x"}, "ISO 639-1"),
])
def test_hostile_records_are_refused(field, value, msg):
    with pytest.raises(DataError, match=msg):
        parse({**MOVED.to_json(), field: value}, "fc.jsonl", 3)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [3, 8, 21])
def test_simulated_claims_found_from_one_verdict_per_claim(seed, tmp_path):
    """The partner's database (truth/claims.jsonl: the claim and its
    translations, one record per claim) lets matching find every planted
    repeat and none of the organic posts on the same topics."""
    from civicshield.ingest import ingest_dataset
    from civicshield.sim import SimConfig, simulate
    from civicshield.workspace import Workspace

    simulate(tmp_path / "ds", SimConfig(seed=seed, accounts=600, media=False))
    ws = Workspace(tmp_path / "ws").ensure()
    ingest_dataset(tmp_path / "ds", ws)
    records = [json.loads(line) for line in (tmp_path / "ds" / "truth" / "claims.jsonl").open()]
    write_factchecks(ws.path / FILE_NAME, [parse(r, "claims.jsonl", i) for i, r in enumerate(records, 1)])
    truth, topic = {}, set()
    for line in (tmp_path / "ds" / "truth" / "labels.jsonl").open():
        o = json.loads(line)
        if o["kind"] == "election_misinformation":
            truth[o["id"]] = o["operation"]
    for line in (tmp_path / "ds" / "truth" / "lookalikes.jsonl").open():
        o = json.loads(line)
        if o["family"] == "claim_topic":
            topic.add(o["id"])
    pred = {f.post_ids[0]: f.evidence["claim"] for f in run(ws, DETECTOR)}
    tp = sum(1 for p, c in pred.items() if truth.get(p) == c)
    assert tp / len(pred) >= 0.95 and tp / len(truth) >= 0.95
    assert topic and not topic & set(pred)
