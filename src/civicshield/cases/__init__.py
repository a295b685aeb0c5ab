"""Cases: the system of record that moderators, leads, auditors and
authorities rely on.

- ``db``: open the store (SQLite in the workspace, or PostgreSQL), migrations
- ``intake``: findings -> cases (merge, update, priority, queues)
- ``review``: list, show, assign, decide (optimistic locking)
- ``enforce``: actions and their reversal on appeal
- ``audit``: the hash-chained trail and its verification
- ``holds``: legal holds, retention purge, account erasure
- ``evidence``: bundles for authorities and their verification
- ``sor``: DSA statements of reasons, validation and export
- ``roles``: who may do what
"""

from civicshield.cases.db import CaseStore, open_case_store
from civicshield.cases.roles import PERMISSIONS, ROLES, Actor

__all__ = ["Actor", "CaseStore", "PERMISSIONS", "ROLES", "open_case_store"]
