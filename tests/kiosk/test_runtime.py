"""The runtime: effects carried out, payment results fed back, crashes recovered."""

from __future__ import annotations

from sqlalchemy import select

from kiosk.assembly import Kiosk, build_kiosk
from kiosk.checkout import events as ev
from kiosk.checkout.events import PaymentMethod
from kiosk.checkout.session import Phase
from kiosk.config import LoadedConfig
from kiosk.payments.base import Fault
from kiosk.payments.simulated import SimulatedCardTerminal
from kiosk.simulator.runner import VirtualClock
from kiosk.storage import payments as intents
from kiosk.storage.check import check
from kiosk.storage.models import OutboxRow, PaymentRow, SaleRow


def shop(k: Kiosk, clock: VirtualClock, method: PaymentMethod = PaymentMethod.CARD) -> None:
    rt = k.runtime
    rt.dispatch(ev.WeightChanged(at=clock.t, grams=0, stable=True))
    rt.dispatch(ev.ItemScanned(at=clock.t, code="5449000039231"))
    rt.dispatch(ev.WeightChanged(at=clock.t, grams=345, stable=True))
    rt.dispatch(ev.PayRequested(at=clock.t, method=method))


def advance(k: Kiosk, clock: VirtualClock, seconds: float) -> None:
    end = clock.t + seconds
    while clock.t < end:
        clock.t += 0.5
        k.runtime.dispatch(ev.Tick(at=clock.t))


def card(k: Kiosk) -> SimulatedCardTerminal:
    provider = k.providers[PaymentMethod.CARD]
    assert isinstance(provider, SimulatedCardTerminal)
    return provider


def sales(k: Kiosk) -> list[SaleRow]:
    with k.db.read() as s:
        return list(s.scalars(select(SaleRow)))


def test_card_sale_is_committed_before_paid(kiosk: Kiosk, clock: VirtualClock) -> None:
    seen: list[tuple[str, int]] = []
    kiosk.runtime.subscribe(lambda state, _: seen.append((state.phase.value, len(sales(kiosk)))))
    shop(kiosk, clock)
    assert kiosk.runtime.state.phase == Phase.PAID
    assert all(count == 1 for phase, count in seen if phase == "paid")
    assert check(kiosk.db).ok


def test_lost_response_resolved_by_asking_never_by_charging_again(
    kiosk: Kiosk, clock: VirtualClock
) -> None:
    card(kiosk).inject(Fault.LOST_RESPONSE)
    shop(kiosk, clock)
    assert kiosk.runtime.state.phase == Phase.PAYING
    advance(kiosk, clock, kiosk.runtime.payment_timeout_s + 2)
    assert kiosk.runtime.state.phase == Phase.PAID
    assert card(kiosk).ledger.captured_total() == 350
    assert len(sales(kiosk)) == 1


def test_duplicate_callback_makes_one_sale(kiosk: Kiosk, clock: VirtualClock) -> None:
    card(kiosk).inject(Fault.DUPLICATE_CALLBACK)
    shop(kiosk, clock)
    assert kiosk.runtime.state.phase == Phase.PAID
    assert len(sales(kiosk)) == 1
    assert check(kiosk.db).ok


def test_timeout_fails_cleanly_and_the_shopper_can_retry(kiosk: Kiosk, clock: VirtualClock) -> None:
    card(kiosk).inject(Fault.TIMEOUT)
    shop(kiosk, clock)
    advance(kiosk, clock, kiosk.runtime.payment_timeout_s + 3)
    assert kiosk.runtime.state.phase == Phase.SHOPPING
    assert kiosk.runtime.state.notice == "payment_failed"
    with kiosk.db.read() as s:
        assert [p.status for p in s.scalars(select(PaymentRow))] == ["failed"]
    kiosk.runtime.dispatch(ev.PayRequested(at=clock.t, method=PaymentMethod.CARD))
    assert kiosk.runtime.state.phase == Phase.PAID


def test_declined_is_recorded(kiosk: Kiosk, clock: VirtualClock) -> None:
    card(kiosk).inject(Fault.DECLINE)
    shop(kiosk, clock)
    assert kiosk.runtime.state.phase == Phase.SHOPPING
    with kiosk.db.read() as s:
        assert [p.status for p in s.scalars(select(PaymentRow))] == ["declined"]
        alerts = [r.payload for r in s.scalars(select(OutboxRow).where(OutboxRow.kind == "alert"))]
    assert any("payment_failure" in a for a in alerts)


def test_qr_wallet_polls_until_paid(kiosk: Kiosk, clock: VirtualClock) -> None:
    shop(kiosk, clock, PaymentMethod.QR_WALLET)
    assert kiosk.runtime.state.phase in (Phase.PAYING, Phase.PAID)
    advance(kiosk, clock, 3)
    assert kiosk.runtime.state.phase == Phase.PAID


def test_crash_after_capture_is_finished_at_restart(
    shipped_config: LoadedConfig, data_dir: object, clock: VirtualClock
) -> None:
    first = build_kiosk(
        shipped_config, clock=clock.monotonic, wall=clock.wall, instant_payments=True
    )
    card(first).inject(Fault.LOST_RESPONSE)  # money taken, answer never arrives: then "crash"
    shop(first, clock)
    assert [i.status for i in intents.unresolved(first.db)] == [intents.Status.PENDING]
    first.close()
    second = build_kiosk(
        shipped_config, clock=clock.monotonic, wall=clock.wall, instant_payments=True
    )
    assert second.runtime.recover() == 1
    assert len(sales(second)) == 1
    assert intents.unresolved(second.db) == []
    assert card(second).ledger.captured_total() == 350
    assert check(second.db).ok
    assert second.runtime.recover() == 0
    second.close()


def test_crash_before_any_charge_closes_the_intent(
    shipped_config: LoadedConfig, data_dir: object, clock: VirtualClock
) -> None:
    first = build_kiosk(
        shipped_config, clock=clock.monotonic, wall=clock.wall, instant_payments=True
    )
    card(first).inject(Fault.TIMEOUT)
    shop(first, clock)
    first.close()
    second = build_kiosk(
        shipped_config, clock=clock.monotonic, wall=clock.wall, instant_payments=True
    )
    assert second.runtime.recover() == 0
    assert sales(second) == []
    with second.db.read() as s:
        assert [p.status for p in s.scalars(select(PaymentRow))] == ["failed"]
    second.close()


def test_commit_failure_voids_the_payment(
    kiosk: Kiosk, clock: VirtualClock, monkeypatch: object
) -> None:
    import kiosk.runtime as runtime_module

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(runtime_module, "commit_sale", broken)  # type: ignore[attr-defined]
    shop(kiosk, clock)
    assert [i.kind.value for i in kiosk.runtime.state.interventions] == ["payment_problem"]
    assert card(kiosk).ledger.captured_total() == 0  # voided
    with kiosk.db.read() as s:
        assert [p.status for p in s.scalars(select(PaymentRow))] == ["voided"]
    assert sales(kiosk) == []


def test_member_card_lookup(kiosk: Kiosk, clock: VirtualClock) -> None:
    from kiosk.storage import members

    m = members.add_member(kiosk.db, "Li Lei", member_id="M7", points=120)
    kiosk.runtime.dispatch(ev.ItemScanned(at=1, code="MEMBER:M7"))
    assert kiosk.runtime.state.member is not None
    assert kiosk.runtime.state.member.points_balance == m.points_balance
    kiosk.runtime.dispatch(ev.ItemScanned(at=2, code="MEMBER:nobody"))
    assert kiosk.runtime.state.member.member_id == "M7"


def test_threaded_loop_processes_posted_events(kiosk: Kiosk) -> None:
    import threading

    done = threading.Event()
    kiosk.runtime.subscribe(lambda state, _: state.active_lines and done.set())
    kiosk.runtime.start(tick_s=0.05)
    kiosk.runtime.post(ev.ItemScanned(at=0, code="5449000039231"))
    assert done.wait(5)
    kiosk.runtime.stop()
    assert kiosk.runtime.state.active_lines[0].gtin == "05449000039231"
