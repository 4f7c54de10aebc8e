"""Volunteer drivers: registration, vetting, login (magic link or password), availability.

A new driver cannot be planned until a coordinator vets them. Magic links are
single use, expire after :data:`LOGIN_LINK_LIFETIME`, and are stored hashed;
asking for one answers the same whether the e-mail is known or not, so the
form does not reveal who volunteers. Availability edits are plain rows the
next planning run reads; nothing is copied elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher import audit as audit_log
from matcher.clock import utcnow
from matcher.errors import N_
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.geo.geocoding import make_geocoder
from matcher.models import ActorType
from matcher.models import AvailabilityException
from matcher.models import AvailabilityWindow
from matcher.models import Coordinator
from matcher.models import Driver
from matcher.models import DriverLoginToken
from matcher.models import ExceptionKind
from matcher.notifications.accounts import send_login_link
from matcher.people import password_links
from matcher.people import sessions
from matcher.people.phones import normalise_phone
from matcher.people.places import AddressInput
from matcher.people.places import place_for_address
from matcher.security import hash_token
from matcher.security import new_token
from matcher.security import verify_password
from matcher.settings import Settings

LOGIN_LINK_LIFETIME = dt.timedelta(minutes=20)
MIN_PASSWORD_LENGTH = password_links.MIN_PASSWORD_LENGTH
MAX_WINDOWS = 21
"""Checked when the e-mail is unknown, so a wrong e-mail takes as long as a wrong password."""


@dataclass(frozen=True)
class WindowInput:
    """Available on each of ``weekdays`` (0 = Monday) from ``start`` to ``end`` (same day)."""

    weekdays: frozenset[int]
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class ExceptionInput:
    """Dated change: unavailable (holidays) or an extra window, on each day of the range."""

    first_day: dt.date
    last_day: dt.date
    kind: ExceptionKind = ExceptionKind.UNAVAILABLE
    start: dt.time | None = None
    end: dt.time | None = None
    note: str | None = None


@dataclass(frozen=True)
class DriverRegistration:
    """Everything the driver form asks."""

    first_name: str
    last_name: str
    phone: str
    email: str
    home: AddressInput
    seats: int
    consent: bool
    windows: tuple[WindowInput, ...] = ()
    exceptions: tuple[ExceptionInput, ...] = ()
    car_description: str | None = None
    child_seats: int = 0
    languages: tuple[str, ...] = ()
    max_driving_minutes_per_day: int = 240
    locale: str = "de"
    password: str | None = None
    privacy_notice_version: str = "2026-11"


@dataclass(frozen=True)
class DriverRegistered:
    """The new (not yet vetted) driver."""

    driver: Driver
    location_to_check: bool


def register_driver(
    session: Session, registration: DriverRegistration, settings: Settings
) -> DriverRegistered:
    """Create a driver waiting for vetting, with weekly windows and exceptions."""
    if not registration.consent:
        raise ValidationError(N_("Please agree to the privacy notice."), field="consent")
    email = registration.email.strip().lower()
    taken = session.scalars(sa.select(Driver.id).where(Driver.email == email)).first()
    if taken is not None:
        raise ValidationError(
            N_("This e-mail address is already registered. Please log in instead."), field="email"
        )
    phone = normalise_phone(registration.phone)
    home, to_check = place_for_address(
        session, make_geocoder(session, settings), registration.home, "home"
    )
    driver = Driver(
        first_name=registration.first_name,
        last_name=registration.last_name,
        phone=phone,
        email=email,
        home_place=home,
        car_description=registration.car_description,
        seats=registration.seats,
        child_seats=registration.child_seats,
        languages=list(registration.languages),
        max_driving_minutes_per_day=registration.max_driving_minutes_per_day,
        locale=registration.locale,
        consent_at=utcnow(),
        privacy_notice_version=registration.privacy_notice_version,
        vetted=False,
    )
    if registration.password:
        driver.password_hash = password_links.checked_hash(registration.password)
    session.add(driver)
    driver.windows.extend(_windows(registration.windows))
    for exception in registration.exceptions:
        driver.exceptions.append(_exception(exception))
    session.flush()
    return DriverRegistered(driver, to_check)


def _windows(windows: Sequence[WindowInput]) -> list[AvailabilityWindow]:
    """Rows per weekday; overlapping windows on one day are refused with the day named."""
    rows: list[AvailabilityWindow] = []
    for window in windows:
        if window.end <= window.start:
            raise ValidationError(
                N_("The time window must end after it starts ({start}-{end})."),
                field="windows",
                start=window.start.strftime("%H:%M"),
                end=window.end.strftime("%H:%M"),
            )
        if not window.weekdays:
            raise ValidationError(N_("Choose at least one weekday."), field="windows")
        rows.extend(
            AvailabilityWindow(weekday=day, start_time=window.start, end_time=window.end)
            for day in sorted(window.weekdays)
        )
    if len(rows) > MAX_WINDOWS:
        raise ValidationError(N_("Too many time windows."), field="windows")
    for day in range(7):
        spans = sorted((r.start_time, r.end_time) for r in rows if r.weekday == day)
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            if start < end:
                raise ValidationError(
                    N_("Two time windows on the same day overlap."), field="windows"
                )
    return rows


def _exception(data: ExceptionInput) -> AvailabilityException:
    return AvailabilityException(
        kind=data.kind,
        first_day=data.first_day,
        last_day=data.last_day,
        start_time=data.start,
        end_time=data.end,
        note=data.note,
    )


def _driver(session: Session, driver_id: int) -> Driver:
    driver = session.get(Driver, driver_id)
    if driver is None or driver.erased_at is not None:
        raise NotFound(N_("This driver does not exist."))
    return driver


def set_availability(
    session: Session,
    driver_id: int,
    windows: Sequence[WindowInput],
    max_driving_minutes_per_day: int | None = None,
) -> Driver:
    """Replace the driver's weekly windows (and daily driving limit); the next run uses them."""
    driver = _driver(session, driver_id)
    new_rows = _windows(windows)
    driver.windows.clear()
    session.flush()
    driver.windows.extend(new_rows)
    if max_driving_minutes_per_day is not None:
        driver.max_driving_minutes_per_day = max_driving_minutes_per_day
    session.flush()
    return driver


def add_exception(session: Session, driver_id: int, data: ExceptionInput) -> AvailabilityException:
    """Add a dated exception (holidays or an extra window)."""
    driver = _driver(session, driver_id)
    row = _exception(data)
    driver.exceptions.append(row)
    session.flush()
    return row


def remove_exception(session: Session, driver_id: int, exception_id: int) -> None:
    """Delete one of the driver's own exceptions; NotFound for anyone else's."""
    row = session.get(AvailabilityException, exception_id)
    if row is None or row.driver_id != driver_id:
        raise NotFound(N_("This exception does not exist."))
    session.delete(row)
    session.flush()


def vet_driver(
    session: Session, driver_id: int, coordinator_id: int, *, now: dt.datetime | None = None
) -> Driver:
    """A coordinator approves the driver: from now on the planner may use them."""
    driver = _driver(session, driver_id)
    if session.get(Coordinator, coordinator_id) is None:
        raise NotFound(N_("This coordinator does not exist."))
    driver.vetted = True
    driver.vetted_at = now or utcnow()
    driver.vetted_by_id = coordinator_id
    audit_log.record(
        session,
        actor_type=ActorType.COORDINATOR,
        actor_id=coordinator_id,
        action="driver.vet",
        entity_type="driver",
        entity_id=driver.id,
    )
    session.flush()
    return driver


def set_password(session: Session, driver_id: int, password: str) -> None:
    """Set (or change) the driver's password (argon2id)."""
    driver = _driver(session, driver_id)
    driver.password_hash = password_links.checked_hash(password)
    sessions.end_sessions(driver)  # whoever had the old password is out
    session.flush()


def _active_driver_by_email(session: Session, email: str) -> Driver | None:
    return session.scalars(
        sa.select(Driver).where(
            Driver.email == (email or "").strip().lower(),
            Driver.active.is_(True),
            Driver.erased_at.is_(None),
        )
    ).one_or_none()


def authenticate_driver(session: Session, email: str, password: str) -> Driver | None:
    """The driver with this e-mail and password, or None (same work for unknown e-mails)."""
    driver = _active_driver_by_email(session, email)
    if driver is None or not driver.password_hash:
        verify_password(password_links.dummy_hash(), password)
        return None
    if not verify_password(driver.password_hash, password):
        return None
    driver.last_active_at = utcnow()
    return driver


def issue_login_link(
    session: Session,
    email: str,
    settings: Settings,
    *,
    now: dt.datetime | None = None,
) -> str | None:
    """Make a login token and queue its e-mail; None if no active driver has this e-mail.

    The caller shows the same answer either way.
    """
    driver = _active_driver_by_email(session, email)
    if driver is None or driver.email is None:
        return None
    now = now or utcnow()
    token, token_hash = new_token()
    session.add(
        DriverLoginToken(
            driver_id=driver.id,
            token_hash=token_hash,
            created_at=now,
            expires_at=now + LOGIN_LINK_LIFETIME,
        )
    )
    send_login_link(session, driver, token, token_hash, LOGIN_LINK_LIFETIME, settings, now)
    session.flush()
    return token


def redeem_login_link(
    session: Session, token: str, *, now: dt.datetime | None = None
) -> Driver | None:
    """The driver the link belongs to, if unused and unexpired; the link is used up atomically."""
    if not token or len(token) > 100:
        return None
    now = now or utcnow()
    # One UPDATE claims the token, so two simultaneous clicks cannot both log in.
    claimed = session.execute(
        sa.update(DriverLoginToken)
        .where(
            DriverLoginToken.token_hash == hash_token(token),
            DriverLoginToken.used_at.is_(None),
            DriverLoginToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(DriverLoginToken.driver_id)
    ).scalar_one_or_none()
    if claimed is None:
        return None
    driver = session.get(Driver, claimed)
    if driver is None or not driver.active or driver.erased_at is not None:
        return None
    driver.last_active_at = now
    session.flush()
    return driver
