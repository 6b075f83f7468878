"""Face pay for one payment: liveness, then 1:N identification, then the second factor.

The engine keeps the 1:N gallery of decrypted templates in memory (rebuilt when members change);
each payment attempt is a small state machine the face-pay screen feeds frames and digits to.
When it reaches VERIFIED, the caller posts `FaceVerified` and `PayRequested(FACE)`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import numpy as np

from kiosk.members import registry
from kiosk.members.config import FacePayConfig
from kiosk.members.templates import TemplateKey
from kiosk.storage import members
from kiosk.storage.engine import Database
from vision.faces import (
    ChallengeStep,
    FaceBox,
    FaceGallery,
    FaceIdentifier,
    FacesConfig,
    Identified,
    LivenessChallenge,
    LivenessState,
)

logger = logging.getLogger(__name__)


class FaceStep(StrEnum):
    LIVENESS = "liveness"  # follow the prompt: blink, turn
    DIGITS = "digits"  # enter the last four digits of your phone
    VERIFIED = "verified"
    REFUSED = "refused"


@dataclass(frozen=True)
class FaceStatus:
    step: FaceStep
    prompt: str = ""  # a message key (kiosk/messages.py) or the liveness step's name
    reason: str = ""  # why it was refused
    member_id: str | None = None
    display_name: str = ""
    points_balance: int = 0
    tries_left: int = 0


@dataclass(frozen=True)
class FaceLook:
    """One frame fed to an attempt: the status, the face it showed, the liveness step asked."""

    status: FaceStatus
    face: FaceBox | None = None  # the single face found in the frame, for the preview's box
    step: ChallengeStep | None = None  # while the liveness check goes on


class FacePayEngine:
    def __init__(
        self, db: Database, key: TemplateKey, faces: FacesConfig, pay: FacePayConfig
    ) -> None:
        self.db = db
        self.key = key
        self.faces = faces
        self.pay = pay
        self.gallery = FaceGallery(faces.index)
        self.identifier = FaceIdentifier(self.gallery, faces.identification)
        self.reload()

    def reload(self) -> int:
        """Rebuild the gallery from the database (after enrolment, erasure or purge)."""
        by_member: dict[str, list[np.ndarray]] = {}
        for template in registry.load_templates(self.db, self.key):
            by_member.setdefault(template.member_id, []).append(template.encoding)
        self.gallery.replace_all({m: np.stack(v) for m, v in by_member.items()})
        logger.info("face gallery: %d members", len(by_member))
        return len(by_member)

    def needs_digits(self, amount: int) -> bool:
        return self.pay.second_factor == "always" or amount > self.pay.second_factor_above

    def attempt(self, amount: int) -> FaceAttempt:
        return FaceAttempt(self, amount)


class FaceAttempt:
    """One face-pay attempt. Frames go in until liveness ends; then digits if required."""

    def __init__(self, engine: FacePayEngine, amount: int) -> None:
        self.engine = engine
        self.amount = amount
        self.challenge = LivenessChallenge(engine.faces.liveness)
        self.status = FaceStatus(FaceStep.LIVENESS, prompt=self._step_prompt())
        self._tries = engine.pay.max_failures

    def _step_prompt(self) -> str:
        step = self.challenge.status.step
        return f"liveness_{step.value}" if step is not None else "face_look"

    def _refuse(self, reason: str) -> FaceStatus:
        self.status = FaceStatus(FaceStep.REFUSED, prompt="face_refused", reason=reason)
        return self.status

    def feed(self, rgb: np.ndarray, timestamp: float) -> FaceStatus:
        return self.look(rgb, timestamp).status

    def look(self, rgb: np.ndarray, timestamp: float) -> FaceLook:
        """Feed one frame, and say where its face is and which liveness step is asked for."""
        if self.status.step != FaceStep.LIVENESS:
            return FaceLook(self.status)
        if self.amount > self.engine.pay.max_amount:
            return FaceLook(self._refuse("over_limit"))
        live = self.challenge.feed(rgb, timestamp)
        face = self.challenge.frame_face
        if live.state is LivenessState.IN_PROGRESS:
            self.status = FaceStatus(FaceStep.LIVENESS, prompt=self._step_prompt())
            return FaceLook(self.status, face, live.step)
        if live.state is LivenessState.FAILED or live.encoding is None:
            reason = live.failure.value if live.failure else "liveness_failed"
            return FaceLook(self._refuse(reason), face)
        return FaceLook(self.identify(live.encoding), face)

    def identify(self, encoding: np.ndarray) -> FaceStatus:
        """The step after liveness passed: who is it, and may they pay with their face?"""
        match = self.engine.identifier.identify(encoding)
        if not isinstance(match, Identified):
            return self._refuse(match.reason.value)
        member = members.get_member(self.engine.db, match.member_id)
        if member is None:
            return self._refuse("no_match")
        if registry.is_locked(self.engine.db, member.member_id):
            return self._refuse("locked")
        base = FaceStatus(
            FaceStep.VERIFIED,
            member_id=member.member_id,
            display_name=member.display_name,
            points_balance=member.points_balance,
        )
        if self.engine.needs_digits(self.amount):
            self.status = FaceStatus(
                FaceStep.DIGITS,
                prompt="face_enter_digits",
                member_id=base.member_id,
                display_name=base.display_name,
                points_balance=base.points_balance,
                tries_left=self._tries,
            )
        else:
            self.status = base
        return self.status

    def digits(self, digits: str, now: datetime | None = None) -> FaceStatus:
        status = self.status
        if status.step != FaceStep.DIGITS or status.member_id is None:
            return status
        try:
            ok = registry.verify_digits(
                self.engine.db,
                status.member_id,
                digits,
                self.engine.pay,
                now=now or datetime.now(UTC),
            )
        except registry.FaceLocked:
            return self._refuse("locked")
        if ok:
            self.status = FaceStatus(
                FaceStep.VERIFIED,
                member_id=status.member_id,
                display_name=status.display_name,
                points_balance=status.points_balance,
            )
            return self.status
        self._tries -= 1
        if self._tries <= 0 or registry.is_locked(self.engine.db, status.member_id):
            return self._refuse("locked")
        self.status = FaceStatus(
            FaceStep.DIGITS,
            prompt="face_wrong_digits",
            member_id=status.member_id,
            display_name=status.display_name,
            points_balance=status.points_balance,
            tries_left=self._tries,
        )
        return self.status
