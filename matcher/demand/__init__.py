"""Demand: the rides people need (recurring needs, one-off rides) and the drivers' shifts.

Public modules (``from matcher.demand import intake``):

- ``intake``: the office decides on every need a rider registered or edited.
- ``recurrence``: a need's schedule as the local days it occurs on, with that day's times.
- ``trips``: the day's trips, made from the active needs.
- ``need_days``: on which days a need asks for rides (the rule ``trips`` applies), and the
  counts of the days ahead for many needs at once.
- ``trip_release``: cancelling a need's open trips when the rider pauses, edits or cancels it.
- ``one_off``: a single trip without a recurring need, added by a coordinator.
- ``shifts``: the day's driver shifts from weekly availability and dated exceptions.
"""

__all__ = [
    "intake",
    "recurrence",
    "trips",
    "need_days",
    "trip_release",
    "one_off",
    "shifts",
]
