"""The gate's rules: a versioned TOML file of declared thresholds.

Every threshold is declared once in ``THRESHOLDS`` (section, name, type,
range, meaning).  Loading checks the whole file against that list and reports
*every* problem at once, each as a ``DataError`` naming the file and the key,
so an operator editing rules in production sees all mistakes in one go and
the running gate keeps its previous rules.  Every key is required: a rules
file is read by people deciding what the platform enforces, so nothing is
left to a default hidden in code.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from civicshield.errors import DataError

DEFAULT_RULES = Path(__file__).with_name("rules") / "default.toml"
DECISIONS = ("allow", "challenge", "block")
MODES = ("enforce", "shadow")


@dataclass(frozen=True)
class Threshold:
    section: str
    name: str
    type: type
    low: float
    high: float
    help: str

    @property
    def key(self) -> str:
        return f"{self.section}.{self.name}"


def _t(section: str, name: str, typ: type, low: float, high: float, help: str) -> Threshold:
    return Threshold(section, name, typ, low, high, help)


THRESHOLDS: tuple[Threshold, ...] = (
    _t("signup", "window_s", int, 60, 30 * 86400, "sliding window for sign-up velocity, seconds"),
    _t("signup", "device_max", int, 1, 1000, "sign-ups from one device in the window above this are blocked"),
    _t("signup", "prefix_flagged_max", int, 1, 100000,
       "flagged sign-ups (throwaway mail domain or phone country not matching the IP country) from one IP prefix "
       "in the window above this: further flagged ones are blocked"),
    _t("signup", "challenge_flags", int, 1, 3, "a sign-up carrying at least this many flags on its own is challenged"),
    _t("signup", "device_strikes_block", int, 1, 1000, "a device with at least this many strikes cannot sign up"),
    _t("engagement", "actor_burst_window_s", int, 1, 3600, "short window for one account's action rate, seconds"),
    _t("engagement", "actor_burst_max", int, 1, 100000, "actions by one account in the short window above this are challenged"),
    _t("engagement", "actor_long_window_s", int, 60, 86400, "long window for one account's action rate, seconds"),
    _t("engagement", "actor_long_max", int, 1, 1000000, "actions by one account in the long window above this are blocked"),
    _t("engagement", "device_window_s", int, 60, 7 * 86400, "window for accounts seen on one device, seconds"),
    _t("engagement", "device_actors_max", int, 1, 10000,
       "distinct accounts acting from one device in the window above this are blocked"),
    _t("engagement", "target_window_s", int, 1, 86400, "window for many accounts hitting one target, seconds"),
    _t("engagement", "target_device_actors_max", int, 1, 10000,
       "distinct accounts hitting one target from one device in the target window above this are blocked"),
    _t("engagement", "target_prefix_actors_max", int, 1, 100000,
       "distinct accounts hitting one target from one IP prefix in the target window above this are challenged, "
       "when that prefix also carries more than target_prefix_share of the target's actions"),
    _t("engagement", "target_prefix_share", float, 0.0, 1.0,
       "share of a target's actions in the target window coming from one IP prefix (see target_prefix_actors_max)"),
    _t("engagement", "device_strikes_block", int, 1, 1000, "engagement from a device with this many strikes is blocked"),
    _t("reputation", "strike_ttl_s", int, 60, 365 * 86400, "how long a device strike lasts, seconds"),
    _t("reputation", "strike_on_block", int, 0, 100, "strikes a device earns each time the gate blocks it on a device signal"),
    _t("feedback", "prefix_share", float, 0.0, 1.0,
       "feedback confirms an IP prefix only where confirmed accounts are at least this share of the accounts seen on it"),
    _t("feedback", "prefix_min_accounts", int, 1, 1_000_000,
       "feedback confirms an IP prefix only when at least this many confirmed accounts used it"),
)

_SECTIONS = {t.section for t in THRESHOLDS} | {"failure"}
_TOP = {"version", "mode", "description"}


@dataclass(frozen=True)
class Rules:
    """Validated rules.  ``values`` maps ``section.name`` to the threshold."""

    version: str
    mode: str
    failure: MappingProxyType  # endpoint -> decision when the state store is unreachable
    values: MappingProxyType
    digest: str
    source: str

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    @property
    def shadow(self) -> bool:
        return self.mode == "shadow"


def load_rules(path: str | Path | None = None) -> Rules:
    """Read and validate a rules file (the shipped default when ``path`` is None)."""
    p = Path(path) if path is not None else DEFAULT_RULES
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise DataError(str(p), None, None, f"cannot read the rules file: {e.strerror}") from e
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise DataError(str(p), None, None, f"not valid TOML: {e}") from e
    return parse_rules(doc, source=str(p), digest=hashlib.sha256(raw).hexdigest()[:12])


class RulesError(DataError):
    """Every problem of one rules file; ``problems`` lists them one per key."""

    def __init__(self, file: str, problems: list[tuple[str, str]]):
        self.problems = problems
        first_key, first_msg = problems[0]
        super().__init__(file, None, first_key, first_msg)

    def format(self) -> str:
        return "; ".join(f"{self.file}, key {k!r}: {m}" for k, m in self.problems)


def _describe(t: Threshold) -> str:
    return f"{'an' if t.type is int else 'a'} {t.type.__name__} in [{t.low}, {t.high}]"


def parse_rules(doc: dict, source: str = "<rules>", digest: str = "") -> Rules:
    problems: list[tuple[str, str]] = []
    version = doc.get("version")
    if not isinstance(version, str) or not version.strip():
        problems.append(("version", f"must be a non-empty string naming this rules version, got {version!r}"))
    mode = doc.get("mode")
    if mode not in MODES:
        problems.append(("mode", f"must be one of {', '.join(map(repr, MODES))}, got {mode!r}"))
    for key in sorted(set(doc) - _TOP - _SECTIONS):
        problems.append((key, "unknown key or section"))
    for sec in sorted(_SECTIONS):
        if sec in doc and not isinstance(doc[sec], dict):
            problems.append((sec, "must be a table ([section])"))

    failure: dict[str, str] = {}
    fdoc = doc.get("failure") if isinstance(doc.get("failure"), dict) else {}
    for endpoint in ("signup", "engagement"):
        v = fdoc.get(endpoint)
        if v not in DECISIONS:
            problems.append((f"failure.{endpoint}", f"must be one of {', '.join(map(repr, DECISIONS))}, got {v!r}"))
        else:
            failure[endpoint] = v
    for key in sorted(set(fdoc) - {"signup", "engagement"}):
        problems.append((f"failure.{key}", "unknown key"))

    values: dict[str, Any] = {}
    declared = {t.key: t for t in THRESHOLDS}
    for sec in {t.section for t in THRESHOLDS}:
        sdoc = doc.get(sec) if isinstance(doc.get(sec), dict) else {}
        for name in sorted(sdoc):
            if f"{sec}.{name}" not in declared:
                problems.append((f"{sec}.{name}", "unknown threshold"))
    for t in THRESHOLDS:
        sdoc = doc.get(t.section) if isinstance(doc.get(t.section), dict) else {}
        if t.name not in sdoc:
            problems.append((t.key, f"missing: must be {_describe(t)} ({t.help})"))
            continue
        v = sdoc[t.name]
        if t.type is float and isinstance(v, int) and not isinstance(v, bool):
            v = float(v)
        if not isinstance(v, t.type) or isinstance(v, bool) or not t.low <= v <= t.high:
            problems.append((t.key, f"must be {_describe(t)}, got {sdoc[t.name]!r}"))
            continue
        values[t.key] = v
    if problems:
        raise RulesError(source, problems)
    return Rules(
        version=version.strip(),
        mode=mode,
        failure=MappingProxyType(failure),
        values=MappingProxyType(values),
        digest=digest,
        source=source,
    )
