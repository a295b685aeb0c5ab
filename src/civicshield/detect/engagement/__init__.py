"""Fake engagement and inauthentic accounts."""

from civicshield.detect.engagement import lockstep

DETECTORS: tuple = (lockstep.DETECTOR,)
