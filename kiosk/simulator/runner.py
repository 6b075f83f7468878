"""Runs a scenario against the real runtime, storage and payments on a virtual clock."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from kiosk.checkout import effects as fx
from kiosk.checkout import events as ev
from kiosk.checkout.catalog_csv import format_price, parse_price
from kiosk.checkout.gs1 import Symbology
from kiosk.checkout.session import Checkout, Phase, State
from kiosk.payments.base import Fault
from kiosk.receipts.text import render_text
from kiosk.simulator.scenario import Expect, Scenario, Step
from kiosk.storage import members, staff
from kiosk.storage.sales import get_sale, sale_created_at

TICK_S = 0.5
STEP_GAP_S = 0.8  # a shopper's pause between actions
PAY_LIMIT_S = 600


class VirtualClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.t = 0.0
        self.start = start or datetime.now(UTC)

    def monotonic(self) -> float:
        return self.t

    def wall(self) -> datetime:
        return self.start + timedelta(seconds=self.t)


@dataclass
class RunResult:
    run: int
    sale_id: str | None = None
    total: int | None = None
    final_state: str = ""
    receipt: str | None = None
    failures: list[str] = field(default_factory=list)
    interventions: Counter[str] = field(default_factory=Counter)
    notices: list[str] = field(default_factory=list)


class ScenarioRunner:
    def __init__(self, kiosk: object, scenario: Scenario, clock: VirtualClock) -> None:
        from kiosk.assembly import Kiosk

        assert isinstance(kiosk, Kiosk)
        self.kiosk = kiosk
        self.runtime = kiosk.runtime
        self.scenario = scenario
        self.clock = clock
        self.rng = random.Random(scenario.devices.seed)
        self.scale_g = 0
        self._result = RunResult(0)
        self.runtime.subscribe(self._observe)
        self._setup()

    # -- plumbing -----------------------------------------------------------------------

    def _setup(self) -> None:
        db = self.kiosk.db
        for m in self.scenario.setup.members:
            if members.get_member(db, m.id) is None:
                members.add_member(db, m.name, member_id=m.id, points=m.points, wallet=m.wallet)
        for s in self.scenario.setup.staff:
            staff.add_staff(db, s.id, s.name, s.pin)

    def _observe(self, state: Checkout, effects: tuple[fx.Effect, ...]) -> None:
        for effect in effects:
            if isinstance(effect, fx.CallStaff):
                self._result.interventions[effect.intervention.kind.value] += 1
            elif isinstance(effect, fx.Notify):
                self._result.notices.append(effect.key)
            elif isinstance(effect, fx.CommitSale):
                self._result.sale_id = effect.sale.sale_id
                self._result.total = effect.sale.total

    @property
    def state(self) -> Checkout:
        return self.runtime.state

    def send(self, event_type: type[ev.Event], **fields: object) -> Checkout:
        return self.runtime.dispatch(event_type(at=self.clock.t, **fields))  # type: ignore[call-arg]

    def advance(self, seconds: float) -> None:
        end = self.clock.t + seconds
        while self.clock.t < end:
            self.clock.t = min(end, self.clock.t + TICK_S)
            self.send(ev.Tick)

    def _scale(self, delta: int) -> None:
        noise = self.rng.randint(
            -self.scenario.devices.scale_noise_g, self.scenario.devices.scale_noise_g
        )
        self.scale_g = max(0, self.scale_g + delta)
        self.send(ev.WeightChanged, grams=max(0, self.scale_g + noise), stable=True)

    # -- a run --------------------------------------------------------------------------

    def run(self, index: int) -> RunResult:
        self._result = RunResult(index)
        self.send(ev.WeightChanged, grams=self.scale_g, stable=True)  # the scale reports at rest
        if self.state.phase == Phase.IDLE:
            self.send(ev.StartShopping, language=self.scenario.language)
        for number, step in enumerate(self.scenario.step, 1):
            self.advance(STEP_GAP_S)
            try:
                getattr(self, f"_{step.action}")(step)
            except StepFailed as e:
                self._result.failures.append(f"step {number} ({step.action}): {e}")
                break
        self._finish()
        return self._result

    def _finish(self) -> None:
        result = self._result
        result.final_state = self.state.state.value
        if self.state.phase == Phase.PAID:
            self.send(ev.ReceiptChosen, kind=ev.ReceiptKind.NONE)
        if self.state.phase in (Phase.PAID, Phase.RECEIPT):
            self.send(ev.ReceiptDone, rating=5)
        elif self.state.phase == Phase.SHOPPING:
            settings = self.kiosk.machine.ctx.settings
            self.advance(settings.inactivity_warning_s + settings.inactivity_clear_s + TICK_S)
        if result.sale_id is not None:
            sale = get_sale(self.kiosk.db, result.sale_id)
            created = sale_created_at(self.kiosk.db, result.sale_id)
            if sale is None or created is None:
                result.sale_id = None  # the payment did not end in a committed sale
            elif self.runtime.receipts is not None:
                ctx = self.runtime.receipts.context(sale, created, self.scenario.language, None)
                result.receipt = render_text(sale, ctx)
        self.scale_g = 0  # the shopper takes the bags
        self.send(ev.WeightChanged, grams=0, stable=True)

    # -- steps --------------------------------------------------------------------------

    def _bag_after(self, before: Checkout, step: Step) -> None:
        after = self.state
        if not (self.scenario.devices.auto_bag and step.bag) or after is before:
            return
        old = {ln.line_id: ln.quantity for ln in before.active_lines}
        weight = 0
        for line in after.active_lines:
            added = line.quantity - old.get(line.line_id, 0)
            if added > 0 and line.bag_weight_g is not None:
                weight += (
                    (line.bag_weight_g // line.quantity) * added
                    if line.grams is None
                    else line.grams
                )
        if step.bag_grams is not None:
            weight = step.bag_grams
        if weight:
            self.advance(self.scenario.devices.bag_delay_s)
            self._scale(weight)

    def _scan(self, step: Step) -> None:
        before = self.state
        symbology = Symbology(step.symbology) if step.symbology else None
        for _ in range(step.quantity):
            self.send(
                ev.ItemScanned, code=step.scan, symbology=symbology, source=ev.ScanSource.SERIAL
            )
        self._bag_after(before, step)

    def _weigh(self, step: Step) -> None:
        assert step.weigh is not None
        assert step.grams is not None
        catalog = self.kiosk.machine.ctx.catalog
        product = catalog.by_plu(step.weigh) or catalog.get(step.weigh.zfill(14))
        if product is None:
            raise StepFailed(f"no product with PLU or GTIN {step.weigh}")
        before = self.state
        self.send(ev.ProduceWeighed, gtin=product.gtin, grams=step.grams, stable=True)
        self._bag_after(before, step)

    def _place(self, step: Step) -> None:
        self._scale(step.place or 0)

    def _remove(self, step: Step) -> None:
        self._scale(-(step.remove or 0))

    def _take(self, step: Step) -> None:
        self.send(ev.ShelfPicked, gtin=(step.take or "").zfill(14), quantity=step.quantity)

    def _put_back(self, step: Step) -> None:
        self.send(ev.ShelfReturned, gtin=(step.put_back or "").zfill(14), quantity=step.quantity)

    def _member(self, step: Step) -> None:
        prefix = self.kiosk.machine.ctx.codes.member_qr_prefix
        self.send(ev.ItemScanned, code=f"{prefix}{step.member}", symbology=Symbology.QR)

    def _redeem(self, step: Step) -> None:
        self.send(ev.RedeemPoints, points=step.redeem or 0)

    def _help(self, step: Step) -> None:
        self.send(ev.HelpRequested)

    def _line_id(self, number: int) -> int:
        lines = self.state.active_lines
        if not 1 <= number <= len(lines):
            raise StepFailed(f"there is no line {number} (the cart has {len(lines)})")
        return lines[number - 1].line_id

    def _void(self, step: Step) -> None:
        self.send(ev.VoidRequested, line_id=self._line_id(step.void or 0))

    def _staff(self, step: Step) -> None:
        try:
            member = staff.find_by_pin(self.kiosk.db, step.pin or "")
        except staff.PinRejected as e:
            raise StepFailed(f"staff sign-in refused: {e}") from None
        self.send(ev.StaffSignedIn, staff_id=member.staff_id, name=member.name)
        if step.staff in ("approve", "reject"):
            if not self.state.interventions:
                raise StepFailed("no intervention is open")
            action = ev.StaffAction.APPROVE if step.staff == "approve" else ev.StaffAction.REJECT
            self.send(
                ev.StaffResolve, intervention_id=self.state.interventions[0].id, action=action
            )
        elif step.staff == "void":
            self.send(ev.StaffVoidLine, line_id=self._line_id(step.line or 1))
        else:
            self.send(ev.StaffCancelSale)
        self.send(ev.StaffSignedOut)

    def _pay(self, step: Step) -> None:
        assert step.pay is not None
        provider = self.runtime.providers.get(step.pay)
        if step.fault != Fault.NONE:
            inject = getattr(provider, "inject", None)
            if inject is None:
                raise StepFailed(f"{step.pay.value} cannot simulate faults")
            inject(step.fault)
        self.send(ev.PayRequested, method=step.pay)
        waited = 0.0
        while self.state.phase == Phase.PAYING and waited < PAY_LIMIT_S:
            self.advance(TICK_S)
            waited += TICK_S
        if self.state.phase == Phase.PAYING:
            raise StepFailed(f"payment still open after {PAY_LIMIT_S} s")

    def _receipt(self, step: Step) -> None:
        assert step.receipt is not None
        if self.state.phase != Phase.PAID:
            raise StepFailed(f"no paid sale to give a receipt for (state {self.state.state.value})")
        self.send(ev.ReceiptChosen, kind=step.receipt)

    def _wait(self, step: Step) -> None:
        self.advance(step.wait or 0)

    def _expect(self, step: Step) -> None:
        assert step.expect is not None
        problems = check_expectation(self, step.expect)
        if problems:
            raise StepFailed("; ".join(problems))


class StepFailed(Exception):
    pass


def check_expectation(runner: ScenarioRunner, expect: Expect) -> list[str]:
    state = runner.state
    problems = []
    if expect.state is not None and state.state != State(expect.state):
        problems.append(f"state is {state.state.value}, expected {expect.state}")
    currency = runner.kiosk.loaded.currency
    if expect.total is not None:
        total = runner._result.total if state.sale is None and runner._result.total else None
        priced = runner.kiosk.machine.price(state)
        actual = state.sale.total if state.sale is not None else (total or priced.total)
        if actual != parse_price(expect.total, currency):
            problems.append(f"total is {format_price(actual, currency)}, expected {expect.total}")
    if expect.lines is not None and len(state.active_lines) != expect.lines:
        problems.append(f"{len(state.active_lines)} lines, expected {expect.lines}")
    if expect.interventions is not None:
        open_kinds = tuple(sorted(i.kind.value for i in state.interventions))
        if open_kinds != tuple(sorted(expect.interventions)):
            problems.append(
                f"open interventions {list(open_kinds)}, expected {list(expect.interventions)}"
            )
    if expect.notice is not None and state.notice != expect.notice:
        problems.append(f"last notice {state.notice!r}, expected {expect.notice!r}")
    if expect.sale is not None and (runner._result.sale_id is not None) != expect.sale:
        problems.append("a sale was committed" if expect.sale is False else "no sale was committed")
    return problems
