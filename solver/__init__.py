"""Pure optimisation for the daily ride plan: plain data in, plan out.

Nothing here knows of databases, Flask or the ``matcher`` package; OR-Tools is
imported in ``solver._ortools`` only.
"""
