"""The aiogram 3 adapter: Telegram updates → engine events, engine replies → Bot API calls."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    ErrorEvent,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)

from bot.commands import localized_commands
from bot.config import Settings
from bot.engine import Engine
from bot.events import Button, Document, Inbound, Photo
from bot.handlers import delivery

log = logging.getLogger(__name__)


def _markup(buttons: list[list[Button]]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.label, callback_data=b.data) for b in row]
            for row in buttons
        ]
    )


class AiogramTransport:
    """Implements delivery.Transport with aiogram's Bot, mapping its errors."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def _call(self, coro: Any) -> None:
        try:
            await coro
        except TelegramRetryAfter as error:
            raise delivery.RetryAfter(error.retry_after) from error
        except (TelegramServerError, TelegramNetworkError) as error:
            raise delivery.Transient(type(error).__name__) from error
        except TelegramForbiddenError as error:
            raise delivery.Blocked() from error
        except TelegramBadRequest as error:
            if "not modified" in error.message:
                raise delivery.NotModified() from error
            if "to edit not found" in error.message or "can't be edited" in error.message:
                raise delivery.EditFailed() from error
            raise

    async def send_text(self, chat_id: int, text: str, buttons: list[list[Button]]) -> None:
        await self._call(self.bot.send_message(chat_id, text, reply_markup=_markup(buttons)))

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, buttons: list[list[Button]]
    ) -> None:
        await self._call(
            self.bot.edit_message_text(
                text=text, chat_id=chat_id, message_id=message_id, reply_markup=_markup(buttons)
            )
        )

    async def edit_buttons(
        self, chat_id: int, message_id: int, buttons: list[list[Button]]
    ) -> None:
        await self._call(
            self.bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=_markup(buttons)
            )
        )

    async def send_document(self, chat_id: int, document: Document) -> None:
        file = BufferedInputFile(document.content, filename=document.filename)
        await self._call(self.bot.send_document(chat_id, file, caption=document.caption or None))

    async def send_photo(self, chat_id: int, photo: Photo) -> None:
        file = BufferedInputFile(photo.content, filename=photo.filename)
        await self._call(self.bot.send_photo(chat_id, file, caption=photo.caption or None))

    async def answer_callback(self, callback_id: str, text: str | None) -> None:
        await self._call(self.bot.answer_callback_query(callback_id, text=text))


def _identity(user: Any) -> dict[str, Any]:
    return {
        "display_name": (user.first_name or "") if user else "",
        "language_code": user.language_code if user else None,
    }


def create_router() -> Router:
    """Routes every message and button press to the engine (the engine decides)."""
    router = Router(name=__name__)

    @router.message(F.text)
    async def on_text(
        message: Message, event_update: Update, engine: Engine, transport: AiogramTransport
    ) -> None:
        """Passes typed text and commands to the engine."""
        event = Inbound.from_text(
            message.chat.id,
            message.text or "",
            event_id=f"tg:{event_update.update_id}",
            **_identity(message.from_user),
        )
        await _run(engine, transport, event, chat_id=message.chat.id)

    @router.message()
    async def on_other(
        message: Message, event_update: Update, engine: Engine, transport: AiogramTransport
    ) -> None:
        """Answers stickers, photos, voice and the like with a request for text."""
        event = Inbound.unsupported(
            message.chat.id,
            str(message.content_type),
            event_id=f"tg:{event_update.update_id}",
            **_identity(message.from_user),
        )
        await _run(engine, transport, event, chat_id=message.chat.id)

    @router.callback_query()
    async def on_button(
        query: CallbackQuery, event_update: Update, engine: Engine, transport: AiogramTransport
    ) -> None:
        """Passes a button press to the engine and edits the pressed message when asked."""
        chat_id = query.message.chat.id if query.message else query.from_user.id
        event = Inbound.button(
            chat_id,
            query.data or "",
            event_id=f"tg:{event_update.update_id}",
            **_identity(query.from_user),
        )
        origin = query.message.message_id if query.message else None
        await _run(engine, transport, event, chat_id=chat_id, origin=origin, callback_id=query.id)

    @router.errors()
    async def on_error(error: ErrorEvent, engine: Engine, transport: AiogramTransport) -> None:
        """Logs the failure without personal data and apologizes to the person."""
        update = error.update
        delivery.log_failure(update.update_id, error.exception)
        message = update.message or (
            update.callback_query.message if update.callback_query else None
        )
        user = (
            update.message.from_user
            if update.message
            else (update.callback_query.from_user if update.callback_query else None)
        )
        if message is not None:
            event = Inbound.from_text(message.chat.id, "", **_identity(user))
            await delivery.deliver(transport, engine.apology(event), chat_id=message.chat.id)

    return router


async def _run(
    engine: Engine,
    transport: AiogramTransport,
    event: Inbound,
    *,
    chat_id: int,
    origin: int | None = None,
    callback_id: str | None = None,
) -> None:
    reply = await engine.handle(event)
    if reply.duplicate:
        return
    await delivery.deliver(
        transport,
        reply,
        chat_id=chat_id,
        origin_message_id=origin,
        callback_id=callback_id,
        on_blocked=engine.mark_blocked,
    )


def create_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    return Bot(
        token=settings.token or "",
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def create_dispatcher(engine: Engine, bot: Bot) -> Dispatcher:
    """Assembles the dispatcher; dependencies travel as workflow data, not globals."""
    dispatcher = Dispatcher(engine=engine, transport=AiogramTransport(bot))
    dispatcher.include_router(create_router())
    return dispatcher


async def run_polling(
    engine: Engine, settings: Settings, *, stop: asyncio.Event | None = None
) -> None:
    """Runs the bot by long polling until `stop` is set (or, without one, until a signal)."""
    bot = create_bot(settings)
    dispatcher = create_dispatcher(engine, bot)
    try:
        await bot.delete_webhook(drop_pending_updates=False)
        if not settings.bot_username:  # invitation links need it
            settings.bot_username = (await bot.get_me()).username or ""
        for language_code, commands in localized_commands(engine.texts).items():
            await bot.set_my_commands(
                [BotCommand(command=name, description=text) for name, text in commands],
                language_code=language_code or None,
            )
        polling = asyncio.create_task(
            dispatcher.start_polling(
                bot,
                polling_timeout=settings.polling_timeout,
                handle_signals=stop is None,
                close_bot_session=False,
                tasks_concurrency_limit=settings.update_concurrency,
                allowed_updates=["message", "callback_query"],
            )
        )
        if stop is not None:
            await stop.wait()
            try:
                await dispatcher.stop_polling()
            except RuntimeError:  # stopped before polling had started
                polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
    finally:
        await bot.session.close()
