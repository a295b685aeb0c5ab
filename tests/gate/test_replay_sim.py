"""Replay on a simulated election: the issue's targets on a seed the rules were not tuned on."""

from __future__ import annotations

import pytest

from civicshield.gate.replay import replay


@pytest.mark.slow
def test_replay_on_a_simulated_election_meets_the_targets(tmp_path):
    from civicshield.sim import SimConfig, simulate

    simulate(tmp_path / "ds", SimConfig(seed=23, accounts=1500, media=False))
    fig = replay(tmp_path / "ds")
    assert fig.labelled and fig.farm_engagements.total > 500 and fig.spam_signups.total > 5
    assert fig.genuine_engagements.total > 10_000 and fig.genuine_signups.total > 50
    assert fig.genuine_engagements.share <= 0.005, fig.genuine_reasons
    assert fig.genuine_signups.share <= 0.005, fig.genuine_reasons
    assert fig.farm_engagements.share >= 0.8
    assert fig.spam_signups.share >= 0.8
