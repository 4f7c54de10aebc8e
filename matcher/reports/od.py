"""Where people live and where they go: rides by home area and destination area."""

from __future__ import annotations

from sqlalchemy.orm import Session

from matcher.models import NeedPurpose
from matcher.reports.crosstab import CrossTable
from matcher.reports.crosstab import crosstab
from matcher.reports.facts import facts_of
from matcher.reports.periods import Period


def origin_destination(
    session: Session,
    period: Period,
    *,
    purpose: NeedPurpose | None = None,
    municipality: str | None = None,
    unserved_only: bool = False,
) -> CrossTable:
    """Rows: the home area; columns: the destination area; a way back counts like the way there."""
    facts = facts_of(session, period, purpose=purpose, municipality=municipality)
    return crosstab(
        session,
        facts,
        facts.c.home_area,
        facts.c.away_area,
        where=(facts.c.served == 0) if unserved_only else None,
    )
