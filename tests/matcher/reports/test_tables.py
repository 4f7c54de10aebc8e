"""Origin-destination, weekday x hour, unmet need and childcare over hand-made trips."""

from __future__ import annotations

import datetime as dt

from matcher.clock import BERLIN
from matcher.clock import local_instant
from matcher.models import NeedPurpose
from matcher.models import PlaceKind
from matcher.models import TripDirection
from matcher.models import TripStatus
from matcher.reports.childcare import courses_out_of_reach
from matcher.reports.childcare import daycare_stops
from matcher.reports.hours import by_weekday_and_hour
from matcher.reports.od import origin_destination
from matcher.reports.periods import PeriodKind
from matcher.reports.periods import period_of
from matcher.reports.unmet import UnmetBy
from matcher.reports.unmet import unmet
from tests.factories import make_place
from tests.factories import make_published_route
from tests.factories import make_trip

TUESDAY = dt.date(2026, 6, 2)
WEEK = period_of(PeriodKind.WEEK, TUESDAY)


def trips_between(session, home, away, count, day=TUESDAY, **kw):
    origin = make_place(session, municipality=home)
    destination = make_place(session, kind=PlaceKind.EMPLOYER, municipality=away)
    return [
        make_trip(session, day=day, origin=origin, destination=destination, **kw)
        for _ in range(count)
    ]


def test_origin_destination_hides_two_from_gartow_and_what_gives_them_away(session):
    trips_between(session, "Lüchow", "Dannenberg", 6)
    trips_between(session, "Dannenberg", "Lüchow", 7)
    trips_between(session, "Gartow", "Lüchow", 2)
    session.flush()
    table = origin_destination(session, WEEK)
    assert table.rows == ["Lüchow", "Dannenberg", "Gartow"]  # shown first, hidden by name
    assert table.columns == ["Lüchow", "Dannenberg"]
    assert table.cell("Lüchow", "Dannenberg") == 6 and table.cell("Lüchow", "Lüchow") == 0
    # Gartow -> Lüchow is about two people; Dannenberg -> Lüchow is the only other
    # rider in that column, so it goes too, and with it Dannenberg's row total.
    assert table.cell("Gartow", "Lüchow") is None and table.cell("Dannenberg", "Lüchow") is None
    assert table.row_totals == {"Lüchow": 6, "Dannenberg": None, "Gartow": None}
    assert table.column_totals == {"Lüchow": 9, "Dannenberg": 6}
    assert table.total == 15 and table.people == 15


def test_a_way_back_counts_from_home_to_where_she_comes_back_from(session):
    home = make_place(session, municipality="Hitzacker")
    work = make_place(session, kind=PlaceKind.EMPLOYER, municipality="Gartow")
    for _ in range(5):
        make_trip(session, origin=work, destination=home, direction=TripDirection.RETURN)
    session.flush()
    table = origin_destination(session, WEEK)
    assert table.rows == ["Hitzacker"] and table.columns == ["Gartow"]
    assert table.cell("Hitzacker", "Gartow") == 5


def test_weekday_and_hour_on_the_local_clock_across_the_clock_change(session):
    saturday, sunday = dt.date(2026, 10, 24), dt.date(2026, 10, 25)  # clocks go back Sunday
    monday = dt.date(2026, 10, 19)
    for day in (saturday, sunday):
        for _ in range(5):
            make_trip(
                session,
                day=day,
                earliest_pickup=local_instant(day, dt.time(4, 45)),
                latest_dropoff=local_instant(day, dt.time(5, 30)),
            )
    for _ in range(6):
        make_trip(
            session,
            day=monday,
            direction=TripDirection.RETURN,
            earliest_pickup=local_instant(monday, dt.time(14, 10)),
            latest_dropoff=None,
        )
    session.flush()
    table = by_weekday_and_hour(session, period_of(PeriodKind.WEEK, monday), BERLIN)
    assert table.rows == list(range(1, 8)) and table.columns == list(range(24))
    # 05:30 is 03:30 UTC on Saturday and 04:30 UTC on Sunday: hour 5 both days.
    assert table.cell(6, 5) == 5 and table.cell(7, 5) == 5
    assert table.cell(6, 3) == 0 and table.cell(7, 4) == 0
    assert table.cell(1, 14) == 6  # the way back by the time to be picked up
    assert table.column_totals[5] == 10 and table.row_totals[1] == 6 and table.total == 16


def test_unmet_need_counts_people_and_ride_days(session):
    # Seven course riders unserved on Tuesday and Wednesday, both ways on Tuesday.
    riders = []
    for _ in range(7):
        trip = make_trip(
            session,
            purpose=NeedPurpose.COURSE,
            status=TripStatus.UNSERVED,
            unserved_reason="no_vehicle_in_time",
        )
        riders.append(trip.rider)
    for rider in riders:
        make_trip(
            session,
            rider=rider,
            purpose=NeedPurpose.COURSE,
            direction=TripDirection.RETURN,
            earliest_pickup=local_instant(TUESDAY, dt.time(12, 15)),
            latest_dropoff=None,
            status=TripStatus.UNSERVED,
            unserved_reason="no_vehicle_in_time",
        )
        make_trip(
            session, rider=rider, day=TUESDAY + dt.timedelta(days=1), purpose=NeedPurpose.COURSE
        )
    served = [make_trip(session) for _ in range(6)]
    make_published_route(session, trips=served)
    make_trip(
        session,
        purpose=NeedPurpose.INTERNSHIP,
        status=TripStatus.UNSERVED,
        unserved_reason="no_seat",
    )
    for _ in range(5):
        make_trip(session, status=TripStatus.UNSERVED, unserved_reason="no_seat")
    session.flush()
    table = unmet(session, WEEK, UnmetBy.PURPOSE, BERLIN)
    rows = {row.key: row for row in table.rows}
    course = rows[NeedPurpose.COURSE]
    assert (course.people, course.ride_days, course.rides) == (7, 14, 21)
    assert rows[NeedPurpose.SHIFT_WORK].people == 0 and rows[NeedPurpose.SHIFT_WORK].rides == 0
    # The intern is one person: hidden, and the job row (5, the smallest other) with it.
    assert rows[NeedPurpose.INTERNSHIP].people is None and rows[NeedPurpose.JOB].people is None
    assert table.total is not None and (table.total.people, table.total.ride_days) == (13, 20)
    by_hour = {row.key: row for row in unmet(session, WEEK, UnmetBy.HOUR, BERLIN).rows}
    assert by_hour[12].rides == 7 and by_hour[12].people == 7
    assert by_hour[8].rides == 20 and by_hour[8].people == 13  # Wednesday 08:00 too


def test_daycare_stops_and_courses_out_of_reach(session):
    daycare = make_place(session, kind=PlaceKind.DAYCARE, name="Kita Regenbogen")
    course = make_place(session, kind=PlaceKind.COURSE_SITE, name="VHS Lüchow")
    other = make_place(session, kind=PlaceKind.COURSE_SITE, name="Sprachschule Dannenberg")
    served = [
        make_trip(session, purpose=NeedPurpose.COURSE, destination=course, via=daycare)
        for _ in range(5)
    ]
    served += [make_trip(session) for _ in range(6)]
    make_published_route(session, trips=served)
    for _ in range(6):
        make_trip(
            session,
            purpose=NeedPurpose.COURSE,
            destination=other,
            via=daycare,
            status=TripStatus.UNSERVED,
            unserved_reason="no_vehicle_in_time",
        )
    session.flush()
    stops = daycare_stops(session, WEEK)
    assert stops.rows == ["daycare", "direct"]
    assert stops.cell("daycare", "served") == 5 and stops.cell("daycare", "unserved") == 6
    assert stops.cell("direct", "served") == 6 and stops.row_totals["daycare"] == 11
    courses = courses_out_of_reach(session, WEEK)
    assert courses.rows == ["Sprachschule Dannenberg", "VHS Lüchow"]
    assert courses.cell("Sprachschule Dannenberg", "unserved") == 6
    assert courses.cell("VHS Lüchow", "served") == 5
