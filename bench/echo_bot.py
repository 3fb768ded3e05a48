"""The reference for bench/updates.py: a bare aiogram echo bot, no database, no engine."""

from __future__ import annotations

import asyncio
import os

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message


async def main() -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_BASE"]))
    bot = Bot(os.environ["TELEGRAM_BOT_TOKEN"], session=session)
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    await dispatcher.start_polling(bot, polling_timeout=1)


if __name__ == "__main__":
    asyncio.run(main())
