"""Dataset ingest: read a dataset folder, validate it, load the event store.

``ingest_dataset(dataset, workspace, progress)`` is the whole API; see
``docs/ingest.md`` for the rules it applies.
"""

from civicshield.ingest.api import IngestSummary, ingest_dataset

__all__ = ["IngestSummary", "ingest_dataset"]
