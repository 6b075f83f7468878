"""The checkout runtime: one loop owns the session and the database writes.

Worker threads (camera, serial devices, payment callbacks, MQTT) only `post()` events. The
loop steps the pure session machine and carries out the effects it returns; effects that
produce an answer (a payment result, a committed sale) come back as new events. The same
code runs under the Kivy app (`start()` runs the loop in a thread) and the headless
simulator and tests (`dispatch()` steps synchronously on a caller-supplied clock).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kiosk.checkout import effects as fx
from kiosk.checkout import events as ev
from kiosk.checkout.events import PaymentMethod, PaymentOutcome
from kiosk.checkout.pricing import PricedCart
from kiosk.checkout.sale import SalePayment
from kiosk.checkout.session import SHOPPER_EVENTS, Checkout, CheckoutMachine, Phase
from kiosk.device_state import CARD_TERMINAL, PRINTER, DeviceHook, DeviceReports, DeviceState
from kiosk.payments.base import ChargeRequest, ChargeResult, PaymentProvider, ProviderUnavailable
from kiosk.receipts.issuer import IssuedReceipt, ReceiptIssuer
from kiosk.storage import audit, members, outbox
from kiosk.storage import payments as intents
from kiosk.storage.engine import Database
from kiosk.storage.sales import SaleAlreadyRecorded, commit_sale, get_sale, sale_created_at

logger = logging.getLogger(__name__)

Listener = Callable[[Checkout, tuple[fx.Effect, ...]], None]
_FINAL_NOT_TAKEN = {
    PaymentOutcome.DECLINED: intents.Status.DECLINED,
    PaymentOutcome.CANCELLED: intents.Status.CANCELLED,
    PaymentOutcome.FAILED: intents.Status.FAILED,
}
# Providers that are a device the app shows (a card terminal); wallets are services, not devices.
_DEVICE_OF = {PaymentMethod.CARD: CARD_TERMINAL}
PROBE_INTERVAL_S = 15.0  # how often an unreachable terminal is asked again between charges


@dataclass
class _Awaiting:
    key: str
    method: PaymentMethod
    started: float
    last_poll: float
    outcome: PaymentOutcome | None = None


@dataclass(frozen=True, kw_only=True)
class _DeviceAlert(ev.Event):
    """A device's alert (low stock) queued for the loop: the session never sees it."""

    kind: str
    severity: str
    detail: Mapping[str, object]


@dataclass
class RuntimeStats:
    events: int = 0
    effects: int = 0
    sales: int = 0
    recovered: int = 0
    receipts: list[IssuedReceipt] = field(default_factory=list)


class Runtime:
    def __init__(
        self,
        machine: CheckoutMachine,
        db: Database,
        providers: Mapping[PaymentMethod, PaymentProvider],
        *,
        kiosk_id: str,
        receipts: ReceiptIssuer | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
        payment_timeout_s: float = 90.0,
        poll_interval_s: float = 1.0,
    ) -> None:
        self.machine = machine
        self.db = db
        self.providers = dict(providers)
        if PaymentMethod.MEMBER_WALLET in self.providers:
            self.providers.setdefault(
                PaymentMethod.FACE, self.providers[PaymentMethod.MEMBER_WALLET]
            )
        self.kiosk_id = kiosk_id
        self.receipts = receipts
        self.clock = clock
        self.wall = wall
        self.payment_timeout_s = payment_timeout_s
        self.poll_interval_s = poll_interval_s
        self.state = machine.initial()
        self.stats = RuntimeStats()
        self._queue: queue.SimpleQueue[ev.Event | None] = queue.SimpleQueue()
        self._listeners: list[Listener] = []
        self._awaiting: dict[str, _Awaiting] = {}
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._drain_lock = threading.Lock()
        self._devices = DeviceReports()
        self._last_probe = 0.0
        self.closed_reason = ""

    # -- public API ---------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        """Called after every step with the new state and the effects carried out."""
        self._listeners.append(listener)

    def watch_devices(self, hook: DeviceHook) -> None:
        """Called (on the loop) after each print attempt and each contact with the card
        terminal: OK when it worked, FAULT with the reason when it did not."""
        self._devices.watch(hook)

    def post(self, event: ev.Event) -> None:
        """Thread-safe: queue an event for the loop."""
        self._queue.put(event)

    def post_alert(self, kind: str, severity: str, detail: Mapping[str, object]) -> None:
        """Thread-safe: queue a device's alert (low stock on a shelf) that no session event
        carries; the loop writes it to the outbox, as it does every other write."""
        self._queue.put(_DeviceAlert(at=self.clock(), kind=kind, severity=severity, detail=detail))

    def set_closed(self, reason: str) -> None:
        """Closed (reason given) or open (""). While closed, nothing a shopper does starts a
        session: scans, shelf picks and touches are dropped, whichever worker posts them. A
        session already running is never cut short."""
        self.closed_reason = reason

    def dispatch(self, event: ev.Event) -> Checkout:
        """Queue an event and process everything queued, on the caller's thread."""
        self.post(event)
        self.drain()
        return self.state

    def drain(self) -> None:
        with self._drain_lock:
            while True:
                try:
                    event = self._queue.get_nowait()
                except queue.Empty:
                    return
                if event is not None:
                    self._process(event)

    def start(self, tick_s: float = 0.25) -> None:
        """Run the loop in its own thread (the app); ticks drive timeouts."""
        if self._thread is not None:
            return
        self._stop.clear()

        def loop() -> None:
            next_tick = time.monotonic()
            while not self._stop.is_set():
                timeout = max(0.0, next_tick - time.monotonic())
                try:
                    event = self._queue.get(timeout=timeout)
                except queue.Empty:
                    event = ev.Tick(at=self.clock())
                    next_tick = time.monotonic() + tick_s
                if event is None:
                    break
                with self._drain_lock:
                    self._process(event)

        self._thread = threading.Thread(target=loop, name="checkout-loop", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._queue.put(None)
        self._thread.join(timeout=5)
        self._thread = None

    def price(self) -> PricedCart:
        return self.machine.price(self.state)

    # -- recovery -----------------------------------------------------------------------

    def recover(self) -> int:
        """Resolve payments left open by a crash: finish the sale if money moved, else close it.

        Never charges again: it only asks the provider what happened to each key.
        """
        finished = 0
        for intent in intents.unresolved(self.db):
            provider = self.providers.get(PaymentMethod(intent.method))
            if provider is None:
                logger.error(
                    "payment %s uses %s, which is not configured", intent.key, intent.method
                )
                continue
            try:
                result = provider.status(intent.key)
                if result.outcome == PaymentOutcome.PENDING:
                    result = provider.cancel(intent.key)
            except ProviderUnavailable as e:
                logger.warning("cannot resolve payment %s yet: %s", intent.key, e)
                self._contact(PaymentMethod(intent.method), e)
                continue
            self._contact(PaymentMethod(intent.method))
            if result.outcome == PaymentOutcome.CAPTURED:
                payment = SalePayment(
                    method=PaymentMethod(intent.method),
                    key=intent.key,
                    amount=intent.amount,
                    reference=result.reference,
                    card_last4=result.card_last4,
                )
                sale = intent.snapshot.model_copy(update={"payment": payment})
                with contextlib.suppress(SaleAlreadyRecorded):  # committed just before the crash
                    commit_sale(self.db, sale, kiosk_id=self.kiosk_id, now=self.wall())
                self._audit("recovered_sale", None, {"sale": sale.sale_id, "key": intent.key})
                finished += 1
            elif result.outcome in _FINAL_NOT_TAKEN:
                intents.record_outcome(
                    self.db, intent.key, _FINAL_NOT_TAKEN[result.outcome], message=result.message
                )
            else:
                logger.warning("payment %s still unknown after restart", intent.key)
        self.stats.recovered += finished
        return finished

    # -- the loop -----------------------------------------------------------------------

    def _process(self, event: ev.Event) -> None:
        if isinstance(event, _DeviceAlert):
            self._alert(event.kind, event.severity, event.detail)
            return
        if (
            self.closed_reason
            and self.state.phase == Phase.IDLE
            and isinstance(event, SHOPPER_EVENTS)
        ):
            logger.info("closed (%s): %s ignored", self.closed_reason, type(event).__name__)
            return
        if isinstance(event, ev.PaymentResult):
            self._note_payment_result(event)
        elif isinstance(event, ev.Tick):
            self._payment_timers(event.at)
            self._probe_terminals(event.at)
        transition = self.machine.step(self.state, event)
        self.state = transition.state
        self.stats.events += 1
        for effect in transition.effects:
            self.stats.effects += 1
            try:
                self._execute(effect)
            except Exception:
                logger.exception("effect %s failed", type(effect).__name__)
        for listener in self._listeners:
            try:
                listener(self.state, transition.effects)
            except Exception:
                logger.exception("listener failed")

    def _execute(self, effect: fx.Effect) -> None:
        handler = getattr(self, f"_do_{type(effect).__name__}", None)
        if handler is not None:
            handler(effect)

    # -- payments -----------------------------------------------------------------------

    def _provider(self, method: PaymentMethod) -> PaymentProvider:
        provider = self.providers.get(method)
        if provider is None:
            raise LookupError(f"payment method {method.value} is not configured")
        return provider

    def _post_result(self, result: ChargeResult) -> None:
        self.post(
            ev.PaymentResult(
                at=self.clock(),
                key=result.key,
                outcome=result.outcome,
                reference=result.reference,
                card_last4=result.card_last4,
                prompt=result.prompt,
                message=result.message,
            )
        )

    def _do_StartPayment(self, e: fx.StartPayment) -> None:  # noqa: N802
        intents.save_intent(self.db, e.key, e.method.value, e.amount, e.sale, now=self.wall())
        now = self.clock()
        self._awaiting[e.key] = _Awaiting(e.key, e.method, now, now)
        request = ChargeRequest(
            key=e.key,
            amount=e.amount,
            currency=e.sale.currency,
            description=f"sale {e.sale.sale_id[:8]}",
            member_id=e.sale.member_id,
        )
        try:
            self._provider(e.method).begin(request, self._post_result)
        except (ProviderUnavailable, LookupError) as err:
            # Nothing was sent: the attempt failed cleanly and the shopper can try again.
            if isinstance(err, ProviderUnavailable):
                self._contact(e.method, err)
            self._post_result(ChargeResult(e.key, PaymentOutcome.FAILED, message=str(err)))
            return
        self._contact(e.method)

    def _contact(
        self, method: PaymentMethod, unreachable: ProviderUnavailable | None = None
    ) -> None:
        """The terminal answered (or could not be reached): tell whoever shows devices."""
        name = _DEVICE_OF.get(method)
        if name is None:
            return
        if unreachable is None:
            self._devices.report(name, DeviceState.OK)
        else:
            self._devices.report(name, DeviceState.FAULT, str(unreachable) or "not reachable")

    def _probe_terminals(self, now: float) -> None:
        """An unreachable terminal is asked again now and then, so it comes back (and a
        kiosk closed for want of its only payment method reopens) without a shopper trying."""
        if now - self._last_probe < PROBE_INTERVAL_S:
            return
        for method, name in _DEVICE_OF.items():
            provider = self.providers.get(method)
            if provider is None or not self._devices.faulted(name):
                continue
            self._last_probe = now
            try:
                provider.status("probe")  # any answer, even "no such key", means reachable
            except ProviderUnavailable as e:
                self._contact(method, e)
                continue
            self._contact(method)

    def _note_payment_result(self, e: ev.PaymentResult) -> None:
        waiting = self._awaiting.get(e.key)
        if waiting is not None:
            waiting.outcome = e.outcome
            if e.outcome not in (PaymentOutcome.PENDING, PaymentOutcome.UNKNOWN):
                del self._awaiting[e.key]
        status = _FINAL_NOT_TAKEN.get(e.outcome)
        if e.outcome == PaymentOutcome.UNKNOWN:
            status = intents.Status.UNKNOWN
        if status is not None and intents.get(self.db, e.key) is not None:
            intents.record_outcome(self.db, e.key, status, message=e.message, now=self.wall())

    def _payment_timers(self, now: float) -> None:
        for waiting in list(self._awaiting.values()):
            if waiting.outcome is None and now - waiting.started >= self.payment_timeout_s:
                waiting.outcome = PaymentOutcome.UNKNOWN
                self._post_result(
                    ChargeResult(waiting.key, PaymentOutcome.UNKNOWN, message="no answer")
                )
            elif (
                waiting.outcome in (PaymentOutcome.PENDING, PaymentOutcome.UNKNOWN)
                and now - waiting.last_poll >= self.poll_interval_s
            ):
                waiting.last_poll = now
                self._poll(waiting)

    def _poll(self, waiting: _Awaiting) -> None:
        try:
            result = self._provider(waiting.method).status(waiting.key)
        except ProviderUnavailable as e:
            logger.info("payment %s: provider unreachable (%s), will ask again", waiting.key, e)
            self._contact(waiting.method, e)
            return
        self._contact(waiting.method)
        if result.outcome not in (PaymentOutcome.PENDING, PaymentOutcome.UNKNOWN):
            self._post_result(result)

    def _do_QueryPayment(self, e: fx.QueryPayment) -> None:  # noqa: N802
        now = self.clock()
        waiting = self._awaiting.setdefault(e.key, _Awaiting(e.key, e.method, now, now))
        waiting.outcome = PaymentOutcome.UNKNOWN
        waiting.last_poll = now
        self._poll(waiting)

    def _do_CancelPayment(self, e: fx.CancelPayment) -> None:  # noqa: N802
        self._post_result(self._provider(e.method).cancel(e.key))

    def _do_VoidPayment(self, e: fx.VoidPayment) -> None:  # noqa: N802
        result = self._provider(e.method).void(e.key)
        if result.outcome == PaymentOutcome.CANCELLED:
            intents.record_outcome(
                self.db, e.key, intents.Status.VOIDED, message=e.reason, now=self.wall()
            )
            return
        logger.error("could not void payment %s: %s", e.key, result.message)
        self._do_Alert(
            fx.Alert("void_failed", "critical", {"key": e.key, "reason": result.message})
        )

    # -- sale and receipt ---------------------------------------------------------------

    def _do_CommitSale(self, e: fx.CommitSale) -> None:  # noqa: N802
        try:
            commit_sale(self.db, e.sale, kiosk_id=self.kiosk_id, now=self.wall())
        except SaleAlreadyRecorded:
            pass
        except Exception as err:
            logger.exception("sale %s could not be committed", e.sale.sale_id)
            self.post(
                ev.SaleCommitFailed(at=self.clock(), sale_id=e.sale.sale_id, reason=str(err)[:200])
            )
            return
        self.stats.sales += 1
        self.post(ev.SaleCommitted(at=self.clock(), sale_id=e.sale.sale_id))

    def _do_IssueReceipt(self, e: fx.IssueReceipt) -> None:  # noqa: N802
        if self.receipts is None:
            return
        sale = get_sale(self.db, e.sale_id)
        created = sale_created_at(self.db, e.sale_id)
        if sale is None or created is None:
            logger.error("receipt for unknown sale %s", e.sale_id)
            return
        balance = None
        if sale.member_id:
            member = members.get_member(self.db, sale.member_id)
            balance = member.points_balance if member else None
        ctx = self.receipts.context(sale, created, self.state.language, balance)
        issued = self.receipts.issue(sale, e.kind, ctx)
        self.stats.receipts.append(issued)
        if e.kind == ev.ReceiptKind.PRINT and self.receipts.has_printer:
            state = DeviceState.FAULT if issued.problem else DeviceState.OK
            self._devices.report(PRINTER, state, issued.problem)
        if issued.problem:
            self._notify("printer_problem")
            if self.receipts.has_printer:  # no printer at all is the set-up, not a fault
                detail = {"device": "printer", "detail": issued.problem}
                self._do_Alert(fx.Alert("device_fault", "warning", detail))

    # -- records ------------------------------------------------------------------------

    def _audit(self, action: str, staff_id: str | None, detail: dict[str, str]) -> None:
        with self.db.write() as s:
            audit.record(
                s,
                action,
                staff_id=staff_id,
                session_id=self.state.session_id or None,
                detail=detail,
                now=self.wall(),
            )

    def _do_Audit(self, e: fx.Audit) -> None:  # noqa: N802
        self._audit(e.action, e.staff_id, dict(e.detail))

    def _do_Alert(self, e: fx.Alert) -> None:  # noqa: N802
        self._alert(e.kind, e.severity, e.detail, session_id=self.state.session_id or None)

    def _alert(
        self,
        kind: str,
        severity: str,
        detail: Mapping[str, object],
        *,
        session_id: str | None = None,
    ) -> None:
        """An alert for the fleet in the outbox, in a short transaction of its own (loop only)."""
        wall = self.wall()
        payload = {
            "kind": kind,
            "severity": severity,
            "detail": dict(detail),
            "session_id": session_id,
            "kiosk_id": self.kiosk_id,
            "at": wall.isoformat(),
        }
        with self.db.write() as s:
            outbox.enqueue(s, "alert", payload, wall)

    def _do_SessionEnded(self, e: fx.SessionEnded) -> None:  # noqa: N802
        payload = {
            "session_id": e.session_id,
            "reason": e.reason,
            "items": e.items,
            "value": e.value,
        }
        with self.db.write() as s:
            outbox.enqueue(s, "session", payload, self.wall())

    def _do_LookupMember(self, e: fx.LookupMember) -> None:  # noqa: N802
        member = members.get_member(self.db, e.member_id)
        if member is None:
            self._notify("member_unknown")
            return
        self.post(
            ev.MemberIdentified(
                at=self.clock(),
                member_id=member.member_id,
                display_name=member.display_name,
                points_balance=member.points_balance,
            )
        )

    def _notify(self, key: str) -> None:
        for listener in self._listeners:
            listener(self.state, (fx.Notify(key),))
