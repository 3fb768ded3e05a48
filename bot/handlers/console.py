"""A local console chat on the same engine: buttons are numbered; type a number or any text."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import TextIO

from bot.engine import Engine
from bot.events import Button, Inbound, Outbound, Reply
from bot.i18n import html_to_plain

CONSOLE_USER_ID = 1


class ConsoleChat:
    """Reads lines, hands them to the engine and prints replies with numbered buttons."""

    def __init__(
        self,
        engine: Engine,
        *,
        user_id: int = CONSOLE_USER_ID,
        display_name: str = "",
        language_code: str | None = None,
        out: TextIO = sys.stdout,
        read_line: Callable[[], str] | None = None,
    ) -> None:
        self.engine = engine
        self.user_id = user_id
        self.display_name = display_name
        self.language_code = language_code
        self.out = out
        self.read_line = read_line or sys.stdin.readline
        self.buttons: list[str] = []
        self.labels: dict[str, str] = {}
        self._delivered = 0

    def event_for(self, line: str) -> Inbound:
        """Maps a typed line to a button press (number or exact label) or to text."""
        kw = {"display_name": self.display_name, "language_code": self.language_code}
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= len(self.buttons):
            return Inbound.button(self.user_id, self.buttons[int(text) - 1], **kw)
        if text in self.labels:
            return Inbound.button(self.user_id, self.labels[text], **kw)
        return Inbound.from_text(self.user_id, line.rstrip("\n"), **kw)

    def show(self, reply: Reply) -> None:
        if reply.notice:
            self.print(f"({reply.notice})")
        if any(
            m.buttons and not m.edit and m.chat_id in {None, self.user_id} for m in reply.messages
        ):
            self.buttons, self.labels = [], {}  # a new screen: number its buttons from 1 again
        for message in reply.messages:
            self.show_message(message)

    def show_message(self, message: Outbound) -> None:
        if message.chat_id is not None and message.chat_id != self.user_id:
            self.print(f"[message for chat {message.chat_id}]\n{html_to_plain(message.text)}")
            return
        if message.edit and not message.buttons and message.text:
            self.print(html_to_plain(message.text))
            return
        if message.text:
            self.print(html_to_plain(message.text))
        if message.document is not None:
            path = self.engine.settings.data_dir / message.document.filename
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(message.document.content)
            self.print(f"[{message.document.caption}: {path}]")
        if message.photo is not None:
            path = self.engine.settings.data_dir / "charts" / message.photo.filename
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(message.photo.content)
            self.print(f"[{message.photo.caption}: {path}]")
        if message.buttons:
            for row in message.buttons:
                cells = []
                for button in row:
                    if message.edit and button.data in self.buttons:  # an edit keeps its numbers
                        number = self.buttons.index(button.data) + 1
                    else:  # every button of a new message has its own number
                        self.buttons.append(button.data)
                        number = len(self.buttons)
                    self.labels[button.label] = button.data
                    cells.append(f"[{number}] {button.label}")
                self.print("   ".join(cells))

    def print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    async def send_message(self, chat_id: int, text: str, buttons: list[list[Button]]) -> int:
        """Shows a due outbox message (a reminder) in the chat, as Telegram would deliver it."""
        self.show_message(Outbound(text=text, buttons=buttons))
        self._delivered += 1
        return self._delivered

    async def run(self, *, first: str = "/start") -> None:
        """Runs the chat until end of input or /quit; due reminders appear as they fall due."""
        if self.engine.settings.run_sender:
            from bot.services.sender import run_sender

            stop = asyncio.Event()
            sender = asyncio.create_task(
                run_sender(self.engine.db, self, self.engine.settings, stop)
            )
            try:
                return await self._chat(first)
            finally:
                stop.set()
                await sender
        await self._chat(first)

    async def _chat(self, first: str) -> None:
        self.show(await self.engine.handle(self.event_for(first)))
        while True:
            self.out.write("> ")
            self.out.flush()
            line = await asyncio.to_thread(self.read_line)
            if not line or line.strip() in {"/quit", "/exit"}:
                self.print("Bye.")
                return
            if not line.strip():
                continue
            self.show(await self.engine.handle(self.event_for(line)))
