"""Undo on the plan page: the button names the last edit, posting it brings the plan back (PRG)."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from matcher.models import DayPlan
from matcher.models import PlanStatus
from tests.web.coordinators.test_edits import driver_of
from tests.web.coordinators.test_edits import flashed
from tests.web.coordinators.test_edits import plan_url
from tests.web.coordinators.test_edits import post_edit


def test_move_then_undo_shows_the_ride_back(coordinator_client, session, demo_day) -> None:  # type: ignore[no-untyped-def]
    plan, fatima, uwe = demo_day.plan, demo_day.trips[0], demo_day.drivers[2]
    before = driver_of(session, plan.id, fatima.id)
    assert "Undo" not in coordinator_client.get(plan_url(plan)).text
    page = flashed(
        coordinator_client,
        post_edit(coordinator_client, plan, "move", trip_id=fatima.id, driver_id=uwe.id),
    )
    label = f"Undo: moved {fatima.rider.first_name} to {uwe.display_name}"
    assert label in html.unescape(page)
    session.refresh(plan)
    response = post_edit(coordinator_client, plan, "undo")
    assert response.status_code == 303  # Post/Redirect/Get to the new version
    restored = session.scalars(
        sa.select(DayPlan).where(DayPlan.day == plan.day).order_by(DayPlan.version.desc())
    ).first()
    assert response.headers["Location"].endswith(plan_url(restored))
    page = coordinator_client.get(response.headers["Location"]).text
    assert "The last change was undone." in page
    assert label not in html.unescape(page)
    assert driver_of(session, restored.id, fatima.id) == before
    session.refresh(plan)
    assert plan.status == PlanStatus.SUPERSEDED and restored.status == PlanStatus.DRAFT
    # Undo again: nothing left, said on the page, nothing changed.
    page = flashed(coordinator_client, post_edit(coordinator_client, restored, "undo"))
    assert "There is no change to undo in this version of the plan." in page


def test_undo_with_a_stale_row_version_is_a_conflict(coordinator_client, session, demo_day) -> None:  # type: ignore[no-untyped-def]
    plan, fatima = demo_day.plan, demo_day.trips[0]
    flashed(
        coordinator_client,
        post_edit(
            coordinator_client, plan, "move", trip_id=fatima.id, driver_id=demo_day.drivers[2].id
        ),
    )
    response = post_edit(coordinator_client, plan, "undo", row_version=plan.row_version + 5)
    assert response.status_code == 409
    assert "Your change was not saved." in response.text


def test_undo_needs_the_csrf_token(app, coordinator_client, session, demo_day) -> None:  # type: ignore[no-untyped-def]
    plan, fatima = demo_day.plan, demo_day.trips[0]
    flashed(
        coordinator_client,
        post_edit(
            coordinator_client, plan, "move", trip_id=fatima.id, driver_id=demo_day.drivers[2].id
        ),
    )
    session.refresh(plan)
    app.config["WTF_CSRF_ENABLED"] = True
    page = coordinator_client.get(plan_url(plan)).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert post_edit(coordinator_client, plan, "undo").status_code == 400
    assert session.scalar(sa.select(sa.func.count()).select_from(DayPlan)) == 1
    assert post_edit(coordinator_client, plan, "undo", csrf_token=token).status_code == 303
    assert session.scalar(sa.select(sa.func.count()).select_from(DayPlan)) == 2
