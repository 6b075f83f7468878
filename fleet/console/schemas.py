"""What the console's JSON API returns and accepts (also the page models); documented in OpenAPI."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from fleet.store.models import AlertStatus

OUT = ConfigDict(frozen=True)
IN = ConfigDict(extra="forbid", frozen=True)
KioskId = str


class HealthState(StrEnum):
    OK = "ok"
    DEGRADED = "degraded"
    FAULT = "fault"
    UNKNOWN = "unknown"  # no health message yet


class KioskSummary(BaseModel):
    model_config = OUT

    kiosk_id: str
    store: str
    online: bool
    locked: bool
    health: HealthState
    last_seen: datetime
    open_alerts: int
    last_sale_at: datetime | None
    backlog: int


class Overview(BaseModel):
    model_config = OUT

    kiosks: list[KioskSummary]
    total: int = Field(description="kiosks matching the filter (the list may be a page of them)")
    online: int
    open_alerts: int


class HealthPoint(BaseModel):
    model_config = OUT

    at: datetime
    cpu_percent: float | None
    memory_percent: float | None
    disk_percent: float | None
    temperature_c: float | None
    backlog: int


class SaleSummary(BaseModel):
    model_config = OUT

    sale_id: str
    kiosk_id: str
    store: str
    created_at: datetime
    items: int
    total: int = Field(description="minor units")
    currency: str
    exponent: int
    method: str | None


class CommandView(BaseModel):
    model_config = OUT

    command_id: str
    kiosk_id: str
    action: str
    args: dict[str, Any]
    issued_by: str
    issued_at: datetime
    status: str
    result_detail: str | None
    result_at: datetime | None


class EventView(BaseModel):
    model_config = OUT

    seq: int
    kind: str
    subkind: str | None
    created_at: datetime


class AlertView(BaseModel):
    model_config = OUT

    id: int
    rule: str
    kiosk_id: str
    store: str
    subject: str
    severity: str
    status: AlertStatus
    count: int
    detail: dict[str, Any]
    opened_at: datetime
    last_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None


class KioskDetail(BaseModel):
    model_config = OUT

    kiosk: KioskSummary
    app_version: str | None
    status_reason: str | None
    devices: dict[str, str]
    health: list[HealthPoint]
    sales: list[SaleSummary]
    events: list[EventView]
    alerts: list[AlertView]
    commands: list[CommandView]


class StockView(BaseModel):
    model_config = OUT

    store: str
    kiosk_id: str
    gtin: str
    name: str
    stock: int
    low: bool
    updated_at: datetime


class Bucket(BaseModel):
    model_config = OUT

    label: str
    sales: int
    revenue: int


class ProductView(BaseModel):
    model_config = OUT

    gtin: str
    name: str
    quantity: int
    revenue: int


class SalesReport(BaseModel):
    model_config = OUT

    since: datetime
    until: datetime
    store: str | None
    currency: str | None
    exponent: int
    sales: int
    revenue: int
    per_hour: list[Bucket]
    per_day: list[Bucket]
    top_products: list[ProductView]


class AuditView(BaseModel):
    model_config = OUT

    id: int
    at: datetime
    user: str
    store: str | None
    action: str
    target: str
    ok: bool
    detail: str


class Me(BaseModel):
    model_config = OUT

    name: str
    role: str
    store: str | None
    csrf_token: str = Field(description="send it as X-CSRF-Token with every change")


class LoginIn(BaseModel):
    model_config = IN

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class CommandIn(BaseModel):
    """A command from the console: the simple actions a person takes at a screen."""

    model_config = IN

    action: Literal["lock", "unlock", "restart", "resend"]
    reason: str = Field(default="", max_length=200)
    from_seq: int = Field(default=1, ge=1, le=2**62, description="resend only")


class Problem(BaseModel):
    model_config = OUT

    detail: str
