"""Names and prompts the screens show for enum values (marked for translation)."""

from __future__ import annotations

from kiosk.checkout.events import PaymentMethod
from kiosk.checkout.interventions import InterventionKind
from kiosk.i18n import N_
from kiosk.ui import device_board as devices
from kiosk.ui.face_pay import FaceFailure, FaceStage, LivenessPrompt

K = InterventionKind
INTERVENTION_TITLES = {
    K.WEIGHT_MISMATCH: N_("Weight check"),
    K.UNEXPECTED_ITEM: N_("Unexpected item"),
    K.ITEM_REMOVED: N_("Item taken out"),
    K.NOT_BAGGED: N_("Bag your item"),
    K.AGE_CHECK: N_("Age check"),
    K.HELP: N_("Help requested"),
    K.STAFF_VOID: N_("Remove an item"),
    K.DEVICE_FAULT: N_("Device problem"),
    K.PAYMENT_PROBLEM: N_("Payment problem"),
}

# What staff press to settle each kind: (approve, reject or "" when there is no choice).
RESOLVE_LABELS = {
    K.WEIGHT_MISMATCH: (N_("Accept weight"), ""),
    K.UNEXPECTED_ITEM: (N_("Accept weight"), ""),
    K.ITEM_REMOVED: (N_("Accept weight"), ""),
    K.NOT_BAGGED: (N_("Accept weight"), ""),
    K.AGE_CHECK: (N_("Age OK"), N_("Refuse")),
    K.HELP: (N_("Done"), ""),
    K.STAFF_VOID: (N_("Remove"), N_("Keep")),
    K.DEVICE_FAULT: (N_("Go on without it"), ""),
    K.PAYMENT_PROBLEM: (N_("Settled"), ""),
}

PAYMENT_NAMES = {
    PaymentMethod.CARD: N_("Card"),
    PaymentMethod.QR_WALLET: N_("Mobile wallet QR"),
    PaymentMethod.MEMBER_WALLET: N_("Member wallet"),
    PaymentMethod.FACE: N_("Face pay"),
    PaymentMethod.POINTS: N_("Points"),
}

DEVICE_NAMES = {
    devices.CAMERA: N_("Camera"),
    devices.BAGGING_SCALE: N_("Bagging scale"),
    devices.PRODUCE_SCALE: N_("Produce scale"),
    devices.SHELVES: N_("Smart shelves"),
    devices.PRINTER: N_("Receipt printer"),
    devices.CARD_TERMINAL: N_("Card terminal"),
    devices.FACE_CAMERA: N_("Face camera"),
}

FACE_STAGES = {
    FaceStage.LOOKING: N_("Look at the camera."),
    FaceStage.CONFIRM: N_("Hello {name}! Enter the last {digits} digits of your phone number."),
    FaceStage.CONFIRMED: N_("Thank you, {name}. Paying now..."),
}

LIVENESS_PROMPTS = {
    LivenessPrompt.BLINK: N_("Please blink."),
    LivenessPrompt.TURN_LEFT: N_("Turn your head slowly to the left."),
    LivenessPrompt.TURN_RIGHT: N_("Turn your head slowly to the right."),
    LivenessPrompt.NOD: N_("Please nod."),
    LivenessPrompt.HOLD_STILL: N_("Hold still."),
}

FACE_FAILURES = {
    FaceFailure.NO_MATCH: N_("We could not recognise you. Try again or choose another way to pay."),
    FaceFailure.NOT_LIVE: N_("We could not confirm a live face. Please try again."),
    FaceFailure.WRONG_DIGITS: N_("Those digits do not match. Please try again."),
    FaceFailure.SEVERAL_FACES: N_("Only one person in front of the camera, please."),
    FaceFailure.TIMEOUT: N_("Face pay took too long. Please try again."),
    FaceFailure.UNAVAILABLE: N_("Face pay is not available at this checkout."),
}
