"""The `[fleet]` section of kiosk.toml: whether the app runs the fleet agent, and its file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

ENV_FLEET_CONFIG = "KIOSK_FLEET_CONFIG"
ENV_FLEET_ENABLED = "KIOSK_FLEET_ENABLED"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class FleetLinkConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(
        default=False,
        description=f"run the fleet agent inside the app; env {ENV_FLEET_ENABLED} wins",
    )
    config_file: str = Field(
        default="fleet.toml",
        min_length=1,
        max_length=4096,
        description=f"the fleet TOML ([broker], [topics], [keys], [agent]); relative to this "
        f"file; env {ENV_FLEET_CONFIG} wins",
    )


@dataclass(frozen=True)
class FleetLinkSettings:
    """The section with the environment applied and the path resolved."""

    enabled: bool
    config_path: Path


def fleet_link_settings(
    section: FleetLinkConfig, kiosk_config: Path, environ: Mapping[str, str] = os.environ
) -> FleetLinkSettings:
    """Raises ValueError naming the variable when KIOSK_FLEET_ENABLED is not a yes or a no."""
    enabled = section.enabled
    flag = environ.get(ENV_FLEET_ENABLED, "").strip().lower()
    if flag in _TRUE:
        enabled = True
    elif flag in _FALSE:
        enabled = False
    elif flag:
        raise ValueError(
            f"${ENV_FLEET_ENABLED}={environ[ENV_FLEET_ENABLED]!r}: use 1/true/yes/on or "
            "0/false/no/off"
        )
    env_path = environ.get(ENV_FLEET_CONFIG)
    if env_path:
        path = Path(env_path).expanduser().resolve()
    else:
        path = (kiosk_config.parent / Path(section.config_file).expanduser()).resolve()
    return FleetLinkSettings(enabled, path)
