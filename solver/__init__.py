"""Pure optimisation for the daily ride plan: plain data in, plan out.

Nothing here knows of databases, Flask or the ``matcher`` package; OR-Tools is
imported in ``solver._ortools`` only. OR-Tools builds and improves the plan;
a compiled ruin-and-recreate layer (``solver._rr``, numba) then makes
thousands of small changes a second, each checked exactly, and the result is
checked once more by ``solver.check`` before ``solve`` returns it.

This module is the solver's public API; callers import from ``solver`` only,
never from its modules (a test enforces it for ``matcher`` and ``web``):

- the problem: ``Problem``, ``Request``, ``Vehicle``, ``TimeWindow``,
  ``TravelMatrix``, ``Visit``, ``PlannedRoute``, ``Priority``, ``StopKind``,
  ``Weights``; the parameters: ``SolveParams`` and its enums;
- solving: ``solve`` (with ``Progress`` reports, ``SolverError``) returning a
  ``Solution`` of ``Route``/``Stop``, ``Unserved`` with an ``UnservedReason``,
  ``ObjectiveParts`` and ``SolveStats``;
- editing a plan: ``schedule_route``/``build_route`` (``RouteInfeasible``,
  ``RouteIssue``), ``insert_visits``, ``rank_insertions``/``Insertion``,
  ``greedy_construct``, ``fit_per_vehicle`` (each vehicle's cheapest insertion or
  what blocks it); checking and explaining: ``check``/``Violation``,
  ``explain_unserved``, ``structural_feasible``;
- travel matrices without I/O: ``build_matrix`` with ``GeodesicTravelModel``
  (``SpeedBand``, ``MemoryCache``), and the ``TravelTimeProvider`` shape
  (``Point``, ``Table``) that road routers in the domain implement.

Solving and the travel matrices load on first use (PEP 562 ``__getattr__``):
``solver.solving`` (``solve``) brings OR-Tools, numba's compiled kernels and numpy,
``solver.travel`` numpy and geopy, about 100 MB of a process. A web worker that
only checks an edit (``insert_visits``, ``schedule_route``, ``explain_unserved``:
plain Python) never loads them; the planner process does. (The module is
``solving``, not ``solve``: importing a submodule ``solve`` would make it the
package's attribute ``solve`` in place of the function.)
"""

from typing import TYPE_CHECKING

from solver.check import Violation as Violation
from solver.check import check as check
from solver.explain import explain_unserved as explain_unserved
from solver.explain import fit_per_vehicle as fit_per_vehicle
from solver.explain import structural_feasible as structural_feasible
from solver.insertion import Insertion as Insertion
from solver.insertion import greedy_construct as greedy_construct
from solver.insertion import rank_insertions as rank_insertions
from solver.params import FirstSolution as FirstSolution
from solver.params import Metaheuristic as Metaheuristic
from solver.params import SolveParams as SolveParams
from solver.problem import PlannedRoute as PlannedRoute
from solver.problem import Priority as Priority
from solver.problem import Problem as Problem
from solver.problem import Request as Request
from solver.problem import StopKind as StopKind
from solver.problem import TimeWindow as TimeWindow
from solver.problem import TravelMatrix as TravelMatrix
from solver.problem import Vehicle as Vehicle
from solver.problem import Visit as Visit
from solver.problem import Weights as Weights
from solver.schedule import RouteInfeasible as RouteInfeasible
from solver.schedule import RouteIssue as RouteIssue
from solver.schedule import build_route as build_route
from solver.schedule import insert_visits as insert_visits
from solver.schedule import schedule_route as schedule_route
from solver.solution import ObjectiveParts as ObjectiveParts
from solver.solution import Route as Route
from solver.solution import Solution as Solution
from solver.solution import SolveStats as SolveStats
from solver.solution import Stop as Stop
from solver.solution import Unserved as Unserved
from solver.solution import UnservedReason as UnservedReason

if TYPE_CHECKING:
    from solver.solving import Progress as Progress
    from solver.solving import SolverError as SolverError
    from solver.solving import solve as solve
    from solver.travel import GeodesicTravelModel as GeodesicTravelModel
    from solver.travel import MemoryCache as MemoryCache
    from solver.travel import Point as Point
    from solver.travel import SpeedBand as SpeedBand
    from solver.travel import Table as Table
    from solver.travel import TravelTimeProvider as TravelTimeProvider
    from solver.travel import build_matrix as build_matrix

_LAZY = {
    "Progress": "solver.solving",
    "SolverError": "solver.solving",
    "solve": "solver.solving",
    "GeodesicTravelModel": "solver.travel",
    "MemoryCache": "solver.travel",
    "Point": "solver.travel",
    "SpeedBand": "solver.travel",
    "Table": "solver.travel",
    "TravelTimeProvider": "solver.travel",
    "build_matrix": "solver.travel",
}
"""The names whose modules load on first use, and those modules."""


def __getattr__(name: str) -> object:
    """Import the module behind a lazily loaded name on first use (PEP 562)."""
    home = _LAZY.get(name)
    if home is None:
        raise AttributeError(f"module 'solver' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
