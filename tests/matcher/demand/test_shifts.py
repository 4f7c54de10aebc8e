"""Driver shifts from weekly windows and dated exceptions, with the per-driver caps."""

from __future__ import annotations

import datetime as dt

from matcher.clock import local_instant
from matcher.demand.shifts import driver_shifts
from matcher.models import ExceptionKind
from matcher.models import PlanStatus
from matcher.settings import Settings
from tests.factories import make_availability_exception
from tests.factories import make_driver
from tests.factories import make_plan
from tests.factories import make_route
from tests.factories import make_trip
from tests.factories import make_window

SETTINGS = Settings()
TUESDAY = dt.date(2026, 6, 2)


def local(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return local_instant(day, dt.time(hh, mm))


def windows_of(shifts, driver_id):
    return [(s.start_at, s.end_at) for s in shifts if s.driver_id == driver_id]


def test_weekly_windows_make_one_shift_each(session):
    driver = make_driver(session, seats=4, child_seats=1, languages=["de", "ar"])
    make_window(session, driver, start_time=dt.time(6), end_time=dt.time(9))
    make_window(session, driver, start_time=dt.time(15), end_time=dt.time(18))
    make_window(session, driver, weekday=2)  # Wednesday: not today
    shifts = driver_shifts(session, TUESDAY, SETTINGS)
    assert windows_of(shifts, driver.id) == [
        (local(TUESDAY, 6), local(TUESDAY, 9)),
        (local(TUESDAY, 15), local(TUESDAY, 18)),
    ]
    first = shifts[0]
    assert (first.seats, first.child_seats, first.languages) == (4, 1, frozenset({"de", "ar"}))
    assert [s.vehicle_id for s in shifts] == [f"d{driver.id}s0", f"d{driver.id}s1"]
    # 240 minutes a day split in proportion to the (equal) windows.
    assert [s.max_drive_seconds for s in shifts] == [7200, 7200]


def test_only_vetted_active_not_erased_drivers(session):
    usable = make_driver(session)
    unvetted = make_driver(session, vetted=False)
    inactive = make_driver(session, active=False)
    for driver in (usable, unvetted, inactive):
        make_window(session, driver)
    assert {s.driver_id for s in driver_shifts(session, TUESDAY, SETTINGS)} == {usable.id}


def test_exceptions_override_the_weekly_grid(session):
    away = make_driver(session)
    make_window(session, away)
    make_availability_exception(session, away, first_day=dt.date(2026, 6, 1), last_day=TUESDAY)
    partly = make_driver(session)
    make_window(session, partly, start_time=dt.time(6), end_time=dt.time(18))
    make_availability_exception(
        session, partly, start_time=dt.time(10), end_time=dt.time(12), last_day=TUESDAY
    )
    extra = make_driver(session)
    make_availability_exception(
        session, extra, kind=ExceptionKind.EXTRA, start_time=dt.time(19), end_time=dt.time(22)
    )
    shifts = driver_shifts(session, TUESDAY, SETTINGS)
    assert windows_of(shifts, away.id) == []
    assert windows_of(shifts, partly.id) == [
        (local(TUESDAY, 6), local(TUESDAY, 10)),
        (local(TUESDAY, 12), local(TUESDAY, 18)),
    ]
    assert windows_of(shifts, extra.id) == [(local(TUESDAY, 19), local(TUESDAY, 22))]
    # The exception is dated: next Tuesday the weekly grid is back.
    later = driver_shifts(session, TUESDAY + dt.timedelta(days=7), SETTINGS)
    assert len(windows_of(later, away.id)) == 1


def test_weekly_caps_count_published_rides_of_other_days(session):
    driver = make_driver(session, max_rides_per_week=5, max_night_rides_per_week=1)
    make_window(session, driver, start_time=dt.time(5), end_time=dt.time(9))
    make_window(session, driver, start_time=dt.time(15), end_time=dt.time(19))
    monday = TUESDAY - dt.timedelta(days=1)
    at = local(monday, 0) - dt.timedelta(days=1)
    published = make_plan(
        session, day=monday, status=PlanStatus.PUBLISHED, approved_at=at, published_at=at
    )
    night_trip = make_trip(
        session, day=monday, earliest_pickup=local(monday, 4), latest_dropoff=local(monday, 5)
    )
    make_route(session, published, [make_trip(session, day=monday), night_trip], driver=driver)
    draft = make_plan(session, day=monday, version=2)  # drafts do not count
    make_route(session, draft, [make_trip(session, day=monday)], driver=driver)
    shifts = driver_shifts(session, TUESDAY, SETTINGS)
    # 5 - 2 = 3 rides left, split over two equal shifts; the night cap is used up.
    assert [s.max_requests for s in shifts] == [2, 1]
    assert [s.max_night_requests for s in shifts] == [0, 0]
    # Next week starts afresh.
    next_week = driver_shifts(session, TUESDAY + dt.timedelta(days=7), SETTINGS)
    assert [s.max_requests for s in next_week] == [3, 2]
    assert [s.max_night_requests for s in next_week] == [1, 0]


def test_dst_day_shift_instants(session):
    driver = make_driver(session)
    sunday = dt.date(2026, 3, 29)
    make_window(session, driver, weekday=6, start_time=dt.time(1), end_time=dt.time(6))
    (shift,) = driver_shifts(session, sunday, SETTINGS)
    assert (shift.end_at - shift.start_at) == dt.timedelta(hours=4)  # an hour is skipped
