"""Time-driven messages: the riders' evening reminder and chasing drivers who have not answered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from matcher.clock import local_day
from matcher.clock import local_instant
from matcher.models import DayPlan
from matcher.models import PlanStatus
from matcher.models import Route
from matcher.models import RouteStatus
from matcher.models import Stop
from matcher.notifications import events
from matcher.queries.schedules import RiderRide
from matcher.queries.schedules import pickups_and_dropoffs
from matcher.queries.schedules import ride_of
from matcher.settings import Settings


def parse_clock(value: str) -> dt.time:
    """``"18:30"`` -> ``time(18, 30)``; a clear error for a bad setting."""
    try:
        hours, minutes = value.strip().split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError as exc:
        raise ValueError(f"expected a time as HH:MM, got {value!r}") from exc


def _published_routes(
    session: Session, day: dt.date, statuses: tuple[RouteStatus, ...]
) -> list[Route]:
    return list(
        session.scalars(
            sa.select(Route)
            .join(DayPlan, Route.plan_id == DayPlan.id)
            .where(
                DayPlan.day == day,
                DayPlan.status == PlanStatus.PUBLISHED,
                Route.status.in_(statuses),
            )
            .order_by(Route.id)
            .options(
                selectinload(Route.plan),
                selectinload(Route.driver),
                selectinload(Route.stops).selectinload(Stop.place),
                selectinload(Route.stops).selectinload(Stop.trip),
            )
        ).all()
    )


def send_rider_reminders(session: Session, settings: Settings, now: dt.datetime) -> int:
    """One reminder per rider for tomorrow's rides on published, confirmed routes."""
    tomorrow = local_day(now, settings.tz) + dt.timedelta(days=1)
    rides: dict[int, list[RiderRide]] = {}
    riders = {}
    for route in _published_routes(session, tomorrow, (RouteStatus.CONFIRMED,)):
        for trip_id, (pickup, dropoff) in pickups_and_dropoffs(route).items():
            trip = pickup.trip
            if trip is None or trip.rider.erased_at is not None:
                continue
            riders[trip.rider_id] = trip.rider
            rides.setdefault(trip.rider_id, []).append(ride_of(trip_id, pickup, dropoff, settings))
    sent = 0
    for rider_id, ride_list in rides.items():
        rider = riders[rider_id]
        ride_list.sort(key=lambda r: r.pickup_time)
        message = events.send_to(
            session,
            key=f"rider:{rider_id}:reminder:{tomorrow.isoformat()}",
            template="rider_reminder.txt",
            locale=rider.locale,
            settings=settings,
            now=now,
            email=rider.email,
            phone=rider.phone,
            related=("rider", rider_id),
            rider_name=rider.first_name,
            day=tomorrow,
            rides=ride_list,
        )
        sent += message is not None
    return sent


@dataclass(frozen=True)
class ChaseReport:
    """Drivers reminded and routes escalated to the coordinators."""

    reminded: int = 0
    escalated: int = 0


def reminder_due_at(route: Route, settings: Settings) -> dt.datetime:
    """When a silent driver is reminded: the deadline on the day before the ride.

    A plan published late (after the deadline) gives the driver two hours first.
    """
    deadline = local_instant(
        route.plan.day - dt.timedelta(days=1),
        parse_clock(settings.driver_response_deadline),
        settings.tz,
    )
    published = route.plan.published_at
    if published is not None:
        deadline = max(deadline, published + dt.timedelta(hours=2))
    return deadline


def chase_driver_answers(session: Session, settings: Settings, now: dt.datetime) -> ChaseReport:
    """Remind drivers who have not answered by the deadline; alert coordinators after that."""
    today = local_day(now, settings.tz)
    reminded = escalated = 0
    for offset in range(0, 8):
        day = today + dt.timedelta(days=offset)
        for route in _published_routes(session, day, (RouteStatus.AWAITING,)):
            if route.driver.erased_at is not None:
                continue
            if route.reminder_sent_at is None:
                if now >= reminder_due_at(route, settings):
                    events.remind_driver(session, route, settings, now)
                    route.reminder_sent_at = now
                    reminded += 1
                continue
            alert_at = route.reminder_sent_at + dt.timedelta(hours=settings.driver_escalation_hours)
            if route.escalated_at is None and now >= alert_at:
                events.notify_coordinators(
                    session,
                    key=f"route:{route.id}:no-answer",
                    template="coordinator_no_answer.txt",
                    settings=settings,
                    now=now,
                    day=day,
                    driver_name=route.driver.display_name,
                    driver_phone=route.driver.phone or "",
                    url=events.coordinator_day_url(settings, day),
                )
                route.escalated_at = now
                escalated += 1
    session.flush()
    return ChaseReport(reminded, escalated)
