"""Covert influence networks: accounts that act in coordination."""

from civicshield.detect.network.coordination import DETECTOR as COORDINATION

DETECTORS: tuple = (COORDINATION,)
