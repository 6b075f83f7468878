"""Face pay: the face camera with the face box, the liveness prompt, the digits to confirm."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.i18n import N_
from kiosk.ui.face_pay import FaceStage, FaceUpdate
from kiosk.ui.lang import tr as _
from kiosk.ui.screens import KioskScreen
from kiosk.ui.view import AppView
from kiosk.ui.wording import FACE_FAILURES, FACE_STAGES, LIVENESS_PROMPTS


def prompt_for(update: FaceUpdate | None, language: str) -> str:
    if update is None:
        return _("Look at the camera.", language)
    if update.stage == FaceStage.LIVENESS and update.prompt is not None:
        return _(LIVENESS_PROMPTS[update.prompt], language)
    if update.stage == FaceStage.FAILED and update.reason is not None:
        return _(FACE_FAILURES[update.reason], language)
    return _(
        FACE_STAGES.get(update.stage, FACE_STAGES[FaceStage.LOOKING]),
        language,
        name=update.display_name,
        digits=update.digits_needed,
    )


class FacePayScreen(KioskScreen):
    spoken_prompt = N_("Look at the camera.")
    prompt = StringProperty("")
    digits_shown = StringProperty("")
    asking_digits = BooleanProperty(False)
    failed = BooleanProperty(False)
    digits_needed = NumericProperty(4)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.last: FaceUpdate | None = None
        self._language = "en"

    def on_enter(self, *_args: Any) -> None:
        app = App.get_running_app()
        preview = self.ids.preview
        preview.feed = app.peripherals.face_camera if app.peripherals else None
        preview.hold_s = app.settings.box_hold_s
        preview.start()
        self._begin()

    def _begin(self) -> None:
        self.last = None
        self.ids.keypad.value = ""
        self.asking_digits = self.failed = False
        self.prompt = prompt_for(None, self._language)
        App.get_running_app().actions.face_start(self.show)

    def on_leave(self, *_args: Any) -> None:
        self.ids.preview.stop()
        if self.last is None or self.last.stage != FaceStage.CONFIRMED:
            App.get_running_app().actions.face_cancel_quietly()

    def update(self, view: AppView) -> None:
        self._language = view.language
        self.prompt = prompt_for(self.last, view.language)

    def show(self, update: FaceUpdate) -> None:
        self.last = update
        self.asking_digits = update.stage == FaceStage.CONFIRM
        self.failed = update.stage == FaceStage.FAILED
        self.digits_needed = update.digits_needed
        self.prompt = prompt_for(update, self._language)
        if self.asking_digits:
            self.ids.keypad.value = ""

    def on_digits(self, value: str) -> None:
        self.digits_shown = " ".join(["●"] * len(value) + ["_"] * (self.digits_needed - len(value)))
        if self.asking_digits and len(value) >= self.digits_needed:
            self.asking_digits = False
            App.get_running_app().actions.face_digits(value)

    def retry(self) -> None:
        App.get_running_app().actions.face_cancel_quietly()
        self._begin()
