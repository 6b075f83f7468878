"""The session state machine: shopping, interventions, staff, payment, timeouts."""

from __future__ import annotations

from kiosk.checkout import effects as fx
from kiosk.checkout import events as ev
from kiosk.checkout.catalog import SoldBy
from kiosk.checkout.interventions import InterventionKind
from kiosk.checkout.session import Checkout, CheckoutMachine, Phase, SessionSettings, State
from tests.kiosk.builders import machine_for, product

COLA = product("5449000039231", 350, unit_weight_g=345)
WINE = product("8410054010412", 9800, unit_weight_g=1290, min_age=18)
WATER = product("6901234567892", 1990, unit_weight_g=9200, not_bagged=True)
BANANA = product("2004011000002", 698, sold_by=SoldBy.WEIGHT, unit_weight_g=None, plu="4011")


class Driver:
    """Feeds events with a clock and remembers every effect."""

    def __init__(self, machine: CheckoutMachine) -> None:
        self.m = machine
        self.s: Checkout = machine.initial()
        self.t = 0.0
        self.effects: list[fx.Effect] = []

    def __call__(
        self, event_type: type[ev.Event], dt: float = 1.0, **fields: object
    ) -> list[fx.Effect]:
        self.t += dt
        step = self.m.step(self.s, event_type(at=self.t, **fields))  # type: ignore[call-arg]
        self.s = step.state
        self.effects.extend(step.effects)
        return list(step.effects)

    def bag(self, grams: int) -> list[fx.Effect]:
        # the bagging check waits for the weight to hold (confirm and removal windows)
        effects = self(ev.WeightChanged, grams=grams, stable=True)
        return effects + self(ev.Tick, dt=self.m.ctx.bagging.removal_confirm_s)

    def kinds(self) -> list[str]:
        return [i.kind.value for i in self.s.interventions]

    def staff(self) -> None:
        self(ev.StaffSignedIn, staff_id="s1", name="Ann")


def driver(**kw: object) -> Driver:
    d = Driver(machine_for([COLA, WINE, WATER, BANANA], **kw))
    d.bag(0)
    return d


def test_first_scan_starts_a_session_and_adds_a_line() -> None:
    d = driver()
    d(ev.ItemScanned, code="5449000039231")
    assert d.s.state == State.SHOPPING
    assert d.s.session_id == "id-1"
    assert [(ln.gtin, ln.quantity) for ln in d.s.active_lines] == [(COLA.gtin, 1)]
    d(ev.ItemScanned, code="5449000039231")
    assert d.s.active_lines[0].quantity == 2


def test_unknown_and_invalid_barcodes_notify_and_alert_without_adding() -> None:
    d = driver()
    effects = d(ev.ItemScanned, code="4000539017100")
    assert d.s.active_lines == ()
    assert any(isinstance(e, fx.Notify) and e.key == "barcode_not_recognised" for e in effects)
    assert any(isinstance(e, fx.Alert) and e.kind == "unknown_barcode" for e in effects)
    d(ev.ItemScanned, code="5449000039232")
    assert d.s.notice == "barcode_not_recognised"


def test_bagging_clears_pending_and_pay_waits_for_it() -> None:
    d = driver()
    d(ev.ItemScanned, code="5449000039231")
    d(ev.PayRequested, method=ev.PaymentMethod.CARD)
    assert d.s.notice == "bag_items_first"
    assert d.s.phase == Phase.SHOPPING
    d.bag(347)
    d(ev.PayRequested, method=ev.PaymentMethod.CARD)
    assert d.s.phase == Phase.PAYING


def test_not_bagged_items_are_not_expected_on_the_scale() -> None:
    d = driver()
    d(ev.ItemScanned, code="6901234567892")
    d(ev.PayRequested, method=ev.PaymentMethod.CARD)
    assert d.s.phase == Phase.PAYING


def test_unexpected_item_opens_and_clears_when_removed() -> None:
    d = driver()
    d(ev.ItemScanned, code="5449000039231")
    d.bag(345)
    effects = d.bag(345 + 500)
    assert d.s.state == State.INTERVENTION
    assert d.kinds() == ["unexpected_item"]
    assert any(isinstance(e, fx.CallStaff) for e in effects)
    d(ev.ItemScanned, code="5449000039231")  # scanning is held meanwhile
    assert d.s.active_lines[0].quantity == 1
    d.bag(345)
    assert d.s.state == State.SHOPPING
    assert d.kinds() == []


def test_item_removed_from_the_bag() -> None:
    d = driver()
    d(ev.ItemScanned, code="5449000039231")
    d.bag(345)
    d.bag(0)
    assert d.kinds() == ["item_removed"]


def test_heavier_item_than_scanned_is_a_mismatch_and_staff_can_accept() -> None:
    d = driver()
    d(ev.ItemScanned, code="5449000039231")
    d.bag(1290)
    assert d.kinds() == ["weight_mismatch"]
    d(ev.StaffResolve, intervention_id=d.s.interventions[0].id)
    assert d.kinds() == ["weight_mismatch"]  # nobody signed in: nothing happens
    d.staff()
    d(ev.StaffResolve, intervention_id=d.s.interventions[0].id)
    assert d.kinds() == []
    assert any(
        isinstance(e, fx.Audit) and e.action == "resolve_weight_mismatch" and e.staff_id == "s1"
        for e in d.effects
    )
    d(ev.PayRequested, method=ev.PaymentMethod.CARD)
    assert d.s.phase == Phase.PAYING


def test_own_bag_is_accepted_once_before_the_first_item() -> None:
    d = driver()
    d(ev.StartShopping)
    d.bag(40)
    assert d.kinds() == []
    d(ev.ItemScanned, code="5449000039231")
    d.bag(40 + 345)
    assert d.kinds() == []


def test_not_bagged_prompt_after_grace() -> None:
    d = driver()
    d(ev.ItemScanned, code="5449000039231")
    d(ev.Tick, dt=11)
    assert d.kinds() == ["not_bagged"]
    d.bag(344)
    assert d.kinds() == []


def test_age_check_lets_scanning_go_on_but_blocks_payment_until_staff_approve() -> None:
    d = driver()
    d(ev.ItemScanned, code="8410054010412")
    d.bag(1290)
    assert d.kinds() == ["age_check"]
    assert d.s.state == State.SHOPPING
    d(ev.ItemScanned, code="5449000039231")
    d.bag(1290 + 345)
    d(ev.PayRequested, method=ev.PaymentMethod.CARD)
    assert d.s.state == State.INTERVENTION
    d.staff()
    d(ev.StaffResolve, intervention_id=d.s.interventions[0].id, action=ev.StaffAction.APPROVE)
    assert d.s.age_verified == 18
    assert d.s.approvals == (("age", "s1"),)
    d(ev.PayRequested, method=ev.PaymentMethod.CARD)
    assert d.s.phase == Phase.PAYING
    assert d.s.sale is not None
    assert d.s.sale.approvals == (("age", "s1"),)


def test_age_check_rejected_voids_restricted_lines() -> None:
    d = driver()
    d(ev.ItemScanned, code="8410054010412")
    d.staff()
    d(ev.StaffResolve, intervention_id=d.s.interventions[0].id, action=ev.StaffAction.REJECT)
    assert d.s.active_lines == ()


def test_void_request_needs_staff_and_expects_the_item_out_of_the_bag() -> None:
    d = driver()
    d(ev.ItemScanned, code="5449000039231")
    d.bag(345)
    line = d.s.active_lines[0].line_id
    d(ev.VoidRequested, line_id=line)
    assert d.s.state == State.INTERVENTION
    d.staff()
    d(ev.StaffResolve, intervention_id=d.s.interventions[0].id)
    assert d.s.active_lines == ()
    d.bag(0)  # the shopper takes it out: expected, no alarm
    assert d.kinds() == []


def test_cancel_with_empty_cart_ends_at_once_with_items_needs_staff() -> None:
    d = driver()
    d(ev.StartShopping)
    effects = d(ev.CancelRequested)
    assert d.s.phase == Phase.IDLE
    assert any(isinstance(e, fx.SessionEnded) and e.reason == "cancelled" for e in effects)
    d(ev.ItemScanned, code="5449000039231")
    d(ev.CancelRequested)
    assert d.kinds() == ["staff_void"]
    d.staff()
    d(ev.StaffResolve, intervention_id=d.s.interventions[0].id)
    assert d.s.phase == Phase.IDLE


def test_produce_needs_a_stable_reading() -> None:
    d = driver()
    d(ev.ProduceWeighed, gtin=BANANA.gtin, grams=1200, stable=False)
    assert d.s.active_lines == ()
    d(ev.ProduceWeighed, gtin=BANANA.gtin, grams=1200, stable=True, overload=True)
    assert d.s.active_lines == ()
    d(ev.ProduceWeighed, gtin=BANANA.gtin, grams=1234, stable=True)
    assert d.s.active_lines[0].grams == 1234
    assert d.m.price(d.s).total == 861
    d(ev.ItemScanned, code=BANANA.gtin)  # scanning a by-weight GTIN asks for the scale
    assert d.s.notice == "weigh_at_produce_scale"


def test_scale_offline_holds_the_sale_until_it_returns() -> None:
    d = driver()
    d(ev.ItemScanned, code="5449000039231")
    effects = d(ev.ScaleStatus, online=False, detail="unplugged")
    assert d.s.state == State.INTERVENTION
    assert any(isinstance(e, fx.Alert) and e.kind == "device_fault" for e in effects)
    d(ev.ItemScanned, code="5449000039231")
    assert d.s.active_lines[0].quantity == 1
    d(ev.ScaleStatus, online=True)
    assert d.kinds() == []


def test_shelf_picks_and_put_backs() -> None:
    d = driver()
    d(ev.ShelfPicked, gtin=COLA.gtin, quantity=3, confidence=0.95)
    assert d.s.active_lines[0].quantity == 3
    d(ev.ShelfReturned, gtin=COLA.gtin, quantity=1)
    assert d.s.active_lines[0].quantity == 2
    d(ev.PayRequested, method=ev.PaymentMethod.CARD)  # shelf items are not weighed in a bag
    assert d.s.phase == Phase.PAYING


def paid_driver() -> Driver:
    d = driver()
    d(ev.ItemScanned, code="5449000039231")
    d.bag(345)
    d(ev.PayRequested, method=ev.PaymentMethod.CARD)
    return d


def test_payment_captured_commits_before_paid() -> None:
    d = paid_driver()
    start = next(e for e in d.effects if isinstance(e, fx.StartPayment))
    assert start.amount == 350
    effects = d(
        ev.PaymentResult,
        key=start.key,
        outcome=ev.PaymentOutcome.CAPTURED,
        card_last4="4111111111114242",
    )
    commit = next(e for e in effects if isinstance(e, fx.CommitSale))
    assert commit.sale.payment is not None
    assert commit.sale.payment.card_last4 == "4242"
    assert d.s.phase == Phase.PAYING  # not paid until the commit is durable
    d(ev.SaleCommitted, sale_id=commit.sale.sale_id)
    assert d.s.state == State.PAID
    d(ev.ReceiptChosen, kind=ev.ReceiptKind.QR)
    assert d.s.state == State.RECEIPT
    d(ev.Tick, dt=25)
    assert d.s.state == State.IDLE


def test_declined_returns_to_shopping_and_alerts() -> None:
    d = paid_driver()
    key = d.s.payment.key if d.s.payment else ""
    effects = d(ev.PaymentResult, key=key, outcome=ev.PaymentOutcome.DECLINED)
    assert d.s.phase == Phase.SHOPPING
    assert d.s.notice == "payment_declined"
    assert any(isinstance(e, fx.Alert) and e.kind == "payment_failure" for e in effects)


def test_unknown_outcome_asks_about_the_key_and_never_charges_again() -> None:
    d = paid_driver()
    key = d.s.payment.key if d.s.payment else ""
    effects = d(ev.PaymentResult, key=key, outcome=ev.PaymentOutcome.UNKNOWN)
    assert [type(e).__name__ for e in effects if not isinstance(e, fx.Notify)] == ["QueryPayment"]
    assert not any(isinstance(e, fx.StartPayment) for e in effects)


def test_duplicate_and_stale_results_are_ignored() -> None:
    d = paid_driver()
    key = d.s.payment.key if d.s.payment else ""
    first = d(ev.PaymentResult, key=key, outcome=ev.PaymentOutcome.CAPTURED)
    second = d(ev.PaymentResult, key=key, outcome=ev.PaymentOutcome.CAPTURED)
    stale = d(ev.PaymentResult, key="another", outcome=ev.PaymentOutcome.CAPTURED)
    assert sum(isinstance(e, fx.CommitSale) for e in first + second + stale) == 1
    assert any(isinstance(e, fx.Audit) and e.action == "duplicate_payment_result" for e in second)
    assert any(isinstance(e, fx.Audit) and e.action == "stale_payment_result" for e in stale)


def test_commit_failure_voids_the_payment_and_calls_staff() -> None:
    d = paid_driver()
    key = d.s.payment.key if d.s.payment else ""
    effects = d(ev.PaymentResult, key=key, outcome=ev.PaymentOutcome.CAPTURED)
    sale = next(e for e in effects if isinstance(e, fx.CommitSale)).sale
    effects = d(ev.SaleCommitFailed, sale_id=sale.sale_id, reason="disk full")
    assert any(isinstance(e, fx.VoidPayment) and e.key == key for e in effects)
    assert d.kinds() == ["payment_problem"]


def test_points_cover_the_whole_amount() -> None:
    d = driver()
    d(ev.MemberIdentified, member_id="m1", display_name="Li Lei", points_balance=1000)
    d(ev.ItemScanned, code="5449000039231")
    d.bag(345)
    d(ev.RedeemPoints, points=600)
    effects = d(ev.PayRequested, method=ev.PaymentMethod.CARD)
    commit = next(e for e in effects if isinstance(e, fx.CommitSale))
    assert commit.sale.payment is not None
    assert commit.sale.payment.method == ev.PaymentMethod.POINTS
    assert commit.sale.points_redeemed == 350


def test_redeem_needs_member_and_balance() -> None:
    d = driver()
    d(ev.ItemScanned, code="5449000039231")
    d(ev.RedeemPoints, points=500)
    assert d.s.points_to_redeem == 0
    d(ev.MemberIdentified, member_id="m1", display_name="Li Lei", points_balance=300)
    d(ev.RedeemPoints, points=500)
    assert d.s.points_to_redeem == 0
    d(ev.RedeemPoints, points=200)
    assert d.s.points_to_redeem == 200


def test_inactivity_warns_then_clears() -> None:
    d = driver(settings=SessionSettings(inactivity_warning_s=60, inactivity_clear_s=30))
    d(ev.ItemScanned, code="5449000039231")
    d.bag(345)
    d(ev.Tick, dt=61)
    assert d.s.notice == "still_there"
    assert d.s.warned
    d(ev.HelpRequested, dt=1)  # any touch resets it
    assert not d.s.warned
    d(ev.StaffSignedIn, staff_id="s1", name="Ann")
    d(ev.StaffResolve, intervention_id=d.s.interventions[0].id)
    effects = d(ev.Tick, dt=95)
    assert d.s.phase == Phase.IDLE
    ended = next(e for e in effects if isinstance(e, fx.SessionEnded))
    assert (ended.reason, ended.items, ended.value) == ("abandoned", 1, 350)


def test_timer_waits_while_staff_are_called() -> None:
    d = driver(settings=SessionSettings(inactivity_warning_s=60, inactivity_clear_s=30))
    d(ev.ItemScanned, code="5449000039231")
    d(ev.HelpRequested)
    d(ev.Tick, dt=200)
    assert d.s.phase == Phase.SHOPPING


def test_quantity_limit() -> None:
    d = driver(settings=SessionSettings(max_line_quantity=2))
    for _ in range(3):
        d(ev.ItemScanned, code="5449000039231")
    assert d.s.active_lines[0].quantity == 2
    assert any(isinstance(e, fx.Notify) and e.key == "quantity_limit" for e in d.effects)


def test_every_intervention_kind_and_notice_has_words() -> None:
    import re
    from pathlib import Path

    from kiosk.messages import MESSAGES

    source = Path(__file__).resolve().parents[3] / "kiosk" / "checkout" / "session.py"
    keys = set(re.findall(r'notice\("(\w+)"\)', source.read_text()))
    keys |= {k.value for k in InterventionKind}
    assert len(keys) > 20, "found too few notices in session.py"
    assert sorted(keys - set(MESSAGES)) == []


def test_face_pay_needs_verification_and_respects_the_limit() -> None:
    d = driver(face_max_amount=500)
    d(ev.ItemScanned, code="5449000039231")
    d.bag(345)
    d(ev.MemberIdentified, member_id="m1", display_name="Li Lei", points_balance=0)
    d(ev.PayRequested, method=ev.PaymentMethod.FACE)
    assert d.s.phase == Phase.SHOPPING  # a member card is not a face
    assert any(isinstance(e, fx.Notify) and e.key == "face_not_verified" for e in d.effects)
    d(ev.FaceVerified, member_id="m1", display_name="Li Lei", points_balance=0)
    assert d.s.face_verified
    d(ev.ItemScanned, code="5449000039231")
    d.bag(690)
    d(ev.PayRequested, method=ev.PaymentMethod.FACE)
    assert d.s.notice == "face_pay_limit"  # 7.00 is above the 5.00 limit
    d.staff()
    d(ev.StaffVoidLine, line_id=d.s.active_lines[0].line_id, quantity=1)
    d.bag(345)
    d(ev.PayRequested, method=ev.PaymentMethod.FACE)
    assert d.s.phase == Phase.PAYING
    start = next(e for e in d.effects if isinstance(e, fx.StartPayment))
    assert start.method == ev.PaymentMethod.FACE
    assert start.sale.member_id == "m1"


def test_another_member_after_a_face_is_not_face_verified() -> None:
    d = driver(face_max_amount=10_000)
    d(ev.ItemScanned, code="5449000039231")
    d(ev.FaceVerified, member_id="m1", display_name="Li Lei", points_balance=0)
    d(ev.MemberIdentified, member_id="m2", display_name="Han Meimei", points_balance=0)
    assert not d.s.face_verified
