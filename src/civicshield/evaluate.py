"""Score findings against the ground truth of a synthetic scenario.

Three questions, in the order a user asks them:
1. Per finding kind and entity: precision, recall, F1 over entity ids.
2. Per planted operation: is it recovered as ONE network (best Jaccard of its
   accounts with one finding group) or split/merged?
3. Look-alikes: how many organic look-alike entities (truth/lookalikes.jsonl,
   when present) were flagged, per family, and how many networks consist only
   of unlabelled accounts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rich.table import Table

from civicshield.contract import FINDING_KINDS
from civicshield.errors import DataError
from civicshield.findings import read_jsonl

_ENTITY_FIELD = {"account": "account_ids", "post": "post_ids", "engagement": "engagements"}
RECOVERED_JACCARD = 0.8


@dataclass(frozen=True)
class KindScore:
    kind: str
    entity: str
    truth: int
    predicted: int
    true_positives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else (1.0 if not self.truth else 0.0)

    @property
    def recall(self) -> float:
        return self.true_positives / self.truth if self.truth else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class OperationScore:
    operation: str
    kind: str
    size: int
    best_jaccard: float
    groups_touched: int  # finding groups holding any of its accounts

    @property
    def recovered(self) -> bool:
        return self.best_jaccard >= RECOVERED_JACCARD


@dataclass(frozen=True)
class Evaluation:
    kinds: tuple[KindScore, ...]
    operations: tuple[OperationScore, ...]
    lookalikes_flagged: dict[str, tuple[int, int]] = field(default_factory=dict)  # family -> (flagged, total)
    lookalike_networks: dict[str, int] = field(default_factory=dict)  # kind -> networks of unlabelled accounts only

    def score(self, kind: str, entity: str) -> KindScore | None:
        return next((k for k in self.kinds if k.kind == kind and k.entity == entity), None)

    def to_dict(self) -> dict:
        return {
            "kinds": [
                {**asdict(k), "precision": k.precision, "recall": k.recall, "f1": k.f1} for k in self.kinds
            ],
            "operations": [{**asdict(o), "recovered": o.recovered} for o in self.operations],
            "lookalikes_flagged": {f: {"flagged": a, "total": b} for f, (a, b) in self.lookalikes_flagged.items()},
            "lookalike_networks": self.lookalike_networks,
        }


def _load_truth(path: Path) -> list[dict]:
    rows = []
    for i, obj in read_jsonl(path, required=("entity", "id", "kind")):
        if obj["kind"] not in FINDING_KINDS:
            raise DataError(str(path), i, "kind", f"unknown finding kind {str(obj['kind'])[:60]!r}")
        if obj["entity"] not in _ENTITY_FIELD:
            raise DataError(str(path), i, "entity", f"expected account, post or engagement, got {str(obj['entity'])[:40]!r}")
        rows.append(obj)
    return rows


def _load_findings(path: Path) -> list[dict]:
    out = []
    for i, obj in read_jsonl(path, required=("kind",)):
        if obj["kind"] not in FINDING_KINDS:
            raise DataError(str(path), i, "kind", f"unknown finding kind {str(obj['kind'])[:60]!r}")
        for fld in _ENTITY_FIELD.values():
            if not isinstance(obj.get(fld, []), list):
                raise DataError(str(path), i, fld, "expected a list")
        out.append(obj)
    return out


def evaluate(truth: list[dict], findings: list[dict], lookalikes: list[dict] | None = None) -> Evaluation:
    truth_sets: dict[tuple[str, str], set[str]] = defaultdict(set)
    ops: dict[tuple[str, str], set[str]] = defaultdict(set)
    for t in truth:
        truth_sets[(t["kind"], t["entity"])].add(str(t["id"]))
        if t["entity"] == "account" and t.get("operation"):
            ops[(t["kind"], str(t["operation"]))].add(str(t["id"]))

    pred_sets: dict[tuple[str, str], set[str]] = defaultdict(set)
    groups: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # kind -> group -> accounts
    for n, f in enumerate(findings):
        kind = f["kind"]
        for entity in FINDING_KINDS[kind][0]:
            pred_sets[(kind, entity)].update(map(str, f.get(_ENTITY_FIELD[entity]) or []))
        accounts = set(map(str, f.get("account_ids") or []))
        if accounts:
            groups[kind][f.get("network_id") or f.get("finding_id") or f"#{n}"].update(accounts)

    scores = []
    for kind, (entities, _) in FINDING_KINDS.items():
        for entity in entities:
            t, p = truth_sets.get((kind, entity), set()), pred_sets.get((kind, entity), set())
            if t or p:
                scores.append(KindScore(kind, entity, len(t), len(p), len(t & p)))

    # Recovery "as one network" only means something for kinds whose
    # findings are networks; per-account kinds (impersonation) are not.
    networked = {f["kind"] for f in findings if f.get("network_id")}
    op_scores = []
    for (kind, op), members in sorted(ops.items()):
        if kind not in networked:
            continue
        best, touched = 0.0, 0
        for accounts in groups.get(kind, {}).values():
            inter = len(members & accounts)
            if inter:
                touched += 1
                best = max(best, inter / len(members | accounts))
        op_scores.append(OperationScore(op, kind, len(members), best, touched))

    # A look-alike counts as flagged only for kinds the truth does not give it:
    # a fan's post about the election rightly gets the election label.
    wrong: set[tuple[str, str]] = set()
    for (kind, entity), ids in pred_sets.items():
        wrong.update((entity, i) for i in ids - truth_sets.get((kind, entity), set()))
    families: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for la in lookalikes or []:
        fam = families[str(la.get("family", "?"))]
        fam[1] += 1
        fam[0] += (str(la.get("entity", "account")), str(la.get("id"))) in wrong

    labelled_accounts = {i for (k, e), s in truth_sets.items() if e == "account" for i in s}
    pure_false = {}
    for kind, gs in groups.items():
        n = sum(1 for accs in gs.values() if len(accs) > 1 and not (accs & labelled_accounts))
        if n:
            pure_false[kind] = n
    return Evaluation(
        tuple(scores),
        tuple(op_scores),
        {f: (a, b) for f, (a, b) in sorted(families.items())},
        pure_false,
    )


def evaluate_files(truth: Path, findings: Path) -> Evaluation:
    """Evaluate a findings export; reads ``lookalikes.jsonl`` beside the truth if present."""
    truth = Path(truth)
    look = truth.parent / "lookalikes.jsonl"
    lookalikes = [o for _, o in read_jsonl(look)] if look.exists() else None
    return evaluate(_load_truth(truth), _load_findings(Path(findings)), lookalikes)


def render_table(ev: Evaluation) -> Table:
    t = Table(title="Detection quality against the ground truth")
    for col, just in (("kind", "left"), ("entity", "left"), ("truth", "right"), ("found", "right"),
                      ("precision", "right"), ("recall", "right"), ("F1", "right"), ("operations", "right")):
        t.add_column(col, justify=just)
    for k in ev.kinds:
        ops = [o for o in ev.operations if o.kind == k.kind]
        op_cell = f"{sum(o.recovered for o in ops)}/{len(ops)}" if ops and k.entity == "account" else ""
        t.add_row(k.kind, k.entity, f"{k.truth:,}", f"{k.predicted:,}", f"{k.precision:.3f}", f"{k.recall:.3f}",
                  f"{k.f1:.3f}", op_cell)
    if ev.lookalikes_flagged:
        flagged = sum(a for a, _ in ev.lookalikes_flagged.values())
        total = sum(b for _, b in ev.lookalikes_flagged.values())
        t.caption = f"organic look-alikes flagged: {flagged:,} of {total:,}"
    return t
