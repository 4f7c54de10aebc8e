"""The domain's settings as one frozen object: the one place their defaults are written.

Nothing in ``matcher`` reads Flask config or the environment; the unit of work (request,
CLI command, job) passes a ``Settings`` in. The web app starts its configuration from
``Settings.config_defaults()``, so a default is never written twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Settings:
    """Domain settings; field names match the upper-case config keys (``TIMEZONE`` -> timezone)."""

    timezone: str = "Europe/Berlin"
    holiday_country: str = "DE"
    holiday_subdivision: str = "NI"
    planner_time_limit_seconds: int = 20
    planner_workers: int = 1
    planner_solution_limit: int | None = None
    planner_queue: str = "local"
    planner_heartbeat_limit_seconds: int = 120
    """A running planner run whose heartbeat is older is marked failed (its worker is gone);
    the executor beats several times a second while solving, so this only has to outlast
    building the day's problem."""
    planner_queue_limit_seconds: int = 900
    """A queued run that no worker has started within this time is marked failed."""
    redis_url: str = "redis://127.0.0.1:6379/0"
    max_ride_factor: float = 1.5
    max_ride_extra_minutes: int = 15
    boarding_seconds: int = 60
    change_weight: int = 600
    language_mismatch_weight: int = 300
    """Objective cost of a rider without a shared language: five minutes of driving."""
    workload_weight: int = 300
    """Cost per ride a driver takes above the fair share (rides / drivers, rounded up);
    half of ``change_weight``, so spreading alone never moves a rider of an approved plan."""
    geocoder: str = "offline"
    nominatim_url: str = ""
    nominatim_user_agent: str = "mitfahrnetz/0.1 (set NOMINATIM_USER_AGENT to your contact)"
    osrm_url: str = ""
    base_url: str = "http://127.0.0.1:5000"
    # Notifications and scheduled jobs (issue 6); times are local "HH:MM".
    mail_host: str = "localhost"
    mail_port: int = 25
    mail_security: str = "none"
    """``none``, ``starttls`` or ``ssl``."""
    mail_username: str = ""
    mail_password: str = ""
    mail_sender: str = "Mitfahrnetz <noreply@localhost>"
    mail_timeout_seconds: int = 20
    sms_gateway: str = "log"
    translations_dir: str = ""
    outbox_max_attempts: int = 6
    outbox_backoff_seconds: int = 60
    outbox_batch_size: int = 50
    nightly_planning_time: str = "02:00"
    rider_reminder_time: str = "18:00"
    driver_response_deadline: str = "12:00"
    """The day before a ride: a driver who has not answered by then gets a reminder."""
    driver_escalation_hours: int = 4
    """Hours after the reminder without an answer before the coordinators are alerted."""
    retention_months: int = 24
    outbox_retention_days: int = 90
    scheduler_lease_seconds: int = 90
    intake_trip_days: int = 7
    """Days ahead (from today) whose trips are generated at once when a need is accepted."""
    auto_accept_confirmed_places: bool = False
    """Accept new needs whose places are all confirmed without a coordinator (still listed)."""
    secret_key: str = dataclasses.field(default="", repr=False)
    """The instance's secret key (``SECRET_KEY``); personal links are derived from it.

    With it the office can send a rider's current link again or print it (see
    ``matcher.people.personal_links``); without it links are random and can only be
    replaced.
    """

    @property
    def tz(self) -> ZoneInfo:
        """The district's time zone."""
        return ZoneInfo(self.timezone)

    @classmethod
    def config_defaults(cls) -> dict[str, Any]:
        """Every field's default under its upper-case config key (``timezone`` -> ``TIMEZONE``)."""
        return {field.name.upper(): field.default for field in dataclasses.fields(cls)}

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> Settings:
        """Pick this class's fields from a config mapping with upper-case keys; ignore the rest."""
        values = {
            field.name: config[field.name.upper()]
            for field in dataclasses.fields(cls)
            if field.name.upper() in config
        }
        return cls(**values)
