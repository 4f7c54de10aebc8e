"""``SCHEDULER_ENABLED`` starts the scheduler with the development server, but never under tests."""

from __future__ import annotations

import pytest

from web import scheduler as web_scheduler


@pytest.fixture()
def app_config(app_config: dict[str, object]) -> dict[str, object]:
    return {**app_config, "SCHEDULER_ENABLED": True}


def test_enabled_scheduler_stays_off_under_testing(client) -> None:  # type: ignore[no-untyped-def]
    assert client.application.config["SCHEDULER_ENABLED"] is True
    client.get("/")
    assert web_scheduler._service is None  # noqa: SLF001
