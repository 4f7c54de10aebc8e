"""Undo of a draft's last edit: a new draft version as the plan was before that edit.

Every edit keeps the plan as it was before it (``snapshots``). Undo makes a new
draft version (``based_on`` the undone one) with those routes, stops, locks and
figures, puts the day's trips back to their status and unserved reason of then,
and marks the undone draft superseded, so it cannot be approved by mistake. The
undone draft's earlier snapshots move to the new version: undo again goes back
one more edit. An undo is not itself an edit that can be undone (there is no
redo); the undone version stays in the version list to compare or reopen.

Undo works on drafts only: an approved or published plan was checked and
signed off as it is; a change to it makes a new draft, which can be undone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.audit import record_action
from matcher.clock import utcnow
from matcher.errors import N_
from matcher.errors import InvalidTransition
from matcher.errors import ValidationError
from matcher.models import DayPlan
from matcher.models import Driver
from matcher.models import PlanSnapshot
from matcher.models import PlanStatus
from matcher.models import Route
from matcher.models import Stop
from matcher.models import StopKind
from matcher.models import Trip
from matcher.models import TripStatus
from matcher.plans.snapshots import PLAN_FIELDS
from matcher.plans.snapshots import ROUTE_FIELDS
from matcher.plans.snapshots import ROUTE_TIMES
from matcher.plans.snapshots import STOP_FIELDS
from matcher.plans.snapshots import STOP_TIMES
from matcher.plans.snapshots import last_snapshot
from matcher.plans.versions import check_row_version
from matcher.plans.versions import flush
from matcher.plans.versions import get_plan
from matcher.plans.versions import new_draft
from matcher.plans.versions import touch
from matcher.settings import Settings

NOTHING_TO_UNDO = N_("There is no change to undo in this version of the plan.")
NOT_A_DRAFT = {
    PlanStatus.APPROVED: N_(
        "This plan is approved, so there is nothing to undo. A change to it makes a new draft,"
        " and that change can be undone."
    ),
    PlanStatus.PUBLISHED: N_(
        "This plan is published, so there is nothing to undo. A change to it makes a new draft,"
        " and that change can be undone."
    ),
}
CANCELLED_SINCE = N_(
    "{rider}'s ride was cancelled after this change, so the plan before it cannot come back."
    " Change the plan by hand instead."
)

LABELS = {
    "trip.move": N_("Undo: moved {rider} to {driver}"),
    "trip.insert": N_("Undo: added {rider} to {driver}'s route"),
    "trip.unassign": N_("Undo: took {rider} off {driver}'s route"),
    "trip.lock": N_("Undo: locked {rider}'s ride"),
    "trip.unlock": N_("Undo: unlocked {rider}'s ride"),
    "route.lock": N_("Undo: locked {driver}'s route"),
    "route.unlock": N_("Undo: unlocked {driver}'s route"),
}
UNDO_ANY = N_("Undo the last change")


@dataclass(frozen=True)
class LastEdit:
    """What an undo would take back, as a translatable button label and its parameters."""

    action: str
    label: str
    params: dict[str, str] = field(default_factory=dict)


def last_edit(session: Session, plan: DayPlan) -> LastEdit | None:
    """The draft's last edit that undo would take back, or None (nothing, or not a draft)."""
    if plan.status != PlanStatus.DRAFT:
        return None
    snapshot = last_snapshot(session, plan.id)
    if snapshot is None:
        return None
    return _describe(session, snapshot)


def _describe(session: Session, snapshot: PlanSnapshot) -> LastEdit:
    details = snapshot.details or {}
    driver_id = details.get("to_driver") or details.get("driver")
    trip = session.get(Trip, details["trip"]) if details.get("trip") else None
    driver = session.get(Driver, driver_id) if driver_id else None
    params = {
        "rider": (trip.rider.first_name or "") if trip is not None else "",
        "driver": driver.display_name if driver is not None else "",
    }
    label = LABELS.get(snapshot.action, UNDO_ANY)
    needed = {"{rider}": "rider", "{driver}": "driver"}
    if any(name in label and not params[key] for name, key in needed.items()):
        label = UNDO_ANY
    return LastEdit(snapshot.action, label, params)


def undo_last_edit(
    session: Session,
    plan_id: int,
    expected_row_version: int,
    actor_id: int | None,
    settings: Settings,
) -> DayPlan:
    """A new draft version as the plan was before its last edit; the undone draft is superseded.

    Raises:
        Conflict: the plan is no longer at ``expected_row_version``.
        InvalidTransition: the version has been replaced.
        ValidationError: not a draft, nothing to undo, or a ride of then is cancelled now.
    """
    del settings  # the state before the edit was checked when it was made
    plan = get_plan(session, plan_id)
    check_row_version(session, plan, expected_row_version)
    if plan.status == PlanStatus.SUPERSEDED:
        raise InvalidTransition(N_("This version has been replaced; open the current plan."))
    if plan.status in NOT_A_DRAFT:
        raise ValidationError(NOT_A_DRAFT[plan.status])
    snapshot = last_snapshot(session, plan.id)
    if snapshot is None:
        raise ValidationError(NOTHING_TO_UNDO)
    undone = _describe(session, snapshot)
    state = snapshot.state
    trips = _trips_back(session, plan, state)
    restored = _restored_plan(session, plan, state, actor_id)
    plan.status = PlanStatus.SUPERSEDED
    plan.superseded_at = utcnow()
    touch(plan)
    flush(session, plan)
    for trip in trips:
        status, reason, details, direct = state["trips"][str(trip.id)]
        trip.status = TripStatus(status)
        trip.unserved_reason, trip.unserved_details, trip.direct_seconds = reason, details, direct
    session.execute(
        sa.update(PlanSnapshot)
        .where(PlanSnapshot.plan_id == plan.id, PlanSnapshot.id != snapshot.id)
        .values(plan_id=restored.id)
    )
    session.delete(snapshot)
    record_action(session, actor_id, "plan.undone", "day_plan", plan.id, by=restored.id)
    record_action(
        session,
        actor_id,
        "plan.undo",
        "day_plan",
        restored.id,
        undone_plan=plan.id,
        undone_action=undone.action,
        **{k: v for k, v in (snapshot.details or {}).items() if k != "copied_from"},
    )
    flush(session)
    return restored


def _trips_back(session: Session, plan: DayPlan, state: dict[str, Any]) -> list[Trip]:
    """The day's trips whose state of then comes back; refuse if a planned one is cancelled now."""
    planned = {s["trip_id"] for r in state["routes"] for s in r["stops"] if s["trip_id"]}
    trips = list(session.scalars(sa.select(Trip).where(Trip.day == plan.day).order_by(Trip.id)))
    for trip in trips:
        if trip.status == TripStatus.CANCELLED and trip.id in planned:
            raise ValidationError(CANCELLED_SINCE, rider=trip.rider.first_name or "")
    return [
        t
        for t in trips
        if t.status != TripStatus.CANCELLED
        and str(t.id) in state["trips"]
        and state["trips"][str(t.id)][0] != TripStatus.CANCELLED
    ]


def _instant(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value is not None else None


def _restored_plan(
    session: Session, plan: DayPlan, state: dict[str, Any], actor_id: int | None
) -> DayPlan:
    restored = new_draft(session, plan, actor_id)
    for name in PLAN_FIELDS:
        setattr(restored, name, state["plan"][name])
    for entry in state["routes"]:
        route = Route(**{f: entry[f] for f in ROUTE_FIELDS})
        for name in ROUTE_TIMES:
            setattr(route, name, _instant(entry[name]))
        for fields in entry["stops"]:
            stop = Stop(**{f: fields[f] for f in STOP_FIELDS if f != "kind"})
            stop.kind = StopKind(fields["kind"])
            for name in STOP_TIMES:
                setattr(stop, name, _instant(fields[name]))
            route.stops.append(stop)
        restored.routes.append(route)
    session.add(restored)
    return restored
