"""The conversation engine: (user, inbound event) → load state → run the step → persist → reply.

It knows flows, answers and screens; it does not know Telegram. One call to `Engine.handle` is
one unit of work: the processed-update mark, the answers and the new state commit together, so
a replayed update or a double-pressed button is applied once.

Button payloads are `<state version>:<op>[:<arg>]` for buttons tied to the current screen and
`g:<op>[:<arg>]` for buttons that stay valid (language, consent, menu entries). These formats
are stored in chat histories: change them only with a compatible alias.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import privacy
from bot.config import Settings
from bot.dialogs import common
from bot.events import Button, Document, EventKind, Inbound, Outbound, Reply
from bot.flow import Flow, Kind, Registry, Screen, Step
from bot.i18n import LOCALE_NAMES, LOCALES, Texts, locale_from_telegram
from bot.parsing import InputError, match_option, parse_typed
from storage import repo
from storage.db import Database
from storage.models import ConversationState, User
from storage.types import utcnow

log = logging.getLogger(__name__)

Frame = dict[str, Any]
HISTORY_LIMIT = 60
MAX_START_PAYLOAD = 40
REVIEW_VALUE_LIMIT = 300
MAX_PAYLOAD_BYTES = 64  # Telegram's limit on callback data


class Expired(Exception):
    """The pressed button does not belong to the current screen (stale or forged)."""


@dataclass
class Turn:
    """Everything one update needs: the session, the person, their locale and the reply."""

    engine: Engine
    session: AsyncSession
    event: Inbound
    user: User | None
    locale: str
    state: ConversationState | None = None
    stack: list[Frame] = field(default_factory=list)
    screen: str = ""
    reply: Reply = field(default_factory=Reply)
    # Reads repeated within one update are served from here; writes go through and invalidate.
    answers_cache: dict[str, dict[str, Any]] = field(default_factory=dict)
    completed_cache: set[str] | None = None

    @property
    def texts(self) -> Texts:
        return self.engine.texts

    def t(self, message: str, **context: Any) -> str:
        """Translates and renders a message id."""
        return self.texts.text(self.locale, message, **context)

    def plain(self, message: str) -> str:
        """Translates a message id without rendering (for values a template will escape)."""
        return self.texts.plain(self.locale, message)

    def render(self, template: str, **context: Any) -> str:
        return self.texts.render(self.locale, template, **context)

    def send(self, text: str, buttons: list[list[Button]] | None = None, **kw: Any) -> None:
        self.reply.messages.append(Outbound(text=text, buttons=buttons or [], **kw))

    def send_to(self, user: User, text: str, buttons: list[list[Button]] | None = None) -> None:
        """Queues a message to another person (rendered by the caller in *their* locale)."""
        self.reply.messages.append(
            Outbound(text=text, buttons=buttons or [], chat_id=user.telegram_id)
        )

    @property
    def user_id(self) -> int:
        """The database id of the person (only valid after consent)."""
        assert self.user is not None and self.user.id is not None
        return self.user.id

    @property
    def role(self) -> str:
        return self.user.role if self.user else "client"

    def back_to_current(self) -> None:
        """Leaves a text-waiting screen for the flow or the menu the person was in."""
        self.screen = "flow" if self.stack else "menu"

    @property
    def version(self) -> int:
        """The version the state will have after this turn; payloads carry it."""
        return (self.state.version + 1) if self.state else 0

    def button(self, label: str, op: str, arg: str = "") -> Button:
        data = f"{self.version}:{op}" + (f":{arg}" if arg else "")
        return Button(label, data)


class Engine:
    """Runs flows for one database; build one per process and share it."""

    def __init__(
        self,
        *,
        db: Database,
        registry: Registry,
        texts: Texts,
        settings: Settings,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.db = db
        self.registry = registry
        self.texts = texts
        self.settings = settings
        self.today = today
        texts.add_data_texts(registry.translations)

    # ── entry point ────────────────────────────────────────────────────────────────────────
    async def handle(self, event: Inbound) -> Reply:
        """Applies one inbound event and returns what to show; replays return an empty reply."""
        for attempt in range(5):
            try:
                return await self._handle_once(event)
            except (repo.StaleState, IntegrityError):
                log.info("concurrent change to the same user; retrying (attempt %d)", attempt)
        raise RuntimeError("conversation state kept changing under this update")

    async def housekeeping(self, *, every: float = 6 * 3600) -> None:
        """Forgets processed-update ids after two days (Telegram keeps updates for one)."""
        while True:
            async with self.db.unit_of_work() as session:
                await repo.forget_processed(session=session, before=utcnow() - timedelta(days=2))
            await asyncio.sleep(every)

    @property
    def notice_tag(self) -> str:
        """A short tag of the privacy notice version, carried by the I agree button.

        An agreement counts only for the version the person was shown.
        """
        return hashlib.sha256(self.settings.consent_version.encode()).hexdigest()[:6]

    def apology(self, event: Inbound) -> Reply:
        """Returns the polite answer for an update that failed (no database access needed)."""
        locale = locale_from_telegram(event.language_code, self.settings.default_locale)
        return Reply([Outbound(self.texts.text(locale, common.SORRY))])

    async def mark_blocked(self, user_id: int) -> None:
        """Records that the person blocked the bot, so nothing more is scheduled for them."""
        async with self.db.unit_of_work() as session:
            user = await repo.get_user_by_telegram_id(session=session, telegram_id=user_id)
            if user is not None and user.active:
                user.active, user.blocked_at = False, utcnow()
                session.add(user)

    async def _handle_once(self, event: Inbound) -> Reply:
        async with self.db.unit_of_work() as session:
            if event.event_id and not await repo.mark_processed(
                session=session, key=event.event_id
            ):
                return Reply(duplicate=True)
            user = await repo.get_user_by_telegram_id(session=session, telegram_id=event.user_id)
            locale = (
                user.locale
                if user
                else locale_from_telegram(event.language_code, self.settings.default_locale)
            )
            turn = Turn(self, session, event, user, locale)
            if user is not None:
                self._sync_admin_role(user)
            if user is None:
                await self._before_consent(turn)
                return turn.reply
            turn.state = await repo.get_state(
                session=session,
                user_id=turn.user_id,
                lock=not self.db.is_sqlite,
            )
            turn.stack = json.loads(json.dumps(turn.state.stack or []))
            turn.screen = turn.state.screen or "menu"
            await self._after_consent(turn)
            if turn.user is not None:  # not erased during this turn
                if not turn.user.active:  # writing again means they unblocked the bot
                    turn.user.active, turn.user.blocked_at = True, None
                    await repo.touch_user(session=session, user=turn.user)
                await repo.save_state(
                    session=session, state=turn.state, stack=turn.stack, screen=turn.screen
                )
            return turn.reply

    def _sync_admin_role(self, user: User) -> None:
        """Admins are whoever ADMIN_TELEGRAM_IDS names, now; a removed admin becomes a client."""
        if user.telegram_id in self.settings.admin_telegram_ids:
            user.role = "admin"
        elif user.role == "admin":
            user.role = "client"

    # ── before consent: nothing about the person is stored ─────────────────────────────────
    async def _before_consent(self, turn: Turn) -> None:
        event = turn.event
        if event.kind is EventKind.BUTTON:
            op, _, arg = event.data.partition(":")
            if op == "g":
                op, _, arg = arg.partition(":")
                locale, _, rest = arg.partition(":")
                if op == "L" and locale in LOCALES:
                    turn.locale = locale
                    return self._show_consent(turn, payload=rest)
                if op == "C":
                    answer, _, rest = rest.partition(":")
                    tag, _, payload = rest.partition(":")
                    if locale in LOCALES and answer == "1" and tag != self.notice_tag:
                        turn.locale = locale  # agreed to a notice that has changed since
                        return self._show_consent(turn, payload=payload)
                    if locale in LOCALES and answer in {"1", "0"}:
                        turn.locale = locale
                        return await self._consent_answer(
                            turn, agreed=answer == "1", payload=payload
                        )
            turn.reply.notice = turn.t(common.EXPIRED)
        if event.kind is EventKind.COMMAND:
            if event.command == "privacy":
                return self._show_privacy(turn)
            if event.command == "help":
                return turn.send(turn.render("help.j2", consented=False))
            if event.command in {"export", "delete"}:
                return turn.send(turn.t(common.NOTHING_STORED))
        payload = event.args if event.command == "start" else ""
        self._show_language_picker(turn, first_time=True, payload=payload)

    def _show_language_picker(self, turn: Turn, *, first_time: bool, payload: str = "") -> None:
        suffix = f":{payload}" if payload and len(payload) <= MAX_START_PAYLOAD else ""
        buttons = [[Button(LOCALE_NAMES[code], f"g:L:{code}{suffix}") for code in LOCALES]]
        turn.send(turn.render("language.j2", first_time=first_time), buttons)

    def _show_consent(self, turn: Turn, *, payload: str = "") -> None:
        suffix = f":{payload}" if payload and len(payload) <= MAX_START_PAYLOAD else ""
        buttons = [
            [
                Button(turn.t(common.AGREE), f"g:C:{turn.locale}:1:{self.notice_tag}{suffix}"),
                Button(turn.t(common.DECLINE), f"g:C:{turn.locale}:0"),
            ]
        ]
        turn.send(
            turn.render("consent.j2", version=self.settings.consent_version, ask=True), buttons
        )

    def _show_privacy(self, turn: Turn) -> None:
        turn.send(turn.render("consent.j2", version=self.settings.consent_version, ask=False))

    async def _consent_answer(self, turn: Turn, *, agreed: bool, payload: str = "") -> None:
        if not agreed:
            return turn.send(turn.render("declined.j2"))
        event = turn.event
        user = await repo.create_user(
            session=turn.session, telegram_id=event.user_id, locale=turn.locale
        )
        user.display_name = (event.display_name or "")[:128] or None
        user.consent_given_at = utcnow()
        user.consent_version = self.settings.consent_version
        self._sync_admin_role(user)
        turn.user = user
        turn.state = await repo.get_state(session=turn.session, user_id=user.id)  # type: ignore[arg-type]
        turn.screen = "menu"
        turn.send(turn.render("welcome.j2", name=user.display_name))
        if not await self._start_payload(turn, payload):
            await self._show_menu(turn)
        await repo.save_state(
            session=turn.session, state=turn.state, stack=turn.stack, screen=turn.screen
        )

    async def _start_payload(self, turn: Turn, payload: str) -> bool:
        """Runs a deep-link payload (`<prefix>_<argument>`); False when there is none."""
        prefix, _, argument = payload.partition("_")
        handler = self.registry.start_payloads.get(prefix)
        if not payload or handler is None:
            return False
        await handler(turn, argument)
        return True

    # ── after consent ──────────────────────────────────────────────────────────────────────
    async def _after_consent(self, turn: Turn) -> None:
        event = turn.event
        if await self._consent_outdated(turn):
            return None
        try:
            if event.kind is EventKind.COMMAND:
                return await self._command(turn)
            if event.kind is EventKind.BUTTON:
                return await self._button(turn)
            if event.kind is EventKind.UNSUPPORTED:
                turn.send(turn.t(common.TEXT_ONLY))
                return await self._show_current(turn)
            return await self._typed(turn)
        except Expired:
            turn.reply.notice = turn.t(common.EXPIRED)
            await self._show_current(turn)

    async def _consent_outdated(self, turn: Turn) -> bool:
        """Asks again when the privacy notice changed since the person agreed.

        Until they agree to the new version only their privacy rights stay open: reading the
        notice, changing the language, exporting and erasing their data.
        """
        user, event = turn.user, turn.event
        assert user is not None
        if user.consent_version == self.settings.consent_version:
            return False
        if event.kind is EventKind.BUTTON and event.data.startswith("g:C:"):
            answer, tag = (event.data[4:].split(":") + ["", ""])[1:3]
            if answer == "1" and tag == self.notice_tag:
                user.consent_given_at = utcnow()
                user.consent_version = self.settings.consent_version
                turn.send(turn.t(common.CONSENT_RENEWED))
                await self._show_current(turn)
                return True
            turn.send(turn.t(common.CONSENT_NEEDED))
            return True
        allowed = {"privacy", "language", "export", "delete", "help"}
        if (event.kind is EventKind.COMMAND and event.command in allowed) or (
            event.kind is EventKind.BUTTON
            and (turn.screen in {"delete", "language"} or event.data.startswith("g:L"))
        ):
            return False
        turn.send(turn.t(common.CONSENT_CHANGED))
        self._show_consent(turn)
        return True

    async def _command(self, turn: Turn) -> None:
        command = turn.event.command
        if command == "start":
            if await self._start_payload(turn, turn.event.args):
                return None
            turn.send(turn.render("welcome.j2", name=turn.user.display_name, back=True))  # type: ignore[union-attr]
            return (
                await self._show_current(turn)
                if turn.screen == "flow"
                else await self._show_menu(turn)
            )
        if command == "menu":
            return await self._show_menu(turn)
        if command == "cancel":
            had_flow = bool(turn.stack)
            turn.stack = []
            turn.send(turn.t(common.CANCELLED if had_flow else common.NOTHING_TO_CANCEL))
            return await self._show_menu(turn)
        if command == "help":
            extra = [
                (c.name, turn.t(c.description))
                for c in self.registry.commands.values()
                if turn.role in c.roles
            ]
            return turn.send(turn.render("help.j2", consented=True, extra=extra))
        if command == "privacy":
            return self._show_privacy(turn)
        if command == "language":
            turn.screen = "language" if turn.screen != "flow" else "flow"
            return self._show_language_picker(turn, first_time=False)
        if command == "export":
            return await self._export(turn)
        if command == "delete":
            turn.screen = "delete"
            return self._show_delete_confirm(turn)
        feature = self.registry.commands.get(command)
        if feature is not None and turn.role in feature.roles:
            return await feature.handler(turn, turn.event.args)
        turn.send(turn.t(common.UNKNOWN_COMMAND))
        await self._show_current(turn)

    async def _button(self, turn: Turn) -> None:
        data = turn.event.data
        if len(data.encode()) > MAX_PAYLOAD_BYTES:
            raise Expired  # Telegram never delivers more: the payload is forged
        if data.startswith("g:"):
            return await self._global_button(turn, data[2:])
        version, _, rest = data.partition(":")
        if not version.isdecimal() or int(version) != turn.state.version:  # type: ignore[union-attr]
            raise Expired
        op, _, arg = rest.partition(":")
        if turn.screen == "delete" and op == "D":
            return await self._delete_answer(turn, confirmed=arg == "1")
        if turn.screen == "flow" and turn.stack:
            return await self._flow_button(turn, op, arg)
        raise Expired

    async def _global_button(self, turn: Turn, payload: str) -> None:
        op, _, arg = payload.partition(":")
        if op == "L" and arg in LOCALES:
            turn.locale = arg
            turn.user.locale = arg  # type: ignore[union-attr]
            turn.send(turn.t(common.LANGUAGE_SET, language=LOCALE_NAMES[arg]))
            if turn.screen == "language":
                turn.screen = "menu"
            return await self._show_current(turn)
        if op == "C":
            turn.reply.notice = turn.t(common.ALREADY_AGREED)
            return None
        if op == "M" and arg == "":
            return await self._show_menu(turn)
        if op == "M" and arg in self.registry.flows and self.registry.flows[arg].in_menu:
            return await self._open_flow(turn, self.registry.flows[arg])
        if op == "P":
            return self._show_privacy(turn)
        if op == "Lp":
            return self._show_language_picker(turn, first_time=False)
        action = self.registry.actions.get(op)
        if action is not None:
            return await action(turn, arg)
        raise Expired

    async def _typed(self, turn: Turn) -> None:
        if turn.screen == "flow" and turn.stack:
            return await self._flow_typed(turn)
        if turn.screen == "delete":
            turn.send(turn.t(common.USE_BUTTONS))
            return self._show_delete_confirm(turn)
        screen, argument = self._feature_screen(turn)
        if screen is not None:
            return await screen.on_text(turn, argument)
        turn.send(turn.t(common.PICK_FROM_MENU))
        await self._show_menu(turn)

    async def show_menu(self, turn: Turn) -> None:
        """Shows the main menu (features call this after a screen of their own)."""
        await self._show_menu(turn)

    async def start_flow(self, turn: Turn, flow_id: str) -> None:
        """Opens a flow for the person: resumes it when it is open, else starts it.

        Unlike the menu, this also opens flows that are not menu entries (a feature's own).
        """
        await self._open_flow(turn, self.registry.flows[flow_id])

    async def open_form(
        self, turn: Turn, flow_id: str, values: dict[str, Any], *, review: bool = False
    ) -> None:
        """Opens a flow as a form for one record (a professional, a meeting, …).

        The flow's answers are replaced by `values`: the record's current fields, plus context
        keys that are not steps (e.g. which record), which reach `on_complete` with the
        answers. `review=True` (editing a record) opens the form at its review step.
        """
        flow = self.registry.flows[flow_id]
        await repo.clear_answers(session=turn.session, user_id=turn.user_id, flow_id=flow_id)
        for name, value in values.items():
            await repo.set_answer(
                session=turn.session,
                user_id=turn.user_id,
                flow_id=flow_id,
                flow_version=flow.version,
                name=name,
                value=value,
            )
        turn.answers_cache.clear()
        review_step = next((s for s in flow.steps if s.kind is Kind.REVIEW), None)
        turn.screen = "flow"
        if review and review_step is not None:
            turn.stack = [self._frame(flow, review_step.name, edit=True)]
            return await self._show_step(turn)
        turn.stack = []
        await self._enter_flow(turn, flow)

    async def show_current(self, turn: Turn) -> None:
        """Shows the screen the person is on again (after a help text, an error, a restart)."""
        await self._show_current(turn)

    async def _show_current(self, turn: Turn) -> None:
        if turn.screen == "flow" and turn.stack:
            return await self._show_step(turn)
        if turn.screen == "delete":
            return self._show_delete_confirm(turn)
        if turn.screen == "language":
            return self._show_language_picker(turn, first_time=False)
        screen, argument = self._feature_screen(turn)
        if screen is not None:
            return await screen.show(turn, argument)
        await self._show_menu(turn)

    def _feature_screen(self, turn: Turn) -> tuple[Screen | None, str]:
        name, _, argument = turn.screen.partition(":")
        return self.registry.screens.get(name), argument

    # ── menu ───────────────────────────────────────────────────────────────────────────────
    async def _show_menu(self, turn: Turn) -> None:
        turn.screen = "menu"
        done = await self._completed(turn)
        open_flow = turn.stack[0]["flow"] if turn.stack else None
        rows: list[list[Button]] = []
        entries = []
        for flow in self.registry.menu_flows():
            status = "open" if flow.id == open_flow else "done" if flow.id in done else "new"
            title = turn.t(flow.title)
            label = turn.t(common.MENU_LABELS[status], title=title, icon=flow.icon)
            rows.append([Button(label, f"g:M:{flow.id}")])
            entries.append({"title": title, "status": status, "icon": flow.icon})
        for entry in self.registry.menu_entries:
            title = turn.t(entry.title)
            label = turn.t(common.MENU_LABELS["new"], title=title, icon=entry.icon)
            rows.append([Button(label, f"g:{entry.action}:{entry.arg}")])
            entries.append({"title": title, "status": "new", "icon": entry.icon})
        rows.append(
            [
                Button(turn.t(common.LANGUAGE_BUTTON), "g:Lp"),
                Button(turn.t(common.PRIVACY_BUTTON), "g:P"),
            ]
        )
        turn.send(turn.render("menu.j2", entries=entries), rows)

    async def _open_flow(self, turn: Turn, flow: Flow) -> None:
        """Starts a flow from the menu, resuming it when it is already open."""
        if turn.stack and turn.stack[0]["flow"] == flow.id:
            turn.screen = "flow"
            return await self._show_step(turn)
        done = await self._completed(turn)
        review = next((s for s in flow.steps if s.kind is Kind.REVIEW), None)
        turn.screen = "flow"
        if flow.id in done and review is not None:
            turn.stack = [self._frame(flow, review.name, edit=True)]
            return await self._show_step(turn)
        turn.stack = []
        await self._enter_flow(turn, flow)

    def _frame(self, flow: Flow, step: str, *, edit: bool = False) -> Frame:
        return {"flow": flow.id, "v": flow.version, "step": step, "hist": [], "edit": edit}

    async def _enter_flow(self, turn: Turn, flow: Flow, parent_step: str | None = None) -> None:
        frame = self._frame(flow, "")
        if parent_step:
            frame["parent_step"] = parent_step
        turn.stack.append(frame)
        start = -1
        if flow.skip_answered:  # resume after the furthest item answered (skips stay skipped)
            answers = await self._answers(turn, flow)
            answered = [i for i, s in enumerate(flow.steps) if s.is_question and s.name in answers]
            start = max(answered, default=-1)
        await self._advance(turn, from_index=start)

    # ── flows ──────────────────────────────────────────────────────────────────────────────
    def _top(self, turn: Turn) -> tuple[Frame, Flow, Step | None]:
        frame = turn.stack[-1]
        flow = self.registry.flows.get(frame["flow"])
        if flow is None:
            turn.stack.pop()
            raise Expired
        try:
            step = flow.step(frame["step"]) if frame["step"] else None
        except KeyError:
            step = None  # the flow changed since this state was saved
        return frame, flow, step

    async def _answers(self, turn: Turn, flow: Flow) -> dict[str, Any]:
        cached = turn.answers_cache.get(flow.id)
        if cached is None:
            cached = turn.answers_cache[flow.id] = await self.answers_of(
                turn.session, turn.user_id, flow
            )
        return dict(cached)

    async def _completed(self, turn: Turn) -> set[str]:
        if turn.completed_cache is None:
            turn.completed_cache = await repo.completed_flows(
                session=turn.session, user_id=turn.user_id
            )
        return turn.completed_cache

    async def answers_of(self, session: AsyncSession, user_id: int, flow: Flow) -> dict[str, Any]:
        """Returns a flow's answers, with those of its sub-flows (conditions may use them)."""
        answers: dict[str, Any] = {}
        for step in flow.steps:
            if step.kind is Kind.SUBFLOW and step.flow in self.registry.flows:
                child = self.registry.flows[step.flow]
                answers.update(await self.answers_of(session, user_id, child))
        answers.update(await repo.get_answers(session=session, user_id=user_id, flow_id=flow.id))
        return answers

    async def describe(
        self, session: AsyncSession, user_id: int, flow_id: str, locale: str
    ) -> list[dict[str, str]]:
        """Returns a flow's reviewed questions as {name, label, value} in `locale` (summaries)."""
        flow = self.registry.flows[flow_id]
        answers = await self.answers_of(session, user_id, flow)
        end = next((s.name for s in flow.steps if s.kind is Kind.REVIEW), None)
        steps = (
            self._reviewed_steps(flow, end, answers)
            if end
            else [(s.name, s) for s in flow.steps if s.is_question and s.is_relevant(answers)]
        )
        return [
            {
                "name": key,
                "label": self.texts.text(locale, step.review_label, answers=answers),
                "value": self._display(locale, step, answers.get(step.name)),
            }
            for key, step in steps
        ]

    async def _save_answer(self, turn: Turn, flow: Flow, step: Step, value: Any) -> None:
        turn.answers_cache.clear()  # a parent flow's cached answers include this one's
        await repo.set_answer(
            session=turn.session,
            user_id=turn.user_id,
            flow_id=flow.id,
            flow_version=flow.version,
            name=step.name,
            value=value,
        )

    async def _advance(self, turn: Turn, *, from_index: int) -> None:
        """Moves the top frame past `from_index` to the next step that needs the person."""
        frame, flow, current = self._top(turn)
        answers = await self._answers(turn, flow)
        if current is not None and current.kind is not Kind.SUBFLOW:
            frame["hist"] = (frame["hist"] + [frame["step"]])[-HISTORY_LIMIT:]
        done: set[str] | None = None
        for index in range(from_index + 1, len(flow.steps)):
            step = flow.steps[index]
            if not step.is_relevant(answers):
                continue
            if (
                frame.get("edit")
                and step.is_question
                and (step.name in answers or not step.required)
            ):
                continue  # an edit only asks what it newly made necessary
            if flow.skip_answered and step.is_question and step.name in answers:
                continue  # an interrupted inventory resumes at its first unanswered item
            if step.kind is Kind.REVIEW and frame.get("returning"):
                continue  # an edit started from the caller's review goes straight back there
            if step.kind is Kind.MESSAGE:
                if not frame.get("edit"):
                    turn.send(turn.t(step.label, answers=answers))
                continue
            if step.kind is Kind.SUBFLOW:
                if done is None:
                    done = await self._completed(turn)
                if step.flow in done:
                    continue  # answered before (e.g. About me inside the intake): never ask twice
                frame["step"] = step.name
                return await self._enter_flow(turn, self.registry.flows[step.flow], step.name)  # type: ignore[index]
            frame["step"] = step.name
            frame.pop("sel", None)
            return await self._show_step(turn)
        await self._complete(turn, flow, answers)

    async def _complete(self, turn: Turn, flow: Flow, answers: dict[str, Any]) -> None:
        for step in flow.steps:
            if step.is_question and step.name in answers and not step.is_relevant(answers):
                await self._save_answer(turn, flow, step, None)
                answers.pop(step.name)
        turn.completed_cache = None
        await repo.add_completion(
            session=turn.session,
            user_id=turn.user_id,
            flow_id=flow.id,
            flow_version=flow.version,
        )
        if flow.on_complete is not None:
            await flow.on_complete(turn, answers)
        frame = turn.stack.pop()
        if flow.done and not frame.get("returning"):
            turn.send(turn.t(flow.done, answers=answers, name=turn.user.display_name))  # type: ignore[union-attr]
        if turn.stack and frame.get("parent_step"):
            _, parent, _ = self._top(turn)
            return await self._advance(turn, from_index=parent.index(frame["parent_step"]))
        turn.stack = []
        if flow.after is not None:
            return await flow.after(turn, answers)
        await self._show_menu(turn)

    async def _show_step(
        self, turn: Turn, *, error: str | None = None, edit: bool = False
    ) -> None:
        frame, flow, step = self._top(turn)
        if step is None:
            turn.stack[-1] = self._frame(flow, "")
            return await self._advance(turn, from_index=-1)
        answers = await self._answers(turn, flow)
        if step.kind is Kind.REVIEW:
            if error:
                turn.send(error)  # e.g. text typed on the review: say why before showing it again
            return self._show_review(turn, flow, step, answers)
        text = turn.render(
            "question.j2",
            progress=self._progress(flow, step, answers),
            label=turn.t(step.label, answers=answers),
            hint=turn.t(step.hint, answers=answers) if step.hint else "",
            error=error,
            current=self._display(turn.locale, step, answers[step.name])
            if step.name in answers
            else "",
            scale=self._scale_legend(turn, step),
            step_kind=step.kind.value,
        )
        turn.send(text, self._step_buttons(turn, frame, flow, step, answers), edit=edit)

    def _progress(self, flow: Flow, step: Step, answers: dict[str, Any]) -> dict[str, Any]:
        questions = [
            s.name for s in flow.steps if s.is_question and s.counted and s.is_relevant(answers)
        ]
        position = questions.index(step.name) + 1 if step.name in questions else len(questions)
        total = max(len(questions), 1)
        filled = round(10 * position / total)
        return {"position": position, "total": total, "bar": "▰" * filled + "▱" * (10 - filled)}

    def _scale_legend(self, turn: Turn, step: Step) -> dict[str, Any] | None:
        if step.kind is not Kind.SCALE or not step.scale_labels:
            return None
        low, high = step.scale
        return {
            "low": low,
            "high": high,
            "low_label": turn.t(step.scale_labels[0]),
            "high_label": turn.t(step.scale_labels[1]),
        }

    def _step_buttons(
        self, turn: Turn, frame: Frame, flow: Flow, step: Step, answers: dict[str, Any]
    ) -> list[list[Button]]:
        rows: list[list[Button]] = []
        options = self.registry.options(step)
        if step.kind is Kind.CHOICE:
            rows += [[turn.button(turn.t(o.label), "c", str(i))] for i, o in enumerate(options)]
        elif step.kind is Kind.MULTI:
            selected = set(frame.get("sel", answers.get(step.name) or []))
            for i, option in enumerate(options):
                mark = "✅ " if option.value in selected else "▫️ "
                rows.append([turn.button(mark + turn.t(option.label), "t", str(i))])
            rows.append([turn.button(turn.t(common.DONE), "d")])
        elif step.kind is Kind.SCALE and step.point_labels:
            low, _ = step.scale
            rows += [
                [turn.button(turn.t(label), "s", str(low + i))]
                for i, label in enumerate(step.point_labels)
            ]
        elif step.kind is Kind.SCALE:
            low, high = step.scale
            rows.append([turn.button(str(v), "s", str(v)) for v in range(low, high + 1)])
        elif step.kind is Kind.YESNO:
            rows.append(
                [
                    turn.button(turn.t(common.YES), "y", "1"),
                    turn.button(turn.t(common.NO), "y", "0"),
                ]
            )
        nav = []
        if any(f["hist"] for f in turn.stack):
            nav.append(turn.button(turn.t(common.BACK), "b"))
        if not step.required:
            nav.append(turn.button(turn.t(common.SKIP), "k"))
        nav.append(turn.button(turn.t(common.MENU), "m"))
        rows.append(nav)
        return rows

    def _display(self, locale: str, step: Step, value: Any) -> str:
        """Formats a stored answer for a person to read (plain text; templates escape it)."""
        if value is None:
            return ""
        options = {o.value: o.label for o in self.registry.options(step)}

        def label(v: Any) -> str:
            return self.texts.plain(locale, options[v]) if v in options else str(v)

        if step.kind is Kind.CHOICE:
            return label(value)
        if step.kind is Kind.MULTI:
            return ", ".join(label(v) for v in value)
        if step.kind is Kind.YESNO:
            return self.texts.plain(locale, common.YES if value else common.NO)
        if step.kind is Kind.SCALE and step.point_labels and isinstance(value, int):
            index = value - step.scale[0]
            if 0 <= index < len(step.point_labels):
                return self.texts.plain(locale, step.point_labels[index])
        text = str(value)
        return text if len(text) <= REVIEW_VALUE_LIMIT else text[:REVIEW_VALUE_LIMIT] + "…"

    def _reviewed_steps(
        self, flow: Flow, upto: str, answers: dict[str, Any]
    ) -> list[tuple[str, Step]]:
        """Lists (edit key, step) for the questions a review covers, sub-flows' included."""
        items: list[tuple[str, Step]] = []
        for step in flow.steps[: flow.index(upto)]:
            if not step.is_relevant(answers):
                continue
            if step.kind is Kind.SUBFLOW and step.flow in self.registry.flows:
                child = self.registry.flows[step.flow]
                items += [
                    (f"{step.name}.{s.name}", s)
                    for s in child.steps
                    if s.is_question and s.is_relevant(answers)
                ]
            elif step.is_question:
                items.append((step.name, step))
        return items

    def _show_review(self, turn: Turn, flow: Flow, review: Step, answers: dict[str, Any]) -> None:
        items = []
        rows: list[list[Button]] = []
        for key, step in self._reviewed_steps(flow, review.name, answers):
            label = turn.t(step.review_label, answers=answers)
            value = self._display(turn.locale, step, answers.get(step.name))
            items.append({"label": label, "value": value})
            rows.append([turn.button(turn.t(common.EDIT, label=label), "e", key)])
        rows.append([turn.button(turn.t(common.CONFIRM), "ok")])
        rows.append([turn.button(turn.t(common.MENU), "m")])
        text = turn.render("review.j2", title=turn.t(review.label or flow.title), items=items)
        turn.send(text, rows)

    async def _flow_button(self, turn: Turn, op: str, arg: str) -> None:
        frame, flow, step = self._top(turn)
        if step is None:
            raise Expired
        if op == "m":
            return await self._show_menu(turn)
        if op == "b":
            return await self._back(turn)
        if op == "k" and not step.required and step.is_question:
            await self._save_answer(turn, flow, step, None)
            return await self._advance(turn, from_index=flow.index(step.name))
        if step.kind is Kind.REVIEW:
            if op == "ok":
                frame["edit"] = False
                return await self._advance(turn, from_index=flow.index(step.name))
            answers = await self._answers(turn, flow)
            keys = dict(self._reviewed_steps(flow, step.name, answers))
            if op == "e" and arg in keys:
                frame["hist"] = (frame["hist"] + [step.name])[-HISTORY_LIMIT:]
                frame["edit"] = True
                frame.pop("sel", None)
                parent_step, _, child_step = arg.rpartition(".")
                if parent_step:
                    frame["step"] = parent_step
                    child = self.registry.flows[flow.step(parent_step).flow]  # type: ignore[index]
                    turn.stack.append(
                        self._frame(child, child_step, edit=True)
                        | {"parent_step": parent_step, "returning": True}
                    )
                else:
                    frame["step"] = arg
                return await self._show_step(turn)
            raise Expired
        if step.kind is Kind.MULTI and op == "t":
            options = self.registry.options(step)
            if not (arg.isdecimal() and int(arg) < len(options)):
                raise Expired
            await self._toggle(turn, frame, flow, step, options[int(arg)].value)
            return await self._show_step(turn, edit=True)
        if step.kind is Kind.MULTI and op == "d" and "sel" not in frame:
            frame["sel"] = list((await self._answers(turn, flow)).get(step.name) or [])
        value = self._button_value(frame, step, op, arg)
        await self._accept(turn, frame, flow, step, value, via_button=True)

    def _button_value(self, frame: Frame, step: Step, op: str, arg: str) -> Any:
        options = self.registry.options(step)
        if step.kind is Kind.CHOICE and op == "c" and arg.isdecimal() and int(arg) < len(options):
            return options[int(arg)].value
        if step.kind is Kind.YESNO and op == "y" and arg in {"0", "1"}:
            return arg == "1"
        if step.kind is Kind.SCALE and op == "s" and arg.lstrip("-").isdecimal():
            low, high = step.scale
            if low <= int(arg) <= high:
                return int(arg)
        if step.kind is Kind.MULTI and op == "d":
            return list(frame.get("sel", []))
        raise Expired

    async def _toggle(self, turn: Turn, frame: Frame, flow: Flow, step: Step, value: str) -> None:
        """Flips one option of a multiple choice; the selection lives in the frame until Done."""
        if "sel" not in frame:
            frame["sel"] = list((await self._answers(turn, flow)).get(step.name) or [])
        selected: list[str] = frame["sel"]
        if value in selected:
            selected.remove(value)
        else:
            selected.append(value)

    async def _flow_typed(self, turn: Turn) -> None:
        frame, flow, step = self._top(turn)
        if step is None:
            return await self._show_step(turn)
        raw = turn.event.text
        try:
            if step.kind is Kind.REVIEW:
                raise InputError(common.USE_BUTTONS)
            if step.kind in {Kind.CHOICE, Kind.MULTI}:
                options = self.registry.options(step)
                option = match_option(options, [turn.t(o.label) for o in options], raw)
                if step.kind is Kind.MULTI:
                    await self._toggle(turn, frame, flow, step, option.value)
                    return await self._show_step(turn)
                value: Any = option.value
            else:
                value = parse_typed(step, raw, self.today())
        except InputError as problem:
            return await self._show_step(turn, error=turn.t(problem.message, **problem.params))
        await self._accept(turn, frame, flow, step, value, via_button=False)

    async def _accept(
        self, turn: Turn, frame: Frame, flow: Flow, step: Step, value: Any, *, via_button: bool
    ) -> None:
        answers = await self._answers(turn, flow)
        problem = self._validate(step, value, answers)
        if problem:
            return await self._show_step(turn, error=turn.t(problem[0], **problem[1]))
        await self._save_answer(turn, flow, step, value)
        if via_button:
            turn.reply.messages.append(
                Outbound(
                    text=turn.render(
                        "answered.j2",
                        label=turn.t(step.label, answers=answers),
                        value=self._display(turn.locale, step, value),
                    ),
                    edit=True,
                )
            )
        frame.pop("sel", None)
        await self._advance(turn, from_index=flow.index(step.name))

    def _validate(
        self, step: Step, value: Any, answers: dict[str, Any]
    ) -> tuple[str, dict[str, Any]] | None:
        if step.kind is Kind.MULTI:
            if len(value) < step.min_choices and (step.required or value):
                return common.CHOOSE_AT_LEAST, {"n": step.min_choices}
            if step.max_choices is not None and len(value) > step.max_choices:
                return common.CHOOSE_AT_MOST, {"n": step.max_choices}
        if step.constraint is not None and not step.constraint(value, answers):
            return step.constraint_message or common.INVALID, {"answers": answers}
        return None

    async def _back(self, turn: Turn) -> None:
        frame, flow, _ = self._top(turn)
        if not frame["hist"]:
            if len(turn.stack) > 1 and any(f["hist"] for f in turn.stack):
                turn.stack.pop()  # leave the sub-flow for the caller's previous question
                return await self._back(turn)
            raise Expired
        frame["step"] = frame["hist"].pop()
        frame.pop("sel", None)
        await self._show_step(turn)

    # ── privacy ────────────────────────────────────────────────────────────────────────────
    async def _export(self, turn: Turn) -> None:
        payload = await privacy.export_document(session=turn.session, user=turn.user)  # type: ignore[arg-type]
        filename = f"careerpilot-export-{datetime.now().strftime('%Y%m%d')}.json"
        turn.reply.messages.append(
            Outbound(
                text=turn.t(common.EXPORT_READY),
                document=Document(filename, payload, caption=turn.t(common.EXPORT_CAPTION)),
            )
        )

    def _show_delete_confirm(self, turn: Turn) -> None:
        buttons = [
            [turn.button(turn.t(common.DELETE_YES), "D", "1")],
            [turn.button(turn.t(common.DELETE_NO), "D", "0")],
        ]
        turn.send(turn.render("delete_confirm.j2"), buttons)

    async def _delete_answer(self, turn: Turn, *, confirmed: bool) -> None:
        if not confirmed:
            turn.screen = "flow" if turn.stack else "menu"
            turn.send(turn.t(common.DELETE_KEPT))
            return await self._show_current(turn)
        counts = await privacy.erase(session=turn.session, user=turn.user)  # type: ignore[arg-type]
        turn.user = None
        turn.send(turn.render("deleted.j2", counts=counts))
