"""A font with Chinese glyphs as the app's default font (Kivy's Roboto has none).

Debian's fonts-noto-cjk ships Noto Sans CJK only as .ttc collections whose first face is the
Japanese one, and Kivy's SDL2 text renderer always opens the first face. Simplified Chinese
needs the SC face (some characters are drawn differently), so it is copied out of the
collection once into the user's cache directory.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
NOTO_REGULAR = NOTO_DIR / "NotoSansCJK-Regular.ttc"
NOTO_BOLD = NOTO_DIR / "NotoSansCJK-Bold.ttc"
SC_FAMILY = "Noto Sans CJK SC"


class FontMissing(Exception):
    """No usable font with CJK glyphs; the message names the package to install."""


@dataclass(frozen=True)
class AppFonts:
    regular: Path
    bold: Path


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "open-selfcheckout" / "fonts"


def sc_face(collection: Path, out_dir: Path) -> Path:
    """The Simplified Chinese face of a Noto CJK collection as its own file (made once)."""
    out = out_dir / f"{collection.stem}-SC.otf"
    if out.exists() and out.stat().st_mtime >= collection.stat().st_mtime:
        return out
    from fontTools.ttLib import TTCollection

    logger.info("copying the %s face out of %s (once)", SC_FAMILY, collection)
    faces = TTCollection(str(collection), lazy=True)
    for face in faces.fonts:
        if face["name"].getDebugName(1) == SC_FAMILY:
            out_dir.mkdir(parents=True, exist_ok=True)
            tmp = out.with_suffix(f".{os.getpid()}.tmp")
            face.save(str(tmp))
            os.replace(tmp, out)
            return out
    raise FontMissing(f"{collection} has no {SC_FAMILY} face")


def find_fonts(font_file: str | None = None) -> AppFonts:
    if font_file:
        path = Path(font_file)
        if not path.is_file():
            raise FontMissing(f"ui.font_file {font_file}: no such font file")
        return AppFonts(path, path)
    if not NOTO_REGULAR.is_file():
        raise FontMissing(
            f"Chinese font missing ({NOTO_REGULAR}): install the Debian package fonts-noto-cjk "
            "(apt install fonts-noto-cjk) or set ui.font_file to a font with CJK glyphs"
        )
    bold_source = NOTO_BOLD if NOTO_BOLD.is_file() else NOTO_REGULAR
    try:
        return AppFonts(sc_face(NOTO_REGULAR, cache_dir()), sc_face(bold_source, cache_dir()))
    except OSError as e:
        # Still Chinese, with Japanese glyph shapes for a few characters: say so, once.
        logger.warning("cannot cache the SC font face (%s); using the collection's first face", e)
        return AppFonts(NOTO_REGULAR, bold_source)


def register(fonts: AppFonts) -> None:
    """Make the font every Label uses by default."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    LabelBase.register(
        DEFAULT_FONT,
        fn_regular=str(fonts.regular),
        fn_bold=str(fonts.bold),
        fn_italic=str(fonts.regular),
        fn_bolditalic=str(fonts.bold),
    )
