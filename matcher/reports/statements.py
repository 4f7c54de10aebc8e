"""A volunteer's statement for a month: each day driven with rides, hours and kilometres.

For mileage reimbursement and the volunteer card (Ehrenamtskarte) that asks
for hours given. It counts what the volunteer figures count: routes of
published plans the driver did not decline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.errors import N_
from matcher.models import DayPlan
from matcher.models import PlanStatus
from matcher.models import Route
from matcher.models import RouteStatus
from matcher.models import Stop
from matcher.models import StopKind
from matcher.models.common import fail


@dataclass(frozen=True)
class StatementDay:
    """One day driven: its rides, when the route started and ended, the planned distance."""

    day: dt.date
    rides: int
    start_at: dt.datetime | None
    end_at: dt.datetime | None
    metres: int

    @property
    def seconds(self) -> int:
        """Time given that day, from the route's start to its end."""
        if self.start_at is None or self.end_at is None:
            return 0
        return int((self.end_at - self.start_at).total_seconds())


@dataclass(frozen=True)
class Statement:
    """The month's days driven and their sums."""

    driver_id: int
    month: dt.date
    days: list[StatementDay]

    @property
    def rides(self) -> int:
        """Riders picked up in the month."""
        return sum(day.rides for day in self.days)

    @property
    def seconds(self) -> int:
        """Time given in the month."""
        return sum(day.seconds for day in self.days)

    @property
    def metres(self) -> int:
        """Planned distance driven in the month."""
        return sum(day.metres for day in self.days)


def parse_month(text: str | None, today: dt.date) -> dt.date:
    """``2026-11`` -> 1 November 2026; nothing -> this month; a month to come is refused."""
    if not text:
        return month_of(today)
    try:
        first = dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        fail(N_("Please choose a month such as 2026-11."), "month")
    if first > today:
        fail(N_("A statement covers months driven, not months to come."), "month")
    return first


def month_of(day: dt.date) -> dt.date:
    """The first day of ``day``'s month, the key of a statement."""
    return day.replace(day=1)


def _month_end(first: dt.date) -> dt.date:
    year, month = divmod(first.month, 12)
    return dt.date(first.year + year, month + 1, 1) - dt.timedelta(days=1)


def driver_statement(session: Session, driver_id: int, month: dt.date, today: dt.date) -> Statement:
    """The statement of ``driver_id`` for the month that holds ``month``, up to ``today``.

    Days still to come are not in it: a statement states what was driven.
    """
    first = month_of(month)
    rides = (
        sa.select(sa.func.count())
        .where(Stop.route_id == Route.id, Stop.kind == StopKind.PICKUP)
        .scalar_subquery()
    )
    rows = session.execute(
        sa.select(DayPlan.day, rides, Route.start_at, Route.end_at, Route.distance_m)
        .join(DayPlan, DayPlan.id == Route.plan_id)
        .where(Route.driver_id == driver_id, DayPlan.status == PlanStatus.PUBLISHED)
        .where(Route.status != RouteStatus.DECLINED)
        .where(DayPlan.day.between(first, min(_month_end(first), today)))
        .order_by(DayPlan.day)
    ).all()
    days = [
        StatementDay(day, int(n), start, end, int(metres or 0))
        for day, n, start, end, metres in rows
    ]
    return Statement(driver_id, first, days)
