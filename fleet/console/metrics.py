"""/metrics for Prometheus: fleet gauges read from the store at scrape time, console counters."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Integer, cast, func, select

from fleet.alerts.book import UNRESOLVED
from fleet.console.live import ChangeFeed
from fleet.store.models import AlertRow, CommandRow, CommandStatus, EventRow, KioskRow
from kiosk.storage.engine import Database


class FleetCollector(Collector):
    """Aggregates only (no store or kiosk names): safe to scrape without a login."""

    def __init__(self, db: Database, feed: ChangeFeed) -> None:
        self.db = db
        self.feed = feed

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self.db.read() as s:
            total, online, locked = s.execute(
                select(
                    func.count(),
                    func.coalesce(func.sum(cast(KioskRow.online, Integer)), 0),
                    func.coalesce(func.sum(cast(KioskRow.locked, Integer)), 0),
                )
            ).one()
            alerts = s.execute(
                select(AlertRow.severity, func.count())
                .where(AlertRow.status.in_(UNRESOLVED))
                .group_by(AlertRow.severity)
            ).tuples()
            pending = s.scalar(
                select(func.count()).where(CommandRow.status == CommandStatus.SENT.value)
            )
            unprojected = s.scalar(select(func.count()).where(EventRow.projected.is_(False)))
        yield GaugeMetricFamily("fleet_kiosks", "kiosks known to the fleet", value=total)
        yield GaugeMetricFamily("fleet_kiosks_online", "kiosks online", value=online)
        yield GaugeMetricFamily("fleet_kiosks_locked", "kiosks out of service", value=locked)
        by_severity = GaugeMetricFamily(
            "fleet_alerts_unresolved", "open or acknowledged alerts", labels=["severity"]
        )
        for severity, n in alerts:
            by_severity.add_metric([severity], n)
        yield by_severity
        yield GaugeMetricFamily(
            "fleet_commands_pending", "commands sent without an answer yet", value=pending or 0
        )
        yield GaugeMetricFamily(
            "fleet_events_unprojected", "events stored, not yet projected", value=unprojected or 0
        )
        yield GaugeMetricFamily(
            "console_live_subscribers", "open live pages", value=self.feed.subscribers
        )


class ConsoleMetrics:
    def __init__(self, db: Database, feed: ChangeFeed) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(FleetCollector(db, feed))
        self.requests = Histogram(
            "console_request_seconds",
            "console request time by route",
            ["route", "method", "status"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )
        self.logins = Counter(
            "console_logins", "login attempts by outcome", ["outcome"], registry=self.registry
        )
