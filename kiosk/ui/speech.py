"""Spoken prompts with espeak-ng, in a worker thread; a new prompt cuts the old one short."""

from __future__ import annotations

import logging
import queue
import shutil
import subprocess
import threading

from kiosk.ui.config import SpeechConfig

logger = logging.getLogger(__name__)


class Speaker:
    def __init__(self, config: SpeechConfig) -> None:
        self.config = config
        self.available = shutil.which(config.command) is not None
        if config.enabled and not self.available:
            logger.error(
                "speech: %s not found; install the Debian package espeak-ng or set "
                "ui.speech.enabled = false",
                config.command,
            )
        self.spoken = 0
        self.last: tuple[str, str] | None = None  # (text, language) most recently asked for
        self._queue: queue.SimpleQueue[tuple[str, str] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def command(self, text: str, language: str) -> list[str]:
        voice = self.config.voice_zh_cn if language.startswith("zh") else self.config.voice_en
        return [
            self.config.command,
            "-v",
            voice,
            "-s",
            str(self.config.rate_wpm),
            "-a",
            str(self.config.amplitude),
            *self.config.extra_args,
            "--",
            text,
        ]

    def say(self, text: str, language: str) -> None:
        """Queue a prompt; never blocks."""
        if not self.available or not text.strip():
            return
        self.last = (text, language)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
            self._thread.start()
        self._queue.put((text, language))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                while True:  # only the newest prompt is worth saying
                    newer = self._queue.get_nowait()
                    if newer is None:
                        item = None
                        break
                    item = newer
            except queue.Empty:
                pass
            self._silence()
            if item is None:
                return
            self._speak(*item)

    def _speak(self, text: str, language: str) -> None:
        try:
            self._process = subprocess.Popen(
                self.command(text, language),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.spoken += 1
        except OSError as e:
            logger.warning("speech failed: %s", e)

    def _silence(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                process.kill()

    def wait_idle(self, timeout: float) -> bool:
        """For tests: wait until the current prompt has been spoken."""
        process = self._process
        if process is None:
            return True
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=2)
            self._thread = None
