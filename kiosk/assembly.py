"""Building a working kiosk from its config: database, catalog, session machine, payments."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk.checkout.catalog_csv import parse_catalog
from kiosk.checkout.events import PaymentMethod
from kiosk.checkout.session import CheckoutContext, CheckoutMachine
from kiosk.config import LoadedConfig
from kiosk.payments.base import PaymentProvider
from kiosk.payments.member_wallet import MemberWalletProvider
from kiosk.payments.sim_ledger import SimLedger
from kiosk.payments.simulated import SimulatedCardTerminal, SimulatedQrWallet
from kiosk.receipts.issuer import ReceiptIssuer
from kiosk.runtime import Runtime
from kiosk.storage.catalog_repo import import_products, list_products, load_catalog
from kiosk.storage.engine import Database

logger = logging.getLogger(__name__)


@dataclass
class Kiosk:
    """Everything a running kiosk is made of; the app, the simulator and tests share it."""

    loaded: LoadedConfig
    db: Database
    machine: CheckoutMachine
    runtime: Runtime
    providers: dict[PaymentMethod, PaymentProvider]
    ledgers: dict[str, SimLedger]

    def close(self) -> None:
        self.runtime.stop()
        for ledger in self.ledgers.values():
            ledger.close()
        self.db.close()


def seed_catalog(loaded: LoadedConfig, db: Database) -> int:
    """Import the configured catalog file into an empty database; returns products added."""
    if list_products(db):
        return 0
    path = loaded.resolve(loaded.config.checkout.catalog_file)
    products = parse_catalog(path.read_text(encoding="utf-8"), loaded.currency)
    return import_products(db, products).added


def build_providers(
    loaded: LoadedConfig,
    db: Database,
    *,
    wall_seconds: Callable[[], float] = time.time,
    instant: bool = False,
) -> tuple[dict[PaymentMethod, PaymentProvider], dict[str, SimLedger]]:
    cfg = loaded.config.payments
    ledgers: dict[str, SimLedger] = {}

    def ledger(name: str) -> SimLedger:
        if name not in ledgers:
            ledgers[name] = SimLedger(loaded.in_data_dir(name))
        return ledgers[name]

    providers: dict[PaymentMethod, PaymentProvider] = {}
    for method in cfg.methods:
        if method == PaymentMethod.CARD:
            providers[method] = SimulatedCardTerminal(
                ledger(cfg.card.ledger),
                delay_s=0 if instant else cfg.card.delay_s,
                clock=wall_seconds,
            )
        elif method == PaymentMethod.QR_WALLET:
            providers[method] = SimulatedQrWallet(
                ledger(cfg.qr_wallet.ledger),
                confirm_after_s=0 if instant else cfg.qr_wallet.confirm_after_s,
                expire_after_s=cfg.qr_wallet.expire_after_s,
                base_url=cfg.qr_wallet.base_url,
                clock=wall_seconds,
            )
        elif method in (PaymentMethod.MEMBER_WALLET, PaymentMethod.FACE):
            providers.setdefault(PaymentMethod.MEMBER_WALLET, MemberWalletProvider(db))
    return providers, ledgers


def build_kiosk(
    loaded: LoadedConfig,
    *,
    db_url: str | None = None,
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], datetime] = lambda: datetime.now(UTC),
    new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    instant_payments: bool = False,
) -> Kiosk:
    cfg = loaded.config
    db = Database.open(db_url or loaded.database_url)
    seed_catalog(loaded, db)
    machine = CheckoutMachine(
        CheckoutContext(
            catalog=load_catalog(db),
            rules=loaded.pricing,
            currency=loaded.currency,
            codes=cfg.checkout.codes,
            settings=cfg.checkout.session,
            bagging=cfg.checkout.bagging,
            face_max_amount=(
                cfg.face_pay.max_amount
                if cfg.face_pay.enabled and PaymentMethod.FACE in cfg.payments.methods
                else None
            ),
            new_id=new_id,
            clock=wall,
        )
    )
    providers, ledgers = build_providers(
        loaded, db, wall_seconds=lambda: wall().timestamp(), instant=instant_payments
    )
    receipts = ReceiptIssuer(
        cfg.receipts, store_name=cfg.kiosk.name, kiosk_id=cfg.kiosk.id, data_dir=loaded.data_dir
    )
    runtime = Runtime(
        machine,
        db,
        providers,
        kiosk_id=cfg.kiosk.id,
        receipts=receipts,
        clock=clock,
        wall=wall,
        payment_timeout_s=cfg.payments.timeout_s,
        poll_interval_s=cfg.payments.poll_interval_s,
    )
    return Kiosk(loaded, db, machine, runtime, providers, ledgers)
