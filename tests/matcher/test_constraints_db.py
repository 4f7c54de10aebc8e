"""The database itself refuses bad rows: Core inserts bypass every Python check.

Each case starts from a valid row of a table and changes one thing; the
constraint name is asserted where both SQLite and PostgreSQL report it (CHECK).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.db import Base

if TYPE_CHECKING:
    from tests.matcher.conftest import Factory

NOW = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 3, 2)
HASH = "a" * 64


def raw(value: str) -> Any:
    """A string sent as-is, past the Enum type's own Python-side check."""
    return sa.literal(value, sa.String())


def place_row(f: Factory) -> dict[str, Any]:
    return {"kind": "village", "name": "Clenze", "lat": 52.93, "lon": 10.95}


def rider_row(f: Factory) -> dict[str, Any]:
    return {
        "first_name": "Amal",
        "phone": "+4915112345678",
        "consent_at": NOW,
        "privacy_notice_version": "2026-01",
        "token_hash": HASH,
    }


def driver_row(f: Factory) -> dict[str, Any]:
    return {
        "first_name": "Heike",
        "phone": "+495841123456",
        "email": "heike@example.org",
        "consent_at": NOW,
        "privacy_notice_version": "2026-01",
    }


def need_row(f: Factory) -> dict[str, Any]:
    return {
        "rider_id": f.rider().id,
        "purpose": "job",
        "origin_id": f.place().id,
        "destination_id": f.place().id,
        "weekdays": 0b11111,
        "arrive_by": dt.time(8),
        "pick_up_after": dt.time(16),
        "valid_from": DAY,
    }


def window_row(f: Factory) -> dict[str, Any]:
    return {
        "driver_id": f.driver().id,
        "weekday": 0,
        "start_time": dt.time(6),
        "end_time": dt.time(9),
    }


def exception_row(f: Factory) -> dict[str, Any]:
    return {"driver_id": f.driver().id, "kind": "unavailable", "first_day": DAY, "last_day": DAY}


def plan_row(f: Factory) -> dict[str, Any]:
    return {"day": DAY, "version": 1, "status": "draft"}


def trip_row(f: Factory) -> dict[str, Any]:
    need = f.need()
    return {
        "need_id": need.id,
        "rider_id": need.rider_id,
        "day": DAY,
        "direction": "outbound",
        "purpose": "job",
        "origin_id": need.origin_id,
        "destination_id": need.destination_id,
        "earliest_pickup": NOW,
        "latest_dropoff": NOW + dt.timedelta(hours=1),
    }


def stop_row(f: Factory) -> dict[str, Any]:
    session = f.session
    plan_id = session.execute(sa.insert(Base.metadata.tables["day_plans"]).values(day=DAY))
    route = session.execute(
        sa.insert(Base.metadata.tables["routes"]).values(
            plan_id=plan_id.inserted_primary_key[0], driver_id=f.driver().id
        )
    )
    return {
        "route_id": route.inserted_primary_key[0],
        "sequence": 0,
        "kind": "start",
        "place_id": f.place().id,
    }


def outbox_row(f: Factory) -> dict[str, Any]:
    return {
        "idempotency_key": "k1",
        "channel": "email",
        "recipient": "a@example.org",
        "subject": "Your ride",
        "body": "Hello",
    }


def coordinator_row(f: Factory) -> dict[str, Any]:
    return {"email": "c@example.org", "name": "Coord", "password_hash": "x"}


def login_token_row(f: Factory) -> dict[str, Any]:
    return {
        "driver_id": f.driver().id,
        "token_hash": HASH,
        "created_at": NOW,
        "expires_at": NOW + dt.timedelta(minutes=15),
    }


def audit_row(f: Factory) -> dict[str, Any]:
    return {
        "actor_type": "coordinator",
        "actor_id": 1,
        "action": "plan.publish",
        "entity_type": "day_plan",
    }


Builder = Callable[["Factory"], dict[str, Any]]
BUILDERS: dict[str, Builder] = {
    "places": place_row,
    "riders": rider_row,
    "drivers": driver_row,
    "ride_needs": need_row,
    "availability_windows": window_row,
    "availability_exceptions": exception_row,
    "day_plans": plan_row,
    "trips": trip_row,
    "stops": stop_row,
    "outbox": outbox_row,
    "coordinators": coordinator_row,
    "driver_login_tokens": login_token_row,
    "audit_log": audit_row,
}

# (table, changes, constraint named in the error or None for NOT NULL / FK)
BAD_ROWS = [
    ("places", {"lat": 91.0}, "ck_places_lat_range"),
    ("places", {"lon": -181.0}, "ck_places_lon_range"),
    ("places", {"lon": None}, "ck_places_lat_lon_together"),  # one coordinate only
    ("places", {"lat": None, "lon": None, "confirmed": True}, "ck_places_confirmed_has_coords"),
    ("places", {"kind": raw("castle")}, "ck_places_place_kind"),
    ("places", {"name": ""}, "ck_places_name_not_empty"),
    ("places", {"name": None}, None),
    ("riders", {"phone": "05841123"}, "ck_riders_phone_e164"),  # not E.164
    ("riders", {"token_hash": "abc"}, "ck_riders_token_hash_sha256"),  # a token, not its hash
    ("riders", {"first_name": None}, "ck_riders_personal_data_unless_erased"),
    ("riders", {"consent_at": None}, None),
    ("riders", {"home_place_id": 987654}, None),  # FK
    ("drivers", {"seats": 0}, "ck_drivers_seats_range"),
    ("drivers", {"seats": 9}, "ck_drivers_seats_range"),
    ("drivers", {"seats": 2, "child_seats": 3}, "ck_drivers_child_seats_range"),
    ("drivers", {"max_driving_minutes_per_day": 0}, "ck_drivers_max_driving_minutes_range"),
    ("drivers", {"max_rides_per_week": -1}, "ck_drivers_max_rides_nonneg"),
    (
        "drivers",
        {"vetting_status": "approved"},
        "ck_drivers_vetted_has_date",
    ),  # vetted without a date
    ("drivers", {"email": None}, "ck_drivers_personal_data_unless_erased"),
    ("ride_needs", {"pick_up_after": dt.time(7)}, "ck_ride_needs_back_after_arrival"),
    ("ride_needs", {"pick_up_after": dt.time(8)}, "ck_ride_needs_back_after_arrival"),  # equal
    ("ride_needs", {"seats_needed": 0}, "ck_ride_needs_seats_valid"),
    ("ride_needs", {"seats_needed": 9}, "ck_ride_needs_seats_valid"),
    (
        "ride_needs",
        {"seats_needed": 2, "child_seats": 2, "booster_seats": 1},
        "ck_ride_needs_seats_valid",
    ),
    ("ride_needs", {"flexibility_minutes": 181}, "ck_ride_needs_flexibility_range"),
    ("ride_needs", {"flexibility_minutes": -1}, "ck_ride_needs_flexibility_range"),
    (
        "ride_needs",
        {"valid_until": DAY - dt.timedelta(days=1)},
        "ck_ride_needs_valid_until_after_from",
    ),
    ("ride_needs", {"weekdays": 0}, "ck_ride_needs_weekdays_given"),
    ("ride_needs", {"weekdays": 128}, "ck_ride_needs_weekdays_mask"),
    ("ride_needs", {"arrive_by": None, "pick_up_after": None}, "ck_ride_needs_has_a_time"),
    ("ride_needs", {"schedule_kind": "rotating"}, "ck_ride_needs_rotation_anchored"),
    ("ride_needs", {"status": raw("done")}, "ck_ride_needs_need_status"),
    ("ride_needs", {"purpose": raw("holiday")}, "ck_ride_needs_need_purpose"),
    ("ride_needs", {"valid_from": None}, None),
    ("ride_needs", {"rider_id": 987654}, None),  # FK
    ("availability_windows", {"end_time": dt.time(6)}, "ck_availability_windows_end_after_start"),
    ("availability_windows", {"end_time": dt.time(5)}, "ck_availability_windows_end_after_start"),
    ("availability_windows", {"weekday": 7}, "ck_availability_windows_weekday_range"),
    (
        "availability_exceptions",
        {"last_day": DAY - dt.timedelta(days=1)},
        "ck_availability_exceptions_last_day_not_before_first",
    ),
    ("availability_exceptions", {"kind": "extra"}, "ck_availability_exceptions_extra_has_times"),
    (
        "availability_exceptions",
        {"start_time": dt.time(8)},
        "ck_availability_exceptions_times_valid",
    ),
    (
        "availability_exceptions",
        {"start_time": dt.time(8), "end_time": dt.time(7)},
        "ck_availability_exceptions_times_valid",
    ),
    ("day_plans", {"version": 0}, "ck_day_plans_version_positive"),
    ("day_plans", {"status": "published", "approved_at": NOW}, "ck_day_plans_published_has_date"),
    ("day_plans", {"status": "approved"}, "ck_day_plans_approved_has_date"),
    ("day_plans", {"requests_total": 3, "requests_served": 4}, "ck_day_plans_served_range"),
    ("trips", {"status": "unserved"}, "ck_trips_unserved_has_reason"),
    ("trips", {"latest_dropoff": NOW}, "ck_trips_dropoff_after_pickup"),
    ("trips", {"earliest_pickup": None, "latest_dropoff": None}, "ck_trips_has_a_window"),
    ("trips", {"latest_pickup": NOW - dt.timedelta(minutes=1)}, "ck_trips_pickup_window_order"),
    ("trips", {"seats_needed": 0}, "ck_trips_seats_valid"),
    ("trips", {"direction": raw("sideways")}, "ck_trips_trip_direction"),
    ("stops", {"kind": "pickup"}, "ck_stops_rider_stop_has_trip"),
    ("stops", {"load": 9}, "ck_stops_load_range"),
    ("stops", {"sequence": -1}, "ck_stops_sequence_nonneg"),
    (
        "stops",
        {"arrival_at": NOW, "departure_at": NOW - dt.timedelta(1), "service_start_at": NOW},
        "ck_stops_departure_after_service",
    ),
    ("outbox", {"subject": None}, "ck_outbox_email_has_subject"),
    ("outbox", {"attempts": -1}, "ck_outbox_attempts_nonneg"),
    ("outbox", {"status": "sent"}, "ck_outbox_sent_has_date"),
    ("coordinators", {"role": raw("root")}, "ck_coordinators_coordinator_role"),
    ("driver_login_tokens", {"expires_at": NOW}, "ck_driver_login_tokens_expires_after_created"),
    ("audit_log", {"actor_id": None}, "ck_audit_log_actor_has_id"),
]


def _insert(session: Session, table: str, values: dict[str, Any]) -> None:
    with session.begin_nested():
        session.execute(sa.insert(Base.metadata.tables[table]).values(**values))


@pytest.mark.parametrize("table", sorted(BUILDERS))
def test_valid_base_row_is_accepted(session: Session, make: Factory, table: str) -> None:
    """Control: every base row used below is valid, so a refusal comes from the one change."""
    _insert(session, table, BUILDERS[table](make))


@pytest.mark.parametrize(
    ("table", "changes", "constraint"),
    BAD_ROWS,
    ids=[f"{t}-{'-'.join(c)}" for t, c, _ in BAD_ROWS],
)
def test_database_refuses_bad_row(
    session: Session, make: Factory, table: str, changes: dict[str, Any], constraint: str | None
) -> None:
    values = {**BUILDERS[table](make), **changes}
    with pytest.raises(IntegrityError) as excinfo:
        _insert(session, table, values)
    if constraint is not None:
        assert constraint in str(excinfo.value.orig)


def test_night_shift_may_return_next_day(session: Session, make: Factory) -> None:
    """22-06: the way back is earlier on the clock, allowed only with ``return_next_day``."""
    night = {"arrive_by": dt.time(22), "pick_up_after": dt.time(6), "return_next_day": True}
    _insert(session, "ride_needs", {**need_row(make), **night})


UNIQUE_CASES = [
    ("places", lambda row: {**row, "key": "village:clenze"}, {}),
    ("riders", rider_row, {}),  # same token hash
    ("drivers", driver_row, {"phone": "+495841999999"}),  # same e-mail
    ("coordinators", coordinator_row, {"name": "Other"}),  # same e-mail
    ("outbox", outbox_row, {"recipient": "b@example.org"}),  # same idempotency key
    ("day_plans", plan_row, {}),  # same (day, version)
    ("day_plans", plan_row, {"version": 2}),  # a second published version of one day
    ("trips", trip_row, {}),  # same (need, day, direction)
]


@pytest.mark.parametrize(("table", "builder", "changes"), UNIQUE_CASES)
def test_database_refuses_duplicates(
    session: Session, make: Factory, table: str, builder: Any, changes: dict[str, Any]
) -> None:
    first = builder(place_row(make)) if table == "places" else builder(make)
    if changes.get("version") == 2:
        first = {**first, "status": "published", "approved_at": NOW, "published_at": NOW}
    _insert(session, table, first)
    with pytest.raises(IntegrityError):
        _insert(session, table, {**first, **changes})


def test_deleting_a_place_in_use_is_refused(session: Session, make: Factory) -> None:
    need = make.need()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            sa.delete(Base.metadata.tables["places"]).where(sa.column("id") == need.origin_id)
        )


def test_deleting_a_rider_cascades_to_needs(session: Session, make: Factory) -> None:
    need = make.need()
    rider_id, need_id = need.rider_id, need.id
    session.expunge_all()
    session.execute(sa.delete(Base.metadata.tables["riders"]).where(sa.column("id") == rider_id))
    needs = Base.metadata.tables["ride_needs"]
    assert session.execute(sa.select(needs.c.id).where(needs.c.id == need_id)).first() is None
