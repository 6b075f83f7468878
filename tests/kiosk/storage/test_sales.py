"""A sale commits whole or not at all; `db check` names every kind of breach."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update

from kiosk.assembly import Kiosk
from kiosk.checkout import events as ev
from kiosk.checkout.sale import SaleDraft, SalePayment
from kiosk.storage import payments as intents
from kiosk.storage.check import check
from kiosk.storage.engine import Database
from kiosk.storage.models import (
    OutboxRow,
    PaymentRow,
    ProductRow,
    SaleLineRow,
    SaleRow,
    StockMovementRow,
)
from kiosk.storage.outbox import OutboxStore
from kiosk.storage.sales import SaleAlreadyRecorded, commit_sale, get_sale


def buy(kiosk: Kiosk, *codes: str) -> str:
    rt = kiosk.runtime
    rt.dispatch(ev.WeightChanged(at=0, grams=0, stable=True))
    for code in codes:
        rt.dispatch(ev.ItemScanned(at=1, code=code))
    rt.dispatch(
        ev.WeightChanged(
            at=2, grams=sum(ln.bag_weight_g or 0 for ln in rt.state.active_lines), stable=True
        )
    )
    rt.dispatch(ev.PayRequested(at=3, method=ev.PaymentMethod.CARD))
    assert rt.state.sale is not None
    sale_id = rt.state.sale.sale_id
    rt.dispatch(ev.ReceiptDone(at=4))
    return sale_id


def test_a_sale_writes_everything_together(kiosk: Kiosk) -> None:
    sale_id = buy(kiosk, "5449000039231", "5449000039231", "8413600298517")
    with kiosk.db.read() as s:
        sale = s.get(SaleRow, sale_id)
        assert sale is not None
        assert sale.total == 700 + 1190
        assert len(s.scalars(select(SaleLineRow).where(SaleLineRow.sale_id == sale_id)).all()) == 2
        moves = s.scalars(select(StockMovementRow).where(StockMovementRow.sale_id == sale_id)).all()
        assert sorted(m.delta for m in moves) == [-2, -1]
        payment = s.scalars(select(PaymentRow).where(PaymentRow.sale_id == sale_id)).one()
        assert payment.status == "captured"
        assert payment.card_last4 is not None
        assert len(payment.card_last4) == 4
        assert (
            s.scalars(select(OutboxRow).where(OutboxRow.event_id == sale.outbox_event_id))
            .one()
            .kind
            == "sale"
        )
    assert check(kiosk.db).ok


def test_commit_failure_leaves_nothing(kiosk: Kiosk) -> None:
    sale_id = buy(kiosk, "5449000039231")
    committed = get_sale(kiosk.db, sale_id)
    assert committed is not None
    broken = committed.model_copy(
        update={
            "sale_id": "broken-sale",
            "session_id": "other",
            "lines": committed.lines
            + (committed.lines[0].model_copy(update={"line_no": 2, "gtin": "09999999999999"}),),
            "payment": SalePayment(method=ev.PaymentMethod.CARD, key="k-broken", amount=1),
        }
    )
    before = _counts(kiosk.db)
    with pytest.raises(KeyError, match="no product 09999999999999"):
        commit_sale(kiosk.db, broken, kiosk_id="demo-01")
    assert _counts(kiosk.db) == before
    with pytest.raises(SaleAlreadyRecorded):
        commit_sale(kiosk.db, committed, kiosk_id="demo-01")
    assert _counts(kiosk.db) == before


def _counts(db: Database) -> tuple[int, ...]:
    with db.read() as s:
        return tuple(
            len(s.execute(text(f"SELECT 1 FROM {t}")).all())
            for t in ("sales", "sale_lines", "stock_movements", "payments", "outbox", "counters")
        ) + (s.scalar(text("SELECT value FROM counters WHERE name='outbox_seq'")) or 0,)


def test_outbox_numbers_keep_rising_after_acknowledged_rows_are_deleted(kiosk: Kiosk) -> None:
    buy(kiosk, "5449000039231")
    store = OutboxStore(kiosk.db)
    first = store.pending()
    assert first
    assert store.acknowledge([e.event_id for e in first]) == len(first)
    assert store.backlog() == 0
    top = store.last_seq()
    buy(kiosk, "8413600298517")
    again = store.pending()
    assert min(e.seq for e in again) == top + 1
    assert len({e.event_id for e in again}) == len(again)
    assert check(kiosk.db).ok  # the acknowledged sale is marked synced, so it needs no outbox row


GTIN = "05449000039231"
TAMPERING = {
    "stock of 05449000039231": lambda s, sid: s.execute(
        update(ProductRow).where(ProductRow.gtin == GTIN).values(stock=ProductRow.stock + 1)
    ),
    "0 captured payments": lambda s, sid: s.execute(
        delete(PaymentRow).where(PaymentRow.sale_id == sid)
    ),
    "total 1 but lines give": lambda s, sid: s.execute(
        update(SaleRow).where(SaleRow.sale_id == sid).values(total=1)
    ),
    "did not go down": lambda s, sid: s.execute(
        delete(StockMovementRow).where(StockMovementRow.sale_id == sid)
    ),
    "neither reached the fleet nor an outbox row": lambda s, sid: s.execute(delete(OutboxRow)),
    "captured 5": lambda s, sid: s.execute(
        update(PaymentRow).where(PaymentRow.sale_id == sid).values(amount=5)
    ),
}


@pytest.mark.parametrize("breach", list(TAMPERING))
def test_db_check_names_each_breach(kiosk: Kiosk, breach: str) -> None:
    sale_id = buy(kiosk, "5449000039231")
    assert check(kiosk.db).ok
    with kiosk.db.write() as s:
        TAMPERING[breach](s, sale_id)
    report = check(kiosk.db)
    assert not report.ok
    assert any(breach in b for b in report.breaches), report.breaches


def test_unresolved_payment_is_a_note_not_a_breach(kiosk: Kiosk) -> None:
    sale_id = buy(kiosk, "5449000039231")
    sale = get_sale(kiosk.db, sale_id)
    assert isinstance(sale, SaleDraft)
    intents.save_intent(
        kiosk.db, "pending-key", "card", 350, sale.model_copy(update={"sale_id": "next"})
    )
    report = check(kiosk.db)
    assert report.ok
    assert any("awaiting resolution" in n for n in report.notes)
