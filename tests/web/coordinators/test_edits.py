"""Plan edits through the views, with the real services: happy path, refusal, conflict."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from matcher.models import DayPlan
from matcher.models import OutboxMessage
from matcher.models import PlanStatus
from matcher.models import Route
from matcher.models import Stop
from matcher.models import Trip
from tests.factories import make_driver
from tests.factories import make_place

DAY = dt.date(2026, 6, 2)


def plan_url(plan) -> str:  # type: ignore[no-untyped-def]
    return f"/coordinator/plans/{plan.id}"


def driver_of(session, plan_id: int, trip_id: int) -> int | None:  # type: ignore[no-untyped-def]
    return session.scalar(
        sa.select(Route.driver_id)
        .join(Stop, Stop.route_id == Route.id)
        .where(Route.plan_id == plan_id, Stop.trip_id == trip_id)
        .limit(1)
    )


def post_edit(client, plan, action: str, **data):  # type: ignore[no-untyped-def]
    data.setdefault("row_version", plan.row_version)
    return client.post(f"{plan_url(plan)}/{action}", data=data)


def flashed(client, response) -> str:  # type: ignore[no-untyped-def]
    """The page the redirect leads to (where the flash message shows)."""
    assert response.status_code == 303, response.text[:2000]
    return client.get(response.headers["Location"]).text


def test_move_trip_to_another_driver(coordinator_client, session, demo_day) -> None:  # type: ignore[no-untyped-def]
    fatima, uwe = demo_day.trips[0], demo_day.drivers[2]
    response = post_edit(
        coordinator_client, demo_day.plan, "move", trip_id=fatima.id, driver_id=uwe.id
    )
    page = flashed(coordinator_client, response)
    assert "The ride was moved." in page
    assert driver_of(session, demo_day.plan.id, fatima.id) == uwe.id


def test_move_to_a_driver_without_a_shift_is_refused_with_the_reason(
    coordinator_client, session, demo_day
) -> None:  # type: ignore[no-untyped-def]
    idle = make_driver(session, first_name="Frei", last_name="Tag")
    fatima = demo_day.trips[0]
    response = post_edit(
        coordinator_client, demo_day.plan, "move", trip_id=fatima.id, driver_id=idle.id
    )
    page = flashed(coordinator_client, response)
    assert "Frei T. is not available on this day." in page
    assert driver_of(session, demo_day.plan.id, fatima.id) == demo_day.drivers[0].id


def test_stale_row_version_is_a_conflict_showing_the_current_plan(
    coordinator_client, session, demo_day
) -> None:  # type: ignore[no-untyped-def]
    plan, fatima = demo_day.plan, demo_day.trips[0]
    response = post_edit(
        coordinator_client,
        plan,
        "move",
        row_version=plan.row_version + 1,
        trip_id=fatima.id,
        driver_id=demo_day.drivers[2].id,
    )
    assert response.status_code == 409
    assert "Your change was not saved." in response.text
    assert "↑ Fatima" in response.text  # the current plan is shown
    assert driver_of(session, plan.id, fatima.id) == demo_day.drivers[0].id


def test_incomplete_edit_form_changes_nothing(coordinator_client, demo_day) -> None:  # type: ignore[no-untyped-def]
    response = coordinator_client.post(f"{plan_url(demo_day.plan)}/move", data={"trip_id": "x"})
    assert "The form was incomplete" in flashed(coordinator_client, response)


def test_unassign_trip(coordinator_client, session, demo_day) -> None:  # type: ignore[no-untyped-def]
    fatima = demo_day.trips[0]
    response = post_edit(coordinator_client, demo_day.plan, "unassign", trip_id=fatima.id)
    page = flashed(coordinator_client, response)
    assert "The ride was taken off its route." in page
    assert driver_of(session, demo_day.plan.id, fatima.id) is None
    assert "A coordinator took this ride off the plan." in page


def test_unassigning_a_trip_that_is_not_in_the_plan_is_refused(
    coordinator_client, demo_day
) -> None:  # type: ignore[no-untyped-def]
    response = post_edit(
        coordinator_client, demo_day.plan, "unassign", trip_id=demo_day.unserved.id
    )
    assert "The ride was taken off its route." not in flashed(coordinator_client, response)


def test_lock_and_unlock_a_trip(coordinator_client, session, demo_day) -> None:  # type: ignore[no-untyped-def]
    plan, fatima = demo_day.plan, demo_day.trips[0]
    page = flashed(
        coordinator_client,
        post_edit(coordinator_client, plan, "lock-trip", trip_id=fatima.id, locked="y"),
    )
    assert "The ride is locked to its driver." in page
    session.refresh(plan)
    page = flashed(
        coordinator_client, post_edit(coordinator_client, plan, "lock-trip", trip_id=fatima.id)
    )
    assert "The ride is unlocked." in page


def test_a_locked_trip_cannot_be_moved(coordinator_client, session, demo_day) -> None:  # type: ignore[no-untyped-def]
    plan, fatima = demo_day.plan, demo_day.trips[0]
    flashed(
        coordinator_client,
        post_edit(coordinator_client, plan, "lock-trip", trip_id=fatima.id, locked="y"),
    )
    session.refresh(plan)
    response = post_edit(
        coordinator_client, plan, "move", trip_id=fatima.id, driver_id=demo_day.drivers[2].id
    )
    assert "locked to its driver; unlock it first" in flashed(coordinator_client, response)


def test_lock_a_route_then_moving_onto_it_is_refused(coordinator_client, session, demo_day) -> None:  # type: ignore[no-untyped-def]
    plan, maren = demo_day.plan, demo_day.drivers[1]
    page = flashed(
        coordinator_client,
        post_edit(coordinator_client, plan, "lock-route", driver_id=maren.id, locked="y"),
    )
    assert "The route is locked." in page
    session.refresh(plan)
    response = post_edit(
        coordinator_client, plan, "move", trip_id=demo_day.trips[0].id, driver_id=maren.id
    )
    assert "The route of Maren B. is locked; unlock it first." in flashed(
        coordinator_client, response
    )


def test_locking_the_route_of_a_driver_without_one_is_a_404(coordinator_client, demo_day) -> None:  # type: ignore[no-untyped-def]
    response = post_edit(
        coordinator_client,
        demo_day.plan,
        "lock-route",
        driver_id=demo_day.drivers[2].id,
        locked="y",
    )
    assert response.status_code == 404


def test_where_can_this_fit_ranks_options_and_apply_inserts(
    coordinator_client, session, demo_day
) -> None:  # type: ignore[no-untyped-def]
    plan, ahmad = demo_day.plan, demo_day.unserved
    page = coordinator_client.get(f"{plan_url(plan)}/fit/{ahmad.id}").text
    assert "Where can this fit?" in page and "Extra driving" in page
    assert 'name="vehicle_id"' in page
    form = _first_option(page)
    response = coordinator_client.post(f"{plan_url(plan)}/fit/{ahmad.id}/apply", data=form)
    assert "The ride was added to the route." in flashed(coordinator_client, response)
    assert driver_of(session, plan.id, ahmad.id) is not None


def test_applying_a_stale_insertion_is_refused(coordinator_client, session, demo_day) -> None:  # type: ignore[no-untyped-def]
    plan, ahmad = demo_day.plan, demo_day.unserved
    form = _first_option(coordinator_client.get(f"{plan_url(plan)}/fit/{ahmad.id}").text)
    form["pickup_position"] = form["dropoff_position"] = "99"
    response = coordinator_client.post(f"{plan_url(plan)}/fit/{ahmad.id}/apply", data=form)
    assert "The ride was added" not in flashed(coordinator_client, response)
    assert driver_of(session, plan.id, ahmad.id) is None


def test_where_can_this_fit_for_a_trip_of_another_day_is_a_404(
    coordinator_client, session, demo_day
) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_trip

    other = make_trip(session, day=DAY + dt.timedelta(days=1))
    assert coordinator_client.get(f"{plan_url(demo_day.plan)}/fit/{other.id}").status_code == 404


def test_add_one_off_trip_then_find_where_it_fits(coordinator_client, session, demo_day) -> None:  # type: ignore[no-untyped-def]
    rider = demo_day.trips[0].rider
    home, work = rider.home_place, make_place(session, name="Kita Sonnenschein")
    response = coordinator_client.post(
        f"{plan_url(demo_day.plan)}/one-off",
        data={
            "rider_id": rider.id,
            "origin_id": home.id,
            "destination_id": work.id,
            "arrive_by": "10:00",
            "seats": 1,
            "flexibility_minutes": 15,
            "purpose": "other",
        },
    )
    assert response.status_code == 303
    assert "/fit/" in response.headers["Location"]
    trip = session.scalars(sa.select(Trip).where(Trip.destination_id == work.id)).one()
    assert trip.day == DAY and trip.need_id is None


def test_one_off_trip_without_a_time_is_refused(coordinator_client, demo_day) -> None:  # type: ignore[no-untyped-def]
    rider = demo_day.trips[0].rider
    response = coordinator_client.post(
        f"{plan_url(demo_day.plan)}/one-off",
        data={
            "rider_id": rider.id,
            "origin_id": rider.home_place_id,
            "destination_id": demo_day.trips[0].destination_id,
            "seats": 1,
            "flexibility_minutes": 15,
            "purpose": "other",
        },
    )
    assert response.status_code == 422
    assert "Give an arrival time or a pick-up time." in response.text


def test_one_off_trip_to_the_same_place_is_refused_by_the_service(
    coordinator_client, demo_day
) -> None:  # type: ignore[no-untyped-def]
    rider = demo_day.trips[0].rider
    response = coordinator_client.post(
        f"{plan_url(demo_day.plan)}/one-off",
        data={
            "rider_id": rider.id,
            "origin_id": rider.home_place_id,
            "destination_id": rider.home_place_id,
            "arrive_by": "10:00",
            "seats": 1,
            "flexibility_minutes": 15,
            "purpose": "other",
        },
    )
    assert response.status_code == 422
    assert 'class="flash flash-error"' in response.text


def test_approve_then_publish_lists_whose_rides_changed(
    coordinator_client, session, demo_day
) -> None:  # type: ignore[no-untyped-def]
    plan = demo_day.plan
    page = flashed(coordinator_client, post_edit(coordinator_client, plan, "approve"))
    assert "The plan is approved." in page
    session.refresh(plan)
    assert plan.status == PlanStatus.APPROVED
    response = post_edit(coordinator_client, plan, "publish")
    assert response.status_code == 303
    assert response.headers["Location"] == f"{plan_url(plan)}/published"
    page = coordinator_client.get(response.headers["Location"]).text
    assert "The plan is published." in page
    assert "Riders whose rides changed" in page
    assert "Fatima" in page and "Olena" in page
    assert "Jens A." in page and "Maren B." in page
    session.refresh(plan)
    assert plan.status == PlanStatus.PUBLISHED
    # Reloading the page after publishing shows the same lists and publishes nothing again.
    outbox = session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    again = coordinator_client.get(response.headers["Location"])
    assert again.status_code == 200 and "The plan is published." not in again.text
    assert "Fatima" in again.text and "Maren B." in again.text
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == outbox
    assert plan.version == 1 and plan.status == PlanStatus.PUBLISHED


def test_the_page_after_publishing_compares_with_the_version_it_replaced(
    coordinator_client, session, demo_day
) -> None:  # type: ignore[no-untyped-def]
    plan, fatima, uwe = demo_day.plan, demo_day.trips[0], demo_day.drivers[2]
    flashed(coordinator_client, post_edit(coordinator_client, plan, "approve"))
    session.refresh(plan)
    flashed(coordinator_client, post_edit(coordinator_client, plan, "publish"))
    session.refresh(plan)
    post_edit(coordinator_client, plan, "move", trip_id=fatima.id, driver_id=uwe.id)
    new = session.scalars(sa.select(DayPlan).where(DayPlan.based_on_id == plan.id)).one()
    draft = coordinator_client.get(f"{plan_url(new)}/published")  # not published: the plan
    assert draft.status_code == 303 and draft.headers["Location"] == plan_url(new)
    flashed(coordinator_client, post_edit(coordinator_client, new, "approve"))
    session.refresh(new)
    page = flashed(coordinator_client, post_edit(coordinator_client, new, "publish"))
    riders = page.split("Riders whose rides changed")[1].split("Drivers whose routes changed")[0]
    assert "Fatima" in riders and "Olena" not in riders
    # The first version's page still reads against what came before it (nothing).
    assert "Olena" in coordinator_client.get(f"{plan_url(plan)}/published").text


def test_approving_twice_is_refused(coordinator_client, session, demo_day) -> None:  # type: ignore[no-untyped-def]
    plan = demo_day.plan
    flashed(coordinator_client, post_edit(coordinator_client, plan, "approve"))
    session.refresh(plan)
    page = flashed(coordinator_client, post_edit(coordinator_client, plan, "approve"))
    assert "Only a draft can be approved." in page


def test_publishing_a_draft_is_refused(coordinator_client, demo_day) -> None:  # type: ignore[no-untyped-def]
    page = flashed(coordinator_client, post_edit(coordinator_client, demo_day.plan, "publish"))
    assert "Approve the plan before publishing it." in page


def test_editing_a_published_plan_makes_a_new_draft_and_compare_shows_the_move(
    coordinator_client, session, demo_day
) -> None:  # type: ignore[no-untyped-def]
    plan, fatima, uwe = demo_day.plan, demo_day.trips[0], demo_day.drivers[2]
    flashed(coordinator_client, post_edit(coordinator_client, plan, "approve"))
    session.refresh(plan)
    post_edit(coordinator_client, plan, "publish")
    session.refresh(plan)
    response = post_edit(coordinator_client, plan, "move", trip_id=fatima.id, driver_id=uwe.id)
    assert response.status_code == 303
    new = session.scalars(sa.select(DayPlan).where(DayPlan.based_on_id == plan.id)).one()
    assert response.headers["Location"] == plan_url(new)
    assert new.version == 2 and new.status == PlanStatus.DRAFT
    page = coordinator_client.get(f"{plan_url(plan)}/compare/{new.id}").text
    assert "Version 1 compared with version 2" in page
    assert "Fatima" in page and "Jens A." in page and "Uwe C." in page
    old_page = coordinator_client.get(plan_url(plan)).text
    assert "There is a newer version of this plan." in old_page


def _first_option(page: str) -> dict[str, str]:
    import re

    form = page[page.index('name="vehicle_id"') - 600 :]
    values = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form[:1500]))
    return {
        k: values[k] for k in ("row_version", "vehicle_id", "pickup_position", "dropoff_position")
    }


def test_edits_need_the_csrf_token_the_page_carries(app, coordinator_client, demo_day) -> None:  # type: ignore[no-untyped-def]
    import re

    app.config["WTF_CSRF_ENABLED"] = True
    page = coordinator_client.get(plan_url(demo_day.plan)).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    without = post_edit(coordinator_client, demo_day.plan, "approve")
    assert without.status_code == 400
    with_token = post_edit(coordinator_client, demo_day.plan, "approve", csrf_token=token)
    assert with_token.status_code == 303
