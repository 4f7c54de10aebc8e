"""The scheduler's place in the web app: a CLI command, and never started by tests or by default."""

from __future__ import annotations

from web import scheduler as web_scheduler


def test_scheduler_command_is_registered(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["scheduler", "--help"])
    assert result.exit_code == 0 and "one active scheduler" in result.output


def test_default_app_does_not_start_a_scheduler(client) -> None:  # type: ignore[no-untyped-def]
    client.get("/")
    assert web_scheduler._service is None  # noqa: SLF001
