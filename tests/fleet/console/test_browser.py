"""The console in headless Chromium (Debian's /usr/bin/chromium) over a real fleet: Mosquitto,
an ingest worker, the monitor and real kiosk agents. Saves a screenshot of every page."""

from __future__ import annotations

import csv
import io
import random
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fleet.agent.hooks import AppHooks
from fleet.manager.service import ManagerContext

from .conftest import PASSWORD, Console, seed_fleet, seed_users, start_console

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed (apt install chromium)", allow_module_level=True
    )


@pytest.fixture
def fleet(harness: Callable[..., Any]) -> Iterator[tuple[Any, Console, list[tuple[str, str]]]]:
    h = harness(kiosks=("k1", "k2"))
    h.start_worker()
    monitor = h.start_monitor()
    seed_users(h.db)
    seed_fleet(h.db, random.Random(3), {"k3": "s1", "k9": "s2"})
    calls: list[tuple[str, str]] = []
    hooks = AppHooks(lock=lambda reason: calls.append(("lock", reason)))
    h.agent("k1", hooks=hooks)
    h.agent("k2")
    stop = threading.Event()
    context = ManagerContext(h.loaded, h.db, h.topics, monitor.sender)
    console = start_console(context, stop)
    yield h, console, calls
    stop.set()


@pytest.fixture
def page() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        context = browser.new_context(
            viewport={"width": 1280, "height": 860}, accept_downloads=True
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        yield page
        browser.close()


@pytest.fixture
def shot(page: Any, screenshot_dir: Path) -> Callable[[str], None]:
    """`shot(name)` saves the whole page to console_NAME.png in `screenshot_dir`."""

    def save(name: str) -> None:
        page.screenshot(path=str(screenshot_dir / f"console_{name}.png"), full_page=True)

    return save


def test_operator_watches_acts_and_exports(
    fleet: tuple[Any, Console, list[tuple[str, str]]],
    page: Any,
    wait: Callable[..., Any],
    shot: Callable[[str], None],
) -> None:
    h, console, calls = fleet
    expect = sync_api.expect
    page.goto(f"{console.url}/")
    expect(page).to_have_url(f"{console.url}/login?next=/")
    shot("login")
    page.fill("input[name=username]", "olga")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#kiosk-k1 .state")).to_contain_text("online")
    expect(page.locator("#kiosk-k2 .state")).to_contain_text("online")
    expect(page.locator("#live-state.up")).to_have_count(1)
    shot("overview")

    # k2 goes offline: its alert appears on the open alerts page without a reload
    page.click("nav >> text=Alerts")
    expect(page.locator("#live-state.up")).to_have_count(1)
    page.evaluate("window.__same_page = true")
    h.agents[1].stop(2)
    row = page.locator("tr[data-rule=kiosk_offline][data-kiosk=k2]")
    expect(row).to_have_count(1)
    assert page.evaluate("window.__same_page") is True  # no reload happened
    row.locator("button[data-to=ack]").click()
    expect(row.locator(".status")).to_contain_text("acknowledged")
    expect(row.locator(".status")).to_contain_text("ack by olga")
    shot("alerts")

    # lock k1 with confirmation; the kiosk's acknowledgement shows up on the page
    page.goto(f"{console.url}/kiosks/k1")
    expect(page.locator("#live-state.up")).to_have_count(1)
    page.click("button.cmd[data-action=lock]")
    expect(page.locator("#confirm")).to_be_visible()
    page.fill("#confirm-reason", "spill at the kiosk")
    page.click("#confirm-ok")
    expect(page.locator("#command-status")).to_contain_text("Kiosk answered lock: ok")
    expect(page.locator("#commands tbody tr").first).to_contain_text("ok")
    assert calls == [("lock", "spill at the kiosk")]
    expect(page.locator("#kiosk-locked")).to_be_visible()
    shot("kiosk")

    page.goto(f"{console.url}/stock?low=true")
    expect(page.locator("#stock tr.low").first).to_be_visible()
    shot("stock")

    page.goto(f"{console.url}/sales?days=7")
    expect(page.locator("#chart-day .main-svg").first).to_be_attached()
    shot("sales")
    with page.expect_download() as download:
        page.click("#csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert len(rows) == 40
    assert {r["kiosk_id"] for r in rows} == {"k3", "k9"}
    assert page.locator("#sales-count").inner_text() == "40"

    page.goto(f"{console.url}/audit")
    expect(page.locator("#audit")).to_contain_text("alert_ack")
    expect(page.locator("#audit")).to_contain_text("k1 lock")
    shot("audit")


def test_staff_sees_only_their_store(
    fleet: tuple[Any, Console, list[tuple[str, str]]], page: Any, shot: Callable[[str], None]
) -> None:
    _, console, _ = fleet
    expect = sync_api.expect
    page.goto(f"{console.url}/login")
    page.fill("input[name=username]", "bob")  # staff of s2
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#kiosk-k9")).to_have_count(1)
    expect(page.locator("tbody tr[id^=kiosk-]")).to_have_count(1)
    assert page.goto(f"{console.url}/kiosks/k1").status == 404
