"""The face-pay contract the face-pay screen drives; vision/faces provides the real engine.

The screen calls `start` when the shopper chooses face pay, shows every `FaceUpdate` (box,
liveness prompt, result), asks for the confirmation digits when told to, and on CONFIRMED
identifies the member to the session and pays from the member wallet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from kiosk.ui.feeds import Box


class FaceStage(StrEnum):
    LOOKING = "looking"  # no face yet
    LIVENESS = "liveness"  # a face: follow `prompt` to show it is a live person
    CONFIRM = "confirm"  # recognised: the shopper confirms with `digits_needed` digits
    CONFIRMED = "confirmed"  # digits matched: `member_id` pays
    FAILED = "failed"  # see `reason`


class LivenessPrompt(StrEnum):
    BLINK = "blink"
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"
    NOD = "nod"
    HOLD_STILL = "hold_still"


class FaceFailure(StrEnum):
    NO_MATCH = "no_match"
    NOT_LIVE = "not_live"
    WRONG_DIGITS = "wrong_digits"
    SEVERAL_FACES = "several_faces"
    TIMEOUT = "timeout"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class FaceUpdate:
    stage: FaceStage
    box: Box | None = None  # in the face camera's frame pixels
    prompt: LivenessPrompt | None = None
    member_id: str = ""
    display_name: str = ""
    points_balance: int = 0
    digits_needed: int = 4
    reason: FaceFailure | None = None


UpdateCallback = Callable[[FaceUpdate], None]


class FacePayEngine(Protocol):
    """Watches the face camera for one payment. Updates may arrive on any thread."""

    @property
    def available(self) -> bool:
        """False when face pay cannot work at all (no camera, no enrolled faces)."""
        ...

    def start(self, on_update: UpdateCallback) -> None: ...

    def submit_digits(self, digits: str) -> None:
        """The shopper's confirmation digits; answers with CONFIRMED or FAILED."""
        ...

    def cancel(self) -> None: ...
