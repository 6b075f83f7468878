"""The consent text a member agrees to before any face is encoded, by version and language."""

from __future__ import annotations

from kiosk.i18n import N_, gettext_for

PURPOSE = "face identification for payment at self-checkout kiosks"

TEXTS: dict[str, str] = {
    "2026-11": N_(
        "I agree that this store turns a photo of my face into a face template (a list of "
        "numbers, not a picture) to recognise me when I choose to pay with my face. No photo is "
        "kept. The template is stored encrypted, used for nothing else, and deleted when I ask "
        "or after {years} years without a purchase. Face pay also asks for the last four digits "
        "of my phone number."
    ),
}


def consent_text(version: str, language: str, retention_days: int) -> str:
    if version not in TEXTS:
        raise KeyError(f"no consent text version {version!r}; known: {', '.join(TEXTS)}")
    text = gettext_for(language).gettext(TEXTS[version])
    return text.format(
        years=round(retention_days / 365, 1) if retention_days % 365 else retention_days // 365
    )
