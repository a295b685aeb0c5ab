"""Fake engagement and inauthentic accounts."""

from civicshield.detect.engagement import batch_created, lockstep

DETECTORS: tuple = (lockstep.DETECTOR, batch_created.DETECTOR)
