"""The only module that imports OR-Tools: Problem -> RoutingModel -> visit lists.

The model follows SOLVER-NOTES §1: every request has its own pick-up and
drop-off node, all costs and transits are matrices (no Python callbacks per
arc), ride-time limits are given natively to the pickup-and-delivery
machinery (so insertion filters see them) plus a CP constraint as a safety net.
Times in the returned routes are not used: ``solve`` re-times every route.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace

import numpy as np
from ortools.constraint_solver import pywrapcp
from ortools.constraint_solver import routing_enums_pb2
from ortools.constraint_solver import routing_ils_pb2

from solver._prepare import narrowed_windows
from solver.chains import order_chains
from solver.params import FirstSolution
from solver.params import Metaheuristic
from solver.problem import Problem
from solver.problem import Request
from solver.problem import StopKind
from solver.problem import Vehicle
from solver.problem import Visit

_FIRST = {
    FirstSolution.AUTO: routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION,
    FirstSolution.PARALLEL: routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION,
    FirstSolution.LOCAL: routing_enums_pb2.FirstSolutionStrategy.LOCAL_CHEAPEST_INSERTION,
    FirstSolution.SEQUENTIAL: routing_enums_pb2.FirstSolutionStrategy.SEQUENTIAL_CHEAPEST_INSERTION,
}
_META = {
    Metaheuristic.ILS: routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT,
    Metaheuristic.GLS: routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH,
    Metaheuristic.GREEDY: routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT,
}

_OFF = 2  # OptionalBoolean.BOOL_FALSE
_SLOW_OPERATORS = (
    "use_lin_kernighan",
    "use_global_cheapest_insertion_path_lns",
    "use_local_cheapest_insertion_path_lns",
    "use_relocate_path_global_cheapest_insertion_insert_unperformed",
)

Routes = Mapping[str, Sequence[Visit]]


@dataclass(frozen=True)
class SearchSpec:
    """One OR-Tools run: which requests, which are mandatory, how to search.

    Attributes:
        request_ids: Requests put into the model (the others stay unserved).
        vehicle_ids: Vehicles put into the model (None: all).
        mandatory: Of those, the ones without a drop disjunction.
        initial: Feasible routes to start from (lock prefixes included).
        locked: Vehicle id -> visits that must open the route.
        time_limit: Seconds for the search.
        solution_limit: Stop after this many solutions, or None.
        metaheuristic, first_solution, ruin_visits: Search strategy.
        seed: 0 keeps the problem's request order; another value shuffles it
            (OR-Tools' routing search has no seed of its own).
        log_search: OR-Tools search log on stderr.
    """

    request_ids: tuple[str, ...]
    vehicle_ids: tuple[str, ...] | None = None
    mandatory: frozenset[str] = frozenset()
    initial: Routes | None = None
    locked: Routes | None = None
    time_limit: float = 10.0
    solution_limit: int | None = None
    metaheuristic: Metaheuristic = Metaheuristic.ILS
    first_solution: FirstSolution = FirstSolution.AUTO
    ruin_visits: int = 10
    log_search: bool = False
    seed: int = 0


@dataclass(frozen=True)
class SearchResult:
    """What one run found: non-empty routes per vehicle id, and how the search went."""

    routes: dict[str, tuple[Visit, ...]]
    objective: int
    first_seconds: float | None
    best_seconds: float | None
    iterations: int
    status: str


OnSolution = Callable[[float, int, int], None]
"""Called as ``(elapsed seconds, served requests, objective)`` on improvements."""


class _Nodes:
    """Node numbering: depot locations first, then pick-up and drop-off per request."""

    def __init__(self, vehicles: Sequence[Vehicle], requests: Sequence[Request]) -> None:
        depots = sorted({v.start for v in vehicles} | {v.end for v in vehicles})
        self.depot = {loc: i for i, loc in enumerate(depots)}
        self.requests = list(requests)
        n_dep = len(depots)
        self.pickup = {r.id: n_dep + 2 * k for k, r in enumerate(requests)}
        locs, service, seats, child = list(depots), [0] * n_dep, [0] * n_dep, [0] * n_dep
        for r in requests:
            locs += [r.pickup, r.dropoff]
            service += [r.pickup_service, r.dropoff_service]
            seats += [r.seats, -r.seats]
            child += [r.child_seats, -r.child_seats]
        self.loc = np.asarray(locs, dtype=np.int64)
        self.service = np.asarray(service, dtype=np.int64)
        self.seats, self.child = seats, child
        self.count = len(locs)

    def node(self, visit: Visit) -> int:
        base = self.pickup[visit.request_id]
        return base if visit.kind is StopKind.PICKUP else base + 1

    def visit(self, node: int) -> Visit:
        k, rem = divmod(node - len(self.depot), 2)
        kind = StopKind.PICKUP if rem == 0 else StopKind.DROPOFF
        return Visit(self.requests[k].id, kind)


class _Model:
    """A RoutingModel for a subset of the problem's requests."""

    def __init__(self, problem: Problem, spec: SearchSpec) -> None:
        self.problem, self.spec = problem, spec
        by_id = {r.id: r for r in problem.requests}
        vs = problem.vehicles
        if spec.vehicle_ids is not None:
            vs = tuple(problem.vehicle_by_id[i] for i in spec.vehicle_ids)
        self.vehicles = vs
        requests = [by_id[i] for i in _whole_chains(problem, spec.request_ids, vs)]
        if spec.seed:
            # Another node order breaks ties differently in every insertion
            # and neighbourhood scan: a different, equally valid search.
            random.Random(spec.seed).shuffle(requests)
        self.nodes = _Nodes(vs, requests)
        self.vehicle_index = {v.id: k for k, v in enumerate(vs)}
        dep = self.nodes.depot
        self.manager = pywrapcp.RoutingIndexManager(
            self.nodes.count, len(vs), [dep[v.start] for v in vs], [dep[v.end] for v in vs]
        )
        self.routing = pywrapcp.RoutingModel(self.manager)
        self._costs()
        self._time()
        self._capacities()
        self._requests()
        self._chains()

    def _matrix(self, table: Sequence[Sequence[int]]) -> np.ndarray:
        loc = self.nodes.loc
        return np.asarray(table, dtype=np.int64)[np.ix_(loc, loc)]

    def _costs(self) -> None:
        w, rt, m = self.problem.weights, self.routing, self.problem.matrix
        self.dur = self._matrix(m.durations)
        cost = w.travel_time * self.dur
        if w.distance:
            cost = cost + w.distance * self._matrix(m.distances)
        self._arc_costs(cost)
        for k, v in enumerate(self.vehicles):
            if v.fixed_cost:
                rt.SetFixedCostOfVehicle(v.fixed_cost, k)
        self._change_costs()

    def _arc_costs(self, cost: np.ndarray) -> None:
        """Travel cost, plus the language penalty on the arcs leaving a rider's pick-up.

        One matrix per distinct set of driver languages (a handful in a
        district), so insertion heuristics see the penalty as an arc cost.
        It used to be a dimension with per-vehicle unary transits and a span
        cost, like the change penalty; with three distinct transit vectors
        OR-Tools 9.15 found no first plan at all on the demo day (ROUTING_FAIL,
        cf. google/or-tools#5283), and ``solve`` fell back to the greedy
        insertion alone: 115 of 174 riders served instead of about 128.
        """
        rt = self.routing
        vectors = [self._language_vector(v) for v in self.vehicles]
        if not any(any(vec) for vec in vectors):
            rt.SetArcCostEvaluatorOfAllVehicles(rt.RegisterTransitMatrix(cost.tolist()))
            return
        cache: dict[tuple[int, ...], int] = {}
        for k, vec in enumerate(vectors):
            key = tuple(vec)
            if key not in cache:
                with_penalty = cost + np.asarray(vec, dtype=np.int64)[:, None]
                np.fill_diagonal(with_penalty, 0)
                cache[key] = rt.RegisterTransitMatrix(with_penalty.tolist())
            rt.SetArcCostEvaluatorOfVehicle(cache[key], k)

    def _language_vector(self, veh: Vehicle) -> list[int]:
        """Per node: the language penalty if ``veh`` serves this pick-up, else 0."""
        w, vec = self.problem.weights, [0] * self.nodes.count
        if w.language_mismatch:
            for r in self.nodes.requests:
                if r.languages and not (r.languages & veh.languages):
                    vec[self.nodes.pickup[r.id]] = w.language_mismatch
        return vec

    def _change_costs(self) -> None:
        """The change penalty as per-vehicle unary transits with span cost.

        Linear in the node count per vehicle, where per-vehicle arc matrices
        would be quadratic (every vehicle of an earlier plan has its own vector).
        """
        w = self.problem.weights
        if not w.change:
            return
        prev = {v.request_id: pr.vehicle_id for pr in self.problem.previous for v in pr.visits}
        vectors: list[list[int]] = []
        for veh in self.vehicles:
            vec = [0] * self.nodes.count
            for r in self.nodes.requests:
                if prev.get(r.id, veh.id) != veh.id:
                    vec[self.nodes.pickup[r.id]] = w.change
            vectors.append(vec)
        if not any(any(vec) for vec in vectors):
            return
        rt, cache = self.routing, {}
        for vec in vectors:
            if tuple(vec) not in cache:
                cache[tuple(vec)] = rt.RegisterUnaryTransitVector(vec)
        cbs = [cache[tuple(vec)] for vec in vectors]
        cap = sum(max(v) for v in vectors) * len(self.nodes.requests) + 1
        rt.AddDimensionWithVehicleTransits(cbs, 0, cap, True, "Change")
        rt.GetDimensionOrDie("Change").SetSpanCostCoefficientForAllVehicles(1)

    def _time(self) -> None:
        rt, vs = self.routing, self.vehicles
        horizon = max(v.window.latest for v in vs)
        transit = self.dur + self.nodes.service[:, None]
        np.fill_diagonal(transit, 0)
        cb = rt.RegisterTransitMatrix(transit.tolist())
        rt.AddDimension(cb, horizon, horizon, False, "Time")
        self.time = rt.GetDimensionOrDie("Time")
        for k, v in enumerate(vs):
            for idx in (rt.Start(k), rt.End(k)):
                self.time.CumulVar(idx).SetRange(v.window.earliest, v.window.latest)
            if v.max_duty_seconds is not None:
                self.time.SetSpanUpperBoundForVehicle(v.max_duty_seconds, k)
            rt.AddVariableMaximizedByFinalizer(self.time.CumulVar(rt.Start(k)))
            rt.AddVariableMinimizedByFinalizer(self.time.CumulVar(rt.End(k)))
        if any(v.max_drive_seconds is not None for v in vs):
            drive = rt.RegisterTransitMatrix(self.dur.tolist())
            caps = [v.max_drive_seconds if v.max_drive_seconds is not None else horizon for v in vs]
            rt.AddDimensionWithVehicleCapacity(drive, 0, caps, True, "Drive")

    def _capacities(self) -> None:
        rt, vs, nodes = self.routing, self.vehicles, self.nodes
        seats = rt.RegisterUnaryTransitVector(nodes.seats)
        rt.AddDimensionWithVehicleCapacity(seats, 0, [v.seats for v in vs], True, "Seats")
        if any(nodes.child):
            child = rt.RegisterUnaryTransitVector(nodes.child)
            caps = [v.child_seats for v in vs]
            rt.AddDimensionWithVehicleCapacity(child, 0, caps, True, "ChildSeats")
        workload = bool(self.problem.weights.workload)
        request_caps = [v.max_requests for v in vs]
        self.count = self._counter("Requests", lambda r: True, request_caps, always=workload)
        self._counter("Night", lambda r: r.night, [v.max_night_requests for v in vs])
        self._workload()

    def _workload(self) -> None:
        """``Weights.workload`` per request above the fair share: a soft bound on the count.

        The fair share comes from the whole problem, so a sub-model of the
        large-neighbourhood layer prices a route as ``objective_parts`` does.
        """
        w, rt = self.problem.weights, self.routing
        if self.count is None or not w.workload:
            return
        for k in range(len(self.vehicles)):
            self.count.SetCumulVarSoftUpperBound(rt.End(k), self.problem.fair_share, w.workload)

    def _counter(
        self,
        name: str,
        counts: Callable[[Request], bool],
        caps: Sequence[int | None],
        always: bool = False,
    ) -> pywrapcp.RoutingDimension | None:
        """A dimension counting +1 at each counted pick-up, capped per driver.

        Left out (None) when no driver has a cap, unless ``always``.
        """
        if all(c is None for c in caps) and not always:
            return None
        vec = [0] * self.nodes.count
        for r in self.nodes.requests:
            if counts(r):
                vec[self.nodes.pickup[r.id]] = 1
        if not any(vec):
            return None
        cb = self.routing.RegisterUnaryTransitVector(vec)
        n = len(self.nodes.requests)
        full = [n if c is None else c for c in caps]
        self.routing.AddDimensionWithVehicleCapacity(cb, 0, full, True, name)
        return self.routing.GetDimensionOrDie(name)

    def _requests(self) -> None:
        rt, solver, t = self.routing, self.routing.solver(), self.time
        w, spec = self.problem.weights, self.spec
        prev = {v.request_id for pr in self.problem.previous for v in pr.visits}
        for k, r in enumerate(self.nodes.requests):
            p = self.manager.NodeToIndex(self.nodes.pickup[r.id])
            d = self.manager.NodeToIndex(self.nodes.pickup[r.id] + 1)
            rt.AddPickupAndDelivery(p, d)
            solver.Add(rt.VehicleVar(p) == rt.VehicleVar(d))
            solver.Add(t.CumulVar(p) <= t.CumulVar(d))
            if r.max_ride_seconds is not None:
                limit = r.max_ride_seconds + r.pickup_service
                t.SetPickupToDeliveryLimitFunctionForPair(lambda a, b, lim=limit: lim, k)
                solver.Add(t.CumulVar(d) - t.CumulVar(p) <= limit)
            for idx, (lo, hi) in zip(
                (p, d), narrowed_windows(self.problem, r, self.vehicles), strict=True
            ):
                t.CumulVar(idx).SetRange(lo, hi)
            mandatory = r.id in spec.mandatory
            penalty = w.penalty(r.priority) + (w.change if r.id in prev else 0)
            allowed = self._allowed_vehicles(r)
            for idx in (p, d):
                if not mandatory:
                    rt.AddDisjunction([idx], penalty)
                if allowed is not None:
                    rt.VehicleVar(idx).SetValues(([] if mandatory else [-1]) + allowed)

    def _chains(self) -> None:
        """Each chain on one vehicle or not at all, the companion's ride inside the main ride.

        Same vehicle: with the per-node disjunctions a dropped node's vehicle
        is -1, so equal vehicles also means both served or neither. The order
        is stated on the times (the pairs' own precedence does the rest);
        ``read`` puts shared stops visited at the same moment in chain order.
        """
        rt, solver, t, pickup = self.routing, self.routing.solver(), self.time, self.nodes.pickup
        index = self.manager.NodeToIndex
        for main_id, companion_id in self.problem.companions.items():
            if main_id not in pickup or companion_id not in pickup:
                continue
            mp, md = index(pickup[main_id]), index(pickup[main_id] + 1)
            cp, cd = index(pickup[companion_id]), index(pickup[companion_id] + 1)
            solver.Add(rt.VehicleVar(mp) == rt.VehicleVar(cp))
            solver.Add(t.CumulVar(mp) <= t.CumulVar(cp))
            solver.Add(t.CumulVar(cd) <= t.CumulVar(md))

    def _allowed_vehicles(self, r: Request) -> list[int] | None:
        """Vehicles a request may use, or None for all (lock and forbidden set)."""
        if r.locked_vehicle is None and not r.forbidden_vehicles:
            return None
        ids = [r.locked_vehicle] if r.locked_vehicle is not None else list(self.vehicle_index)
        index = self.vehicle_index
        return [index[i] for i in ids if i in index and i not in r.forbidden_vehicles]

    def search_parameters(self) -> pywrapcp.RoutingSearchParameters:
        spec = self.spec
        sp = pywrapcp.DefaultRoutingSearchParameters()
        sp.first_solution_strategy = _FIRST[spec.first_solution]
        sp.local_search_metaheuristic = _META[spec.metaheuristic]
        sp.time_limit.FromMilliseconds(max(1, int(spec.time_limit * 1000)))
        if spec.solution_limit is not None:
            sp.solution_limit = spec.solution_limit
        sp.log_search = spec.log_search
        ops = sp.local_search_operators
        # In our DARP search logs these never made an improving move, while a
        # descent scanned ~400,000 neighbours to accept ~30; without them the
        # descents are shorter (quality at 5 s was within run-to-run noise).
        for name in _SLOW_OPERATORS:
            setattr(ops, name, _OFF)
        if spec.metaheuristic is Metaheuristic.ILS:
            sp.use_iterated_local_search = True
            ils = sp.iterated_local_search_parameters
            # The default temperatures (100) are far below our cost scale
            # (metres, milliseconds), which made the acceptance plain greedy;
            # the automatic ones scale with the mean arc cost. (A fixed
            # 0.5 x mean arc cost was not clearly better on DARP and worse
            # when the CPU was contended.)
            sa = ils.reference_solution_acceptance_strategy.simulated_annealing
            sa.automatic_temperatures = True
            rr = ils.ruin_recreate_parameters
            rr.ruin_strategies.add().sisr.MergeFrom(
                routing_ils_pb2.SISRRuinStrategy(
                    max_removed_sequence_size=10,
                    avg_num_removed_visits=spec.ruin_visits,
                    bypass_factor=0.01,
                )
            )
        return sp

    def index_routes(self, routes: Routes) -> list[list[int]]:
        """Visit lists per vehicle id -> routing indices per vehicle."""
        out: list[list[int]] = [[] for _ in self.vehicles]
        for vid, visits in routes.items():
            out[self.vehicle_index[vid]] = [
                self.manager.NodeToIndex(self.nodes.node(v)) for v in visits
            ]
        return out

    def read(self, assignment: pywrapcp.Assignment) -> dict[str, tuple[Visit, ...]]:
        """The plan as visit lists per vehicle id (empty routes left out)."""
        rt, out = self.routing, {}
        for k, veh in enumerate(self.vehicles):
            visits, idx = [], assignment.Value(rt.NextVar(rt.Start(k)))
            while not rt.IsEnd(idx):
                visits.append(self.nodes.visit(self.manager.IndexToNode(idx)))
                idx = assignment.Value(rt.NextVar(idx))
            if visits:
                out[veh.id] = order_chains(self.problem, visits)
        return out

    def served(self) -> int:
        """Requests performed in the solution the search is currently at."""
        rt = self.routing
        return sum(
            1
            for r in self.nodes.requests
            if rt.ActiveVar(self.manager.NodeToIndex(self.nodes.pickup[r.id])).Value()
        )


def _whole_chains(
    problem: Problem, request_ids: Sequence[str], vehicles: Sequence[Vehicle]
) -> list[str]:
    """The ids without chain members whose partner is missing or whose order cannot be timed.

    A member alone would be served as half a chain; a chain whose windows
    cannot be put in order (the companion's via stop opens after the main
    ride must end) would make the whole model infeasible, as OR-Tools states
    the order even for dropped nodes.
    """
    ids = set(request_ids)
    out_of_model = set()
    by_id = problem.request_by_id
    for main_id, companion_id in problem.companions.items():
        if main_id not in ids and companion_id not in ids:
            continue
        if main_id in ids and companion_id in ids:
            (mp, md) = narrowed_windows(problem, by_id[main_id], vehicles)
            (cp, cd) = narrowed_windows(problem, by_id[companion_id], vehicles)
            if mp[0] <= cp[1] and cd[0] <= md[1]:
                continue
        out_of_model |= {main_id, companion_id}
    return [i for i in request_ids if i not in out_of_model]


def run_search(
    problem: Problem,
    spec: SearchSpec,
    t0: float | None = None,
    on_solution: OnSolution | None = None,
) -> SearchResult | None:
    """Build the model for ``spec``, search, and return the plan found (or None).

    Times in the result count from ``t0`` (a ``time.monotonic()`` value,
    default now), so workers in other processes report on the caller's clock.
    """
    t0 = time.monotonic() if t0 is None else t0
    if spec.initial and spec.metaheuristic is Metaheuristic.ILS:
        # In 9.15 ILS ignores a start assignment (and a first-solution hint
        # did not rebuild it): improve a given start with GLS instead.
        spec = replace(spec, metaheuristic=Metaheuristic.GLS)
    model = _Model(problem, spec)
    track = _Tracker(model, t0, on_solution)
    try:
        return _solve(model, spec, track)
    finally:
        # The routing model holds the callback and the callback the model: a
        # cycle through C++ that Python's collector cannot see, which leaked
        # the whole model on every run (~6 MB each on a 40-request file).
        track.model = None


def _solve(model: _Model, spec: SearchSpec, track: _Tracker) -> SearchResult | None:
    rt = model.routing
    params = model.search_parameters()
    rt.AddAtSolutionCallback(track)
    rt.CloseModelWithParameters(params)
    if spec.locked and not rt.ApplyLocksToAllVehicles(model.index_routes(spec.locked), False):
        return None
    initial = None
    if spec.initial:
        initial = rt.ReadAssignmentFromRoutes(model.index_routes(spec.initial), True)
    if initial is not None:
        solution = rt.SolveFromAssignmentWithParameters(initial, params)
    elif spec.metaheuristic is Metaheuristic.ILS:
        solution = rt.SolveWithIteratedLocalSearch(params)
    else:
        solution = rt.SolveWithParameters(params)
    if solution is None:
        return None
    return SearchResult(
        routes=model.read(solution),
        objective=solution.ObjectiveValue(),
        first_seconds=track.first,
        best_seconds=track.best_at,
        iterations=track.count,
        status=_status_name(rt.status()),
    )


def _status_name(status: int) -> str:
    """OR-Tools' status name; ILS leaves NOT_SOLVED although it returned a plan."""
    names = routing_enums_pb2.RoutingSearchStatus.Value
    name = names.Name(status)
    return "ROUTING_SUCCESS" if name == "ROUTING_NOT_SOLVED" else name


class _Tracker:
    """Solution callback: first/best times, iteration count, throttled progress."""

    def __init__(self, model: _Model, t0: float, on_solution: OnSolution | None) -> None:
        self.model: _Model | None = model
        self.t0, self.on_solution = t0, on_solution
        self.first: float | None = None
        self.best_at: float | None = None
        self.best: int | None = None
        self.count = 0
        self.last_report = -1.0

    def __call__(self) -> None:
        model = self.model
        if model is None:
            return
        now = time.monotonic() - self.t0
        self.count += 1
        cost = model.routing.CostVar().Value()
        if self.first is None:
            self.first = now
        if self.best is None or cost < self.best:
            self.best, self.best_at = cost, now
            if self.on_solution is not None and now - self.last_report >= 0.25:
                self.last_report = now
                self.on_solution(now, model.served(), cost)
