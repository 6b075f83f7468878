"""JSON Schemas of every fleet message, generated from the models into fleet/schemas/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from fleet.messages.acks import EventAck
from fleet.messages.commands import CommandBody, CommandResult, SignedCommand
from fleet.messages.events import EVENT_ADAPTER
from fleet.messages.telemetry import Health, Status, StockSnapshot

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"

MODELS: dict[str, type[BaseModel] | TypeAdapter[Any]] = {
    "event": EVENT_ADAPTER,
    "event_ack": EventAck,
    "status": Status,
    "health": Health,
    "stock_snapshot": StockSnapshot,
    "signed_command": SignedCommand,
    "command_body": CommandBody,
    "command_result": CommandResult,
}


def _schema(model: type[BaseModel] | TypeAdapter[Any]) -> dict[str, Any]:
    if isinstance(model, TypeAdapter):
        return model.json_schema()
    return model.model_json_schema()


def generate() -> dict[str, str]:
    """File name -> schema text, deterministic (sorted keys, trailing newline)."""
    out = {}
    for name, model in MODELS.items():
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **_schema(model)}
        schema.setdefault("title", name)
        out[f"{name}.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return out


def write(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generate().items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def stale(directory: Path = SCHEMA_DIR) -> list[str]:
    """Schema files missing, different from the models, or left over from a removed model."""
    wanted = generate()
    problems = []
    for name, text in wanted.items():
        path = directory / name
        if not path.exists():
            problems.append(f"{name}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{name}: differs from the models")
    for path in directory.glob("*.json"):
        if path.name not in wanted:
            problems.append(f"{path.name}: no model produces it")
    return problems
