"""Domain errors with user-safe messages.

Services raise these; ``web/errors.py`` maps them to HTTP once (404, 409, 422).
Messages are plain English templates marked with :func:`N_` so a message
catalog can pick them up later; parameters are kept apart from the template
so a translation can place them.
"""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark ``message`` for translation without translating it (no Flask here)."""
    return message


class MatcherError(Exception):
    """Base class of all domain errors: ``str(error)`` is safe to show to a user."""

    default_message = N_("Something went wrong.")

    def __init__(self, message: str | None = None, **params: Any) -> None:
        self.template = message or self.default_message
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The template with its parameters filled in."""
        try:
            return self.template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return self.template


class NotFound(MatcherError):
    """The thing asked for does not exist (or the caller may not know it exists)."""

    default_message = N_("Not found.")


class Conflict(MatcherError):
    """The change collides with a concurrent change or with existing data."""

    default_message = N_("This was changed by someone else in the meantime.")


class ValidationError(MatcherError):
    """Input breaks a rule of the model; ``field`` names the offending field if there is one."""

    default_message = N_("Invalid input.")

    def __init__(self, message: str | None = None, *, field: str | None = None, **params: Any):
        self.field = field
        super().__init__(message, **params)


class InvalidTransition(MatcherError):
    """A status change the lifecycle does not allow (e.g. publishing a superseded plan)."""

    default_message = N_("This change of status is not allowed.")
