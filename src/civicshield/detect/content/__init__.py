"""Policy detectors on posts and profiles."""

DETECTORS: tuple = ()
