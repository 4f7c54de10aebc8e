"""What the office does with a driver: vetting decisions and availability on their behalf.

Approve (a new or once rejected driver), reject with a reason from
``REJECT_REASONS``, suspend with a reason from ``SUSPEND_REASONS``, reinstate a
suspended driver. Every decision carries the driver's row version, so of two
coordinators deciding at once the second gets a ``Conflict``; it is in the
audit log and the driver is told in their language through the outbox. Only
approved drivers get shifts (``Driver.plannable``, read by
``matcher.demand.shifts``), so a suspension applies from the next planning run;
published routes the driver still holds are listed by
``matcher.queries.driver_page.routes_needing_attention``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from matcher import audit as audit_log
from matcher.clock import today
from matcher.clock import utcnow
from matcher.errors import N_
from matcher.errors import Conflict
from matcher.errors import InvalidTransition
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import REJECT_REASONS
from matcher.models import SUSPEND_REASONS
from matcher.models import AvailabilityException
from matcher.models import Coordinator
from matcher.models import Driver
from matcher.models import DriverVetting
from matcher.models import VettingReason
from matcher.notifications.events import send_to
from matcher.people import drivers
from matcher.queries.driver_page import routes_needing_attention
from matcher.settings import Settings

CONFLICT = N_("Someone else changed this driver meanwhile. Please look at the page again.")
VETTING_REASON_TEXTS = {
    VettingReason.NO_LICENCE: N_("No valid driving licence"),
    VettingReason.NO_CERTIFICATE: N_("No certificate of good conduct"),
    VettingReason.CAR_UNSUITABLE: N_("The car is not suitable"),
    VettingReason.OUTSIDE_AREA: N_("Lives outside the area we serve"),
    VettingReason.NOT_REACHABLE: N_("We could not reach them"),
    VettingReason.COMPLAINT: N_("A complaint is being looked into"),
    VettingReason.DOCUMENTS_EXPIRED: N_("Documents have expired"),
    VettingReason.OWN_REQUEST: N_("At their own request"),
    VettingReason.OTHER: N_("Another reason (see the note)"),
}
"""The reasons as the office reads them; the driver's message (driver_vetting.txt) words them."""


def _driver(session: Session, driver_id: int, row_version: int) -> Driver:
    driver = session.get(Driver, driver_id)
    if driver is None or driver.erased_at is not None:
        raise NotFound(N_("This driver does not exist."))
    if driver.row_version != row_version:
        raise Conflict(CONFLICT)
    return driver


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as error:
        raise Conflict(CONFLICT) from error


def _reason(
    reason: str | None, note: str | None, allowed: Sequence[VettingReason]
) -> tuple[VettingReason, str | None]:
    try:
        chosen = VettingReason(reason or "")
    except ValueError:
        raise ValidationError(N_("Please choose a reason."), field="reason") from None
    if chosen not in allowed:
        raise ValidationError(N_("Please choose a reason."), field="reason")
    text = (note or "").strip() or None
    if chosen == VettingReason.OTHER and text is None:
        raise ValidationError(N_("Please write the reason for the driver."), field="note")
    return chosen, text


def decide(
    session: Session,
    driver_id: int,
    row_version: int,
    action: str,
    coordinator_id: int,
    settings: Settings,
    *,
    reason: str | None = None,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> Driver:
    """Approve, reject, suspend or reinstate; the driver is told, the audit log keeps it."""
    now = now or utcnow()
    driver = _driver(session, driver_id, row_version)
    if session.get(Coordinator, coordinator_id) is None:
        raise NotFound(N_("This coordinator does not exist."))
    state = driver.vetting_status
    chosen: VettingReason | None = None
    text: str | None = None
    if action == "approve" and state in (DriverVetting.PENDING, DriverVetting.REJECTED):
        target = DriverVetting.APPROVED
        text = (note or "").strip() or None
    elif action == "reject" and state == DriverVetting.PENDING:
        target = DriverVetting.REJECTED
        chosen, text = _reason(reason, note, REJECT_REASONS)
    elif action == "suspend" and state == DriverVetting.APPROVED:
        target = DriverVetting.SUSPENDED
        chosen, text = _reason(reason, note, SUSPEND_REASONS)
    elif action == "reinstate" and state == DriverVetting.SUSPENDED:
        target = DriverVetting.APPROVED
        text = (note or "").strip() or None
    elif action in ("approve", "reject", "suspend", "reinstate"):
        raise InvalidTransition(
            N_("This is not possible for a driver in this state. Please look at the page again.")
        )
    else:
        raise ValidationError(N_("Unknown action."), field="action")
    driver.vetting_status = target
    driver.vetting_reason = chosen
    driver.vetting_note = text
    if target == DriverVetting.APPROVED:
        driver.vetted_at = now
        driver.vetted_by_id = coordinator_id
    _flush(session)
    flagged = 0
    if target in (DriverVetting.SUSPENDED, DriverVetting.REJECTED):
        for route in routes_needing_attention(session, today(settings.tz), driver_id=driver.id):
            route.plan.needs_attention = True
            flagged += 1
    audit_log.record_action(
        session,
        coordinator_id,
        f"driver.{action}",
        "driver",
        driver.id,
        reason=chosen.value if chosen else None,
        note=text,
        published_routes_flagged=flagged,
    )
    send_to(
        session,
        key=f"driver:{driver.id}:vetting:{driver.row_version}",
        template="driver_vetting.txt",
        locale=driver.locale,
        settings=settings,
        now=now,
        email=driver.email,
        phone=driver.phone,
        related=("driver", driver.id),
        name=driver.first_name or "",
        action=action,
        reason=chosen.value if chosen else "",
        note=text or "",
    )
    session.flush()
    return driver


def _touch(
    session: Session, driver: Driver, coordinator_id: int, action: str, **details: object
) -> None:
    """Bump the driver's row version and record the office's edit."""
    driver.updated_at = utcnow()
    _flush(session)
    audit_log.record_action(session, coordinator_id, action, "driver", driver.id, **details)
    session.flush()


def set_availability(
    session: Session,
    driver_id: int,
    row_version: int,
    windows: Sequence[drivers.WindowInput],
    max_driving_minutes_per_day: int | None,
    coordinator_id: int,
) -> Driver:
    """Replace the driver's weekly windows on their behalf (same rules as the portal)."""
    driver = _driver(session, driver_id, row_version)
    drivers.set_availability(session, driver.id, windows, max_driving_minutes_per_day)
    _touch(session, driver, coordinator_id, "driver.availability", windows=len(driver.windows))
    return driver


def add_exception(
    session: Session,
    driver_id: int,
    row_version: int,
    data: drivers.ExceptionInput,
    coordinator_id: int,
) -> AvailabilityException:
    """Add a dated exception on the driver's behalf."""
    driver = _driver(session, driver_id, row_version)
    row = drivers.add_exception(session, driver.id, data)
    _touch(
        session,
        driver,
        coordinator_id,
        "driver.exception_add",
        first_day=data.first_day.isoformat(),
        last_day=data.last_day.isoformat(),
        kind=data.kind.value,
    )
    return row


def remove_exception(
    session: Session, driver_id: int, row_version: int, exception_id: int, coordinator_id: int
) -> None:
    """Remove one of the driver's exceptions on their behalf."""
    driver = _driver(session, driver_id, row_version)
    drivers.remove_exception(session, driver.id, exception_id)
    _touch(session, driver, coordinator_id, "driver.exception_remove", exception=exception_id)
