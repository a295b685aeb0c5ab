import json

import pytest

from civicshield.errors import DataError
from civicshield.evaluate import evaluate, evaluate_files


def _t(kind, ids, op, entity="account"):
    return [{"entity": entity, "id": i, "kind": kind, "operation": op} for i in ids]


def test_precision_recall_and_operation_recovery():
    truth = _t("coordinated_network", ["a1", "a2", "a3", "a4", "a5"], "op-1") + _t(
        "coordinated_network", ["b1", "b2", "b3", "b4"], "op-2"
    )
    findings = [
        # op-1 found whole plus one innocent account
        {"kind": "coordinated_network", "network_id": "n1", "account_ids": ["a1", "a2", "a3", "a4", "a5", "x9"]},
        # op-2 split in two halves: neither half reaches Jaccard 0.8
        {"kind": "coordinated_network", "network_id": "n2", "account_ids": ["b1", "b2"]},
        {"kind": "coordinated_network", "network_id": "n3", "account_ids": ["b3", "b4"]},
    ]
    ev = evaluate(truth, findings)
    s = ev.score("coordinated_network", "account")
    assert (s.truth, s.predicted, s.true_positives) == (9, 10, 9)
    assert s.precision == pytest.approx(0.9) and s.recall == 1.0
    assert s.f1 == pytest.approx(2 * 0.9 / 1.9)
    ops = {o.operation: o for o in ev.operations}
    assert ops["op-1"].recovered and ops["op-1"].best_jaccard == pytest.approx(5 / 6)
    assert not ops["op-2"].recovered and ops["op-2"].groups_touched == 2 and ops["op-2"].best_jaccard == 0.5


def test_engagement_and_post_entities_scored_separately():
    truth = _t("fake_engagement", ["f1"], "op-3") + _t("fake_engagement", ["f1|like|p1", "f1|like|p2"], "op-3", "engagement")
    findings = [{"kind": "fake_engagement", "account_ids": ["f1"], "engagements": ["f1|like|p1"], "network_id": "farm"}]
    ev = evaluate(truth, findings)
    assert ev.score("fake_engagement", "account").f1 == 1.0
    eng = ev.score("fake_engagement", "engagement")
    assert eng.recall == 0.5 and eng.precision == 1.0
    # post kinds ignore the context account_ids a finding may carry
    ev2 = evaluate(_t("unlabelled_ai", ["p9"], "op-4", "post"),
                   [{"kind": "unlabelled_ai", "post_ids": ["p9"], "account_ids": ["someone"]}])
    assert [(k.kind, k.entity) for k in ev2.kinds] == [("unlabelled_ai", "post")]


def test_lookalikes_count_only_wrong_kinds_and_pure_false_networks():
    truth = _t("election_content", ["p1"], "", "post")
    look = [{"entity": "post", "id": "p1", "family": "fan_club"},
            {"entity": "account", "id": "u1", "family": "viral_moment"},
            {"entity": "account", "id": "u2", "family": "viral_moment"}]
    findings = [{"kind": "election_content", "post_ids": ["p1"]},  # right label on a fan's post: fine
                {"kind": "coordinated_network", "network_id": "n", "account_ids": ["u1", "u2"]}]
    ev = evaluate(truth, findings, look)
    assert ev.lookalikes_flagged == {"fan_club": (0, 1), "viral_moment": (2, 2)}
    assert ev.lookalike_networks == {"coordinated_network": 1}


def test_files_and_bad_input(tmp_path):
    truth, found = tmp_path / "labels.jsonl", tmp_path / "f.jsonl"
    truth.write_text(json.dumps({"entity": "account", "id": "a", "kind": "impersonation", "operation": "op-1"}) + "\n")
    found.write_text(json.dumps({"kind": "impersonation", "account_ids": ["a"]}) + "\n\n")
    assert evaluate_files(truth, found).score("impersonation", "account").f1 == 1.0
    found.write_text('{"kind": "impersonation"}\nnot json\n')
    with pytest.raises(DataError) as e:
        evaluate_files(truth, found)
    assert e.value.row == 2 and "not valid JSON" in str(e.value)
    found.write_text('{"kind": "made_up"}\n')
    with pytest.raises(DataError, match="unknown finding kind"):
        evaluate_files(truth, found)
    truth.write_text('{"entity": "account", "id": "a"}\n')
    with pytest.raises(DataError) as e:
        evaluate_files(truth, found)
    assert e.value.column == "kind" and e.value.row == 1


def test_operation_recovery_only_for_networked_kinds():
    truth = _t("impersonation", ["i1", "i2"], "op-9") + _t("batch_created", ["b1", "b2"], "op-8")
    findings = [{"kind": "impersonation", "account_ids": ["i1"]}, {"kind": "impersonation", "account_ids": ["i2"]},
                {"kind": "batch_created", "network_id": "cohort-1", "account_ids": ["b1", "b2"]}]
    ev = evaluate(truth, findings)
    assert [(o.operation, o.recovered) for o in ev.operations] == [("op-8", True)]
