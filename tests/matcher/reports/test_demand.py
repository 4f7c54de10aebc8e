"""Demand by purpose over hand-made trips whose every figure is known."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from matcher.models import NeedPurpose
from matcher.models import PlaceKind
from matcher.models import TripDirection
from matcher.models import TripStatus
from matcher.reports.demand import Grouping
from matcher.reports.demand import by_purpose
from matcher.reports.demand import demand
from matcher.reports.facts import NOT_PUBLISHED
from matcher.reports.facts import trip_facts
from matcher.reports.periods import PeriodKind
from matcher.reports.periods import period_of
from tests.factories import make_place
from tests.factories import make_published_route
from tests.factories import make_trip

DAY = dt.date(2026, 6, 2)
WEEK = period_of(PeriodKind.WEEK, DAY)


def district_day(session):
    """6 job riders and 2 interns served, 7 course riders unserved, on one published day."""
    jobs = [make_trip(session, day=DAY) for _ in range(6)]
    interns = [make_trip(session, day=DAY, purpose=NeedPurpose.INTERNSHIP) for _ in range(2)]
    route = make_published_route(session, day=DAY, trips=jobs + interns)
    for _ in range(7):
        make_trip(
            session,
            day=DAY,
            purpose=NeedPurpose.COURSE,
            status=TripStatus.UNSERVED,
            unserved_reason="no_vehicle_in_time",
        )
    # Not counted: cancelled, and outside the week.
    make_trip(session, day=DAY, status=TripStatus.CANCELLED)
    make_trip(session, day=DAY + dt.timedelta(days=7))
    session.flush()
    return route


def test_facts_say_served_and_why_not(session):
    district_day(session)
    unpublished = make_trip(session, day=DAY + dt.timedelta(days=1))
    session.flush()
    facts = trip_facts(WEEK, dialect=session.get_bind().dialect.name)
    rows = session.execute(sa.select(facts.c.trip_id, facts.c.served, facts.c.reason)).all()
    assert len(rows) == 16
    by_reason = {}
    for _, served, reason in rows:
        by_reason[(served, reason)] = by_reason.get((served, reason), 0) + 1
    assert by_reason == {(1, None): 8, (0, "no_vehicle_in_time"): 7, (0, NOT_PUBLISHED): 1}
    assert (unpublished.id, 0, NOT_PUBLISHED) in [tuple(r) for r in rows]


def test_by_purpose_hides_the_two_interns_and_what_would_give_them_away(session):
    district_day(session)
    table = by_purpose(session, WEEK)
    rows = {row.key: row for row in table.rows}
    assert rows[NeedPurpose.COURSE].requested == 7 and rows[NeedPurpose.COURSE].unserved == 7
    assert rows[NeedPurpose.COURSE].served == 0 and rows[NeedPurpose.COURSE].people == 7
    # Two interns: hidden; the job row (6, the smallest other) goes with them, in both
    # the row totals and the 'served' column.
    assert rows[NeedPurpose.INTERNSHIP].requested is None
    assert rows[NeedPurpose.INTERNSHIP].served is None
    assert rows[NeedPurpose.JOB].requested is None and rows[NeedPurpose.JOB].served is None
    assert rows[NeedPurpose.SHIFT_WORK].requested == 0
    assert table.total is not None
    assert (table.total.people, table.total.requested, table.total.served) == (15, 15, 8)
    assert table.total.unserved == 7


def test_an_empty_period_shows_zeros_and_a_zero_total(session):
    district_day(session)
    table = by_purpose(session, period_of(PeriodKind.WEEK, DAY + dt.timedelta(days=21)))
    assert all(row.requested == 0 and row.served == 0 for row in table.rows)
    assert table.total is not None and table.total.requested == 0


def test_by_home_area_counts_a_way_back_where_the_rider_lives(session):
    day = DAY + dt.timedelta(days=2)  # no published plan: everything unserved
    for _ in range(7):
        make_trip(session, day=day)  # from a village in Lüchow
    for _ in range(6):
        make_trip(session, day=day, origin=make_place(session, municipality="Dannenberg"))
    for _ in range(3):
        make_trip(
            session,
            day=day,
            direction=TripDirection.RETURN,
            origin=make_place(session, kind=PlaceKind.EMPLOYER, municipality="Gartow"),
            destination=make_place(session, municipality="Hitzacker"),
        )
    session.flush()
    table = demand(session, WEEK, Grouping.HOME)
    rows = {row.key: row for row in table.rows}
    assert [row.key for row in table.rows] == ["Lüchow", "Dannenberg", "Hitzacker"]
    assert (rows["Lüchow"].requested, rows["Lüchow"].served, rows["Lüchow"].unserved) == (7, 0, 7)
    # Three in Hitzacker: hidden, and Dannenberg with them (row and 'unserved' column).
    assert rows["Hitzacker"].requested is None and rows["Hitzacker"].unserved is None
    assert rows["Dannenberg"].requested is None and rows["Dannenberg"].unserved is None
    assert rows["Dannenberg"].served == 0
    assert table.total is not None and (table.total.requested, table.total.unserved) == (16, 16)
    destinations = {row.key for row in demand(session, WEEK, Grouping.DESTINATION).rows}
    assert "Gartow" in destinations and "Hitzacker" not in destinations
