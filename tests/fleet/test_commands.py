"""Signed commands on the kiosk: carried out once; forged, stale, replayed, misaddressed
and over-long commands refused and journalled; over real MQTT with results on cmd/ack."""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fleet.agent.commands import CommandProcessor
from fleet.agent.config import AgentConfig
from fleet.agent.hooks import AppHooks
from fleet.agent.journal import Journal
from fleet.manager.commands import CommandSender
from fleet.messages.commands import (
    CommandBody,
    LockAction,
    ResultStatus,
    UnlockAction,
)
from fleet.signing import Signer, Verifier, generate_keypair, load_private_key, load_public_key
from fleet.store.models import CommandRow, CommandStatus, KioskRow

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class Calls:
    def __init__(self) -> None:
        self.log: list[tuple[str, Any]] = []

    def hooks(self) -> AppHooks:
        return AppHooks(
            lock=lambda r: self.log.append(("lock", r)),
            unlock=lambda: self.log.append(("unlock", None)),
            restart=lambda r: self.log.append(("restart", r)),
        )


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Signer, Verifier, Signer]:
    generate_keypair(tmp_path / "a.key", tmp_path / "a.pub")
    generate_keypair(tmp_path / "b.key", tmp_path / "b.pub")
    return (
        Signer(load_private_key(tmp_path / "a.key")),
        Verifier([load_public_key(tmp_path / "a.pub")]),
        Signer(load_private_key(tmp_path / "b.key")),  # an attacker's key
    )


def body(**over: Any) -> CommandBody:
    values: dict[str, Any] = {
        "command_id": uuid.uuid4(),
        "nonce": secrets.token_hex(16),
        "store": "s1",
        "kiosk_id": "k1",
        "issued_at": NOW,
        "expires_at": NOW + timedelta(minutes=5),
        "issued_by": "test",
        "action": LockAction(reason="audit"),
    }
    return CommandBody(**{**values, **over})


@pytest.fixture
def processor(tmp_path: Path, keys: tuple[Signer, Verifier, Signer]) -> Callable[..., Any]:
    def make(calls: Calls, now: datetime = NOW) -> CommandProcessor:
        return CommandProcessor(
            store="s1",
            kiosk_id="k1",
            verifier=keys[1],
            journal=Journal(tmp_path / "journal.db"),
            config=AgentConfig(),
            hooks=calls.hooks(),
            resend=lambda seq: {"from": seq},
            wall=lambda: now,
        )

    return make


def test_a_good_command_runs_once_and_a_replay_is_refused(processor, keys) -> None:
    calls = Calls()
    proc = processor(calls)
    payload = keys[0].sign(body()).to_json()
    first = proc.handle(payload).result
    assert first.status == ResultStatus.OK
    assert calls.log == [("lock", "audit")]
    assert proc.locked
    again = proc.handle(payload).result
    assert again.status == ResultStatus.REFUSED
    assert "replayed" in again.detail
    assert calls.log == [("lock", "audit")]


def test_the_nonce_survives_a_restart(processor, keys) -> None:
    payload = keys[0].sign(body()).to_json()
    assert processor(Calls()).handle(payload).result.status == ResultStatus.OK
    calls = Calls()
    later = processor(calls, NOW + timedelta(minutes=1))  # new process, same journal file
    assert later.handle(payload).result.status == ResultStatus.REFUSED
    assert calls.log == []
    later.restore()  # and the kiosk comes back locked
    assert calls.log == [("lock", "audit")]


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (lambda: body(expires_at=NOW - timedelta(seconds=1)), "expired"),
        (
            lambda: body(
                issued_at=NOW + timedelta(hours=1), expires_at=NOW + timedelta(hours=1, minutes=5)
            ),
            "future",
        ),
        (lambda: body(kiosk_id="k2"), "addressed to s1/k2"),
        (lambda: body(store="s9"), "addressed to s9/k1"),
        (lambda: body(expires_at=NOW + timedelta(days=1)), "more than the kiosk accepts"),
    ],
)
def test_stale_misaddressed_and_overlong_commands_are_refused(
    processor, keys, command, reason
) -> None:
    calls = Calls()
    proc = processor(calls)
    sent = command()
    result = proc.handle(keys[0].sign(sent).to_json()).result
    assert result.status == ResultStatus.REFUSED
    assert reason in result.detail
    assert result.command_id == sent.command_id
    assert calls.log == []
    journal = proc.journal.recent(1)[0]
    assert (journal.status, journal.command_id) == ("refused", str(sent.command_id))


def test_forged_and_tampered_commands_are_refused(processor, keys) -> None:
    calls = Calls()
    proc = processor(calls)
    forged = keys[2].sign(body())  # signed with a key the kiosk does not trust
    assert "unknown key" in proc.handle(forged.to_json()).result.detail
    genuine = keys[0].sign(body(action=UnlockAction()))
    tampered = genuine.model_copy(
        update={"body": genuine.body.replace('"unlock"', '"lock","reason":""')}
    )
    result = proc.handle(tampered.to_json()).result
    assert result.status == ResultStatus.REFUSED
    assert "does not match" in result.detail
    bad_sig = genuine.model_copy(update={"signature": base64.b64encode(b"x" * 64).decode()})
    assert "does not match" in proc.handle(bad_sig.to_json()).result.detail
    assert "unreadable" in proc.handle(b"\x00\xffnot json").result.detail
    assert calls.log == []
    assert [e.status for e in proc.journal.recent(10)] == ["refused"] * 4


def test_a_failing_hook_is_reported_not_raised(processor, keys, tmp_path: Path) -> None:
    def broken(_reason: str) -> None:
        raise RuntimeError("screen driver gone")

    proc = processor(Calls())
    proc.hooks = AppHooks(lock=broken)
    result = proc.handle(keys[0].sign(body()).to_json()).result
    assert result.status == ResultStatus.FAILED
    assert "screen driver gone" in result.detail
    assert not proc.locked


def test_lock_over_mqtt_with_the_result_in_the_command_log(harness, wait) -> None:
    h = harness()
    h.start_worker()
    calls = Calls()
    agent = h.agent("k1", hooks=calls.hooks())
    wait(lambda: agent.connected, what="agent connected")
    wait(lambda: _kiosk_known(h, "k1"), what="kiosk known to the fleet")
    sender = CommandSender(
        h.db,
        h.signer,
        h.topics,
        lambda t, p: h.workers[0].client.publish(t, p, qos=1),
        ttl_s=60,
    )
    sent = sender.send("k1", LockAction(reason="cleaning"), issued_by="op")
    wait(lambda: calls.log == [("lock", "cleaning")], what="lock hook")
    row = wait(lambda: _settled(h, str(sent.command_id)), what="result stored")
    assert row.status == CommandStatus.OK.value
    assert wait(lambda: _locked(h, "k1"), what="kiosk marked locked")


def _kiosk_known(h: Any, kiosk: str) -> bool:
    with h.db.read() as s:
        return s.get(KioskRow, kiosk) is not None


def _settled(h: Any, command_id: str) -> CommandRow | None:
    with h.db.read() as s:
        row = s.get(CommandRow, command_id)
        return row if row is not None and row.status != CommandStatus.SENT.value else None


def _locked(h: Any, kiosk: str) -> bool:
    with h.db.read() as s:
        row = s.get(KioskRow, kiosk)
        return bool(row and row.locked)


def test_staff_unlock_at_the_kiosk_lifts_the_fleet_lock_for_good(processor, keys) -> None:
    proc = processor(Calls())
    assert proc.handle(keys[0].sign(body()).to_json()).result.status == ResultStatus.OK
    assert proc.lift_locally("S01") is True
    assert not proc.locked
    assert proc.lift_locally("S01") is False  # nothing left to lift
    assert any(e.status == "local" and "S01" in e.detail for e in proc.journal.recent())
    calls = Calls()
    processor(calls, NOW + timedelta(minutes=1)).restore()  # restarted: stays open
    assert calls.log == []
