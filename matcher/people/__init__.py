"""People: riders, drivers and office accounts, and what belongs to a person.

Public modules (``from matcher.people import registration``):

- ``registration``: riders and drivers register themselves; riders manage their needs by link.
- ``drivers``: volunteer drivers: vetting, login (magic link or password), availability.
- ``coordinators``: office accounts: creation and password login.
- ``password_links``: what every account with a password shares: rules, login, e-mailed links.
- ``driver_office``: the office's vetting decisions on a driver and edits on their behalf.
- ``rider_office``: the office changes, pauses, cancels a rider's needs and erases her data.
- ``places``: the places people type in forms (their home, a destination not in the gazetteer).
- ``phones``: phone numbers as people type them, to E.164 and back for display.
- ``erasure``: data retention and erasure of a person's data.
- ``traces``: copies of a person's data in other rows (mails, audit, cache), blanked on erasure.
- ``locations``: the office fixes a flagged address (a point on the map or a gazetteer place).
- ``duplicates``: a possible duplicate merged into one rider or dismissed.
- ``place_office``: the office's gazetteer: add, edit and merge places, opening hours.
- ``sessions``: login sessions that end on logout and password change, on every device.
- ``calendar_links``: the driver's personal calendar feed behind an unguessable URL.
- ``personal_links``: a rider's personal link: made, sent again, replaced, printed, asked for.
- ``plausibility``: soft checks on a need: allowed but probably a slip, confirmed by a tick.
"""

__all__ = [
    "registration",
    "drivers",
    "coordinators",
    "password_links",
    "driver_office",
    "rider_office",
    "places",
    "phones",
    "erasure",
    "traces",
    "locations",
    "duplicates",
    "place_office",
    "calendar_links",
    "sessions",
    "personal_links",
    "plausibility",
]
