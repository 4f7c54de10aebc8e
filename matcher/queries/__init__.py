"""Queries: read models for pages, feeds and messages. They never change anything.

Public modules (``from matcher.queries import overview``):

- ``overview``: the office's dashboard, day, plan and audit pages.
- ``rider_list``: the office's rider search, paged.
- ``rider_page``: a rider's personal page: next days of each need, published rides.
- ``driver_list``: the office's driver search (name, phone, municipality, vetting), paged.
- ``driver_page``: a driver for the office: next routes, this month's driving, attention.
- ``place_list``: the office's places (search, kind, paged) and what uses a place.
- ``unserved``: rides a published plan leaves without a driver: riders to call, riders' view.
- ``schedules``: what drivers (and riders) see of published plans: pages, print, iCal, mail.
- ``calendar_legs``: the driver's calendar feed, one event per leg with riders on board.
- ``figures``: a plan version's figures.
- ``plan_page``: the plan page's stops as plain rows, in one statement.
"""

__all__ = [
    "overview",
    "rider_list",
    "rider_page",
    "driver_list",
    "driver_page",
    "place_list",
    "unserved",
    "schedules",
    "calendar_legs",
    "figures",
    "plan_page",
]
