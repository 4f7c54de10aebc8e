"""The office acts for a rider who calls: pause, resume, cancel a need, pause or restore one day,
erase her data. Each action is audited under the coordinator, refused on a stale row version,
and told to the rider in her language through the outbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import time_machine
from babel.support import Translations

from matcher.errors import Conflict
from matcher.errors import InvalidTransition
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import ActorType
from matcher.models import AuditEntry
from matcher.models import NeedDecision
from matcher.models import NeedStatus
from matcher.models import OutboxChannel
from matcher.models import OutboxMessage
from matcher.models import ScheduleKind
from matcher.models import Trip
from matcher.models import TripStatus
from matcher.people import registration
from matcher.people import rider_office
from matcher.settings import Settings
from tests.factories import make_coordinator
from tests.factories import make_need
from tests.factories import make_published_route
from tests.factories import make_rider
from tests.factories import make_trip
from web.config import DefaultConfig

SETTINGS = Settings(translations_dir=DefaultConfig.TRANSLATIONS_DIR, base_url="https://mfn.example")
TODAY = dt.date(2026, 6, 10)  # a Wednesday
NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture()
def office(session):  # type: ignore[no-untyped-def]
    return make_coordinator(session)


@pytest.fixture()
def need(session):  # type: ignore[no-untyped-def]
    """Olena's weekday need, with trips tomorrow and the day after (Thursday, Friday)."""
    rider = make_rider(session, first_name="Olena", locale="uk")
    need = make_need(session, rider=rider)
    for offset in (1, 2):
        make_trip(
            session,
            day=TODAY + dt.timedelta(days=offset),
            rider=rider,
            need=need,
            origin=need.origin,
            destination=need.destination,
        )
    session.flush()
    return need


def messages(session) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def audit(session) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    return list(session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def trips_of(session, need) -> dict[dt.date, TripStatus]:  # type: ignore[no-untyped-def]
    rows = session.scalars(
        sa.select(Trip).where(Trip.need_id == need.id, Trip.direction == "outbound")
    )
    return {t.day: t.status for t in rows}


def act(session, name, need, office, *args):  # type: ignore[no-untyped-def]
    service = getattr(rider_office, name)
    return service(session, need.rider_id, need.id, need.row_version, *args, office.id, SETTINGS)


def test_pausing_a_need_cancels_its_open_trips_and_tells_the_rider_in_her_language(
    session, need, office
) -> None:  # type: ignore[no-untyped-def]
    seen = need.row_version
    act(session, "pause_need", need, office)
    assert need.status == NeedStatus.PAUSED and need.row_version == seen + 1
    assert set(trips_of(session, need).values()) == {TripStatus.CANCELLED}
    (entry,) = audit(session)
    assert (entry.action, entry.actor_type, entry.actor_id) == (
        "need.office_paused",
        ActorType.COORDINATOR,
        office.id,
    )
    assert entry.entity_type == "ride_need" and entry.details["trips_cancelled"] == 2
    (sms,) = messages(session)
    ukrainian = Translations.load(DefaultConfig.TRANSLATIONS_DIR, ["uk"], domain="messages")
    assert sms.channel == OutboxChannel.SMS and sms.recipient == need.rider.phone
    assert sms.locale == "uk" and sms.related_type == "rider"
    expected = ukrainian.gettext(
        "Mitfahrnetz: your ride request to %(place)s is paused, as you asked."
        " No rides until the office starts it again."
    ) % {"place": need.destination.name}
    assert sms.body == expected and "paused" not in sms.body


def test_a_paused_need_is_resumed_with_its_trips_of_the_coming_days(session, need, office) -> None:  # type: ignore[no-untyped-def]
    act(session, "pause_need", need, office)
    with pytest.raises(InvalidTransition):
        act(session, "pause_need", need, office)
    act(session, "resume_need", need, office)
    assert need.status == NeedStatus.ACTIVE
    coming = trips_of(session, need)
    assert coming[TODAY + dt.timedelta(days=1)] == TripStatus.REQUESTED  # came back
    assert coming[TODAY + dt.timedelta(days=5)] == TripStatus.REQUESTED  # Monday, made at once
    assert TODAY + dt.timedelta(days=3) not in coming  # Saturday: the need is Monday to Friday
    assert [e.action for e in audit(session)] == ["need.office_paused", "need.office_resumed"]
    assert len(messages(session)) == 2
    with pytest.raises(InvalidTransition):
        act(session, "resume_need", need, office)


def test_a_stale_page_is_refused_and_changes_nothing(session, need, office) -> None:  # type: ignore[no-untyped-def]
    seen = need.row_version
    act(session, "pause_need", need, office)
    for name in ("resume_need", "cancel_need"):
        with pytest.raises(Conflict):
            getattr(rider_office, name)(session, need.rider_id, need.id, seen, office.id, SETTINGS)
    with pytest.raises(Conflict):
        rider_office.pause_day(session, need.rider_id, need.id, seen, TODAY, office.id, SETTINGS)
    assert need.status == NeedStatus.PAUSED
    assert len(audit(session)) == 1 and len(messages(session)) == 1


def test_another_riders_need_and_an_erased_rider_are_not_found(session, need, office) -> None:  # type: ignore[no-untyped-def]
    other = make_rider(session)
    with pytest.raises(NotFound):
        rider_office.pause_need(session, other.id, need.id, need.row_version, office.id, SETTINGS)
    rider_office.erase_rider(session, need.rider_id, office.id, SETTINGS)
    with pytest.raises(NotFound):
        act(session, "cancel_need", need, office)


def test_cancelling_keeps_published_rides_and_flags_their_plan(session, need, office) -> None:  # type: ignore[no-untyped-def]
    friday = TODAY + dt.timedelta(days=2)
    published = session.scalars(
        sa.select(Trip).where(Trip.need_id == need.id, Trip.day == friday)
    ).one()
    route = make_published_route(session, day=friday, trips=[published])
    act(session, "cancel_need", need, office)
    assert need.status == NeedStatus.CANCELLED
    statuses = trips_of(session, need)
    assert statuses[TODAY + dt.timedelta(days=1)] == TripStatus.CANCELLED
    assert statuses[friday] != TripStatus.CANCELLED and route.plan.needs_attention
    (message,) = messages(session)
    assert message.idempotency_key.startswith(f"need:{need.id}:office:cancelled:")
    with pytest.raises(InvalidTransition):
        act(session, "cancel_need", need, office)


def test_one_day_is_paused_and_restored(session, need, office) -> None:  # type: ignore[no-untyped-def]
    thursday = TODAY + dt.timedelta(days=1)
    act(session, "pause_day", need, office, thursday)
    assert [p.day for p in need.paused_dates] == [thursday]
    assert trips_of(session, need)[thursday] == TripStatus.CANCELLED
    assert trips_of(session, need)[thursday + dt.timedelta(days=1)] == TripStatus.REQUESTED
    with pytest.raises(ValidationError):  # twice the same day
        act(session, "pause_day", need, office, thursday)
    with pytest.raises(ValidationError):  # a Saturday has no ride to pause
        act(session, "pause_day", need, office, TODAY + dt.timedelta(days=3))
    with pytest.raises(ValidationError):  # a day that is not paused
        act(session, "resume_day", need, office, TODAY + dt.timedelta(days=2))
    act(session, "resume_day", need, office, thursday)
    assert need.paused_dates == []
    assert trips_of(session, need)[thursday] == TripStatus.REQUESTED
    actions = [(e.action, e.details.get("day")) for e in audit(session)]
    assert actions == [
        ("need.office_day_paused", "2026-06-11"),
        ("need.office_day_resumed", "2026-06-11"),
    ]
    keys = [m.idempotency_key.split(":")[3] for m in messages(session)]
    assert keys == ["day_paused", "day_resumed"]


def test_erasing_at_the_riders_request_is_the_riders_own_erasure_audited_under_the_office(
    session, need, office
) -> None:  # type: ignore[no-untyped-def]
    rider = need.rider
    rider.email = "olena@example.org"
    act(session, "pause_day", need, office, TODAY + dt.timedelta(days=1))  # queues a message
    rider_office.erase_rider(session, rider.id, office.id, SETTINGS)
    assert rider.erased_at is not None and rider.token_hash is None
    assert rider.first_name is None and rider.phone is None and rider.email is None
    assert need.status == NeedStatus.CANCELLED
    assert messages(session) == []  # her unsent messages named her
    entry = audit(session)[-1]
    assert (entry.action, entry.actor_type, entry.actor_id, entry.details["reason"]) == (
        "rider.erase",
        ActorType.COORDINATOR,
        office.id,
        "rider_request",
    )
    with pytest.raises(NotFound):
        rider_office.erase_rider(session, rider.id, office.id, SETTINGS)


def _input(need, **over):  # type: ignore[no-untyped-def]
    values = {
        "purpose": need.purpose,
        "valid_from": TODAY,
        "destination_place_id": None,  # the destination stays
        "weekdays": frozenset({0, 1, 2, 3, 4}),
        "arrive_by": dt.time(7, 30),
        "pick_up_after": dt.time(16, 0),
    }
    values.update(over)
    return registration.NeedInput(**values)


def test_an_office_edit_keeps_an_accepted_need_accepted_and_remakes_its_trips(
    session, need, office
) -> None:  # type: ignore[no-untyped-def]
    need.decision = NeedDecision.ACCEPTED
    session.flush()
    rider_office.edit_need(
        session,
        need.rider_id,
        need.id,
        need.row_version,
        _input(need, weekdays=frozenset({0, 3})),  # Mondays and Thursdays only
        office.id,
        SETTINGS,
    )
    assert need.status == NeedStatus.ACTIVE and need.decision == NeedDecision.ACCEPTED
    assert need.edited_at is None  # not back in the intake queue
    assert need.arrive_by == dt.time(7, 30) and need.weekday_set == {0, 3}
    coming = trips_of(session, need)
    assert coming[TODAY + dt.timedelta(days=1)] == TripStatus.REQUESTED  # Thursday
    assert coming[TODAY + dt.timedelta(days=2)] == TripStatus.CANCELLED  # Friday dropped
    thursday = session.scalars(
        sa.select(Trip).where(
            Trip.need_id == need.id,
            Trip.day == TODAY + dt.timedelta(days=1),
            Trip.direction == "outbound",
        )
    ).one()
    assert thursday.latest_dropoff.astimezone(SETTINGS.tz).time() == dt.time(7, 30)
    (entry,) = audit(session)
    assert entry.action == "need.office_edited" and entry.actor_id == office.id
    (message,) = messages(session)
    assert message.idempotency_key.startswith(f"need:{need.id}:office:edited:")


def test_an_office_edit_is_held_to_the_riders_rules_and_to_the_row_version(
    session, need, office
) -> None:  # type: ignore[no-untyped-def]
    seen = need.row_version
    act(session, "pause_day", need, office, TODAY + dt.timedelta(days=1))
    with pytest.raises(Conflict):
        rider_office.edit_need(
            session, need.rider_id, need.id, seen, _input(need), office.id, SETTINGS
        )
    with session.begin_nested(), pytest.raises(ValidationError):  # dates need dates, as on her page
        rider_office.edit_need(
            session,
            need.rider_id,
            need.id,
            need.row_version,
            _input(need, schedule_kind=ScheduleKind.DATES),
            office.id,
            SETTINGS,
        )
    act(session, "cancel_need", need, office)
    with pytest.raises(ValidationError):  # a cancelled need cannot be changed
        rider_office.edit_need(
            session, need.rider_id, need.id, need.row_version, _input(need), office.id, SETTINGS
        )


def test_an_office_edit_of_a_pending_need_leaves_it_for_the_intake_decision(
    session, need, office
) -> None:  # type: ignore[no-untyped-def]
    need.status = NeedStatus.PENDING
    need.decision = NeedDecision.CHANGE_REQUESTED
    session.flush()
    rider_office.edit_need(
        session, need.rider_id, need.id, need.row_version, _input(need), office.id, SETTINGS
    )
    assert need.status == NeedStatus.PENDING and need.decision is None  # in the queue again
