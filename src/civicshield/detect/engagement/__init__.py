"""Fake engagement and inauthentic accounts."""

DETECTORS: tuple = ()
