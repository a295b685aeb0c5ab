"""civicshield: election integrity in the open.

The Python API mirrors the CLI::

    import civicshield as cs
    ws = cs.open_workspace("ws")
    cs.ingest_dataset("scenario", ws)
    cs.run_detectors(ws, only=["coordination"])

Names are resolved on first use (PEP 562) so that ``import civicshield``
and the CLI start fast without loading every engine.  Running detectors is
``run_detectors`` here: ``civicshield.detect`` is the detectors' package.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_API = {
    "open_workspace": "civicshield.workspace",
    "Workspace": "civicshield.workspace",
    "ingest_dataset": "civicshield.ingest",
    "simulate": "civicshield.sim",
    "SimConfig": "civicshield.sim",
    "run_detectors": "civicshield.detect",
    "detectors": "civicshield.detect",
    "export_findings": "civicshield.findings",
    "iter_findings": "civicshield.findings",
    "evaluate_files": "civicshield.evaluate",
    "load_election": "civicshield.election",
    "run_demo": "civicshield.demo",
    "findings_frame": "civicshield.interop",
    "table_frame": "civicshield.interop",
    "export_table": "civicshield.interop",
    "export_graph": "civicshield.interop",
    "network_graph": "civicshield.interop",
    "import_tiktok_research": "civicshield.interop",
    "import_coortweet": "civicshield.interop",
    "import_toolkit": "civicshield.interop",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        module = importlib.import_module(_API[name])
        value = getattr(module, "detect" if name == "run_detectors" else name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'civicshield' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
