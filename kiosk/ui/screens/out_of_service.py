"""Out of service: bad config, a device missing, or locked by staff or the store office."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.i18n import N_
from kiosk.ui.lang import tr as _
from kiosk.ui.navigation import LockedBy
from kiosk.ui.screens import KioskScreen
from kiosk.ui.view import AppView
from kiosk.ui.wording import DEVICE_NAMES


class OutOfServiceScreen(KioskScreen):
    spoken_prompt = N_("This checkout is closed")
    reason = StringProperty("")
    details = StringProperty("")

    def update(self, view: AppView) -> None:
        service, language = view.ui.service, view.language
        if service.problems:
            self.reason = _(
                "The configuration has problems (staff: fix them and restart):", language
            )
            self.details = "\n".join(service.problems)
        elif service.locked_by == LockedBy.STAFF:
            self.reason = _("Closed by staff.", language)
            self.details = ""
        elif service.locked_by == LockedBy.FLEET:
            self.reason = _("Closed by the store office.", language)
            self.details = service.lock_reason
        elif service.devices_down:
            names = ", ".join(_(DEVICE_NAMES.get(n, n), language) for n in service.devices_down)
            self.reason = _("A device is not working: {devices}", language, devices=names)
            down = {s.name: s for s in view.devices if s.down}
            self.details = "\n".join(
                f"{name}: {down[name].state.value} {down[name].detail}".strip()
                for name in service.devices_down
                if name in down
            )
        else:
            self.reason, self.details = "", ""
