"""Planning: the database <-> the solver. Build the day's problem, store a solution, explain it.

Public modules (``from matcher.planning import runs``):

- ``runs``: planner runs as the web sees them: request, stop, progress, end dead ones.
- ``problem``: the day's ``solver.Problem`` from the database, and the solution written back.
- ``planning_input``: the problem together with the maps back to database rows.
- ``routes``: stored routes <-> solver routes.
- ``reasons``: why a ride is unserved, or an edit refused, in plain language.
"""

__all__ = [
    "runs",
    "problem",
    "planning_input",
    "routes",
    "reasons",
]
