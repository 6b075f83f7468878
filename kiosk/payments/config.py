"""Payment configuration: which methods the kiosk offers and which backend serves each."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from kiosk.checkout.events import PaymentMethod

_STRICT = ConfigDict(extra="forbid", frozen=True)


class SimulatedCard(BaseModel):
    model_config = _STRICT

    type: Literal["simulated"] = "simulated"
    delay_s: float = Field(
        default=1.5, ge=0, le=60, description="time the shopper takes at the terminal"
    )
    ledger: str = Field(
        default="sim_acquirer.db", description="acquirer-side ledger file, in data_dir"
    )


class SimulatedQr(BaseModel):
    model_config = _STRICT

    type: Literal["simulated"] = "simulated"
    confirm_after_s: float | None = Field(
        default=4.0,
        ge=0,
        le=600,
        description="the simulated shopper pays after this; none = only by button",
    )
    expire_after_s: float = Field(default=120, ge=10, le=3600)
    ledger: str = Field(
        default="sim_acquirer.db", description="acquirer-side ledger file, in data_dir"
    )
    base_url: str = Field(default="https://pay.example.com/qr", max_length=200)


CardBackend = Annotated[SimulatedCard, Field(discriminator="type")]
QrBackend = Annotated[SimulatedQr, Field(discriminator="type")]


class PaymentsConfig(BaseModel):
    model_config = _STRICT

    methods: tuple[PaymentMethod, ...] = Field(
        default=(PaymentMethod.CARD, PaymentMethod.QR_WALLET, PaymentMethod.MEMBER_WALLET),
        description="offered on the payment screen, in this order",
        min_length=1,
    )
    card: CardBackend = Field(default_factory=SimulatedCard)
    qr_wallet: QrBackend = Field(default_factory=SimulatedQr)
    timeout_s: float = Field(
        default=90, ge=5, le=600, description="no answer after this: ask the provider"
    )
    poll_interval_s: float = Field(
        default=1.0, ge=0.1, le=30, description="status polling while pending"
    )
