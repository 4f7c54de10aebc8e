"""Trip generation from ride needs: schedules, holidays, daylight saving, idempotence, edits."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from matcher.demand.need_days import need_days
from matcher.demand.need_days import trip_counts
from matcher.demand.trips import TripGeneration
from matcher.demand.trips import desired_trips
from matcher.demand.trips import generate_trips
from matcher.demo import load_demo
from matcher.models import NeedDate
from matcher.models import NeedPause
from matcher.models import NeedPurpose
from matcher.models import NeedRotationWeek
from matcher.models import NeedStatus
from matcher.models import PlanStatus
from matcher.models import RideNeed
from matcher.models import ScheduleKind
from matcher.models import Trip
from matcher.models import TripDirection
from matcher.models import TripStatus
from matcher.settings import Settings
from tests.factories import make_need
from tests.factories import make_place
from tests.factories import make_plan
from tests.factories import make_route

SETTINGS = Settings()
TUESDAY = dt.date(2026, 6, 2)
UTC = dt.UTC


def trips_of(session, day: dt.date) -> dict[TripDirection, Trip]:
    rows = session.scalars(sa.select(Trip).where(Trip.day == day)).all()
    return {t.direction: t for t in rows}


def utc(y, m, d, hh, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=UTC)


def test_weekly_need_makes_both_ways_with_windows(session):
    need = make_need(session, flexibility_minutes=20)
    result = generate_trips(session, TUESDAY, SETTINGS)
    assert result == TripGeneration(created=2)
    trips = trips_of(session, TUESDAY)
    there, back = trips[TripDirection.OUTBOUND], trips[TripDirection.RETURN]
    # 08:00 CEST is 06:00 UTC; the drop-off may be up to 20 minutes early.
    assert (there.earliest_dropoff, there.latest_dropoff) == (
        utc(2026, 6, 2, 5, 40),
        utc(2026, 6, 2, 6),
    )
    assert there.earliest_pickup is None and there.latest_pickup is None
    assert (there.origin_id, there.destination_id) == (need.origin_id, need.destination_id)
    assert (back.earliest_pickup, back.latest_pickup) == (
        utc(2026, 6, 2, 14),
        utc(2026, 6, 2, 14, 20),
    )
    assert (back.origin_id, back.destination_id) == (need.destination_id, need.origin_id)
    assert there.status == TripStatus.REQUESTED and there.purpose == NeedPurpose.JOB


def test_generation_is_idempotent(session):
    make_need(session)
    make_need(session, weekdays=0b0000001)  # Mondays only: nothing on a Tuesday
    first = generate_trips(session, TUESDAY, SETTINGS)
    second = generate_trips(session, TUESDAY, SETTINGS)
    assert first == TripGeneration(created=2)
    assert second == TripGeneration(unchanged=2)
    assert len(trips_of(session, TUESDAY)) == 2


@pytest.mark.parametrize(
    ("day", "arrive_by", "expected_utc"),
    [
        # Spring forward (23 hours): 02:30 does not exist and moves to 03:30 CEST.
        (dt.date(2026, 3, 29), dt.time(2, 30), utc(2026, 3, 29, 1, 30)),
        (dt.date(2026, 3, 29), dt.time(8, 0), utc(2026, 3, 29, 6, 0)),
        # Fall back (25 hours): 02:30 exists twice, the first (CEST) is taken.
        (dt.date(2026, 10, 25), dt.time(2, 30), utc(2026, 10, 25, 0, 30)),
        (dt.date(2026, 10, 25), dt.time(8, 0), utc(2026, 10, 25, 7, 0)),
    ],
)
def test_daylight_saving_days(session, day, arrive_by, expected_utc):
    make_need(
        session,
        purpose=NeedPurpose.SHIFT_WORK,
        weekdays=0b1000000,
        arrive_by=arrive_by,
        pick_up_after=dt.time(14, 0),
    )
    assert generate_trips(session, day, SETTINGS).created == 2
    trips = trips_of(session, day)
    assert trips[TripDirection.OUTBOUND].latest_dropoff == expected_utc
    # 14:00 local is 12:00 UTC in summer time (March 29 after the change), 13:00 in winter time.
    offset = 12 if day.month == 3 else 13
    assert trips[TripDirection.RETURN].earliest_pickup == utc(day.year, day.month, day.day, offset)


def test_lower_saxony_holiday_skips_work_but_not_other_or_listed_dates(session):
    reformation_day = dt.date(2026, 10, 31)  # a public holiday in Lower Saxony, a Saturday
    every_day = 0b1111111
    make_need(session, weekdays=every_day)  # job: no trips
    make_need(session, weekdays=every_day, purpose=NeedPurpose.COURSE)  # course: none
    other = make_need(session, weekdays=every_day, purpose=NeedPurpose.OTHER)
    listed = make_need(session, schedule_kind=ScheduleKind.DATES, weekdays=0)
    listed.dates.append(NeedDate(day=reformation_day))
    session.flush()
    assert generate_trips(session, reformation_day, SETTINGS).created == 4
    need_ids = set(session.scalars(sa.select(Trip.need_id).where(Trip.day == reformation_day)))
    assert need_ids == {other.id, listed.id}


def test_holidays_follow_the_configured_state(session):
    epiphany = dt.date(2026, 1, 6)  # a holiday in Bavaria, not in Lower Saxony (a Tuesday)
    make_need(session)
    assert generate_trips(session, epiphany, SETTINGS).created == 2
    bavaria = Settings(holiday_subdivision="BY")
    assert generate_trips(session, epiphany, bavaria).cancelled == 2


def test_rotating_pattern_anchored_at_a_monday(session):
    need = make_need(
        session,
        schedule_kind=ScheduleKind.ROTATING,
        rotation_anchor=dt.date(2026, 6, 1),
        arrive_by=None,
        pick_up_after=None,
        purpose=NeedPurpose.SHIFT_WORK,
    )
    need.rotation_weeks = [
        NeedRotationWeek(week_index=0, arrive_by=dt.time(6), pick_up_after=dt.time(14)),
        NeedRotationWeek(week_index=1, arrive_by=dt.time(14), pick_up_after=dt.time(22)),
        NeedRotationWeek(week_index=2, off=True),
    ]
    session.flush()
    expected = {
        dt.date(2026, 6, 2): utc(2026, 6, 2, 4),  # week 0: early
        dt.date(2026, 6, 9): utc(2026, 6, 9, 12),  # week 1: late
        dt.date(2026, 6, 16): None,  # week 2: off
        dt.date(2026, 6, 23): utc(2026, 6, 23, 4),  # week 0 again
    }
    for day, arrive in expected.items():
        generate_trips(session, day, SETTINGS)
        trips = trips_of(session, day)
        got = trips[TripDirection.OUTBOUND].latest_dropoff if trips else None
        assert got == arrive, day


def test_night_shift_way_back_belongs_to_the_next_day(session):
    make_need(
        session,
        purpose=NeedPurpose.SHIFT_WORK,
        weekdays=0b0000001,  # Mondays
        arrive_by=dt.time(22, 0),
        pick_up_after=dt.time(6, 0),
        return_next_day=True,
    )
    monday, tuesday = dt.date(2026, 6, 1), dt.date(2026, 6, 2)
    generate_trips(session, monday, SETTINGS)
    generate_trips(session, tuesday, SETTINGS)
    assert set(trips_of(session, monday)) == {TripDirection.OUTBOUND}
    back = trips_of(session, tuesday)[TripDirection.RETURN]
    assert back.earliest_pickup == utc(2026, 6, 2, 4)


def test_paused_day_cancels_and_resuming_restores(session):
    need = make_need(session)
    generate_trips(session, TUESDAY, SETTINGS)
    need.paused_dates.append(NeedPause(day=TUESDAY))
    session.flush()
    assert generate_trips(session, TUESDAY, SETTINGS) == TripGeneration(cancelled=2)
    assert {t.status for t in trips_of(session, TUESDAY).values()} == {TripStatus.CANCELLED}
    assert generate_trips(session, TUESDAY, SETTINGS) == TripGeneration(unchanged=2)
    need.paused_dates.clear()
    session.flush()
    assert generate_trips(session, TUESDAY, SETTINGS) == TripGeneration(updated=2)
    assert {t.status for t in trips_of(session, TUESDAY).values()} == {TripStatus.REQUESTED}


@pytest.mark.parametrize("change", ["cancelled", "paused_status", "ended", "not_yet_valid"])
def test_need_that_no_longer_applies_cancels_its_trips(session, change):
    need = make_need(session)
    generate_trips(session, TUESDAY, SETTINGS)
    if change == "cancelled":
        need.status = NeedStatus.CANCELLED
    elif change == "paused_status":
        need.status = NeedStatus.PAUSED
    elif change == "ended":
        need.valid_until = TUESDAY - dt.timedelta(days=1)
    else:
        need.valid_from = TUESDAY + dt.timedelta(days=1)
    session.flush()
    assert generate_trips(session, TUESDAY, SETTINGS).cancelled == 2


def test_edited_need_updates_unpublished_trips_only(session):
    need = make_need(session)
    generate_trips(session, TUESDAY, SETTINGS)
    wednesday = TUESDAY + dt.timedelta(days=1)
    generate_trips(session, wednesday, SETTINGS)
    # Tuesday's trips are in the published plan: frozen. Wednesday's are only requested.
    tuesday_trips = list(trips_of(session, TUESDAY).values())
    at = utc(2026, 6, 1, 9)
    plan = make_plan(
        session, day=TUESDAY, status=PlanStatus.PUBLISHED, approved_at=at, published_at=at
    )
    make_route(session, plan, tuesday_trips)
    need.arrive_by = dt.time(8, 30)
    need.seats_needed = 2
    session.flush()
    assert generate_trips(session, TUESDAY, SETTINGS) == TripGeneration(unchanged=2)
    assert generate_trips(session, wednesday, SETTINGS) == TripGeneration(updated=2)
    wed = trips_of(session, wednesday)
    assert wed[TripDirection.OUTBOUND].latest_dropoff == utc(2026, 6, 3, 6, 30)
    assert wed[TripDirection.RETURN].seats_needed == 2
    assert trips_of(session, TUESDAY)[TripDirection.OUTBOUND].latest_dropoff == utc(2026, 6, 2, 6)


def test_via_stop_is_copied_to_both_ways(session):
    daycare = make_place(session, name="Kita Sonnenschein")
    make_need(session, via=daycare, seats_needed=2, child_seats=1)
    generate_trips(session, TUESDAY, SETTINGS)
    trips = trips_of(session, TUESDAY).values()
    assert {t.via_id for t in trips} == {daycare.id}
    assert {(t.seats_needed, t.child_seats) for t in trips} == {(2, 1)}


def test_counts_of_the_days_ahead_equal_the_trips_generation_would_make(session) -> None:
    """``trip_counts`` over ``need_days`` (plain rows) against ``desired_trips`` need by need.

    The demo district's needs (weekly, rotating, dated, night shifts) over three
    weeks around Whit Monday (25 May 2026, a holiday), with paused days, an
    erased rider, a cancelled need and a need that ends within the range.
    """
    first = dt.date(2026, 5, 18)
    days = [first + dt.timedelta(days=k) for k in range(21)]
    load_demo(session, today=first)
    needs = session.scalars(sa.select(RideNeed).order_by(RideNeed.id)).all()
    kinds = {n.schedule_kind for n in needs}
    assert kinds == set(ScheduleKind) and any(n.return_next_day for n in needs)
    for k, need in enumerate(needs[:12]):
        session.add(NeedPause(need_id=need.id, day=days[k]))
    needs[12].rider.erased_at = utc(2026, 5, 1, 9)
    needs[13].status = NeedStatus.CANCELLED
    needs[14].valid_until = days[6]
    session.flush()
    session.expire_all()

    counts = trip_counts(need_days(session, days[0], days[-1]), days, SETTINGS)

    needs = session.scalars(sa.select(RideNeed)).all()
    expected = {day: sum(len(desired_trips(n, day, SETTINGS)) for n in needs) for day in days}
    assert dict(counts) == expected
    assert expected[dt.date(2026, 5, 25)] < expected[dt.date(2026, 6, 1)]  # Whit Monday
    assert min(expected.values()) < max(expected.values())
