"""Transport adapters: translate a transport's updates to engine events and replies back."""

from __future__ import annotations

from bot.config import Settings


async def run_telegram(settings: Settings) -> None:
    """Runs the configured Telegram adapter by long polling."""
    from bot.app import build_engine

    engine = build_engine(settings)
    try:
        if settings.bot_framework == "ptb":
            from bot.handlers import telegram_ptb

            await telegram_ptb.run_polling(engine, settings)
        else:
            from bot.handlers import telegram_aiogram

            await telegram_aiogram.run_polling(engine, settings)
    finally:
        await engine.db.dispose()
