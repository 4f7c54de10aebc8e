"""Plan lifecycle and edits: approve, publish, move, unassign, lock, insert, compare, conflicts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from matcher.errors import Conflict
from matcher.errors import InvalidTransition
from matcher.errors import ValidationError
from matcher.models import AuditEntry
from matcher.models import DayPlan
from matcher.models import PlanStatus
from matcher.models import StopKind
from matcher.models import Trip
from matcher.models import TripStatus
from matcher.planning.reasons import describe_unserved
from matcher.plans import lifecycle as plans
from tests.factories import make_coordinator
from tests.matcher.district_kit import SETTINGS
from tests.matcher.district_kit import plan_day


def driver_of(plan: DayPlan, trip_id: int) -> int | None:
    for route in plan.routes:
        if any(s.trip_id == trip_id for s in route.stops):
            return route.driver_id
    return None


def planned_trip(plan: DayPlan) -> tuple[int, int]:
    """(trip id, driver id) of the first planned pick-up in the plan."""
    for route in sorted(plan.routes, key=lambda r: r.driver_id):
        for stop in route.stops:
            if stop.kind == StopKind.PICKUP:
                return stop.trip_id, route.driver_id
    raise AssertionError("empty plan")


def edit_kw(plan: DayPlan, actor_id: int | None = None) -> dict:
    return {"expected_row_version": plan.row_version, "actor_id": actor_id, "settings": SETTINGS}


def approved(session, plan: DayPlan, actor_id=None) -> DayPlan:
    return plans.approve_plan(
        session, plan.id, expected_row_version=plan.row_version, actor_id=actor_id
    )


def published(session, plan: DayPlan, actor_id=None) -> plans.PublishResult:
    if plan.status == PlanStatus.DRAFT:
        approved(session, plan, actor_id)
    return plans.publish_plan(
        session, plan.id, expected_row_version=plan.row_version, actor_id=actor_id
    )


def test_move_trip_in_a_draft_edits_in_place(session, district):
    plan, _, _ = plan_day(session)
    trip_id, from_driver = planned_trip(plan)
    to_driver = next(d.id for d in district.drivers if d.id != from_driver)
    version = plan.row_version
    edited = plans.move_trip(
        session, plan.id, trip_id, to_driver, **edit_kw(plan, district.coordinator.id)
    )
    assert edited.id == plan.id and edited.row_version > version
    assert driver_of(edited, trip_id) == to_driver
    # Stops are re-timed in order and loads are consistent.
    for route in edited.routes:
        times = [s.service_start_at for s in route.stops]
        assert times == sorted(times)
        assert route.stops[-1].load == 0
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "trip.move")).one()
    assert entry.actor_id == district.coordinator.id
    assert entry.details["trip"] == trip_id and entry.details["to_driver"] == to_driver


def test_editing_an_approved_plan_makes_a_new_draft(session, district):
    plan, _, _ = plan_day(session)
    approved(session, plan)
    trip_id, from_driver = planned_trip(plan)
    to_driver = next(d.id for d in district.drivers if d.id != from_driver)
    draft = plans.move_trip(session, plan.id, trip_id, to_driver, **edit_kw(plan))
    assert draft.id != plan.id
    assert (draft.version, draft.status, draft.based_on_id) == (2, PlanStatus.DRAFT, plan.id)
    assert driver_of(draft, trip_id) == to_driver
    assert driver_of(plan, trip_id) == from_driver  # the approved version is untouched
    assert plan.status == PlanStatus.APPROVED


def test_stale_row_version_is_a_conflict_naming_who(session, district):
    plan, _, _ = plan_day(session)
    stale = plan.row_version
    anna = make_coordinator(session, name="Anna Beispiel")
    trip_id, from_driver = planned_trip(plan)
    to_driver = next(d.id for d in district.drivers if d.id != from_driver)
    plans.move_trip(session, plan.id, trip_id, to_driver, **edit_kw(plan, anna.id))
    with pytest.raises(Conflict) as caught:
        plans.unassign_trip(
            session, plan.id, trip_id, expected_row_version=stale, actor_id=None, settings=SETTINGS
        )
    assert "Anna Beispiel changed this plan at" in caught.value.message
    with pytest.raises(Conflict):
        plans.approve_plan(session, plan.id, expected_row_version=stale, actor_id=None)


def test_two_coordinators_editing_one_approved_plan(session, district):
    plan, _, _ = plan_day(session)
    approved(session, plan)
    seen = plan.row_version
    trip_id, from_driver = planned_trip(plan)
    to_driver = next(d.id for d in district.drivers if d.id != from_driver)
    plans.move_trip(session, plan.id, trip_id, to_driver, **edit_kw(plan))
    # The second coordinator's page still shows the approved plan at ``seen``.
    with pytest.raises(Conflict):
        plans.unassign_trip(
            session, plan.id, trip_id, expected_row_version=seen, actor_id=None, settings=SETTINGS
        )
    assert session.scalar(sa.select(sa.func.count()).select_from(DayPlan)) == 2


def test_publish_supersedes_and_lists_changed_people(session, district):
    plan, _, _ = plan_day(session)
    first = published(session, plan)
    assert first.superseded_plan_id is None
    assert set(first.changed_driver_ids) == {r.driver_id for r in plan.routes}
    trip_id, from_driver = planned_trip(plan)
    to_driver = next(d.id for d in district.drivers if d.id != from_driver)
    draft = plans.move_trip(session, plan.id, trip_id, to_driver, **edit_kw(plan))
    with pytest.raises(InvalidTransition):  # approve first
        plans.publish_plan(session, draft.id, expected_row_version=draft.row_version, actor_id=None)
    result = published(session, draft)
    assert result.superseded_plan_id == plan.id
    assert plan.status == PlanStatus.SUPERSEDED and plan.superseded_at is not None
    assert draft.status == PlanStatus.PUBLISHED
    rider = session.get(Trip, trip_id).rider_id
    assert rider in result.changed_rider_ids
    assert {from_driver, to_driver} <= set(result.changed_driver_ids)
    with pytest.raises(InvalidTransition):
        plans.move_trip(session, plan.id, trip_id, from_driver, **edit_kw(plan))
    diff = plans.compare_plans(session, plan.id, draft.id)
    assert any(
        m.trip_id == trip_id and (m.from_driver_id, m.to_driver_id) == (from_driver, to_driver)
        for m in diff.moves
    )
    assert rider in diff.changed_rider_ids


def test_unassign_makes_the_trip_unserved_with_a_reason(session, district):
    plan, _, _ = plan_day(session)
    trip_id, _ = planned_trip(plan)
    plans.unassign_trip(session, plan.id, trip_id, **edit_kw(plan))
    trip = session.get(Trip, trip_id)
    assert driver_of(plan, trip_id) is None
    assert (trip.status, trip.unserved_reason) == (TripStatus.UNSERVED, "unassigned")
    template, _ = describe_unserved(trip.unserved_reason, trip.unserved_details)
    assert template == "A coordinator took this ride off the plan."
    assert plan.requests_served == plan.requests_total - 1
    with pytest.raises(ValidationError, match="not in this plan"):
        plans.unassign_trip(session, plan.id, trip_id, **edit_kw(plan))


def test_locked_trip_and_locked_route_refuse_moves(session, district):
    plan, _, _ = plan_day(session)
    trip_id, from_driver = planned_trip(plan)
    others = [d.id for d in district.drivers if d.id != from_driver]
    plans.lock_trip(session, plan.id, trip_id, True, **edit_kw(plan))
    with pytest.raises(ValidationError, match="locked to its driver"):
        plans.move_trip(session, plan.id, trip_id, others[0], **edit_kw(plan))
    with pytest.raises(ValidationError, match="locked to its driver"):
        plans.unassign_trip(session, plan.id, trip_id, **edit_kw(plan))
    assert plans.where_can_fit(session, plan.id, trip_id, SETTINGS) == []
    plans.lock_trip(session, plan.id, trip_id, False, **edit_kw(plan))
    plans.lock_route(session, plan.id, from_driver, True, **edit_kw(plan))
    with pytest.raises(ValidationError, match="route of .* is locked"):
        plans.move_trip(session, plan.id, trip_id, others[0], **edit_kw(plan))
    other_trip = next(
        s.trip_id for r in plan.routes if r.driver_id != from_driver for s in r.stops if s.trip_id
    )
    with pytest.raises(ValidationError, match="route of .* is locked"):
        plans.move_trip(session, plan.id, other_trip, from_driver, **edit_kw(plan))
    assert [e.action for e in session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))][
        -3:
    ] == ["trip.lock", "trip.unlock", "route.lock"]


def test_locks_are_kept_by_replanning(session, district):
    plan, _, _ = plan_day(session)
    trip_id, from_driver = planned_trip(plan)
    to_driver = next(d.id for d in district.drivers if d.id != from_driver)
    plans.move_trip(session, plan.id, trip_id, to_driver, **edit_kw(plan))
    plans.lock_trip(session, plan.id, trip_id, True, **edit_kw(plan))
    locked_driver = next(r.driver_id for r in plan.routes if r.driver_id != to_driver)
    plans.lock_route(session, plan.id, locked_driver, True, **edit_kw(plan))
    order = [
        (s.trip_id, s.kind) for r in plan.routes if r.driver_id == locked_driver for s in r.stops
    ]
    replanned, _, _ = plan_day(session, base_plan=plan)
    assert driver_of(replanned, trip_id) == to_driver
    route = next(r for r in replanned.routes if r.driver_id == locked_driver)
    assert route.locked
    new_order = [(s.trip_id, s.kind) for s in route.stops]
    assert new_order[: len(order) - 1] == order[:-1]  # the same visits open the route
    assert {s.locked for r in replanned.routes for s in r.stops if s.trip_id == trip_id} == {True}


def test_where_can_fit_never_names_the_rider_as_affected(session, district):
    plan, _, _ = plan_day(session)
    trips = [s.trip_id for r in plan.routes for s in r.stops if s.trip_id][::2]
    assert trips
    for trip_id in trips:
        rider_id = session.get(Trip, trip_id).rider_id
        for option in plans.where_can_fit(session, plan.id, trip_id, SETTINGS):
            assert rider_id not in option.affected_rider_ids
            assert trip_id not in option.affected_trip_ids
            riders = session.scalars(
                sa.select(Trip.rider_id).where(Trip.id.in_(option.affected_trip_ids))
            ).all()
            assert sorted(set(riders)) == option.affected_rider_ids
