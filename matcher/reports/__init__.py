"""Reports: the district's figures over a period, aggregates only, small cells suppressed.

Public modules (``from matcher.reports import periods``):

- ``periods``: the period a report covers (week, month, quarter, year, custom) and its buckets.
- ``suppression``: which cells of a table stay hidden so fewer than five people are never described.
- ``sqltime``: epoch seconds, weekdays and local hours as SQL on SQLite and PostgreSQL.
- ``facts``: the trips a report counts, served or not and why, as one SQL subquery.
- ``crosstab``: a two-way table of those trips counted in SQL, suppressed.
- ``demand``: rides requested, served and unserved by purpose, home or destination area.
- ``od``: rides from home areas to destination areas.
- ``hours``: rides by weekday and local hour wished (where shift times show).
- ``service``: served and unserved over time by reason group, regular riders, extra ride time.
- ``unmet``: people and ride-days not served, by purpose, home area or hour.
- ``childcare``: rides with a daycare stop on the way, course sites out of reach.
- ``volunteers``: drivers active, hours, kilometres, rides, answers, the busiest fifth.
- ``statements``: a driver's month of rides, hours and kilometres.
- ``report``: every table above for one filter, as the reports area, exports and summary show it.
"""

__all__ = [
    "periods",
    "suppression",
    "sqltime",
    "facts",
    "crosstab",
    "demand",
    "od",
    "hours",
    "service",
    "unmet",
    "childcare",
    "volunteers",
    "statements",
    "report",
]
