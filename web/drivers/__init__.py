"""The drivers' area: registration, login, availability, and the portal (rides, print, calendar).

``bp`` lives in ``blueprint``; each ``views_*`` module attaches its routes to it,
and importing them here is what makes registering ``bp`` in ``create_app`` enough.
"""

from __future__ import annotations

from web.drivers import views_account as views_account
from web.drivers import views_calendar as views_calendar
from web.drivers import views_portal as views_portal
from web.drivers import views_registration as views_registration
from web.drivers import views_respond as views_respond
from web.drivers.blueprint import bp as bp
