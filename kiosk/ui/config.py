"""The `[ui]` section of the kiosk config: screen, text size, speech, staff mode."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

_STRICT = ConfigDict(extra="forbid", frozen=True)


class SpeechConfig(BaseModel):
    model_config = _STRICT

    enabled: bool = Field(default=True, description="speak prompts with espeak-ng")
    command: str = Field(default="espeak-ng", min_length=1, description="espeak-ng executable")
    voice_en: str = Field(default="en", min_length=1, max_length=40, description="English voice")
    voice_zh_cn: str = Field(
        default="cmn", min_length=1, max_length=40, description="Mandarin voice"
    )
    rate_wpm: int = Field(default=150, ge=80, le=450, description="words per minute")
    amplitude: int = Field(default=100, ge=0, le=200, description="espeak-ng -a volume")
    extra_args: tuple[str, ...] = Field(
        default=(), max_length=8, description="more espeak-ng arguments, e.g. ['-d', 'DEVICE']"
    )


class UiConfig(BaseModel):
    model_config = _STRICT

    fullscreen: bool = Field(default=True, description="`kiosk run --windowed` overrides it")
    window_width: int = Field(default=1280, ge=640, le=7680, description="windowed mode only")
    window_height: int = Field(default=800, ge=480, le=4320, description="windowed mode only")
    show_cursor: bool = Field(default=False, description="mouse pointer in full screen")
    large_text_scale: float = Field(
        default=1.3, ge=1.05, le=2.0, description="text size factor in large-text mode"
    )
    attract_rotate_s: float = Field(
        default=6.0, ge=2, le=120, description="seconds per promotion on the attract screen"
    )
    staff_timeout_s: float = Field(
        default=120, ge=15, le=3600, description="staff mode signs out after this idle time"
    )
    box_hold_s: float = Field(
        default=1.2, ge=0.1, le=10, description="a barcode or face box stays drawn this long"
    )
    font_file: str | None = Field(
        default=None,
        description="a font with CJK glyphs; default Noto Sans CJK SC from fonts-noto-cjk",
    )
    speech: SpeechConfig = Field(default_factory=SpeechConfig)
