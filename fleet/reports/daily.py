"""`fleet report daily`: one store's sales for one day, per kiosk and per product, CSV and PNG.

The day is a calendar day in the report timezone (config `report.timezone`). Amounts are
written in major units with the currency's own number of decimals; a store selling in
several currencies gets one row per currency.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from fleet.store.models import SaleLineRow, SaleRow
from kiosk.storage.engine import Database


@dataclass(frozen=True)
class KioskTotal:
    kiosk_id: str
    currency: str
    exponent: int
    sales: int
    items: int
    revenue: int  # minor units


@dataclass(frozen=True)
class ProductTotal:
    gtin: str
    name: str
    currency: str
    exponent: int
    quantity: int
    revenue: int


@dataclass(frozen=True)
class DailyReport:
    store: str
    day: date
    kiosks: list[KioskTotal]
    products: list[ProductTotal]
    files: list[Path]


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def major(amount: int, exponent: int) -> str:
    return str(Decimal(amount).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent)))


def gather(
    db: Database, store: str, day: date, tz: ZoneInfo
) -> tuple[list[KioskTotal], list[ProductTotal]]:
    start, end = day_bounds(day, tz)
    window = (SaleRow.store == store, SaleRow.created_at >= start, SaleRow.created_at < end)
    with db.read() as s:
        kiosks = [
            KioskTotal(r.kiosk_id, r.currency, int(r.exponent), int(r.n), int(r.items), int(r.rev))
            for r in s.execute(
                select(
                    SaleRow.kiosk_id,
                    SaleRow.currency,
                    func.max(SaleRow.exponent).label("exponent"),
                    func.count().label("n"),
                    func.sum(SaleRow.items).label("items"),
                    func.sum(SaleRow.total).label("rev"),
                )
                .where(*window)
                .group_by(SaleRow.kiosk_id, SaleRow.currency)
                .order_by(SaleRow.kiosk_id)
            )
        ]
        products = [
            ProductTotal(r.gtin, r.name, r.currency, int(r.exponent), int(r.qty), int(r.rev))
            for r in s.execute(
                select(
                    SaleLineRow.gtin,
                    func.max(SaleLineRow.name).label("name"),
                    SaleRow.currency,
                    func.max(SaleRow.exponent).label("exponent"),
                    func.sum(SaleLineRow.quantity).label("qty"),
                    func.sum(SaleLineRow.net).label("rev"),
                )
                .join(SaleRow, SaleRow.sale_id == SaleLineRow.sale_id)
                .where(*window)
                .group_by(SaleLineRow.gtin, SaleRow.currency)
                .order_by(func.sum(SaleLineRow.net).desc(), SaleLineRow.gtin)
            )
        ]
    return kiosks, products


def write_csv(
    report_kiosks: list[KioskTotal], products: list[ProductTotal], base: Path
) -> list[Path]:
    kiosk_path = base.with_name(base.name + "-kiosks.csv")
    with kiosk_path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["kiosk_id", "sales", "items", "revenue", "currency"])
        for k in report_kiosks:
            w.writerow([k.kiosk_id, k.sales, k.items, major(k.revenue, k.exponent), k.currency])
    product_path = base.with_name(base.name + "-products.csv")
    with product_path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["gtin", "name", "quantity", "revenue", "currency"])
        for p in products:
            w.writerow([p.gtin, p.name, p.quantity, major(p.revenue, p.exponent), p.currency])
    return [kiosk_path, product_path]


def write_chart(report: DailyReport, path: Path, top: int = 15) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    scale = [10**-k.exponent for k in report.kiosks]
    left.bar(
        [k.kiosk_id for k in report.kiosks],
        [k.revenue * f for k, f in zip(report.kiosks, scale, strict=True)],
        color="#4c72b0",
    )
    left.set_title(f"Revenue per kiosk, {report.store}, {report.day.isoformat()}")
    left.tick_params(axis="x", rotation=45)
    best = report.products[:top]
    right.barh(
        [f"{p.name[:28]} ({p.gtin[-6:]})" for p in best][::-1],
        [p.revenue * 10**-p.exponent for p in best][::-1],
        color="#55a868",
    )
    right.set_title(f"Top {len(best)} products by revenue")
    currency = report.kiosks[0].currency if report.kiosks else ""
    left.set_ylabel(currency)
    right.set_xlabel(currency)
    if not report.kiosks:
        left.text(0.5, 0.5, "no sales", ha="center", va="center", transform=left.transAxes)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def daily_report(db: Database, store: str, day: date, tz: ZoneInfo, out_dir: Path) -> DailyReport:
    kiosks, products = gather(db, store, day, tz)
    out_dir.mkdir(parents=True, exist_ok=True)
    base = out_dir / f"{store}-{day.isoformat()}"
    files = write_csv(kiosks, products, base)
    report = DailyReport(store, day, kiosks, products, files)
    files.append(write_chart(report, base.with_name(base.name + "-chart.png")))
    return report
