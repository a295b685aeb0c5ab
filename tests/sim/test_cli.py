"""``civicshield simulate``: a thin shell over ``civicshield.sim.simulate``."""

from __future__ import annotations

import pyarrow.parquet as pq
from typer.testing import CliRunner

from civicshield.cli import app
from civicshield.election import load_election


def test_simulate_command_writes_a_dataset(tmp_path):
    out = tmp_path / "ds"
    res = CliRunner().invoke(app, ["simulate", str(out), "--seed", "3", "--accounts", "300", "--scale", "0.3"])
    assert res.exit_code == 0, res.output
    assert load_election(out / "election.toml").country == "RO"
    assert pq.read_metadata(out / "accounts.parquet").num_rows >= 300
    assert (out / "truth" / "labels.jsonl").stat().st_size > 0


def test_simulate_command_reports_bad_options(tmp_path):
    res = CliRunner().invoke(app, ["simulate", str(tmp_path / "ds"), "--format", "xlsx"])
    assert res.exit_code == 2
    assert "fmt" in res.output and "xlsx" in res.output
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    res = CliRunner().invoke(app, ["simulate", str(tmp_path / "full"), "--accounts", "300"])
    assert res.exit_code == 2 and "not an empty folder" in res.output
