"""Enforcement and response-time figures, as plain data.

Counts come from the case store's actions in force that were applied inside
the period (an action reversed on appeal no longer counts); the event store
only supplies what the case store does not hold (signup attempts, when a
post was made, when it was reported, where an account is registered).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from civicshield.report.period import Period

# Account-ban finding kinds that mean "fake account" in a platform's report
# (impersonators and spam sign-ups are reported on their own lines).
FAKE_ACCOUNT_KINDS = ("coordinated_network", "offplatform_recruitment", "fake_engagement", "batch_created",
                      "sleeper_activation", "recidivism")

# figure name -> (action kind, detail or None for any, finding kinds or None for any, engagement verb)
_COUNTED = {
    "fake_likes_removed": ("strip_engagement", None, None, "like"),
    "fake_followers_removed": ("strip_engagement", None, None, "follow"),
    "fake_shares_removed": ("strip_engagement", None, None, "share"),
    "fake_accounts_removed": ("ban_account", None, FAKE_ACCOUNT_KINDS, None),
    "spam_accounts_removed_after_creation": ("ban_account", None, ("spam_signup",), None),
    "impersonators_banned": ("ban_account", None, ("impersonation",), None),
    "ai_media_labelled": ("label_post", "ai_generated", None, None),
    "misleading_ai_media_removed": ("remove_post", None, ("misleading_ai",), None),
    "election_content_labelled": ("label_post", "election_info", None, None),
    "political_ads_removed": ("remove_post", None, ("political_ad",), None),
    "undisclosed_paid_promotions_removed": ("remove_post", None, ("undisclosed_paid_promotion",), None),
    "election_misinformation_removed": ("remove_post", None, ("election_misinformation",), None),
    "state_media_accounts_labelled": ("label_account", "state_affiliated", None, None),
    "state_media_posts_labelled": ("label_post", "state_affiliated", None, None),
}
ENFORCEMENT_FIGURES = ("fake_engagements_prevented", "spam_signups_prevented", *_COUNTED,
                       "spam_accounts_blocked_at_creation")


def _verb(action: dict) -> str | None:
    return action["target_id"].split("|")[1] if action["target_type"] == "engagement" else None


def _account_of(action: dict, post_authors: dict[str, str]) -> str | None:
    if action["target_type"] == "account":
        return action["target_id"]
    if action["target_type"] == "engagement":
        return action["target_id"].split("|")[0]
    return post_authors.get(action["target_id"])


def in_country(events, actions: list[dict], country: str | None) -> list[dict]:
    """Actions on accounts registered in ``country`` (posts: their author's;
    engagements: the acting account's).  ``None`` keeps everything."""
    if not country:
        return actions
    reg = dict(events.rows("SELECT account_id, registration_country FROM accounts"))
    posts = [a["target_id"] for a in actions if a["target_type"] == "post"]
    authors = dict(events.rows("SELECT post_id, account_id FROM posts WHERE post_id IN (SELECT UNNEST(?::VARCHAR[]))",
                               [posts])) if posts else {}
    return [a for a in actions if reg.get(_account_of(a, authors)) == country]


def enforcement(events, actions: list[dict], period: Period, country: str | None = None,
                prevented: dict | None = None) -> dict:
    """Figure name -> count; ``None`` means not measured.

    ``prevented`` is the gate's ``transparency_figures(...)["prevented"]``
    (enforced blocks and challenges per endpoint).  The gate counts likes,
    follows and shares on one endpoint and keeps no timestamps, so those two
    lines are "since the gate's counters started", not per period or verb."""
    out: dict[str, int | None] = {}
    out["fake_engagements_prevented"] = prevented.get("engagement", 0) if prevented is not None else None
    out["spam_signups_prevented"] = prevented.get("signup", 0) if prevented is not None else None
    for name, (kind, detail, kinds, verb) in _COUNTED.items():
        out[name] = sum(1 for a in actions if a["kind"] == kind and (detail is None or a["detail"] == detail)
                        and (kinds is None or a["finding_kind"] in kinds) and (verb is None or _verb(a) == verb))
    if events.has("signups"):
        lo, hi = period.naive_bounds
        sql = ("SELECT count(*) FROM signups WHERE coalesce(account_id, '') = '' AND created_at >= ? AND created_at < ?"
               + (" AND country = ?" if country else ""))
        out["spam_accounts_blocked_at_creation"] = events.rows(sql, [lo, hi, *([country] if country else [])])[0][0]
    else:
        out["spam_accounts_blocked_at_creation"] = None
    return out


def _naive(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.UTC).replace(tzinfo=None) if t.tzinfo else t


def response_times(events, actions: list[dict]) -> list[dict]:
    """Per finding kind of removed posts and banned accounts: how many, the
    share acted on before any report (proactive), and for posts the share
    removed within 24 hours of being posted."""
    posts = sorted({a["target_id"] for a in actions if a["kind"] == "remove_post"})
    accounts = sorted({a["target_id"] for a in actions if a["kind"] == "ban_account"})
    created = dict(events.rows("SELECT post_id, created_at FROM posts WHERE post_id IN (SELECT UNNEST(?::VARCHAR[]))",
                               [posts])) if posts else {}
    reports: dict[tuple[str, str], list[dt.datetime]] = defaultdict(list)
    if events.has("reports"):
        for kind, target, at in events.rows(
                "SELECT target_kind, target_id, created_at FROM reports WHERE target_id IN (SELECT UNNEST(?::VARCHAR[]))",
                [posts + accounts]):
            reports[(kind, target)].append(at)
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for a in actions:
        if a["kind"] in ("remove_post", "ban_account"):
            groups[(a["target_type"], a["finding_kind"])].append(a)
    rows = []
    for (ttype, fkind), acts in sorted(groups.items()):
        proactive = sum(1 for a in acts if not any(r <= _naive(a["at"]) for r in reports.get((ttype, a["target_id"]), ())))
        row = {"target": ttype, "finding_kind": fkind, "actions": len(acts), "proactive": proactive,
               "proactive_rate": proactive / len(acts), "within_24h": None, "within_24h_rate": None}
        if ttype == "post":
            fast = sum(1 for a in acts if a["target_id"] in created
                       and _naive(a["at"]) - created[a["target_id"]] <= dt.timedelta(hours=24))
            row["within_24h"], row["within_24h_rate"] = fast, fast / len(acts)
        rows.append(row)
    return rows
