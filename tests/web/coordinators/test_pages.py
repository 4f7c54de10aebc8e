"""Every page of the office renders with demo-like data (English pages, times in Berlin time)."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.clock import BERLIN
from matcher.models import ActorType
from matcher.models import AuditEntry
from matcher.models import PlanningRunStatus
from matcher.models import PlanStatus
from matcher.planning import runs
from tests.factories import make_driver
from tests.factories import make_need
from tests.factories import make_plan
from tests.factories import make_rider
from tests.factories import make_route
from tests.factories import make_run
from tests.factories import make_trip
from web.coordinators.views_dashboard import DASHBOARD_DAYS

DAY = dt.date(2026, 6, 2)
ON_DAY = dt.datetime(2026, 6, 2, 9, 0, tzinfo=BERLIN)
"""A morning on ``DAY`` in the district, for the pages that start from today."""


@pytest.fixture()
def on_day(time_machine):  # type: ignore[no-untyped-def]
    """The clock on ``ON_DAY``, ticking; listed before the client so the login happens then."""
    time_machine.move_to(ON_DAY)


def test_dashboard_lists_two_weeks_and_the_to_dos(on_day, coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    make_trip(session, day=DAY)
    make_trip(session, day=DAY + dt.timedelta(days=1))
    make_plan(session, day=DAY, needs_attention=True)
    make_driver(session, first_name="Neuer", vetted=False)
    rider = make_rider(session, first_name="Karim", location_to_check=True)
    make_rider(session, first_name="Karim2", possible_duplicate_of_id=rider.id)
    response = coordinator_client.get("/coordinator/")
    assert response.status_code == 200
    page = response.text
    assert page.count('href="/coordinator/days/') == DASHBOARD_DAYS
    assert "Needs attention" in page
    assert "Neuer" in page and "Approve driver" in page
    assert "Karim" in page and "Location to check" in page
    assert f"Possible duplicate of rider {rider.id}" in page


def test_dashboard_shows_the_demand_of_days_not_planned_yet(
    on_day, coordinator_client, session
) -> None:  # type: ignore[no-untyped-def]
    make_need(session)  # Monday to Friday, there and back
    make_need(session, pick_up_after=None)  # Monday to Friday, there only
    page = coordinator_client.get("/coordinator/").text
    assert page.count("≈ 3</span>") == 10  # 2 June (Tue) to 15 June (Mon): 10 working days
    assert 'Sat 6 Jun</a></th>\n      <td class="num">0</td>' in page


def test_vetting_a_driver_takes_one_click(coordinator_client, session, coordinator) -> None:  # type: ignore[no-untyped-def]
    driver = make_driver(session, first_name="Neuer", vetted=False)
    page = coordinator_client.get("/coordinator/").text
    assert f'href="/coordinator/drivers/{driver.id}"' in page
    response = coordinator_client.post(
        f"/coordinator/drivers/{driver.id}/approve",
        data={"row_version": driver.row_version},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "The driver is approved and can be planned" in response.text
    session.refresh(driver)
    assert driver.vetted and driver.vetted_by_id == coordinator.id


def test_vetting_an_unknown_driver_is_a_404(coordinator_client) -> None:  # type: ignore[no-untyped-def]
    response = coordinator_client.post(
        "/coordinator/drivers/999999/approve", data={"row_version": 1}
    )
    assert response.status_code == 404


def test_day_page_shows_trips_versions_and_the_plan_button(coordinator_client, demo_day) -> None:  # type: ignore[no-untyped-def]
    response = coordinator_client.get(f"/coordinator/days/{DAY}")
    assert response.status_code == 200
    page = response.text
    assert "Plan this day" in page
    assert "Fatima" in page and "Ahmad" in page
    assert "Version 1" in page and "Draft" in page
    assert "arrive by 08:00" in page  # 06:00 UTC is 08:00 in Berlin in June
    assert "Riders to call" not in page  # a draft tells nobody anything


def test_day_page_lists_the_riders_to_call_once_the_plan_is_published(  # type: ignore[no-untyped-def]
    coordinator_client, session, demo_day
) -> None:
    plan, ahmad = demo_day.plan, demo_day.unserved.rider
    now = dt.datetime(2026, 6, 1, 15, 0, tzinfo=dt.UTC)
    plan.status, plan.approved_at, plan.published_at = PlanStatus.PUBLISHED, now, now
    session.flush()

    page = coordinator_client.get(f"/coordinator/days/{DAY}").text

    section = page[page.index("Riders to call") : page.index("Rides of the day")]
    assert "Ahmad" in section and f'href="tel:{ahmad.phone}"' in section
    assert "Fatima" not in section  # served
    assert "arrive by 08:00" in section
    assert "No driver is available between 06:30 and 08:00 near Dorf." in section


def test_day_page_with_a_running_planner_polls_its_progress(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    run = make_run(session, day=DAY, status=PlanningRunStatus.RUNNING)
    page = coordinator_client.get(f"/coordinator/days/{DAY}").text
    assert f'data-progress-url="/coordinator/runs/{run.id}/progress"' in page
    assert "js/planner-progress.js" in page
    assert "Stop" in page
    assert "Plan this day" not in page


def test_day_page_says_why_the_last_run_failed(coordinator_client, session, demo_day) -> None:  # type: ignore[no-untyped-def]
    make_run(
        session,
        day=DAY,
        status=PlanningRunStatus.FAILED,
        started_at=dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC),
        finished_at=dt.datetime(2026, 6, 1, 8, 1, tzinfo=dt.UTC),
        error="RuntimeError: the planner crashed.",
        progress={"reason": {"template": runs.TOO_LONG, "params": {}}},
    )
    page = coordinator_client.get(f"/coordinator/days/{DAY}").text
    assert "The planner took far longer than its time limit." in page  # the reason, translated
    assert "the planner crashed" not in page  # the English record stays in the log
    assert "earlier versions of the plan are unchanged" in page
    assert "Version 1" in page


def test_an_impossible_date_is_a_404(coordinator_client) -> None:  # type: ignore[no-untyped-def]
    assert coordinator_client.get("/coordinator/days/2026-02-30").status_code == 404


def test_plan_page_shows_timelines_map_unserved_and_figures(coordinator_client, demo_day) -> None:  # type: ignore[no-untyped-def]
    response = coordinator_client.get(f"/coordinator/plans/{demo_day.plan.id}")
    assert response.status_code == 200
    page = response.text
    assert "Jens A." in page and "Maren B." in page
    assert "↑ Fatima" in page and "↓ Fatima" in page
    assert "Seats in use" in page
    assert 'id="plan-map"' in page and 'id="plan-map-data"' in page
    assert "vendor/leaflet/leaflet.js" in page
    assert "No map tiles are configured" in page
    assert "Ahmad" in page and "No driver is available between 06:30 and 08:00" in page
    assert "Where can this fit?" in page
    assert "Share served" in page and "80 %" in page
    assert f'name="row_version" value="{demo_day.plan.row_version}"' in page
    assert "Approve" in page
    assert "style=" not in page  # the CSP forbids inline styles
    assert "<script>" not in page  # and inline scripts


def test_plan_page_map_uses_the_configured_tiles(app, coordinator_client, demo_day) -> None:  # type: ignore[no-untyped-def]
    app.config["TILE_URL"] = "https://tile.example.org/{z}/{x}/{y}.png"
    response = coordinator_client.get(f"/coordinator/plans/{demo_day.plan.id}")
    assert 'data-tile-url="https://tile.example.org/{z}/{x}/{y}.png"' in response.text
    assert "https://tile.example.org" in response.headers["Content-Security-Policy"]
    assert "No map tiles are configured" not in response.text


def test_superseded_plan_is_read_only(coordinator_client, session, demo_day) -> None:  # type: ignore[no-untyped-def]
    old = make_plan(
        session,
        day=DAY + dt.timedelta(days=1),
        status=PlanStatus.SUPERSEDED,
        approved_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
    )
    make_route(session, old, [make_trip(session, day=old.day)])
    page = coordinator_client.get(f"/coordinator/plans/{old.id}").text
    assert "Superseded" in page
    assert "/move" not in page and "Approve" not in page


def test_unknown_plan_is_a_404(coordinator_client) -> None:  # type: ignore[no-untyped-def]
    assert coordinator_client.get("/coordinator/plans/999999").status_code == 404


def test_one_off_form_renders(coordinator_client, demo_day) -> None:  # type: ignore[no-untyped-def]
    response = coordinator_client.get(f"/coordinator/plans/{demo_day.plan.id}/one-off")
    assert response.status_code == 200
    assert "Add a one-off ride" in response.text
    assert "Fatima" in response.text


def test_audit_log_lists_and_filters_entries(coordinator_client, session, coordinator) -> None:  # type: ignore[no-untyped-def]
    session.add_all(
        [
            AuditEntry(
                at=dt.datetime(2026, 6, 1, 21, 30, tzinfo=dt.UTC),  # 23:30 in Berlin
                actor_type=ActorType.COORDINATOR,
                actor_id=coordinator.id,
                action="plan.approve",
                entity_type="day_plan",
                entity_id=7,
                details={"version": 2},
            ),
            AuditEntry(
                at=dt.datetime(2026, 6, 1, 22, 30, tzinfo=dt.UTC),  # 00:30 next day in Berlin
                actor_type=ActorType.SYSTEM,
                action="plan.create",
                entity_type="day_plan",
                entity_id=8,
                details={},
            ),
        ]
    )
    session.flush()
    page = coordinator_client.get("/coordinator/audit").text
    assert "plan.approve" in page and "plan.create" in page
    assert "Petra Koordination" in page
    assert "2026-06-01 23:30" in page
    filtered = coordinator_client.get("/coordinator/audit?day=2026-06-01").text
    assert "plan.approve" in filtered and "plan.create" not in filtered


def test_audit_log_for_a_day_includes_changes_to_its_plans(
    coordinator_client, session, coordinator, demo_day
) -> None:  # type: ignore[no-untyped-def]
    session.add(
        AuditEntry(
            at=dt.datetime(2026, 5, 20, 10, tzinfo=dt.UTC),
            actor_type=ActorType.COORDINATOR,
            actor_id=coordinator.id,
            action="trip.move",
            entity_type="day_plan",
            entity_id=demo_day.plan.id,
            details={"trip": 1},
        )
    )
    session.flush()
    assert "trip.move" in coordinator_client.get(f"/coordinator/audit?day={DAY}").text
    assert "trip.move" not in coordinator_client.get("/coordinator/audit?day=2026-06-03").text
    assert coordinator_client.get("/coordinator/audit?day=nonsense").status_code == 200
