"""Undo the damage of fake engagement: like, share, favourite and follower
counts recomputed without the engagement rows that ``fake_engagement``
findings name, and how many were removed per target.

The "removed 7M fake likes / 11M fake followers" figures of a transparency
report are the totals here.  Two sources say which rows are fake:

- by default, every ``actor|action|target`` key listed in a stored
  ``fake_engagement`` finding (whatever detector made it): what detection
  says *would* go, before anybody reviewed it;
- ``confirmed=True``: only the keys of ``strip_engagement`` actions in force
  in the case store (confirmed by a moderator, not reversed on appeal):
  what *was* removed, the figure a transparency report may publish.

Every row with a fake key is removed, since a platform removes the
engagement, not one delivery of it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from civicshield.errors import WorkspaceError
from civicshield.store import FINDINGS_TABLE
from civicshield.workspace import Workspace

# What each action is counted as on its target.
COUNT_NAMES = {"like": "likes", "share": "shares", "favorite": "favorites", "follow": "followers"}


@dataclass(frozen=True)
class TargetRecount:
    target_id: str
    action: str
    before: int
    removed: int

    @property
    def after(self) -> int:
        return self.before - self.removed


@dataclass(frozen=True)
class ActionTotal:
    action: str
    before: int
    removed: int
    targets_touched: int

    @property
    def after(self) -> int:
        return self.before - self.removed

    @property
    def count_name(self) -> str:
        return COUNT_NAMES.get(self.action, self.action)


@dataclass(frozen=True)
class Recount:
    totals: tuple[ActionTotal, ...]
    targets: tuple[TargetRecount, ...]  # targets that lost at least one row, most removed first
    fake_keys: int  # distinct actor|action|target keys named by findings

    def total(self, action: str) -> ActionTotal:
        for t in self.totals:
            if t.action == action:
                return t
        return ActionTotal(action, 0, 0, 0)

    def write_csv(self, path: Path) -> None:
        with Path(path).open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["target_id", "action", "before", "removed", "after"])
            for t in self.targets:
                w.writerow([t.target_id, t.action, t.before, t.removed, t.after])


FROM_FINDINGS = f"SELECT DISTINCT UNNEST(engagements) AS k FROM {FINDINGS_TABLE} WHERE kind = 'fake_engagement'"
CONFIRMED_VIEW = "_confirmed_strips"

_SQL = """
WITH fake AS ({fake}),
marked AS (
    SELECT e.action, e.target_id, (f.k IS NOT NULL) AS is_fake
    FROM engagements e
    LEFT JOIN fake f ON f.k = e.actor_id || '|' || e.action || '|' || e.target_id
)
SELECT action, target_id, COUNT(*) AS before, SUM(CASE WHEN is_fake THEN 1 ELSE 0 END) AS removed
FROM marked GROUP BY action, target_id
"""


def recount(workspace: Workspace, confirmed: bool = False, db: str | None = None) -> Recount:
    """Recount engagement without the fake rows: those findings name, or with
    ``confirmed`` those the case store (``db``, else the workspace's) strips."""
    keys = _confirmed_keys(workspace, db) if confirmed else None
    with workspace.events(read_only=True) as store:
        if not store.has("engagements"):
            raise WorkspaceError(f"{workspace.path}: the dataset has no engagements table: nothing to recount")
        fake = FROM_FINDINGS
        if keys is not None:
            store.register(CONFIRMED_VIEW, pa.table({"k": pa.array(sorted(keys), pa.string())}))
            fake = f"SELECT k FROM {CONFIRMED_VIEW}"
        n_keys = store.rows(f"SELECT COUNT(DISTINCT k) FROM ({fake})")[0][0]
        per_target = store.rows(_SQL.format(fake=fake))
    totals: dict[str, list[int]] = {}
    touched = []
    for action, target, before, removed in per_target:
        t = totals.setdefault(action, [0, 0, 0])
        t[0] += before
        t[1] += removed
        if removed:
            t[2] += 1
            touched.append(TargetRecount(target, action, before, removed))
    touched.sort(key=lambda r: (-r.removed, r.action, r.target_id))
    return Recount(
        totals=tuple(ActionTotal(a, *v) for a, v in sorted(totals.items())),
        targets=tuple(touched),
        fake_keys=int(n_keys),
    )


def _confirmed_keys(workspace: Workspace, db: str | None) -> set[str]:
    from civicshield.cases import open_case_store
    from civicshield.cases.enforce import stripped_engagements

    if db is None and not (workspace.path / "cases.sqlite").exists():
        raise WorkspaceError(f"{workspace.path}: no case store here, so nothing is confirmed yet; "
                             "run 'civicshield cases intake' and review, or give --db")
    store = open_case_store(workspace, db)
    try:
        return stripped_engagements(store)
    finally:
        store.close()
