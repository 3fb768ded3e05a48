"""A local fake of the Telegram Bot API for end-to-end tests and benchmarks.

The real aiogram and python-telegram-bot clients talk to it over HTTP. It validates requests the
way Telegram does (empty or over-long text, oversized callback data, broken HTML entities), keeps
each chat's messages, and lets a test act as a person: send text or media, press a button by its
label, and wait for what the bot shows. Nothing here reaches the internet.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-TOKEN"
BOT_ID = 123456
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "span",
    "blockquote",
    "tg-emoji",
}
TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*>"
)
ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class BadRequest(Exception):
    """A request Telegram would refuse with HTTP 400."""


def parse_html(text: str) -> str:
    """Checks Telegram's HTML subset strictly and returns the visible text."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = TAG.match(text, i)
            if not match or match.group(2).lower() not in ALLOWED_TAGS:
                raise BadRequest(f"can't parse entities: unsupported start tag at byte offset {i}")
            closing, name = match.group(1) == "/", match.group(2).lower()
            if closing:
                if not stack or stack[-1] != name:
                    raise BadRequest(f"can't parse entities: unmatched end tag at offset {i}")
                stack.pop()
            else:
                stack.append(name)
            i = match.end()
        elif char == "&":
            match = ENTITY.match(text, i)
            if not match:
                raise BadRequest(f"can't parse entities: unsupported entity at offset {i}")
            out.append(unescape(match.group(0)))
            i = match.end()
        elif char == ">":
            raise BadRequest(f"can't parse entities: unexpected '>' at offset {i}")
        else:
            out.append(char)
            i += 1
    if stack:
        raise BadRequest(
            f"can't parse entities: can't find end tag corresponding to <{stack[-1]}>"
        )
    return "".join(out)


@dataclass
class Fault:
    status: int
    description: str
    retry_after: int | None
    remaining: int


class FakeTelegram:
    """The fake server plus a driver API for tests (same event loop)."""

    def __init__(
        self,
        *,
        token: str = TOKEN,
        username: str = "careerpilot_test_bot",
        rate_limit_global: float | None = None,
        rate_limit_per_chat: float | None = None,
    ) -> None:
        self.token = token
        self.username = username
        self.base_url = ""
        self.rate_limit_global = rate_limit_global
        self.rate_limit_per_chat = rate_limit_per_chat
        self.updates: list[dict[str, Any]] = []
        self.confirmed = 0
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._output = asyncio.Condition()
        self.known_chats: set[int] = set()
        self.people: dict[int, tuple[str, str]] = {}
        self.messages: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(
            lambda: itertools.count(1)
        )
        self.history: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self._cursor: dict[int, int] = defaultdict(int)
        self.callback_answers: list[tuple[str, str | None]] = []
        self.errors: list[tuple[str, str]] = []
        self.requests: dict[str, int] = defaultdict(int)
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.blocked: set[int] = set()
        self.sent_times: deque[float] = deque()
        self.chat_sent_times: dict[int, deque[float]] = defaultdict(deque)
        self.rate_limited_count = 0
        self.rate_limit_retry_after = 1
        self.chat_faults: dict[int, Fault] = {}
        self.request_log: list[tuple[float, str, int]] = []  # (monotonic time, method, status)
        self.on_output: list[Callable[[int, dict[str, Any]], None]] = []
        self._runner: web.AppRunner | None = None

    # ── lifecycle ──────────────────────────────────────────────────────────────────────────
    async def start(self, port: int = 0) -> FakeTelegram:
        app = web.Application(client_max_size=50 * 1024 * 1024, middlewares=[self._log_requests])
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        sockets = site._server.sockets  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}"
        return self

    async def stop(self) -> None:
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ── driver: act as a person ────────────────────────────────────────────────────────────
    def _user(self, chat_id: int, first_name: str, language_code: str) -> dict[str, Any]:
        return {
            "id": chat_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }

    def _push(self, update: dict[str, Any]) -> int:
        self.updates.append(update)
        self._new_update.set()
        return update["update_id"]

    def _message(self, chat_id: int, first_name: str, language_code: str, **content: Any) -> dict:
        self.known_chats.add(chat_id)
        self.people[chat_id] = (first_name, language_code)
        return {
            "message_id": next(self._message_ids[chat_id]),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": first_name},
            "from": self._user(chat_id, first_name, language_code),
            **content,
        }

    def user_sends(
        self, chat_id: int, text: str, *, first_name: str = "Ann", language_code: str = "en"
    ) -> int:
        """Queues a text message from a person; commands get a bot_command entity."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split(" ", 1)[0])
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        message = self._message(chat_id, first_name, language_code, **content)
        return self._push({"update_id": next(self._update_ids), "message": message})

    def _media(self, chat_id: int, **content: Any) -> int:
        message = self._message(chat_id, "Ann", "en", **content)
        return self._push({"update_id": next(self._update_ids), "message": message})

    def user_sends_sticker(self, chat_id: int) -> int:
        return self._media(
            chat_id,
            sticker={
                "file_id": "CAACAgIAAxkBAAE",
                "file_unique_id": "AgADsticker",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "😀",
            },
        )

    def user_sends_photo(self, chat_id: int) -> int:
        return self._media(
            chat_id,
            photo=[
                {"file_id": "AgACphoto1", "file_unique_id": "AQADp1", "width": 90, "height": 90},
                {"file_id": "AgACphoto2", "file_unique_id": "AQADp2", "width": 800, "height": 800},
            ],
        )

    def user_sends_voice(self, chat_id: int) -> int:
        return self._media(
            chat_id,
            voice={
                "file_id": "AwACvoice",
                "file_unique_id": "AgADvoice",
                "duration": 3,
            },
        )

    def user_sends_location(self, chat_id: int) -> int:
        return self._media(chat_id, location={"latitude": 30.59, "longitude": 114.31})

    def press(self, chat_id: int, label: str, *, message_id: int | None = None) -> str:
        """Presses the button with this label on the newest message that shows it."""
        candidates = (
            [self.messages[chat_id][message_id]]
            if message_id is not None
            else sorted(self.messages[chat_id].values(), key=lambda m: -m["message_id"])
        )
        labels: list[str] = []
        for message in candidates:
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    labels.append(button["text"])
                    if button["text"].strip() == label.strip():
                        return self.press_data(
                            chat_id, message["message_id"], button["callback_data"]
                        )
        raise AssertionError(f"no button {label!r} in chat {chat_id}; buttons: {labels}")

    def press_data(self, chat_id: int, message_id: int, data: str) -> str:
        """Queues a callback query with any payload (also forged ones)."""
        query_id = f"cb{next(self._callback_ids)}"
        message = self.messages[chat_id].get(message_id) or {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "text": "?",
        }
        self._push(
            {
                "update_id": next(self._update_ids),
                "callback_query": {
                    "id": query_id,
                    "from": self._user(chat_id, *self.people.get(chat_id, ("Ann", "en"))),
                    "message": message,
                    "chat_instance": f"ci{chat_id}",
                    "data": data,
                },
            }
        )
        return query_id

    def queue_raw(self, update: dict[str, Any]) -> int:
        """Queues an exact update (e.g. a replay with the same update_id)."""
        return self._push(json.loads(json.dumps(update)))

    def last_update(self) -> dict[str, Any]:
        return self.updates[-1]

    # ── driver: see what the bot showed ────────────────────────────────────────────────────
    def outputs(self, chat_id: int) -> list[dict[str, Any]]:
        return list(self.history[chat_id])

    def buttons(self, chat_id: int) -> list[str]:
        """Labels of every button currently visible in the chat, newest message first."""
        labels = []
        for message in sorted(self.messages[chat_id].values(), key=lambda m: -m["message_id"]):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                labels += [button["text"] for button in row]
        return labels

    async def wait_for(
        self,
        chat_id: int,
        predicate: Callable[[dict[str, Any]], bool] | str | None = None,
        *,
        timeout: float = 10,
    ) -> dict[str, Any]:
        """Waits for the next bot output in the chat that matches, and moves past it."""
        if isinstance(predicate, str):
            needle = predicate
            predicate = lambda out: needle in out["text"]  # noqa: E731
        deadline = time.monotonic() + timeout
        async with self._output:
            while True:
                history = self.history[chat_id]
                for index in range(self._cursor[chat_id], len(history)):
                    if predicate is None or predicate(history[index]):
                        self._cursor[chat_id] = index + 1
                        return history[index]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [o["text"][:120] for o in history[self._cursor[chat_id] :]]
                    raise AssertionError(f"chat {chat_id}: nothing matched; new outputs: {seen}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._output.wait(), remaining)

    def skip_seen(self, chat_id: int) -> None:
        """Marks everything shown so far as read, so waits look only at what comes next."""
        self._cursor[chat_id] = len(self.history[chat_id])

    async def wait_idle(self, chat_id: int, *, quiet: float = 0.3, timeout: float = 10) -> list:
        """Waits until the bot has been silent for `quiet` seconds; returns the new outputs."""
        deadline = time.monotonic() + timeout
        seen = -1
        while time.monotonic() < deadline:
            count = len(self.history[chat_id])
            if count == seen:
                break
            seen = count
            await asyncio.sleep(quiet)
        new = self.history[chat_id][self._cursor[chat_id] :]
        self._cursor[chat_id] = len(self.history[chat_id])
        return list(new)

    # ── fault injection ────────────────────────────────────────────────────────────────────
    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        count: int = 1,
    ) -> None:
        self.faults[method.lower()].append(Fault(status, description, retry_after, count))

    def block_chat(self, chat_id: int) -> None:
        self.blocked.add(chat_id)

    def fail_chat(
        self, chat_id: int, status: int, description: str, *, count: int | None = None
    ) -> None:
        """Refuses the next `count` sends to one chat (every one when None), e.g. with a 5xx."""
        self.chat_faults[chat_id] = Fault(status, description, None, count or -1)

    # ── outbox bookkeeping: chats, deliveries, refusals ────────────────────────────────────
    def add_chats(self, chat_ids: Any) -> None:
        """Makes chats known (as if each person had written once) so the bot may send to them."""
        self.known_chats.update(chat_ids)

    def delivered(self, chat_id: int) -> list[str]:
        """The texts of every message sent to one chat, in order, duplicates included."""
        return [o["text"] for o in self.history.get(chat_id, []) if o["kind"] == "send"]

    def delivery_counts(self) -> dict[tuple[int, str], int]:
        """How often each (chat, text) was delivered: more than 1 is a duplicate."""
        counts: dict[tuple[int, str], int] = defaultdict(int)
        for chat_id, outputs in self.history.items():
            for output in outputs:
                if output["kind"] == "send":
                    counts[chat_id, output["text"]] += 1
        return counts

    def served(self, status: int, method: str = "sendmessage") -> int:
        """How many responses with this HTTP status went out for `method` (e.g. 429s)."""
        return sum(1 for _, m, code in self.request_log if m == method and code == status)

    @web.middleware
    async def _log_requests(self, request: web.Request, handler: Any) -> web.StreamResponse:
        response = await handler(request)
        method = request.match_info.get("method", "").lower()
        self.request_log.append((time.monotonic(), method, response.status))
        return response

    # ── HTTP side ──────────────────────────────────────────────────────────────────────────
    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            body = await request.read()
            return json.loads(body) if body else {}
        if request.content_type.startswith("multipart/"):
            params: dict[str, Any] = {}
            reader = await request.multipart()
            async for part in reader:
                if part.filename:  # type: ignore[union-attr]
                    params[part.name] = {  # type: ignore[union-attr]
                        "filename": part.filename,  # type: ignore[union-attr]
                        "content": await part.read(),  # type: ignore[union-attr]
                    }
                else:
                    params[part.name] = await part.text()  # type: ignore[union-attr]
            for key, value in list(params.items()):  # aiogram sends files as attach://<part>
                if isinstance(value, str) and value.startswith("attach://"):
                    params[key] = params.get(value.removeprefix("attach://"))
            return params
        if request.method == "POST":
            return dict(await request.post())
        return dict(request.query)

    @staticmethod
    def _decoded(params: dict[str, Any], key: str) -> Any:
        value = params.get(key)
        if isinstance(value, str) and value[:1] in "[{":
            return json.loads(value)
        return value

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"].lower()
        self.requests[method] += 1
        params = await self._params(request)
        faults = self.faults.get(method)
        if faults:
            fault = faults[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                faults.popleft()
            return self._error(method, fault.status, fault.description, fault.retry_after)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        try:
            result = await handler(params)
        except BadRequest as error:
            return self._error(method, 400, f"Bad Request: {error}")
        except _Refusal as refusal:
            return self._error(method, refusal.status, refusal.description, refusal.retry_after)
        return web.json_response({"ok": True, "result": result})

    def _error(
        self, method: str, status: int, description: str, retry_after: int | None = None
    ) -> web.Response:
        self.errors.append((method, description))
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return web.json_response(body, status=status)

    # ── methods ────────────────────────────────────────────────────────────────────────────
    async def _m_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "CareerPilot",
            "username": self.username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not self.updates and time.monotonic() < deadline:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        return self.updates[:limit]

    async def _m_deletewebhook(self, params: dict[str, Any]) -> bool:
        return True

    async def _m_setmycommands(self, params: dict[str, Any]) -> bool:
        commands = self._decoded(params, "commands") or []
        if not commands or any(not c.get("description") for c in commands):
            raise BadRequest("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[params.get("language_code") or ""] = commands
        return True

    async def _m_getmycommands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return self.commands.get(params.get("language_code") or "", [])

    async def _m_sendchataction(self, params: dict[str, Any]) -> bool:
        return True

    async def _m_answercallbackquery(self, params: dict[str, Any]) -> bool:
        self.callback_answers.append((str(params.get("callback_query_id")), params.get("text")))
        return True

    def _check_chat(self, chat_id: int) -> None:
        if chat_id not in self.known_chats:
            raise BadRequest("chat not found")
        if chat_id in self.blocked:
            raise _Refusal(403, "Forbidden: bot was blocked by the user")
        fault = self.chat_faults.get(chat_id)
        if fault is not None:
            fault.remaining -= 1
            if fault.remaining == 0:
                del self.chat_faults[chat_id]
            raise _Refusal(fault.status, fault.description)
        now = time.monotonic()
        for window, limit in (
            (self.sent_times, self.rate_limit_global),
            (self.chat_sent_times[chat_id], self.rate_limit_per_chat),
        ):
            while window and now - window[0] > 1.0:
                window.popleft()
            if limit is not None and len(window) >= limit:
                self.rate_limited_count += 1
                wait = self.rate_limit_retry_after
                raise _Refusal(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        self.sent_times.append(now)
        self.chat_sent_times[chat_id].append(now)

    def _markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = self._decoded(params, "reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                    raise BadRequest("BUTTON_DATA_INVALID")
                if not button.get("text"):
                    raise BadRequest("BUTTON_TEXT_INVALID")
        return markup or None

    def _text(self, params: dict[str, Any], key: str = "text") -> tuple[str, str]:
        raw = params.get(key)
        if raw is None or str(raw).strip() == "":
            raise BadRequest("message text is empty")
        raw = str(raw)
        plain = parse_html(raw) if (params.get("parse_mode") or "").lower() == "html" else raw
        if not plain.strip():
            raise BadRequest("message text is empty")
        if len(plain) > MAX_TEXT:
            raise BadRequest("message is too long")
        return raw, plain

    def _record(self, chat_id: int, kind: str, message: dict[str, Any], **extra: Any) -> None:
        markup = message.get("reply_markup") or {}
        rows = markup.get("inline_keyboard", [])
        record = {
            "kind": kind,
            "message_id": message["message_id"],
            "text": message.get("_plain", message.get("text", "")),
            "html": message.get("_html", message.get("text", "")),
            "buttons": [[b["text"] for b in row] for row in rows],
            "callback_data": [[b.get("callback_data") for b in row] for row in rows],
            "time": time.monotonic(),
            **extra,
        }
        self.history[chat_id].append(record)
        for hook in self.on_output:
            hook(chat_id, record)
        asyncio.get_running_loop().create_task(self._notify())

    async def _notify(self) -> None:
        async with self._output:
            self._output.notify_all()

    def _public(self, message: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in message.items() if not k.startswith("_")}

    def _new_bot_message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids[chat_id]),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Ann"},
            "from": {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "CareerPilot",
                "username": self.username,
            },
            **content,
        }
        self.messages[chat_id][message["message_id"]] = message
        return message

    async def _m_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        raw, plain = self._text(params)
        markup = self._markup(params)
        self._check_chat(chat_id)
        content: dict[str, Any] = {"text": plain, "_html": raw, "_plain": plain}
        if markup:
            content["reply_markup"] = markup
        message = self._new_bot_message(chat_id, **content)
        self._record(chat_id, "send", message)
        return self._public(message)

    def _existing(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = int(params["chat_id"])
        message = self.messages[chat_id].get(int(params["message_id"]))
        if message is None:
            raise BadRequest("message to edit not found")
        return chat_id, message

    async def _m_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, message = self._existing(params)
        raw, plain = self._text(params)
        markup = self._markup(params)
        if raw == message.get("_html") and markup == message.get("reply_markup"):
            raise BadRequest(
                "message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup "
                "of the message"
            )
        message.update(text=plain, _html=raw, _plain=plain, edit_date=int(time.time()))
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        self._record(chat_id, "edit", message)
        return self._public(message)

    async def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, message = self._existing(params)
        markup = self._markup(params)
        if markup == message.get("reply_markup"):
            raise BadRequest("message is not modified")
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        self._record(chat_id, "edit", message)
        return self._public(message)

    async def _m_deletemessage(self, params: dict[str, Any]) -> bool:
        chat_id, message = self._existing(params)
        del self.messages[chat_id][message["message_id"]]
        return True

    async def _send_file(self, params: dict[str, Any], field: str) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        upload = params.get(field)
        if not isinstance(upload, dict):
            raise BadRequest(f"there is no {field} in the request")
        self._check_chat(chat_id)
        content: dict[str, Any] = {
            field: {
                "file_id": f"BQAC{field}",
                "file_unique_id": f"AgAD{field}",
                "file_name": upload["filename"],
                "file_size": len(upload["content"]),
            },
        }
        if params.get("caption"):
            content["caption"] = params["caption"]
        if field == "photo":
            content[field] = [
                {
                    "file_id": "AgACp",
                    "file_unique_id": "AQADp",
                    "width": 800,
                    "height": 600,
                    "file_size": len(upload["content"]),
                }
            ]
        message = self._new_bot_message(chat_id, **content)
        self._record(
            chat_id,
            field,
            message,
            filename=upload["filename"],
            content=upload["content"],
            caption=params.get("caption"),
        )
        return self._public(message)

    async def _m_senddocument(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_file(params, "document")

    async def _m_sendphoto(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_file(params, "photo")

    async def _m_close(self, params: dict[str, Any]) -> bool:
        return True

    async def _m_logout(self, params: dict[str, Any]) -> bool:
        return True


class _Refusal(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after
