"""How urgent a case is and which reviewers see it.

priority = 100 x severity x reach factor x proximity factor, in [0, 100]:

- severity: the worst finding kind in the case (table below);
- reach factor: 0.4 + 0.6 x min(1, log10(1 + reach) / 7), where reach is the
  accounts' followers plus the posts' views (10 million saturates);
- proximity factor: 0.5 + 0.5 x 1 / (1 + d / 7), d = days between the case's
  latest activity (or the ``now`` given to intake) and the nearest round.

The queue is ``<family>-<language>``: the family of the worst kind and the
language most of the case's posts (else accounts) are in, so Romanian
content lands with Romanian-speaking reviewers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable

SEVERITY: dict[str, float] = {
    "coordinated_network": 1.0,
    "misleading_ai": 0.95,
    "impersonation": 0.9,
    "election_misinformation": 0.85,
    "offplatform_recruitment": 0.85,
    "recidivism": 0.8,
    "undisclosed_paid_promotion": 0.7,
    "fake_engagement": 0.7,
    "state_media_foreign": 0.6,
    "sleeper_activation": 0.6,
    "batch_created": 0.6,
    "political_ad": 0.5,
    "unlabelled_ai": 0.5,
    "spam_signup": 0.4,
    "election_content": 0.2,
    # not a finding kind: a case opened from an authority's lead (cases/requests.py)
    "authority_lead": 0.8,
}

FAMILY: dict[str, str] = {
    "coordinated_network": "network",
    "offplatform_recruitment": "network",
    "recidivism": "network",
    "fake_engagement": "engagement",
    "sleeper_activation": "engagement",
    "batch_created": "engagement",
    "spam_signup": "engagement",
    "impersonation": "content",
    "undisclosed_paid_promotion": "content",
    "unlabelled_ai": "content",
    "misleading_ai": "content",
    "political_ad": "content",
    "election_content": "content",
    "state_media_foreign": "content",
    "election_misinformation": "content",
    "authority_lead": "authority",
}


def worst_kind(kinds: Iterable[str]) -> str:
    return max(kinds, key=lambda k: (SEVERITY.get(k, 0.5), k))


def proximity(ref: dt.datetime | None, rounds: Iterable[dt.date]) -> float:
    if ref is None:
        return 0.0
    days = min(abs((ref.date() - r).days) for r in rounds)
    return 1.0 / (1.0 + days / 7.0)


def priority(severity: float, reach: int, prox: float) -> float:
    reach_factor = 0.4 + 0.6 * min(1.0, math.log10(1 + max(reach, 0)) / 7.0)
    return round(100.0 * severity * reach_factor * (0.5 + 0.5 * prox), 2)


def majority_language(post_langs: Iterable[str | None], account_langs: Iterable[str | None]) -> str:
    for langs in (post_langs, account_langs):
        counts = Counter(lang.lower() for lang in langs if lang)
        if counts:
            return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return "und"


def queue_name(kind: str, language: str) -> str:
    return f"{FAMILY.get(kind, 'content')}-{language}"
