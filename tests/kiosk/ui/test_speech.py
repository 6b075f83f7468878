"""Spoken prompts with the real espeak-ng (written to a WAV file: test machines have no sound)."""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

import pytest

from kiosk.ui.config import SpeechConfig
from kiosk.ui.speech import Speaker

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng not installed (apt install espeak-ng)"
)


def test_voice_follows_the_language() -> None:
    speaker = Speaker(SpeechConfig(rate_wpm=170, voice_zh_cn="cmn"))
    assert speaker.command("Hello", "en")[:5] == ["espeak-ng", "-v", "en", "-s", "170"]
    assert speaker.command("你好", "zh_CN")[2] == "cmn"
    assert speaker.command("-x", "en")[-2:] == ["--", "-x"]  # text is never read as an option


@needs_espeak
@pytest.mark.parametrize(("text", "language"), [("Item added.", "en"), ("商品已添加。", "zh_CN")])
def test_prompt_is_spoken(tmp_path: Path, text: str, language: str) -> None:
    wav = tmp_path / "prompt.wav"
    speaker = Speaker(SpeechConfig(extra_args=("-w", str(wav))))
    speaker.say(text, language)
    deadline = time.monotonic() + 10
    while speaker.spoken == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert speaker.wait_idle(10)
    speaker.stop()
    data = wav.read_bytes()
    assert data[:4] == b"RIFF"
    assert len(data) > 10_000


def test_missing_program_says_so_once_and_stays_quiet(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        speaker = Speaker(SpeechConfig(command="no-such-espeak"))
    assert not speaker.available
    assert "install the Debian package espeak-ng" in caplog.text
    speaker.say("Hello", "en")
    assert speaker.spoken == 0
