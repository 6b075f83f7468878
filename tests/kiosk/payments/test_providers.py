"""Simulated card terminal, QR wallet and member wallet: idempotency, faults, refunds."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.checkout.events import PaymentOutcome
from kiosk.payments.base import ChargeRequest, ChargeResult, Fault
from kiosk.payments.member_wallet import MemberWalletProvider
from kiosk.payments.sim_ledger import SimLedger
from kiosk.payments.simulated import SimulatedCardTerminal, SimulatedQrWallet
from kiosk.storage import members
from kiosk.storage.engine import Database


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def charge(
    provider: object, key: str, amount: int = 500, member: str | None = None
) -> list[ChargeResult]:
    got: list[ChargeResult] = []
    provider.begin(ChargeRequest(key, amount, "CNY", member_id=member), got.append)  # type: ignore[attr-defined]
    return got


def test_card_captures_once_per_key(tmp_path: Path) -> None:
    ledger = SimLedger(tmp_path / "acq.db")
    card = SimulatedCardTerminal(ledger)
    first = charge(card, "k1")
    again = charge(card, "k1", amount=999)
    assert [r.outcome for r in first] == [PaymentOutcome.CAPTURED]
    assert again[0].outcome == PaymentOutcome.CAPTURED
    assert again[0].reference == first[0].reference
    assert ledger.captured_total() == 500
    assert len(first[0].card_last4) == 4


@pytest.mark.parametrize(
    ("fault", "answers", "status", "captured"),
    [
        (Fault.DECLINE, [PaymentOutcome.DECLINED], PaymentOutcome.DECLINED, 0),
        (Fault.TIMEOUT, [], PaymentOutcome.FAILED, 0),
        (Fault.LOST_RESPONSE, [], PaymentOutcome.CAPTURED, 500),
        (
            Fault.DUPLICATE_CALLBACK,
            [PaymentOutcome.CAPTURED, PaymentOutcome.CAPTURED],
            PaymentOutcome.CAPTURED,
            500,
        ),
    ],
)
def test_card_faults(
    fault: Fault, answers: list[PaymentOutcome], status: PaymentOutcome, captured: int
) -> None:
    ledger = SimLedger()
    card = SimulatedCardTerminal(ledger)
    card.inject(fault)
    assert [r.outcome for r in charge(card, "k")] == answers
    assert card.status("k").outcome == status
    assert ledger.captured_total() == captured
    assert [r.outcome for r in charge(card, "k2")] == [PaymentOutcome.CAPTURED]  # one fault only


def test_ledger_survives_the_kiosk(tmp_path: Path) -> None:
    card = SimulatedCardTerminal(SimLedger(tmp_path / "acq.db"))
    card.inject(Fault.LOST_RESPONSE)
    charge(card, "k1")
    restarted = SimulatedCardTerminal(SimLedger(tmp_path / "acq.db"))
    assert restarted.status("k1").outcome == PaymentOutcome.CAPTURED


def test_void_and_refunds() -> None:
    card = SimulatedCardTerminal(SimLedger())
    charge(card, "k1", 1000)
    assert card.refund("k1", 400, "r1").outcome == PaymentOutcome.CAPTURED
    assert card.refund("k1", 400, "r1").outcome == PaymentOutcome.CAPTURED  # same refund key: once
    assert card.refund("k1", 700, "r2").outcome == PaymentOutcome.FAILED  # more than is left
    assert card.refund("k1", 600, "r3").outcome == PaymentOutcome.CAPTURED
    charge(card, "k2", 300)
    assert card.void("k2").outcome == PaymentOutcome.CANCELLED
    assert card.status("k2").outcome == PaymentOutcome.CANCELLED


def test_qr_wallet_pending_then_paid_by_the_shopper() -> None:
    clock = Clock()
    wallet = SimulatedQrWallet(SimLedger(), confirm_after_s=None, clock=clock)
    first = charge(wallet, "q1", 800)
    assert first[0].outcome == PaymentOutcome.PENDING
    assert "order=q1" in first[0].prompt
    assert wallet.status("q1").outcome == PaymentOutcome.PENDING
    wallet.confirm("q1")
    assert wallet.status("q1").outcome == PaymentOutcome.CAPTURED


def test_qr_wallet_expires_and_cancels() -> None:
    clock = Clock()
    wallet = SimulatedQrWallet(SimLedger(), confirm_after_s=None, expire_after_s=60, clock=clock)
    charge(wallet, "q1")
    clock.now += 61
    assert wallet.status("q1").outcome == PaymentOutcome.FAILED
    charge(wallet, "q2")
    assert wallet.cancel("q2").outcome == PaymentOutcome.CANCELLED
    wallet.confirm("q2")  # too late: a cancelled order cannot be paid
    assert wallet.status("q2").outcome == PaymentOutcome.CANCELLED


def test_qr_wallet_lost_answer_reports_unknown_then_the_truth() -> None:
    clock = Clock()
    wallet = SimulatedQrWallet(SimLedger(), confirm_after_s=1, clock=clock)
    wallet.inject(Fault.LOST_RESPONSE)
    charge(wallet, "q1")
    assert wallet.status("q1").outcome == PaymentOutcome.UNKNOWN
    clock.now += 3
    assert wallet.status("q1").outcome == PaymentOutcome.CAPTURED


def test_member_wallet(db: Database) -> None:
    member = members.add_member(db, "Li Lei", wallet=1000)
    wallet = MemberWalletProvider(db)
    assert charge(wallet, "w1", 600, member.member_id)[0].outcome == PaymentOutcome.CAPTURED
    assert (
        charge(wallet, "w1", 600, member.member_id)[0].outcome == PaymentOutcome.CAPTURED
    )  # same key
    assert members.get_member(db, member.member_id).wallet_balance == 400  # type: ignore[union-attr]
    declined = charge(wallet, "w2", 600, member.member_id)[0]
    assert declined.outcome == PaymentOutcome.DECLINED
    assert "insufficient" in declined.message
    assert wallet.refund("w1", 200, "r1").outcome == PaymentOutcome.CAPTURED
    assert wallet.void("w1").outcome == PaymentOutcome.CANCELLED
    assert members.get_member(db, member.member_id).wallet_balance == 1000 + 200  # type: ignore[union-attr]
    assert charge(wallet, "w3", 10, None)[0].outcome == PaymentOutcome.FAILED
