"""Rate limits that stop abuse, not people, declared on the views with :func:`limited`.

Each app keeps its counts in the store ``RATELIMIT_STORAGE_URI`` names (``memory://``
for the single-process default; ``redis://...`` for several workers, which then share
every count). A :class:`Rule` counts either every attempt (logins, password resets,
link requests: against guessing and flooding) or only what succeeded, a redirect after
a stored registration, so a failed validation never counts and a counselling office
registering several people is not held up. Client addresses are the proxy's view of
them only with ``TRUSTED_PROXY_HOPS`` (``web.security``).

A refused POST gets its own page back with status 429: the view runs again with its
forms held (:func:`web.forms.hold_submission`), so it shows what was sent and stores
nothing, under a message in the reader's language that says when to try again.
A client that asks for JSON gets the 429 error instead. If the store cannot be
reached, the request is let through and a warning logged: an outage of the counter
must not cost anyone a registration.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import math
from collections.abc import Callable
from typing import Any
from typing import TypeVar
from typing import cast

from flask import Flask
from flask import current_app
from flask import flash
from flask import make_response
from flask import request
from flask_babel import gettext as _
from flask_babel import ngettext
from limits import RateLimitItem
from limits import parse_many
from limits.storage import Storage
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from matcher.clock import utcnow
from matcher.people.personal_links import contact_key
from web.forms import hold_submission
from web.forms import submission_held

F = TypeVar("F", bound=Callable[..., Any])
EXTENSION = "mitfahrnetz.rate_limits"
SUCCESS_STATUSES = frozenset({301, 302, 303})


class Counted(enum.StrEnum):
    """What a rule counts."""

    ATTEMPTS = "attempts"
    """Every POST, counted before the view runs (a guess costs even when it is right)."""
    SUCCESSES = "successes"
    """POSTs the view answered with a redirect: something was stored or sent."""


@dataclasses.dataclass(frozen=True)
class Rule:
    """One limit: its setting (e.g. ``"5 per day"``), what it counts by, and what it says."""

    name: str
    """The counter's name in the store; views with the same rule share its counts."""
    setting: str
    """The config key with the limits, ``;``-separated (``"10 per minute;50 per hour"``)."""
    key: Callable[[], str]
    """What is counted by (client address, a typed contact); '' = the rule does not apply."""
    counts: Counted
    message: Callable[[str], str]
    """The translated refusal, given the translated wait (``"12 minutes"``)."""


@dataclasses.dataclass(frozen=True)
class Refusal:
    """A refused request: the rule that refused it and the seconds until its window ends."""

    rule: Rule
    retry_after: int

    def message(self) -> str:
        """What the page says, in the reader's language."""
        return self.rule.message(wait_text(self.retry_after))


class RateLimits:
    """One app's counters: the store, the fixed-window strategy, and the key prefix."""

    def __init__(self, storage: Storage, prefix: str, config: Any) -> None:
        self.storage = storage
        self.strategy = FixedWindowRateLimiter(storage)
        self.prefix = prefix
        self.config = config

    def refusal(self, rules: tuple[Rule, ...]) -> Refusal | None:
        """Check ``rules`` for this request, counting the attempt-rules; the first refusal."""
        for counted in (Counted.SUCCESSES, Counted.ATTEMPTS):
            for rule, key in self._applying(rules, counted):
                for item in self.items(rule):
                    ids = (self.prefix, rule.name, key)
                    allowed = (
                        self.strategy.hit(item, *ids)
                        if counted == Counted.ATTEMPTS
                        else self.strategy.test(item, *ids)
                    )
                    if not allowed:
                        reset = self.strategy.get_window_stats(item, *ids).reset_time
                        return Refusal(rule, max(1, math.ceil(reset - utcnow().timestamp())))
        return None

    def count_success(self, rules: tuple[Rule, ...]) -> None:
        """Count a success against every success-rule of this request."""
        for rule, key in self._applying(rules, Counted.SUCCESSES):
            for item in self.items(rule):
                self.strategy.hit(item, self.prefix, rule.name, key)

    def items(self, rule: Rule) -> list[RateLimitItem]:
        """The rule's limits as configured."""
        return _parsed(str(self.config[rule.setting]))

    @staticmethod
    def _applying(rules: tuple[Rule, ...], counted: Counted) -> list[tuple[Rule, str]]:
        return [(rule, key) for rule in rules if rule.counts == counted and (key := rule.key())]


@functools.lru_cache(maxsize=64)
def _parsed(setting: str) -> list[RateLimitItem]:
    return parse_many(setting)


def init_app(app: Flask) -> None:
    """Open the app's counter store and answer a bare 429 with a translated page.

    Every rule's setting is parsed here, so a mistyped limit stops the start, not a request.
    """
    for rule in RULES:
        try:
            _parsed(str(app.config[rule.setting]))
        except ValueError as error:
            raise ValueError(f"{rule.setting}: {error}") from None
    if app.config["RATELIMIT_ENABLED"]:
        storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        if not isinstance(storage, Storage):
            raise ValueError("RATELIMIT_STORAGE_URI: an async store (async+...) cannot serve here")
        app.extensions[EXTENSION] = RateLimits(
            storage, str(app.config["RATELIMIT_KEY_PREFIX"]), app.config
        )
    app.register_error_handler(TooManyRequests, _too_many_requests)


def _too_many_requests(error: TooManyRequests) -> tuple[Any, int, dict[str, str]]:
    from web.errors import render_error

    seconds = int(getattr(error, "retry_after", 0) or 60)
    body, status = render_error(429, too_many_attempts(wait_text(seconds)))
    return body, status, {"Retry-After": str(seconds)}


def limited(*rules: Rule) -> Callable[[F], F]:
    """Limit a view's POSTs by ``rules``; a refused one gets the view's page back (429)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counters: RateLimits | None = current_app.extensions.get(EXTENSION)
            if counters is None or request.method != "POST" or submission_held():
                return view(*args, **kwargs)  # a held submission's page again: counted once
            try:
                refusal = counters.refusal(rules)
            except counters.storage.base_exceptions:
                current_app.logger.warning("rate limit store unreachable: request let through")
                return view(*args, **kwargs)
            if refusal is not None:
                return _refused(view, args, kwargs, refusal)
            response = make_response(view(*args, **kwargs))
            if response.status_code in SUCCESS_STATUSES:
                try:
                    counters.count_success(rules)
                except counters.storage.base_exceptions:
                    current_app.logger.warning("rate limit store unreachable: success not counted")
            return response

        wrapper.rate_limits = rules  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorate


def _refused(view: Callable[..., Any], args: Any, kwargs: Any, refusal: Refusal) -> Response:
    """The view's own page for what was sent, nothing stored, with the refusal on top."""
    current_app.logger.info(
        "rate limit %s refused %s %s", refusal.rule.name, request.method, request.path
    )
    if request.accept_mimetypes.best == "application/json":
        raise TooManyRequests(retry_after=refusal.retry_after)
    hold_submission()
    flash(refusal.message(), "error")
    response = make_response(view(*args, **kwargs))
    response.status_code = 429
    response.headers["Retry-After"] = str(refusal.retry_after)
    return response


def wait_text(seconds: int) -> str:
    """``12 minutes`` or, from 90 minutes, ``3 hours``: how long until a window ends."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes <= 90:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    return ngettext("%(num)d hour", "%(num)d hours", math.ceil(minutes / 60))


def too_many_attempts(wait: str) -> str:
    """Logins, password resets, link requests: too many from one address."""
    return _("Too many attempts from this connection. Please try again in %(wait)s.", wait=wait)


def many_registrations(wait: str) -> str:
    """Registrations: more stored from one address than a busy office sends."""
    return _(
        "Many registrations were sent from this connection in a short time."
        " Please send the form again in %(wait)s.",
        wait=wait,
    )


def contact_registered_often(wait: str) -> str:
    """Registrations: one phone number or e-mail address registered again and again."""
    return _(
        "This phone number or e-mail address was used for several registrations in a short"
        " time. Please send the form again in %(wait)s or call the office.",
        wait=wait,
    )


def links_asked_often(wait: str) -> str:
    """Link requests: one number or address asked for again and again."""
    return _(
        "A new link was asked for this number or address several times."
        " Please try again in %(wait)s.",
        wait=wait,
    )


def client_address() -> str:
    """The client's address: the socket's peer, or the proxy's ``X-Forwarded-For`` if trusted."""
    return request.remote_addr or "unknown"


def typed_contact(field: str) -> Callable[[], str]:
    """The key of a typed phone number or e-mail address, as compared (E.164, lower case)."""

    def key() -> str:
        text = request.form.get(field, "").strip()
        return contact_key(text) if text else ""

    key.__name__ = f"typed_{field}"
    return key


def _typed_email() -> str:
    return (request.form.get("email") or "").strip().lower()


REGISTRATIONS_PER_ADDRESS = Rule(
    "registrations-per-address",
    "RATELIMIT_REGISTRATIONS_PER_ADDRESS",
    client_address,
    Counted.SUCCESSES,
    many_registrations,
)
REGISTRATIONS_PER_PHONE = Rule(
    "registrations-per-contact",
    "RATELIMIT_REGISTRATIONS_PER_CONTACT",
    typed_contact("phone"),
    Counted.SUCCESSES,
    contact_registered_often,
)
REGISTRATIONS_PER_EMAIL = dataclasses.replace(REGISTRATIONS_PER_PHONE, key=typed_contact("email"))
REGISTRATION = (REGISTRATIONS_PER_ADDRESS, REGISTRATIONS_PER_PHONE, REGISTRATIONS_PER_EMAIL)
"""The rider's and the driver's registration share these counts."""

LINK_REQUESTS_PER_ADDRESS = Rule(
    "link-requests-per-address",
    "RATELIMIT_LINK_REQUESTS_PER_ADDRESS",
    client_address,
    Counted.ATTEMPTS,
    too_many_attempts,
)
LINK_REQUESTS_PER_CONTACT = Rule(
    "link-requests-per-contact",
    "RATELIMIT_LINK_REQUESTS",
    typed_contact("contact"),
    Counted.ATTEMPTS,
    links_asked_often,
)
COORDINATOR_LOGIN = Rule(
    "coordinator-login",
    "RATELIMIT_COORDINATOR_LOGIN",
    client_address,
    Counted.ATTEMPTS,
    too_many_attempts,
)
COORDINATOR_PASSWORD_LINK = dataclasses.replace(COORDINATOR_LOGIN, name="coordinator-password-link")
PASSWORD_RESET_PER_ADDRESS = Rule(
    "password-reset-per-address",
    "RATELIMIT_PASSWORD_RESET",
    client_address,
    Counted.ATTEMPTS,
    too_many_attempts,
)
PASSWORD_RESET_PER_EMAIL = dataclasses.replace(
    PASSWORD_RESET_PER_ADDRESS, name="password-reset-per-email", key=_typed_email
)
DRIVER_LOGIN = Rule(
    "driver-login", "RATELIMIT_DRIVER_LOGIN", client_address, Counted.ATTEMPTS, too_many_attempts
)
PARTNER_LOGIN = Rule(
    "partner-login", "RATELIMIT_PARTNER_LOGIN", client_address, Counted.ATTEMPTS, too_many_attempts
)
PARTNER_PASSWORD_LINK = dataclasses.replace(PARTNER_LOGIN, name="partner-password-link")
RULES = (
    *REGISTRATION,
    LINK_REQUESTS_PER_ADDRESS,
    LINK_REQUESTS_PER_CONTACT,
    COORDINATOR_LOGIN,
    COORDINATOR_PASSWORD_LINK,
    PASSWORD_RESET_PER_ADDRESS,
    PASSWORD_RESET_PER_EMAIL,
    DRIVER_LOGIN,
    PARTNER_LOGIN,
    PARTNER_PASSWORD_LINK,
)
"""Every rule of the service (their settings are checked at start-up)."""
