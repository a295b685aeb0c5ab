"""Interoperability: imports from research formats into the contract, and
exports of workspaces to exchange formats and dataframes (docs/interop.md)."""

from civicshield.interop.coortweet import import_coortweet
from civicshield.interop.dataset import ImportResult
from civicshield.interop.graph import GraphExport, export_graph, network_graph
from civicshield.interop.tables import export_table, findings_frame, table_frame
from civicshield.interop.tiktok import import_tiktok_research
from civicshield.interop.toolkit import import_toolkit

__all__ = [
    "GraphExport",
    "ImportResult",
    "export_graph",
    "export_table",
    "findings_frame",
    "import_coortweet",
    "import_tiktok_research",
    "import_toolkit",
    "network_graph",
    "table_frame",
]
