"""Who is logged in: coordinators and partner staff (password), drivers (magic link or password).

One login manager serves every kind of account; the session stores ``"coordinator:<id>:<v>"``,
``"driver:<id>:<v>"`` or ``"partner:<id>:<v>"`` so an id of one kind can never be mistaken for
another, and ``<v>``, the
account's session version, so a logout ends every copy of the session (matcher/people/sessions.py).
Riders have no account: their personal link is their key. The account is read again on every
request, so a deactivated account or a changed role takes effect on the very next click.

Office roles are enforced in one place, ``coordinator_required``: admin-only views say
``admin=True``; a read-only viewer may use every safe method (GET, HEAD) and is refused (403)
every other method of every office view, unless the view says ``viewer_may_post=True`` (only
logging out does). Partner staff pass ``partner_required`` only, which gives a view the
staff member's organisation (``Account.partner_id``); every query of theirs is bounded by it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from typing import TypeVar
from typing import cast

from flask import Flask
from flask import abort
from flask import redirect
from flask import request
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin
from flask_login import LoginManager
from flask_login import current_user
from flask_login import login_user
from flask_login import logout_user

from matcher.models import Coordinator
from matcher.models import CoordinatorRole
from matcher.models import Driver
from matcher.models import PartnerStaff
from matcher.partners import staff as partner_staff
from matcher.people import sessions
from web.db import get_session

login_manager = LoginManager()
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Account:
    """The logged-in person as Flask-Login sees them: 'coordinator', 'driver' or 'partner'."""

    kind: str
    id: int
    role: str | None = None
    session_version: int = 0
    partner_id: int | None = None
    """A partner staff member's organisation."""
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        """The session's user id: kind, row id and the account's session version."""
        return sessions.session_id(self.kind, self.id, self.session_version)

    @property
    def is_coordinator(self) -> bool:
        """An office account."""
        return self.kind == "coordinator"

    @property
    def is_admin(self) -> bool:
        """An office account with the admin role."""
        return self.kind == "coordinator" and self.role == CoordinatorRole.ADMIN

    @property
    def is_viewer(self) -> bool:
        """An office account that may only read."""
        return self.kind == "coordinator" and self.role == CoordinatorRole.VIEWER

    @property
    def can_edit(self) -> bool:
        """An office account that may change things (coordinator or admin, not a viewer)."""
        return self.is_coordinator and not self.is_viewer

    @property
    def is_driver(self) -> bool:
        """A volunteer driver's account."""
        return self.kind == "driver"

    @property
    def is_partner(self) -> bool:
        """A partner organisation's staff member."""
        return self.kind == "partner"


class Anonymous(AnonymousUserMixin):
    """Nobody logged in."""

    kind = "anonymous"
    is_coordinator = False
    is_admin = False
    is_viewer = False
    can_edit = False
    is_driver = False
    is_partner = False


@login_manager.user_loader
def load_account(user_id: str) -> Account | None:
    """Rebuild the account from the session; inactive, erased or logged out means nobody."""
    seen = sessions.parse_session_id(user_id)
    if seen is None:
        return None
    session = get_session()
    if seen.kind == "coordinator":
        coordinator = session.get(Coordinator, seen.account_id)
        if (
            coordinator is None
            or not coordinator.active
            or not sessions.is_current(coordinator, seen)
        ):
            return None
        return _coordinator_account(coordinator)
    if seen.kind == "partner":
        staff = partner_staff.staff_member(session, seen.account_id)
        if staff is None or not sessions.is_current(staff, seen):
            return None
        return _partner_account(staff)
    driver = session.get(Driver, seen.account_id)
    if driver is None or not driver.active or driver.erased_at is not None:
        return None
    return _driver_account(driver) if sessions.is_current(driver, seen) else None


def _coordinator_account(coordinator: Coordinator) -> Account:
    return Account(
        "coordinator", coordinator.id, str(coordinator.role), coordinator.session_version or 0
    )


def _driver_account(driver: Driver) -> Account:
    return Account("driver", driver.id, session_version=driver.session_version or 0)


def _partner_account(staff: PartnerStaff) -> Account:
    return Account(
        "partner", staff.id, session_version=staff.session_version or 0, partner_id=staff.partner_id
    )


def log_in_coordinator(coordinator: Coordinator) -> None:
    """Start a coordinator's session."""
    login_user(_coordinator_account(coordinator))


def log_in_driver(driver: Driver, remember: bool = False) -> None:
    """Start a driver's session."""
    login_user(_driver_account(driver), remember=remember)


def log_in_partner(staff: PartnerStaff) -> None:
    """Start a partner staff member's session."""
    login_user(_partner_account(staff))


def _person(account: Account) -> sessions.Account | None:
    model = {"coordinator": Coordinator, "driver": Driver, "partner": PartnerStaff}[account.kind]
    return cast(sessions.Account | None, get_session().get(model, account.id))


def log_out() -> None:
    """End this session and every other copy of it (the account's session version rises)."""
    account = current_account()
    if isinstance(account, Account):
        person = _person(account)
        if person is not None:
            sessions.end_sessions(person)
            get_session().commit()
    logout_user()


def current_account() -> Account | Anonymous:
    """The current account (or the anonymous one)."""
    return cast(Account | Anonymous, current_user._get_current_object())  # noqa: SLF001


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
"""Methods that only read: the only ones a viewer may use."""


def coordinator_required(
    view: F | None = None,
    *,
    admin: bool = False,
    viewer_may_post: bool = False,
    viewer_may_read: bool = True,
) -> Any:
    """Only office accounts; others get 403, nobody gets the login.

    ``admin=True``: only admins (accounts and settings). Viewers are refused every
    method but GET/HEAD/OPTIONS unless ``viewer_may_post`` (logging out), and even
    those on a page that hands out a key (``viewer_may_read=False``: a rider's
    printed link). The rule is recorded on the view as ``office_access`` so a test
    can walk every route.
    """

    def decorate(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            account = current_account()
            if not account.is_authenticated:
                return redirect(url_for(COORDINATOR_LOGIN_VIEW, next=request.path))
            if not account.is_coordinator or (admin and not account.is_admin):
                abort(403)
            if account.is_viewer and request.method not in SAFE_METHODS and not viewer_may_post:
                abort(403)
            if account.is_viewer and not viewer_may_read:
                abort(403)
            return func(*args, **kwargs)

        wrapper.office_access = {  # type: ignore[attr-defined]
            "admin": admin,
            "viewer_may_post": viewer_may_post,
            "viewer_may_read": viewer_may_read,
        }
        return cast(F, wrapper)

    return decorate(view) if view is not None else decorate


def driver_required(view: F) -> F:
    """Only logged-in drivers; others get 403, nobody gets the driver login."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        account = current_account()
        if not account.is_authenticated:
            return redirect(url_for(DRIVER_LOGIN_VIEW, next=request.path))
        if not account.is_driver:
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapper)


def partner_required(view: F) -> F:
    """Only logged-in partner staff; others get 403, nobody gets the partner login.

    The rule is recorded on the view as ``partner_access`` so a test can walk every route.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        account = current_account()
        if not account.is_authenticated:
            return redirect(url_for(PARTNER_LOGIN_VIEW, next=request.path))
        if not account.is_partner:
            abort(403)
        return view(*args, **kwargs)

    wrapper.partner_access = True  # type: ignore[attr-defined]
    return cast(F, wrapper)


def current_partner_id() -> int:
    """The organisation of the partner staff member logged in (inside ``partner_required``)."""
    account = current_account()
    if not isinstance(account, Account) or account.partner_id is None:
        abort(403)
    return account.partner_id


# Endpoints of the login pages; the blueprints that own them register these names.
COORDINATOR_LOGIN_VIEW = "coordinators.login"
DRIVER_LOGIN_VIEW = "drivers.login"
PARTNER_LOGIN_VIEW = "partners.login"


def init_app(app: Flask) -> None:
    """Attach the login manager."""
    login_manager.init_app(app)
    login_manager.anonymous_user = Anonymous
    login_manager.login_view = COORDINATOR_LOGIN_VIEW
