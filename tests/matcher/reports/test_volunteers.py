"""Volunteer figures and a driver's monthly statement over hand-made routes."""

from __future__ import annotations

import datetime as dt

from matcher.clock import local_instant
from matcher.models import RouteStatus
from matcher.reports.periods import PeriodKind
from matcher.reports.periods import period_of
from matcher.reports.statements import driver_statement
from matcher.reports.volunteers import volunteer_figures
from tests.factories import make_driver
from tests.factories import make_plan
from tests.factories import make_published_route
from tests.factories import make_route
from tests.factories import make_trip

TUESDAY = dt.date(2026, 6, 2)
WEEK = period_of(PeriodKind.WEEK, TUESDAY)


def answer(route, status):
    route.status = status
    route.responded_at = local_instant(TUESDAY - dt.timedelta(days=1), dt.time(18, 0))


def ten_drivers(session):
    """Ten drivers on Tuesday: one with 6 rides, one with 4, eight with 1; one declined with 3."""
    first = make_published_route(session, riders=6)
    plan = first.plan
    answer(first, RouteStatus.CONFIRMED)
    second = make_route(session, plan, [make_trip(session) for _ in range(4)])
    answer(second, RouteStatus.CONFIRMED)
    for _ in range(8):
        make_route(session, plan, [make_trip(session)])
    declined = make_route(session, plan, [make_trip(session) for _ in range(3)])
    answer(declined, RouteStatus.DECLINED)
    # Not counted: a draft plan of the same day.
    make_route(session, make_plan(session, version=2), [make_trip(session)])
    session.flush()
    return first, second


def test_volunteer_figures(session):
    ten_drivers(session)
    figures = volunteer_figures(session, WEEK)
    assert figures.shown and figures.drivers == 10
    assert figures.rides == 18 and figures.riders == 18
    assert abs(figures.riders_per_driver - 1.8) < 1e-9
    # The factory's route: 20 minutes per stop after the start, 1 km per stop.
    # 6 rides: 13 legs, 4 rides: 9 legs, eight of 1 ride: 3 legs each.
    assert abs(figures.hours - (13 + 9 + 8 * 3) * 20 / 60) < 1e-9
    assert abs(figures.kilometres - (14 + 10 + 8 * 4)) < 1e-9
    assert figures.routes == 11
    assert figures.confirmed_share == 2 / 11 and figures.declined_share == 1 / 11
    # The busiest fifth: two of ten drivers, with 6 and 4 of the 18 rides.
    assert figures.busiest_fifth_share == 10 / 18


def test_fewer_than_five_drivers_show_nothing_but_their_number(session):
    make_published_route(session, riders=2)
    figures = volunteer_figures(session, WEEK)
    assert figures.drivers == 1 and not figures.shown and figures.rides == 0
    empty = volunteer_figures(session, period_of(PeriodKind.WEEK, TUESDAY + dt.timedelta(days=28)))
    assert empty.drivers == 0 and not empty.shown


def test_a_drivers_statement_lists_the_days_driven_up_to_today(session):
    driver = make_driver(session)
    june = [TUESDAY, TUESDAY + dt.timedelta(days=2), TUESDAY + dt.timedelta(days=20)]
    routes = [
        make_published_route(session, day=day, driver=driver, riders=riders)
        for day, riders in zip(june, (2, 3, 1), strict=True)
    ]
    declined = make_published_route(session, day=TUESDAY + dt.timedelta(days=1), driver=driver)
    answer(declined, RouteStatus.DECLINED)
    make_published_route(session, day=dt.date(2026, 7, 1), driver=driver)  # next month
    make_route(session, routes[0].plan, [make_trip(session)])  # another driver
    session.flush()
    statement = driver_statement(session, driver.id, TUESDAY, today=TUESDAY + dt.timedelta(days=10))
    assert statement.month == dt.date(2026, 6, 1)
    assert [day.day for day in statement.days] == june[:2]  # the 22nd is still to come
    assert [day.rides for day in statement.days] == [2, 3] and statement.rides == 5
    assert statement.seconds == (5 + 7) * 20 * 60
    assert statement.metres == (6 + 8) * 1000
    empty = driver_statement(session, driver.id, dt.date(2026, 5, 5), today=TUESDAY)
    assert empty.days == [] and empty.rides == 0 and empty.seconds == 0
