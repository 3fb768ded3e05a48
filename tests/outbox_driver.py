"""Helpers for outbox and sender tests: people with chats, due messages, a running sender."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import col, select

from bot.config import Settings
from bot.handlers.outbox_transport import telegram_transport
from bot.services.sender import Sender, SenderConfig, Undeliverable
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage, User
from storage.types import utcnow
from tests.fake_bot_api import TOKEN, FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
FIRST_CHAT = 800_000


async def add_people(db: Database, count: int, *, first_chat: int = FIRST_CHAT) -> dict[int, int]:
    """Stores `count` consenting people; returns {chat id: user id}."""
    chats = list(range(first_chat, first_chat + count))
    now = utcnow()
    async with db.unit_of_work() as session:
        await session.exec(
            insert(User).values(  # type: ignore[call-overload]
                [
                    {
                        "telegram_id": chat,
                        "locale": "en",
                        "role": "client",
                        "consent_given_at": now,
                        "active": True,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for chat in chats
                ]
            )
        )
        rows = await session.exec(
            select(User.telegram_id, User.id).where(col(User.telegram_id).in_(chats))
        )
        return {chat: user_id for chat, user_id in rows.all() if user_id is not None}


def text_for(chat_id: int, number: int) -> str:
    return f"Check-in {number} for <b>{chat_id}</b>"


def shown_text(chat_id: int, number: int) -> str:
    """What the person sees of `text_for` (Telegram HTML rendered)."""
    return f"Check-in {number} for {chat_id}"


async def enqueue(
    db: Database, people: dict[int, int], *, per_person: int = 1, buttons: bool = False
) -> None:
    """Queues `per_person` due messages for each person, the first of each person first."""
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for number in range(1, per_person + 1):
        for chat, user_id in people.items():
            keys = [[("Answer now", f"ci:{number}")]] if buttons else []
            rows.append(
                {
                    "user_id": user_id,
                    "chat_id": chat,
                    "kind": "checkin",
                    "payload": outbox.rendered_payload(text_for(chat, number), keys),
                    "due_at": now,
                    "state": outbox.PENDING,
                    "attempts": 0,
                    "created_at": now,
                }
            )
    async with db.unit_of_work() as session:
        for start in range(0, len(rows), 1000):
            await session.exec(insert(OutboxMessage).values(rows[start : start + 1000]))  # type: ignore[call-overload]


async def rows(db: Database, *where: Any) -> list[OutboxMessage]:
    async with db.unit_of_work() as session:
        result = await session.exec(
            select(OutboxMessage).where(*where).order_by(col(OutboxMessage.id))
        )
        return list(result.all())


async def settle(db: Database, *, timeout: float = 60) -> dict[str, int]:
    """Waits until no row is pending or being sent; returns the count of rows per state."""
    deadline = time.monotonic() + timeout
    while True:
        async with db.unit_of_work() as session:
            counts = await outbox.count_by_state(session=session)
        if counts[outbox.PENDING] == counts[outbox.SENDING] == 0:
            return counts
        if time.monotonic() > deadline:
            raise AssertionError(f"the outbox did not settle: {counts}")
        await asyncio.sleep(0.05)


async def wait_for(condition: Any, *, timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def sender_settings(
    tg: FakeTelegram, data_dir: Path, database_url: str, framework: str = "aiogram", **send: Any
) -> Settings:
    values: dict[str, Any] = {
        "send_retry_base_seconds": 0.05,
        "send_poll_seconds": 0.1,
        **send,
    }
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base=tg.base_url,
        bot_framework=framework,
        data_dir=data_dir,
        database_url=database_url,
        **values,
    )


class Alerts:
    """A counselor hook that records its calls (user id, reason)."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, str]] = []

    async def __call__(self, session: Any, user_id: int, reason: str) -> None:
        self.calls.append((user_id, reason))


class RunningSender:
    """A sender running in this event loop; reads like the Sender, and can be stopped."""

    def __init__(self, sender: Sender, stop: asyncio.Event, task: asyncio.Task) -> None:
        self.sender, self._stop, self._task = sender, stop, task

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sender, name)

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.wait_for(asyncio.shield(self._task), 15)


@contextlib.asynccontextmanager
async def running_sender(
    settings: Settings, *, on_undeliverable: Undeliverable | None = None
) -> AsyncIterator[RunningSender]:
    """Runs one sender in this event loop (own engine) until the block ends."""
    db = Database.from_url(settings.effective_database_url)
    stop = asyncio.Event()
    try:
        async with telegram_transport(settings) as transport:
            sender = Sender(
                db,
                transport,
                SenderConfig.from_settings(settings),
                on_undeliverable=on_undeliverable,
            )
            running = RunningSender(sender, stop, asyncio.create_task(sender.run(stop)))
            try:
                yield running
            finally:
                await running.stop()
    finally:
        await db.dispose()


async def start_sender_process(
    tg: FakeTelegram, data_dir: Path, database_url: str, **send: Any
) -> asyncio.subprocess.Process:
    """Starts `careerpilot sender` as its own process (python -m bot.cli sender)."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": tg.base_url,
        "BOT_FRAMEWORK": "aiogram",
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "SEND_RETRY_BASE_SECONDS": "0.05",
        "SEND_POLL_SECONDS": "0.1",
        **{name.upper(): str(value) for name, value in send.items()},
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "sender",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
