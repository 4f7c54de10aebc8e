"""Service over time, regular riders and extra ride time over hand-made trips."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from matcher.models import NeedPurpose
from matcher.models import Trip
from matcher.models import TripStatus
from matcher.reports.periods import PeriodKind
from matcher.reports.periods import period_of
from matcher.reports.service import ReasonGroup
from matcher.reports.service import extra_ride_time
from matcher.reports.service import regular_riders
from matcher.reports.service import service_over_time
from tests.factories import make_published_route
from tests.factories import make_trip

TUESDAY = dt.date(2026, 6, 2)
WEDNESDAY = TUESDAY + dt.timedelta(days=1)
WEEK = period_of(PeriodKind.WEEK, TUESDAY)


def unserved(session, reason, count, day=TUESDAY, **kw):
    return [
        make_trip(session, day=day, status=TripStatus.UNSERVED, unserved_reason=reason, **kw)
        for _ in range(count)
    ]


def week(session):
    """Tuesday: 6 served (direct 15 min, one 19), 7 without a driver, 2 too long; Wednesday 5."""
    served = [make_trip(session, day=TUESDAY, direct_seconds=15 * 60) for _ in range(5)]
    served.append(make_trip(session, day=TUESDAY, direct_seconds=19 * 60))
    make_published_route(session, day=TUESDAY, trips=served)
    unserved(session, "no_vehicle_in_time", 4, purpose=NeedPurpose.COURSE)
    unserved(session, "driver_cap", 3, purpose=NeedPurpose.COURSE)
    unserved(session, "ride_time_exceeded", 2)
    for _ in range(5):
        make_trip(session, day=WEDNESDAY)  # no plan published for Wednesday
    session.flush()


def test_service_by_day_groups_the_reasons_and_hides_the_two_with_a_partner(session):
    week(session)
    series = service_over_time(session, WEEK)
    assert [p.first for p in series.points] == [WEEK.first + dt.timedelta(days=i) for i in range(7)]
    assert series.groups == [
        ReasonGroup.NO_DRIVER,
        ReasonGroup.RIDE_TIME,
        ReasonGroup.NOT_PUBLISHED,
    ]
    tuesday, wednesday = series.points[1], series.points[2]
    assert tuesday.requested == 15
    # Two riders whose ride would be too long: hidden, and the served six with them (the
    # smallest other cell of Tuesday); the served column total goes too, as Tuesday was
    # its only non-empty day.
    assert tuesday.unserved[ReasonGroup.RIDE_TIME] is None and tuesday.served is None
    assert tuesday.unserved[ReasonGroup.NO_DRIVER] == 7  # no vehicle in time and caps
    assert wednesday.requested == 5 and wednesday.unserved[ReasonGroup.NOT_PUBLISHED] == 5
    assert series.points[0].requested == 0 and series.points[0].served == 0
    assert series.total is not None and series.total.requested == 20
    assert series.total.served is None and series.total.unserved[ReasonGroup.NO_DRIVER] == 7


def test_service_over_a_quarter_is_cut_by_week(session):
    week(session)
    series = service_over_time(session, period_of(PeriodKind.QUARTER, TUESDAY))
    assert len(series.points) == 14  # 1 April (Wednesday) to 30 June (Tuesday)
    june_week = next(p for p in series.points if p.first <= TUESDAY <= p.last)
    assert (june_week.first, june_week.last) == (WEEK.first, WEEK.last)
    assert june_week.requested == 20


def test_service_filtered_by_purpose(session):
    week(session)
    series = service_over_time(session, WEEK, purpose=NeedPurpose.COURSE)
    assert series.groups == [ReasonGroup.NO_DRIVER]
    assert series.points[1].requested == 7 and series.points[1].served == 0


def test_extra_ride_time_of_the_served(session):
    week(session)
    extra = extra_ride_time(session, WEEK)
    # The factory's rides take 19 minutes: five 4 minutes longer than direct, one not.
    assert extra.rides == 6
    assert extra.mean_minutes is not None and abs(extra.mean_minutes - 20 / 6) < 1e-9
    assert extra.max_minutes == 4
    assert extra_ride_time(session, WEEK, purpose=NeedPurpose.INTERNSHIP).mean_minutes is None


def test_riders_served_on_nine_of_ten_days_count_as_regular(session):
    days = [dt.date(2026, 6, 1) + dt.timedelta(days=i) for i in range(14) if i % 7 < 5]
    riders = [make_trip(session, day=days[0]).rider for _ in range(10)]
    for index, day in enumerate(days):
        served = []
        for number, rider in enumerate(riders):
            missed = index < (1 if number < 5 else 2)  # first five miss one day, others two
            if index == 0:
                trip = next(t for t in rider_trips(session, rider) if t.day == day)
            else:
                trip = make_trip(session, day=day, rider=rider)
            if missed:
                trip.status, trip.unserved_reason = TripStatus.UNSERVED, "conflict"
            else:
                served.append(trip)
        make_published_route(session, day=day, trips=served)
    session.flush()
    figures = regular_riders(session, period_of(PeriodKind.MONTH, days[0]))
    assert (figures.riders, figures.regular, figures.irregular) == (10, 5, 5)
    one_week = regular_riders(session, period_of(PeriodKind.WEEK, days[0]))
    # In the first week alone nobody reached 90 %: ten irregular, no regular shown as 0.
    assert (one_week.riders, one_week.regular, one_week.irregular) == (10, 0, 10)


def rider_trips(session, rider):
    return session.scalars(sa.select(Trip).where(Trip.rider_id == rider.id)).all()


def test_an_empty_period_has_no_riders_and_no_extra_time(session):
    period = period_of(PeriodKind.WEEK, TUESDAY + dt.timedelta(days=28))
    assert regular_riders(session, period).riders == 0
    assert extra_ride_time(session, period).rides == 0
    series = service_over_time(session, period)
    assert series.groups == [] and all(p.requested == 0 for p in series.points)
