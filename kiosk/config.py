"""The kiosk's configuration file (config/kiosk.toml), validated at start.

Every section is a pydantic model living beside the code it configures; unknown keys are
rejected; problems are reported one per line with the file and the key.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from babel.numbers import get_currency_precision, list_currencies
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kiosk.adapters.device_config import DevicesConfig
from kiosk.adapters.fleet_link_config import FleetLinkConfig
from kiosk.adapters.scanning import ScanningConfig
from kiosk.checkout.bagging import BaggingRules
from kiosk.checkout.catalog import Currency
from kiosk.checkout.codes import CodeRules
from kiosk.checkout.rules import LoyaltyRules, PricingRules, TaxRules
from kiosk.checkout.session import SessionSettings
from kiosk.members.config import FacePayConfig
from kiosk.payments.config import PaymentsConfig
from kiosk.receipts.config import ReceiptsConfig
from kiosk.ui.config import UiConfig
from vision.faces.config import FacesConfig

_STRICT = ConfigDict(extra="forbid", frozen=True)
DEFAULT_PATH = Path("config/kiosk.toml")
ENV_CONFIG = "KIOSK_CONFIG"
ENV_DATA_DIR = "KIOSK_DATA_DIR"


class KioskSection(BaseModel):
    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$", description="unique in the fleet")
    store: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$", description="store code")
    name: str = Field(default="Self-checkout", max_length=60, description="shown on receipts")
    data_dir: str = Field(
        default="../var",
        description=f"databases and files; relative to this file; env {ENV_DATA_DIR} wins",
    )


class CurrencySection(BaseModel):
    model_config = _STRICT

    code: str = Field(default="CNY", description="ISO 4217 code")

    @field_validator("code")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in list_currencies():
            raise ValueError(f"{v!r} is not an ISO 4217 currency code")
        return v

    def currency(self) -> Currency:
        return Currency(self.code, get_currency_precision(self.code))


class CheckoutSection(BaseModel):
    model_config = _STRICT

    session: SessionSettings = Field(default_factory=SessionSettings)
    bagging: BaggingRules = Field(default_factory=BaggingRules)
    codes: CodeRules = Field(default_factory=CodeRules)
    tax: TaxRules = Field(default_factory=TaxRules)
    loyalty: LoyaltyRules = Field(default_factory=LoyaltyRules)
    promotions_file: str = Field(default="promotions.toml", description="promotions and coupons")
    catalog_file: str = Field(
        default="catalog.csv", description="imported when the database is empty"
    )


class StorageSection(BaseModel):
    model_config = _STRICT

    url: str | None = Field(
        default=None, description="SQLAlchemy URL; default sqlite file in data_dir"
    )


class StaffSection(BaseModel):
    model_config = _STRICT

    pin_min_length: int = Field(default=4, ge=4, le=12)


class KioskConfig(BaseModel):
    model_config = _STRICT

    kiosk: KioskSection
    currency: CurrencySection = Field(default_factory=CurrencySection)
    checkout: CheckoutSection = Field(default_factory=CheckoutSection)
    storage: StorageSection = Field(default_factory=StorageSection)
    payments: PaymentsConfig = Field(default_factory=PaymentsConfig)
    receipts: ReceiptsConfig = Field(default_factory=ReceiptsConfig)
    staff: StaffSection = Field(default_factory=StaffSection)
    face_pay: FacePayConfig = Field(default_factory=FacePayConfig)
    faces: FacesConfig = Field(default_factory=FacesConfig)
    scanning: ScanningConfig = Field(default_factory=ScanningConfig)
    devices: DevicesConfig = Field(default_factory=DevicesConfig)
    ui: UiConfig = Field(default_factory=UiConfig)
    fleet: FleetLinkConfig = Field(default_factory=FleetLinkConfig)


class ConfigError(Exception):
    """Every problem found, each naming its file and key."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class LoadedConfig:
    """A validated config plus where it came from, with paths resolved."""

    def __init__(self, config: KioskConfig, path: Path, pricing: PricingRules) -> None:
        self.config = config
        self.path = path
        self.pricing = pricing

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    @property
    def data_dir(self) -> Path:
        env = os.environ.get(ENV_DATA_DIR)
        return Path(env) if env else (self.base_dir / self.config.kiosk.data_dir).resolve()

    @property
    def database_url(self) -> str:
        return self.config.storage.url or f"sqlite:///{self.data_dir / 'kiosk.db'}"

    @property
    def currency(self) -> Currency:
        return self.config.currency.currency()

    def resolve(self, relative: str) -> Path:
        """A file named in the config, relative to the config file."""
        return (self.base_dir / relative).resolve()

    def in_data_dir(self, relative: str) -> Path:
        return self.data_dir / relative


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError([f"{path}: file not found"]) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError([f"{path}: not valid TOML: {e}"]) from None
    except OSError as e:
        raise ConfigError([f"{path}: cannot read: {e.strerror}"]) from None


def describe(error: ValidationError, path: Path, prefix: str = "") -> list[str]:
    problems = []
    for err in error.errors():
        loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
        key = f"{prefix}{loc}" if loc else prefix.rstrip(".") or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif err["type"] == "missing":
            msg = "required key missing"
        problems.append(f"{path}: {key}: {msg}")
    return problems


def load_config(path: Path | str | None = None) -> LoadedConfig:
    path = Path(path or os.environ.get(ENV_CONFIG) or DEFAULT_PATH).resolve()
    raw = _read_toml(path)
    try:
        config = KioskConfig.model_validate(raw)
    except ValidationError as e:
        raise ConfigError(describe(e, path)) from None
    promo_path = (path.parent / config.checkout.promotions_file).resolve()
    promo_raw = _read_toml(promo_path) if promo_path.exists() else {}
    try:
        pricing = PricingRules.model_validate(
            {
                "tax": config.checkout.tax.model_dump(),
                "loyalty": config.checkout.loyalty.model_dump(),
                **promo_raw,
            }
        )
    except ValidationError as e:
        raise ConfigError(describe(e, promo_path)) from None
    return LoadedConfig(config, path, pricing)
