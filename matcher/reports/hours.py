"""When rides are wanted: by weekday and the local hour the rider named (shift times show)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from matcher.models import NeedPurpose
from matcher.reports.crosstab import CrossTable
from matcher.reports.crosstab import crosstab
from matcher.reports.facts import facts_of
from matcher.reports.periods import Period

WEEKDAYS = list(range(1, 8))
HOURS = list(range(24))


def by_weekday_and_hour(
    session: Session,
    period: Period,
    tz: dt.tzinfo,
    *,
    purpose: NeedPurpose | None = None,
    municipality: str | None = None,
    unserved_only: bool = False,
) -> CrossTable:
    """Rows: ISO weekday 1 (Monday) to 7; columns: hour 0-23 of the arrival or pick-up wished.

    The hour is taken on the local clock of the trip's own instant, so a week
    in which the clocks change still puts a 05:30 shift start at 5.
    """
    facts = facts_of(session, period, purpose=purpose, municipality=municipality, tz=tz)
    return crosstab(
        session,
        facts,
        facts.c.weekday,
        facts.c.wish_hour,
        where=(facts.c.served == 0) if unserved_only else None,
        rows=WEEKDAYS,
        columns=HOURS,
    )
