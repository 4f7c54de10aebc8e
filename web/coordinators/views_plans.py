"""The plan page and its edits: move, unassign, lock, one-off trips, insertions, approve, publish.

Every edit posts the plan's ``row_version`` as the page showed it. A refusal
(the edit would break a rule) comes back as a flash message on the plan page;
a conflict (someone else changed the plan) shows the current plan with a
conflict message and status 409, so nothing is overwritten silently.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from matcher.errors import Conflict
from matcher.errors import InvalidTransition
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import DayPlan
from matcher.models import NeedPurpose
from matcher.models import PlanStatus
from matcher.models import Trip
from matcher.plans import lifecycle as plans
from matcher.plans import publishing
from matcher.queries import figures
from matcher.queries import overview
from matcher.queries import plan_page
from web.auth import coordinator_required
from web.auth import current_account
from web.coordinators.blueprint import bp
from web.coordinators.forms import ButtonForm
from web.coordinators.forms import InsertionForm
from web.coordinators.forms import LockRouteForm
from web.coordinators.forms import LockTripForm
from web.coordinators.forms import MoveTripForm
from web.coordinators.forms import OneOffTripForm
from web.coordinators.forms import PlanEditForm
from web.coordinators.forms import TripEditForm
from web.coordinators.forms import choices
from web.coordinators.presenters import filter_plan
from web.coordinators.presenters import map_data
from web.coordinators.presenters import move_choice
from web.coordinators.presenters import route_views
from web.db import get_session
from web.errors import translate_domain_error
from web.forms import FlaskForm
from web.settings import current_settings

Page = Response | str | tuple[str, int]


@bp.get("/plans/<int:plan_id>")
@coordinator_required
def plan(plan_id: int) -> str:
    """Per driver a timeline, the map, the unserved with reasons, the figures, the edit buttons."""
    return render_plan(get_session(), plan_id)


def render_plan(session: Session, plan_id: int, conflict: str | None = None) -> str:
    """The plan page (also after a conflict, with its message on top)."""
    the_plan = plan_page.plan_with_routes(session, plan_id)
    lines = plan_page.stop_lines(session, plan_id)
    views = route_views(the_plan, lines)
    unplanned = overview.unplanned_trips(session, the_plan)
    query = request.args.get("q", "")[:100]
    shown, shown_unplanned = filter_plan(views, unplanned, query)
    versions = overview.plan_versions(session, the_plan.day)
    return render_template(
        "coordinators/plan.html",
        plan=the_plan,
        routes=shown,
        route_count=len(views),
        unplanned=shown_unplanned,
        unplanned_count=len(unplanned),
        query=query.strip(),
        figures=figures.figures_of(the_plan, (line for ls in lines.values() for line in ls)),
        versions=versions,
        newest=versions[0] if versions else the_plan,
        drivers=overview.plannable_drivers(session),
        map_data=map_data(views),
        tile_url=current_app.config.get("TILE_URL", ""),
        tile_attribution=current_app.config.get("TILE_ATTRIBUTION", ""),
        editable=the_plan.status != PlanStatus.SUPERSEDED,
        conflict=conflict,
        button_form=ButtonForm(),
        last_edit=plans.last_edit(session, the_plan),
    )


def apply_edit(
    plan_id: int,
    form: FlaskForm,
    change: Callable[[Session], DayPlan],
    success: str,
) -> Page:
    """Validate, call the service, commit; refusals flash, conflicts show the current plan."""
    session = get_session()
    if not form.validate_on_submit():
        flash(_("The form was incomplete. Nothing was changed."), "error")
        return redirect(url_for(".plan", plan_id=plan_id), 303)
    try:
        edited = change(session)
        session.commit()
    except (Conflict, StaleDataError) as error:
        session.rollback()
        message = (
            translate_domain_error(error)
            if isinstance(error, Conflict)
            else _("Someone else changed this plan in the meantime.")
        )
        return render_plan(session, plan_id, conflict=message), 409
    except (ValidationError, InvalidTransition) as error:
        session.rollback()
        flash(translate_domain_error(error), "error")
        return redirect(url_for(".plan", plan_id=plan_id), 303)
    flash(success, "success")
    return redirect(url_for(".plan", plan_id=edited.id), 303)


def _actor() -> int:
    return current_account().id  # type: ignore[union-attr]


@bp.post("/plans/<int:plan_id>/move")
@coordinator_required
def move_trip(plan_id: int) -> Page:
    """Move a trip to another driver, at its best feasible position."""
    form = MoveTripForm()
    return apply_edit(
        plan_id,
        form,
        lambda session: plans.move_trip(
            session,
            plan_id,
            form.trip_id.data,
            form.driver_id.data,
            expected_row_version=form.row_version.data,
            actor_id=_actor(),
            settings=current_settings(),
        ),
        _("The ride was moved."),
    )


@bp.post("/plans/<int:plan_id>/undo")
@coordinator_required
def undo(plan_id: int) -> Page:
    """Undo the draft's last edit: a new draft version as the plan was before it."""
    form = PlanEditForm()
    return apply_edit(
        plan_id,
        form,
        lambda session: plans.undo_last_edit(
            session,
            plan_id,
            expected_row_version=form.row_version.data,
            actor_id=_actor(),
            settings=current_settings(),
        ),
        _("The last change was undone. This is the plan as it was before it."),
    )


@bp.post("/plans/<int:plan_id>/unassign")
@coordinator_required
def unassign_trip(plan_id: int) -> Page:
    """Take a trip off its route."""
    form = TripEditForm()
    return apply_edit(
        plan_id,
        form,
        lambda session: plans.unassign_trip(
            session,
            plan_id,
            form.trip_id.data,
            expected_row_version=form.row_version.data,
            actor_id=_actor(),
            settings=current_settings(),
        ),
        _("The ride was taken off its route."),
    )


@bp.post("/plans/<int:plan_id>/lock-trip")
@coordinator_required
def lock_trip(plan_id: int) -> Page:
    """Lock a trip to its driver (or unlock it)."""
    form = LockTripForm()
    locked = bool(form.locked.data)
    return apply_edit(
        plan_id,
        form,
        lambda session: plans.lock_trip(
            session,
            plan_id,
            form.trip_id.data,
            locked,
            expected_row_version=form.row_version.data,
            actor_id=_actor(),
            settings=current_settings(),
        ),
        _("The ride is locked to its driver.") if locked else _("The ride is unlocked."),
    )


@bp.post("/plans/<int:plan_id>/lock-route")
@coordinator_required
def lock_route(plan_id: int) -> Page:
    """Lock a driver's whole route (or unlock it)."""
    form = LockRouteForm()
    locked = bool(form.locked.data)
    return apply_edit(
        plan_id,
        form,
        lambda session: plans.lock_route(
            session,
            plan_id,
            form.driver_id.data,
            locked,
            expected_row_version=form.row_version.data,
            actor_id=_actor(),
            settings=current_settings(),
        ),
        _("The route is locked.") if locked else _("The route is unlocked."),
    )


@bp.get("/plans/<int:plan_id>/fit/<int:trip_id>")
@coordinator_required
def where_can_fit(plan_id: int, trip_id: int) -> str:
    """Feasible places for one trip, best first, each with an Apply button."""
    session = get_session()
    the_plan = overview.load_plan(session, plan_id)
    trip = session.get(Trip, trip_id)
    if trip is None or trip.day != the_plan.day:
        raise NotFound()
    options = plans.where_can_fit(session, plan_id, trip_id, current_settings())
    affected = sorted({rid for option in options for rid in option.affected_rider_ids})
    return render_template(
        "coordinators/fit.html",
        plan=the_plan,
        trip=trip,
        options=options,
        rider_names=overview.rider_names(session, affected),
        editable=the_plan.status != PlanStatus.SUPERSEDED,
    )


@bp.get("/plans/<int:plan_id>/fit/<int:trip_id>/drivers")
@coordinator_required
def move_choices(plan_id: int, trip_id: int) -> Response:
    """The change panel's "Move to driver" list (JSON): who can take the ride, then who not."""
    choices = plans.move_choices(get_session(), plan_id, trip_id, current_settings())
    return jsonify(drivers=[move_choice(choice) for choice in choices])


@bp.post("/plans/<int:plan_id>/fit/<int:trip_id>/apply")
@coordinator_required
def apply_insertion(plan_id: int, trip_id: int) -> Page:
    """Insert the trip where the chosen option said (checked again: it may no longer fit)."""
    form = InsertionForm()
    return apply_edit(
        plan_id,
        form,
        lambda session: plans.apply_insertion(
            session,
            plan_id,
            trip_id,
            form.vehicle_id.data,
            form.pickup_position.data,
            form.dropoff_position.data,
            expected_row_version=form.row_version.data,
            actor_id=_actor(),
            settings=current_settings(),
        ),
        _("The ride was added to the route."),
    )


@bp.route("/plans/<int:plan_id>/one-off", methods=["GET", "POST"])
@coordinator_required
def add_one_off(plan_id: int) -> Page:
    """A single extra ride for the plan's day; then "Where can this fit?" for it."""
    session = get_session()
    the_plan = overview.load_plan(session, plan_id)
    form = OneOffTripForm()
    form.rider_id.choices = choices(
        [(r.id, r.first_name or "") for r in overview.active_riders(session)]
    )
    places = [(p.id, p.name) for p in overview.routable_places(session)]
    form.origin_id.choices = choices(places)
    form.destination_id.choices = choices(places)
    if form.validate_on_submit():
        try:
            trip = plans.add_one_off_trip(
                session,
                the_plan.day,
                form.rider_id.data,
                form.origin_id.data,
                form.destination_id.data,
                arrive_by=form.arrive_by.data,
                pick_up_after=form.pick_up_after.data,
                seats=form.seats.data,
                flexibility_minutes=form.flexibility_minutes.data,
                purpose=NeedPurpose(form.purpose.data),
                note=form.note.data or None,
                actor_id=_actor(),
                settings=current_settings(),
            )
        except ValidationError as error:
            session.rollback()
            flash(translate_domain_error(error), "error")
        else:
            session.commit()
            flash(_("The ride was added. Choose where it fits."), "success")
            return redirect(url_for(".where_can_fit", plan_id=plan_id, trip_id=trip.id), 303)
    status = 422 if form.is_submitted() else 200  # sent but not stored: the form again
    return render_template("coordinators/one_off.html", plan=the_plan, form=form), status


@bp.post("/plans/<int:plan_id>/approve")
@coordinator_required
def approve(plan_id: int) -> Page:
    """Approve a draft."""
    form = PlanEditForm()
    return apply_edit(
        plan_id,
        form,
        lambda session: plans.approve_plan(
            session, plan_id, expected_row_version=form.row_version.data, actor_id=_actor()
        ),
        _("The plan is approved."),
    )


@bp.post("/plans/<int:plan_id>/publish")
@coordinator_required
def publish(plan_id: int) -> Page:
    """Publish: drivers and riders see this plan; then the page of whose rides changed."""
    form = PlanEditForm()
    results: list[plans.PublishResult] = []

    def change(session: Session) -> DayPlan:
        publication = publishing.publish(
            session,
            plan_id,
            expected_row_version=form.row_version.data,
            actor_id=_actor(),
            settings=current_settings(),
        )
        results.append(publication.result)
        return publication.result.plan

    response = apply_edit(plan_id, form, change, _("The plan is published."))
    if not results or isinstance(response, tuple):
        return response
    return redirect(url_for(".published", plan_id=results[0].plan.id), 303)


@bp.get("/plans/<int:plan_id>/published")
@coordinator_required
def published(plan_id: int) -> Page:
    """After publishing: whose rides changed against the version it replaced (reloadable)."""
    session = get_session()
    try:
        result = plans.publication(session, plan_id)
    except InvalidTransition:
        return redirect(url_for(".plan", plan_id=plan_id), 303)
    return render_template(
        "coordinators/published.html",
        plan=result.plan,
        riders=overview.rider_names(session, result.changed_rider_ids),
        drivers=overview.driver_names(session, result.changed_driver_ids),
    )


@bp.get("/plans/<int:plan_a>/compare/<int:plan_b>")
@coordinator_required
def compare(plan_a: int, plan_b: int) -> str:
    """Who moved from which driver to which, whose pick-up time changed by how much."""
    session = get_session()
    first = overview.load_plan(session, plan_a)
    second = overview.load_plan(session, plan_b)
    diff = plans.compare_plans(session, plan_a, plan_b)
    driver_ids = [d for m in diff.moves for d in (m.from_driver_id, m.to_driver_id) if d]
    rider_ids = [m.rider_id for m in diff.moves] + [c.rider_id for c in diff.time_changes]
    riders = overview.rider_names(session, rider_ids)
    trips = overview.trips_by_id(
        session, [m.trip_id for m in diff.moves] + [c.trip_id for c in diff.time_changes]
    )
    # Real moves between drivers first, then newly served, then dropped rides.
    moves = sorted(
        diff.moves,
        key=lambda m: (
            m.from_driver_id is None,
            m.to_driver_id is None,
            riders.get(m.rider_id, ""),
        ),
    )
    return render_template(
        "coordinators/compare.html",
        first=first,
        second=second,
        moves=moves,
        time_changes=sorted(diff.time_changes, key=lambda c: -abs(c.minutes)),
        trips=trips,
        riders=riders,
        drivers=overview.driver_names(session, driver_ids),
    )
