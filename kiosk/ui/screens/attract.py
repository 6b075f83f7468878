"""Attract loop: a welcome, today's promotions in turn, and the language choice."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import NumericProperty, StringProperty

from kiosk.ui.lang import tr as _
from kiosk.ui.screens import KioskScreen
from kiosk.ui.view import AppView


class AttractScreen(KioskScreen):
    promo_name = StringProperty("")
    promo_note = StringProperty("")
    promo_dots = StringProperty("")
    promo_index = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._event: Any = None
        self._language = "en"

    def on_enter(self, *_args: Any) -> None:
        app = App.get_running_app()
        self._event = Clock.schedule_interval(self._next, app.settings.attract_rotate_s)

    def on_leave(self, *_args: Any) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def _next(self, _dt: float) -> None:
        self.promo_index += 1
        self._show()

    def update(self, view: AppView) -> None:
        self._language = view.language
        self._show()

    def _show(self) -> None:
        app = App.get_running_app()
        promotions = app.kiosk.loaded.pricing.promotions if app.kiosk else ()
        if not promotions:
            self.promo_name, self.promo_note, self.promo_dots = "", "", ""
            return
        index = int(self.promo_index) % len(promotions)
        promo = promotions[index]
        self.promo_name = promo.name(self._language)
        self.promo_note = _("Members only", self._language) if promo.member_only else ""
        self.promo_dots = " ".join("●" if i == index else "○" for i in range(len(promotions)))
