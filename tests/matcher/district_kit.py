"""A small planning day for the planning and plans tests: riders with needs, drivers, windows."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

import solver
from matcher.demand.trips import generate_trips
from matcher.models import Coordinator
from matcher.models import Driver
from matcher.models import PlaceKind
from matcher.models import RideNeed
from matcher.planning.problem import build_problem
from matcher.planning.problem import store_solution
from matcher.settings import Settings
from tests.factories import make_coordinator
from tests.factories import make_driver
from tests.factories import make_need
from tests.factories import make_place
from tests.factories import make_rider
from tests.factories import make_window

DAY = dt.date(2026, 6, 2)  # a Tuesday
# MATCHER_TEST_REDIS_URL lets suites that run side by side use separate Redis databases.
SETTINGS = Settings(
    planner_time_limit_seconds=30,
    planner_solution_limit=30,
    redis_url=os.environ.get("MATCHER_TEST_REDIS_URL", Settings.redis_url),
)
PARAMS = solver.SolveParams(time_limit_seconds=30, solution_limit=30)


@dataclass
class District:
    """What ``district`` made, for the tests to refer to."""

    drivers: list[Driver]
    needs: list[RideNeed]
    coordinator: Coordinator


def build_district(session: Session, riders: int = 6, drivers: int = 3) -> District:
    """Riders from villages to two employers (Lüchow area), drivers available 05:00-20:00."""
    employers = [
        make_place(
            session, kind=PlaceKind.EMPLOYER, name=f"Werk {k}", lat=52.97 + k / 50, lon=11.15
        )
        for k in range(2)
    ]
    made = []
    for k in range(drivers):
        driver = make_driver(
            session, home_place=make_place(session, lat=52.96 + k / 100, lon=11.12 + k / 100)
        )
        make_window(session, driver)
        made.append(driver)
    needs = []
    for k in range(riders):
        home = make_place(session, lat=52.95 + (k % 5) / 80, lon=11.10 + (k % 4) / 60)
        rider = make_rider(session, home_place=home, first_name=f"Rider{k}")
        needs.append(
            make_need(
                session,
                rider=rider,
                origin=home,
                destination=employers[k % 2],
                arrive_by=dt.time(7 + k % 3, 0),
                pick_up_after=dt.time(15 + k % 3, 0),
                flexibility_minutes=30,
            )
        )
    return District(made, needs, make_coordinator(session))


def plan_day(session: Session, day: dt.date = DAY, base_plan=None, actor_id=None):
    """Generate trips, plan in process, store a draft; returns (plan, planning input, solution)."""
    generate_trips(session, day, SETTINGS)
    pi = build_problem(session, day, SETTINGS, base_plan=base_plan)
    solution = solver.solve(pi.problem, PARAMS)
    plan = store_solution(session, pi, solution, base_plan=base_plan, actor_id=actor_id)
    return plan, pi, solution


@pytest.fixture()
def district(session: Session) -> District:
    """Six riders, three drivers on the test day."""
    return build_district(session)
