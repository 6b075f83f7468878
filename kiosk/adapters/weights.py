"""Scale readings, scale states and shelf events from devices.weighing as checkout events."""

from __future__ import annotations

import logging

from devices.state import DeviceState, DeviceStateChanged
from devices.weighing.events import LowStock, SequenceGap, ShelfEvent, ShelfEventKind, WeightReading
from kiosk.checkout import events as ev
from kiosk.checkout.catalog import Product
from kiosk.checkout.gs1 import GtinError, to_gtin14

logger = logging.getLogger(__name__)

ScaleInput = WeightReading | DeviceStateChanged | SequenceGap


class BaggingScaleBridge:
    """The bagging-area scale as the session sees it.

    Readings become `WeightChanged` (grams rounded); the device's state becomes `ScaleStatus`,
    sent only when it flips. An overloaded or underloaded scale cannot check the bag, so it
    counts as offline until it reads a real weight again (the session then holds the steps
    that need the scale, as it does for an unplugged one).
    """

    def __init__(self) -> None:
        self._online: bool | None = None
        self._device_ok = False
        self._load_ok = True
        self._detail = ""

    def _status(self, at: float) -> list[ev.Event]:
        online = self._device_ok and self._load_ok
        if online == self._online:
            return []
        self._online = online
        return [ev.ScaleStatus(at=at, online=online, detail="" if online else self._detail)]

    def convert(self, event: ScaleInput) -> list[ev.Event]:
        if isinstance(event, DeviceStateChanged):
            self._device_ok = event.state == DeviceState.ONLINE
            if not self._device_ok:
                self._detail = f"{event.state.value}: {event.detail}"
            return self._status(event.at)
        if isinstance(event, SequenceGap):
            return []  # counted and logged by the device; the readings around it are sound
        invalid = event.overload or event.underload
        self._load_ok = not invalid
        if invalid:
            self._detail = "overload" if event.overload else "underload: is the plate lifted?"
        out = self._status(event.at)
        if not invalid:
            out.append(ev.WeightChanged(at=event.at, grams=round(event.grams), stable=event.stable))
        return out


def produce_weighed(gtin: str, reading: WeightReading) -> ev.ProduceWeighed:
    """A produce-scale reading for a chosen product; the session refuses unstable or
    overloaded ones, so pass what `Scale.wait_for_stable` returned."""
    return ev.ProduceWeighed(
        at=reading.at,
        gtin=to_gtin14(gtin),
        grams=round(reading.grams),
        stable=reading.stable and not reading.underload,
        overload=reading.overload,
    )


def shelf_event(event: ShelfEvent | LowStock) -> ev.ShelfPicked | ev.ShelfReturned | None:
    """Grab-and-go: a pick adds to the shopper's cart, a put-back takes it off.

    Low-stock warnings and unexplained changes are for staff and the fleet, not the cart.
    """
    if isinstance(event, LowStock) or event.kind == ShelfEventKind.UNEXPLAINED:
        return None
    try:
        gtin = to_gtin14(event.gtin)
    except GtinError as e:
        logger.error("shelf %s plate %d: planogram GTIN %s is invalid (%s)",
                     event.shelf, event.plate, event.gtin, e)  # fmt: skip
        return None
    if event.kind == ShelfEventKind.PICK:
        return ev.ShelfPicked(
            at=event.at, gtin=gtin, quantity=event.quantity, confidence=event.confidence
        )
    return ev.ShelfReturned(at=event.at, gtin=gtin, quantity=event.quantity)


def catalog_weights(products: list[Product]) -> dict[str, float]:
    """GTIN (as GTIN-14 and without leading zeros) -> unit weight, for `place <gtin>`."""
    weights: dict[str, float] = {}
    for p in products:
        if p.unit_weight_g is not None:
            weights[p.gtin] = float(p.unit_weight_g)
            weights[p.gtin.lstrip("0")] = float(p.unit_weight_g)
    return weights
