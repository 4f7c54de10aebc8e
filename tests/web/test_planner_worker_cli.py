"""The ``flask planner-worker`` command (Redis queue worker)."""

from __future__ import annotations


def test_planner_worker_command_stops_after_max_jobs(runner):
    result = runner.invoke(args=["planner-worker", "--max-jobs", "0"])
    assert result.exit_code == 0, result.output
    assert "listening on redis://127.0.0.1:6379/0" in result.output
    assert "done after 0 runs" in result.output
