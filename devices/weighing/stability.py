"""Stable-reading detection for one plate: a median against spikes, then a steady window."""

from __future__ import annotations

from collections import deque

from pydantic import BaseModel, ConfigDict, Field

MIN_WINDOW = 4  # at 10 sps three samples can look steady while a hand still rests on the plate


class StabilitySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    window_s: float = Field(
        default=0.2, gt=0, le=5, description="how long the reading must hold still"
    )
    band_g: float = Field(
        default=5.0, gt=0, le=1000, description="largest spread (max - min) within the window"
    )
    median: int = Field(
        default=3, ge=1, le=9, description="median filter length in samples (odd); 3 drops spikes"
    )


class StabilityFilter:
    """Feed grams one sample at a time; get (level, stable) back.

    The median of the last `median` samples removes single-sample spikes; the reading is
    stable when the filtered samples of the last `window_s` all lie within `band_g`, and its
    level is then their mean (a steadier number than any one sample).
    """

    def __init__(self, settings: StabilitySettings, sps: float) -> None:
        if settings.median % 2 == 0:
            raise ValueError("the median filter length must be odd")
        self.settings = settings
        self._raw: deque[float] = deque(maxlen=settings.median)
        self._window: deque[float] = deque(maxlen=max(MIN_WINDOW, round(settings.window_s * sps)))

    @property
    def window(self) -> int:
        return self._window.maxlen or MIN_WINDOW

    @property
    def spread(self) -> float:
        """Max minus min of the filtered samples in the window (0 before it fills)."""
        return max(self._window) - min(self._window) if self._window else 0.0

    def reset(self) -> None:
        self._raw.clear()
        self._window.clear()

    def feed(self, grams: float) -> tuple[float, bool]:
        self._raw.append(grams)
        filtered = sorted(self._raw)[len(self._raw) // 2]
        self._window.append(filtered)
        if len(self._window) < self.window:
            return filtered, False
        if max(self._window) - min(self._window) > self.settings.band_g:
            return filtered, False
        return sum(self._window) / len(self._window), True
