"""How long and how hard to search: plain, validated knobs for ``solve``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

_E = TypeVar("_E", bound=StrEnum)


class Metaheuristic(StrEnum):
    """The improvement phase after the first plan.

    ``ILS`` (iterated local search with SISR ruin-and-recreate) won or tied
    every comparison in SOLVER-NOTES and in our benchmark runs; ``GLS`` is the
    classic guided local search; ``GREEDY`` stops at the first local optimum.
    """

    ILS = "ils"
    GLS = "gls"
    GREEDY = "greedy"


class FirstSolution(StrEnum):
    """How the first plan is built.

    ``AUTO`` is OR-Tools' parallel cheapest insertion for small days and the
    plain-Python insertion of ``solver.insertion`` above
    ``SolveParams.split_above`` requests (PCI took 5.4 s at 400 requests and
    found no complete plan in 60 s at 800; the insertion takes 0.2 s and 1.3 s).
    """

    AUTO = "auto"
    PARALLEL = "parallel"
    LOCAL = "local"
    SEQUENTIAL = "sequential"


@dataclass(frozen=True)
class SolveParams:
    """Search limits and strategy.

    Attributes:
        time_limit_seconds: Wall-clock budget for the whole solve.
        solution_limit: Stop after this many improving solutions; makes test
            runs deterministic (OR-Tools has no seed), None for no limit.
        workers: Processes searching in parallel with different strategies
            (a portfolio; OR-Tools routing itself is single-threaded).
        members: Differently started searches (the second begins from the
            other cheapest-insertion plan); run in parallel up to
            ``workers``, otherwise one after another, sharing the time. An
            ILS run stalls after a few seconds on 60-100 requests, and which
            first plan leads to the better end differs from day to day.
        metaheuristic: Improvement phase of the main worker.
        first_solution: Construction of the first plan.
        warm_start: Start from ``Problem.previous`` where it is feasible.
        scratch_start: With a previous plan, also search from scratch (with
            the change penalty) and keep the better plan.
        ruin_visits: Average visits removed per SISR ruin step.
        split_above: Requests above which the first plan comes from the fast
            insertion construction, then OR-Tools improves it.
        ruin_share: Share of each member's time for the compiled
            ruin-and-recreate layer after OR-Tools' search (``solver._rr``;
            0 turns it off). OR-Tools' iterated local search makes about 25
            steps a second on 60-100 requests and stalls after a few seconds;
            this layer makes thousands (benchmarks/README.md).
        lns_share: Share of the time spent re-solving groups of close routes
            with OR-Tools after the other layers (0 turns the layer off).
        log_search: Let OR-Tools print its search log to stderr.
    """

    time_limit_seconds: float = 10.0
    solution_limit: int | None = None
    workers: int = 1
    members: int = 2
    metaheuristic: Metaheuristic = Metaheuristic.ILS
    first_solution: FirstSolution = FirstSolution.AUTO
    warm_start: bool = True
    scratch_start: bool = True
    ruin_visits: int = 10
    split_above: int = 250
    ruin_share: float = 0.7
    lns_share: float = 0.0
    log_search: bool = False

    def __post_init__(self) -> None:
        if not self.time_limit_seconds > 0:
            raise ValueError(
                f"SolveParams.time_limit_seconds must be > 0, got {self.time_limit_seconds}"
            )
        if self.solution_limit is not None and self.solution_limit < 1:
            raise ValueError(
                f"SolveParams.solution_limit must be >= 1 or None, got {self.solution_limit}"
            )
        if not 1 <= self.workers <= 16:
            raise ValueError(f"SolveParams.workers must be in 1..16, got {self.workers}")
        if not 1 <= self.members <= 16:
            raise ValueError(f"SolveParams.members must be in 1..16, got {self.members}")
        if self.ruin_visits < 1:
            raise ValueError(f"SolveParams.ruin_visits must be >= 1, got {self.ruin_visits}")
        for name in ("ruin_share", "lns_share"):
            value = getattr(self, name)
            if not 0 <= value < 1:
                raise ValueError(f"SolveParams.{name} must be in [0, 1), got {value}")
        if self.ruin_share + self.lns_share >= 1:
            raise ValueError(
                "SolveParams.ruin_share + lns_share must leave OR-Tools some time (< 1), "
                f"got {self.ruin_share} + {self.lns_share}"
            )
        if self.split_above < 1:
            raise ValueError(f"SolveParams.split_above must be >= 1, got {self.split_above}")
        # Accept the plain strings too; the CLI and the web app pass them.
        object.__setattr__(self, "metaheuristic", _enum(Metaheuristic, self.metaheuristic))
        object.__setattr__(self, "first_solution", _enum(FirstSolution, self.first_solution))


def _enum(cls: type[_E], value: str) -> _E:
    try:
        return cls(value)
    except ValueError:
        names = ", ".join(m.value for m in cls)
        raise ValueError(f"SolveParams: {value!r} is not one of {names}") from None
