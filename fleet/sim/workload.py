"""Realistic outbox events for simulated kiosks: the same payloads kiosk.storage writes.

Sales are SaleDraft documents (as kiosk.storage.sales.sale_event makes them), alerts carry the
kinds the checkout raises, stock changes look like restocks. Seeded: the same seed, the same
events.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

ALERT_KINDS = (
    ("weight_mismatch", "warning", 30),
    ("unexpected_item", "warning", 10),
    ("item_removed", "warning", 8),
    ("help", "info", 15),
    ("age_check", "info", 10),
    ("unknown_barcode", "info", 12),
    ("payment_failure", "info", 10),
    ("device_fault", "critical", 2),
    ("staff_void", "info", 3),
)
DEFAULT_MIX = {"sale": 0.55, "session": 0.2, "alert": 0.2, "stock": 0.05}


def gtin14(body: str) -> str:
    """Append the GS1 check digit to 13 digits."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


@dataclass(frozen=True)
class SimProduct:
    gtin: str
    name: str
    price: int
    tax_category: str
    tax_rate: str


PRODUCTS = tuple(
    SimProduct(
        gtin14(f"069{n:010d}"),
        f"Product {n:03d}",
        price=100 + (n * 137) % 4900,
        tax_category="reduced" if n % 4 == 0 else "standard",
        tax_rate="9" if n % 4 == 0 else "13",
    )
    for n in range(1, 61)
)


class Workload:
    def __init__(self, kiosk_id: str, rng: random.Random, mix: dict[str, float] | None = None):
        self.kiosk_id = kiosk_id
        self.rng = rng
        mix = mix or DEFAULT_MIX
        self._kinds = list(mix)
        self._weights = [mix[k] for k in self._kinds]

    def next(self, now: datetime) -> tuple[str, dict[str, Any]]:
        kind = self.rng.choices(self._kinds, self._weights)[0]
        return kind, getattr(self, f"_{kind}")(now)

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _sale(self, now: datetime) -> dict[str, Any]:
        picks = self.rng.sample(PRODUCTS, self.rng.randint(1, 4))
        lines: list[dict[str, Any]] = []
        taxes: dict[str, tuple[int, int]] = {}
        total = 0
        for n, p in enumerate(picks, 1):
            qty = self.rng.randint(1, 3)
            gross = p.price * qty
            rate = int(p.tax_rate)
            tax = gross * rate // (100 + rate)
            lines.append(
                {
                    "line_no": n,
                    "gtin": p.gtin,
                    "name_en": p.name,
                    "name_zh": p.name,
                    "quantity": qty,
                    "grams": None,
                    "unit_price": p.price,
                    "gross": gross,
                    "discounts": [],
                    "net": gross,
                    "tax_category": p.tax_category,
                    "tax_rate": p.tax_rate,
                    "tax": tax,
                }
            )
            total += gross
            base, t = taxes.get(p.tax_category, (0, 0))
            taxes[p.tax_category] = (base + gross - tax, t + tax)
        tax_total = sum(t for _, t in taxes.values())
        return {
            "sale_id": self._uuid(),
            "session_id": self._uuid(),
            "currency": "CNY",
            "currency_exponent": 2,
            "tax_mode": "inclusive",
            "lines": lines,
            "adjustments": [],
            "taxes": [
                {"category": c, "rate": "9" if c == "reduced" else "13", "base": b, "tax": t}
                for c, (b, t) in sorted(taxes.items())
            ],
            "subtotal": total,
            "discount_total": 0,
            "tax_total": tax_total,
            "total": total,
            "points_redeemed": 0,
            "points_value": 0,
            "points_earned": total // 100,
            "amount_due": total,
            "member_id": None,
            "member_name": None,
            "coupons": [],
            "approvals": [],
            "payment": {
                "method": self.rng.choice(["card", "qr_wallet"]),
                "key": self._uuid(),
                "amount": total,
                "reference": f"SIM-{self.rng.randint(0, 10**8):08d}",
                "card_last4": "4242",
            },
            "kiosk_id": self.kiosk_id,
            "created_at": now.isoformat(),
        }

    def _session(self, now: datetime) -> dict[str, Any]:
        reason = self.rng.choices(["paid", "cancelled", "abandoned"], [80, 12, 8])[0]
        return {
            "session_id": self._uuid(),
            "reason": reason,
            "items": self.rng.randint(0, 8),
            "value": self.rng.randint(0, 30_000),
        }

    def _alert(self, now: datetime) -> dict[str, Any]:
        kind, severity, _ = self.rng.choices(ALERT_KINDS, [w for *_, w in ALERT_KINDS])[0]
        detail: dict[str, Any] = {"session": self._uuid()}
        if kind == "device_fault":
            detail = {"device": "printer", "detail": "paper out"}
        return {
            "kind": kind,
            "severity": severity,
            "detail": detail,
            "session_id": None,
            "kiosk_id": self.kiosk_id,
            "at": now.isoformat(),
        }

    def _stock(self, now: datetime) -> dict[str, Any]:
        p = self.rng.choice(PRODUCTS)
        delta = self.rng.randint(5, 40)
        return {
            "gtin": p.gtin,
            "stock": self.rng.randint(0, 60) + delta,
            "delta": delta,
            "reason": "restock",
            "staff_id": "s1",
        }
