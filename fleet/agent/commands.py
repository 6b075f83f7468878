"""Signed commands on the kiosk: verify, refuse (and record why), or carry out and report.

Order of checks: readable, signature, body, address, time window, nonce. The nonce is
claimed (persisted) before the action runs, so a crash mid-command never lets it run twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import JsonValue, ValidationError

from fleet.agent.config import AgentConfig
from fleet.agent.hooks import AppHooks, CommandFailed, CommandRefused, Operations
from fleet.agent.journal import Journal
from fleet.messages.base import utcnow
from fleet.messages.commands import (
    Action,
    CatalogUpdateAction,
    CommandBody,
    CommandName,
    CommandResult,
    ConfigUpdateAction,
    LockAction,
    PriceChangeAction,
    ResendAction,
    RestartAction,
    ResultStatus,
    SignedCommand,
    UnlockAction,
)
from fleet.mqtt import Payload
from fleet.signing import SignatureRefused, Verifier

logger = logging.getLogger(__name__)

LOCK_STATE = "locked"
Resend = Callable[[int], dict[str, JsonValue]]


@dataclass(frozen=True)
class Outcome:
    result: CommandResult
    after: Callable[[], None] | None = None  # runs once the result is on its way (restart)


class CommandProcessor:
    def __init__(
        self,
        *,
        store: str,
        kiosk_id: str,
        verifier: Verifier,
        journal: Journal,
        config: AgentConfig,
        hooks: AppHooks,
        resend: Resend,
        operations: Operations | None = None,
        wall: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.kiosk_id = kiosk_id
        self.verifier = verifier
        self.journal = journal
        self.config = config
        self.hooks = hooks
        self.resend = resend
        self.operations = operations
        self.wall = wall

    @property
    def locked(self) -> bool:
        return self.journal.get_state(LOCK_STATE) is not None

    def lift_locally(self, who: str) -> bool:
        """Staff reopened the kiosk at its screen: forget the fleet's lock so that a restart
        does not close it again, and keep a line saying who. True if there was a lock."""
        if self.journal.take_state(LOCK_STATE) is None:  # one step: a lock arriving now stays
            return False
        self.journal.record(None, "unlock", "local", f"unlocked at the kiosk by staff {who}")
        logger.warning("fleet lock lifted at the kiosk by staff %s", who)
        return True

    def restore(self) -> None:
        """At start: a kiosk locked before a restart comes back locked."""
        reason = self.journal.get_state(LOCK_STATE)
        if reason is not None:
            logger.warning("kiosk was locked by the fleet (%s); staying out of service", reason)
            self.hooks.lock(reason)

    def handle(self, payload: Payload) -> Outcome:
        body: CommandBody | None = None
        try:
            body = self._accept(payload)
            return self._run(body)
        except CommandRefused as e:
            return self._finish(body, payload, ResultStatus.REFUSED, str(e))

    # -- acceptance ---------------------------------------------------------------------

    def _accept(self, payload: Payload) -> CommandBody:
        try:
            signed = SignedCommand.model_validate_json(payload)
        except ValidationError as e:
            raise CommandRefused(f"unreadable command: {e.errors()[0]['msg']}") from None
        try:
            signed_body = self.verifier.verify(signed)
        except SignatureRefused as e:
            raise CommandRefused(f"bad signature: {e}") from None
        try:
            body = CommandBody.model_validate_json(signed_body)
        except ValidationError as e:
            raise CommandRefused(f"signed body is not a command: {e.errors()[0]['msg']}") from None
        if body.kiosk_id != self.kiosk_id or body.store != self.store:
            raise CommandRefused(
                f"addressed to {body.store}/{body.kiosk_id}, this is {self.store}/{self.kiosk_id}"
            )
        now = self.wall()
        if (body.issued_at - now).total_seconds() > self.config.max_clock_skew_s:
            raise CommandRefused(f"issued in the future ({body.issued_at.isoformat()})")
        if body.expires_at <= now:
            raise CommandRefused(f"expired at {body.expires_at.isoformat()}")
        lifetime = (body.expires_at - body.issued_at).total_seconds()
        if lifetime > self.config.max_command_lifetime_s:
            raise CommandRefused(f"valid for {lifetime:.0f}s, more than the kiosk accepts")
        if not self.journal.claim(body.nonce, body.expires_at.timestamp(), now.timestamp()):
            raise CommandRefused(f"replayed: nonce {body.nonce} was already used")
        return body

    # -- actions ------------------------------------------------------------------------

    def _run(self, body: CommandBody) -> Outcome:
        action: Action = body.action
        data: dict[str, JsonValue] = {}
        after: Callable[[], None] | None = None
        try:
            if isinstance(action, LockAction):
                self.hooks.lock(action.reason)
                self.journal.set_state(LOCK_STATE, action.reason or "locked by the fleet")
            elif isinstance(action, UnlockAction):
                self.hooks.unlock()
                self.journal.set_state(LOCK_STATE, None)
            elif isinstance(action, ResendAction):
                data = self.resend(action.from_seq)
            elif isinstance(action, RestartAction):
                reason = action.reason

                def after() -> None:
                    self.hooks.restart(reason)

            elif isinstance(action, PriceChangeAction):
                data = self._operations().change_prices(action.changes)
                self.hooks.catalog_changed()
            elif isinstance(action, CatalogUpdateAction):
                data = self._operations().update_catalog(action.csv)
                self.hooks.catalog_changed()
            elif isinstance(action, ConfigUpdateAction):
                data = self._operations().update_config(action.toml)
        except CommandRefused as e:
            return self._finish(body, None, ResultStatus.REFUSED, str(e))
        except CommandFailed as e:
            return self._finish(body, None, ResultStatus.FAILED, str(e))
        except Exception as e:  # a hook broke: report it, keep the agent running
            logger.exception("command %s failed", action.name)
            return self._finish(body, None, ResultStatus.FAILED, f"{type(e).__name__}: {e}")
        return self._finish(body, None, ResultStatus.OK, "done", data, after)

    def _operations(self) -> Operations:
        if self.operations is None:
            raise CommandFailed("this kiosk does not take catalog or config changes")
        return self.operations

    # -- result -------------------------------------------------------------------------

    def _finish(
        self,
        body: CommandBody | None,
        payload: Payload | None,
        status: ResultStatus,
        detail: str,
        data: dict[str, JsonValue] | None = None,
        after: Callable[[], None] | None = None,
    ) -> Outcome:
        command_id = body.command_id if body else _untrusted_id(payload)
        action = CommandName(body.action.name) if body else None
        self.journal.record(
            str(command_id) if command_id else None,
            action.value if action else None,
            status.value,
            detail,
        )
        if status == ResultStatus.REFUSED:
            logger.warning("refused a command: %s", detail)
        result = CommandResult(
            command_id=command_id,
            kiosk_id=self.kiosk_id,
            action=action,
            status=status,
            detail=detail[:2000],
            data=data or {},
            at=self.wall(),
        )
        return Outcome(result, after)


def _untrusted_id(payload: Payload | None) -> uuid.UUID | None:
    """The command id of a refused command, if readable, so the sender can match the result."""
    if not payload:
        return None
    try:
        signed = SignedCommand.model_validate_json(payload)
        return CommandBody.model_validate_json(signed.body).command_id
    except ValidationError:
        return None
