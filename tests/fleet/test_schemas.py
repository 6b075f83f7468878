"""The JSON Schemas in fleet/schemas/ match the models; payloads as kiosks write them validate."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from fleet.messages.events import EVENT_ADAPTER, SaleEvent, event_body
from fleet.messages.schemas import SCHEMA_DIR, generate, stale
from fleet.sim.workload import Workload


def test_schema_files_are_current() -> None:
    assert stale() == [], "run `uv run fleet schemas write` and commit fleet/schemas/"


def test_stale_notices_an_edited_and_a_stray_file(tmp_path: Path) -> None:
    for name, text in generate().items():
        (tmp_path / name).write_text(text)
    (tmp_path / "health.json").write_text("{}\n")
    (tmp_path / "old.json").write_text("{}\n")
    assert sorted(stale(tmp_path)) == [
        "health.json: differs from the models",
        "old.json: no model produces it",
    ]


def test_every_schema_is_versioned() -> None:
    for name in ("status", "health", "event_ack", "signed_command", "command_result"):
        schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text())
        assert schema["properties"]["v"]["const"] == 1, name


@pytest.mark.parametrize("kind", ["sale", "alert", "session", "stock"])
def test_kiosk_payloads_validate(kind: str) -> None:
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    _, payload = Workload("k1", random.Random(3), {kind: 1.0}).next(now)
    body = event_body(
        kind=kind,
        event_id="4f6b7b2e-1c1d-4d3a-9a0e-0d5c5e2f3a10",
        seq=7,
        store="s1",
        kiosk_id="k1",
        created_at=now.isoformat(),
        payload=payload,
    )
    event = EVENT_ADAPTER.validate_python(body)
    assert (event.kind, event.seq, str(event.event_id)[:8]) == (kind, 7, "4f6b7b2e")


def test_sale_payload_is_the_kiosks_sale_draft(tmp_path: Path) -> None:
    """What kiosk.storage.sales.sale_event produces for a real committed sale validates."""
    from kiosk.checkout.sale import SaleDraft, SalePayment
    from kiosk.storage.sales import sale_event

    _, payload = Workload("k1", random.Random(5), {"sale": 1.0}).next(datetime.now(UTC))
    draft = SaleDraft.model_validate(
        {k: v for k, v in payload.items() if k not in ("kiosk_id", "created_at")}
    )
    assert isinstance(draft.payment, SalePayment)
    body = sale_event(draft, "k1", datetime.now(UTC))
    event = EVENT_ADAPTER.validate_python(
        event_body(
            kind="sale",
            event_id="4f6b7b2e-1c1d-4d3a-9a0e-0d5c5e2f3a10",
            seq=1,
            store="s1",
            kiosk_id="k1",
            created_at=body["created_at"],
            payload=body,
        )
    )
    assert isinstance(event, SaleEvent)
    assert event.payload.total == draft.total


def test_unknown_keys_and_missing_versions_are_refused() -> None:
    now = datetime.now(UTC).isoformat()
    good = event_body(
        kind="session",
        event_id="4f6b7b2e-1c1d-4d3a-9a0e-0d5c5e2f3a10",
        seq=1,
        store="s1",
        kiosk_id="k1",
        created_at=now,
        payload={"session_id": "x", "reason": "paid", "items": 1, "value": 5},
    )
    EVENT_ADAPTER.validate_python(good)
    for broken in (
        {**good, "extra": 1},
        {**good, "v": 2},
        {**good, "seq": 0},
        {**good, "kiosk_id": "K 1"},
        {**good, "kind": "bogus"},
    ):
        with pytest.raises(ValidationError):
            EVENT_ADAPTER.validate_python(broken)
