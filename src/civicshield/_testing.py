"""Small builders shared by the test suite, benchmarks and notebooks."""

from __future__ import annotations

import datetime as dt

from civicshield.election import Candidate, Election, Party


def ro_election(**over) -> Election:
    """A small Romanian-style election used by unit tests."""
    base = dict(
        id="ro-2024-presidential",
        country="RO",
        name="Romanian presidential election 2024",
        rounds=(dt.date(2024, 11, 24), dt.date(2024, 12, 8)),
        watch_from=dt.date(2024, 9, 1),
        authority_name="Permanent Electoral Authority",
        authority_url="https://www.roaep.ro/",
        languages=("ro", "hu"),
        keywords=("alegeri", "prezidențiale", "vot", "candidat", "turul"),
        candidates=(
            Candidate(id="cand-georgescu", name="Călin Georgescu", aliases=("Georgescu", "Calin Georgescu"),
                      party="independent", official_account_ids=("a1029",)),
            Candidate(id="cand-lasconi", name="Elena Lasconi", aliases=("Lasconi",), party="usr",
                      official_account_ids=("a2044",)),
        ),
        parties=(Party(id="psd", name="Partidul Social Democrat", aliases=("PSD",)),),
    )
    base.update(over)
    return Election(**base)
