"""The public start page; ``bp`` in ``blueprint``, the view in ``views_home``."""

from __future__ import annotations

from web.main import views_home as views_home
from web.main.blueprint import bp as bp
