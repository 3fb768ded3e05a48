"""The outbox sender's Telegram transports: aiogram and python-telegram-bot.

They reuse the adapters' error mapping (429, 5xx/network, 403 in bot/handlers/*) and add what
the outbox needs: Telegram's message id back, and 400/401 told apart from the rest.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from typing import Any

from bot.config import Settings
from bot.events import Button
from bot.services.sender import OutboxTransport, Rejected, TransportFatal


class AiogramOutbox:
    """OutboxTransport over aiogram's Bot."""

    def __init__(self, bot: Any) -> None:
        from bot.handlers.telegram_aiogram import AiogramTransport

        self.bot = bot
        self._adapter = AiogramTransport(bot)

    async def send_message(self, chat_id: int, text: str, buttons: list[list[Button]]) -> int:
        from aiogram.exceptions import TelegramBadRequest, TelegramUnauthorizedError

        from bot.handlers.telegram_aiogram import _markup

        sent: list[Any] = []

        async def call() -> None:
            sent.append(await self.bot.send_message(chat_id, text, reply_markup=_markup(buttons)))

        try:
            await self._adapter._call(call())
        except TelegramBadRequest as error:
            raise Rejected() from error
        except TelegramUnauthorizedError as error:
            raise TransportFatal("the bot token was refused") from error
        return int(sent[0].message_id)


class PtbOutbox:
    """OutboxTransport over python-telegram-bot's Bot."""

    def __init__(self, application: Any) -> None:
        from bot.handlers.telegram_ptb import PtbTransport

        self.bot = application.bot
        self._adapter = PtbTransport(application)

    async def send_message(self, chat_id: int, text: str, buttons: list[list[Button]]) -> int:
        from telegram.error import BadRequest, InvalidToken

        from bot.handlers.telegram_ptb import _markup

        sent: list[Any] = []

        async def call() -> None:
            sent.append(await self.bot.send_message(chat_id, text, reply_markup=_markup(buttons)))

        try:
            await self._adapter._call(call())
        except BadRequest as error:
            raise Rejected() from error
        except InvalidToken as error:
            raise TransportFatal("the bot token was refused") from error
        return int(sent[0].message_id)


@contextlib.asynccontextmanager
async def telegram_transport(settings: Settings) -> AsyncIterator[OutboxTransport]:
    """Opens the configured Telegram library (BOT_FRAMEWORK) as an OutboxTransport."""
    if settings.token is None:
        raise ValueError("the sender needs TELEGRAM_BOT_TOKEN")
    if settings.bot_framework == "ptb":
        from telegram.constants import ParseMode
        from telegram.ext import ApplicationBuilder, Defaults

        # As in the PTB adapter: opt in to timedelta periods (PTB warns on every 429 without).
        os.environ.setdefault("PTB_TIMEDELTA", "true")
        base = settings.telegram_api_base.rstrip("/")
        application = (
            ApplicationBuilder()
            .token(settings.token)
            .base_url(f"{base}/bot")
            .base_file_url(f"{base}/file/bot")
            .defaults(Defaults(parse_mode=ParseMode.HTML))
            .updater(None)
            .build()
        )
        async with application:
            yield PtbOutbox(application)
        return
    from bot.handlers.telegram_aiogram import create_bot

    bot = create_bot(settings)
    try:
        yield AiogramOutbox(bot)
    finally:
        await bot.session.close()
