"""Screenshots of the plan page of the busiest demo day, at 1280 and 360 px (issue 13).

Builds the demo district in a SQLite file (as ``pages.py`` does), plans its busiest
day with the planner job, serves the app on 127.0.0.1 and drives Debian's Chromium
through Playwright: the page as it opens, with a route expanded, with the change
panel open, and the filter typed, each at both widths.

    .venv/bin/python benchmarks/web/screenshots.py --out /work/notes --seconds 20
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

import sqlalchemy as sa
import time_machine
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # noqa: E402

from matcher.demo import COORDINATOR_EMAIL  # noqa: E402
from matcher.models import Coordinator  # noqa: E402
from matcher.models import DayPlan  # noqa: E402
from matcher.settings import Settings  # noqa: E402
from web import create_app  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]


def main() -> None:
    """Build, plan, serve, photograph."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("test-artifacts"))
    parser.add_argument("--seconds", type=int, default=20, help="planner time limit")
    parser.add_argument("--copies", type=int, default=1, help="5 for the 5x district")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with time_machine.travel(pages.NOW, tick=True), tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'shots.sqlite'}"
        settings = Settings(planner_time_limit_seconds=args.seconds)
        busiest, _ = pages.build_district(url, args.copies, settings)
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "screenshots",
                "RATELIMIT_ENABLED": False,
                "WTF_CSRF_ENABLED": False,  # for the test client's "plan" click only
                "PLANNER_TIME_LIMIT_SECONDS": args.seconds,
            },
            instance_path=str(Path(tmp) / "instance"),
        )
        client = app.test_client()
        factory = app.extensions["matcher.sessions"]
        with factory() as session:
            coordinator_id = session.scalars(
                sa.select(Coordinator.id).where(Coordinator.email == COORDINATOR_EMAIL)
            ).one()
        pages.log_in(client, "coordinator", coordinator_id)
        run = pages.plan_day(app, client, busiest, settings)
        app.config["WTF_CSRF_ENABLED"] = True
        with factory() as session:
            plan_id = session.scalars(
                sa.select(DayPlan.id).where(DayPlan.day == busiest).order_by(DayPlan.id.desc())
            ).first()
        client.get(f"/coordinator/plans/{plan_id}")  # shows (and so clears) the click's message
        cookie = client.get_cookie("session")
        assert cookie is not None
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            shoot(base, f"{base}/coordinator/plans/{plan_id}?lang=en", cookie.value, args.out)
        finally:
            server.shutdown()
        print(f"{busiest}: {run.trips} trips, {run.served} served; screenshots in {args.out}")


def shoot(base: str, url: str, cookie: str, out: Path) -> None:
    """The plan page at 1280 and 360 px: closed, a route open, the panel, the filter."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for width, height in ((1280, 900), (360, 780)):
            context = browser.new_context(viewport={"width": width, "height": height})
            context.add_cookies([{"name": "session", "value": cookie, "url": base}])
            page = context.new_page()
            page.goto(url)
            page.wait_for_selector("details.route")
            page.screenshot(path=str(out / f"plan-{width}.png"))
            page.screenshot(path=str(out / f"plan-{width}-full.png"), full_page=True)
            route = page.locator("details.route").first
            route.locator("summary").click()
            route.scroll_into_view_if_needed()
            page.screenshot(path=str(out / f"plan-{width}-route.png"))
            route.locator("a.change-open").first.click()
            page.wait_for_selector("#change-ranking:not([hidden])")
            page.screenshot(path=str(out / f"plan-{width}-panel.png"))
            page.keyboard.press("Escape")
            page.fill("#plan-q", route.get_attribute("data-names").split()[0])
            page.screenshot(path=str(out / f"plan-{width}-filter.png"), full_page=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
