"""Riders a published plan leaves without a driver are told at once, in their language."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.clock import local_instant
from matcher.models import DayPlan
from matcher.models import OutboxChannel
from matcher.models import OutboxMessage
from matcher.models import PlanStatus
from matcher.models import TripDirection
from matcher.models import TripStatus
from matcher.plans import lifecycle
from matcher.plans.publishing import publish
from matcher.queries.unserved import rider_unserved_rides
from matcher.queries.unserved import riders_to_call
from matcher.settings import Settings
from tests.factories import make_plan
from tests.factories import make_rider
from tests.factories import make_route
from tests.factories import make_trip
from web.config import DefaultConfig

DAY = dt.date(2026, 6, 2)
NOW = dt.datetime(2026, 6, 1, 15, 0, tzinfo=dt.UTC)
SETTINGS = Settings(translations_dir=DefaultConfig.TRANSLATIONS_DIR, base_url="https://mfn.example")


def unserved(session: Session, rider, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("status", TripStatus.UNSERVED)
    kw.setdefault("unserved_reason", "no_vehicle_in_time")
    return make_trip(session, day=DAY, rider=rider, **kw)


def approved_plan(session: Session, trips, version: int = 1) -> DayPlan:  # type: ignore[no-untyped-def]
    plan = make_plan(session, day=DAY, version=version)
    make_route(session, plan, trips)
    session.flush()
    return lifecycle.approve_plan(
        session, plan.id, expected_row_version=plan.row_version, actor_id=None
    )


def do_publish(session: Session, plan: DayPlan) -> int:
    return publish(
        session,
        plan.id,
        expected_row_version=plan.row_version,
        actor_id=None,
        settings=SETTINGS,
        now=NOW,
    ).messages


def rider_messages(session: Session) -> list[OutboxMessage]:
    return list(
        session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.related_type == "rider")
            .order_by(OutboxMessage.id)
        )
    )


def test_each_unserved_rider_gets_one_message_in_their_language_listing_the_rides(
    session: Session,
) -> None:
    served = make_trip(session, day=DAY, status=TripStatus.PLANNED)
    amal = make_rider(session, first_name="Amal", locale="ar")  # phone only: SMS
    morning = unserved(
        session,
        amal,
        earliest_pickup=local_instant(DAY, dt.time(5, 0)),
        latest_dropoff=local_instant(DAY, dt.time(6, 0)),
    )
    evening = unserved(
        session,
        amal,
        direction=TripDirection.RETURN,
        origin=morning.destination,
        destination=morning.origin,
        earliest_pickup=local_instant(DAY, dt.time(16, 30)),
        latest_dropoff=local_instant(DAY, dt.time(18, 0)),
    )
    olga = make_rider(session, first_name="Olga", locale="en", email="olga@example.org")
    unserved(session, olga, latest_dropoff=local_instant(DAY, dt.time(7, 45)))
    plan = approved_plan(session, [served])

    do_publish(session, plan)

    sms, mail = rider_messages(session)
    assert (sms.channel, sms.recipient, sms.locale) == (OutboxChannel.SMS, amal.phone, "ar")
    assert "6:00" in sms.body and "4:30" in sms.body  # Arabic clock: 6:00 ص, 4:30 م
    assert "المكتب على علم وسيتصل بك" in sms.body and "driver" not in sms.body
    assert (mail.channel, mail.recipient) == (OutboxChannel.EMAIL, "olga@example.org")
    assert "No driver found yet for your ride on" in (mail.subject or "")
    assert "arrive by 7:45\u202fAM: " in mail.body
    assert "The office knows and will call you" in mail.body
    assert morning.id != evening.id


def test_publishing_again_with_the_same_gaps_sends_nothing_new_but_a_new_gap_is_told(
    session: Session,
) -> None:
    served = make_trip(session, day=DAY, status=TripStatus.PLANNED)
    amal = make_rider(session, locale="en")
    unserved(session, amal)
    first = approved_plan(session, [served])
    do_publish(session, first)
    assert len(rider_messages(session)) == 1

    second = approved_plan(session, [served], version=2)
    do_publish(session, second)
    assert len(rider_messages(session)) == 1

    served.status, served.unserved_reason = TripStatus.UNSERVED, "no_seat"
    third = approved_plan(session, [], version=3)
    do_publish(session, third)
    recipients = [m.recipient for m in rider_messages(session)]
    assert recipients == [amal.phone, served.rider.phone]


def test_cancelled_waiting_and_erased_riders_hear_nothing(session: Session) -> None:
    served = make_trip(session, day=DAY, status=TripStatus.PLANNED)
    unserved(session, make_rider(session), status=TripStatus.CANCELLED, unserved_reason=None)
    make_trip(session, day=DAY, status=TripStatus.REQUESTED)  # added after the run
    gone = make_rider(session)
    unserved(session, gone)
    gone.first_name, gone.phone, gone.erased_at = None, None, NOW
    plan = approved_plan(session, [served])

    do_publish(session, plan)

    assert rider_messages(session) == []
    assert riders_to_call(session, DAY) == []


def test_riders_to_call_and_the_riders_own_view_follow_the_published_plan(
    session: Session,
) -> None:
    amal = make_rider(session, first_name="Amal")
    wanted = unserved(
        session,
        amal,
        earliest_pickup=local_instant(DAY, dt.time(5, 0)),
        latest_dropoff=local_instant(DAY, dt.time(6, 0)),
    )
    plan = approved_plan(session, [])
    assert riders_to_call(session, DAY) == []  # approved is not yet what people live by
    assert rider_unserved_rides(session, amal.id, DAY) == []

    do_publish(session, plan)

    (person,) = riders_to_call(session, DAY)
    assert (person.name, person.phone) == ("Amal", amal.phone)
    (ride,) = person.rides
    assert (ride.trip_id, ride.reason, ride.wished_at) == (
        wanted.id,
        "no_vehicle_in_time",
        local_instant(DAY, dt.time(6, 0)),
    )
    assert [r.trip_id for r in rider_unserved_rides(session, amal.id, DAY)] == [wanted.id]
    assert rider_unserved_rides(session, amal.id, DAY + dt.timedelta(days=1)) == []


def test_a_ride_a_later_draft_serves_still_counts_until_that_draft_is_published(
    session: Session,
) -> None:
    trip = unserved(session, make_rider(session))
    do_publish(session, approved_plan(session, []))
    make_route(session, make_plan(session, day=DAY, version=2), [trip])
    trip.status, trip.unserved_reason = TripStatus.PLANNED, None  # what the draft's run wrote
    session.flush()

    (person,) = riders_to_call(session, DAY)
    assert person.rides[0].reason == "no_driver"
    assert session.scalar(sa.select(DayPlan.status).where(DayPlan.version == 1)) == (
        PlanStatus.PUBLISHED
    )
