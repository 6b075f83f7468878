"""A PNG of the whole X display, and a check that it shows something."""

from __future__ import annotations

from pathlib import Path

from kiosk.demo.steps import DemoError


def grab(display: str, path: Path) -> tuple[int, int]:
    """Save the screen of `display` to `path`, cut to what is drawn (Xvfb's empty root window
    is black); returns the saved size."""
    from PIL import ImageGrab

    try:
        image = ImageGrab.grab(xdisplay=display)
    except OSError as e:
        raise DemoError("screenshot", f"cannot read display {display}: {e}") from None
    drawn = image.getbbox()
    if drawn is not None:
        image = image.crop(drawn)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return image.size


def distinct_colours(path: Path, limit: int = 4096) -> int:
    """How many colours the picture has (1 for a blank screen), up to `limit`."""
    from PIL import Image

    with Image.open(path) as image:
        colours = image.convert("RGB").getcolors(maxcolors=limit)
    return limit if colours is None else len(colours)
