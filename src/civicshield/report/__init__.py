"""Transparency reports: influence operations, enforcement, response times,
amplification audit; as JSON, CSV, HTML and PDF."""

from civicshield.report.build import ReportFiles, build_report, compute
from civicshield.report.period import Period

__all__ = ["Period", "ReportFiles", "build_report", "compute"]
