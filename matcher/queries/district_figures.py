"""The district's figures: demand by purpose and place, and how much of it was served per week.

These are the numbers districts report and usually lack: who needs rides for
what, from where, and which share the volunteers could serve.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import NeedStatus
from matcher.models import Place
from matcher.models import RideNeed
from matcher.queries.overview import day_summaries


@dataclass(frozen=True)
class WeekFigures:
    """Requests and served rides in one ISO week (Monday ``start``)."""

    start: dt.date
    requests: int
    served: int

    @property
    def share(self) -> float:
        """Served / requests, 0 without requests."""
        return self.served / self.requests if self.requests else 0.0


@dataclass(frozen=True)
class DistrictFigures:
    """The numbers a district asks for: demand by purpose and place, service per week."""

    needs_by_purpose: list[tuple[str, int]]
    needs_by_municipality: list[tuple[str, int]]
    weeks: list[WeekFigures]


def district_figures(session: Session, last_monday: dt.date, weeks: int) -> DistrictFigures:
    """Active needs by purpose and by the municipality they start in; weekly served share.

    A day counts with its published plan, else its newest version; trips of days
    without a plan count as requested and not served.
    """
    by_purpose = session.execute(
        sa.select(RideNeed.purpose, sa.func.count(RideNeed.id))
        .where(RideNeed.status == NeedStatus.ACTIVE)
        .group_by(RideNeed.purpose)
        .order_by(sa.func.count(RideNeed.id).desc())
    ).all()
    area = sa.func.coalesce(Place.municipality, Place.name)
    by_place = session.execute(
        sa.select(area, sa.func.count(RideNeed.id))
        .join(Place, Place.id == RideNeed.origin_id)
        .where(RideNeed.status == NeedStatus.ACTIVE)
        .group_by(area)
        .order_by(sa.func.count(RideNeed.id).desc(), area)
    ).all()
    first = last_monday - dt.timedelta(weeks=weeks - 1)
    summaries = day_summaries_made(session, first, last_monday + dt.timedelta(days=6))
    week_rows = []
    for n in range(weeks):
        start = first + dt.timedelta(weeks=n)
        days = [summaries[start + dt.timedelta(days=d)] for d in range(7)]
        week_rows.append(WeekFigures(start, sum(r for r, _ in days), sum(s for _, s in days)))
    return DistrictFigures(
        needs_by_purpose=[(str(p), c) for p, c in by_purpose],
        needs_by_municipality=[(str(m), c) for m, c in by_place],
        weeks=week_rows,
    )


def day_summaries_made(
    session: Session, first_day: dt.date, last_day: dt.date
) -> dict[dt.date, tuple[int, int]]:
    """(trips made, trips served in the counting plan) per day, for past figures."""
    days = (last_day - first_day).days + 1
    rows = day_summaries(session, first_day, days, expected_demand=False)
    return {row.day: (row.trips, row.served) for row in rows}
