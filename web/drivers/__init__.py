"""The drivers' area: registration, login, availability, and the portal (rides, print, calendar).

Each view module attaches its routes to ``bp``; they are imported at the end of this
module so that registering ``bp`` in ``create_app`` is enough. The view modules import
``bp`` from here and nothing imports them back, so the cycle is harmless.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("drivers", __name__, url_prefix="/driver")

from web.drivers import account as account  # noqa: E402
from web.drivers import calendar as calendar  # noqa: E402
from web.drivers import portal as portal  # noqa: E402
from web.drivers import registration as registration  # noqa: E402
from web.drivers import respond as respond  # noqa: E402
