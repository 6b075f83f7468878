"""Every string the screens show is extracted, translated, and drawable by the app font."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk.i18n import LOCALE_DIR
from kiosk.ui import fonts
from kiosk.ui.kv_strings import extract_kv, kv_messages
from kiosk.ui.widgets.icon import ICONS

UI_DIR = Path(fonts.__file__).resolve().parent
KV_FILES = sorted(UI_DIR.rglob("*.kv"))


def test_kv_extractor_reads_both_quote_styles_and_skips_comments() -> None:
    source = (
        "#:import _ kiosk.ui.lang.tr\n"
        "    text: _('Start', app.language)\n"
        "    text: _(\"Today's offers\", app.language) + _('x', a)\n"
        "    # text: _('commented out', app.language)\n"
        "    text: self.my_('not a call')\n"
    )
    assert list(kv_messages(source)) == [(2, "Start"), (3, "Today's offers"), (3, "x")]
    found = list(extract_kv(io.BytesIO(source.encode()), {}, [], {}))
    assert found[0] == (2, "_", "Start", [])


def test_every_kv_string_is_in_the_template_and_translated() -> None:
    wanted = {text for kv in KV_FILES for _n, text in kv_messages(kv.read_text("utf-8"))}
    assert len(wanted) > 50
    with (LOCALE_DIR / "kiosk.pot").open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    assert wanted - template == set(), "run `make i18n` (babel.cfg extracts .kv files)"
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "kiosk.po").open("rb") as f:
        translated = {m.id for m in read_po(f, locale="zh_CN") if m.id and m.string}
    assert wanted - translated == set()


def _needed_characters(repo_root: Path) -> set[str]:
    chars: set[str] = set()
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "kiosk.po").open("rb") as f:
        for message in read_po(f, locale="zh_CN"):
            chars.update(str(message.string) + str(message.id))
    rows = csv.DictReader((repo_root / "config" / "catalog.csv").open(encoding="utf-8"))
    for row in rows:
        chars.update(row["name_en"] + row["name_zh"])
    chars.update((repo_root / "config" / "promotions.toml").read_text("utf-8"))
    for kv in KV_FILES:
        chars.update(kv.read_text("utf-8"))
    for _shape, symbol, _colour in ICONS.values():
        chars.update(symbol)
    chars.update("●○★×←−¥")
    return {c for c in chars if c.isprintable() and not c.isspace()}


@pytest.fixture(scope="module")
def app_fonts() -> fonts.AppFonts:
    return fonts.find_fonts()


def test_app_font_is_the_simplified_chinese_face(app_fonts: fonts.AppFonts) -> None:
    from fontTools.ttLib import TTFont

    for path in (app_fonts.regular, app_fonts.bold):
        assert TTFont(str(path), lazy=True)["name"].getDebugName(1) == fonts.SC_FAMILY


def test_no_character_the_app_shows_is_missing_from_the_font(
    app_fonts: fonts.AppFonts, repo_root: Path
) -> None:
    """Missing glyphs would be drawn as empty boxes ("tofu")."""
    from fontTools.ttLib import TTFont

    needed = _needed_characters(repo_root)
    assert "购" in needed
    assert "★" in needed
    for path in (app_fonts.regular, app_fonts.bold):
        cmap = TTFont(str(path), lazy=True).getBestCmap()
        missing = sorted(c for c in needed if ord(c) not in cmap)
        assert missing == [], f"{path.name} has no glyph for {missing}"


def test_missing_font_names_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(fonts, "NOTO_REGULAR", tmp_path / "NotoSansCJK-Regular.ttc")
    with pytest.raises(fonts.FontMissing, match="fonts-noto-cjk"):
        fonts.find_fonts()
    with pytest.raises(fonts.FontMissing, match="ui.font_file"):
        fonts.find_fonts(str(tmp_path / "nope.ttf"))
