"""Something needs checking before the shopper can go on: what, why, and that help is coming."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from kiosk.messages import render
from kiosk.ui.lang import tr as _
from kiosk.ui.screens import KioskScreen
from kiosk.ui.view import AppView
from kiosk.ui.wording import INTERVENTION_TITLES


class InterventionScreen(KioskScreen):
    icon = StringProperty("help")
    title = StringProperty("")
    words = StringProperty("")
    item = StringProperty("")
    staff_called = BooleanProperty(False)
    staff_text = StringProperty("")

    def update(self, view: AppView) -> None:
        checkout, language = view.checkout, view.language
        blocking = [i for i in checkout.interventions if i.blocking] if checkout else []
        if checkout is None or not blocking:
            return
        first = blocking[0]
        self.icon = first.kind.value
        self.title = _(INTERVENTION_TITLES[first.kind], language)
        self.words = render(first.kind.value, language)
        line = next((ln for ln in checkout.lines if ln.line_id == first.line_id), None)
        self.item = line.name(language) if line else ""
        self.staff_called = any(i.staff_needed for i in blocking)
        self.staff_text = (
            _("An assistant has been called.", language)
            if self.staff_called
            else _("Put it right yourself, or press Help.", language)
        )
