"""Starting, watching and stopping the planner from the day page (the job itself is faked)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from matcher.clock import BERLIN
from matcher.clock import utcnow
from matcher.models import PlanningRun
from matcher.models import PlanningRunStatus
from matcher.models import PlanStatus
from tests.factories import make_plan
from tests.factories import make_run
from web.coordinators.queue import STARTUP_CHECK_KEY

DAY = dt.date(2026, 6, 2)


def test_plan_this_day_queues_a_run_after_commit(
    coordinator_client, session, queue, coordinator
) -> None:  # type: ignore[no-untyped-def]
    response = coordinator_client.post(f"/coordinator/days/{DAY}/plan")
    assert response.headers["Location"] == f"/coordinator/days/{DAY}"
    run = session.scalars(sa.select(PlanningRun).where(PlanningRun.day == DAY)).one()
    assert run.status == PlanningRunStatus.QUEUED and run.requested_by_id == coordinator.id
    assert queue.submitted == [run.id]
    page = coordinator_client.get(response.headers["Location"]).text
    assert "The planner has started." in page
    assert f"/coordinator/runs/{run.id}/progress" in page


def test_a_second_run_for_the_same_day_is_refused(coordinator_client, session, queue) -> None:  # type: ignore[no-untyped-def]
    make_run(session, day=DAY, status=PlanningRunStatus.RUNNING)
    response = coordinator_client.post(f"/coordinator/days/{DAY}/plan", follow_redirects=True)
    assert "The planner is already working on this day." in response.text
    assert queue.submitted == []


def test_progress_endpoint_reports_elapsed_served_and_best_cost(
    coordinator_client, session
) -> None:  # type: ignore[no-untyped-def]
    run = make_run(
        session,
        day=DAY,
        status=PlanningRunStatus.RUNNING,
        progress={"elapsed_seconds": 4.26, "requests": 40, "served": 31, "best_objective": 123456},
    )
    response = coordinator_client.get(f"/coordinator/runs/{run.id}/progress")
    assert response.status_code == 200
    assert response.json == {
        "run_id": run.id,
        "status": "running",
        "status_label": "Running",
        "finished": False,
        "elapsed_seconds": 4.3,
        "requests": 40,
        "served": 31,
        "best_cost": 123456,
        "message": "",
        "plan_url": None,
        "stage": "running",
        "first_plan_seconds": None,
    }


@pytest.mark.parametrize(
    ("progress", "stage", "label"),
    [
        # The planner process is building the problem: nothing to count yet.
        (
            {"phase": "preparing", "elapsed_seconds": 0.4},
            "preparing",
            "Preparing the rides and travel times",
        ),
        (
            {"phase": "solving", "elapsed_seconds": 1.2, "requests": 40, "served": None},
            "searching",
            "Looking for a first plan",
        ),
        (
            {
                "phase": "solving",
                "elapsed_seconds": 3.0,
                "requests": 40,
                "served": 31,
                "best_objective": 99,
                "first_plan_seconds": 2.46,
            },
            "improving",
            "Improving the plan",
        ),
    ],
)
def test_progress_says_preparing_then_shows_the_first_plan(
    coordinator_client, session, progress, stage, label
) -> None:  # type: ignore[no-untyped-def]
    run = make_run(session, day=DAY, status=PlanningRunStatus.RUNNING, progress=progress)
    data = coordinator_client.get(f"/coordinator/runs/{run.id}/progress").json
    assert (data["stage"], data["status_label"]) == (stage, label)
    assert data["first_plan_seconds"] == progress.get("first_plan_seconds")
    assert data["served"] == progress.get("served")


def test_progress_of_a_finished_run_links_the_new_plan(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(session, day=DAY)
    run = make_run(session, day=DAY, status=PlanningRunStatus.SUCCEEDED, result_plan_id=plan.id)
    data = coordinator_client.get(f"/coordinator/runs/{run.id}/progress").json
    assert data["finished"] is True
    assert data["plan_url"] == f"/coordinator/plans/{plan.id}"


def test_progress_of_a_failed_run_says_what_happened(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    run = make_run(session, day=DAY, status=PlanningRunStatus.FAILED, error="no drivers")
    data = coordinator_client.get(f"/coordinator/runs/{run.id}/progress").json
    assert data["finished"] is True and data["plan_url"] is None
    assert data["message"]


def test_progress_of_an_unknown_run_is_a_json_404(coordinator_client) -> None:  # type: ignore[no-untyped-def]
    response = coordinator_client.get(
        "/coordinator/runs/999999/progress", headers={"Accept": "application/json"}
    )
    assert response.status_code == 404
    assert response.json["status"] == 404


def test_stop_cancels_a_queued_run_and_keeps_the_plans(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(session, day=DAY)
    run = make_run(session, day=DAY, status=PlanningRunStatus.QUEUED)
    response = coordinator_client.post(f"/coordinator/runs/{run.id}/cancel")
    assert response.headers["Location"] == f"/coordinator/days/{DAY}"
    session.refresh(run)
    assert run.status == PlanningRunStatus.CANCELLED
    page = coordinator_client.get(response.headers["Location"]).text
    assert "Earlier versions of the plan" in page
    assert f"/coordinator/plans/{plan.id}" in page


def test_stop_asks_a_running_run_to_stop(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    run = make_run(session, day=DAY, status=PlanningRunStatus.RUNNING)
    coordinator_client.post(f"/coordinator/runs/{run.id}/cancel")
    session.refresh(run)
    assert run.cancel_requested is True


def test_re_run_from_the_plan_page_queues_a_run(
    coordinator_client, session, queue, demo_day
) -> None:  # type: ignore[no-untyped-def]
    page = coordinator_client.get(f"/coordinator/plans/{demo_day.plan.id}").text
    assert f'action="/coordinator/days/{DAY}/plan"' in page
    coordinator_client.post(f"/coordinator/days/{DAY}/plan")
    run = session.scalars(sa.select(PlanningRun).where(PlanningRun.day == DAY)).one()
    assert run.base_plan_id == demo_day.plan.id
    assert queue.submitted == [run.id]


# --- runs whose worker is gone (heartbeat too old) -------------------------------------------


def dead_run(session, silent_for=dt.timedelta(minutes=8), **kw):  # type: ignore[no-untyped-def]
    """A run left 'running' by a worker that died ``silent_for`` ago."""
    kw.setdefault("day", DAY)
    last_beat = utcnow() - silent_for
    return make_run(
        session,
        status=PlanningRunStatus.RUNNING,
        created_at=last_beat - dt.timedelta(seconds=30),
        started_at=last_beat - dt.timedelta(seconds=20),
        heartbeat_at=last_beat,
        **kw,
    )


@pytest.fixture()
def started(app):  # type: ignore[no-untyped-def]
    """The app's start-up check has run already: the day page and its poll must do the work."""
    app.extensions[STARTUP_CHECK_KEY] = True


def berlin_clock(instant: dt.datetime) -> str:
    return instant.astimezone(BERLIN).strftime("%H:%M")


def test_the_day_page_ends_a_dead_run_and_says_what_happened(
    coordinator_client, session, started
) -> None:  # type: ignore[no-untyped-def]
    approved = make_plan(session, day=DAY, status=PlanStatus.APPROVED, approved_at=utcnow())
    run = dead_run(session)
    page = coordinator_client.get(f"/coordinator/days/{DAY}").text
    session.refresh(run)
    assert run.status == PlanningRunStatus.FAILED
    assert (
        f"The planner stopped answering at {berlin_clock(run.heartbeat_at)}. "
        "The approved plan is unchanged. You can start a new run." in page
    )
    assert f'action="/coordinator/days/{DAY}/plan"' in page  # the day can be planned again
    assert f"/coordinator/runs/{run.id}/progress" not in page
    session.refresh(approved)
    assert approved.status == PlanStatus.APPROVED


def test_the_progress_poll_of_a_dead_run_reports_it_finished(
    coordinator_client, session, started
) -> None:  # type: ignore[no-untyped-def]
    run = dead_run(session)
    coordinator_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    data = coordinator_client.get(f"/coordinator/runs/{run.id}/progress").json
    assert data["finished"] is True and data["status"] == "failed"
    assert berlin_clock(run.heartbeat_at) in data["message"]
    assert "stopped answering" not in data["message"]  # in German


def test_plan_this_day_is_not_refused_because_of_a_dead_run(
    coordinator_client, session, queue, started
) -> None:  # type: ignore[no-untyped-def]
    run = dead_run(session)
    coordinator_client.post(f"/coordinator/days/{DAY}/plan")
    session.refresh(run)
    assert run.status == PlanningRunStatus.FAILED
    new = session.scalars(sa.select(PlanningRun).where(PlanningRun.id != run.id)).one()
    assert queue.submitted == [new.id]


def test_stop_ends_a_run_whose_worker_is_silent_at_once(
    coordinator_client, session, started
) -> None:  # type: ignore[no-untyped-def]
    run = dead_run(session, silent_for=dt.timedelta(seconds=30))  # not yet beyond the limit
    response = coordinator_client.post(f"/coordinator/runs/{run.id}/cancel", follow_redirects=True)
    session.refresh(run)
    assert run.status == PlanningRunStatus.CANCELLED
    assert (
        "The planner was stopped. Earlier versions of the plan stay as they are." in response.text
    )
    assert f"it had stopped answering at {berlin_clock(run.heartbeat_at)}" in response.text


def test_start_up_ends_dead_runs_of_every_day(client, session) -> None:  # type: ignore[no-untyped-def]
    other_day = dead_run(session, day=DAY + dt.timedelta(days=3))
    client.get("/")  # the app's first request
    session.refresh(other_day)
    assert other_day.status == PlanningRunStatus.FAILED


class _FailingQueue:
    """A queue that gave up on one job."""

    def submit(self, run_id: int) -> None:  # pragma: no cover - not called here
        raise AssertionError

    def failed(self, limit: int = 20):  # type: ignore[no-untyped-def]
        import datetime as dt

        from matcher.jobs.planner_queue import FailedJob

        return [FailedJob(7, dt.datetime(2026, 6, 1, 4, 5, tzinfo=dt.UTC), "RuntimeError: boom")]


def test_the_day_page_lists_the_jobs_the_planner_queue_gave_up_on(app, coordinator_client) -> None:  # type: ignore[no-untyped-def]
    from web.coordinators.queue import QUEUE_KEY

    app.extensions[QUEUE_KEY] = _FailingQueue()
    html = coordinator_client.get("/coordinator/days/2026-06-02").text
    assert "The planner queue gave up on 1 job" in html
    assert "Run 7" in html and "RuntimeError: boom" in html
