"""Chained requests: a companion riding inside a main request (e.g. the child to the daycare).

A chain is two requests linked by ``Request.companion_of``: served by one
vehicle or not at all, with the companion's ride nested in the main ride
(main pick-up, companion pick-up, companion drop-off, main drop-off). On the
way there both board at home and the companion leaves at the via stop (the
daycare); on the way back the companion boards at the via stop and both
leave at home. Plain Python, shared by the search, the checker's users and
the explanations.
"""

from __future__ import annotations

from collections.abc import Sequence

from solver.problem import Problem
from solver.problem import Request
from solver.problem import StopKind
from solver.problem import Visit


def chain_visits(main_id: str, companion_id: str) -> tuple[Visit, Visit, Visit, Visit]:
    """The chain alone, in its natural order."""
    return (
        Visit(main_id, StopKind.PICKUP),
        Visit(companion_id, StopKind.PICKUP),
        Visit(companion_id, StopKind.DROPOFF),
        Visit(main_id, StopKind.DROPOFF),
    )


def via_kind(main: Request, companion: Request) -> StopKind:
    """Which of the companion's stops is the via stop (the one not shared with the main ride).

    Drop-off on the way there (both board at home), pick-up on the way back
    (both leave at home); a companion sharing neither stop counts as dropped
    on the way.
    """
    if companion.pickup != main.pickup and companion.dropoff == main.dropoff:
        return StopKind.PICKUP
    return StopKind.DROPOFF


def nested(visits: Sequence[Visit], main_id: str, companion_id: str) -> bool:
    """Whether the companion's stops lie inside the main ride in ``visits`` (all four present)."""
    pos = {(v.request_id, v.kind): i for i, v in enumerate(visits)}
    try:
        mp, md = pos[(main_id, StopKind.PICKUP)], pos[(main_id, StopKind.DROPOFF)]
        cp, cd = pos[(companion_id, StopKind.PICKUP)], pos[(companion_id, StopKind.DROPOFF)]
    except KeyError:
        return False
    return mp < cp and cd < md


def order_chains(problem: Problem, visits: Sequence[Visit]) -> tuple[Visit, ...]:
    """``visits`` with each chain's shared stops put in chain order.

    A search that orders stops by time only may visit the companion's pick-up
    at home just before the main rider's at the same moment (or drop the main
    rider at home just before the companion): the same drive, listed the
    other way round. This moves the main pick-up in front of the companion's
    and the main drop-off behind the companion's where they are out of order;
    the caller re-times the route.
    """
    out = list(visits)
    present = {v.request_id for v in out}
    for main_id, companion_id in problem.companions.items():
        if main_id not in present or companion_id not in present:
            continue
        pickups = (Visit(main_id, StopKind.PICKUP), Visit(companion_id, StopKind.PICKUP))
        dropoffs = (Visit(companion_id, StopKind.DROPOFF), Visit(main_id, StopKind.DROPOFF))
        for first, second in (pickups, dropoffs):
            i, j = out.index(first), out.index(second)
            if i > j:
                if first.kind is StopKind.PICKUP:
                    out.insert(j, out.pop(i))  # main pick-up just before the companion's
                else:
                    out.insert(i, out.pop(j))  # main drop-off just after the companion's
    return tuple(out)
