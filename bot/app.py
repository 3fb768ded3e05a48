"""Assembles the pieces of a running bot from settings (the one visible factory)."""

from __future__ import annotations

from bot.config import Settings
from bot.dialogs import build_registry
from bot.engine import Engine
from bot.flow import Registry
from bot.i18n import Texts
from storage.db import Database


def build_engine(settings: Settings, *, registry: Registry | None = None) -> Engine:
    """Builds the engine on the configured database (migrations are applied by the caller)."""
    return Engine(
        db=Database.from_url(settings.effective_database_url),
        registry=registry or build_registry(),
        texts=Texts(),
        settings=settings,
    )
