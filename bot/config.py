"""Settings read from the environment and `.env` (see `.env.example`)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.services.followup_plan import quiet_window

PLACEHOLDER_TOKENS = {"", "changeme", "your-token-here", "<token>", "123456:ABC-DEF"}


class Settings(BaseSettings):
    """Every setting CareerPilot reads; one instance is built at start and passed down."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    bot_framework: Literal["aiogram", "ptb"] = "aiogram"
    data_dir: Path = Path("data")
    database_url: str = ""
    default_locale: Literal["en", "zh_Hans"] = "en"
    consent_version: str = "2026-11"
    log_level: str = "INFO"
    polling_timeout: int = Field(default=30, ge=0, le=50)
    update_concurrency: int = Field(default=16, ge=1, le=512)
    admin_telegram_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    bot_username: str = ""
    invitation_ttl_hours: int = Field(default=72, ge=1, le=24 * 30)
    counselor_response_hours: int = Field(default=48, ge=1)
    referral_resources: Annotated[dict[str, dict[str, list[str]]], NoDecode] = Field(
        default_factory=dict
    )
    # Times people type (e.g. a meeting at 15:00) are read in this zone until they set their own.
    default_timezone: str = "UTC"
    # Check-ins and reminders are never delivered in these local hours (HH:MM-HH:MM).
    quiet_hours: str = "21:00-08:00"
    # The follow-up sender (bot/services/sender.py); its limits hold per sender process.
    run_sender: bool = True
    send_rate_per_second: float = Field(default=30.0, gt=0, le=1000)
    send_per_chat_interval: float = Field(default=1.0, ge=0, le=3600)
    send_max_attempts: int = Field(default=5, ge=1, le=100)
    send_batch_size: int = Field(default=100, ge=1, le=1000)
    send_lease_seconds: float = Field(default=60.0, ge=1, le=3600)
    send_retry_base_seconds: float = Field(default=2.0, gt=0, le=3600)
    send_poll_seconds: float = Field(default=1.0, gt=0, le=60)

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_window(cls, value: str) -> str:
        """Accepts "21:00-08:00"; refuses anything that is not two times of day."""
        quiet_window(value)
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        """Refuses a time zone name the zone database does not know (e.g. a typo)."""
        ZoneInfo(value)
        return value

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _refuse_placeholder_token(cls, value: object) -> object:
        """Treats an empty or placeholder token as no token, so the console chat starts."""
        if isinstance(value, str) and value.strip().lower() in PLACEHOLDER_TOKENS:
            return None
        return value

    @field_validator("admin_telegram_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accepts `ADMIN_TELEGRAM_IDS=1,2,3` as well as a JSON list."""
        if isinstance(value, str) and not value.strip().startswith("["):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("referral_resources", mode="before")
    @classmethod
    def _parse_resources(cls, value: object) -> object:
        """Reads REFERRAL_RESOURCES as JSON; empty means the built-in descriptions."""
        if isinstance(value, str):
            return json.loads(value) if value.strip() else {}
        return value

    @property
    def effective_database_url(self) -> str:
        """Returns DATABASE_URL, or a SQLite file inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'careerpilot.sqlite3').resolve()}"

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Builds the settings once per process (called by the CLI, never at import time)."""
    return Settings()
