"""People chatting with the engine: they type, press buttons by label and read replies.

Messages the engine addresses to someone else (a counselor, a client) land in that person's
inbox, so a test can follow a conversation between several people.
"""

from __future__ import annotations

from itertools import count

from bot.engine import Engine
from bot.events import Inbound, Reply
from bot.i18n import html_to_plain

_events = count()


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
