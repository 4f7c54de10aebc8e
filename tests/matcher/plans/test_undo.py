"""Undo of a draft's last edit: a new draft version exactly as the plan was before it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from matcher.errors import Conflict
from matcher.errors import InvalidTransition
from matcher.errors import ValidationError
from matcher.models import AuditEntry
from matcher.models import DayPlan
from matcher.models import PlanSnapshot
from matcher.models import PlanStatus
from matcher.models import StopKind
from matcher.models import Trip
from matcher.plans import lifecycle as plans
from matcher.plans.snapshots import MAX_UNDO
from tests.matcher.district_kit import SETTINGS
from tests.matcher.district_kit import plan_day
from tests.matcher.plans.test_lifecycle import planned_trip


def picture(session, plan: DayPlan) -> tuple:
    """Everything undo must bring back: routes, stops, times, locks, figures, trip states."""
    session.refresh(plan)
    routes = tuple(
        (
            r.driver_id,
            r.locked,
            r.start_at,
            r.end_at,
            r.drive_seconds,
            tuple(
                (s.sequence, str(s.kind), s.trip_id, s.place_id, s.service_start_at)
                + (s.load, s.locked)
                for s in r.stops
            ),
        )
        for r in sorted(plan.routes, key=lambda r: r.driver_id)
    )
    trips = tuple(
        session.execute(
            sa.select(Trip.id, Trip.status, Trip.unserved_reason, Trip.unserved_details)
            .where(Trip.day == plan.day)
            .order_by(Trip.id)
        )
    )
    figures = (plan.requests_served, plan.total_drive_seconds, plan.total_distance_m)
    return routes, trips, figures


def undo(session, plan: DayPlan, actor_id=None) -> DayPlan:
    return plans.undo_last_edit(session, plan.id, plan.row_version, actor_id, SETTINGS)


def kw(plan: DayPlan, actor_id=None) -> dict:
    return {"expected_row_version": plan.row_version, "actor_id": actor_id, "settings": SETTINGS}


def test_undo_restores_the_routes_before_the_move_exactly(session, district):
    plan, _, _ = plan_day(session)
    before = picture(session, plan)
    trip_id, from_driver = planned_trip(plan)
    to_driver = next(d.id for d in district.drivers if d.id != from_driver)
    edited = plans.move_trip(session, plan.id, trip_id, to_driver, **kw(plan))
    assert picture(session, edited) != before
    label = plans.last_edit(session, edited)
    assert label is not None and label.action == "trip.move"
    assert label.label == "Undo: moved {rider} to {driver}"
    driver = next(d for d in district.drivers if d.id == to_driver)
    assert label.params["driver"] == driver.display_name
    restored = undo(session, edited, district.coordinator.id)
    assert (restored.status, restored.based_on_id) == (PlanStatus.DRAFT, edited.id)
    assert restored.version == edited.version + 1
    assert picture(session, restored) == before
    assert edited.status == PlanStatus.SUPERSEDED
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "plan.undo")).one()
    assert entry.entity_id == restored.id and entry.actor_id == district.coordinator.id
    assert entry.details["undone_action"] == "trip.move" and entry.details["trip"] == trip_id
    # The only edit is undone: nothing left, said plainly.
    assert plans.last_edit(session, restored) is None
    with pytest.raises(ValidationError) as caught:
        undo(session, restored)
    assert "no change to undo" in caught.value.message


def test_undo_twice_goes_back_two_edits_locks_and_unserved_included(session, district):
    plan, _, _ = plan_day(session)
    start = picture(session, plan)
    trip_id, driver_id = planned_trip(plan)
    plans.lock_route(session, plan.id, driver_id, True, **kw(plan))
    locked = picture(session, plan)
    other = next(
        s.trip_id
        for r in plan.routes
        if r.driver_id != driver_id
        for s in r.stops
        if s.kind == StopKind.PICKUP
    )
    plans.unassign_trip(session, plan.id, other, **kw(plan))
    assert session.get(Trip, other).unserved_reason is not None
    once = undo(session, plan)
    assert picture(session, once) == locked
    assert plans.last_edit(session, once).action == "route.lock"
    twice = undo(session, once)
    assert picture(session, twice) == start
    assert [p.status for p in (plan, once, twice)] == [
        PlanStatus.SUPERSEDED,
        PlanStatus.SUPERSEDED,
        PlanStatus.DRAFT,
    ]


def test_undo_of_the_edit_that_copied_a_published_plan(session, district):
    plan, _, _ = plan_day(session)
    plans.approve_plan(session, plan.id, expected_row_version=plan.row_version, actor_id=None)
    plans.publish_plan(session, plan.id, expected_row_version=plan.row_version, actor_id=None)
    before = picture(session, plan)
    # Approved and published plans have nothing to undo; they are refused clearly.
    assert plans.last_edit(session, plan) is None
    with pytest.raises(ValidationError) as caught:
        undo(session, plan)
    assert "published" in caught.value.message
    trip_id, from_driver = planned_trip(plan)
    to_driver = next(d.id for d in district.drivers if d.id != from_driver)
    draft = plans.move_trip(session, plan.id, trip_id, to_driver, **kw(plan))
    restored = undo(session, draft)
    assert picture(session, restored)[:2] == before[:2]
    assert plan.status == PlanStatus.PUBLISHED  # the published version is untouched


def test_approved_plan_is_refused(session, district):
    plan, _, _ = plan_day(session)
    trip_id, from_driver = planned_trip(plan)
    to_driver = next(d.id for d in district.drivers if d.id != from_driver)
    plans.move_trip(session, plan.id, trip_id, to_driver, **kw(plan))
    plans.approve_plan(session, plan.id, expected_row_version=plan.row_version, actor_id=None)
    with pytest.raises(ValidationError) as caught:
        undo(session, plan)
    assert "approved" in caught.value.message
    assert plan.status == PlanStatus.APPROVED


def test_stale_row_version_is_a_conflict_and_superseded_is_refused(session, district):
    plan, _, _ = plan_day(session)
    trip_id, from_driver = planned_trip(plan)
    to_driver = next(d.id for d in district.drivers if d.id != from_driver)
    stale = plan.row_version
    plans.move_trip(session, plan.id, trip_id, to_driver, **kw(plan))
    with pytest.raises(Conflict):
        plans.undo_last_edit(session, plan.id, stale, None, SETTINGS)
    undo(session, plan)
    with pytest.raises(InvalidTransition):
        undo(session, plan)
    # The refused edit of the superseded draft left no snapshot behind.
    assert session.scalar(sa.select(sa.func.count()).select_from(DayPlan)) == 2


def test_a_draft_keeps_the_last_twenty_edits_for_undo(session, district):
    plan, _, _ = plan_day(session)
    _, driver_id = planned_trip(plan)
    for n in range(MAX_UNDO + 3):
        plans.lock_route(session, plan.id, driver_id, n % 2 == 0, **kw(plan))
    kept = session.scalar(
        sa.select(sa.func.count()).select_from(PlanSnapshot).where(PlanSnapshot.plan_id == plan.id)
    )
    assert kept == MAX_UNDO
    assert plans.last_edit(session, plan).action == "route.lock"  # the 23rd edit locked it
