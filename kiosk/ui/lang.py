"""Translation for the screens: `_('msgid', language)` in .kv files and Python alike.

Passing the language makes every text depend on it, so the .kv rules re-evaluate the moment
`app.language` changes and the whole screen switches language at once.
"""

from __future__ import annotations

from kiosk.i18n import LANGUAGES, N_, gettext_for

# Each language names itself, so a shopper finds theirs whatever is shown now.
LANGUAGE_NAMES = {"en": "English", "zh_CN": "中文"}


def tr(msgid: str, language: str, **params: object) -> str:
    text = gettext_for(language if language in LANGUAGES else "en").gettext(msgid)
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


def other_language(language: str) -> str:
    return "en" if language != "en" else "zh_CN"


def weight_text(grams: int, language: str) -> str:
    return tr(N_("{kg} kg"), language, kg=f"{grams / 1000:.3f}")
