"""Transport adapters: translate a transport's updates to engine events and replies back."""

from __future__ import annotations

import asyncio
import gc

from bot.config import Settings


async def run_telegram(settings: Settings) -> None:
    """Runs the configured Telegram adapter by long polling."""
    from bot.app import build_engine

    engine = build_engine(settings)
    # Startup leaves ~10^5 long-lived objects (library models, templates); freezing them keeps
    # the collector's full passes from pausing every conversation (see BENCHMARKS.md).
    gc.collect()
    gc.freeze()
    housekeeping = asyncio.create_task(engine.housekeeping())
    try:
        if settings.bot_framework == "ptb":
            from bot.handlers import telegram_ptb

            await telegram_ptb.run_polling(engine, settings)
        else:
            from bot.handlers import telegram_aiogram

            await telegram_aiogram.run_polling(engine, settings)
    finally:
        housekeeping.cancel()
        await engine.db.dispose()
