"""Run detectors over a workspace and store what they find."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from civicshield.detect.base import DetectorResult, run_detector
from civicshield.detect.context import DetectionContext
from civicshield.detect.registry import detectors, get
from civicshield.workspace import Workspace


def detect(
    workspace: Workspace,
    only: list[str] | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    on_result: Callable[[DetectorResult], None] | None = None,
    on_start: Callable[[str], None] | None = None,
) -> list[DetectorResult]:
    """Run the chosen detectors (all by default) and replace their findings.

    ``params`` maps a detector name to parameter overrides.  Parameters of
    every chosen detector are validated before any detector runs, so a typo
    fails fast instead of after an hour of work.
    """
    chosen = [get(n) for n in only] if only else list(detectors().values())
    params = params or {}
    unknown = sorted(set(params) - {d.name for d in chosen})
    if unknown:
        raise KeyError(f"parameters given for {unknown[0]!r}, which is not among the detectors run")
    for d in chosen:
        d.resolve(params.get(d.name))
    results = []
    with workspace.events() as store:
        ctx = DetectionContext(store=store, election=store.election())
        for d in chosen:
            if on_start:
                on_start(d.name)
            res = run_detector(d, ctx, params.get(d.name))
            if res.skipped is None:
                store.replace_findings(d.name, [f.to_row() for f in res.findings])
            results.append(res)
            if on_result:
                on_result(res)
    return results
