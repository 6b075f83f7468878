"""The `[console]` section of config/fleet.toml: where the web console listens and its limits."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ConsoleConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(default=True, description="serve the console from `fleet serve`")
    host: str = Field(
        default="127.0.0.1", min_length=1, max_length=253, description="address to bind"
    )
    port: int = Field(default=8080, ge=1, le=65535, description="TCP port")
    tls_cert_file: str | None = Field(
        default=None, description="PEM certificate: serve HTTPS (relative to the config file)"
    )
    tls_key_file: str | None = Field(default=None, description="PEM private key for the cert")
    secure_cookies: bool = Field(
        default=False,
        description="mark cookies Secure even without tls_cert_file (behind a TLS proxy); "
        "always on with TLS",
    )
    session_hours: float = Field(
        default=12, gt=0, le=720, description="a session ends this long after login"
    )
    login_max_failures: int = Field(
        default=5, ge=1, le=1000, description="failed logins per user or address..."
    )
    login_window_s: int = Field(
        default=300, ge=1, le=86_400, description="...within this window, then refused"
    )
    live_poll_s: float = Field(
        default=0.25, ge=0.05, le=10, description="how often the live feed looks for changes"
    )
    page_rows: int = Field(default=200, ge=10, le=10_000, description="rows per table page")

    @model_validator(mode="after")
    def _tls_pair(self) -> ConsoleConfig:
        if (self.tls_cert_file is None) != (self.tls_key_file is None):
            raise ValueError("tls_cert_file and tls_key_file go together")
        return self
