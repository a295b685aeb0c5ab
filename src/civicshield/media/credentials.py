"""C2PA Content Credentials, read with c2pa-python.

An image is AI media when an ``actions`` assertion in any of its manifests
(the active one or an ingredient's) carries an IPTC digitalSourceType of
``trainedAlgorithmicMedia``, ``compositeWithTrainedAlgorithmicMedia`` or
``algorithmicMedia``.  The manifest's validation state is reported with it:
an ``Invalid`` manifest still says what its author claimed, so it is
evidence for a reviewer, not proof.  Files without credentials are not AI
media as far as this module can tell.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import c2pa

from civicshield.errors import DataError

AI_SOURCE_TYPES = ("trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "algorithmicMedia")
# Codes that say the signer is merely unknown to us: every self-signed tool
# produces them, so they are not failures of the file itself.
_BENIGN = ("signingCredential.untrusted",)


@dataclass(frozen=True)
class Credentials:
    """What one file's Content Credentials say."""

    path: str
    has_manifest: bool
    validation_state: str | None = None  # Valid, Trusted, Invalid; None without a manifest
    digital_source_types: tuple[str, ...] = ()  # short IPTC names, every manifest
    actions: tuple[str, ...] = ()  # the active manifest's actions, in order
    failures: tuple[str, ...] = ()  # validation failure codes (untrusted signer left out)
    title: str = ""
    generator: str = ""
    error: str = ""  # why the file could not be read, if it could not

    @property
    def ai_source_types(self) -> tuple[str, ...]:
        return tuple(t for t in self.digital_source_types if t in AI_SOURCE_TYPES)

    @property
    def is_ai(self) -> bool:
        return bool(self.ai_source_types)

    @property
    def valid(self) -> bool:
        return self.validation_state in ("Valid", "Trusted")

    def evidence(self) -> dict:
        return {
            "media_path": self.path,
            "validation_state": self.validation_state,
            "digital_source_types": list(self.digital_source_types),
            "actions": list(self.actions),
            "validation_failures": list(self.failures),
            "claim_generator": self.generator,
        }


def _short(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _actions(manifest: dict) -> list[dict]:
    out = []
    for a in manifest.get("assertions", []):
        if a.get("label", "").split(".")[:2] == ["c2pa", "actions"]:
            out.extend(a.get("data", {}).get("actions", []))
    return out


def _generator(manifest: dict) -> str:
    info = manifest.get("claim_generator_info") or []
    if info and isinstance(info[0], dict):
        return str(info[0].get("name", ""))
    return str(manifest.get("claim_generator", ""))


def read_credentials(path: str | Path) -> Credentials:
    """Read and validate ``path``'s Content Credentials.

    A missing file is a ``DataError``; a file with no manifest, or one the
    SDK cannot parse, comes back with ``has_manifest=False`` (and ``error``
    set in the second case).
    """
    p = Path(path)
    if not p.is_file():
        raise DataError(str(p), None, None, "media file not found")
    try:
        with c2pa.Reader(str(p)) as reader:
            store = json.loads(reader.json())
    except c2pa.C2paError as e:
        if "ManifestNotFound" in type(e).__name__ or "no JUMBF" in str(e):
            return Credentials(str(p), False)
        return Credentials(str(p), False, error=f"{type(e).__name__.lstrip('_')}: {e}"[:200])
    manifests = store.get("manifests", {})
    active = manifests.get(store.get("active_manifest") or "", {})
    sources = []
    for m in (active, *(v for k, v in sorted(manifests.items()) if v is not active)):
        for a in _actions(m):
            if a.get("digitalSourceType"):
                sources.append(_short(a["digitalSourceType"]))
    failures = [
        s.get("code", "")
        for s in store.get("validation_status") or []
        if s.get("code") and s.get("code") not in _BENIGN
    ]
    return Credentials(
        path=str(p),
        has_manifest=True,
        validation_state=store.get("validation_state"),
        digital_source_types=tuple(dict.fromkeys(sources)),
        actions=tuple(a.get("action", "") for a in _actions(active)),
        failures=tuple(dict.fromkeys(failures)),
        title=str(active.get("title", "")),
        generator=_generator(active),
    )
