"""Messages in the recipient's language, and what a newly published version tells whom."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from sqlalchemy.orm import Session

from matcher.models import OutboxMessage
from matcher.models import PlanStatus
from matcher.models import RouteStatus
from matcher.notifications import events
from matcher.notifications.messages import render
from matcher.plans import responses
from matcher.settings import Settings
from tests.factories import make_plan
from tests.factories import make_published_route
from tests.factories import make_rider
from tests.factories import make_trip

DAY = dt.date(2026, 6, 2)
NOW = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
SETTINGS = Settings(base_url="https://mfn.example")


def test_template_is_translated_from_the_catalog_and_dates_follow_the_locale(
    tmp_path: Path,
) -> None:
    catalog = Catalog(locale="de")
    catalog.add("Your route on %(day)s", "Deine Route am %(day)s")
    target = tmp_path / "de" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "messages.mo", "wb") as handle:
        write_mo(handle, catalog)
    context = {
        "driver_name": "Heike",
        "day": DAY,
        "changed": False,
        "stops": [],
        "km": 4,
        "confirm_url": "c",
        "decline_url": "d",
        "portal_url": "p",
    }

    german = render("driver_route.txt", "de", str(tmp_path), **context)
    arabic = render("driver_route.txt", "ar", str(tmp_path), **context)

    assert german.subject == "Deine Route am Dienstag, 2. Juni 2026"
    assert arabic.subject == "Your route on الثلاثاء، 2 يونيو 2026"  # Arabic date, no catalog yet
    assert "Hello Heike," in german.body  # untranslated strings fall back to English


def outbox(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_new_version_keeps_unchanged_confirmations_and_tells_dropped_riders(
    session: Session,
) -> None:
    kept_rider, dropped_rider = make_rider(session), make_rider(session)
    kept_trip = make_trip(session, day=DAY, rider=kept_rider)
    dropped_trip = make_trip(session, day=DAY, rider=dropped_rider)
    calm = make_published_route(session, day=DAY, trips=[kept_trip])
    busy = make_published_route(session, plan=calm.plan, trips=[dropped_trip])
    for route in (calm, busy):
        events.notify_driver_of_route(session, route, SETTINGS, NOW)
        responses.confirm_route(session, route, SETTINGS, NOW)
    v1 = calm.plan
    v1.status, v1.superseded_at = PlanStatus.SUPERSEDED, NOW
    session.flush()
    v2 = make_plan(
        session,
        day=DAY,
        version=2,
        status=PlanStatus.PUBLISHED,
        approved_at=NOW,
        published_at=NOW,
        based_on_id=v1.id,
    )
    calm2 = make_published_route(session, plan=v2, driver=calm.driver, trips=[kept_trip])
    busy2 = make_published_route(session, plan=v2, driver=busy.driver, riders=1)
    before = len(outbox(session))

    events.notify_plan_published(
        session,
        v2,
        SETTINGS,
        NOW,
        superseded_plan_id=v1.id,
        changed_driver_ids=[busy.driver_id],
        changed_rider_ids=[],
    )

    assert calm2.status == RouteStatus.CONFIRMED  # unchanged route: no new answer needed
    assert busy2.status == RouteStatus.AWAITING
    new = outbox(session)[before:]
    by_recipient = {m.recipient: m for m in new}
    assert "has changed" in by_recipient[busy.driver.email].subject
    assert calm.driver.email not in by_recipient
    assert "cannot take place as planned" in by_recipient[dropped_rider.phone].body
    assert kept_rider.phone not in by_recipient
