"""Intake: accept, ask for a change, decline; row-version conflicts; auto-accept; the queue."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa

from matcher import clock
from matcher.demand import intake
from matcher.errors import Conflict
from matcher.errors import ValidationError
from matcher.models import AuditEntry
from matcher.models import NeedDecision
from matcher.models import NeedStatus
from matcher.models import OutboxMessage
from matcher.models import Trip
from matcher.models import TripStatus
from matcher.people import registration as reg
from matcher.settings import Settings
from tests.factories import make_coordinator
from tests.factories import make_driver
from tests.factories import make_gazetteer_place
from tests.factories import make_need
from tests.factories import make_rider
from tests.matcher.people.test_registration import registration
from web.config import DefaultConfig

SETTINGS = Settings(translations_dir=DefaultConfig.TRANSLATIONS_DIR)
TODAY = clock.today()


def _registered(session, places, **over):
    done = reg.register_rider(session, registration(places, **over), SETTINGS)
    session.flush()
    session.execute(sa.delete(OutboxMessage))  # the welcome mail is not what these tests read
    return done


def _messages(session):
    return session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_new_need_waits_in_the_queue(session, places):
    done = _registered(session, places)
    items = intake.intake_queue(session, clock.utcnow())
    assert [(i.kind, i.need) for i in items if i.need] == [("new_need", done.need)]
    assert intake.waiting_count(session) == 1


def test_accept_makes_the_need_active_and_its_trips_at_once(session, places):
    done = _registered(
        session,
        places,
        need=dataclasses.replace(
            registration(places).need, valid_from=TODAY, weekdays=frozenset(range(7))
        ),
    )
    coordinator = make_coordinator(session)
    need = intake.accept_need(session, done.need.id, 1, coordinator.id, SETTINGS)
    assert need.status == NeedStatus.ACTIVE and need.decision == NeedDecision.ACCEPTED
    days = {t.day for t in session.scalars(sa.select(Trip).where(Trip.need_id == need.id))}
    last = TODAY + dt.timedelta(days=SETTINGS.intake_trip_days)
    # every day of the coming week has its trips (holidays excepted), made by generate_trips
    assert max(days) == last and min(days) >= TODAY and len(days) >= 5
    assert intake.waiting_count(session) == 0
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "need.accepted")).one()
    assert entry.actor_id == coordinator.id and entry.entity_id == need.id
    (mail,) = _messages(session)
    assert mail.recipient == "amal@example.org" and mail.locale == "ar"
    assert "Pflegezentrum" in mail.body and "Your ride request" not in mail.subject  # Arabic


def test_second_decision_on_the_same_version_is_refused(session, places):
    done = _registered(session, places)
    coordinator = make_coordinator(session)
    intake.accept_need(session, done.need.id, 1, coordinator.id, SETTINGS)
    with pytest.raises(Conflict):
        intake.decline_need(session, done.need.id, 1, coordinator.id, "no_drivers", None, SETTINGS)
    assert done.need.status == NeedStatus.ACTIVE


def test_a_stale_version_is_refused(session, places):
    done = _registered(session, places)
    with pytest.raises(Conflict):
        intake.accept_need(session, done.need.id, 7, make_coordinator(session).id, SETTINGS)
    assert done.need.status == NeedStatus.PENDING


def test_decline_tells_the_reason_in_her_language(session, places):
    done = _registered(session, places, email=None)
    need = intake.decline_need(
        session, done.need.id, 1, make_coordinator(session).id, "outside_area", "Zu weit", SETTINGS
    )
    assert need.status == NeedStatus.CANCELLED and need.decision == NeedDecision.DECLINED
    (sms,) = _messages(session)
    assert sms.channel == "sms" and sms.recipient == "+4915123456789"
    assert "Zu weit" in sms.body
    assert "outside the area" not in sms.body  # translated, not the English source
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "need.declined")).one()
    assert entry.details["reason"] == "outside_area"


@pytest.mark.parametrize(
    ("reason", "note", "field"), [("nonsense", None, "reason"), ("other", "  ", "note")]
)
def test_decline_needs_a_known_reason_and_words_for_other(session, places, reason, note, field):
    done = _registered(session, places)
    with pytest.raises(ValidationError) as caught:
        intake.decline_need(
            session, done.need.id, 1, make_coordinator(session).id, reason, note, SETTINGS
        )
    assert caught.value.field == field
    assert done.need.status == NeedStatus.PENDING and not _messages(session)


def test_ask_for_a_change_waits_for_the_riders_edit(session, places):
    done = _registered(session, places)
    coordinator = make_coordinator(session)
    with pytest.raises(ValidationError):
        intake.request_change(session, done.need.id, 1, coordinator.id, " ", SETTINGS)
    intake.request_change(session, done.need.id, 1, coordinator.id, "Bitte 07:00", SETTINGS)
    assert done.need.status == NeedStatus.PENDING
    assert intake.waiting_count(session) == 0  # waits for her, not for the office
    assert "Bitte 07:00" in _messages(session)[0].body
    reg.update_need(session, done.rider.id, done.need.id, registration(places).need, SETTINGS)
    (item,) = [i for i in intake.intake_queue(session, clock.utcnow()) if i.need]
    assert item.kind == "edited_need" and done.need.decision is None
    intake.accept_need(session, done.need.id, done.need.row_version, coordinator.id, SETTINGS)
    assert done.need.status == NeedStatus.ACTIVE


def test_an_edit_of_an_accepted_need_comes_back_to_the_queue(session, places):
    done = _registered(session, places)
    intake.accept_need(session, done.need.id, 1, make_coordinator(session).id, SETTINGS)
    reg.update_need(session, done.rider.id, done.need.id, registration(places).need, SETTINGS)
    assert done.need.status == NeedStatus.PENDING
    assert intake.waiting_count(session) == 1
    assert all(
        t.status == TripStatus.CANCELLED
        for t in session.scalars(sa.select(Trip).where(Trip.need_id == done.need.id))
    )


def test_auto_accept_only_when_switched_on_and_places_confirmed(session, places):
    on = dataclasses.replace(SETTINGS, auto_accept_confirmed_places=True)
    rider = make_rider(session, home_place=make_gazetteer_place(session))
    confirmed = make_need(
        session,
        rider=rider,
        status=NeedStatus.PENDING,
        origin=rider.home_place,
        destination=places["employer"],
    )
    unconfirmed = make_need(
        session, rider=rider, status=NeedStatus.PENDING, destination=places["employer"]
    )
    assert not intake.auto_accept(session, confirmed, SETTINGS)  # the district setting is off
    assert not intake.auto_accept(session, unconfirmed, on)
    assert intake.auto_accept(session, confirmed, on)
    assert confirmed.status == NeedStatus.ACTIVE
    assert confirmed.decision == NeedDecision.AUTO_ACCEPTED
    kinds = {i.kind for i in intake.intake_queue(session, clock.utcnow()) if i.need is confirmed}
    assert kinds == {"auto_accepted"}  # the office still sees it
    assert unconfirmed.status == NeedStatus.PENDING
    # a registration's home address is not confirmed yet: the office decides
    done = reg.register_rider(session, registration(places, phone="0151 9999 0000"), on)
    assert done.need.status == NeedStatus.PENDING


def test_queue_lists_new_drivers_and_flagged_riders(session, places):
    make_driver(session, vetted=False, first_name="Jonas")
    _registered(session, places)
    _registered(session, places)  # same phone: a possible duplicate
    kinds = [i.kind for i in intake.intake_queue(session, clock.utcnow())]
    assert "new_driver" in kinds and "duplicate" in kinds
