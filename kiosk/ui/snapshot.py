"""What the screen shows, as text: for the log, remote support and end-to-end tests.

With the environment variable KIOSK_UI_SNAPSHOT=PATH the app rewrites PATH (JSON: screen,
language, visible texts, time) after every screen update.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

ENV_SNAPSHOT = "KIOSK_UI_SNAPSHOT"


def _shown(widget: Any) -> bool:
    while widget is not None:
        if getattr(widget, "opacity", 1) <= 0:
            return False
        parent = widget.parent
        if parent is widget:
            break
        widget = parent
    return True


def visible_texts(root: Any) -> list[str]:
    """Texts of every label under `root` that is not hidden (transparent)."""
    from kivy.uix.label import Label

    texts = []
    for widget in root.walk(restrict=True):
        if isinstance(widget, Label) and widget.text.strip() and _shown(widget):
            texts.append(widget.text)
    return texts


class SnapshotWriter:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.written = 0

    @classmethod
    def from_env(cls) -> SnapshotWriter:
        value = os.environ.get(ENV_SNAPSHOT)
        return cls(Path(value) if value else None)

    def write(self, screen: str, language: str, texts: list[str]) -> None:
        if self.path is None:
            return
        payload = {"screen": screen, "language": language, "texts": texts, "at": time.time()}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)
        self.written += 1
