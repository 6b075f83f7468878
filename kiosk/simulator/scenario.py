"""Scenario files for `kiosk simulate`: a shopper's visit as steps (docs/simulator.md)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kiosk.checkout.events import PaymentMethod, ReceiptKind
from kiosk.config import ConfigError, describe
from kiosk.payments.base import Fault

_STRICT = ConfigDict(extra="forbid", frozen=True)
ACTIONS = (
    "scan",
    "weigh",
    "place",
    "remove",
    "take",
    "put_back",
    "member",
    "redeem",
    "help",
    "void",
    "staff",
    "pay",
    "receipt",
    "wait",
    "expect",
)


class SetupMember(BaseModel):
    model_config = _STRICT
    id: str = Field(min_length=1, max_length=36)
    name: str = Field(min_length=1, max_length=80)
    points: int = Field(default=0, ge=0)
    wallet: int = Field(default=0, ge=0, description="minor units")


class SetupStaff(BaseModel):
    model_config = _STRICT
    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=80)
    pin: str = Field(pattern=r"^\d{4,12}$")


class Setup(BaseModel):
    model_config = _STRICT
    members: tuple[SetupMember, ...] = ()
    staff: tuple[SetupStaff, ...] = ()


class Devices(BaseModel):
    model_config = _STRICT
    auto_bag: bool = Field(default=True, description="scanned items are put in the bag")
    bag_delay_s: float = Field(default=1.5, ge=0, le=60)
    scale_noise_g: int = Field(default=2, ge=0, le=50, description="reading error of the scale")
    seed: int = Field(default=7, description="random seed for weights")


class Expect(BaseModel):
    model_config = _STRICT
    state: Literal["idle", "shopping", "intervention", "paying", "paid", "receipt"] | None = None
    total: str | None = Field(default=None, description="major units, e.g. '15.00'")
    lines: int | None = Field(default=None, ge=0)
    interventions: tuple[str, ...] | None = None
    notice: str | None = None
    sale: bool | None = Field(default=None, description="a sale was committed in this run")


class Step(BaseModel):
    """One action; exactly one of the action keys is set, the others refine it."""

    model_config = _STRICT

    scan: str | None = Field(default=None, description="code text as the scanner reads it")
    weigh: str | None = Field(default=None, description="PLU or GTIN of a product sold by weight")
    place: int | None = Field(
        default=None, ge=1, le=50_000, description="grams put in the bag unscanned"
    )
    remove: int | None = Field(
        default=None, ge=1, le=50_000, description="grams taken from the bag"
    )
    take: str | None = Field(default=None, description="GTIN taken from a smart shelf")
    put_back: str | None = Field(default=None, description="GTIN put back on a smart shelf")
    member: str | None = None
    redeem: int | None = Field(default=None, ge=0)
    help: bool | None = None
    void: int | None = Field(
        default=None, ge=1, description="line number the shopper asks to remove"
    )
    staff: Literal["approve", "reject", "void", "cancel"] | None = None
    pay: PaymentMethod | None = None
    receipt: ReceiptKind | None = None
    wait: float | None = Field(default=None, ge=0, le=3600)
    expect: Expect | None = None
    # refinements
    symbology: str | None = None
    grams: int | None = Field(default=None, ge=1, le=50_000)
    quantity: int = Field(default=1, ge=1, le=100)
    pin: str | None = Field(default=None, pattern=r"^\d{4,12}$")
    line: int | None = Field(default=None, ge=1)
    fault: Fault = Fault.NONE
    bag: bool = Field(default=True, description="with auto_bag: whether this item is bagged")
    bag_grams: int | None = Field(default=None, ge=0, description="what actually lands in the bag")

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        given = [a for a in ACTIONS if getattr(self, a) is not None]
        if len(given) != 1:
            raise ValueError(
                f"a step needs exactly one of {', '.join(ACTIONS)}; got {given or 'none'}"
            )
        if self.weigh is not None and self.grams is None:
            raise ValueError("weigh needs grams")
        if self.staff is not None and self.pin is None:
            raise ValueError("staff needs the pin of a staff member from [setup]")
        return self

    @property
    def action(self) -> str:
        return next(a for a in ACTIONS if getattr(self, a) is not None)


class Scenario(BaseModel):
    model_config = _STRICT

    name: str = Field(min_length=1, max_length=80)
    description: str = ""
    language: Literal["en", "zh_CN"] = "en"
    setup: Setup = Field(default_factory=Setup)
    devices: Devices = Field(default_factory=Devices)
    step: tuple[Step, ...] = Field(
        min_length=1, description="the steps, in order ([[step]] tables)"
    )


def load_scenario(path: Path) -> Scenario:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"{path}: file not found"]) from None
    except UnicodeDecodeError as e:
        raise ConfigError([f"{path}: not UTF-8 text ({e.reason})"]) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError([f"{path}: not valid TOML: {e}"]) from None
    try:
        return Scenario.model_validate(raw)
    except ValidationError as e:
        raise ConfigError(describe(e, path)) from None
