"""Reconnect delays: exponential, capped, with jitter so a fleet does not reconnect in step."""

from __future__ import annotations

import random


class Backoff:
    def __init__(self, base_s: float, cap_s: float, rng: random.Random | None = None) -> None:
        self.base_s = base_s
        self.cap_s = max(cap_s, base_s)
        self.rng = rng or random.Random()
        self.attempt = 0

    def next(self) -> float:
        """Half the exponential step, plus a random part up to the other half."""
        step = min(self.cap_s, self.base_s * float(2 ** min(self.attempt, 30)))
        self.attempt += 1
        return step / 2 + self.rng.uniform(0, step / 2)

    def reset(self) -> None:
        self.attempt = 0
