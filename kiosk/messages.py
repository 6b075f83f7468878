"""What the shopper reads and hears for each notice the session emits (keys are stable ids)."""

from __future__ import annotations

from kiosk.i18n import N_, gettext_for

MESSAGES: dict[str, str] = {
    "welcome": N_("Welcome! Scan your first item."),
    "item_added": N_("Item added. Place it in the bagging area."),
    "resolve_first": N_("Please wait: an assistant needs to check something first."),
    "quantity_limit": N_("That is the most of one item we can sell in one go."),
    "barcode_not_recognised": N_("Sorry, we could not recognise that barcode."),
    "weigh_at_produce_scale": N_(
        "This item is sold by weight: choose it under Produce and weigh it."
    ),
    "coupon_unknown": N_("This coupon is not valid here."),
    "coupon_expired": N_("This coupon has expired or is not valid yet."),
    "coupon_already_used": N_("This coupon is already applied."),
    "coupon_added": N_("Coupon applied."),
    "scan_not_now": N_("Please finish paying before scanning more items."),
    "scale_overload": N_("Too heavy for the scale: ask an assistant."),
    "wait_for_scale": N_("Hold still while the scale settles."),
    "place_item_on_scale": N_("Place the item on the scale."),
    "item_put_back": N_("Item put back on the shelf: removed from your basket."),
    "welcome_member": N_("Welcome back, {name}!"),
    "member_unknown": N_("We could not find that membership."),
    "cannot_redeem_points": N_("Those points cannot be used for this purchase."),
    "points_applied": N_("Points will be used for this purchase."),
    "nothing_to_pay": N_("Your basket is empty."),
    "age_check_needed": N_("An assistant must check your age before you pay."),
    "bag_items_first": N_("Please place your items in the bagging area first."),
    "member_required": N_("Identify yourself as a member to use this payment method."),
    "face_not_verified": N_("Look at the camera to pay with your face."),
    "face_pay_limit": N_(
        "This amount is above the face-pay limit: please choose another way to pay."
    ),
    "follow_payment": N_("Follow the instructions to pay."),
    "checking_payment": N_("Checking your payment, please wait..."),
    "payment_declined": N_("Payment declined. Please try another way to pay."),
    "payment_cancelled": N_("Payment cancelled."),
    "payment_failed": N_("Payment did not go through. Nothing was charged."),
    "thank_you_paid": N_("Paid. Thank you!"),
    "staff_sign_in_required": N_("An assistant must sign in for this."),
    "still_there": N_("Are you still there? Touch the screen to continue."),
    "printer_problem": N_("The printer is not working: scan the QR code for your receipt."),
    # face pay
    "face_look": N_("Look at the camera. Only you, please."),
    "liveness_blink": N_("Blink your eyes."),
    "liveness_turn_left": N_("Turn your head to your left."),
    "liveness_turn_right": N_("Turn your head to your right."),
    "face_enter_digits": N_("Enter the last four digits of your phone number."),
    "face_wrong_digits": N_("Those digits are not right. Try again."),
    "face_refused": N_("We could not confirm it is you. Please choose another way to pay."),
    "face_refused_several_faces": N_("Only one person in front of the camera, please."),
    "face_refused_locked": N_("Face pay is locked for a while. Please choose another way to pay."),
    "face_refused_over_limit": N_("This amount is above the face-pay limit."),
    # interventions
    "weight_mismatch": N_("The weight in the bagging area does not match the item you scanned."),
    "unexpected_item": N_("Unexpected item in the bagging area. Please remove it."),
    "item_removed": N_("An item was taken out of the bagging area. Please put it back."),
    "not_bagged": N_("Please place the scanned item in the bagging area."),
    "age_check": N_("This item needs an age check. An assistant is on the way."),
    "help": N_("Help is on the way."),
    "staff_void": N_("An assistant is coming to remove the item."),
    "device_fault": N_("A device is not working. An assistant is on the way."),
    "payment_problem": N_(
        "There was a problem recording your payment. An assistant is on the way."
    ),
}


def render(key: str, language: str, params: dict[str, str] | None = None) -> str:
    """The notice in a language; unknown keys come back as themselves so nothing is hidden."""
    text = MESSAGES.get(key)
    if text is None:
        return key
    translated = gettext_for(language).gettext(text)
    try:
        return translated.format(**(params or {}))
    except (KeyError, IndexError):
        return translated
