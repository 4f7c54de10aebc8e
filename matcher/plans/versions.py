"""Plan versions for editing: find, check the row version, copy approved/published into a draft.

Optimistic locking: a mutating call names the ``row_version`` its page showed;
a different current value means somebody else changed the plan in between and
the call fails with ``Conflict`` naming who and when (from the audit log). Any
change bumps the row version, copying included (the source is touched, so a
second coordinator editing the same approved plan cannot fork a second draft).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from matcher.audit import record_action
from matcher.clock import BERLIN
from matcher.errors import N_
from matcher.errors import Conflict
from matcher.errors import InvalidTransition
from matcher.errors import NotFound
from matcher.models import ActorType
from matcher.models import AuditEntry
from matcher.models import Coordinator
from matcher.models import DayPlan
from matcher.models import PlanStatus
from matcher.models import Route
from matcher.models import Stop
from matcher.planning.problem import next_version
from matcher.plans.snapshots import save_before_edit

CONFLICT_BY = N_(
    "{name} changed this plan at {time}. The page now shows the current plan;"
    " please make your change again."
)
CONFLICT = N_(
    "This plan was changed in the meantime. The page now shows the current plan;"
    " please make your change again."
)


def get_plan(session: Session, plan_id: int) -> DayPlan:
    """The plan version, or NotFound."""
    plan = session.get(DayPlan, plan_id)
    if plan is None:
        raise NotFound(N_("This plan does not exist."))
    return plan


def conflict(session: Session, plan: DayPlan) -> Conflict:
    """A Conflict naming the last change of ``plan`` if the audit log knows it."""
    entry = session.scalar(
        sa.select(AuditEntry)
        .where(AuditEntry.entity_type == "day_plan", AuditEntry.entity_id == plan.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(1)
    )
    if entry is None:
        return Conflict(CONFLICT)
    name = N_("The planner")
    if entry.actor_type == ActorType.COORDINATOR and entry.actor_id is not None:
        who = session.get(Coordinator, entry.actor_id)
        name = who.name if who is not None else N_("Another coordinator")
    return Conflict(CONFLICT_BY, name=name, time=entry.at.astimezone(BERLIN).strftime("%H:%M"))


def check_row_version(session: Session, plan: DayPlan, expected_row_version: int) -> None:
    """Conflict unless the plan is still at ``expected_row_version``."""
    session.refresh(plan, ["row_version"])
    if plan.row_version != expected_row_version:
        raise conflict(session, plan)


def touch(plan: DayPlan) -> None:
    """Make the next flush update the plan row, which bumps ``row_version``."""
    flag_modified(plan, "status")


def flush(session: Session, plan: DayPlan | None = None) -> None:
    """Flush, turning a concurrent update of the plan into a Conflict."""
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise Conflict(CONFLICT) from None


def new_draft(session: Session, plan: DayPlan, actor_id: int | None) -> DayPlan:
    """An empty new draft version of ``plan``'s day, based on it (routes and figures to add)."""
    return DayPlan(
        day=plan.day,
        version=next_version(session, plan.day),
        status=PlanStatus.DRAFT,
        based_on_id=plan.id,
        created_by_id=actor_id,
        solver_status=plan.solver_status,
        solver_seconds=plan.solver_seconds,
    )


def copy_plan(session: Session, plan: DayPlan, actor_id: int | None) -> DayPlan:
    """A new draft version with the same routes, stops and locks, based on ``plan``."""
    copy = new_draft(session, plan, actor_id)
    copy.objective = plan.objective
    copy.requests_total = plan.requests_total
    copy.requests_served = plan.requests_served
    copy.total_drive_seconds = plan.total_drive_seconds
    copy.total_distance_m = plan.total_distance_m
    copy.solver_stats = dict(plan.solver_stats or {})
    for route in plan.routes:
        new = Route(
            driver_id=route.driver_id,
            locked=route.locked,
            start_at=route.start_at,
            end_at=route.end_at,
            drive_seconds=route.drive_seconds,
            distance_m=route.distance_m,
        )
        for stop in route.stops:
            new.stops.append(
                Stop(
                    sequence=stop.sequence,
                    kind=stop.kind,
                    trip_id=stop.trip_id,
                    place_id=stop.place_id,
                    arrival_at=stop.arrival_at,
                    service_start_at=stop.service_start_at,
                    departure_at=stop.departure_at,
                    load=stop.load,
                    locked=stop.locked,
                )
            )
        copy.routes.append(new)
    session.add(copy)
    touch(plan)
    flush(session, plan)
    record_action(session, actor_id, "plan.copy", "day_plan", plan.id, new_plan=copy.id)
    record_action(session, actor_id, "plan.create", "day_plan", copy.id, copied_from=plan.id)
    return copy


def editable(
    session: Session, plan_id: int, expected_row_version: int, actor_id: int | None
) -> DayPlan:
    """The plan to edit: the draft itself, or a new draft copied from an approved/published one.

    Keeps the plan as it is now for undo (``snapshots``); the edit names it when it finishes.
    """
    plan = get_plan(session, plan_id)
    check_row_version(session, plan, expected_row_version)
    if plan.status == PlanStatus.SUPERSEDED:
        raise InvalidTransition(N_("This version has been replaced; open the current plan."))
    edited = plan if plan.status == PlanStatus.DRAFT else copy_plan(session, plan, actor_id)
    save_before_edit(session, plan, edited)
    return edited
