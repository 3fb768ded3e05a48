"""People in a Telegram chat with the bot, acting through the fake Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bot.config import Settings
from storage.migrate import upgrade_async
from tests.fake_bot_api import TOKEN, FakeTelegram


class TelegramPerson:
    """Types, presses buttons by their label and reads what the bot shows in one chat."""

    def __init__(self, tg: FakeTelegram, chat_id: int, name: str = "Ann", lang: str = "en"):
        self.tg, self.chat_id, self.name, self.lang = tg, chat_id, name, lang
        self._mark = 0

    def say(self, text: str) -> int:
        return self.tg.user_sends(
            self.chat_id, text, first_name=self.name, language_code=self.lang
        )

    def press(self, label: str) -> str:
        return self.tg.press(self.chat_id, label)

    async def sees(self, text: str, timeout: float = 10) -> dict[str, Any]:
        """Waits until the bot shows a message containing `text` (plain, as displayed)."""
        return await self.tg.wait_for(self.chat_id, text, timeout=timeout)

    async def idle(self) -> list[dict[str, Any]]:
        return await self.tg.wait_idle(self.chat_id)

    @property
    def last(self) -> str:
        """The newest message the bot showed (after edits), as plain text."""
        return self.tg.outputs(self.chat_id)[-1]["text"]

    def seen_since_last_answer(self) -> str:
        return "\n".join(o["text"] for o in self.tg.outputs(self.chat_id)[self._mark :])

    @property
    def buttons(self) -> list[str]:
        return self.tg.buttons(self.chat_id)

    async def answer(self, *answers: str) -> None:
        """Presses the button with that label if one is shown, else types; waits for a reply."""
        for value in answers:
            self.tg.skip_seen(self.chat_id)
            self._mark = len(self.tg.outputs(self.chat_id))
            if value in self.buttons:
                self.press(value)
            else:
                self.say(value)
            await self.tg.wait_for(self.chat_id)
            await self.tg.wait_idle(self.chat_id, quiet=0.15)

    async def join(self) -> None:
        """Starts the bot, chooses the language and agrees to the privacy notice."""
        self.say("/start")
        await self.sees("choose your language")
        self.press("English" if self.lang.startswith("en") else "简体中文")
        await self.sees("Privacy and consent" if self.lang.startswith("en") else "隐私")
        self.press("I agree" if self.lang.startswith("en") else "我同意")
        await self.sees("Main menu" if self.lang.startswith("en") else "主菜单")


def bot_settings(tg: FakeTelegram, data_dir: Path, framework: str, **extra: Any) -> Settings:
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base=tg.base_url,
        bot_framework=framework,
        data_dir=data_dir,
        polling_timeout=1,
        **extra,
    )


@contextlib.asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[None]:
    """Runs the configured adapter in this event loop until the block ends."""
    from bot.app import build_engine
    from bot.handlers import telegram_aiogram, telegram_ptb

    await upgrade_async(settings.effective_database_url)
    engine = build_engine(settings)
    stop = asyncio.Event()
    adapter = telegram_ptb if settings.bot_framework == "ptb" else telegram_aiogram
    task = asyncio.create_task(adapter.run_polling(engine, settings, stop=stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await engine.db.dispose()
