"""Python refuses the same bad input first, with a message that names the field."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from matcher.errors import Conflict
from matcher.errors import MatcherError
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import AvailabilityException
from matcher.models import AvailabilityWindow
from matcher.models import DayPlan
from matcher.models import ExceptionKind
from matcher.models import NeedRotationWeek
from matcher.models import OutboxChannel
from matcher.models import OutboxMessage
from matcher.models import PlanStatus
from matcher.models import ScheduleKind
from matcher.models import Trip
from matcher.models import TripDirection
from matcher.models import TripStatus

if TYPE_CHECKING:
    from tests.matcher.conftest import Factory

NOW = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)

# (factory, overrides, field named by the error)
BAD_INPUT = [
    ("need", {"pick_up_after": dt.time(7, 30)}, "pick_up_after"),  # way back before arrival
    ("need", {"seats_needed": 0}, "seats_needed"),
    ("need", {"seats_needed": 9}, "seats_needed"),
    ("need", {"seats_needed": True}, "seats_needed"),  # a bool is not a count
    ("need", {"seats_needed": 1, "child_seats": 1, "booster_seats": 1}, "child_seats"),
    ("need", {"flexibility_minutes": 200}, "flexibility_minutes"),
    ("need", {"valid_until": dt.date(2026, 3, 1)}, "valid_until"),
    ("need", {"weekdays": 0}, "weekdays"),
    ("need", {"arrive_by": None, "pick_up_after": None}, "arrive_by"),
    ("need", {"schedule_kind": ScheduleKind.ROTATING}, "rotation_anchor"),
    (
        "need",
        {"schedule_kind": ScheduleKind.ROTATING, "rotation_anchor": dt.date(2026, 3, 4)},
        "rotation_anchor",
    ),
    ("need", {"note": "x" * 2001}, "note"),
    ("driver", {"seats": 0}, "seats"),
    ("driver", {"seats": 2, "child_seats": 3}, "child_seats"),
    ("driver", {"max_driving_minutes_per_day": 0}, "max_driving_minutes_per_day"),
    ("driver", {"max_rides_per_week": -2}, "max_rides_per_week"),
    ("driver", {"phone": "0581 1234"}, "phone"),
    ("driver", {"email": "not-an-address"}, "email"),
    ("rider", {"email": 'x"<script>@b.de'}, "email"),  # the stored shape refuses quotes
    ("driver", {"vetted": True}, "vetted_at"),
    ("driver", {"languages": ["Deutsch"]}, "languages"),
    ("driver", {"locale": "xx"}, "locale"),
    ("driver", {"calendar_token_hash": "plain-token"}, "calendar_token_hash"),
    ("rider", {"first_name": " "}, "first_name"),
    ("rider", {"phone": "+49 151 1234"}, "phone"),
    ("rider", {"mobility_needs": ["jetpack"]}, "mobility_needs"),
    ("rider", {"consent_at": dt.datetime(2026, 3, 1, 9)}, "consent_at"),  # naive
    ("place", {"lat": 95.0}, "lat"),
    ("place", {"lon": 200.0}, "lon"),
    ("place", {"lon": None}, "lat"),
    ("place", {"lat": None, "lon": None, "confirmed": True}, "confirmed"),
    ("place", {"name": ""}, "name"),
    ("coordinator", {"email": None}, "email"),
]


@pytest.mark.parametrize(
    ("factory", "overrides", "field"),
    BAD_INPUT,
    ids=[f"{f}-{'-'.join(o)}" for f, o, _ in BAD_INPUT],
)
def test_python_refuses_bad_input(
    make: Factory, factory: str, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        getattr(make, factory)(**overrides)
    assert excinfo.value.field == field
    assert str(excinfo.value)  # a message a person can read


def test_way_back_message_names_both_times(make: Factory) -> None:
    with pytest.raises(
        ValidationError, match=r"way back \(07:00\) must be after the arrival \(08:00\)"
    ):
        make.need(pick_up_after=dt.time(7))


def test_night_shift_returns_next_day(make: Factory) -> None:
    need = make.need(arrive_by=dt.time(22), pick_up_after=dt.time(6), return_next_day=True)
    assert need.id is not None


def test_cross_field_rules_wait_for_flush(session: Session, make: Factory) -> None:
    """Changing a day shift to a night shift field by field does not fail half way."""
    need = make.need()
    need.arrive_by = dt.time(22)  # now 22:00 / 16:00: invalid until the next line
    need.pick_up_after = dt.time(6)
    need.return_next_day = True
    session.flush()


def test_weekday_set_round_trip(make: Factory) -> None:
    need = make.need()
    need.weekday_set = {0, 2, 4}
    assert need.weekdays == 0b10101
    assert need.weekday_set == frozenset({0, 2, 4})
    with pytest.raises(ValidationError):
        need.weekday_set = {7}


def test_dates_need_without_weekdays(session: Session, make: Factory) -> None:
    need = make.need(schedule_kind=ScheduleKind.DATES, weekdays=0)
    need.dates = []
    session.flush()


def test_rotating_need_with_weeks(session: Session, make: Factory) -> None:
    need = make.need(
        schedule_kind=ScheduleKind.ROTATING,
        rotation_anchor=dt.date(2026, 3, 2),
        arrive_by=None,
        pick_up_after=None,
    )
    need.rotation_weeks = [
        NeedRotationWeek(
            week_index=0, label="early", arrive_by=dt.time(6), pick_up_after=dt.time(14)
        ),
        NeedRotationWeek(
            week_index=1, label="late", arrive_by=dt.time(14), pick_up_after=dt.time(22)
        ),
    ]
    session.flush()
    bad = NeedRotationWeek(week_index=2, arrive_by=dt.time(14), pick_up_after=dt.time(13))
    need.rotation_weeks.append(bad)
    with pytest.raises(ValidationError):
        session.flush()
    need.rotation_weeks.remove(bad)
    with pytest.raises(ValidationError):
        NeedRotationWeek(week_index=8)


def test_availability_window_refusals(session: Session, make: Factory) -> None:
    driver = make.driver()
    driver.windows.append(AvailabilityWindow(weekday=0, start_time=dt.time(9), end_time=dt.time(8)))
    with pytest.raises(ValidationError, match="must end after it starts"):
        session.flush()
    session.rollback()
    with pytest.raises(ValidationError):
        AvailabilityWindow(weekday=7)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": ExceptionKind.EXTRA},  # extra without times
        {"kind": ExceptionKind.UNAVAILABLE, "start_time": dt.time(8)},  # start without end
        {"kind": ExceptionKind.UNAVAILABLE, "last_day": dt.date(2026, 3, 1)},  # backwards
    ],
)
def test_availability_exception_refusals(
    session: Session, make: Factory, kwargs: dict[str, Any]
) -> None:
    driver = make.driver()
    values = {"first_day": dt.date(2026, 3, 2), "last_day": dt.date(2026, 3, 2), **kwargs}
    driver.exceptions.append(AvailabilityException(**values))
    with pytest.raises(ValidationError):
        session.flush()


def test_trip_refusals(session: Session, make: Factory) -> None:
    need = make.need()
    trip = Trip(
        need=need,
        rider=need.rider,
        day=dt.date(2026, 3, 2),
        direction=TripDirection.OUTBOUND,
        purpose=need.purpose,
        origin=need.origin,
        destination=need.destination,
        earliest_pickup=NOW,
        latest_dropoff=NOW - dt.timedelta(minutes=5),
    )
    session.add(trip)
    with pytest.raises(ValidationError, match="drop-off must be after the pick-up"):
        session.flush()
    trip.latest_dropoff = NOW + dt.timedelta(hours=1)
    trip.status = TripStatus.UNSERVED
    with pytest.raises(ValidationError, match="needs a reason"):
        session.flush()
    trip.unserved_reason = "no_driver_in_window"
    session.flush()


def test_outbox_email_needs_subject(session: Session) -> None:
    session.add(
        OutboxMessage(
            idempotency_key="x", channel=OutboxChannel.EMAIL, recipient="a@b.de", body="hi"
        )
    )
    with pytest.raises(ValidationError, match="subject"):
        session.flush()


def test_plan_row_version_detects_concurrent_edit(session: Session) -> None:
    """Optimistic locking: an edit based on a stale version is refused at flush."""
    plan = DayPlan(day=dt.date(2026, 3, 2), version=1)
    session.add(plan)
    session.flush()
    assert plan.row_version == 1
    plan.needs_attention = True
    session.flush()
    assert plan.row_version == 2
    table = DayPlan.__table__
    session.execute(sa.update(table).where(table.c.id == plan.id).values(row_version=3))
    plan.status = PlanStatus.APPROVED
    plan.approved_at = NOW
    with pytest.raises(StaleDataError):
        session.flush()


def test_published_plan_needs_dates(session: Session) -> None:
    session.add(DayPlan(day=dt.date(2026, 3, 2), status=PlanStatus.PUBLISHED, approved_at=NOW))
    with pytest.raises(ValidationError, match="publication time"):
        session.flush()


def test_erased_rider_keeps_row_without_personal_data(session: Session, make: Factory) -> None:
    rider = make.rider(email="amal@example.org")
    rider.erased_at = NOW
    rider.first_name = None
    rider.phone = None
    rider.email = None
    rider.token_hash = None
    session.flush()
    assert rider.id is not None


def test_instants_come_back_aware_utc(session: Session, make: Factory) -> None:
    berlin = dt.timezone(dt.timedelta(hours=1))
    rider = make.rider(consent_at=dt.datetime(2026, 3, 1, 10, 0, tzinfo=berlin))
    session.expire(rider)
    assert rider.consent_at == dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    assert rider.consent_at.utcoffset() == dt.timedelta(0)


def test_error_hierarchy_and_messages() -> None:
    error = ValidationError("{name} is too long.", field="note", name="Note")
    assert str(error) == "Note is too long."
    assert error.field == "note"
    assert error.template == "{name} is too long."
    assert isinstance(error, MatcherError)
    assert str(NotFound()) == "Not found."
    assert "changed by someone else" in str(Conflict())
