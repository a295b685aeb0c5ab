"""Rules files: the shipped one loads, every mistake is reported with its key."""

from __future__ import annotations

import tomllib

import pytest

from civicshield.errors import DataError
from civicshield.gate.rules import DEFAULT_RULES, THRESHOLDS, RulesError, load_rules, parse_rules


def _doc() -> dict:
    return tomllib.loads(DEFAULT_RULES.read_text())


def test_shipped_rules_load_with_every_declared_threshold():
    r = load_rules()
    assert r.mode == "enforce" and r.version
    assert set(r.values) == {t.key for t in THRESHOLDS}
    assert r.failure == {"signup": "challenge", "engagement": "allow"}
    assert len(r.digest) == 12


def test_every_problem_is_reported_at_once_with_its_key(tmp_path):
    doc = _doc()
    doc["mode"] = "loud"
    doc["signup"]["device_max"] = 0
    doc["engagement"]["target_prefix_share"] = "half"
    del doc["engagement"]["actor_burst_max"]
    doc["engagement"]["actor_brust_max"] = 40
    doc["failure"]["signup"] = "maybe"
    with pytest.raises(RulesError) as ei:
        parse_rules(doc, source="r.toml")
    keys = dict(ei.value.problems)
    assert set(keys) == {"mode", "signup.device_max", "engagement.target_prefix_share",
                         "engagement.actor_burst_max", "engagement.actor_brust_max", "failure.signup"}
    assert "an int in [1, 1000], got 0" in keys["signup.device_max"]
    assert keys["engagement.actor_brust_max"] == "unknown threshold"
    assert keys["engagement.actor_burst_max"].startswith("missing")
    assert isinstance(ei.value, DataError) and ei.value.file == "r.toml"
    assert "r.toml, key 'mode'" in str(ei.value)


def test_bool_is_not_an_int_and_ints_widen_to_float():
    doc = _doc()
    doc["signup"]["device_max"] = True
    with pytest.raises(RulesError, match="device_max"):
        parse_rules(doc)
    doc = _doc()
    doc["engagement"]["target_prefix_share"] = 1
    assert parse_rules(doc)["engagement.target_prefix_share"] == 1.0


def test_unreadable_or_broken_files_name_the_file(tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        load_rules(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("version = \n")
    with pytest.raises(DataError, match="bad.toml.*not valid TOML"):
        load_rules(bad)
