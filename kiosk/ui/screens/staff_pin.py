"""Staff sign-in with a PIN on a keypad; the check runs off the main thread."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import BooleanProperty, StringProperty

from kiosk.i18n import N_
from kiosk.ui.lang import tr as _
from kiosk.ui.screens import KioskScreen
from kiosk.ui.view import AppView


class StaffPinScreen(KioskScreen):
    spoken_prompt = N_("Enter your PIN")
    masked = StringProperty("")
    message = StringProperty("")
    checking = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._language = "en"

    def on_enter(self, *_args: Any) -> None:
        self.ids.keypad.value = ""
        self.message = ""

    def update(self, view: AppView) -> None:
        self._language = view.language

    def on_pin(self, value: str) -> None:
        self.masked = "●" * len(value)

    def submit(self) -> None:
        pin = self.ids.keypad.value
        if not pin or self.checking:
            return
        self.checking = True
        self.message = _("Checking...", self._language)
        App.get_running_app().actions.submit_pin(pin, self.answered)

    def answered(self, problem: str) -> None:
        self.checking = False
        self.ids.keypad.value = ""
        if problem:
            self.message = _("Not accepted: {reason}", self._language, reason=problem)
        else:
            self.message = ""
