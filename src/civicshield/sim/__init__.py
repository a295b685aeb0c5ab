"""The scenario simulator: synthetic election datasets with planted
operations, organic look-alikes and ground truth (see docs/simulator.md)."""

from civicshield.sim.config import SimConfig, SimResult
from civicshield.sim.run import simulate

__all__ = ["SimConfig", "SimResult", "simulate"]
