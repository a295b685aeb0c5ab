"""civicshield: election integrity in the open.

The Python API mirrors the CLI::

    import civicshield as cs
    ws = cs.open_workspace("ws")
    cs.ingest_dataset("scenario", ws)
    cs.detect(ws, only=["coordination"])

Names are resolved on first use (PEP 562) so that ``import civicshield``
and the CLI start fast without loading every engine.
"""

from __future__ import annotations

import importlib
import sys
import types

__version__ = "0.1.0"

_API = {
    "open_workspace": "civicshield.workspace",
    "Workspace": "civicshield.workspace",
    "ingest_dataset": "civicshield.ingest",
    "simulate": "civicshield.sim",
    "SimConfig": "civicshield.sim",
    "detect": "civicshield.detect",
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


class _DetectPackage(types.ModuleType):
    """``civicshield.detect`` is both the detectors' package and the call
    ``civicshield.detect(ws, only=..., params=...)``: importing any
    ``civicshield.detect.*`` module binds the package under that name here,
    which would otherwise hide the function for the rest of the session."""

    def __call__(self, *args, **kwargs):
        return self.detect(*args, **kwargs)


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value) -> None:
        if name == "detect" and type(value) is types.ModuleType:
            value.__class__ = _DetectPackage
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str):
    if name in _API:
        module = importlib.import_module(_API[name])
        value = module if name == "detect" else getattr(module, name)  # see _DetectPackage
        globals()[name] = value
        return value
    raise AttributeError(f"module 'civicshield' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
