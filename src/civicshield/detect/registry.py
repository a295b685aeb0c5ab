"""Every built-in detector, registered explicitly.

A third-party detector registers the same way: ``register(DETECTOR)``.
Order here is the order ``civicshield detect`` runs them in.
"""

from __future__ import annotations

import importlib

from civicshield.detect.base import Detector

# Each family package exposes DETECTORS, a tuple in the order they run.
BUILTIN_FAMILIES: tuple[str, ...] = (
    "civicshield.detect.network",  # covert influence networks
    "civicshield.detect.engagement",  # fake engagement, inauthentic accounts
    "civicshield.detect.content",  # policy detectors on posts and profiles
)

_REGISTRY: dict[str, Detector] = {}


def register(detector: Detector) -> Detector:
    if detector.name in _REGISTRY and _REGISTRY[detector.name] is not detector:
        raise ValueError(f"a detector named {detector.name!r} is already registered")
    _REGISTRY[detector.name] = detector
    return detector


def detectors() -> dict[str, Detector]:
    """All registered detectors by name, built-ins first."""
    for fam in BUILTIN_FAMILIES:
        for det in importlib.import_module(fam).DETECTORS:
            register(det)
    return dict(_REGISTRY)


def get(name: str) -> Detector:
    found = detectors()
    if name not in found:
        raise KeyError(f"no detector named {name!r}; known: {', '.join(found) or 'none'}")
    return found[name]
