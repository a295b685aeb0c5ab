"""``import civicshield`` names: each resolves to the operation whatever was
imported before (a fresh interpreter per case, since import order is the point)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import civicshield

SCRIPT = """
{before}
import civicshield as cs
from civicshield._testing import ro_election
from civicshield.store.build import build_store
import datetime as dt
ws = cs.open_workspace("ws").ensure()
build_store(ws.events_path, ro_election(), {{"accounts": [{{"account_id": "a1", "handle": "a", "created_at": dt.datetime(2024, 1, 1)}}]}})
results = cs.run_detectors(ws, only=["coordination"])
assert [r.detector for r in results] == ["coordination"], results
assert cs.detect.registry.__name__ == "civicshield.detect.registry"  # still the package too
print("ok")
"""


@pytest.mark.parametrize("before", ["import civicshield as c; c.export_graph", "import civicshield.detect.network"])
def test_run_detectors_works_after_any_import(tmp_path, before):
    run = subprocess.run([sys.executable, "-c", SCRIPT.format(before=before)], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-2000:]


def test_all_names_resolve():
    for name in civicshield.__all__:
        assert getattr(civicshield, name) is not None, name
