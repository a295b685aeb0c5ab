"""`civicshield authority ...` end to end on both databases; results checked
through the Python API."""

from __future__ import annotations

from typer.testing import CliRunner

from civicshield.cases import requests, review
from civicshield.cli import app

from .conftest import actor
from .helpers import election_workspace

runner = CliRunner()


def _run(*args, code=0):
    res = runner.invoke(app, [str(a) for a in args], env={})
    assert res.exit_code == code, res.output
    return res


def test_leads_and_rfis_from_the_command_line(store, case_url, make_workspace):
    ws = election_workspace(make_workspace)
    common = ["--workspace", ws.path, "--db", case_url]
    liv, ana, lena = (["--as", n, "--role", r] for n, r in (("liv", "liaison"), ("ana", "analyst"), ("lena", "lead")))
    _run("authority", "lead-add", "--authority", "Police", "--reference", "P-9", "--account", "imp1",
         "--account", "n1", "--hashtag", "#Vote", "--channel", "https://t.me/x",
         "--description", "Same video pushed by both.", *common, *liv)
    (lead,) = requests.list_leads(store, actor("lead"))
    assert lead.accounts == ["imp1", "n1"] and lead.hashtags == ["vote"]
    refused = _run("authority", "lead-add", "--authority", "Police", "--reference", "P-9", "--account", "n1",
                   "--hashtag", "not a tag", "--description", "Same video pushed by both.", *common, *liv, code=2)
    assert "is not a hashtag" in refused.output
    _run("authority", "lead-case", lead.id, *common, *liv, code=2)  # a liaison may not open cases
    out = _run("authority", "lead-case", lead.id, *common, *ana).output
    case_id = requests.get_lead(store, actor("lead"), lead.id).case_id
    assert f"case {case_id}" in out and review.get_case(store, actor("lead"), case_id).summary.kind == "authority_lead"
    assert "imp1" in _run("authority", "leads", *common, *ana).output

    _run("authority", "rfi-add", "--authority", "Prosecutor", "--reference", "PO-2", "--question",
         "Who registered account imp1?", "--legal-basis", "Art. 10 DSA", "--deadline", "2026-12-01", *common, *liv)
    (rfi,) = requests.list_rfis(store, actor("lead"))
    assert rfi.deadline == "2026-12-01T23:59:59+00:00"
    _run("authority", "rfi-answer", rfi.id, "--status", "refused", "--response", "Outside the order's scope.",
         *common, *lena)
    assert requests.get_rfi(store, actor("lead"), rfi.id).status == "refused"
    assert "refused" in _run("authority", "rfis", *common, *lena).output
