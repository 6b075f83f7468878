"""Every shopper-facing string has a Simplified Chinese translation that loads."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from kiosk.i18n import LOCALE_DIR, gettext_for, money
from kiosk.messages import MESSAGES, render
from tests.kiosk.builders import CNY


def test_catalog_is_complete() -> None:
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "kiosk.po").open("rb") as f:
        catalog = read_po(f, locale="zh_CN")
    untranslated = [m.id for m in catalog if m.id and not m.string]
    assert untranslated == []
    missing = [text for text in MESSAGES.values() if text not in catalog]
    assert missing == [], "run `make i18n` and translate the new strings"


def test_template_is_up_to_date(tmp_path: Path) -> None:
    from babel.messages.extract import extract_from_dir

    root = LOCALE_DIR.parent.parent
    found = {
        msg[2] if isinstance(msg[2], str) else msg[2][0]
        for msg in extract_from_dir(
            str(root / "kiosk"), method_map=[("**.py", "python")], keywords={"_": None, "N_": None}
        )
    }
    with (LOCALE_DIR / "kiosk.pot").open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    assert found - template == set(), "run `make i18n` to refresh kiosk/locale/kiosk.pot"


def test_render_translates_and_fills_parameters() -> None:
    assert render("welcome_member", "en", {"name": "Li"}) == "Welcome back, Li!"
    assert render("welcome_member", "zh_CN", {"name": "李雷"}) == "欢迎回来，李雷！"
    assert render("no_such_key", "zh_CN") == "no_such_key"
    assert gettext_for("zh_CN").gettext("Subtotal") == "小计"


def test_money_formatting() -> None:
    assert money(12345, CNY, "en") == "CN¥123.45"
    assert money(12345, CNY, "zh_CN") == "¥123.45"
