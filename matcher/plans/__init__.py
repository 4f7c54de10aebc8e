"""Plans: the versions of a day's plan and everything done to them.

Public modules (``from matcher.plans import lifecycle``):

- ``lifecycle``: approve, publish, edit, compare, with optimistic locking on every change.
- ``publishing``: publishing as one use case: the state change and everyone it tells.
- ``edits``: move, unassign, lock a ride in a draft.
- ``insertions``: "where can this fit?": rank and apply the feasible insertions of one ride.
- ``versions``: find a version, check its row version, copy it into a new draft.
- ``snapshots``, ``undo``: the state before each edit; undo of a draft's last edit.
- ``responses``: a driver's confirm or decline of a published route.
- ``route_tokens``: single-use, expiring answer links for drivers.
"""

__all__ = [
    "lifecycle",
    "publishing",
    "edits",
    "insertions",
    "versions",
    "snapshots",
    "undo",
    "responses",
    "route_tokens",
]
