"""What goes into and comes out of the engine: plain data, no Telegram types."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from markupsafe import Markup

from bot.i18n import html_to_plain


class EventKind(StrEnum):
    TEXT = "text"
    COMMAND = "command"
    BUTTON = "button"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class Inbound:
    """One thing a person did: typed, sent a command, pressed a button, or sent media."""

    user_id: int
    kind: EventKind
    text: str = ""
    command: str = ""
    args: str = ""
    data: str = ""
    content_type: str = ""
    display_name: str = ""
    language_code: str | None = None
    event_id: str | None = None

    @classmethod
    def from_text(cls, user_id: int, text: str, **kw: Any) -> Inbound:
        """Builds a TEXT or COMMAND event ('/start abc' → command 'start', args 'abc')."""
        if text.startswith("/") and len(text) > 1:
            head, _, args = text[1:].partition(" ")
            command = head.split("@", 1)[0].lower()
            return cls(
                user_id, EventKind.COMMAND, text=text, command=command, args=args.strip(), **kw
            )
        return cls(user_id, EventKind.TEXT, text=text, **kw)

    @classmethod
    def button(cls, user_id: int, data: str, **kw: Any) -> Inbound:
        return cls(user_id, EventKind.BUTTON, data=data, **kw)

    @classmethod
    def unsupported(cls, user_id: int, content_type: str, **kw: Any) -> Inbound:
        return cls(user_id, EventKind.UNSUPPORTED, content_type=content_type, **kw)


@dataclass(frozen=True)
class Button:
    """An inline button; labels are plain text (Telegram shows them verbatim)."""

    label: str
    data: str

    def __post_init__(self) -> None:
        if isinstance(self.label, Markup):
            object.__setattr__(self, "label", html_to_plain(self.label))
        if len(self.data.encode()) > 64:
            raise ValueError(f"button payload over Telegram's 64 bytes: {self.data!r}")


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes
    caption: str = ""


@dataclass(frozen=True)
class Photo:
    """A picture (PNG) sent as a Telegram photo; the console saves it to a file."""

    filename: str
    content: bytes
    caption: str = ""


@dataclass
class Outbound:
    """A message to show: Telegram HTML text, inline buttons, optionally a document.

    `edit=True` asks the adapter to replace the message whose button was just pressed;
    `chat_id` sends it to another person (a counselor, a client) instead of the sender.
    """

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    edit: bool = False
    document: Document | None = None
    photo: Photo | None = None
    chat_id: int | None = None


@dataclass
class Reply:
    messages: list[Outbound] = field(default_factory=list)
    notice: str | None = None
    duplicate: bool = False
