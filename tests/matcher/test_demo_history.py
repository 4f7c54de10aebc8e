"""A made-up past of the demo district: published days whose figures the reports read back."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from matcher.clock import BERLIN
from matcher.demo import load_demo
from matcher.demo.history import add_history
from matcher.models import DayPlan
from matcher.models import PlanStatus
from matcher.models import Route
from matcher.models import RouteStatus
from matcher.models import Stop
from matcher.models import StopKind
from matcher.models import Trip
from matcher.models import TripStatus
from matcher.reports.periods import custom_period
from matcher.reports.report import ReportFilter
from matcher.reports.report import district_report
from matcher.settings import Settings

TODAY = dt.date(2026, 3, 25)
FIRST, LAST = dt.date(2026, 3, 2), dt.date(2026, 3, 15)


def test_two_weeks_of_history_are_published_days_the_reports_count(session) -> None:  # type: ignore[no-untyped-def]
    load_demo(session, seed=7, today=TODAY)
    made = add_history(session, FIRST, LAST, Settings(), seed=3)
    assert made.days == 14 and made.trips > 200 and made.routes > 0
    published = session.scalar(
        sa.select(sa.func.count()).where(DayPlan.status == PlanStatus.PUBLISHED)
    )
    assert published == made.plans >= 10
    counted = sa.select(sa.func.count()).select_from(Trip).where(Trip.day.between(FIRST, LAST))
    trips = session.scalar(counted.where(Trip.status != TripStatus.CANCELLED))
    on_driven_routes = session.scalar(
        sa.select(sa.func.count())
        .select_from(Stop)
        .join(Route, Route.id == Stop.route_id)
        .where(Stop.kind == StopKind.PICKUP, Route.status != RouteStatus.DECLINED)
    )
    # Every served trip was planned on a route the driver kept; every other one has a reason.
    assert session.scalar(counted.where(Trip.status == TripStatus.PLANNED)) == on_driven_routes
    unserved = counted.where(Trip.status == TripStatus.UNSERVED, Trip.unserved_reason.is_(None))
    assert session.scalar(unserved) == 0
    report = district_report(session, ReportFilter(custom_period(FIRST, LAST)), BERLIN)
    total = report.demand.by_purpose.total
    assert total is not None and total.requested == trips
    assert total.served == on_driven_routes
    assert report.volunteers.shown and report.volunteers.hours > 0
