"""One conformance suite over every registered detector (cf. scikit-learn's
check_estimator): declared parameters, refused bad values, empty input,
determinism, and a test module of its own."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from civicshield.contract import TABLES
from civicshield.detect import DetectionContext, detectors, run_detector
from civicshield.errors import ParameterError

ALL = list(detectors().values())
IDS = [d.name for d in ALL]
TESTS = Path(__file__).resolve().parents[1]


def test_registry_is_not_empty():
    assert ALL, "no detector registered"


@pytest.mark.parametrize("det", ALL, ids=IDS)
def test_parameters_are_declared_once_and_defaults_valid(det):
    names = [p.name for p in det.params]
    assert len(names) == len(set(names)), f"{det.name}: duplicate parameter names"
    assert det.resolve() == det.defaults()
    for p in det.params:
        assert p.type in (int, float, str, bool), f"{det.name}.{p.name}: unsupported type {p.type}"
        assert p.help.strip(), f"{det.name}.{p.name}: no help text"


@pytest.mark.parametrize("det", ALL, ids=IDS)
def test_bad_values_are_refused_with_the_common_message(det):
    for p in det.params:
        wrong_type = "not-a-number" if p.type in (int, float, bool) else 12345
        with pytest.raises(ParameterError, match=rf"^The '{p.name}' parameter of {det.name} must be .* Got .* instead\.$"):
            det.resolve({p.name: wrong_type})
        if p.low is not None:
            below = p.low - 1 if p.type is int else p.low - 1e-6
            with pytest.raises(ParameterError, match=p.name):
                det.resolve({p.name: p.type(below)})
        if p.high is not None:
            above = p.high + 1 if p.type is int else p.high + 1e-6
            with pytest.raises(ParameterError, match=p.name):
                det.resolve({p.name: p.type(above)})


@pytest.mark.parametrize("det", ALL, ids=IDS)
def test_empty_tables_do_not_crash(det, make_workspace):
    ws = make_workspace(**{t: [] for t in TABLES})
    with ws.events() as store:
        res = run_detector(det, DetectionContext(store, store.election()))
    assert res.findings == ()
    if det.requires:
        assert res.skipped and all(t in res.skipped for t in det.requires if t != "accounts")


@pytest.mark.parametrize("det", ALL, ids=IDS)
def test_deterministic_on_a_simulated_election(det, small_scenario):
    _, ws = small_scenario
    runs = []
    for _ in range(2):
        with ws.events(read_only=True) as store:
            res = run_detector(det, DetectionContext(store, store.election()))
        runs.append([(f.finding_id, round(f.score, 9), f.account_ids, f.post_ids, f.engagements) for f in res.findings])
    assert runs[0] == runs[1]
    for f in res.findings:
        assert 0.0 <= f.score <= 1.0, f"{det.name}: score {f.score} outside [0, 1]"
        assert f.account_ids or f.post_ids, f"{det.name}: a finding names no entity"


@pytest.mark.parametrize("det", ALL, ids=IDS)
def test_each_detector_has_a_test_module_of_its_own(det):
    module = importlib.import_module(det.run.__module__).__name__  # civicshield.detect.<family>.<name>
    parts = module.split(".")[1:]
    expected = TESTS.joinpath(*parts[:-1], f"test_{parts[-1]}.py")
    assert expected.exists(), f"{det.name} lives in {module}; its tests belong in {expected.relative_to(TESTS.parent)}"


def _family_sources() -> list[Path]:
    root = Path(importlib.import_module("civicshield.detect").__file__).parent
    # coortweet.py is the standalone CooRTweet-file command, not a detector: it
    # opens its own in-memory DuckDB over a CSV and never sees a context.
    return sorted(p for fam in ("network", "engagement", "content") for p in (root / fam).glob("*.py")
                  if p.name != "coortweet.py")


@pytest.mark.parametrize("path", _family_sources(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_detectors_reach_the_engine_only_through_the_context(path):
    """ctx.query / ctx.views / ctx.memory_limit are what the Spark engine
    also provides; a raw DuckDB connection would tie a detector to one engine."""
    src = path.read_text()
    for banned in ("ctx.con", ".execute(", "duckdb"):
        assert banned not in src, f"{path.name} uses {banned!r}; go through DetectionContext instead"
