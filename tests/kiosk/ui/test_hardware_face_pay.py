"""Face pay's engine from the config: a key problem closes face pay, never the whole kiosk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiosk.assembly import build_kiosk
from kiosk.config import load_config
from kiosk.members import registry
from kiosk.members.templates import generate_key, load_key
from kiosk.ui.feeds import PreviewFeed
from kiosk.ui.hardware import _face_pay
from tests.kiosk.ui.conftest import write_config


def test_a_wrong_face_key_leaves_face_pay_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("KIOSK_FACE_KEY_FILE", raising=False)
    loaded = load_config(write_config(tmp_path / "config", {}))
    kiosk = build_kiosk(loaded)
    try:
        cfg = loaded.config.face_pay
        monkeypatch.setenv(cfg.key_env, generate_key())
        member = registry.create_member(kiosk.db, "Li Lei", "13800001234")
        registry.record_consent(kiosk.db, member, cfg)
        key = load_key(cfg.key_env, cfg.key_file_env)
        registry.add_templates(kiosk.db, key, member, [np.full(128, 0.05)])
        monkeypatch.setenv(cfg.key_env, generate_key())  # the site's key replaced by another
        engine = _face_pay(kiosk, PreviewFeed("face_camera"))
        assert not engine.available
        assert "does not decrypt" in engine.why_unavailable
    finally:
        kiosk.close()
