"""The coordination office: dashboard, day planning, plan review and edits, audit log.

Every view except the login page is for coordinators only (``coordinator_required``);
drivers get 403, anonymous visitors the login page.
"""

from __future__ import annotations

from web.coordinators import views_accounts as views_accounts
from web.coordinators import views_auth as views_auth
from web.coordinators import views_checks as views_checks
from web.coordinators import views_dashboard as views_dashboard
from web.coordinators import views_days as views_days
from web.coordinators import views_district as views_district
from web.coordinators import views_drivers as views_drivers
from web.coordinators import views_intake as views_intake
from web.coordinators import views_partners as views_partners
from web.coordinators import views_places as views_places
from web.coordinators import views_plans as views_plans
from web.coordinators import views_reports as views_reports
from web.coordinators import views_rider_actions as views_rider_actions
from web.coordinators import views_rider_links as views_rider_links
from web.coordinators import views_riders as views_riders
from web.coordinators.blueprint import bp as bp
