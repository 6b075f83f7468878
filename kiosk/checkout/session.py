"""The checkout session: a pure state machine from events to a new state plus effects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kiosk.checkout import bagging
from kiosk.checkout import effects as fx
from kiosk.checkout import events as ev
from kiosk.checkout.bagging import BaggingRules, BaggingState, Verdict
from kiosk.checkout.cart import CartLine, LineSource, active, add_line, line_for, void_line
from kiosk.checkout.catalog import Catalog, Currency, Product, SoldBy
from kiosk.checkout.codes import (
    CodeRules,
    CouponCode,
    InvalidCode,
    MemberCode,
    ProductCode,
    VariableMeasureCode,
    classify,
)
from kiosk.checkout.interventions import (
    WEIGHT_KINDS,
    Intervention,
    InterventionKind,
    make_blocking,
    open_intervention,
)
from kiosk.checkout.pricing import PricedCart, price_cart
from kiosk.checkout.rules import PricingRules
from kiosk.checkout.sale import SaleDraft, SalePayment, draft_from


def notice(key: str) -> str:
    """A shopper notice id; kiosk/messages.py holds its words (a test checks each one has)."""
    return key


class SessionSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    inactivity_warning_s: float = Field(default=90, ge=5, le=3600)
    inactivity_clear_s: float = Field(
        default=30, ge=5, le=3600, description="after the warning, before the cart is cleared"
    )
    receipt_timeout_s: float = Field(default=20, ge=3, le=600)
    max_line_quantity: int = Field(default=99, ge=1, le=10_000)
    shelf_min_confidence: float = Field(default=0.8, ge=0, le=1)
    default_language: str = Field(default="en", pattern=r"^(en|zh_CN)$")


class Phase(StrEnum):
    IDLE = "idle"
    SHOPPING = "shopping"
    PAYING = "paying"
    PAID = "paid"
    RECEIPT = "receipt"


class State(StrEnum):
    """What the screens show; INTERVENTION is SHOPPING with something blocking it."""

    IDLE = "idle"
    SHOPPING = "shopping"
    INTERVENTION = "intervention"
    PAYING = "paying"
    PAID = "paid"
    RECEIPT = "receipt"


@dataclass(frozen=True)
class Member:
    member_id: str
    display_name: str
    points_balance: int


@dataclass(frozen=True)
class Staff:
    staff_id: str
    name: str


@dataclass(frozen=True)
class PaymentAttempt:
    key: str
    method: ev.PaymentMethod
    amount: int
    outcome: ev.PaymentOutcome | None = None
    prompt: str = ""


@dataclass(frozen=True)
class Checkout:
    phase: Phase = Phase.IDLE
    session_id: str = ""
    language: str = "en"
    lines: tuple[CartLine, ...] = ()
    next_line_id: int = 1
    interventions: tuple[Intervention, ...] = ()
    next_intervention_id: int = 1
    member: Member | None = None
    face_verified: bool = False  # the member was identified by face (with its second factor)
    coupons: tuple[str, ...] = ()
    points_to_redeem: int = 0
    age_verified: int = 0
    approvals: tuple[tuple[str, str], ...] = ()
    bag: BaggingState = field(default_factory=BaggingState)
    staff: Staff | None = None
    payment: PaymentAttempt | None = None
    sale: SaleDraft | None = None
    last_activity: float = 0.0
    warned: bool = False
    notice: str = ""  # the last message for the shopper (msgid)

    @property
    def state(self) -> State:
        if self.phase == Phase.SHOPPING and any(i.blocking for i in self.interventions):
            return State.INTERVENTION
        return State(self.phase.value)

    @property
    def active_lines(self) -> tuple[CartLine, ...]:
        return active(self.lines)

    def intervention(self, intervention_id: int) -> Intervention | None:
        return next((i for i in self.interventions if i.id == intervention_id), None)


@dataclass(frozen=True)
class Transition:
    state: Checkout
    effects: tuple[fx.Effect, ...] = ()


@dataclass(frozen=True)
class CheckoutContext:
    """What the session reads but never changes. `new_id` and `clock` are injected."""

    catalog: Catalog
    rules: PricingRules
    currency: Currency
    codes: CodeRules = field(default_factory=CodeRules)
    settings: SessionSettings = field(default_factory=SessionSettings)
    bagging: BaggingRules = field(default_factory=BaggingRules)
    face_max_amount: int | None = (
        None  # largest face-pay purchase (minor units); None = no face pay
    )
    new_id: Callable[[], str] = field(default=lambda: "id")
    clock: Callable[[], datetime] = field(default=datetime.now)


SHOPPER_EVENTS = (
    ev.StartShopping,
    ev.ItemScanned,
    ev.ProduceWeighed,
    ev.ShelfPicked,
    ev.ShelfReturned,
    ev.RedeemPoints,
    ev.HelpRequested,
    ev.VoidRequested,
    ev.CancelRequested,
    ev.PayRequested,
    ev.ReceiptChosen,
)


class CheckoutMachine:
    """`step(state, event)` returns the next state and what to do; nothing else changes."""

    def __init__(self, ctx: CheckoutContext) -> None:
        self.ctx = ctx
        self._handlers: dict[type[ev.Event], Callable[[Checkout, Any], Transition]] = {
            ev.StartShopping: self._start,
            ev.ItemScanned: self._scanned,
            ev.ProduceWeighed: self._produce,
            ev.WeightChanged: self._weight,
            ev.ScaleStatus: self._scale_status,
            ev.ShelfPicked: self._shelf_picked,
            ev.ShelfReturned: self._shelf_returned,
            ev.MemberIdentified: self._member,
            ev.FaceVerified: self._face_verified,
            ev.RedeemPoints: self._redeem,
            ev.HelpRequested: self._help,
            ev.VoidRequested: self._void_requested,
            ev.CancelRequested: self._cancel_requested,
            ev.PayRequested: self._pay,
            ev.PaymentResult: self._payment_result,
            ev.PaymentCancelRequested: self._payment_cancel,
            ev.SaleCommitted: self._committed,
            ev.SaleCommitFailed: self._commit_failed,
            ev.ReceiptChosen: self._receipt_chosen,
            ev.ReceiptDone: self._receipt_done,
            ev.StaffSignedIn: self._staff_in,
            ev.StaffSignedOut: self._staff_out,
            ev.StaffResolve: self._staff_resolve,
            ev.StaffVoidLine: self._staff_void,
            ev.StaffCancelSale: self._staff_cancel,
            ev.Tick: self._tick,
        }

    # -- entry points -------------------------------------------------------------------

    def initial(self) -> Checkout:
        return Checkout(language=self.ctx.settings.default_language)

    def step(self, state: Checkout, event: ev.Event) -> Transition:
        handler = self._handlers.get(type(event))
        if handler is None:
            raise TypeError(f"the session does not handle {type(event).__name__}")
        if isinstance(event, SHOPPER_EVENTS):
            state = replace(state, last_activity=event.at, warned=False)
        return handler(state, event)

    def price(self, state: Checkout) -> PricedCart:
        return price_cart(
            state.lines,
            self.ctx.rules,
            self.ctx.currency,
            member=state.member is not None,
            coupons=state.coupons,
            points_to_redeem=state.points_to_redeem,
            now=self.ctx.clock(),
        )

    # -- helpers ------------------------------------------------------------------------

    def _begin(self, s: Checkout, at: float, language: str | None = None) -> Checkout:
        return Checkout(
            phase=Phase.SHOPPING,
            session_id=self.ctx.new_id(),
            language=language or s.language or self.ctx.settings.default_language,
            bag=bagging.start(s.bag),
            last_activity=at,
        )

    def _idle(self, s: Checkout) -> Checkout:
        return Checkout(language=self.ctx.settings.default_language, bag=s.bag)

    def _open(
        self,
        s: Checkout,
        kind: InterventionKind,
        at: float,
        *,
        line_id: int | None = None,
        detail: dict[str, str] | None = None,
    ) -> Transition:
        items, new = open_intervention(
            s.interventions, s.next_intervention_id, kind, at, line_id=line_id, detail=detail
        )
        if new is None:
            return Transition(s)
        s = replace(s, interventions=items, next_intervention_id=s.next_intervention_id + 1)
        effects: list[fx.Effect] = []
        if new.staff_needed:
            effects.append(fx.CallStaff(new))
            effects.append(fx.Alert(kind.value, "warning", {"session": s.session_id, **new.detail}))
        effects.append(fx.Notify(kind.value))
        return Transition(s, tuple(effects))

    def _close(self, s: Checkout, kinds: set[InterventionKind]) -> Transition:
        closing = [i for i in s.interventions if i.kind in kinds]
        if not closing:
            return Transition(s)
        s = replace(s, interventions=tuple(i for i in s.interventions if i.kind not in kinds))
        return Transition(s, tuple(fx.StaffNoLongerNeeded(i) for i in closing if i.staff_needed))

    def _blocked(self, s: Checkout) -> Transition | None:
        if s.state == State.INTERVENTION:
            return Transition(
                replace(s, notice=notice("resolve_first")), (fx.Notify(notice("resolve_first")),)
            )
        return None

    def _add(self, s: Checkout, product: Product, at: float, **kwargs: Any) -> Transition:
        new = line_for(product, s.next_line_id, **kwargs)
        existing = next(
            (ln for ln in s.active_lines if ln.gtin == new.gtin and ln.per_unit and new.per_unit),
            None,
        )
        if existing and existing.quantity + new.quantity > self.ctx.settings.max_line_quantity:
            return Transition(s, (fx.Notify(notice("quantity_limit")),))
        lines, line = add_line(s.lines, new)
        s = replace(s, lines=lines, next_line_id=s.next_line_id + 1, notice=notice("item_added"))
        effects: list[fx.Effect] = [fx.Notify(notice("item_added"), {"gtin": product.gtin})]
        weight = new.bag_weight_g
        if new.source != LineSource.SHELF and not new.not_bagged:
            tol = bagging.tolerance_for(weight or 0, self.ctx.bagging, new.weight_tolerance_g)
            s = replace(s, bag=bagging.expect(s.bag, line.line_id, weight, tol, at))
        if product.min_age > s.age_verified:
            t = self._open(
                s,
                InterventionKind.AGE_CHECK,
                at,
                detail={"min_age": str(product.min_age), "gtin": product.gtin},
            )
            s, effects = t.state, effects + list(t.effects)
        return Transition(s, tuple(effects))

    def _unknown(self, s: Checkout, raw: str, reason: str) -> Transition:
        return Transition(
            replace(s, notice=notice("barcode_not_recognised")),
            (
                fx.Notify(notice("barcode_not_recognised"), {"code": raw, "reason": reason}),
                fx.Alert("unknown_barcode", "info", {"code": raw, "reason": reason}),
            ),
        )

    def _apply_finding(self, s: Checkout, finding: bagging.Finding | None, at: float) -> Transition:
        if finding is None:
            return Transition(s)
        if finding.verdict in (Verdict.BALANCED, Verdict.BAG_ACCEPTED):
            kinds = set(WEIGHT_KINDS)
            if s.bag.pending:  # still waiting: a not-bagged prompt stays until they arrive
                kinds.discard(InterventionKind.NOT_BAGGED)
            return self._close(s, kinds)
        kind = InterventionKind(finding.verdict.value)
        detail = {"change_g": str(finding.change_g), "expected_g": str(finding.expected_g)}
        return self._open(s, kind, at, line_id=finding.line_id, detail=detail)

    def _require_staff(self, s: Checkout) -> Transition | None:
        if s.staff is None:
            return Transition(s, (fx.Notify(notice("staff_sign_in_required")),))
        return None

    def _end(self, s: Checkout, reason: str) -> Transition:
        priced = self.price(s)
        ended = fx.SessionEnded(s.session_id, reason, priced.item_count, priced.total)
        return Transition(self._idle(s), (ended,))

    # -- shopper events -----------------------------------------------------------------

    def _start(self, s: Checkout, e: ev.StartShopping) -> Transition:
        if s.phase != Phase.IDLE:
            return Transition(replace(s, language=e.language or s.language))
        return Transition(self._begin(s, e.at, e.language), (fx.Notify(notice("welcome")),))

    def _scanned(self, s: Checkout, e: ev.ItemScanned) -> Transition:
        if s.phase == Phase.IDLE:
            s = self._begin(s, e.at)
        if s.phase != Phase.SHOPPING:
            return Transition(s, (fx.Notify(notice("scan_not_now")),))
        if (blocked := self._blocked(s)) is not None:
            return blocked
        code = classify(e.code, e.symbology, self.ctx.codes)
        if isinstance(code, InvalidCode):
            return self._unknown(s, code.raw, code.reason)
        if isinstance(code, CouponCode):
            return self._coupon(s, code.code)
        if isinstance(code, MemberCode):
            return Transition(s, (fx.LookupMember(code.member_id),))
        if isinstance(code, VariableMeasureCode):
            product = self.ctx.catalog.get(code.gtin)
            if product is None:
                return self._unknown(s, code.raw, "no product for this label")
            if code.value_kind == "price":
                return self._add(s, product, e.at, fixed_amount=code.value, source=LineSource.LABEL)
            if product.sold_by != SoldBy.WEIGHT:
                return self._unknown(s, code.raw, "weight label on a product not sold by weight")
            return self._add(s, product, e.at, grams=code.value, source=LineSource.LABEL)
        assert isinstance(code, ProductCode)
        product = self.ctx.catalog.first(code.gtins)
        if product is None:
            return self._unknown(s, code.raw, "not in the catalog")
        if product.sold_by == SoldBy.WEIGHT:
            return Transition(
                replace(s, notice=notice("weigh_at_produce_scale")),
                (fx.Notify(notice("weigh_at_produce_scale")),),
            )
        return self._add(s, product, e.at)

    def _coupon(self, s: Checkout, code: str) -> Transition:
        coupon = self.ctx.rules.coupon(code)
        if coupon is None:
            return Transition(
                replace(s, notice=notice("coupon_unknown")), (fx.Notify(notice("coupon_unknown")),)
            )
        if not coupon.valid_at(self.ctx.clock()):
            return Transition(
                replace(s, notice=notice("coupon_expired")), (fx.Notify(notice("coupon_expired")),)
            )
        if code in s.coupons:
            return Transition(s, (fx.Notify(notice("coupon_already_used")),))
        return Transition(
            replace(s, coupons=s.coupons + (code,), notice=notice("coupon_added")),
            (fx.Notify(notice("coupon_added"), {"code": code}),),
        )

    def _produce(self, s: Checkout, e: ev.ProduceWeighed) -> Transition:
        if s.phase == Phase.IDLE:
            s = self._begin(s, e.at)
        if s.phase != Phase.SHOPPING:
            return Transition(s, (fx.Notify(notice("scan_not_now")),))
        if (blocked := self._blocked(s)) is not None:
            return blocked
        product = self.ctx.catalog.get(e.gtin)
        if product is None or product.sold_by != SoldBy.WEIGHT:
            return self._unknown(s, e.gtin, "not a product sold by weight")
        if e.overload:
            return Transition(s, (fx.Notify(notice("scale_overload")),))
        if not e.stable:
            return Transition(s, (fx.Notify(notice("wait_for_scale")),))
        if e.grams <= 0:
            return Transition(s, (fx.Notify(notice("place_item_on_scale")),))
        return self._add(s, product, e.at, grams=e.grams, source=LineSource.PRODUCE)

    def _weight(self, s: Checkout, e: ev.WeightChanged) -> Transition:
        bag, finding = bagging.on_reading(s.bag, e.grams, e.stable, self.ctx.bagging, e.at)
        s = replace(s, bag=bag)
        if s.phase != Phase.SHOPPING:
            if s.phase == Phase.IDLE or not e.stable:
                return Transition(s)
            # Paid, or paying: bags leaving are expected; keep following the scale.
            return Transition(replace(s, bag=replace(s.bag, settled_g=e.grams)))
        return self._apply_finding(s, finding, e.at)

    def _scale_status(self, s: Checkout, e: ev.ScaleStatus) -> Transition:
        s = replace(s, bag=replace(s.bag, online=e.online))
        if e.online:
            return self._close(s, {InterventionKind.DEVICE_FAULT})
        alert = fx.Alert(
            "device_fault", "critical", {"device": "bagging_scale", "detail": e.detail}
        )
        if s.phase != Phase.SHOPPING:
            return Transition(s, (alert,))
        t = self._open(s, InterventionKind.DEVICE_FAULT, e.at, detail={"device": "bagging_scale"})
        return Transition(t.state, t.effects + (alert,))

    def _shelf_picked(self, s: Checkout, e: ev.ShelfPicked) -> Transition:
        if s.phase == Phase.IDLE:
            s = self._begin(s, e.at)
        if s.phase != Phase.SHOPPING:
            return Transition(
                s, (fx.Alert("shelf_pick_outside_session", "info", {"gtin": e.gtin}),)
            )
        product = self.ctx.catalog.get(e.gtin)
        if product is None or e.quantity < 1:
            return self._unknown(s, e.gtin, "shelf reported a product not in the catalog")
        t = self._add(s, product, e.at, quantity=e.quantity, source=LineSource.SHELF)
        if e.confidence < self.ctx.settings.shelf_min_confidence:
            audit = fx.Audit(
                "low_confidence_pick", None, {"gtin": e.gtin, "confidence": f"{e.confidence:.2f}"}
            )
            return Transition(t.state, t.effects + (audit,))
        return t

    def _shelf_returned(self, s: Checkout, e: ev.ShelfReturned) -> Transition:
        remaining = e.quantity
        lines = s.lines
        for line in reversed(s.active_lines):
            if remaining <= 0:
                break
            if line.gtin == e.gtin and line.source == LineSource.SHELF:
                take = min(remaining, line.quantity)
                lines, _ = void_line(lines, line.line_id, take)
                remaining -= take
        s = replace(s, lines=lines)
        if remaining == e.quantity:
            return Transition(s, (fx.Audit("put_back_without_pick", None, {"gtin": e.gtin}),))
        return Transition(s, (fx.Notify(notice("item_put_back"), {"gtin": e.gtin}),))

    def _member(self, s: Checkout, e: ev.MemberIdentified) -> Transition:
        if s.phase not in (Phase.IDLE, Phase.SHOPPING):
            return Transition(s)
        if s.phase == Phase.IDLE:
            s = self._begin(s, e.at)
        member = Member(e.member_id, e.display_name, e.points_balance)
        # A different member (or a card after a face) is not face-verified.
        verified = s.face_verified and s.member is not None and s.member.member_id == e.member_id
        return Transition(
            replace(s, member=member, face_verified=verified, notice=notice("welcome_member")),
            (fx.Notify(notice("welcome_member"), {"name": e.display_name}),),
        )

    def _face_verified(self, s: Checkout, e: ev.FaceVerified) -> Transition:
        if s.phase != Phase.SHOPPING:
            return Transition(s)
        t = self._member(
            s,
            ev.MemberIdentified(
                at=e.at,
                member_id=e.member_id,
                display_name=e.display_name,
                points_balance=e.points_balance,
            ),
        )
        return Transition(replace(t.state, face_verified=True), t.effects)

    def _redeem(self, s: Checkout, e: ev.RedeemPoints) -> Transition:
        loyalty = self.ctx.rules.loyalty
        ok = (
            s.phase == Phase.SHOPPING
            and s.member is not None
            and (e.points == 0 or loyalty.min_redeem <= e.points <= s.member.points_balance)
        )
        if not ok:
            return Transition(s, (fx.Notify(notice("cannot_redeem_points")),))
        return Transition(
            replace(s, points_to_redeem=e.points), (fx.Notify(notice("points_applied")),)
        )

    def _help(self, s: Checkout, e: ev.HelpRequested) -> Transition:
        return self._open(s, InterventionKind.HELP, e.at)

    def _void_requested(self, s: Checkout, e: ev.VoidRequested) -> Transition:
        if s.phase != Phase.SHOPPING or not any(ln.line_id == e.line_id for ln in s.active_lines):
            return Transition(s)
        return self._open(s, InterventionKind.STAFF_VOID, e.at, line_id=e.line_id)

    def _cancel_requested(self, s: Checkout, e: ev.CancelRequested) -> Transition:
        if s.phase != Phase.SHOPPING:
            return Transition(s)
        if not s.active_lines:
            return self._end(s, "cancelled")
        return self._open(s, InterventionKind.STAFF_VOID, e.at, detail={"what": "cancel_sale"})

    def _pay(self, s: Checkout, e: ev.PayRequested) -> Transition:
        if s.phase != Phase.SHOPPING or not s.active_lines:
            return Transition(s, (fx.Notify(notice("nothing_to_pay")),))
        if (blocked := self._blocked(s)) is not None:
            return blocked
        if any(i.kind == InterventionKind.AGE_CHECK for i in s.interventions):
            s = replace(s, interventions=make_blocking(s.interventions, InterventionKind.AGE_CHECK))
            return Transition(
                replace(s, notice=notice("age_check_needed")),
                (fx.Notify(notice("age_check_needed")),),
            )
        if bagging.waiting_for_items(s.bag, self.ctx.bagging):
            return Transition(
                replace(s, notice=notice("bag_items_first")),
                (fx.Notify(notice("bag_items_first")),),
            )
        if e.method in (ev.PaymentMethod.FACE, ev.PaymentMethod.MEMBER_WALLET) and s.member is None:
            return Transition(s, (fx.Notify(notice("member_required")),))
        priced = self.price(s)
        if e.method == ev.PaymentMethod.FACE:
            limit = self.ctx.face_max_amount
            if not s.face_verified or limit is None:
                return Transition(s, (fx.Notify(notice("face_not_verified")),))
            if priced.amount_due > limit:
                return Transition(
                    replace(s, notice=notice("face_pay_limit")),
                    (fx.Notify(notice("face_pay_limit")),),
                )
        sale = draft_from(
            priced,
            sale_id=self.ctx.new_id(),
            session_id=s.session_id,
            currency=self.ctx.currency,
            member_id=s.member.member_id if s.member else None,
            member_name=s.member.display_name if s.member else None,
            approvals=s.approvals,
        )
        key = self.ctx.new_id()
        if sale.amount_due == 0:
            payment = SalePayment(method=ev.PaymentMethod.POINTS, key=key, amount=0)
            sale = sale.model_copy(update={"payment": payment})
            attempt = PaymentAttempt(key, ev.PaymentMethod.POINTS, 0, ev.PaymentOutcome.CAPTURED)
            s = replace(s, phase=Phase.PAYING, payment=attempt, sale=sale)
            return Transition(s, (fx.CommitSale(sale),))
        attempt = PaymentAttempt(key, e.method, sale.amount_due)
        s = replace(
            s, phase=Phase.PAYING, payment=attempt, sale=sale, notice=notice("follow_payment")
        )
        return Transition(s, (fx.StartPayment(key, e.method, sale.amount_due, sale),))

    # -- payment and sale ---------------------------------------------------------------

    def _payment_result(self, s: Checkout, e: ev.PaymentResult) -> Transition:
        attempt = s.payment
        if s.phase != Phase.PAYING or attempt is None or attempt.key != e.key or s.sale is None:
            return Transition(
                s, (fx.Audit("stale_payment_result", None, {"key": e.key, "outcome": e.outcome}),)
            )
        if attempt.outcome == ev.PaymentOutcome.CAPTURED:
            return Transition(s, (fx.Audit("duplicate_payment_result", None, {"key": e.key}),))
        if e.outcome == ev.PaymentOutcome.CAPTURED:
            payment = SalePayment(
                method=attempt.method,
                key=attempt.key,
                amount=attempt.amount,
                reference=e.reference,
                card_last4=e.card_last4[-4:],
            )
            sale = s.sale.model_copy(update={"payment": payment})
            s = replace(s, payment=replace(attempt, outcome=e.outcome), sale=sale)
            return Transition(s, (fx.CommitSale(sale),))
        if e.outcome == ev.PaymentOutcome.PENDING:
            return Transition(
                replace(s, payment=replace(attempt, outcome=e.outcome, prompt=e.prompt))
            )
        if e.outcome == ev.PaymentOutcome.UNKNOWN:
            s = replace(
                s, payment=replace(attempt, outcome=e.outcome), notice=notice("checking_payment")
            )
            return Transition(
                s,
                (
                    fx.QueryPayment(attempt.key, attempt.method),
                    fx.Notify(notice("checking_payment")),
                ),
            )
        message = {
            ev.PaymentOutcome.DECLINED: notice("payment_declined"),
            ev.PaymentOutcome.CANCELLED: notice("payment_cancelled"),
        }.get(e.outcome, notice("payment_failed"))
        # The shopper was busy at the terminal: the inactivity timer starts again from here.
        s = replace(
            s, phase=Phase.SHOPPING, payment=None, sale=None, notice=message, last_activity=e.at
        )
        alert = fx.Alert(
            "payment_failure",
            "info",
            {"method": attempt.method.value, "outcome": e.outcome.value, "message": e.message},
        )
        return Transition(s, (fx.Notify(message), alert))

    def _payment_cancel(self, s: Checkout, e: ev.PaymentCancelRequested) -> Transition:
        attempt = s.payment
        if (
            s.phase != Phase.PAYING
            or attempt is None
            or attempt.outcome == ev.PaymentOutcome.CAPTURED
        ):
            return Transition(s)
        return Transition(s, (fx.CancelPayment(attempt.key, attempt.method),))

    def _committed(self, s: Checkout, e: ev.SaleCommitted) -> Transition:
        if s.phase != Phase.PAYING or s.sale is None or s.sale.sale_id != e.sale_id:
            return Transition(s)
        sale = s.sale
        s = replace(s, phase=Phase.PAID, notice=notice("thank_you_paid"), last_activity=e.at)
        ended = fx.SessionEnded(
            s.session_id, "paid", sum(ln.quantity for ln in sale.lines), sale.total
        )
        return Transition(s, (fx.Notify(notice("thank_you_paid")), ended))

    def _commit_failed(self, s: Checkout, e: ev.SaleCommitFailed) -> Transition:
        if s.phase != Phase.PAYING or s.payment is None:
            return Transition(s)
        attempt = s.payment
        s = replace(s, phase=Phase.SHOPPING, payment=None, sale=None)
        t = self._open(s, InterventionKind.PAYMENT_PROBLEM, e.at, detail={"reason": e.reason})
        effects: tuple[fx.Effect, ...] = ()
        if attempt.method != ev.PaymentMethod.POINTS:
            effects = (fx.VoidPayment(attempt.key, attempt.method, e.reason),)
        return Transition(t.state, effects + t.effects)

    def _receipt_chosen(self, s: Checkout, e: ev.ReceiptChosen) -> Transition:
        sale = s.sale
        if s.phase != Phase.PAID or sale is None:
            return Transition(s)
        s = replace(s, phase=Phase.RECEIPT, last_activity=e.at)
        return Transition(s, (fx.IssueReceipt(sale.sale_id, e.kind),))

    def _receipt_done(self, s: Checkout, e: ev.ReceiptDone) -> Transition:
        if s.phase not in (Phase.PAID, Phase.RECEIPT):
            return Transition(s)
        effects: tuple[fx.Effect, ...] = ()
        if e.rating is not None and s.sale is not None:
            effects = (fx.Audit("rating", None, {"sale": s.sale.sale_id, "rating": str(e.rating)}),)
        return Transition(self._idle(s), effects)

    # -- staff --------------------------------------------------------------------------

    def _staff_in(self, s: Checkout, e: ev.StaffSignedIn) -> Transition:
        return Transition(
            replace(s, staff=Staff(e.staff_id, e.name)), (fx.Audit("staff_sign_in", e.staff_id),)
        )

    def _staff_out(self, s: Checkout, e: ev.StaffSignedOut) -> Transition:
        if s.staff is None:
            return Transition(s)
        return Transition(replace(s, staff=None), (fx.Audit("staff_sign_out", s.staff.staff_id),))

    def _staff_resolve(self, s: Checkout, e: ev.StaffResolve) -> Transition:
        if (need := self._require_staff(s)) is not None:
            return need
        assert s.staff is not None
        item = s.intervention(e.intervention_id)
        if item is None:
            return Transition(s)
        staff_id = s.staff.staff_id
        s = replace(s, interventions=tuple(i for i in s.interventions if i.id != item.id))
        audit = fx.Audit(
            f"resolve_{item.kind.value}", staff_id, {"action": e.action.value, **item.detail}
        )
        effects: list[fx.Effect] = [fx.StaffNoLongerNeeded(item), audit]
        approve = e.action == ev.StaffAction.APPROVE
        if item.kind == InterventionKind.AGE_CHECK:
            if approve:
                age = max((ln.min_age for ln in s.active_lines), default=0)
                s = replace(s, age_verified=age, approvals=s.approvals + (("age", staff_id),))
            else:
                for line in [ln for ln in s.active_lines if ln.min_age > s.age_verified]:
                    s = self._void(s, line.line_id, None, e.at)
        elif item.kind == InterventionKind.STAFF_VOID and approve:
            if item.line_id is None:
                t = self._end(s, "cancelled")
                return Transition(t.state, tuple(effects) + t.effects)
            s = self._void(s, item.line_id, None, e.at)
        elif item.kind in WEIGHT_KINDS:
            s = replace(s, bag=bagging.accept_as_is(s.bag))
            # One override settles the bag: other weight prompts are answered by it too.
            t = self._close(s, set(WEIGHT_KINDS))
            s = t.state
            effects.extend(t.effects)
        elif item.kind == InterventionKind.DEVICE_FAULT and approve:
            s = replace(s, bag=replace(s.bag, checking=False))
        return Transition(s, tuple(effects))

    def _void(self, s: Checkout, line_id: int, quantity: int | None, at: float) -> Checkout:
        lines, voided = void_line(s.lines, line_id, quantity)
        if voided is None:
            return s
        s = replace(s, lines=lines)
        weight = replace(voided, voided=False).bag_weight_g
        if weight is not None:
            tol = bagging.tolerance_for(weight, self.ctx.bagging, voided.weight_tolerance_g)
            s = replace(s, bag=bagging.expect_removal(s.bag, line_id, weight, tol, at))
        return s

    def _staff_void(self, s: Checkout, e: ev.StaffVoidLine) -> Transition:
        if (need := self._require_staff(s)) is not None:
            return need
        assert s.staff is not None
        if s.phase != Phase.SHOPPING:
            return Transition(s)
        s = self._void(s, e.line_id, e.quantity, e.at)
        detail = {"line": str(e.line_id), "quantity": str(e.quantity or "all")}
        return Transition(
            s, (fx.Audit("void_line", s.staff.staff_id if s.staff else None, detail),)
        )

    def _staff_cancel(self, s: Checkout, e: ev.StaffCancelSale) -> Transition:
        if (need := self._require_staff(s)) is not None:
            return need
        assert s.staff is not None
        if s.phase != Phase.SHOPPING:
            return Transition(s)
        t = self._end(s, "cancelled")
        return Transition(t.state, (fx.Audit("cancel_sale", s.staff.staff_id),) + t.effects)

    # -- time ---------------------------------------------------------------------------

    def _tick(self, s: Checkout, e: ev.Tick) -> Transition:
        settings = self.ctx.settings
        if s.phase in (Phase.PAID, Phase.RECEIPT):
            if e.at - s.last_activity >= settings.receipt_timeout_s:
                return self._receipt_done(s, ev.ReceiptDone(at=e.at))
            return Transition(s)
        if s.phase != Phase.SHOPPING:
            return Transition(s)
        t = self._apply_finding(s, bagging.on_tick(s.bag, e.at, self.ctx.bagging), e.at)
        s, effects = t.state, t.effects
        if any(i.staff_needed for i in s.interventions):
            return Transition(replace(s, last_activity=e.at), effects)  # staff are on their way
        idle = e.at - s.last_activity
        if idle >= settings.inactivity_warning_s + settings.inactivity_clear_s:
            ended = self._end(s, "abandoned")
            return Transition(ended.state, effects + ended.effects)
        if idle >= settings.inactivity_warning_s and not s.warned:
            s = replace(s, warned=True, notice=notice("still_there"))
            return Transition(s, effects + (fx.Notify(notice("still_there")),))
        return Transition(s, effects)
