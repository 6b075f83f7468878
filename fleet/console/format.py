"""How the pages show times and money (Jinja2 filters)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fleet.messages.base import utcnow
from fleet.reports.daily import major


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "—"


def ago(value: datetime | None) -> str:
    if value is None:
        return "never"
    seconds = int((utcnow() - value).total_seconds())
    if seconds < 0:
        return "just now"
    for size, unit in ((86_400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"


def money(amount: int | None, exponent: int = 2) -> str:
    return major(int(amount or 0), exponent)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} %"


FILTERS: dict[str, Any] = {"when": when, "ago": ago, "money": money, "percent": percent}
