"""Riders: self-registration, the personal page behind their link (no account), the link again.

``bp`` lives in ``blueprint``; each ``views_*`` module attaches its routes to it.
"""

from __future__ import annotations

from web.riders import views_link as views_link
from web.riders import views_personal as views_personal
from web.riders import views_registration as views_registration
from web.riders.blueprint import bp as bp
