"""The python-telegram-bot 22 adapter: the same engine, translated to PTB's types."""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import timedelta
from typing import Any

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
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
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons]
    )


class PtbTransport:
    """Implements delivery.Transport with PTB's Bot, mapping its errors."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.application = application

    @property
    def bot(self) -> Any:
        return self.application.bot

    async def _call(self, coro: Any) -> None:
        try:
            await coro
        except RetryAfter as error:
            retry = error.retry_after
            seconds = retry.total_seconds() if isinstance(retry, timedelta) else float(retry)
            raise delivery.RetryAfter(seconds) from error
        except Forbidden as error:
            raise delivery.Blocked() from error
        except BadRequest as error:
            if "not modified" in error.message:
                raise delivery.NotModified() from error
            if "to edit not found" in error.message or "can't be edited" in error.message:
                raise delivery.EditFailed() from error
            raise
        except (TimedOut, NetworkError) as error:
            raise delivery.Transient(type(error).__name__) from error

    async def send_text(self, chat_id: int, text: str, buttons: list[list[Button]]) -> None:
        await self._call(self.bot.send_message(chat_id, text, reply_markup=_markup(buttons)))

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, buttons: list[list[Button]]
    ) -> None:
        await self._call(
            self.bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=_markup(buttons)
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
        await self._call(
            self.bot.send_document(
                chat_id,
                document.content,
                filename=document.filename,
                caption=document.caption or None,
            )
        )

    async def send_photo(self, chat_id: int, photo: Photo) -> None:
        await self._call(
            self.bot.send_photo(
                chat_id, photo.content, filename=photo.filename, caption=photo.caption or None
            )
        )

    async def answer_callback(self, callback_id: str, text: str | None) -> None:
        await self._call(self.bot.answer_callback_query(callback_id, text=text))


def _identity(user: Any) -> dict[str, Any]:
    return {
        "display_name": (user.first_name or "") if user else "",
        "language_code": user.language_code if user else None,
    }


def _content_type(update: Update) -> str:
    message = update.effective_message
    for kind in (
        "sticker",
        "photo",
        "voice",
        "video",
        "audio",
        "document",
        "location",
        "contact",
        "animation",
        "video_note",
        "poll",
        "venue",
        "dice",
    ):
        if message is not None and getattr(message, kind, None):
            return kind
    return "unknown"


def build_application(
    engine: Engine, settings: Settings
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Builds the PTB application with its handlers; the engine travels in bot_data."""
    # PTB 22 is moving time periods (e.g. RetryAfter.retry_after) from int seconds to
    # timedelta and warns on every 429 until this documented switch opts in to the new type.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    base = settings.telegram_api_base.rstrip("/")
    application = (
        ApplicationBuilder()
        .token(settings.token or "")
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .concurrent_updates(settings.update_concurrency)
        .build()
    )
    transport = PtbTransport(application)
    application.bot_data.update(engine=engine, transport=transport)

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Passes typed text and commands to the engine."""
        message = update.effective_message
        assert message is not None
        event = Inbound.from_text(
            message.chat_id,
            message.text or "",
            event_id=f"tg:{update.update_id}",
            **_identity(update.effective_user),
        )
        await _run(engine, transport, event, chat_id=message.chat_id)

    async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answers stickers, photos, voice and the like with a request for text."""
        message = update.effective_message
        assert message is not None
        event = Inbound.unsupported(
            message.chat_id,
            _content_type(update),
            event_id=f"tg:{update.update_id}",
            **_identity(update.effective_user),
        )
        await _run(engine, transport, event, chat_id=message.chat_id)

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Passes a button press to the engine and edits the pressed message when asked."""
        query = update.callback_query
        assert query is not None
        message = query.message
        chat_id = message.chat.id if message else query.from_user.id
        event = Inbound.button(
            chat_id,
            query.data or "",
            event_id=f"tg:{update.update_id}",
            **_identity(query.from_user),
        )
        origin = message.message_id if message else None
        await _run(engine, transport, event, chat_id=chat_id, origin=origin, callback_id=query.id)

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Logs the failure without personal data and apologizes to the person."""
        update_id = update.update_id if isinstance(update, Update) else None
        delivery.log_failure(update_id, context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            event = Inbound.from_text(
                update.effective_chat.id, "", **_identity(update.effective_user)
            )
            await delivery.deliver(
                transport, engine.apology(event), chat_id=update.effective_chat.id
            )

    application.add_handler(MessageHandler(filters.TEXT, on_text))
    application.add_handler(MessageHandler(filters.ALL & ~filters.TEXT, on_other))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_error_handler(on_error)
    return application


async def _run(
    engine: Engine,
    transport: PtbTransport,
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


async def run_polling(
    engine: Engine, settings: Settings, *, stop: asyncio.Event | None = None
) -> None:
    """Runs the bot by long polling until `stop` is set (or forever)."""
    application = build_application(engine, settings)
    async with application:
        if not settings.bot_username:  # invitation links need it
            settings.bot_username = application.bot.username or ""
        for language_code, commands in localized_commands(engine.texts).items():
            await application.bot.set_my_commands(
                [BotCommand(name, text) for name, text in commands],
                language_code=language_code or None,
            )
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(
            timeout=settings.polling_timeout,
            poll_interval=0,
            allowed_updates=["message", "callback_query"],
        )
        try:
            await (stop or asyncio.Event()).wait()
        finally:
            await application.updater.stop()
            await application.stop()
