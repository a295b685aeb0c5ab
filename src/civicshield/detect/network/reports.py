"""The network report rows, read back from stored ``coordinated_network`` findings."""

from __future__ import annotations

import json

from civicshield.workspace import Workspace


def network_reports(workspace: Workspace) -> list[dict]:
    """One row per network, highest score first: the finding's evidence plus
    its account ids and first/last coordinated activity."""
    with workspace.events(read_only=True) as store:
        found = store.findings(kind="coordinated_network", detector="coordination").to_pylist()
    rows = []
    for f in found:
        ev = json.loads(f["evidence"] or "{}")
        rows.append(
            {
                **ev,
                "network_id": f["network_id"],
                "score": f["score"],
                "account_ids": f["account_ids"],
                "detector": f["detector"],
                "first_seen": f["first_seen"],
                "last_seen": f["last_seen"],
            }
        )
    return sorted(rows, key=lambda r: (-r["score"], r["network_id"] or ""))
