"""Statements of reasons (DSA Art. 17/24(5)) for every enforcement action.

``build_statement`` turns an action into the Transparency Database's API
fields; enforcement stores it beside the action.  ``validate_statement``
applies the database's own rules (required fields, enums, lengths, dates,
the "at least one decision" rule, keyword-under-category) so a batch is
never rejected with a 422 after the fact.  ``export_statements`` writes API
batches of at most 100 (``{"statements": [...]}``) and one CSV in the
database's column order.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from civicshield.cases import audit
from civicshield.cases import sor_schema as S
from civicshield.cases.models import Statement, utcnow
from civicshield.cases.roles import Actor, require
from civicshield.contract import FINDING_KINDS
from civicshield.errors import CivicshieldError

# finding kind -> (keywords, policy section quoted as the contractual ground)
POLICY: dict[str, tuple[tuple[str, ...], str]] = {
    "coordinated_network": (("KEYWORD_COORDINATED_HARM", "KEYWORD_INAUTHENTIC_ACCOUNTS"),
                            "Integrity and authenticity policy: covert influence operations"),
    "offplatform_recruitment": (("KEYWORD_COORDINATED_HARM",),
                                "Integrity and authenticity policy: coordinated inauthentic behaviour"),
    "fake_engagement": (("KEYWORD_INAUTHENTIC_ACCOUNTS",), "Integrity and authenticity policy: fake engagement"),
    "batch_created": (("KEYWORD_INAUTHENTIC_ACCOUNTS",), "Integrity and authenticity policy: fake accounts"),
    "sleeper_activation": (("KEYWORD_INAUTHENTIC_ACCOUNTS",), "Integrity and authenticity policy: fake accounts"),
    "spam_signup": (("KEYWORD_INAUTHENTIC_ACCOUNTS",), "Integrity and authenticity policy: spam accounts"),
    "recidivism": (("KEYWORD_INAUTHENTIC_ACCOUNTS",), "Integrity and authenticity policy: ban evasion"),
    "impersonation": (("KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING",), "Integrity and authenticity policy: impersonation"),
    "undisclosed_paid_promotion": (("KEYWORD_HIDDEN_ADVERTISEMENT",),
                                   "Branded content policy: undisclosed paid political promotion"),
    "political_ad": (("KEYWORD_HIDDEN_ADVERTISEMENT",), "Advertising policy: political advertising is not allowed"),
    "election_misinformation": (("KEYWORD_MISINFORMATION_DISINFORMATION",),
                                "Civic and election integrity policy: false claims about elections"),
    "misleading_ai": (("KEYWORD_MISINFORMATION_DISINFORMATION",),
                      "Synthetic media policy: AI-generated content depicting candidates or officials"),
    "unlabelled_ai": ((), "Synthetic media policy: AI-generated content must be labelled"),
    "election_content": ((), "Civic and election integrity policy: election information label"),
    "state_media_foreign": ((), "State-affiliated media policy: label on state-controlled media"),
}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class SorValidationError(CivicshieldError):
    def __init__(self, problems: list[tuple[str, str, str]]):
        self.problems = problems
        head = "; ".join(f"{puid}: {f}: {m}" for puid, f, m in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(f"{len(problems)} statement(s) of reasons problem(s): {head}{more}")


def _decision_fields(kind: str, detail: str) -> dict:
    if kind == "ban_account":
        return {"decision_account": "DECISION_ACCOUNT_TERMINATED"}
    if kind == "remove_post":
        return {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"]}
    if kind == "demote_post":
        return {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_DEMOTED"]}
    if kind in ("label_post", "label_account"):
        return {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_LABELLED"]}
    if kind == "strip_engagement":
        return {"decision_visibility": ["DECISION_VISIBILITY_OTHER"],
                "decision_visibility_other": "Inauthentic engagement removed from public counts"}
    if kind == "restrict_feature" and detail == "monetisation":
        return {"decision_monetary": "DECISION_MONETARY_SUSPENSION"}
    if kind == "restrict_feature":
        return {"decision_provision": "DECISION_PROVISION_PARTIAL_SUSPENSION"}
    raise ValueError(f"no statement mapping for action kind {kind!r}")


def _content_type(target_type: str, finding_kind: str, snapshot: dict | None) -> tuple[list[str], str | None]:
    if target_type == "post":
        types = ["CONTENT_TYPE_VIDEO" if (snapshot or {}).get("media_path") else "CONTENT_TYPE_TEXT"]
        if finding_kind in ("unlabelled_ai", "misleading_ai"):
            types.append("CONTENT_TYPE_SYNTHETIC_MEDIA")
        return sorted(types), None
    if target_type == "engagement":
        return ["CONTENT_TYPE_OTHER"], "Engagement (likes, follows, shares)"
    return ["CONTENT_TYPE_OTHER"], "Account"


def build_statement(*, puid: str, action_kind: str, detail: str, target_type: str, finding_kind: str,
                    applied: dt.datetime, content_date: dt.date | None, snapshot: dict | None,
                    facts: str, automated_detection: bool, automated_decision: bool) -> dict:
    keywords, ground = POLICY[finding_kind]
    content_types, other = _content_type(target_type, finding_kind, snapshot)
    body = {
        **_decision_fields(action_kind, detail),
        "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_ground": ground,
        "incompatible_content_explanation": FINDING_KINDS[finding_kind][1][:1].upper()
        + FINDING_KINDS[finding_kind][1][1:] + ".",
        "incompatible_content_illegal": "No",
        "category": S.CATEGORY_ELECTIONS,
        "content_type": content_types,
        "content_date": (content_date or applied.date()).isoformat(),
        "application_date": applied.date().isoformat(),
        "territorial_scope": list(S.TERRITORIAL_SCOPE),
        "decision_facts": facts[:5000],
        "source_type": "SOURCE_VOLUNTARY",
        "automated_detection": "Yes" if automated_detection else "No",
        "automated_decision": "AUTOMATED_DECISION_FULLY" if automated_decision else "AUTOMATED_DECISION_NOT_AUTOMATED",
        "puid": puid,
    }
    if keywords:
        body["category_specification"] = list(keywords)
    additions = sorted({S.KEYWORD_CATEGORY[k] for k in keywords} - {S.CATEGORY_ELECTIONS})
    if additions:
        body["category_addition"] = additions
    if other:
        body["content_type_other"] = other
    acc_type = (snapshot or {}).get("account_type")
    if target_type == "account" and acc_type:
        body["account_type"] = "ACCOUNT_TYPE_PRIVATE" if acc_type == "personal" else "ACCOUNT_TYPE_BUSINESS"
    lang = (snapshot or {}).get("language")
    if target_type == "post" and isinstance(lang, str) and re.fullmatch(r"[a-zA-Z]{2}", lang):
        body["content_language"] = lang.upper()
    return body


def _check_date(v, lo: str) -> str | None:
    if not isinstance(v, str) or not _DATE.match(v):
        return "must be a date YYYY-MM-DD"
    try:
        dt.date.fromisoformat(v)
    except ValueError:
        return "is not a real date"
    if not (lo <= v <= "2038-01-01"):
        return f"must be between {lo} and 2038-01-01"
    return None


def validate_statement(b: dict) -> list[tuple[str, str]]:
    """Problems as (field, message); empty when the database would accept it."""
    p: list[tuple[str, str]] = []

    def enum(field: str, allowed, required=False, many=False):
        v = b.get(field)
        if v is None or v == []:
            if required:
                p.append((field, "is required"))
            return
        vals = v if many else [v]
        if many and not isinstance(v, list):
            p.append((field, "must be a list"))
            return
        bad = [x for x in vals if x not in allowed]
        if bad:
            p.append((field, f"has values not in the database's enum: {bad}"))

    def text(field: str, limit: int, required=False):
        v = b.get(field)
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                p.append((field, "is required"))
            return
        if not isinstance(v, str) or len(v) > limit:
            p.append((field, f"must be text of at most {limit} characters"))

    for f in sorted(set(b) - S.API_FIELDS):
        p.append((f, "is not a statement field"))
    enum("decision_visibility", S.DECISION_VISIBILITY, many=True)
    enum("decision_monetary", S.DECISION_MONETARY)
    enum("decision_provision", S.DECISION_PROVISION)
    enum("decision_account", S.DECISION_ACCOUNT)
    if not any(b.get(f) for f in ("decision_visibility", "decision_monetary", "decision_provision", "decision_account")):
        p.append(("decision_visibility", "at least one of decision_visibility, decision_monetary, "
                                         "decision_provision, decision_account is required"))
    if "DECISION_VISIBILITY_OTHER" in (b.get("decision_visibility") or []):
        text("decision_visibility_other", 500, required=True)
    if b.get("decision_monetary") == "DECISION_MONETARY_OTHER":
        text("decision_monetary_other", 500, required=True)
    enum("account_type", S.ACCOUNT_TYPE)
    enum("decision_ground", S.DECISION_GROUND, required=True)
    if b.get("decision_ground") == "DECISION_GROUND_ILLEGAL_CONTENT":
        text("illegal_content_legal_ground", 500, required=True)
        text("illegal_content_explanation", 2000, required=True)
    if b.get("decision_ground") == "DECISION_GROUND_INCOMPATIBLE_CONTENT":
        text("incompatible_content_ground", 500, required=True)
        text("incompatible_content_explanation", 2000, required=True)
        enum("incompatible_content_illegal", S.YES_NO)
    enum("category", S.CATEGORIES, required=True)
    enum("category_addition", S.CATEGORIES, many=True)
    enum("category_specification", S.KEYWORD_CATEGORY, many=True)
    cats = {b.get("category"), *(b.get("category_addition") or [])}
    for k in b.get("category_specification") or []:
        if k in S.KEYWORD_CATEGORY and S.KEYWORD_CATEGORY[k] not in cats:
            p.append(("category_specification", f"{k} belongs to {S.KEYWORD_CATEGORY[k]}, which is neither the "
                                                "category nor an additional category"))
    enum("content_type", S.CONTENT_TYPE, required=True, many=True)
    if "CONTENT_TYPE_OTHER" in (b.get("content_type") or []):
        text("content_type_other", 500, required=True)
    enum("territorial_scope", S.TERRITORIAL_SCOPE, many=True)
    lang = b.get("content_language")
    if lang is not None and not (isinstance(lang, str) and re.fullmatch(r"[A-Z]{2}", lang)):
        p.append(("content_language", "must be an upper-case ISO 639-1 code"))
    for f, lo in (("content_date", "2000-01-01"), ("application_date", "2020-01-01")):
        if b.get(f) is None:
            p.append((f, "is required"))
        elif (msg := _check_date(b[f], lo)) is not None:
            p.append((f, msg))
    text("decision_facts", 5000, required=True)
    enum("source_type", S.SOURCE_TYPE, required=True)
    text("source_identity", 500)
    enum("automated_detection", S.AUTOMATED_DETECTION, required=True)
    enum("automated_decision", S.AUTOMATED_DECISION, required=True)
    text("puid", 500, required=True)
    return p


@dataclass
class SorExport:
    statements: int
    batches: list[Path]
    csv: Path


def _csv_value(v) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return json.dumps(v)
    return str(v)


def export_statements(store, actor: Actor, out_dir: Path, platform_name: str = "civicshield",
                      include_exported: bool = False) -> SorExport:
    """Validate every pending statement, then write batches and the CSV.
    Nothing is written, and nothing marked exported, if any statement fails."""
    require(actor, "sor.export")
    out_dir = Path(out_dir)
    with store.session() as s:
        q = sa.select(Statement).order_by(Statement.id)
        if not include_exported:
            q = q.where(Statement.exported_at.is_(None))
        rows = list(s.execute(q).scalars())
        problems = [(r.puid, f, m) for r in rows for f, m in validate_statement(r.body)]
        seen: set[str] = set()
        for r in rows:
            if r.puid in seen:
                problems.append((r.puid, "puid", "duplicate puid in this export"))
            seen.add(r.puid)
        if problems:
            raise SorValidationError(problems)
        out_dir.mkdir(parents=True, exist_ok=True)
        batches = []
        for i in range(0, len(rows), S.MAX_PER_BATCH):
            path = out_dir / f"sor-batch-{i // S.MAX_PER_BATCH + 1:04d}.json"
            payload = {"statements": [r.body for r in rows[i : i + S.MAX_PER_BATCH]]}
            path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
            batches.append(path)
        csv_path = out_dir / "statements.csv"
        with csv_path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(S.CSV_COLUMNS)
            for r in rows:
                extra = {"platform_name": platform_name, "platform_uid": r.puid,
                         "created_at": r.created_at.strftime("%Y-%m-%d %H:%M:%S")}
                w.writerow([_csv_value(extra.get(c, r.body.get(c))) for c in S.CSV_COLUMNS])
        now = utcnow()
        for r in rows:
            r.exported_at = now
        files = [*batches, csv_path]
        audit.record(s, actor, "sor.exported", "sor", {
            "statements": len(rows),
            "files": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files},
        })
    return SorExport(len(rows), batches, csv_path)
