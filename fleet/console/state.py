"""What every console route shares: the store, the command sender, the live feed, settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from fleet.console.config import ConsoleConfig
from fleet.console.lastsale import LastSales
from fleet.console.live import ChangeFeed
from fleet.console.topproducts import TopProducts
from fleet.manager.commands import CommandSender
from kiosk.storage.engine import Database


@dataclass
class ConsoleState:
    db: Database
    commands: CommandSender | None
    feed: ChangeFeed
    config: ConsoleConfig
    low_stock_at: int
    timezone: str
    last_sales: LastSales = field(default_factory=LastSales)
    top_products: TopProducts = field(default_factory=TopProducts)


def get_state(request: Request) -> ConsoleState:
    state: ConsoleState = request.app.state.console
    return state
