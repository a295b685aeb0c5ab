"""docs/python-api.md is a notebook: its python blocks run, in order, in a
fresh folder and a fresh interpreter (as a notebook kernel would)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import civicshield

PAGE = Path(__file__).resolve().parents[2] / "docs" / "python-api.md"
CHECK = """
members = {a for ids in nets["account_ids"] for a in ids}
print("CHECK " + json.dumps({"members": set(g.nodes) == members, "edges": g.number_of_edges(), "tt": res.rows}))
"""


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.slow
def test_walkthrough_runs_in_order(tmp_path):
    script = tmp_path / "walkthrough.py"
    script.write_text("\n".join(_blocks()) + CHECK, encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    check = json.loads(run.stdout.split("CHECK ", 1)[1])
    assert check["members"] and check["edges"] > 0
    assert check["tt"] == {"accounts": 1, "posts": 1}
    assert "7440000000000000001" in run.stdout
    assert (tmp_path / "networks.gexf").stat().st_size > 0 and (tmp_path / "posts.parquet").exists()


def test_every_api_name_the_page_lists_exists_and_the_new_ones_are_documented():
    blocks = _blocks()
    assert len(blocks) >= 5
    names = set(re.findall(r"^\| `(\w+)\(", PAGE.read_text(encoding="utf-8"), flags=re.M))
    assert {"findings_frame", "export_graph", "import_tiktok_research"} <= names
    for name in names:
        assert name in civicshield.__all__, name
    from civicshield import interop

    for name in interop.__all__:
        assert getattr(interop, name).__doc__, f"{name} has no docstring"
        assert name[0].isupper() or name in civicshield.__all__, f"{name} is not exposed by civicshield"
