"""Network partners' staff: login, the riders their organisation referred, nothing else.

Every view except the login and password pages is for partner staff only
(``partner_required``), and every rider it shows is looked up through
``matcher.partners.follow_up.partner_rider``, bounded by the staff member's
organisation: another partner's rider is a 404, like a rider who does not exist.
"""

from __future__ import annotations

from web.partners import views_auth as views_auth
from web.partners import views_riders as views_riders
from web.partners.blueprint import bp as bp
