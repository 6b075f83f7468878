"""Settings of the kiosk agent (the `[agent]` section of config/fleet.toml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AgentConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    password_env: str = Field(
        default="FLEET_MQTT_PASSWORD", description="env var holding this kiosk's MQTT password"
    )
    health_interval_s: float = Field(default=10, ge=0.1, le=3600, description="health period")
    window: int = Field(
        default=500, ge=1, le=20_000, description="events sent and not yet acknowledged, at most"
    )
    ack_timeout_s: float = Field(
        default=30, ge=0.5, le=3600, description="no acknowledgement after this: send again"
    )
    poll_s: float = Field(default=0.5, ge=0.01, le=60, description="outbox poll period")
    stock_snapshot_interval_s: float = Field(
        default=900, ge=10, le=86_400, description="full stock snapshot period"
    )
    journal_file: str = Field(
        default="fleet-agent.db", description="seen nonces and command journal, in data_dir"
    )
    max_clock_skew_s: float = Field(
        default=120, ge=0, le=3600, description="accept commands issued this far in the future"
    )
    max_command_lifetime_s: float = Field(
        default=3600, ge=10, le=86_400, description="refuse commands valid for longer"
    )
