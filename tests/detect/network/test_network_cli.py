"""The two network commands: thin shells, checked through the API and the files."""

from __future__ import annotations

import pyarrow.csv as pacsv
from network_plant import plant
from typer.testing import CliRunner

from civicshield._testing import ro_election
from civicshield.cli import app
from civicshield.detect import detect
from civicshield.detect.network.reports import network_reports
from civicshield.store.build import build_store
from civicshield.workspace import Workspace

runner = CliRunner()


def test_networks_prints_the_report_rows_of_stored_findings(tmp_path):
    tables, groups = plant(3)
    ws = Workspace(tmp_path / "ws").ensure()
    build_store(ws.events_path, ro_election(), tables)
    empty = runner.invoke(app, ["networks", "--workspace", str(ws.path)])
    assert empty.exit_code == 0 and "no coordinated networks" in empty.output
    detect(ws, only=["coordination"])
    rows = network_reports(ws)
    assert len(rows) == 1 and set(rows[0]["account_ids"]) == groups["op"]
    assert rows[0]["account_count"] == 15 and rows[0]["operates_from"] == "RU"
    res = runner.invoke(app, ["networks", "--workspace", str(ws.path)], env={"COLUMNS": "250"})
    assert res.exit_code == 0, res.output
    assert rows[0]["network_id"] in res.output and "strongest evidence" in res.output


def test_coordination_writes_graphml_and_csv(tmp_path):
    csv = tmp_path / "shares.csv"
    csv.write_text("object_id,account_id,content_id,timestamp_share\no1,a,c1,10\no1,b,c2,20\no1,c,c3,500\n")
    res = runner.invoke(app, ["coordination", "--coortweet", str(csv), "--window", "60", "--out", str(tmp_path / "n")])
    assert res.exit_code == 0, res.output
    assert pacsv.read_csv(tmp_path / "n.csv").to_pylist() == [{"source": "a", "target": "b", "weight": 1}]
    assert (tmp_path / "n.graphml").read_text().count("<edge ") == 1


def test_coordination_bad_csv_exits_2(tmp_path):
    csv = tmp_path / "shares.csv"
    csv.write_text("object_id,account_id,content_id,timestamp_share\no1,a,c1,soon\n")
    res = runner.invoke(app, ["coordination", "--coortweet", str(csv), "--out", str(tmp_path / "n")])
    assert res.exit_code == 2
    assert "row 1" in res.output and "timestamp_share" in res.output
