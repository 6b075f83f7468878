"""The agent inside a real kiosk: its SQLite outbox, catalog, config, and the app's hooks.

`build_kiosk_agent` is what the kiosk app calls at start (then `agent.start()`, and
`agent.stop()` at exit). Price, catalog and config commands are carried out here against
kiosk.storage and kiosk.config; lock, unlock and restart go to the app's hooks.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import JsonValue
from sqlalchemy import select

import kiosk
from fleet.agent.commands import CommandProcessor
from fleet.agent.core import AgentCore, Identity
from fleet.agent.health import SystemHealth
from fleet.agent.hooks import AppHooks, CommandRefused
from fleet.agent.journal import Journal
from fleet.agent.runner import KioskAgent
from fleet.config import LoadedFleetConfig
from fleet.messages.commands import PriceChange
from fleet.messages.telemetry import StockLevel
from fleet.signing import KeyFileError, Verifier, load_public_key
from fleet.topics import Topics
from kiosk.checkout.catalog_csv import CatalogFileError, parse_catalog
from kiosk.checkout.gs1 import GtinError, to_gtin14
from kiosk.config import ConfigError, LoadedConfig, load_config
from kiosk.storage.catalog_repo import import_products
from kiosk.storage.engine import Database
from kiosk.storage.models import CounterRow, ProductRow
from kiosk.storage.outbox import SEQ_COUNTER, OutboxStore

logger = logging.getLogger(__name__)


def config_hash(loaded: LoadedConfig) -> str:
    """Which configuration a kiosk runs: kiosk.toml and its promotions file."""
    digest = hashlib.sha256()
    for path in (loaded.path, loaded.resolve(loaded.config.checkout.promotions_file)):
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class KioskOperations:
    """Price, catalog and config changes ordered by the fleet, all or nothing."""

    def __init__(self, loaded: LoadedConfig, db: Database) -> None:
        self.loaded = loaded
        self.db = db

    def change_prices(self, changes: Sequence[PriceChange]) -> dict[str, JsonValue]:
        try:
            wanted = [(to_gtin14(c.gtin), c.price) for c in changes]
        except GtinError as e:
            raise CommandRefused(f"price change refused: {e}") from None
        now = datetime.now(UTC)
        with self.db.write() as s:
            rows = {
                r.gtin: r
                for r in s.scalars(
                    select(ProductRow).where(ProductRow.gtin.in_([g for g, _ in wanted]))
                )
            }
            missing = sorted({g for g, _ in wanted} - set(rows))
            if missing:
                raise CommandRefused(f"price change refused: unknown products {missing[:20]}")
            for gtin, price in wanted:
                rows[gtin].price = price
                rows[gtin].updated_at = now
        return {"changed": len(wanted)}

    def update_catalog(self, csv: str) -> dict[str, JsonValue]:
        try:
            products = parse_catalog(csv, self.loaded.currency)
        except CatalogFileError as e:
            problems = "; ".join(str(err) for err in e.errors[:10])
            raise CommandRefused(
                f"catalog refused ({len(e.errors)} problems): {problems}"
            ) from None
        summary = import_products(self.db, products)
        return {"added": summary.added, "updated": summary.updated, "unchanged": summary.unchanged}

    def update_config(self, toml: str) -> dict[str, JsonValue]:
        """Validated like at start (every problem named); then swapped in, the old one kept."""
        path = self.loaded.path
        incoming = path.with_name(f".{path.name}.incoming")
        incoming.write_text(toml, encoding="utf-8")
        try:
            new = load_config(incoming)
        except ConfigError as e:
            incoming.unlink(missing_ok=True)
            problems = [p.replace(str(incoming), path.name) for p in e.problems]
            raise CommandRefused("config refused: " + "; ".join(problems[:10])) from None
        old = self.loaded.config.kiosk
        if (new.config.kiosk.id, new.config.kiosk.store) != (old.id, old.store):
            incoming.unlink(missing_ok=True)
            raise CommandRefused(
                f"config refused: it is for {new.config.kiosk.store}/{new.config.kiosk.id}"
            )
        backup = path.with_name(path.name + ".bak")
        shutil.copy2(path, backup)
        os.replace(incoming, path)
        logger.warning("kiosk config replaced by the fleet; the old one is %s", backup)
        return {
            "config_hash": config_hash(load_config(path)),
            "backup": backup.name,
            "applies": "at the next restart",
        }

    def stock_snapshot(self) -> tuple[int, list[StockLevel]]:
        with self.db.read() as s:
            counter = s.get(CounterRow, SEQ_COUNTER)
            levels = [
                StockLevel(gtin=r.gtin, name=r.name_en[:80], stock=r.stock)
                for r in s.scalars(select(ProductRow).order_by(ProductRow.gtin))
            ]
            return (counter.value if counter else 0), levels


def load_verifier(fleet: LoadedFleetConfig) -> Verifier | None:
    try:
        return Verifier([load_public_key(p) for p in fleet.public_key_files])
    except KeyFileError as e:
        logger.error("fleet commands disabled on this kiosk: %s", e)
        return None


def build_kiosk_agent(
    kiosk_config: LoadedConfig,
    db: Database,
    fleet: LoadedFleetConfig,
    hooks: AppHooks,
    *,
    password: str | None = None,
) -> KioskAgent:
    """The agent for this kiosk; call `.start()` once the app runs and `.stop()` at exit."""
    cfg = fleet.config
    k = kiosk_config.config.kiosk
    password = password if password is not None else os.environ.get(cfg.agent.password_env)
    if password is None:
        logger.warning(
            "no MQTT password in $%s; the broker will refuse this kiosk", cfg.agent.password_env
        )
    operations = KioskOperations(kiosk_config, db)
    core = AgentCore(
        identity=Identity(k.store, k.id, kiosk.__version__, config_hash(kiosk_config)),
        topics=Topics(cfg.topics),
        config=cfg.agent,
        broker=cfg.broker,
        outbox=OutboxStore(db),
        machine=SystemHealth(kiosk_config.data_dir),
        hooks=hooks,
        password=password,
        ca_file=fleet.ca_file,
        stock=operations.stock_snapshot,
    )
    verifier = load_verifier(fleet)
    if verifier is not None:
        core.commands = CommandProcessor(
            store=k.store,
            kiosk_id=k.id,
            verifier=verifier,
            journal=Journal(kiosk_config.data_dir / cfg.agent.journal_file),
            config=cfg.agent,
            hooks=hooks,
            resend=core.resend,
            operations=operations,
        )
    return KioskAgent(core)


def journal_path(kiosk_config: LoadedConfig, fleet: LoadedFleetConfig) -> Path:
    return kiosk_config.data_dir / fleet.config.agent.journal_file
