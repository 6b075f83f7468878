"""ESC/POS bytes for a receipt (python-escpos), Chinese printed as a raster image."""

from __future__ import annotations

from pathlib import Path

from escpos.printer import Dummy
from PIL import Image, ImageDraw, ImageFont

from kiosk.receipts.text import display_width

DOTS_PER_LINE = 576  # 80 mm paper at 203 dpi


class ReceiptFontMissing(RuntimeError):
    pass


def _needs_raster(text: str) -> bool:
    # Thermal printers' code pages cover Latin scripts; CJK needs a font we rasterise.
    return any(ord(c) > 0x2FF for c in text)


def _raster(text: str, font_path: str, width_chars: int) -> Image.Image:
    if not Path(font_path).exists():
        raise ReceiptFontMissing(
            f"CJK receipt font {font_path} not found: install Debian's fonts-noto-cjk "
            "or set receipts.cjk_font"
        )
    size = max(12, DOTS_PER_LINE // width_chars * 2 - 2)
    font = ImageFont.truetype(font_path, size)
    lines = text.rstrip("\n").split("\n")
    cell = DOTS_PER_LINE / max(width_chars, max(display_width(ln) for ln in lines))
    line_h = int(size * 1.3)
    image = Image.new("1", (DOTS_PER_LINE, line_h * len(lines) + 8), 1)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        x = 0.0
        for ch in line:  # place by display cell so CJK and Latin columns stay aligned
            draw.text((x, row * line_h), ch, font=font, fill=0)
            x += cell * display_width(ch)
    return image


def render_escpos(
    text: str, *, qr_url: str = "", width_chars: int = 42, cjk_font: str = ""
) -> bytes:
    printer = Dummy()
    # The generic profile has no paper width; give it ours so centring and images behave.
    printer.profile.profile_data["media"]["width"]["pixels"] = DOTS_PER_LINE
    printer.set(align="left")
    if _needs_raster(text):
        printer.image(_raster(text, cjk_font, width_chars))
    else:
        printer.text(text)
    if qr_url:
        printer.qr(qr_url, size=6)
    printer.text("\n\n")
    printer.cut()
    return bytes(printer.output)
