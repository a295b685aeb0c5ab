"""The reporting period: ``2024-09-01..2024-11-24``, both days included."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from civicshield.errors import ParameterError


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def parse(cls, text: str) -> Period:
        parts = (text or "").split("..")
        try:
            if len(parts) != 2:
                raise ValueError
            start, end = (dt.date.fromisoformat(p.strip()) for p in parts)
        except ValueError:
            raise ParameterError(f"The 'period' parameter must be FROM..TO with ISO dates (2024-09-01..2024-11-24). "
                                 f"Got {text!r} instead.") from None
        if end < start:
            raise ParameterError(f"The 'period' parameter must end on or after its start. Got {text!r} instead.")
        return cls(start, end)

    @property
    def naive_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """``[start, end)`` as naive UTC, the event store's convention."""
        return dt.datetime.combine(self.start, dt.time()), dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time())

    @property
    def aware_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """``[start, end)`` as aware UTC, the case store's convention."""
        a, b = self.naive_bounds
        return a.replace(tzinfo=dt.UTC), b.replace(tzinfo=dt.UTC)

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"
