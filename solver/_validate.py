"""Cross-field checks of a Problem: ids unique and known, locations inside the matrix.

Kept apart from ``solver.problem`` so that module stays a readable description of
the data; each check raises a ``ValueError`` naming the offending field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from solver.problem import Problem
    from solver.problem import Visit


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


def _unique(kind: str, ids: Iterable[str]) -> None:
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    _require(not duplicates, f"Problem.{kind} ids must be unique, repeated: {duplicates}")


def validate_problem(problem: Problem) -> None:
    """Raise ValueError if the problem's parts do not fit together."""
    _unique("vehicles", (v.id for v in problem.vehicles))
    _unique("requests", (r.id for r in problem.requests))
    size = problem.matrix.size
    vehicle_ids = {v.id for v in problem.vehicles}
    request_ids = {r.id for r in problem.requests}
    for v in problem.vehicles:
        for name in ("start", "end"):
            loc = getattr(v, name)
            _require(
                loc < size, f"Vehicle {v.id!r}.{name} = {loc} is outside the matrix (size {size})"
            )
        _require(
            v.seats <= problem.max_seats,
            f"Vehicle {v.id!r}.seats must be <= {problem.max_seats}, got {v.seats}",
        )
    for r in problem.requests:
        for name in ("pickup", "dropoff"):
            loc = getattr(r, name)
            _require(
                loc < size, f"Request {r.id!r}.{name} = {loc} is outside the matrix (size {size})"
            )
        _require(
            r.locked_vehicle is None or r.locked_vehicle in vehicle_ids,
            f"Request {r.id!r}.locked_vehicle {r.locked_vehicle!r} is not a vehicle id",
        )
        unknown = sorted(r.forbidden_vehicles - vehicle_ids)
        _require(not unknown, f"Request {r.id!r}.forbidden_vehicles has unknown ids {unknown}")
    _check_chains(problem)
    for route in problem.previous:
        _check_visits(f"Problem.previous[{route.vehicle_id!r}]", route.visits, request_ids)
        _require(
            route.vehicle_id in vehicle_ids,
            f"Problem.previous vehicle_id {route.vehicle_id!r} is not a vehicle id",
        )
    _check_locked_routes(problem, vehicle_ids, request_ids)


def _check_chains(problem: Problem) -> None:
    """A companion rides inside a main request that is no companion itself, one per main."""
    by_id = {r.id: r for r in problem.requests}
    seen: dict[str, str] = {}
    for r in problem.requests:
        main_id = r.companion_of
        if main_id is None:
            continue
        owner = f"Request {r.id!r}.companion_of"
        main = by_id.get(main_id)
        _require(main is not None, f"{owner} {main_id!r} is not a request id")
        assert main is not None
        _require(main.id != r.id, f"{owner} names the request itself")
        _require(main.companion_of is None, f"{owner} {main_id!r} is itself a companion")
        other = seen.setdefault(main_id, r.id)  # main -> companion
        _require(other == r.id, f"{owner}: {main_id!r} already has companion {other!r}")
        _require(
            r.must_serve == main.must_serve,
            f"{owner}: must_serve must be the same for {r.id!r} and {main_id!r}",
        )
    partners = {companion: main for main, companion in seen.items()} | seen
    for vehicle_id, visits in problem.locked_routes.items():
        ids = {v.request_id for v in visits}
        for rid in ids:
            partner = partners.get(rid)
            _require(
                partner is None or partner in ids,
                f"Problem.locked_routes[{vehicle_id!r}] holds {rid!r} without its chain "
                f"partner {partner!r}",
            )


def _check_visits(owner: str, visits: tuple[Visit, ...], request_ids: set[str]) -> None:
    """Known ids, each end at most once, pick-up before drop-off when both are there."""
    position: dict[tuple[str, str], int] = {}
    for i, visit in enumerate(visits):
        _require(
            visit.request_id in request_ids,
            f"{owner} refers to unknown request {visit.request_id!r}",
        )
        key = (visit.request_id, str(visit.kind))
        _require(key not in position, f"{owner} visits {visit.request_id!r} {visit.kind} twice")
        position[key] = i
    for (request_id, kind), i in position.items():
        pickup = position.get((request_id, "pickup"), -1)
        _require(
            kind != "dropoff" or pickup < i,
            f"{owner} drops {request_id!r} off before picking it up",
        )


def _check_locked_routes(problem: Problem, vehicle_ids: set[str], request_ids: set[str]) -> None:
    owner_of: dict[str, str] = {}
    for vehicle_id, visits in problem.locked_routes.items():
        owner = f"Problem.locked_routes[{vehicle_id!r}]"
        _require(vehicle_id in vehicle_ids, f"{owner}: {vehicle_id!r} is not a vehicle id")
        _check_visits(owner, visits, request_ids)
        kinds = Counter(v.request_id for v in visits)
        half = sorted(r for r, n in kinds.items() if n != 2)
        _require(not half, f"{owner} must hold both pick-up and drop-off of {half}")
        for request_id in kinds:
            other = owner_of.setdefault(request_id, vehicle_id)
            _require(
                other == vehicle_id,
                f"{owner}: request {request_id!r} is also locked on {other!r}",
            )
            locked = problem.request_by_id[request_id].locked_vehicle
            _require(
                locked in (None, vehicle_id),
                f"{owner}: request {request_id!r} has locked_vehicle {locked!r}",
            )
