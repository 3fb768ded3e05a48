"""Delivers an engine reply through any transport, with Telegram's error rules applied once.

Each adapter implements `Transport` (four calls) and maps its library's exceptions to the
three below; retries, back-off and the "user blocked the bot" rule live here only.
"""

from __future__ import annotations

import asyncio
import logging
import random
import traceback
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from bot.events import Button, Document, Outbound, Photo, Reply

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_ATTEMPTS = 5


class RetryAfter(Exception):
    """Telegram asked us to wait (HTTP 429)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class Transient(Exception):
    """A network error or a 5xx: worth retrying with back-off."""


class Blocked(Exception):
    """The person blocked the bot (HTTP 403)."""


class NotModified(Exception):
    """An edit that would change nothing; harmless."""


class EditFailed(Exception):
    """The message to edit is gone or too old; send a new one instead."""


class Transport(Protocol):
    async def send_text(self, chat_id: int, text: str, buttons: list[list[Button]]) -> None: ...

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, buttons: list[list[Button]]
    ) -> None: ...

    async def edit_buttons(
        self, chat_id: int, message_id: int, buttons: list[list[Button]]
    ) -> None: ...

    async def send_document(self, chat_id: int, document: Document) -> None: ...

    async def send_photo(self, chat_id: int, photo: Photo) -> None: ...

    async def answer_callback(self, callback_id: str, text: str | None) -> None: ...


def log_failure(update_id: int | None, error: BaseException | None) -> None:
    """Logs a failed update with its type and stack but not its message.

    Exception messages can quote what a person wrote (a value that failed to parse, a row that
    failed to insert), so only the exception's type and where it happened are written.
    """
    where = "".join(traceback.format_tb(error.__traceback__)) if error is not None else ""
    log.error("update %s failed: %s\n%s", update_id, type(error).__name__, where)


async def with_retries(call: Callable[[], Awaitable[T]], *, base_delay: float = 0.5) -> T:
    """Runs a Bot API call, waiting on 429 and backing off with jitter on transient errors."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return await call()
        except RetryAfter as wait:
            log.warning("rate limited by Telegram; waiting %.1fs", wait.seconds)
            await asyncio.sleep(wait.seconds)
        except Transient as error:
            if attempt == MAX_ATTEMPTS:
                raise
            delay = base_delay * 2 ** (attempt - 1) * (0.5 + random.random())
            log.warning("Bot API call failed (%s); retry %d in %.1fs", error, attempt, delay)
            await asyncio.sleep(delay)
    return await call()


async def deliver(
    transport: Transport,
    reply: Reply,
    *,
    chat_id: int,
    origin_message_id: int | None = None,
    callback_id: str | None = None,
    on_blocked: Callable[[int], Awaitable[None]] | None = None,
) -> None:
    """Sends a reply's messages in order; edits go to the message whose button was pressed."""
    try:
        if callback_id is not None:
            await with_retries(lambda: transport.answer_callback(callback_id, reply.notice))
        for message in reply.messages:
            await _deliver_one(transport, message, chat_id, origin_message_id)
    except Blocked:
        log.info("a user blocked the bot; marking them inactive")
        if on_blocked is not None:
            await on_blocked(chat_id)


async def _deliver_one(
    transport: Transport, message: Outbound, chat_id: int, origin_message_id: int | None
) -> None:
    if message.chat_id is not None and message.chat_id != chat_id:
        await _send_elsewhere(transport, message)
        return
    if message.document is not None:
        document = message.document
        if message.text:
            await with_retries(lambda: transport.send_text(chat_id, message.text, []))
        await with_retries(lambda: transport.send_document(chat_id, document))
        return
    if message.photo is not None:
        photo = message.photo
        if message.text:
            await with_retries(lambda: transport.send_text(chat_id, message.text, []))
        await with_retries(lambda: transport.send_photo(chat_id, photo))
        return
    if message.edit and origin_message_id is not None:
        try:
            if message.text:
                await with_retries(
                    lambda: transport.edit_text(
                        chat_id, origin_message_id, message.text, message.buttons
                    )
                )
            else:
                await with_retries(
                    lambda: transport.edit_buttons(chat_id, origin_message_id, message.buttons)
                )
            return
        except NotModified:
            return
        except EditFailed:
            if not message.buttons:
                return  # the edit only tidied an old message; nothing is lost
    await with_retries(lambda: transport.send_text(chat_id, message.text, message.buttons))


async def _send_elsewhere(transport: Transport, message: Outbound) -> None:
    """Sends to another person (e.g. a counselor); their blocking the bot must not stop us."""
    target = message.chat_id
    assert target is not None
    try:
        await with_retries(lambda: transport.send_text(target, message.text, message.buttons))
    except Blocked:
        log.info("a recipient has blocked the bot; message dropped")
