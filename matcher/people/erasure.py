"""Data retention: erase the personal data of people inactive for a configurable time.

Rows stay (trips, routes and plans keep their counts, kilometres and times for
anonymous statistics); what identifies a person is blanked and ``erased_at``
set. A rider or driver counts as inactive when their last activity (or, if
never recorded, their last update) and their last ride are both older than
``retention_months``. Sent or failed outbox messages older than
``outbox_retention_days`` are deleted (their bodies name people); copies of an
erased person's data in other rows are blanked by :mod:`matcher.people.traces`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from matcher import audit as audit_log
from matcher.clock import local_day
from matcher.models import ActorType
from matcher.models import DayPlan
from matcher.models import Driver
from matcher.models import DriverLoginToken
from matcher.models import OutboxMessage
from matcher.models import OutboxStatus
from matcher.models import PlaceKind
from matcher.models import Rider
from matcher.models import Route
from matcher.models import Trip
from matcher.people import registration
from matcher.people import traces
from matcher.people.places import release_address
from matcher.settings import Settings


@dataclass(frozen=True)
class RetentionReport:
    """How many people were erased and messages deleted."""

    riders: int = 0
    drivers: int = 0
    messages: int = 0


def _last_seen(model: type[Rider] | type[Driver]) -> sa.ColumnElement[dt.datetime]:
    return sa.func.coalesce(model.last_active_at, model.updated_at)


def inactive_riders(session: Session, cutoff: dt.datetime, cutoff_day: dt.date) -> list[Rider]:
    """Riders not erased, not seen since ``cutoff`` and without trips on or after ``cutoff_day``."""
    recent_trip = sa.exists().where(Trip.rider_id == Rider.id, Trip.day >= cutoff_day)
    return list(
        session.scalars(
            sa.select(Rider).where(
                Rider.erased_at.is_(None), _last_seen(Rider) < cutoff, ~recent_trip
            )
        ).all()
    )


def inactive_drivers(session: Session, cutoff: dt.datetime, cutoff_day: dt.date) -> list[Driver]:
    """Drivers not erased, not seen since ``cutoff``, without routes on or after ``cutoff_day``."""
    recent_route = sa.exists().where(
        Route.driver_id == Driver.id, Route.plan_id == DayPlan.id, DayPlan.day >= cutoff_day
    )
    return list(
        session.scalars(
            sa.select(Driver).where(
                Driver.erased_at.is_(None), _last_seen(Driver) < cutoff, ~recent_route
            )
        ).all()
    )


def erase_driver(session: Session, driver: Driver, now: dt.datetime) -> None:
    """Blank what identifies ``driver``; routes keep their kilometres and times."""
    home = driver.home_place
    his_traces = traces.of_driver(
        driver, home if home is not None and home.kind == PlaceKind.ADDRESS else None
    )
    driver.erased_at = now
    driver.first_name = driver.last_name = driver.phone = driver.email = None
    driver.car_description = driver.password_hash = driver.calendar_token_hash = None
    if home is not None and home.kind == PlaceKind.ADDRESS:
        release_address(session, home, driver_id=driver.id)  # a shared home stays the others'
    driver.home_place_id = None
    driver.languages = []
    driver.active = False
    session.execute(sa.delete(DriverLoginToken).where(DriverLoginToken.driver_id == driver.id))
    traces.scrub(session, his_traces)
    _audit(session, "driver.erase", "driver", driver.id, now)


def _audit(session: Session, action: str, entity: str, entity_id: int, now: dt.datetime) -> None:
    audit_log.record(
        session,
        actor_type=ActorType.SYSTEM,
        actor_id=None,
        action=action,
        entity_type=entity,
        entity_id=entity_id,
        at=now,
        reason="retention",
    )


def apply_retention(session: Session, settings: Settings, now: dt.datetime) -> RetentionReport:
    """Erase inactive riders and drivers and delete old outbox messages."""
    cutoff = now - relativedelta(months=settings.retention_months)
    cutoff_day = local_day(cutoff, settings.tz)
    riders = inactive_riders(session, cutoff, cutoff_day)
    drivers = inactive_drivers(session, cutoff, cutoff_day)
    for rider in riders:
        # The same erasure as a rider's own request; the audit says it was retention.
        registration.erase_rider(session, rider.id, today=local_day(now, settings.tz))
        _audit(session, "rider.erase", "rider", rider.id, now)
    for driver in drivers:
        erase_driver(session, driver, now)
    deleted = session.execute(
        sa.delete(OutboxMessage).where(
            OutboxMessage.status.in_((OutboxStatus.SENT, OutboxStatus.FAILED)),
            OutboxMessage.created_at < now - dt.timedelta(days=settings.outbox_retention_days),
        )
    )
    session.flush()
    return RetentionReport(len(riders), len(drivers), int(deleted.rowcount))  # type: ignore[attr-defined]
