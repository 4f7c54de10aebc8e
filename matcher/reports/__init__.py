"""Reports: the district's figures over a period, aggregates only, small cells suppressed.

Public modules (``from matcher.reports import periods``):

- ``periods``: the period a report covers (week, month, quarter, year, custom) and its buckets.
- ``suppression``: which cells of a table stay hidden so fewer than five people are never described.
- ``facts``: the trips a report counts, served or not and why, as one SQL subquery.
- ``demand``: rides requested, served and unserved by purpose, home or destination area.
"""

__all__ = ["periods", "suppression", "facts", "demand"]
