"""The detector framework itself: parameters, skipping, result shape."""

import datetime as dt

import pytest

from civicshield.detect import DetectionContext, Detector, Finding, Param, run_detector
from civicshield.errors import ParameterError


def _toy(run=None, requires=("posts",)):
    def default_run(ctx, p):
        rows = ctx.query("SELECT account_id, count(*) AS n FROM posts GROUP BY 1 HAVING count(*) >= ? ORDER BY 1",
                         [p["min_posts"]])
        for acc, n in rows.to_pylist() and [(r["account_id"], r["n"]) for r in rows.to_pylist()]:
            yield Finding(kind="batch_created", detector="toy", score=min(1.0, n / 10), account_ids=(acc,))

    return Detector(
        name="toy",
        summary="flags busy posters (framework test only)",
        kinds=("batch_created",),
        requires=requires,
        params=(Param("min_posts", int, 2, "posts needed", low=1, high=1000),
                Param("mode", str, "a", "a mode", choices=("a", "b")),
                Param("ratio", float, 0.5, "a ratio", low=0.0, high=1.0)),
        run=run or default_run,
    )


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"min_posts": 0}, "The 'min_posts' parameter of toy must be an int in [1, 1000]. Got 0 instead."),
        ({"min_posts": "3"}, "The 'min_posts' parameter of toy must be an int in [1, 1000]. Got '3' instead."),
        ({"min_posts": True}, "The 'min_posts' parameter of toy must be an int in [1, 1000]. Got True instead."),
        ({"mode": "c"}, "The 'mode' parameter of toy must be one of 'a', 'b'. Got 'c' instead."),
        ({"ratio": 1.5}, "The 'ratio' parameter of toy must be a float in [0.0, 1.0]. Got 1.5 instead."),
        ({"nope": 1}, "toy has no parameter 'nope'; its parameters are: min_posts, mode, ratio."),
    ],
)
def test_bad_parameters_are_refused_with_one_message_shape(overrides, message):
    with pytest.raises(ParameterError) as e:
        _toy().resolve(overrides)
    assert str(e.value) == message


def test_int_accepted_for_float_and_defaults_frozen():
    p = _toy().resolve({"ratio": 1})
    assert p["ratio"] == 1.0 and isinstance(p["ratio"], float)
    with pytest.raises(TypeError):
        p["ratio"] = 0.2  # results and params are immutable


def test_missing_table_skips_with_reason(make_workspace):
    ws = make_workspace(accounts=[{"account_id": "1", "handle": "h", "created_at": dt.datetime(2020, 1, 1)}])
    with ws.events() as store:
        res = run_detector(_toy(), DetectionContext(store, store.election()))
    assert res.skipped and "posts" in res.skipped and res.findings == ()


def test_runs_and_sorts_findings(make_workspace):
    t0 = dt.datetime(2024, 10, 1)
    posts = [{"post_id": f"p{i}", "account_id": acc, "created_at": t0} for i, acc in enumerate("bbbaac")]
    ws = make_workspace(posts=posts)
    with ws.events() as store:
        res = run_detector(_toy(), DetectionContext(store, store.election()), {"min_posts": 2})
    assert sorted(f.account_ids[0] for f in res.findings) == ["a", "b"]
    assert [f.finding_id for f in res.findings] == sorted(f.finding_id for f in res.findings)


def test_undeclared_kind_is_an_error(make_workspace):
    ws = make_workspace(posts=[{"post_id": "p", "account_id": "a", "created_at": dt.datetime(2024, 1, 1)}])
    bad = _toy(run=lambda ctx, p: [Finding(kind="impersonation", detector="toy", score=1.0, account_ids=("a",))])
    with ws.events() as store, pytest.raises(RuntimeError, match="undeclared kind"):
        run_detector(bad, DetectionContext(store, store.election()))


def test_finding_id_is_stable_and_order_free():
    a = Finding(kind="coordinated_network", detector="d", score=0.5, account_ids=("x", "y"), network_id="net-1")
    b = Finding(kind="coordinated_network", detector="d", score=0.9, account_ids=("y", "x"), network_id="net-1")
    c = Finding(kind="coordinated_network", detector="d", score=0.9, account_ids=("y", "z"), network_id="net-1")
    assert a.finding_id == b.finding_id != c.finding_id


def test_unknown_kind_or_table_rejected_at_declaration():
    with pytest.raises(ValueError, match="unknown kinds"):
        Detector(name="x", summary="", kinds=("nope",), requires=(), params=(), run=lambda c, p: [])
    with pytest.raises(ValueError, match="tables"):
        Detector(name="x", summary="", kinds=(), requires=("tweets",), params=(), run=lambda c, p: [])


def test_estimated_columns_skip_detectors_that_need_real_values(make_workspace, election):
    import dataclasses

    det = dataclasses.replace(_toy(), needs_real=("accounts.created_at",))
    posts = [{"post_id": "p1", "account_id": "a", "created_at": dt.datetime(2024, 10, 1)}]
    ws = make_workspace(election=dataclasses.replace(election, estimated_columns=("accounts.created_at",)), posts=posts)
    with ws.events() as store:
        res = run_detector(det, DetectionContext(store, store.election()))
    assert res.findings == () and "accounts.created_at" in res.skipped
    ws = make_workspace(posts=posts)  # the same data with real creation times runs
    with ws.events() as store:
        assert run_detector(det, DetectionContext(store, store.election())).skipped is None
