"""What the demo prints once everything is up: where to look, how to log in, how to stop."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.demo.fleet_site import OPERATOR
from kiosk.demo.kiosk_site import MEMBER_ID, MEMBER_PHONE, STAFF_PIN

if TYPE_CHECKING:
    from kiosk.demo.fleet_site import FleetSite
    from kiosk.demo.kiosk_site import KioskSite
    from kiosk.demo.orchestrator import DemoOptions


def summary_text(
    options: DemoOptions, fleet: FleetSite, kiosk: KioskSite, display: str | None
) -> str:
    app = (
        "not started (--headless)"
        if options.headless
        else f"kiosk {kiosk.kiosk_id} in a window on display {display}"
    )
    stop = (
        f"stops by itself after {options.exit_after:g}s; Ctrl-C stops it sooner"
        if options.exit_after
        else "close the kiosk app (staff PIN, Close the app) or press Ctrl-C here"
    )
    return "\n".join(
        [
            "",
            "The demo is running.",
            f"  kiosk app:      {app}",
            f"  console:        {fleet.console_url}",
            f"  console login:  {OPERATOR} / {fleet.operator_password}",
            f"  staff PIN:      {STAFF_PIN}",
            f"  member:         {MEMBER_ID}, face pay digits {MEMBER_PHONE[-4:]}",
            f"  member's face:  {kiosk.face_photo}",
            f"  files and logs: {options.folder}",
            f"  to stop:        {stop}",
            "",
        ]
    )
