"""Shared factory helpers: valid objects by default, override only what a test cares about.

Indico style: ``make_x(session, **overrides)`` fills defaults with ``setdefault``,
adds the object, flushes and returns it. Add new helpers with targeted edits.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy.orm import Session

from matcher.clock import local_instant
from matcher.models import AvailabilityException
from matcher.models import AvailabilityWindow
from matcher.models import Coordinator
from matcher.models import CoordinatorRole
from matcher.models import DayPlan
from matcher.models import Driver
from matcher.models import ExceptionKind
from matcher.models import NeedPurpose
from matcher.models import NeedStatus
from matcher.models import PartnerKind
from matcher.models import PartnerOrganisation
from matcher.models import PartnerStaff
from matcher.models import Place
from matcher.models import PlaceKind
from matcher.models import PlanningRun
from matcher.models import PlanStatus
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.models import Route
from matcher.models import Stop
from matcher.models import StopKind
from matcher.models import Trip
from matcher.models import TripDirection
from matcher.models import TripStatus
from matcher.security import hash_password
from matcher.security import hash_token

CONSENT_AT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
DEFAULT_PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)
_password_hashes: dict[str, str] = {}


def _next() -> int:
    return next(_counter)


def _add(session: Session, obj: Any) -> Any:
    session.add(obj)
    session.flush()
    return obj


def password_hash(password: str = DEFAULT_PASSWORD) -> str:
    """An argon2 hash of ``password``, computed once per run (argon2 is slow on purpose)."""
    if password not in _password_hashes:
        _password_hashes[password] = hash_password(password)
    return _password_hashes[password]


def make_place(session: Session, **kw: Any) -> Place:
    """A gazetteer village near Lüchow with coordinates."""
    n = _next()
    kw.setdefault("kind", PlaceKind.VILLAGE)
    kw.setdefault("name", f"Dorf {n}")
    kw.setdefault("municipality", "Lüchow")
    kw.setdefault("lat", 52.97 + (n % 50) / 500)
    kw.setdefault("lon", 11.15 + (n % 50) / 500)
    return _add(session, Place(**kw))


def make_coordinator(session: Session, **kw: Any) -> Coordinator:
    """An active coordinator whose password is ``DEFAULT_PASSWORD`` unless given."""
    n = _next()
    password = kw.pop("password", DEFAULT_PASSWORD)
    kw.setdefault("email", f"coordinator{n}@example.invalid")
    kw.setdefault("name", f"Koordination {n}")
    kw.setdefault("password_hash", password_hash(password))
    kw.setdefault("role", CoordinatorRole.COORDINATOR)
    return _add(session, Coordinator(**kw))


def make_partner(session: Session, **kw: Any) -> PartnerOrganisation:
    """An active partner organisation (a counselling centre unless told)."""
    n = _next()
    kw.setdefault("name", f"Migrationsberatung {n}")
    kw.setdefault("kind", PartnerKind.COUNSELLING_CENTRE)
    kw.setdefault("email", f"partner{n}@example.invalid")
    return _add(session, PartnerOrganisation(**kw))


def make_partner_staff(session: Session, **kw: Any) -> PartnerStaff:
    """An active staff member of ``partner`` (a new one unless given), password set."""
    n = _next()
    password = kw.pop("password", DEFAULT_PASSWORD)
    if "partner" not in kw and "partner_id" not in kw:
        kw["partner"] = make_partner(session)
    kw.setdefault("email", f"staff{n}@example.invalid")
    kw.setdefault("name", f"Beraterin {n}")
    kw.setdefault("password_hash", password_hash(password))
    return _add(session, PartnerStaff(**kw))


def make_driver(session: Session, **kw: Any) -> Driver:
    """A vetted, active volunteer driver with three seats."""
    n = _next()
    kw.setdefault("first_name", f"Jens {n}")
    kw.setdefault("last_name", "Muster")
    kw.setdefault("phone", f"+4915200{n:06d}")
    kw.setdefault("email", f"driver{n}@example.invalid")
    kw.setdefault("consent_at", CONSENT_AT)
    kw.setdefault("privacy_notice_version", "2026-01")
    vetted = kw.setdefault("vetted", True)
    if vetted:
        kw.setdefault("vetted_at", CONSENT_AT)
    if "home_place" not in kw and "home_place_id" not in kw:
        kw["home_place"] = make_place(session)
    return _add(session, Driver(**kw))


def make_rider(session: Session, **kw: Any) -> Rider:
    """A rider with a home place and a personal-link token hash."""
    n = _next()
    kw.setdefault("first_name", f"Amal {n}")
    kw.setdefault("phone", f"+4915100{n:06d}")
    kw.setdefault("consent_at", CONSENT_AT)
    kw.setdefault("privacy_notice_version", "2026-01")
    kw.setdefault("token_hash", hash_token(f"rider-token-{n}"))
    if "home_place" not in kw and "home_place_id" not in kw:
        kw["home_place"] = make_place(session)
    return _add(session, Rider(**kw))


def make_trip(session: Session, **kw: Any) -> Trip:
    """A one-off outbound trip: arrive at a new place by 08:00 local on ``day``."""
    day: dt.date = kw.setdefault("day", dt.date(2026, 6, 2))
    if "rider" not in kw and "rider_id" not in kw:
        kw["rider"] = make_rider(session)
    kw.setdefault("direction", TripDirection.OUTBOUND)
    kw.setdefault("purpose", NeedPurpose.JOB)
    if "origin" not in kw and "origin_id" not in kw:
        kw["origin"] = make_place(session)
    if "destination" not in kw and "destination_id" not in kw:
        kw["destination"] = make_place(session, kind=PlaceKind.EMPLOYER, name=f"Betrieb {_next()}")
    kw.setdefault("earliest_pickup", local_instant(day, dt.time(6, 30)))
    kw.setdefault("latest_dropoff", local_instant(day, dt.time(8, 0)))
    return _add(session, Trip(**kw))


def make_plan(session: Session, **kw: Any) -> DayPlan:
    """An empty draft plan (version 1 unless given) for a day."""
    kw.setdefault("day", dt.date(2026, 6, 2))
    kw.setdefault("version", 1)
    return _add(session, DayPlan(**kw))


def make_route(
    session: Session, plan: DayPlan, trips: list[Trip] | None = None, **kw: Any
) -> Route:
    """A route in ``plan`` that picks up and drops off each trip in turn, with plausible times.

    Stops: start at the driver's home, then pick-up/drop-off per trip 20 minutes apart,
    then the end; ``load`` counts the seats in use after each stop.
    """
    if "driver" not in kw and "driver_id" not in kw:
        kw["driver"] = make_driver(session)
    route = Route(plan=plan, **kw)
    session.add(route)
    driver = route.driver if route.driver is not None else session.get(Driver, route.driver_id)
    home = driver.home_place or make_place(session)
    clock = local_instant(plan.day, dt.time(6, 0))
    step = dt.timedelta(minutes=20)
    stops = [Stop(sequence=0, kind=StopKind.START, place=home, departure_at=clock, load=0)]
    for trip in trips or []:
        clock += step
        stops.append(
            Stop(
                sequence=len(stops),
                kind=StopKind.PICKUP,
                trip=trip,
                place=trip.origin,
                arrival_at=clock,
                service_start_at=clock,
                departure_at=clock + dt.timedelta(minutes=1),
                load=trip.seats_needed,
            )
        )
        clock += step
        stops.append(
            Stop(
                sequence=len(stops),
                kind=StopKind.DROPOFF,
                trip=trip,
                place=trip.destination,
                arrival_at=clock,
                service_start_at=clock,
                departure_at=clock + dt.timedelta(minutes=1),
                load=0,
            )
        )
    clock += step
    stops.append(Stop(sequence=len(stops), kind=StopKind.END, place=home, arrival_at=clock, load=0))
    route.stops = stops
    route.start_at = stops[0].departure_at
    route.end_at = clock
    route.drive_seconds = int((clock - stops[0].departure_at).total_seconds())
    route.distance_m = 1000 * len(stops)
    session.flush()
    return route


def make_run(session: Session, **kw: Any) -> PlanningRun:
    """A queued planner run for a day."""
    kw.setdefault("day", dt.date(2026, 6, 2))
    return _add(session, PlanningRun(**kw))


def make_gazetteer_place(session: Session, **kw: Any) -> Place:
    """A gazetteer place (with a stable ``key``), confirmed: a village unless ``kind`` is given."""
    n = _next()
    kind = kw.setdefault("kind", PlaceKind.VILLAGE)
    kw.setdefault("key", f"test-{kind}:{n}")
    kw.setdefault("confirmed", True)
    return make_place(session, **kw)


def make_published_route(
    session: Session,
    *,
    day: dt.date = dt.date(2026, 6, 2),
    plan: DayPlan | None = None,
    riders: int = 2,
    trips: list[Trip] | None = None,
    published_at: dt.datetime | None = None,
    **kw: Any,
) -> Route:
    """A route (awaiting the driver's answer) in the published plan of ``day``, with planned trips.

    Pass ``plan`` to add a second driver's route to the same published plan.
    """
    if plan is None:
        at = published_at or local_instant(day - dt.timedelta(days=1), dt.time(9, 0))
        plan = make_plan(
            session, day=day, status=PlanStatus.PUBLISHED, approved_at=at, published_at=at
        )
    if trips is None:
        trips = [make_trip(session, day=plan.day) for _ in range(riders)]
    for trip in trips:
        trip.status = TripStatus.PLANNED
    return make_route(session, plan, trips, **kw)


def make_need(session: Session, **kw: Any) -> RideNeed:
    """An active weekly job need, Monday to Friday: arrive by 08:00, back after 16:00."""
    if "rider" not in kw and "rider_id" not in kw:
        kw["rider"] = make_rider(session)
    if "origin" not in kw and "origin_id" not in kw:
        kw["origin"] = make_place(session)
    if "destination" not in kw and "destination_id" not in kw:
        kw["destination"] = make_place(session, kind=PlaceKind.EMPLOYER, name=f"Betrieb {_next()}")
    kw.setdefault("purpose", NeedPurpose.JOB)
    kw.setdefault("status", NeedStatus.ACTIVE)
    kw.setdefault("weekdays", 0b0011111)
    kw.setdefault("arrive_by", dt.time(8, 0))
    kw.setdefault("pick_up_after", dt.time(16, 0))
    kw.setdefault("flexibility_minutes", 15)
    kw.setdefault("valid_from", dt.date(2026, 1, 5))
    return _add(session, RideNeed(**kw))


def make_window(session: Session, driver: Driver, **kw: Any) -> AvailabilityWindow:
    """A weekly availability window of ``driver``: Tuesday 05:00-20:00 unless given."""
    kw.setdefault("weekday", 1)
    kw.setdefault("start_time", dt.time(5, 0))
    kw.setdefault("end_time", dt.time(20, 0))
    return _add(session, AvailabilityWindow(driver=driver, **kw))


def make_availability_exception(
    session: Session, driver: Driver, **kw: Any
) -> AvailabilityException:
    """A dated exception of ``driver``: unavailable all day on 2026-06-02 unless given."""
    kw.setdefault("kind", ExceptionKind.UNAVAILABLE)
    kw.setdefault("first_day", dt.date(2026, 6, 2))
    kw.setdefault("last_day", kw["first_day"])
    return _add(session, AvailabilityException(driver=driver, **kw))
