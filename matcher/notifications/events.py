"""Domain events that produce messages: each builds its texts and enqueues them idempotently.

Keys name the event and its subject (``route:412:driver``), so calling an event
twice, from a retried job or a double click, stores one message. Riders hear
of a ride only once its driver confirmed it (``notify_riders_of_route`` runs on
confirmation), then of changes and cancellations.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import Coordinator
from matcher.models import DayPlan
from matcher.models import OutboxChannel
from matcher.models import OutboxMessage
from matcher.models import Rider
from matcher.models import Route
from matcher.models import RouteStatus
from matcher.models import Trip
from matcher.notifications.messages import render
from matcher.notifications.outbox import enqueue
from matcher.notifications.outbox import message_exists
from matcher.plans.route_tokens import issue_route_token
from matcher.plans.route_tokens import respond_url
from matcher.queries.schedules import driver_day
from matcher.queries.schedules import pickups_and_dropoffs
from matcher.queries.schedules import ride_of
from matcher.queries.unserved import unserved_by_rider
from matcher.settings import Settings


def site_url(settings: Settings, path: str) -> str:
    """An absolute link into the site (``settings.base_url``), for messages."""
    return f"{settings.base_url.rstrip('/')}{path}"


def coordinator_day_url(settings: Settings, day: dt.date) -> str:
    """The coordinators' page of ``day``."""
    return site_url(settings, f"/coordinator/days/{day.isoformat()}")


def send_to(
    session: Session,
    *,
    key: str,
    template: str,
    locale: str,
    settings: Settings,
    now: dt.datetime,
    email: str | None,
    phone: str | None = None,
    related: tuple[str, int] | None = None,
    **context: Any,
) -> OutboxMessage | None:
    """Render ``template`` for one person and enqueue it: e-mail if they have one, else SMS."""
    text = render(template, locale, settings.translations_dir, tz=settings.tz, **context)
    if email:
        return enqueue(
            session,
            key=key,
            channel=OutboxChannel.EMAIL,
            recipient=email,
            subject=text.subject,
            body=text.body,
            locale=locale,
            related=related,
            now=now,
        )
    if phone:
        return enqueue(
            session,
            key=key,
            channel=OutboxChannel.SMS,
            recipient=phone,
            body=text.sms,
            locale=locale,
            related=related,
            now=now,
        )
    return None


def notify_driver_of_route(
    session: Session, route: Route, settings: Settings, now: dt.datetime, *, changed: bool = False
) -> OutboxMessage | None:
    """Send the driver their route with fresh confirm/decline links (once per route)."""
    return _send_route_with_links(
        session,
        route,
        settings,
        now,
        key=f"route:{route.id}:driver",
        template="driver_route.txt",
        changed=changed,
    )


def remind_driver(
    session: Session, route: Route, settings: Settings, now: dt.datetime
) -> OutboxMessage | None:
    """Remind a driver who has not answered (new links: the old ones stop working)."""
    return _send_route_with_links(
        session,
        route,
        settings,
        now,
        key=f"route:{route.id}:driver-reminder",
        template="driver_reminder.txt",
    )


def _send_route_with_links(
    session: Session,
    route: Route,
    settings: Settings,
    now: dt.datetime,
    *,
    key: str,
    template: str,
    **context: object,
) -> OutboxMessage | None:
    """One message to the route's driver: stops, totals and new confirm/decline links."""
    driver = route.driver
    # A repeated event must not replace the token of the message already stored.
    if driver.erased_at is not None or message_exists(session, key):
        return None
    token = issue_route_token(route, settings)
    view = driver_day(route, settings)
    return send_to(
        session,
        key=key,
        template=template,
        locale=driver.locale,
        settings=settings,
        now=now,
        email=driver.email,
        phone=driver.phone,
        related=("route", route.id),
        driver_name=driver.first_name,
        day=view.day,
        stops=view.stops,
        confirm_url=respond_url(settings.base_url, token, "confirm"),
        decline_url=respond_url(settings.base_url, token, "decline"),
        km=view.distance_km if view.distance_km is not None else "–",
        portal_url=site_url(settings, "/driver/"),
        **context,
    )


def _rider_was_told(session: Session, trip_id: int) -> bool:
    found = session.scalar(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.related_type == "trip", OutboxMessage.related_id == trip_id)
        .limit(1)
    )
    return found is not None


def notify_riders_of_route(
    session: Session, route: Route, settings: Settings, now: dt.datetime
) -> int:
    """Tell each rider on a confirmed route their ride ("changed" if they had heard before)."""
    count = 0
    for trip_id, (pickup, dropoff) in pickups_and_dropoffs(route).items():
        trip = pickup.trip
        assert trip is not None
        rider = trip.rider
        if rider.erased_at is not None:
            continue
        ride = ride_of(trip_id, pickup, dropoff, settings)
        message = send_to(
            session,
            key=f"ride:{trip_id}:route:{route.id}",
            template="rider_ride.txt",
            locale=rider.locale,
            settings=settings,
            now=now,
            email=rider.email,
            phone=rider.phone,
            related=("trip", trip_id),
            changed=_rider_was_told(session, trip_id),
            rider_name=rider.first_name,
            day=ride.day,
            pickup_time=ride.pickup_time,
            pickup_place=ride.pickup_place,
            dropoff_time=ride.dropoff_time,
            dropoff_place=ride.dropoff_place,
            driver_name=ride.driver_name,
            car=ride.car,
        )
        count += message is not None
    return count


def notify_ride_cancelled(
    session: Session,
    trip: Trip,
    pickup_time: str,
    settings: Settings,
    now: dt.datetime,
    *,
    cause: str,
) -> OutboxMessage | None:
    """Tell a rider who had been told their ride that it will not happen as planned."""
    rider: Rider = trip.rider
    if rider.erased_at is not None or not _rider_was_told(session, trip.id):
        return None
    return send_to(
        session,
        key=f"ride:{trip.id}:cancelled:{cause}",
        template="rider_cancelled.txt",
        locale=rider.locale,
        settings=settings,
        now=now,
        email=rider.email,
        phone=rider.phone,
        related=("trip", trip.id),
        rider_name=rider.first_name,
        day=trip.day,
        pickup_time=pickup_time,
    )


def notify_coordinators(
    session: Session,
    *,
    key: str,
    template: str,
    settings: Settings,
    now: dt.datetime,
    **context: Any,
) -> int:
    """Send one message to every active coordinator (key suffixed per coordinator)."""
    coordinators = session.scalars(
        sa.select(Coordinator).where(Coordinator.active.is_(True)).order_by(Coordinator.id)
    ).all()
    sent = 0
    for coordinator in coordinators:
        message = send_to(
            session,
            key=f"{key}:coordinator:{coordinator.id}",
            template=template,
            locale=coordinator.locale,
            settings=settings,
            now=now,
            email=coordinator.email,
            **context,
        )
        sent += message is not None
    return sent


def _previous_routes(
    session: Session, plan: DayPlan, superseded_plan_id: int | None
) -> dict[int, Route]:
    if superseded_plan_id is None:
        return {}
    old = session.get(DayPlan, superseded_plan_id)
    return {r.driver_id: r for r in old.routes} if old is not None else {}


def notify_plan_published(
    session: Session,
    plan: DayPlan,
    settings: Settings,
    now: dt.datetime,
    *,
    superseded_plan_id: int | None = None,
    changed_driver_ids: list[int] | None = None,
    changed_rider_ids: list[int] | None = None,
) -> int:
    """After ``publish_plan``: tell drivers their new or changed route, riders their changes.

    A driver whose route did not change (not in ``changed_driver_ids``) and who
    had confirmed the previous version keeps the confirmation and gets no
    message; riders on such a route whose times changed get a "changed" message
    at once. Riders who had been told a ride that the new version drops are told
    it is cancelled. Everyone else hears when their driver confirms.
    """
    previous = _previous_routes(session, plan, superseded_plan_id)
    changed_drivers = set(changed_driver_ids) if changed_driver_ids is not None else None
    messages = 0
    for route in plan.routes:
        old = previous.get(route.driver_id)
        unchanged = (
            old is not None
            and changed_drivers is not None
            and (route.driver_id not in changed_drivers)
        )
        if unchanged and old is not None and old.status == RouteStatus.CONFIRMED:
            route.status, route.responded_at = RouteStatus.CONFIRMED, old.responded_at or now
            if changed_rider_ids:
                messages += _notify_changed_riders(
                    session, route, set(changed_rider_ids), settings, now
                )
            continue
        messages += (
            notify_driver_of_route(session, route, settings, now, changed=old is not None)
            is not None
        )
    messages += _notify_dropped_rides(session, plan, previous, settings, now)
    return messages


def _notify_changed_riders(
    session: Session, route: Route, rider_ids: set[int], settings: Settings, now: dt.datetime
) -> int:
    count = 0
    for trip_id, (pickup, dropoff) in pickups_and_dropoffs(route).items():
        trip = pickup.trip
        if trip is None or trip.rider_id not in rider_ids or trip.rider.erased_at is not None:
            continue
        ride = ride_of(trip_id, pickup, dropoff, settings)
        count += (
            send_to(
                session,
                key=f"ride:{trip_id}:route:{route.id}",
                template="rider_ride.txt",
                locale=trip.rider.locale,
                settings=settings,
                now=now,
                email=trip.rider.email,
                phone=trip.rider.phone,
                related=("trip", trip_id),
                changed=True,
                rider_name=trip.rider.first_name,
                day=ride.day,
                pickup_time=ride.pickup_time,
                pickup_place=ride.pickup_place,
                dropoff_time=ride.dropoff_time,
                dropoff_place=ride.dropoff_place,
                driver_name=ride.driver_name,
                car=ride.car,
            )
            is not None
        )
    return count


def _notify_dropped_rides(
    session: Session,
    plan: DayPlan,
    previous: dict[int, Route],
    settings: Settings,
    now: dt.datetime,
) -> int:
    kept = {s.trip_id for r in plan.routes for s in r.stops if s.trip_id}
    count = 0
    for old in previous.values():
        if old.status != RouteStatus.CONFIRMED:
            continue
        for trip_id, (pickup, _dropoff) in pickups_and_dropoffs(old).items():
            if trip_id in kept or pickup.trip is None:
                continue
            time = ride_of(trip_id, pickup, _dropoff, settings).pickup_time
            count += (
                notify_ride_cancelled(
                    session, pickup.trip, time, settings, now, cause=f"plan-{plan.id}"
                )
                is not None
            )
    return count


def notify_unserved_riders(
    session: Session, plan: DayPlan, settings: Settings, now: dt.datetime
) -> int:
    """Tell each rider whom the published ``plan`` leaves without a driver, in their language.

    One message per rider and day lists the rides (arrive by 06:00, pick-up from
    16:30) and says the office will call. The key holds the unserved trips, so
    publishing a new version with the same gaps stores nothing new, while a
    version that leaves a further ride out tells the rider again.
    """
    sent = 0
    for person in unserved_by_rider(session, plan):
        trips = "-".join(str(ride.trip_id) for ride in person.rides)
        message = send_to(
            session,
            key=f"unserved:{plan.day.isoformat()}:rider:{person.rider_id}:{trips}"[:200],
            template="rider_unserved.txt",
            locale=person.locale,
            settings=settings,
            now=now,
            email=person.email,
            phone=person.phone,
            related=("rider", person.rider_id),
            rider_name=person.name,
            day=plan.day,
            rides=person.rides,
        )
        sent += message is not None
    return sent
