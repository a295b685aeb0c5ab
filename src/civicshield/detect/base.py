"""The one shape every detector has.

A detector is a frozen ``Detector`` value in its own module: a name, the
finding kinds it emits, the tables it needs, its parameters declared once as
``Param`` values, and a pure ``run(ctx, params) -> Iterable[Finding]``.  It
keeps no state between runs.  ``run_detector`` validates parameters, checks
tables and freezes the result; nothing else calls ``run`` directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from civicshield.contract import FINDING_KINDS, TABLES
from civicshield.errors import CivicshieldError, ParameterError


@dataclass(frozen=True)
class Param:
    """One tunable parameter: its type, default, allowed range and meaning."""

    name: str
    type: type
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None

    def describe(self) -> str:
        t = self.type.__name__
        if self.choices:
            return f"one of {', '.join(map(repr, self.choices))}"
        if self.low is not None or self.high is not None:
            lo = "-inf" if self.low is None else self.low
            hi = "inf" if self.high is None else self.high
            return f"{'an' if t == 'int' else 'a'} {t} in [{lo}, {hi}]"
        return f"a {t}"

    def check(self, detector: str, value: Any) -> Any:
        ok = True
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, self.type) or (isinstance(value, bool) and self.type is not bool):
            ok = False
        elif self.choices is not None and value not in self.choices:
            ok = False
        elif self.low is not None and value < self.low:
            ok = False
        elif self.high is not None and value > self.high:
            ok = False
        if not ok:
            raise ParameterError(
                f"The {self.name!r} parameter of {detector} must be {self.describe()}. Got {value!r} instead."
            )
        return value


@dataclass(frozen=True)
class Finding:
    """One finding, in the contract's export shape."""

    kind: str
    detector: str
    score: float
    account_ids: tuple[str, ...] = ()
    post_ids: tuple[str, ...] = ()
    engagements: tuple[str, ...] = ()
    network_id: str | None = None
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)

    @property
    def finding_id(self) -> str:
        """Stable across re-runs on the same data, so cases can be updated."""
        key = "\x1f".join(
            [self.kind, self.detector, self.network_id or "", *sorted(self.account_ids), "\x1e", *sorted(self.post_ids)]
        )
        return "f-" + hashlib.sha256(key.encode()).hexdigest()[:16]

    def to_row(self) -> dict:
        return {
            "finding_id": self.finding_id,
            "kind": self.kind,
            "detector": self.detector,
            "score": float(self.score),
            "account_ids": list(self.account_ids),
            "post_ids": list(self.post_ids),
            "engagements": list(self.engagements),
            "network_id": self.network_id,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "evidence": dict(self.evidence),
        }


@dataclass(frozen=True)
class Detector:
    name: str
    summary: str
    kinds: tuple[str, ...]
    requires: tuple[str, ...]
    params: tuple[Param, ...]
    run: Callable[[Any, Mapping[str, Any]], Iterable[Finding]]
    optional: tuple[str, ...] = ()
    limits: str = ""
    # "table.column" values the method relies on being real, not estimated
    needs_real: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = [k for k in self.kinds if k not in FINDING_KINDS]
        tables = [t for t in (*self.requires, *self.optional) if t not in TABLES]
        if unknown or tables:
            raise ValueError(f"detector {self.name}: unknown kinds {unknown} or tables {tables}")

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def resolve(self, overrides: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
        """Defaults merged with overrides, every value checked."""
        overrides = dict(overrides or {})
        known = {p.name for p in self.params}
        extra = sorted(set(overrides) - known)
        if extra:
            raise ParameterError(
                f"{self.name} has no parameter {extra[0]!r}; its parameters are: {', '.join(sorted(known)) or 'none'}."
            )
        values = {p.name: p.check(self.name, overrides.get(p.name, p.default)) for p in self.params}
        return MappingProxyType(values)


@dataclass(frozen=True)
class DetectorResult:
    detector: str
    params: Mapping[str, Any]
    findings: tuple[Finding, ...]
    skipped: str | None = None  # why it did not run (missing tables)


def run_detector(detector: Detector, ctx, overrides: Mapping[str, Any] | None = None) -> DetectorResult:
    params = detector.resolve(overrides)
    missing = [t for t in detector.requires if not ctx.has(t)]
    if missing:
        return DetectorResult(detector.name, params, (), skipped=f"needs table(s) {', '.join(missing)}, not in this dataset")
    estimated = [c for c in detector.needs_real if c in ctx.election.estimated_columns]
    if estimated:
        return DetectorResult(detector.name, params, (),
                              skipped=f"needs real {', '.join(estimated)}; this dataset only estimates it (election.toml estimated_columns)")
    findings = tuple(detector.run(ctx, params))
    bad = [f.kind for f in findings if f.kind not in detector.kinds]
    if bad:
        raise RuntimeError(f"detector {detector.name} emitted undeclared kind {bad[0]!r}")
    findings = tuple(sorted(findings, key=lambda f: (f.kind, f.finding_id)))
    return DetectorResult(detector.name, params, findings)


def parse_params(items: list[str]) -> dict[str, dict]:
    """``DETECTOR.NAME=VALUE`` strings as the runners' parameter overrides
    (``civicshield detect --param``, ``spark_main --param``); values are read
    as JSON where they parse."""
    out: dict[str, dict] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        det, dot, name = key.partition(".")
        if not sep or not dot:
            raise CivicshieldError(f"--param takes DETECTOR.NAME=VALUE, got {item!r}")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        out.setdefault(det, {})[name] = value
    return out
