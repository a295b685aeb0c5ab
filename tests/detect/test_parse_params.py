"""``--param`` strings, read the same by ``civicshield detect`` and spark-submit."""

from __future__ import annotations

import pytest

from civicshield.detect.base import parse_params
from civicshield.errors import CivicshieldError


def test_values_are_json_where_they_parse_and_text_otherwise():
    got = parse_params(["coordination.min_events=4", "coordination.kinds=[\"url\"]", "sleeper_activation.note=a=b"])
    assert got == {"coordination": {"min_events": 4, "kinds": ["url"]}, "sleeper_activation": {"note": "a=b"}}


@pytest.mark.parametrize("bad", ["min_events=4", "coordination.min_events", ""])
def test_a_param_without_detector_or_value_is_refused_by_name(bad):
    with pytest.raises(CivicshieldError, match="DETECTOR.NAME=VALUE"):
        parse_params([bad])
