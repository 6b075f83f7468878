"""The live half of the barcode benchmark: the synthetic camera at 1280x720 and 30 fps through
the grabber, the live pipeline and debounce into a real CheckoutMachine, from frame to cart."""

from __future__ import annotations

import queue
import threading
import time
from typing import Any

import numpy as np

from kiosk.adapters.scanning import ScanIntake, ScanningConfig
from kiosk.checkout.catalog import Catalog, Currency, Product
from kiosk.checkout.events import ItemScanned
from kiosk.checkout.gs1 import Symbology, to_gtin14
from kiosk.checkout.rules import PricingRules
from kiosk.checkout.session import CheckoutContext, CheckoutMachine
from vision.barcodes.config import live_config
from vision.barcodes.live import CameraScanner, FrameReport
from vision.barcodes.pipeline import ScanPipeline
from vision.sources.config import SyntheticCode, SyntheticConfig
from vision.sources.grabber import LatestFrameGrabber
from vision.sources.synthetic import SyntheticCamera

LIVE_PRODUCTS = (
    ("5901234123457", "ean13", "Rice crackers"),
    ("4006381333931", "ean13", "Highlighter"),
    ("96385074", "ean8", "Chewing gum"),
    ("036000291452", "upca", "Tissues"),
    ("01234565", "upce", "Soda can"),
)
HOLD_S, GAP_S = 1.2, 0.8  # a shopper holds each item up this long, then takes it away


def _pct(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 1) if values else None


def measure_live(seconds: float) -> dict[str, Any]:
    """Synthetic camera -> grabber -> pipeline -> debounce -> ScanIntake -> CheckoutMachine."""
    codes = tuple(
        SyntheticCode.model_validate({"text": t, "symbology": s}) for t, s, _ in LIVE_PRODUCTS
    )
    camera = SyntheticCamera(SyntheticConfig(width=1280, height=720, fps=30, seed=7, codes=codes))
    gtins = {t: to_gtin14(t, Symbology(s)) for t, s, _ in LIVE_PRODUCTS}
    catalog = Catalog(
        Product(gtin=gtins[t], name_en=n, name_zh=n, price=500, tax_category="standard")
        for t, _, n in LIVE_PRODUCTS
    )
    machine = CheckoutMachine(CheckoutContext(catalog, PricingRules(), Currency("CNY", 2)))
    events: queue.Queue[ItemScanned | None] = queue.Queue()
    intake = ScanIntake(ScanningConfig(), events.put)
    frames: list[FrameReport] = []
    pipeline = ScanPipeline(live_config(), intake.accept)
    scanner = CameraScanner(
        LatestFrameGrabber(camera), pipeline, on_scan=intake, on_frame=frames.append
    )
    added: list[tuple[float, ItemScanned, str]] = []  # (cart updated at, event, gtin added)

    def session_loop() -> None:  # the runtime's single loop that owns the session
        state = machine.initial()
        while (event := events.get()) is not None:
            before = {ln.line_id: ln.quantity for ln in state.active_lines}
            state = machine.step(state, event).state
            for line in state.active_lines:
                if line.quantity > before.get(line.line_id, 0):
                    added.append((time.monotonic(), event, line.gtin))

    loop = threading.Thread(target=session_loop, name="session")
    loop.start()
    scanner.start()
    shown: list[tuple[str, float, float]] = []  # (text, from, to)
    started = time.monotonic()
    order = [t for t, _, _ in LIVE_PRODUCTS]
    i = 0
    while time.monotonic() - started < seconds - HOLD_S - GAP_S:
        text = order[i % len(order)]
        camera.present(text)
        t0 = time.monotonic()
        time.sleep(HOLD_S)
        camera.take_away()
        shown.append((text, t0, time.monotonic()))
        time.sleep(GAP_S)
        i += 1
    scanner.stop()
    events.put(None)
    loop.join()
    return _live_report(seconds, camera, scanner, frames, shown, added, gtins)


def _live_report(
    seconds: float,
    camera: SyntheticCamera,
    scanner: CameraScanner,
    frames: list[FrameReport],
    shown: list[tuple[str, float, float]],
    added: list[tuple[float, ItemScanned, str]],
    gtins: dict[str, str],
) -> dict[str, Any]:
    history = camera.history()
    frame_to_cart, present_to_cart = [], []
    matched, wrong = 0, 0
    used: set[int] = set()
    for text, t0, t1 in shown:
        hits = [
            k
            for k, (_, ev, gtin) in enumerate(added)
            if k not in used and gtin == gtins[text] and t0 <= ev.at <= t1 + 0.2
        ]
        if not hits:
            continue
        k = hits[0]
        used.add(k)
        matched += 1
        at, event, _ = added[k]
        frame_to_cart.append((at - event.at) * 1000)
        first = next(c for _, c, view in history if text in view and c >= t0)
        present_to_cart.append((at - first) * 1000)
    wrong = sum(1 for k, (_, _, g) in enumerate(added) if k not in used and g not in gtins.values())
    stats = scanner.grabber.stats()
    decode = [r.elapsed_ms for r in frames]
    age = [(r.picked_at - r.captured_at) * 1000 for r in frames]
    return {
        "camera": "synthetic 1280x720 at 30 fps, one item held up 1.2 s at a time, 0.8 s apart",
        "seconds": seconds,
        "presentations": len(shown),
        "items_added": len(added),
        "presentations_added_once": matched,
        "missed": len(shown) - matched,
        "duplicates": len(added) - matched - wrong,
        "wrong_items": wrong,
        "frame_to_cart_p50_ms": _pct(frame_to_cart, 50),
        "frame_to_cart_p95_ms": _pct(frame_to_cart, 95),
        "frame_to_cart_max_ms": _pct(frame_to_cart, 100),
        "present_to_cart_p50_ms": _pct(present_to_cart, 50),
        "present_to_cart_p95_ms": _pct(present_to_cart, 95),
        "frames_captured": stats.captured,
        "frames_processed": stats.delivered,
        "frames_dropped": stats.dropped,
        "frame_backlog_max": max((r.waiting for r in frames), default=0),
        "frame_age_at_pickup_p95_ms": _pct(age, 95),
        "decode_p50_ms": _pct(decode, 50),
        "decode_p95_ms": _pct(decode, 95),
    }
