"""``civicshield ingest``: exit codes and messages, then checked through the API."""

from __future__ import annotations

import hashlib

from typer.testing import CliRunner

from civicshield.cli import app
from civicshield.workspace import Workspace

from .data import ACCOUNTS, write_table


def test_ingest_command_loads_and_reports_rows(dataset, tmp_path):
    ds = dataset("csv")
    (ds / "notes.txt").write_text("not a table")
    ws = tmp_path / "ws"
    result = CliRunner().invoke(app, ["ingest", str(ds), "--workspace", str(ws)])
    assert result.exit_code == 0, result.output
    assert "accounts" in result.stdout and "engagements" in result.stdout
    assert "notes.txt" in result.stderr
    with Workspace(ws).events(read_only=True) as store:
        assert store.count("accounts") == 3 and store.count("engagements") == 3


def test_bad_dataset_exits_2_with_the_location_and_keeps_the_store(dataset, tmp_path):
    ds = dataset("csv")
    ws = tmp_path / "ws"
    assert CliRunner().invoke(app, ["ingest", str(ds), "--workspace", str(ws)]).exit_code == 0
    before = hashlib.sha256((ws / "events.duckdb").read_bytes()).hexdigest()
    write_table(ds / "accounts.csv", [*ACCOUNTS, {**ACCOUNTS[0], "account_id": "a9", "account_type": "robot"}])
    result = CliRunner().invoke(app, ["ingest", str(ds), "--workspace", str(ws)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {ds / 'accounts.csv'}, row 4, column 'account_type': bad value 'robot': expected one of "
        "personal, creator, business, politician, party, government, state_media"
    )
    assert hashlib.sha256((ws / "events.duckdb").read_bytes()).hexdigest() == before
    with Workspace(ws).events(read_only=True) as store:
        assert store.count("accounts") == 3


def test_error_quoting_brackets_is_printed_as_written(dataset, tmp_path):
    """'[/]' in a value must not be read as rich markup (it used to crash)."""
    ds = dataset("csv")
    write_table(ds / "accounts.csv", [{**ACCOUNTS[0], "account_type": "[/]"}, {**ACCOUNTS[1], "account_type": "[bold]x"}])
    result = CliRunner().invoke(app, ["ingest", str(ds), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 2
    assert "bad value '[/]': expected one of" in result.stderr
