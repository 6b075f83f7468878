"""Under CI a skipped test is a failed one, except for missing shared data.

`make setup` installs every system package the tests use (PostgreSQL, Chromium, espeak-ng,
Mosquitto), so in CI a skip for a missing one would hide a broken set-up. Only the third-party
photos may be absent (their tests skip with a reason starting with SHARED_DATA_SKIP).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

SHARED_DATA_SKIP = "no shared data:"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _reason(longrepr: Any) -> str:
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _fail_skip(report: Any) -> None:
    reason = _reason(report.longrepr)
    if report.skipped and _in_ci() and not reason.startswith(SHARED_DATA_SKIP):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI, where make setup provides it: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if not hasattr(report, "wasxfail"):
        _fail_skip(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    outcome = yield
    _fail_skip(outcome.get_result())  # type: ignore[attr-defined]
