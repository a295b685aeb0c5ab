"""Replay a dataset's sign-ups and engagements through the gate, in time order,
and score the verdicts against ``truth/labels.jsonl``.

The dataset is ingested first (into a temporary workspace unless one is
given), so a replay refuses exactly the data ingest refuses, with the same
file/row/column errors.  Scoring:

* spam sign-ups: attempts that created an account labelled ``spam_signup``;
  genuine sign-ups: attempts that created an account with no label at all;
* farm engagement: rows whose ``actor|action|target`` is labelled
  ``fake_engagement``; genuine engagement: unlabelled rows by unlabelled
  accounts (rows by accounts labelled for something else are "other");
* stopped = challenged or blocked.  An account whose sign-up was blocked was
  never created, so its later engagements never reach the gate: they count
  as stopped with the reason ``account_not_created``.

With a ``FeedbackLoop`` (``loop.py``) batch detection runs every few hours of
event time over the events before that moment and its findings become the
gate's confirmed sets.  What was stopped *only* by feedback (every reason a
``confirmed_*`` one) is counted apart in ``stopped_by_feedback``, so the
gate's own rules and the loop are reported separately.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from civicshield.contract import engagement_key
from civicshield.errors import DataError
from civicshield.gate.core import Gate
from civicshield.gate.feedback import sync
from civicshield.gate.loop import TABLES as LOOP_TABLES
from civicshield.gate.loop import FeedbackLoop
from civicshield.gate.model import Engagement, Signup, Verdict
from civicshield.progress import Progress, no_progress
from civicshield.workspace import Workspace

BATCH = 200  # engagements per state round trip, as a busy HTTP endpoint would batch them
GENUINE_MAX = 0.005
FARM_MIN = 0.80
REPLAY_TABLES = ("accounts", "signups", "engagements")
FEEDBACK_CODES = frozenset({"confirmed_account", "confirmed_device", "confirmed_prefix"})
TALLIES = ("genuine_signups", "spam_signups", "other_signups", "genuine_engagements", "farm_engagements",
           "other_engagements")


def by_feedback_only(v: Verdict) -> bool:
    """Stopped, and every reason came from feedback (none of the gate's own rules fired)."""
    return v.stopped and bool(v.reasons) and all(r.code in FEEDBACK_CODES for r in v.reasons)


@dataclass
class Tally:
    total: int = 0
    stopped: int = 0

    @property
    def share(self) -> float:
        return self.stopped / self.total if self.total else 0.0

    def add(self, stopped: bool) -> None:
        self.total += 1
        self.stopped += stopped


@dataclass
class ReplayFigures:
    genuine_signups: Tally = field(default_factory=Tally)
    spam_signups: Tally = field(default_factory=Tally)
    other_signups: Tally = field(default_factory=Tally)  # labelled for another kind, or no account created
    genuine_engagements: Tally = field(default_factory=Tally)
    farm_engagements: Tally = field(default_factory=Tally)
    other_engagements: Tally = field(default_factory=Tally)
    decisions: Counter = field(default_factory=Counter)  # "endpoint:decision" -> n
    reasons: Counter = field(default_factory=Counter)  # "endpoint:code" -> n
    genuine_reasons: Counter = field(default_factory=Counter)  # what stopped genuine activity
    stopped_by_feedback: Counter = field(default_factory=Counter)  # tally name -> stopped by feedback alone
    feedback_rounds: list = field(default_factory=list)  # one dict per batch-detection round
    labelled: bool = False
    seconds: float = 0.0
    rules_version: str = ""

    @property
    def decisions_per_s(self) -> float:
        return sum(self.decisions.values()) / self.seconds if self.seconds else 0.0

    def meets_targets(self) -> bool:
        return (self.genuine_signups.share <= GENUINE_MAX and self.genuine_engagements.share <= GENUINE_MAX
                and (self.spam_signups.total == 0 or self.spam_signups.share >= FARM_MIN)
                and (self.farm_engagements.total == 0 or self.farm_engagements.share >= FARM_MIN))

    def by_rules(self, name: str) -> float:
        """Share of a tally stopped by the gate's own rules (feedback-only stops left out)."""
        t = getattr(self, name)
        return (t.stopped - self.stopped_by_feedback[name]) / t.total if t.total else 0.0

    def to_dict(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if not isinstance(v, dict | Counter | list)}
        for k in TALLIES:
            t = getattr(self, k)
            fb = self.stopped_by_feedback[k]
            d[k] = {"total": t.total, "stopped": t.stopped, "share": round(t.share, 5),
                    "stopped_by_feedback": fb, "stopped_by_rules": t.stopped - fb}
        d["feedback_rounds"] = list(self.feedback_rounds)
        d["decisions"] = dict(self.decisions)
        d["reasons"] = dict(self.reasons)
        d["genuine_reasons"] = dict(self.genuine_reasons)
        d["decisions_per_s"] = round(self.decisions_per_s)
        d["meets_targets"] = self.meets_targets()
        return d


def _truth(dataset: Path) -> tuple[bool, set[str], dict[str, set[str]]]:
    """(present, fake engagement ids, account id -> kinds)."""
    path = dataset / "truth" / "labels.jsonl"
    if not path.exists():
        return False, set(), {}
    fake, accounts = set(), {}
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                entity, ident, kind = obj["entity"], obj["id"], obj["kind"]
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise DataError(str(path), i, None, f"not a label object with entity, id, kind ({e})") from e
            if entity == "engagement" and kind == "fake_engagement":
                fake.add(ident)
            elif entity == "account":
                accounts.setdefault(ident, set()).add(kind)
    return True, fake, accounts


def _events(ws: Workspace) -> list[tuple[Signup | Engagement, str | None]]:
    with ws.events(read_only=True) as store:
        have = store.tables()
        if not {"signups", "engagements"} & have:
            raise DataError(str(ws.path), None, None, "the dataset has neither signups nor engagements to replay")
        out: list[tuple] = []
        if "signups" in have:
            for r in store.rows("SELECT epoch(created_at), attempt_id, coalesce(device_id, ''), coalesce(ip_prefix, ''), "
                                "coalesce(country, ''), coalesce(email_domain, ''), coalesce(phone_country, ''), "
                                "coalesce(user_agent, ''), coalesce(account_id, '') FROM signups"):
                out.append((r[0], 0, Signup(float(r[0]), *r[1:8]), r[8]))
        if "engagements" in have:
            for r in store.rows("SELECT epoch(created_at), actor_id, action, target_id, coalesce(device_id, ''), "
                                "coalesce(ip_prefix, ''), coalesce(country, '') FROM engagements"):
                out.append((r[0], 1, Engagement(float(r[0]), *r[1:]), None))
    out.sort(key=lambda x: (x[0], x[1]))  # sign-ups first on ties: an account exists before it acts
    return [(e, acc) for _, _, e, acc in out]


def _ingest_replay_tables(dataset: Path, view: Path, ws: Workspace, tables: tuple[str, ...]) -> None:
    """Ingest only what a replay reads (election, accounts, signups, engagements,
    and what the feedback loop's detectors read): a problem in an unrelated
    table must not stop a replay.  The files are
    linked into a view folder; errors name the user's own files."""
    from civicshield.ingest import ingest_dataset
    from civicshield.ingest.files import find_tables

    layout = find_tables(dataset)
    view.mkdir()
    if (dataset / "election.toml").exists():
        (view / "election.toml").symlink_to((dataset / "election.toml").resolve())
    for table in tables:
        for tf in layout.files.get(table, ()):
            (view / tf.path.name).symlink_to(tf.path.resolve())
    try:
        ingest_dataset(view, ws)
    except DataError as e:
        raise DataError(e.file.replace(str(view), str(dataset)), e.row, e.column, e.message) from e


def replay(dataset: str | Path, *, gate: Gate | None = None, workspace: Workspace | None = None,
           progress: Progress | None = None, loop: FeedbackLoop | None = None) -> ReplayFigures:
    """Feed ``dataset``'s sign-ups and engagements through ``gate`` (a fresh
    in-process gate with the shipped rules by default) and score them; with
    ``loop``, batch detection feeds the gate as it would in production."""
    progress = progress or no_progress
    dataset = Path(dataset)
    gate = gate or Gate()
    with tempfile.TemporaryDirectory(prefix="cs-replay-") as tmp:
        ws = workspace or Workspace(Path(tmp) / "ws").ensure()
        if workspace is None:
            tables = REPLAY_TABLES + (LOOP_TABLES if loop else ())
            _ingest_replay_tables(dataset, Path(tmp) / "view", ws, tuple(dict.fromkeys(tables)))
        return _run(dataset, gate, ws, _events(ws), progress, loop, Path(tmp))


def _run(dataset: Path, gate: Gate, ws: Workspace, events: list, progress: Progress, loop: FeedbackLoop | None,
         scratch: Path) -> ReplayFigures:
    labelled, fake, account_kinds = _truth(dataset)
    fig = ReplayFigures(labelled=labelled, rules_version=gate.rules.version)
    not_created: set[str] = set()
    pending: list[Engagement] = []

    def eng_class(e: Engagement) -> str:
        if engagement_key(e.actor_id, e.action, e.target_id) in fake:
            return "farm_engagements"
        return "other_engagements" if e.actor_id in account_kinds else "genuine_engagements"

    def score(endpoint: str, name: str, v: Verdict) -> None:
        getattr(fig, name).add(v.stopped)
        fig.stopped_by_feedback[name] += by_feedback_only(v)
        fig.decisions[f"{endpoint}:{v.decision}"] += 1
        for r in v.reasons:
            fig.reasons[f"{endpoint}:{r.code}"] += 1
            if v.stopped and name.startswith("genuine"):
                fig.genuine_reasons[f"{endpoint}:{r.code}"] += 1

    def drain() -> None:
        for e, v in zip(pending, gate.engagements(pending), strict=True):
            score("engagement", eng_class(e), v)
        pending.clear()

    def feedback(at: float) -> None:
        t = time.perf_counter()
        confirmed = loop.confirmed_before(ws, at, scratch, gate.rules)
        sync(gate.state, confirmed)
        fig.feedback_rounds.append({"at": at, "accounts": len(confirmed.accounts), "devices": len(confirmed.devices),
                                    "prefixes": len(confirmed.prefixes), "seconds": round(time.perf_counter() - t, 2)})

    t0 = time.perf_counter()
    n = len(events)
    next_round = (events[0][0].at // loop.every_s + 1) * loop.every_s if loop and events else float("inf")
    for i, (ev, account) in enumerate(events):
        if ev.at >= next_round:
            drain()
            at = ev.at // loop.every_s * loop.every_s  # the latest round due: it sees everything before it
            feedback(at)
            next_round = at + loop.every_s
        if isinstance(ev, Engagement):
            if ev.actor_id in not_created:
                getattr(fig, eng_class(ev)).add(True)
                fig.reasons["engagement:account_not_created"] += 1
                continue
            pending.append(ev)
            if len(pending) >= BATCH:
                drain()
            continue
        drain()
        v = gate.signup(ev)
        kinds = account_kinds.get(account, set()) if account else {"(no account)"}
        score("signup", "spam_signups" if "spam_signup" in kinds else "other_signups" if kinds else "genuine_signups", v)
        if v.decision == "block" and account:
            not_created.add(account)
        if i % 5000 == 0:
            progress("replay", i, n)
    drain()
    gate.flush()
    fig.seconds = time.perf_counter() - t0
    progress("replay", n, n)
    return fig
