"""The fleet configuration file (config/fleet.toml): broker, topics, keys, store, manager, agent.

One file per site: the manager reads all of it; each kiosk's agent reads `broker`, `topics`,
`keys` (public keys only) and `agent`. Secrets (MQTT passwords, the signing key) come from
the environment or a key file outside the repository, never from the TOML.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fleet.agent.config import AgentConfig
from fleet.console.config import ConsoleConfig

STRICT = ConfigDict(extra="forbid", frozen=True)
DEFAULT_PATH = Path("config/fleet.toml")
ENV_CONFIG = "FLEET_CONFIG"
ENV_SIGNING_KEY = "FLEET_SIGNING_KEY_FILE"
ENV_DATA_DIR = "FLEET_DATA_DIR"
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"


class BrokerConfig(BaseModel):
    model_config = STRICT

    host: str = Field(default="127.0.0.1", min_length=1, max_length=253, description="broker")
    port: int = Field(default=8883, ge=1, le=65535, description="8883 for TLS, 1883 plain")
    tls: bool = Field(default=True, description="TLS to the broker (plain only on loopback)")
    ca_file: str | None = Field(
        default="../var/site/ca.crt", description="CA that signed the broker; relative here"
    )
    keepalive_s: int = Field(default=30, ge=5, le=600, description="MQTT keepalive")
    session_expiry_s: int = Field(
        default=86_400, ge=0, le=2_592_000, description="broker keeps our session this long"
    )
    reconnect_min_s: float = Field(default=1.0, gt=0, le=60, description="first backoff")
    reconnect_max_s: float = Field(default=60.0, gt=0, le=3600, description="backoff ceiling")
    max_payload_kb: int = Field(
        default=256, ge=1, le=65_536, description="larger payloads are refused (match broker)"
    )


class TopicsConfig(BaseModel):
    model_config = STRICT

    prefix: str = Field(
        default="kiosks", pattern=r"^[a-z0-9][a-z0-9_/-]{0,62}$", description="topic root"
    )
    share_group: str = Field(
        default="fleet", pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$", description="$share group name"
    )


class KeysConfig(BaseModel):
    model_config = STRICT

    private_key_file: str = Field(
        default="~/.config/open-selfcheckout/fleet-signing.key",
        description=f"Ed25519 signing key, outside the repo; env {ENV_SIGNING_KEY} wins",
    )
    public_key_files: tuple[str, ...] = Field(
        default=("../var/site/fleet-signing.pub",),
        min_length=1,
        max_length=8,
        description="public keys kiosks trust (several during a key rotation); relative here",
    )


class StoreConfig(BaseModel):
    model_config = STRICT

    url: str | None = Field(
        default=None, description="SQLAlchemy URL; default sqlite fleet.db in data_dir"
    )
    data_dir: str = Field(
        default="../var", description=f"relative to this file; env {ENV_DATA_DIR} wins"
    )


class ManagerConfig(BaseModel):
    model_config = STRICT

    username: str = Field(default="fleet-manager", min_length=1, max_length=64)
    password_env: str = Field(default="FLEET_MANAGER_PASSWORD", description="env var name")
    client_id: str = Field(
        default="fleet-manager", pattern=r"^[A-Za-z0-9_.-]{1,40}$", description="id prefix"
    )
    port: int | None = Field(
        default=8884, ge=1, le=65535, description="the manager's broker listener; none: broker.port"
    )
    workers: int = Field(default=2, ge=1, le=32, description="ingest worker processes")
    session_expiry_s: int = Field(
        default=120,
        ge=0,
        le=86_400,
        description="a crashed worker's share waits this long for its restart "
        "(a clean stop ends its session at once, so nothing waits for a worker that left)",
    )
    batch_max: int = Field(default=1000, ge=1, le=10_000, description="events per commit")
    batch_wait_ms: int = Field(default=20, ge=1, le=2000, description="longest wait to batch")
    heartbeat_timeout_s: float = Field(
        default=35, ge=5, le=3600, description="no health for this long: offline"
    )
    gap_grace_s: float = Field(
        default=10, ge=1, le=3600, description="a hole in the sequence older than this: resend"
    )
    resend_interval_s: float = Field(
        default=30, ge=1, le=3600, description="between two resend requests for one hole"
    )
    monitor_interval_s: float = Field(default=2, ge=0.1, le=60, description="monitor period")
    command_ttl_s: int = Field(default=300, ge=10, le=3600, description="command expiry")


class AlertsConfig(BaseModel):
    model_config = STRICT

    low_stock_at: int = Field(default=5, ge=0, le=100_000, description="stock at or below")
    weight_mismatch_count: int = Field(default=3, ge=1, le=1000, description="mismatches...")
    weight_mismatch_window_s: int = Field(default=1800, ge=60, le=86_400, description="...within")
    payment_failure_count: int = Field(default=5, ge=1, le=1000, description="failures...")
    payment_failure_window_s: int = Field(default=600, ge=60, le=86_400, description="...within")


class ReportConfig(BaseModel):
    model_config = STRICT

    out_dir: str = Field(default="../var/reports", description="relative to this file")
    timezone: str = Field(default="UTC", min_length=1, max_length=64, description="IANA zone")


class FleetConfig(BaseModel):
    model_config = STRICT

    broker: BrokerConfig = Field(default_factory=BrokerConfig)
    topics: TopicsConfig = Field(default_factory=TopicsConfig)
    keys: KeysConfig = Field(default_factory=KeysConfig)
    store: StoreConfig = Field(default_factory=StoreConfig)
    manager: ManagerConfig = Field(default_factory=ManagerConfig)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    agent: AgentConfig = Field(default_factory=AgentConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)
    console: ConsoleConfig = Field(default_factory=ConsoleConfig)


class FleetConfigError(Exception):
    """Every problem found, each naming the file and the key."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class LoadedFleetConfig:
    """A validated fleet config plus where it came from, with its paths resolved."""

    def __init__(self, config: FleetConfig, path: Path) -> None:
        self.config = config
        self.path = path

    def resolve(self, relative: str) -> Path:
        return (self.path.parent / Path(relative).expanduser()).resolve()

    @property
    def data_dir(self) -> Path:
        env = os.environ.get(ENV_DATA_DIR)
        return Path(env) if env else self.resolve(self.config.store.data_dir)

    @property
    def store_url(self) -> str:
        return self.config.store.url or f"sqlite:///{self.data_dir / 'fleet.db'}"

    @property
    def ca_file(self) -> Path | None:
        ca = self.config.broker.ca_file
        return self.resolve(ca) if ca and self.config.broker.tls else None

    @property
    def private_key_file(self) -> Path:
        env = os.environ.get(ENV_SIGNING_KEY)
        return Path(env).expanduser() if env else self.resolve(self.config.keys.private_key_file)

    @property
    def public_key_files(self) -> list[Path]:
        return [self.resolve(p) for p in self.config.keys.public_key_files]

    @property
    def report_dir(self) -> Path:
        return self.resolve(self.config.report.out_dir)

    def with_changes(self, **sections: dict[str, Any]) -> LoadedFleetConfig:
        """A copy with some sections' keys replaced (tests, simulations, benchmarks)."""
        data = self.config.model_dump()
        for name, values in sections.items():
            data[name] = {**data[name], **values}
        return LoadedFleetConfig(FleetConfig.model_validate(data), self.path)


def describe(error: ValidationError, path: Path) -> list[str]:
    problems = []
    for err in error.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        problems.append(f"{path}: {key}: {msg}")
    return problems


def parse_fleet_config(text: str, path: Path) -> LoadedFleetConfig:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise FleetConfigError([f"{path}: not valid TOML: {e}"]) from None
    try:
        return LoadedFleetConfig(FleetConfig.model_validate(raw), path)
    except ValidationError as e:
        raise FleetConfigError(describe(e, path)) from None


def load_fleet_config(path: Path | str | None = None) -> LoadedFleetConfig:
    path = Path(path or os.environ.get(ENV_CONFIG) or DEFAULT_PATH).resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FleetConfigError([f"{path}: file not found"]) from None
    except OSError as e:
        raise FleetConfigError([f"{path}: cannot read: {e.strerror}"]) from None
    return parse_fleet_config(text, path)
