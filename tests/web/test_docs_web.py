"""docs/web.md lists every API endpoint (method and path) of the published schema."""

from __future__ import annotations

import re
from pathlib import Path

from civicshield.web import create_app
from civicshield.workspace import Workspace

DOC = Path(__file__).resolve().parents[2] / "docs" / "web.md"


def _norm(text: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", text)


def test_every_api_endpoint_is_documented(tmp_path):
    app = create_app(Workspace(tmp_path / "ws"))
    doc = _norm(DOC.read_text(encoding="utf-8"))
    # the published schema is the list of endpoints (page routes are left out of it)
    endpoints = [(m.upper(), _norm(path.removeprefix("/api/v1"))) for path, ops in app.openapi()["paths"].items()
                 for m in ops]
    assert len(endpoints) > 15
    missing = [f"{m} {p}" for m, p in endpoints if not re.search(re.escape(f"{m} {p}") + r"[`? ]", doc)]
    assert not missing, f"docs/web.md does not list {missing}"
