"""A driver's answer to a published route: confirm or decline, from the portal or a message link.

Confirming tells the route's riders their rides (they hear nothing before).
Declining frees the route's trips (``unserved`` with reason ``driver_declined``),
marks the day's plan ``needs_attention`` and tells the coordinators that a
re-plan is suggested; nothing is reassigned without a coordinator. Riders who
had already been told are told the ride is not certain any more. Either answer
uses up the message link.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy.orm import Session

from matcher import audit as audit_log
from matcher.errors import N_
from matcher.errors import InvalidTransition
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import ActorType
from matcher.models import PlanStatus
from matcher.models import Route
from matcher.models import RouteStatus
from matcher.models import StopKind
from matcher.models import TripStatus
from matcher.notifications import events
from matcher.plans.route_tokens import route_for_token
from matcher.settings import Settings
from matcher.text import CONTROL_CHARACTERS
from matcher.text import has_control_characters

DECLINED_REASON = "driver_declined"
"""``Trip.unserved_reason`` code for trips freed by a decline."""
MAX_REASON = 500


class Answer(StrEnum):
    """What the driver answers."""

    CONFIRM = "confirm"
    DECLINE = "decline"


def _check_live(route: Route, allowed: tuple[RouteStatus, ...]) -> None:
    if route.plan.status != PlanStatus.PUBLISHED:
        raise InvalidTransition(N_("This route has been replaced by a newer plan."))
    if route.status not in allowed:
        raise InvalidTransition(N_("You have already answered for this route."))


def _audit(
    session: Session, route: Route, action: str, now: dt.datetime, **details: object
) -> None:
    audit_log.record(
        session,
        actor_type=ActorType.DRIVER,
        actor_id=route.driver_id,
        action=action,
        entity_type="route",
        entity_id=route.id,
        at=now,
        plan_id=route.plan_id,
        day=route.plan.day.isoformat(),
        **details,
    )


def confirm_route(session: Session, route: Route, settings: Settings, now: dt.datetime) -> Route:
    """The driver will drive: record it and tell the riders their rides."""
    _check_live(route, (RouteStatus.AWAITING,))
    route.status, route.responded_at = RouteStatus.CONFIRMED, now
    route.confirm_token_hash = route.confirm_token_expires_at = None
    _audit(session, route, "route.confirm", now)
    session.flush()
    events.notify_riders_of_route(session, route, settings, now)
    return route


def decline_route(
    session: Session, route: Route, settings: Settings, now: dt.datetime, reason: str | None = None
) -> Route:
    """The driver cannot drive: free the trips, flag the plan, alert the coordinators."""
    _check_live(route, (RouteStatus.AWAITING, RouteStatus.CONFIRMED))
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_REASON:
        raise ValidationError(N_("Please keep the reason short."), field="reason")
    if reason and has_control_characters(reason, multiline=True):
        raise ValidationError(CONTROL_CHARACTERS, field="reason")
    was_confirmed = route.status == RouteStatus.CONFIRMED
    route.status, route.responded_at, route.decline_reason = RouteStatus.DECLINED, now, reason
    route.confirm_token_hash = route.confirm_token_expires_at = None
    freed = []
    for stop in route.stops:
        if stop.kind != StopKind.PICKUP or stop.trip is None:
            continue
        trip = stop.trip
        if trip.status == TripStatus.PLANNED:
            trip.status, trip.unserved_reason = TripStatus.UNSERVED, DECLINED_REASON
            freed.append(trip.id)
        if was_confirmed:
            time = (stop.service_start_at or stop.arrival_at or now).astimezone(settings.tz)
            events.notify_ride_cancelled(
                session, trip, time.strftime("%H:%M"), settings, now, cause=f"route-{route.id}"
            )
    route.plan.needs_attention = True
    _audit(session, route, "route.decline", now, freed_trip_ids=freed, suggest="replan")
    session.flush()
    events.notify_coordinators(
        session,
        key=f"route:{route.id}:declined",
        template="coordinator_declined.txt",
        settings=settings,
        now=now,
        day=route.plan.day,
        driver_name=route.driver.display_name,
        reason=reason,
        trips=len(freed),
        url=events.coordinator_day_url(settings, route.plan.day),
    )
    return route


def answer_route(
    session: Session,
    route_id: int,
    answer: Answer | str,
    *,
    driver_id: int,
    settings: Settings,
    now: dt.datetime,
    reason: str | None = None,
) -> Route:
    """The portal's answer: only the route's own driver may give it (NotFound otherwise)."""
    route = session.get(Route, route_id)
    if route is None or route.driver_id != driver_id:
        raise NotFound()
    return _apply(session, route, Answer(answer), settings, now, reason)


def answer_with_token(
    session: Session,
    token: str,
    answer: Answer | str,
    *,
    settings: Settings,
    now: dt.datetime,
    reason: str | None = None,
) -> Route:
    """The message link's answer: valid once, until the route's day ends."""
    route = route_for_token(session, token, now)
    return _apply(session, route, Answer(answer), settings, now, reason)


def _apply(
    session: Session,
    route: Route,
    answer: Answer,
    settings: Settings,
    now: dt.datetime,
    reason: str | None,
) -> Route:
    if answer == Answer.CONFIRM:
        return confirm_route(session, route, settings, now)
    return decline_route(session, route, settings, now, reason)
