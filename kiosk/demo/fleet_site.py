"""The demo's fleet site: fleet.toml for the private broker, signing keys, a console operator,
and `fleet serve` (manager and console) as a child process."""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from fleet.config import ENV_CONFIG, ENV_DATA_DIR, ENV_SIGNING_KEY, load_fleet_config
from fleet.console import audit
from fleet.console.accounts import add_user
from fleet.console.models import Role
from fleet.signing import generate_keypair
from fleet.store.database import open_store
from kiosk.demo.broker import HOST, choose_port_default
from kiosk.demo.console_client import ConsoleClient
from kiosk.demo.steps import wait_until
from kiosk.demo.supervisor import Child

OPERATOR = "demo"
CONSOLE_PORT = 8080  # the documented default; another free port if it is taken


@dataclass(frozen=True)
class FleetSite:
    config: Path
    manager_password: str
    manager_password_env: str
    agent_password_env: str
    share_group: str
    console_port: int
    operator_password: str
    signing_key: Path

    @property
    def console_url(self) -> str:
        return f"http://{HOST}:{self.console_port}/"

    def env(self) -> dict[str, str]:
        """What `fleet` commands of this site need in their environment (manager password too)."""
        env = {k: v for k, v in os.environ.items() if k != ENV_DATA_DIR}
        env[ENV_CONFIG] = str(self.config)
        env[ENV_SIGNING_KEY] = str(self.signing_key)
        return env


def write_fleet_site(folder: Path, shipped: Path, broker_port: int, manager_port: int) -> FleetSite:
    """fleet.toml derived from the shipped one: plain MQTT on loopback, store and keys here."""
    folder.mkdir(parents=True, exist_ok=True)
    data = tomllib.loads(shipped.read_text(encoding="utf-8"))
    data["broker"] = {**data.get("broker", {}), "host": HOST, "port": broker_port, "tls": False}
    data["broker"].pop("ca_file", None)
    data["manager"] = {**data.get("manager", {}), "port": manager_port, "workers": 1}
    data["store"] = {"data_dir": str(folder)}
    signing_key, public_key = folder / "signing.key", folder / "signing.pub"
    data["keys"] = {"private_key_file": str(signing_key), "public_key_files": [str(public_key)]}
    data["report"] = {**data.get("report", {}), "out_dir": str(folder / "reports")}
    console_port = choose_port_default(CONSOLE_PORT)
    data["console"] = {**data.get("console", {}), "enabled": True, "host": HOST}
    data["console"]["port"] = console_port
    config = folder / "fleet.toml"
    config.write_text(
        f"# made by `kiosk demo` from {shipped}\n" + tomli_w.dumps(data), encoding="utf-8"
    )
    loaded = load_fleet_config(config)  # refuses here, naming the key, if the shipped file changed
    generate_keypair(signing_key, public_key, overwrite=True)
    operator_password = secrets.token_urlsafe(9)
    store = open_store(loaded.store_url)  # made and migrated here, before the manager starts
    try:
        with store.write() as s:
            add_user(s, OPERATOR, Role.OPERATOR, None, operator_password)
            audit.record(s, "kiosk-demo", "user_add", target=OPERATOR, detail="operator")
    finally:
        store.close()
    return FleetSite(
        config=config,
        manager_password=secrets.token_urlsafe(12),
        manager_password_env=loaded.config.manager.password_env,
        agent_password_env=loaded.config.agent.password_env,
        share_group=loaded.config.topics.share_group,
        console_port=console_port,
        operator_password=operator_password,
        signing_key=signing_key,
    )


def wait_fleet(
    child: Child,
    site: FleetSite,
    alive: Callable[[], str | None],
    timeout_s: float = 60.0,
) -> None:
    """Until the console answers HTTP (the manager's workers start beside it)."""
    client = ConsoleClient(site.console_url)
    wait_until(
        client.answers,
        timeout_s=timeout_s,
        part="fleet manager and console",
        what=f"console answering on {site.console_url}",
        alive=alive,
        log_tail=child.log_tail,
    )
