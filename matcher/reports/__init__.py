"""Reports: the district's figures over a period, aggregates only, small cells suppressed.

Public modules (``from matcher.reports import periods``):

- ``periods``: the period a report covers (week, month, quarter, year, custom) and its buckets.
- ``suppression``: which cells of a table stay hidden so fewer than five people are never described.
"""

__all__ = ["periods", "suppression"]
