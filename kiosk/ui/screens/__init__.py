"""The screens, registered by name; each is a .py (glue) and a .kv (layout) of that name."""

from __future__ import annotations

import importlib
from pathlib import Path

from kivy.lang import Builder
from kivy.uix.screenmanager import Screen

from kiosk.ui.navigation import ScreenName
from kiosk.ui.view import AppView


class KioskScreen(Screen):
    """Layout in the .kv file; here only on_enter / on_leave / update(view)."""

    spoken_prompt = ""  # msgid spoken when the screen appears (unless a notice is spoken instead)

    def update(self, view: AppView) -> None:
        """Show `view`; called on the main thread after every change while shown."""


SCREENS: dict[ScreenName, str] = {
    ScreenName.ATTRACT: "attract:AttractScreen",
    ScreenName.SHOPPING: "shopping:ShoppingScreen",
    ScreenName.PRODUCE: "produce:ProduceScreen",
    ScreenName.INTERVENTION: "intervention:InterventionScreen",
    ScreenName.PAYMENT: "payment:PaymentScreen",
    ScreenName.QR_PAY: "qr_pay:QrPayScreen",
    ScreenName.FACE_PAY: "face_pay:FacePayScreen",
    ScreenName.PROCESSING: "processing:ProcessingScreen",
    ScreenName.RECEIPT: "receipt:ReceiptScreen",
    ScreenName.THANKS: "thanks:ThanksScreen",
    ScreenName.STAFF_PIN: "staff_pin:StaffPinScreen",
    ScreenName.STAFF: "staff:StaffScreen",
    ScreenName.OUT_OF_SERVICE: "out_of_service:OutOfServiceScreen",
}
_loaded: set[str] = set()


def make_screen(name: ScreenName) -> KioskScreen:
    """Load the screen's .kv (once) and build it."""
    module_name, class_name = SCREENS[name].split(":")
    module = importlib.import_module(f"{__name__}.{module_name}")
    if module_name not in _loaded:
        Builder.load_file(str(Path(module.__file__ or "").with_suffix(".kv")))
        _loaded.add(module_name)
    screen: KioskScreen = getattr(module, class_name)(name=name.value)
    return screen
