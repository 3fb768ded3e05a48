"""People chatting with the engine: they type, press buttons by label and read replies.

`Person` is one person's chat window, kept the way Telegram shows it. `Chat` delivers messages
the engine addresses to someone else (a counselor, a client) to that person's inbox, so a test
can follow a conversation between several people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from bot.dialogs import common
from bot.engine import Engine
from bot.events import Button, Document, Inbound, Outbound, Photo, Reply
from bot.i18n import LOCALE_NAMES, Texts, html_to_plain

_events = count()
_texts = Texts()
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def translated(locale: str, message: str, **context: Any) -> str:
    """Returns a message as a person reads it in `locale`, from the compiled catalog.

    Tests compare with this rather than with fixed Chinese wording, which translators refine.
    """
    if "%(" in message:  # the ids of {% trans %} blocks in templates
        return html_to_plain(_texts.gettext(locale, message) % context)
    return html_to_plain(_texts.text(locale, message, **context))


@dataclass(eq=False)  # two messages with the same text are still two messages
class Message:
    """One message in a chat window: Telegram HTML and the buttons under it."""

    html: str
    buttons: list[list[Button]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return html_to_plain(self.html)

    @property
    def labels(self) -> list[str]:
        return [button.label for row in self.buttons for button in row]


class Person:
    """Someone talking to the engine as on Telegram: types, taps buttons by label, reads.

    A reply marked `edit` replaces the message whose button was tapped, as the adapters do;
    every other message appears at the bottom of the chat.
    """

    def __init__(
        self, engine: Engine, telegram_id: int = 42, name: str = "Ann", language_code: str = "en"
    ) -> None:
        self.engine = engine
        self.id = telegram_id
        self.name = name
        self.language_code = language_code
        self.chat: list[Message] = []
        self.fresh: list[Message] = []  # what the last action added or changed
        self.reply = Reply()
        self.documents: list[Document] = []
        self.photos: list[Photo] = []
        self.for_others: list[Outbound] = []

    # ── doing ──────────────────────────────────────────────────────────────────────────────
    async def send(self, text: str) -> Reply:
        return await self._do(Inbound.from_text(self.id, text, **self._sender()))

    async def press(self, label: str, *, on: str | None = None) -> Reply:
        """Taps the newest button with this label (under the newest message showing `on`)."""
        message, data = self._find(label, on)
        return await self._do(Inbound.button(self.id, data, **self._sender()), pressed_on=message)

    async def press_data(self, data: str) -> Reply:
        """Sends a button press with any payload, as an old or forged button would."""
        return await self._do(Inbound.button(self.id, data, **self._sender()))

    async def sticker(self) -> Reply:
        return await self._do(Inbound.unsupported(self.id, "sticker", **self._sender()))

    async def answer(self, *answers: str) -> None:
        """Taps the button with each label when one is showing, otherwise types it."""
        for answer in answers:
            if answer in self.buttons:
                await self.press(answer)
            else:
                await self.send(answer)

    async def join(self, language: str = "English") -> None:
        """Starts the bot, picks a language and agrees to the privacy notice."""
        locale = next(code for code, name in LOCALE_NAMES.items() if name == language)
        await self.send("/start")
        await self.press(language)
        await self.press(translated(locale, common.AGREE))

    # ── seeing ─────────────────────────────────────────────────────────────────────────────
    @property
    def last_text(self) -> str:
        return self.chat[-1].text

    @property
    def html(self) -> str:
        """The raw Telegram HTML of the newest message."""
        return self.chat[-1].html

    @property
    def seen(self) -> str:
        """Everything the last action brought up, new or changed, as plain text."""
        return "\n\n".join(message.text for message in self.fresh)

    @property
    def notice(self) -> str | None:
        """The short notice Telegram pops up after a button press, if any."""
        return self.reply.notice

    @property
    def buttons(self) -> list[str]:
        """The labels under the newest message that has buttons."""
        latest = next((message for message in reversed(self.chat) if message.buttons), None)
        return latest.labels if latest else []

    def button_data(self, label: str, *, on: str | None = None) -> str:
        """The payload behind the newest button with this label (to replay a press later)."""
        return self._find(label, on)[1]

    # ── plumbing ───────────────────────────────────────────────────────────────────────────
    def message_with(self, text: str) -> Message:
        """The newest message in the chat that shows `text`."""
        return next(message for message in reversed(self.chat) if text in message.text)

    def _find(self, label: str, on: str | None = None) -> tuple[Message, str]:
        for message in reversed(self.chat):
            if on is not None and on not in message.text:
                continue
            for button in (button for row in message.buttons for button in row):
                if button.label == label:
                    return message, button.data
        raise LookupError(f"no button {label!r} on screen; the latest are {self.buttons}")

    def _sender(self) -> dict[str, str]:
        return {
            "display_name": self.name,
            "language_code": self.language_code,
            "event_id": f"tg:{next(_events)}",
        }

    async def _do(self, event: Inbound, pressed_on: Message | None = None) -> Reply:
        self.reply, self.fresh = await self.engine.handle(event), []
        for out in self.reply.messages:
            if out.chat_id not in (None, self.id):
                self.for_others.append(out)
                continue
            if out.document is not None:
                self.documents.append(out.document)
            if out.photo is not None:
                self.photos.append(out.photo)
            if out.edit and pressed_on is not None:
                pressed_on.html = out.text or pressed_on.html
                pressed_on.buttons = out.buttons
                if pressed_on not in self.fresh:
                    self.fresh.append(pressed_on)
            elif out.text:
                self.chat.append(Message(out.text, out.buttons))
                self.fresh.append(self.chat[-1])
        return self.reply


class Chat:
    """One person's chat window: what they sent, and every message that reached them."""

    def __init__(
        self,
        engine: Engine,
        telegram_id: int,
        name: str,
        lang: str = "en",
        room: dict[int, Chat] | None = None,
    ) -> None:
        self.engine, self.id, self.name, self.lang = engine, telegram_id, name, lang
        self.room = room if room is not None else {}
        self.room[telegram_id] = self
        self.html = ""
        self.inbox: list[tuple[str, dict[str, str]]] = []  # (plain text, {label: payload})
        self.notices: list[str] = []

    @property
    def last(self) -> str:
        return self.inbox[-1][0]

    def seen(self, since: int = 0) -> str:
        return "\n".join(text for text, _ in self.inbox[since:])

    def buttons(self) -> dict[str, str]:
        for _, buttons in reversed(self.inbox):
            if buttons:
                return buttons
        return {}

    async def _go(self, event: Inbound, everyone: dict[int, Chat]) -> Reply:
        reply = await self.engine.handle(event)
        if reply.notice:
            self.notices.append(reply.notice)
        for message in reply.messages:
            target = everyone.get(message.chat_id or self.id)
            assert target is not None, f"message for an unknown chat {message.chat_id}"
            buttons = {b.label: b.data for row in message.buttons for b in row}
            target.inbox.append((html_to_plain(message.text), buttons))
            target.html = message.text
        return reply

    async def send(self, text: str) -> Reply:
        event = Inbound.from_text(
            self.id,
            text,
            display_name=self.name,
            language_code=self.lang,
            event_id=f"ev{next(_events)}",
        )
        return await self._go(event, self.room)

    async def press(self, label: str) -> Reply:
        buttons = self.buttons()
        assert label in buttons, f"no button {label!r}; there are {list(buttons)}"
        return await self.press_data(buttons[label])

    async def press_data(self, data: str) -> Reply:
        event = Inbound.button(
            self.id,
            data,
            display_name=self.name,
            language_code=self.lang,
            event_id=f"ev{next(_events)}",
        )
        return await self._go(event, self.room)

    async def answer(self, *answers: str) -> None:
        """Presses a button with that label when there is one, otherwise types the answer."""
        for value in answers:
            if value in self.buttons():
                await self.press(value)
            else:
                await self.send(value)

    async def join(self) -> None:
        await self.send("/start")
        await self.press("English" if self.lang == "en" else "简体中文")
        await self.press(self.buttons_like("agree", "同意"))

    def buttons_like(self, *words: str) -> str:
        return next(k for k in self.buttons() if any(w in k for w in words))
