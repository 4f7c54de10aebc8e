"""Childcare: rides with a daycare stop on the way, and the courses riders cannot reach."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import NeedPurpose
from matcher.models import PlaceKind
from matcher.reports.crosstab import CrossTable
from matcher.reports.crosstab import crosstab
from matcher.reports.facts import facts_of
from matcher.reports.periods import Period

SERVED_COLUMNS = ["served", "unserved"]


def _served(facts: sa.FromClause) -> sa.ColumnElement[str]:
    return sa.case((facts.c.served == 1, "served"), else_="unserved")


def daycare_stops(
    session: Session, period: Period, *, municipality: str | None = None
) -> CrossTable:
    """Rows 'daycare' (a stop at a daycare on the way) and 'direct'; columns served, unserved."""
    facts = facts_of(session, period, municipality=municipality)
    with_stop = sa.case((facts.c.via_id.is_not(None), "daycare"), else_="direct")
    return crosstab(
        session,
        facts,
        with_stop,
        _served(facts),
        rows=["daycare", "direct"],
        columns=SERVED_COLUMNS,
    )


def courses_out_of_reach(
    session: Session, period: Period, *, municipality: str | None = None
) -> CrossTable:
    """Course sites riders named, with their rides served and not, busiest first."""
    facts = facts_of(session, period, purpose=NeedPurpose.COURSE, municipality=municipality)
    return crosstab(
        session,
        facts,
        facts.c.away_name,
        _served(facts),
        where=facts.c.away_kind == PlaceKind.COURSE_SITE,
        columns=SERVED_COLUMNS,
    )
