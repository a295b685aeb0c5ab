"""Detectors: one module each, grouped by family, all of the shape in ``base``."""

from civicshield.detect.base import Detector, DetectorResult, Finding, Param, run_detector
from civicshield.detect.context import DetectionContext
from civicshield.detect.registry import detectors, get, register
from civicshield.detect.runner import detect

__all__ = [
    "DetectionContext",
    "Detector",
    "DetectorResult",
    "Finding",
    "Param",
    "detect",
    "detectors",
    "get",
    "register",
    "run_detector",
]
