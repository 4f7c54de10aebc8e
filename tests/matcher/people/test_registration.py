"""Rider registration, the personal link, needs edits, duplicates and erasure."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from matcher import clock
from matcher.demand.recurrence import occurrences
from matcher.demand.recurrence import pattern_from_need
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import AuditEntry
from matcher.models import NeedPurpose
from matcher.models import NeedStatus
from matcher.models import OutboxMessage
from matcher.models import PlanStatus
from matcher.models import Rider
from matcher.models import ScheduleKind
from matcher.models import TripStatus
from matcher.people import registration as reg
from matcher.settings import Settings
from tests.factories import make_plan
from tests.factories import make_route
from tests.factories import make_trip

SETTINGS = Settings()
TODAY = clock.today()  # the district's day, as the services see it
MONDAY = TODAY + dt.timedelta(days=7 - TODAY.weekday())


def registration(places, **over) -> reg.RiderRegistration:
    need = over.pop(
        "need",
        reg.NeedInput(
            purpose=NeedPurpose.JOB,
            valid_from=MONDAY,
            destination_place_id=places["employer"].id,
            weekdays=frozenset({0, 1, 2, 3, 4}),
            arrive_by=dt.time(6, 0),
            pick_up_after=dt.time(14, 0),
        ),
    )
    values = dict(
        first_name="Amal",
        phone="0151 2345 6789",
        home=reg.AddressInput("Lange Straße", "5", village_place_id=places["village"].id),
        need=need,
        consent=True,
        email="amal@example.org",
        languages=("ar", "de"),
        locale="ar",
    )
    values.update(over)
    return reg.RiderRegistration(**values)


def test_register_rider_stores_only_the_token_hash(session, places):
    done = reg.register_rider(session, registration(places), SETTINGS)
    rider = done.rider
    assert len(done.token) >= 43  # 256 bits, url-safe
    assert done.token not in rider.token_hash
    assert rider.phone == "+4915123456789"
    assert rider.home_place.lat == places["village"].lat  # placed at the village
    assert rider.home_place.street == "Lange Straße 5"
    assert not done.location_to_check
    assert done.need.status == NeedStatus.PENDING
    assert reg.find_rider_by_token(session, done.token) is rider
    assert reg.find_rider_by_token(session, done.token + "x") is None
    assert reg.find_rider_by_token(session, "") is None
    mail = session.scalars(sa.select(OutboxMessage)).one()
    assert mail.recipient == "amal@example.org" and done.token in mail.body


def test_no_email_the_link_goes_by_sms(session, places):
    done = reg.register_rider(session, registration(places, email=None), SETTINGS)
    sms = session.scalars(sa.select(OutboxMessage)).one()
    assert sms.channel == "sms" and sms.recipient == "+4915123456789" and done.token in sms.body


def test_unknown_address_is_saved_and_flagged(session, places):
    data = registration(places, home=reg.AddressInput("Am Deich", "1", municipality="Atlantis"))
    done = reg.register_rider(session, data, SETTINGS)
    assert done.location_to_check and done.rider.location_to_check
    assert done.rider.home_place.lat is None


def test_second_registration_with_same_phone_is_flagged(session, places):
    first = reg.register_rider(session, registration(places), SETTINGS)
    second = reg.register_rider(session, registration(places, phone="+49 151 23456789"), SETTINGS)
    assert second.rider.id != first.rider.id
    assert second.possible_duplicate_of_id == first.rider.id
    assert second.rider.possible_duplicate_of_id == first.rider.id
    assert second.rider in reg.riders_flagged(session)


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"phone": "12"}, "phone"),  # too short to be a number
        ({"consent": False}, "consent"),
        ({"home": reg.AddressInput("", "")}, "home_street"),
    ],
)
def test_invalid_registration(session, places, over, field):
    with pytest.raises(ValidationError) as error:
        reg.register_rider(session, registration(places, **over), SETTINGS)
    assert error.value.field == field


def test_rotating_need_expands(session, places):
    need = reg.NeedInput(
        purpose=NeedPurpose.SHIFT_WORK,
        valid_from=MONDAY + dt.timedelta(days=2),
        destination_place_id=places["employer"].id,
        schedule_kind=ScheduleKind.ROTATING,
        weekdays=frozenset({0, 1, 2, 3, 4}),
        rotation_weeks=(
            reg.RotationWeekInput(dt.time(6), dt.time(14), label="early"),
            reg.RotationWeekInput(dt.time(14), dt.time(22), label="late"),
            reg.RotationWeekInput(dt.time(22), dt.time(6), label="night"),
        ),
        via_place_id=places["daycare"].id,
        seats_needed=2,
        child_seats=1,
    )
    done = reg.register_rider(session, registration(places, need=need), SETTINGS)
    stored = done.need
    assert stored.rotation_anchor == MONDAY
    assert [w.return_next_day for w in stored.rotation_weeks] == [False, False, True]
    occ = list(occurrences(pattern_from_need(stored), MONDAY, MONDAY + dt.timedelta(days=20)))
    assert occ[0].day == MONDAY + dt.timedelta(days=2) and occ[0].week_label == "early"
    assert {o.week_label for o in occ if o.day >= MONDAY + dt.timedelta(days=14)} == {"night"}
    assert stored.via.name == "Kita Sonnenschein"


def test_dates_need(session, places):
    days = (MONDAY + dt.timedelta(days=3), MONDAY + dt.timedelta(days=10))
    need = reg.NeedInput(
        purpose=NeedPurpose.COURSE,
        valid_from=MONDAY,
        destination_place_id=places["employer"].id,
        schedule_kind=ScheduleKind.DATES,
        dates=days,
        arrive_by=dt.time(8, 30),
    )
    done = reg.register_rider(session, registration(places, need=need), SETTINGS)
    assert [d.day for d in done.need.dates] == list(days)
    assert done.need.valid_until == days[-1]


def test_pause_cancel_edit_and_trip_release(session, places):
    done = reg.register_rider(session, registration(places), SETTINGS)
    need = done.need
    need.status = NeedStatus.ACTIVE
    open_trip = make_trip(
        session,
        rider=done.rider,
        need=need,
        day=MONDAY + dt.timedelta(days=1),
        origin=need.origin,
        destination=need.destination,
    )
    paused_trip = make_trip(
        session,
        rider=done.rider,
        need=need,
        day=MONDAY,
        origin=need.origin,
        destination=need.destination,
    )
    published = make_trip(
        session,
        rider=done.rider,
        need=need,
        day=MONDAY + dt.timedelta(days=2),
        origin=need.origin,
        destination=need.destination,
    )
    plan = make_plan(
        session,
        day=published.day,
        status=PlanStatus.PUBLISHED,
        approved_at=dt.datetime.now(dt.UTC),
        published_at=dt.datetime.now(dt.UTC),
    )
    make_route(session, plan, [published])

    reg.pause_day(session, done.rider.id, need.id, MONDAY, SETTINGS)
    assert paused_trip.status == TripStatus.CANCELLED and open_trip.status == TripStatus.REQUESTED
    with pytest.raises(ValidationError):  # a Saturday has no ride
        reg.pause_day(session, done.rider.id, need.id, MONDAY + dt.timedelta(days=5), SETTINGS)
    with pytest.raises(ValidationError):
        reg.pause_day(session, done.rider.id, need.id, TODAY - dt.timedelta(days=1), SETTINGS)

    edited = reg.update_need(
        session,
        done.rider.id,
        need.id,
        reg.NeedInput(
            purpose=NeedPurpose.JOB,
            valid_from=MONDAY,
            destination_place_id=places["employer"].id,
            weekdays=frozenset({0, 2}),
            arrive_by=dt.time(7),
        ),
        SETTINGS,
    )
    assert edited.status == NeedStatus.PENDING and edited.weekday_set == {0, 2}
    assert open_trip.status == TripStatus.CANCELLED
    assert published.status != TripStatus.CANCELLED and plan.needs_attention

    reg.cancel_need(session, done.rider.id, need.id, SETTINGS)
    assert need.status == NeedStatus.CANCELLED


def test_other_riders_need_is_not_found(session, places):
    one = reg.register_rider(session, registration(places), SETTINGS)
    two = reg.register_rider(session, registration(places, phone="0151 9999 8888"), SETTINGS)
    with pytest.raises(NotFound):
        reg.cancel_need(session, two.rider.id, one.need.id, SETTINGS)
    assert one.need.status == NeedStatus.PENDING


def test_erase_rider_keeps_anonymous_statistics(session, places):
    done = reg.register_rider(session, registration(places), SETTINGS)
    rider_id, token = done.rider.id, done.token
    reg.erase_rider(session, rider_id)
    session.expire_all()
    rider = session.get(Rider, rider_id)
    assert rider.erased_at is not None
    assert (rider.first_name, rider.phone, rider.email, rider.token_hash) == (
        None,
        None,
        None,
        None,
    )
    assert rider.languages == [] and rider.note is None
    assert rider.home_place.street is None and rider.home_place.lat is None
    assert rider.home_place.municipality == "Clenze"  # statistics by municipality
    assert [n.purpose for n in rider.needs] == [NeedPurpose.JOB]
    assert rider.needs[0].status == NeedStatus.CANCELLED
    assert reg.find_rider_by_token(session, token) is None
    assert session.scalars(sa.select(OutboxMessage)).first() is None
    assert session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "rider.erase")).one()
    with pytest.raises(NotFound):
        reg.erase_rider(session, rider_id)
