"""Labelled shelf streams through real frames, the real decoder and the real ShelfDetector."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from devices.weighing.decoders import FramedDecoder
from devices.weighing.events import ShelfEvent, ShelfEventKind
from devices.weighing.frames import COUNTS_MAX, COUNTS_MIN, Flags, Sample, Unit, encode_sample
from devices.weighing.physics import LoadCellBank, NoiseSettings
from devices.weighing.planogram import PlatePlan, ShelfPlan
from devices.weighing.shelf import ShelfDetector
from kiosk.checkout.catalog import Product

PLATES = 5
UNIT_SD = 0.008  # unit-to-unit weight spread of packaged goods (share of the unit weight)
MATCH_AFTER_S = 3.0
SIMULTANEOUS = 0.3  # share of events with a second hand on a neighbouring plate


@dataclass
class Label:
    shelf: int
    plate: int
    kind: ShelfEventKind
    quantity: int
    start: float
    settled_at: float = 0.0
    simultaneous: bool = False


def _quantity(rng: np.random.Generator) -> int:
    return int(rng.choice([1, 2, 3], p=[0.7, 0.2, 0.1]))


def _script(
    rng: np.random.Generator, bank: LoadCellBank, units: list[float], stock: list[int],
    count: int, shelf: int,
) -> list[Label]:  # fmt: skip
    """Shoppers at one shelf: who picks or puts back what, when; handled on `bank`."""
    labels: list[Label] = []
    free_at = [0.0] * PLATES  # a plate takes a new hand once the last one has settled
    t = 1.5
    while len(labels) < count:
        t += float(rng.uniform(0.6, 2.0))
        free = [p for p in range(PLATES) if free_at[p] <= t]
        if not free:
            continue
        plate = int(rng.choice(free))
        group = [plate]
        if rng.random() < SIMULTANEOUS:
            near = [n for n in (plate - 1, plate + 1) if 0 <= n < PLATES and free_at[n] <= t]
            if near:
                group.append(int(rng.choice(near)))
        for p in group:
            q = _quantity(rng)
            pick = stock[p] >= q and (rng.random() < 0.55 or stock[p] > 14)
            stock[p] += -q if pick else q
            start = t + (float(rng.uniform(-0.25, 0.25)) if p != plate else 0.0)
            grams = sum(units[p] * (1 + UNIT_SD * float(rng.normal())) for _ in range(q))
            handling = bank.handle(p, start, -grams if pick else grams)
            kind = ShelfEventKind.PICK if pick else ShelfEventKind.PUT
            label = Label(shelf, p, kind, q, start, handling.settled_at, len(group) > 1)
            labels.append(label)
            free_at[p] = handling.settled_at + 1.0
    return labels


def _shelf_plan(
    rng: np.random.Generator, shelf: int, products: list[Product], crosstalk: float
) -> ShelfPlan:
    chosen = rng.choice(len(products), PLATES, replace=False)
    plates = []
    for channel, index in enumerate(chosen):
        p = products[int(index)]
        assert p.unit_weight_g is not None
        plates.append(
            PlatePlan(channel=channel, gtin=p.gtin, unit_weight_g=p.unit_weight_g, low_stock=2)
        )
    return ShelfPlan(id=f"S{shelf}", board=f"SH{shelf}", crosstalk=crosstalk, plates=tuple(plates))


def _simulate(
    plan: ShelfPlan, sps: int, rng: np.random.Generator, noise_rng: np.random.Generator,
    events: int, true_crosstalk: float, shelf: int,
) -> tuple[list[Label], list[ShelfEvent]]:  # fmt: skip
    stock = [int(rng.integers(5, 15)) for _ in range(PLATES)]
    units = [p.unit_weight_g for p in plan.plates]
    start_load = [
        u * s * (1 + UNIT_SD * float(rng.normal())) for u, s in zip(units, stock, strict=True)
    ]
    bank = LoadCellBank(PLATES, sps, NoiseSettings(crosstalk=true_crosstalk), noise_rng, start_load)
    stocked = tuple(
        p.model_copy(update={"stock": s}) for p, s in zip(plan.plates, stock, strict=True)
    )
    plan = plan.model_copy(update={"plates": stocked})
    labels = _script(rng, bank, units, list(stock), events, shelf)
    end = max(lb.settled_at for lb in labels) + MATCH_AFTER_S
    gain = 420 * rng.uniform(0.9, 1.1, PLATES)
    zero = rng.integers(-50_000, 50_000, PLATES)
    span_error = 1 + rng.normal(0, 0.001, PLATES)  # calibration is good, not perfect
    detector = ShelfDetector(plan, sps)
    decoder = FramedDecoder()
    detections: list[ShelfEvent] = []
    seq = 0
    while bank.next_time < end:
        times, grams = bank.sample(sps)
        counts = np.clip(np.round(zero + gain * grams), COUNTS_MIN, COUNTS_MAX)
        for k, t in enumerate(times):
            wire = b""
            for ch in range(PLATES):
                seq = (seq + 1) & 0xFFFF
                wire += encode_sample(
                    Sample(plan.board, ch, seq, Unit.COUNTS, float(counts[k, ch]), Flags.NONE)
                )
            for frame in decoder.feed(wire):
                assert isinstance(frame, Sample), frame
                g = (frame.value - zero[frame.channel]) / (
                    gain[frame.channel] * span_error[frame.channel]
                )
                for out in detector.feed(frame.channel, g, float(t)):
                    if isinstance(out, ShelfEvent):
                        detections.append(out)
    return labels, detections


def _match(
    labels: list[Label], detections: list[ShelfEvent]
) -> list[tuple[Label, ShelfEvent | None]]:
    used: set[int] = set()
    pairs: list[tuple[Label, ShelfEvent | None]] = []
    for label in sorted(labels, key=lambda lb: lb.start):
        found = None
        for i, d in enumerate(detections):
            if i in used or d.plate != label.plate or d.kind != label.kind:
                continue
            if label.start <= d.at <= label.settled_at + MATCH_AFTER_S:
                found = i
                break
        if found is not None:
            used.add(found)
        pairs.append((label, detections[found] if found is not None else None))
    return pairs


def _scores(pairs: list[tuple[Label, ShelfEvent | None]], detected: int) -> dict[str, float]:
    matched = [(lb, d) for lb, d in pairs if d is not None]
    precision = len(matched) / detected if detected else 0.0
    recall = len(matched) / len(pairs) if pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def run_shelves(products: list[Product], sps: int, seed: int, scale: float) -> dict:  # type: ignore[type-arg]
    usable = [
        p
        for p in products
        if p.unit_weight_g and not p.not_bagged and 15 <= p.unit_weight_g <= 3000
    ]
    rng = np.random.default_rng(seed)
    noise_rng = np.random.default_rng(seed * 1000 + sps)
    shelves, per_shelf = max(1, round(8 * scale)), max(20, round(130 * scale))
    all_pairs: list[tuple[Label, ShelfEvent | None]] = []
    detected = unexplained = 0
    for shelf in tqdm(range(shelves), desc=f"shelves at {sps} sps", file=sys.stderr):
        crosstalk = float(rng.uniform(0.005, 0.015))
        estimate = crosstalk * float(rng.uniform(0.9, 1.1))
        plan = _shelf_plan(rng, shelf, usable, estimate)
        labels, detections = _simulate(plan, sps, rng, noise_rng, per_shelf, crosstalk, shelf)
        picks_puts = [d for d in detections if d.kind != ShelfEventKind.UNEXPLAINED]
        detected += len(picks_puts)
        unexplained += len(detections) - len(picks_puts)
        all_pairs += _match(labels, picks_puts)
    matched = [(lb, d) for lb, d in all_pairs if d is not None]
    latencies = [d.at - lb.settled_at for lb, d in matched]
    simultaneous = [(lb, d) for lb, d in all_pairs if lb.simultaneous]
    sim_scores = _scores(simultaneous, sum(1 for lb, d in simultaneous if d is not None))
    return {
        "events": len(all_pairs),
        **_scores(all_pairs, detected),
        "quantity_accuracy": round(
            sum(d.quantity == lb.quantity for lb, d in matched) / max(1, len(matched)), 4
        ),
        "latency_p95_s": round(float(np.percentile(latencies, 95)), 3) if latencies else None,
        "latency_median_s": round(float(np.median(latencies)), 3) if latencies else None,
        "detections": detected,
        "unexplained": unexplained,
        "simultaneous_events": len(simultaneous),
        "recall_simultaneous": sim_scores["recall"],
        "picks": sum(lb.kind == ShelfEventKind.PICK for lb, _ in all_pairs),
        "puts": sum(lb.kind == ShelfEventKind.PUT for lb, _ in all_pairs),
        "latencies": [round(x, 3) for x in latencies],
    }
