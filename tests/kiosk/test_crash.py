"""SIGKILL `kiosk simulate` at random moments: every sale stays whole or absent, no money lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.payments.sim_ledger import SimLedger
from kiosk.storage import payments as intents
from kiosk.storage.check import check
from kiosk.storage.engine import Database
from kiosk.storage.models import PaymentRow, SaleRow

ROOT = Path(__file__).resolve().parents[2]
KILLS = 50


def simulate(db_url: str, env: dict[str, str], repeat: int) -> subprocess.Popen[bytes]:
    kiosk = Path(sys.executable).with_name("kiosk")
    scenario = ROOT / "config" / "scenarios" / "normal.toml"
    return subprocess.Popen(
        [str(kiosk), "simulate", str(scenario), "--repeat", str(repeat), "--db", db_url, "--json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )


@pytest.mark.slow
def test_sigkill_leaves_every_sale_whole_or_absent(tmp_path: Path) -> None:
    data = tmp_path / "var"
    env = {**os.environ, "KIOSK_DATA_DIR": str(data)}
    db_url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    rng = random.Random(20261122)
    kills = sales_seen = 0
    while kills < KILLS:
        proc = simulate(db_url, env, 500)
        # One kill in five lands in start-up and recovery, the rest while sales are being made.
        delay = rng.uniform(0.2, 1.2) if rng.random() < 0.2 else rng.uniform(1.2, 4.0)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
        db = Database.open(db_url, migrate=False)
        report = check(db)
        db.close()
        assert report.ok, f"after kill {kills}: {report.breaches}"
        sales_seen = report.sales
    assert sales_seen > KILLS, "the kills should land while sales are being made"

    # A clean start finishes whatever was paid when the last kill landed.
    assert simulate(db_url, env, 1).wait(timeout=120) == 0
    db = Database.open(db_url, migrate=False)
    assert check(db).ok
    assert intents.unresolved(db) == []
    with db.read() as s:
        taken = sum(
            p.amount for p in s.scalars(select(PaymentRow).where(PaymentRow.status == "captured"))
        )
        due = sum(r.amount_due for r in s.scalars(select(SaleRow)))
    db.close()
    ledger = SimLedger(data / "sim_acquirer.db")
    assert ledger.captured_total() == taken == due  # every charge has its sale, none twice
    ledger.close()
