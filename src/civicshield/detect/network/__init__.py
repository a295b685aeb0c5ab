"""Covert influence networks: accounts that act in coordination."""

DETECTORS: tuple = ()
