"""A closed kiosk starts no sale, whichever worker posts the event; a running sale goes on."""

from __future__ import annotations

from kiosk.assembly import Kiosk
from kiosk.checkout import events as ev
from kiosk.checkout.session import Phase

COLA = "5449000039231"


def test_closed_runtime_ignores_shoppers_until_opened(kiosk: Kiosk) -> None:
    runtime = kiosk.runtime
    runtime.set_closed("fleet")
    runtime.dispatch(ev.ItemScanned(at=0, code=COLA))
    runtime.dispatch(ev.ShelfPicked(at=0, gtin="0" + COLA, quantity=1))
    runtime.dispatch(ev.StartShopping(at=0))
    assert runtime.state.phase == Phase.IDLE
    runtime.set_closed("")
    runtime.dispatch(ev.ItemScanned(at=1, code=COLA))
    assert runtime.state.phase == Phase.SHOPPING


def test_closing_never_cuts_a_sale_short(kiosk: Kiosk) -> None:
    runtime = kiosk.runtime
    runtime.dispatch(ev.ItemScanned(at=0, code=COLA))
    runtime.set_closed("staff")
    runtime.dispatch(ev.ItemScanned(at=1, code=COLA))
    assert runtime.state.active_lines[0].quantity == 2
    runtime.dispatch(ev.StaffSignedIn(at=2, staff_id="s", name="S"))
    runtime.dispatch(ev.StaffCancelSale(at=2))
    runtime.dispatch(ev.ItemScanned(at=3, code=COLA))
    assert runtime.state.phase == Phase.IDLE
