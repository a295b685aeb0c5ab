"""The claims commands end to end; results checked through the Python API."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from civicshield.cases import claims
from civicshield.cases.enforce import active_actions
from civicshield.cli import app

from .conftest import actor
from .test_claims import EN, REPEATS, ws  # noqa: F401 - the workspace fixture

runner = CliRunner()
FC = ["--as", "factual-ro", "--role", "factchecker"]
AN = ["--as", "ana", "--role", "analyst"]


def _run(*args, code=0):
    res = runner.invoke(app, [str(a) for a in args])
    assert res.exit_code == code, res.output
    return res


def test_queue_verdict_match_and_import(store, case_url, ws, tmp_path):  # noqa: F811
    common = ["--workspace", ws.path, "--db", case_url]
    _run("claims", "queue", "--intake", *common, *AN)
    c = next(c for c in claims.list_claims(store, actor("factchecker")) if "r1" in c.post_ids)
    listed = _run("claims", "queue", *common, *FC)
    assert c.key in listed.output
    bad = _run("claims", "verdict", c.id, "false", "--source", "ftp://x.org/a", *common, *FC, code=2)
    assert "http" in bad.output and active_actions(store) == []
    refused = _run("claims", "verdict", c.id, "false", "--source", "https://factual.ro/a", *common, *AN, code=2)
    assert "may not claims.verdict" in refused.output
    _run("claims", "verdict", c.id, "misleading", "--source", "https://factual.ro/a", "--translation", f"en={EN}",
         *common, *FC)
    acts = {(a["kind"], a["target_id"], a["detail"]) for a in active_actions(store)}
    assert acts == {(k, p, d) for p in REPEATS for k, d in (("label_post", "unverified"), ("demote_post", "for_you"))}
    out = _run("claims", "match", *common, *AN)
    assert "0 posts matched" in out.output
    f = tmp_path / "partner.jsonl"
    f.write_text(json.dumps({"claim": "claim-9", "verdict": "false", "text": "Buletinele de vot au fost deja "
                             "numărate înainte de alegeri, rezultatul e stabilit"}, ensure_ascii=False) + "\n")
    _run("claims", "import", f, *common, *FC)
    assert "claim-9" in {x.key for x in claims.list_claims(store, actor("factchecker"), status="checked")}
    missing = _run("claims", "import", tmp_path / "none.jsonl", *common, *FC, code=2)
    assert "none.jsonl" in missing.output
