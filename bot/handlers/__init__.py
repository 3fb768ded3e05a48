"""Transport adapters: translate a transport's updates to engine events and replies back."""

from __future__ import annotations

import asyncio
import gc
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from bot.engine import Engine


async def run_telegram(settings: Settings) -> None:
    """Runs the configured Telegram adapter by long polling."""
    from bot.app import build_engine

    engine = build_engine(settings)
    # Startup leaves ~10^5 long-lived objects (library models, templates); freezing them keeps
    # the collector's full passes from pausing every conversation (see BENCHMARKS.md).
    gc.collect()
    gc.freeze()
    housekeeping = asyncio.create_task(engine.housekeeping())
    digests = asyncio.create_task(_weekly_digests(engine))
    stop_sender = asyncio.Event()
    sender = asyncio.create_task(_sender(engine, settings, stop_sender))
    try:
        if settings.bot_framework == "ptb":
            from bot.handlers import telegram_ptb

            await telegram_ptb.run_polling(engine, settings)
        else:
            from bot.handlers import telegram_aiogram

            await telegram_aiogram.run_polling(engine, settings)
    finally:
        housekeeping.cancel()
        digests.cancel()
        stop_sender.set()
        await sender
        await engine.db.dispose()


async def _sender(engine: Engine, settings: Settings, stop: asyncio.Event) -> None:
    """Delivers due outbox messages (reminders, check-ins) from this process, unless a separate
    `careerpilot sender` does (RUN_SENDER=false)."""
    if not settings.run_sender:
        return
    from bot.dialogs.followup import counselor_alert
    from bot.handlers.outbox_transport import telegram_transport
    from bot.services.sender import run_sender

    async with telegram_transport(settings) as transport:
        await run_sender(
            engine.db,
            transport,
            settings,
            stop,
            on_undeliverable=counselor_alert(engine.texts),
        )


async def _weekly_digests(engine: Engine, *, every: float = 3600) -> None:
    """Queues each counselor's weekly digest once a week (checked hourly)."""
    from bot.dialogs.followup import queue_weekly_digests

    while True:
        async with engine.db.unit_of_work() as session:
            await queue_weekly_digests(session, engine.texts, engine.settings, engine.today())
        await asyncio.sleep(every)
