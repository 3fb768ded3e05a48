"""The sender loop: delivers the outbox (storage/outbox.py) within Telegram's limits.

One loop per sender process. It claims due rows in batches, sends them one at a time through
an `OutboxTransport`, and records each result in its own short transaction right after the
send. Start it with `run_sender(db, transport, settings, stop)` inside the bot process, or
alone with `careerpilot sender`.

Guarantee: **at-least-once, with the stored Telegram message id.** A row becomes `sent`, with
`telegram_message_id`, only after Telegram accepted it. Rows are claimed under a lease
(`SEND_LEASE_SECONDS`, renewed while the sender holds them); if the sender dies — even by
`kill -9` — its claimed rows are taken again by the next sender once the lease has run out
(on SQLite, at once by the restarted sender, which holds the only sender lock), so no row is
lost. The sender has at most **one** message in flight at any moment, and records its result
before sending the next, so a crash can send at most that one message twice: it reached
Telegram but its `sent` was never written. Nothing else can be sent twice by a crash.
Several senders never send the same row: a row is claimed by exactly one of them (on
PostgreSQL with `SELECT … FOR UPDATE SKIP LOCKED`), and every later write names its claimer.
The one exception is a sender that stalls longer than its lease (a frozen VM): another sender
may then take the row over; the stalled one logs it when it finds out.

Limits (see bot/services/ratelimit.py): a global pace (`SEND_RATE_PER_SECOND`, default 30/s)
and a spacing per chat (`SEND_PER_CHAT_INTERVAL`, default 1 s), both a few percent under the
configured value. The limits belong to one process: with N sender processes on one bot,
give each 1/N of the rate. On a 429 the whole sender pauses for `retry_after`, then resumes
with the same message (not counted as an attempt). A 5xx or network error counts an attempt
and puts the row back with exponential back-off and jitter (`SEND_RETRY_BASE_SECONDS` ×
2^(attempt-1) × 0.5–1.5); after `SEND_MAX_ATTEMPTS` attempts it is `failed`. A 403 (the person
blocked the bot) fails the row as `blocked`, marks the person inactive and cancels their other
unsent rows. A 400 (Telegram refused this very message) fails it as `rejected` at once.

Telling the counselor: the caller passes `on_undeliverable(session, user_id, reason)`. It is
called inside the transaction that records the failure, so what it writes (typically an
alert queued in this same outbox) commits together with the failure: exactly once per person
who blocked the bot (reason `blocked`; only the sender that flips `users.active` calls it),
and exactly once per row given up as failed (reason: the error code, e.g. `transient`). It
must not do network I/O. If it raises, the failure is recorded without it and logged.

SQLite: one sender per database file, enforced by an exclusive lock on
`<database file>.sender.lock` (flock: released by the kernel when the process dies). A
second sender stands by until the lock is free, then releases every row left `sending`
(they can only belong to a dead sender) and carries on.

Clocks: leases are wall-clock UTC times in the database; several sender hosts need clocks
that agree to well within a lease (NTP does).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import random
import secrets
import signal
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.events import Button
from bot.handlers import delivery
from bot.services.ratelimit import ChatSpacing, Pace
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage
from storage.types import utcnow

log = logging.getLogger(__name__)

# Back-off never waits longer than this between two attempts of one row.
MAX_BACKOFF_SECONDS = 3600.0


class Rejected(Exception):
    """Telegram refused this message for good (HTTP 400): retrying cannot help."""


class TransportFatal(Exception):
    """The transport cannot send anything (e.g. the token was revoked): the sender stops."""


class OutboxTransport(Protocol):
    """Sends one message and returns Telegram's message id.

    Raises delivery.RetryAfter (429), delivery.Transient (5xx, network), delivery.Blocked
    (403), Rejected (400) or TransportFatal (401), like the adapters in bot/handlers/ do.
    """

    async def send_message(self, chat_id: int, text: str, buttons: list[list[Button]]) -> int: ...


Undeliverable = Callable[[AsyncSession, int, str], Awaitable[None]]
Render = Callable[[OutboxMessage], Awaitable[tuple[str, list[list[Button]]]]]


async def render_payload(row: OutboxMessage) -> tuple[str, list[list[Button]]]:
    """Reads an already rendered payload: `{"text": …, "buttons": [[{label, data}]]}`."""
    if "text" not in row.payload:
        raise ValueError("no renderer for a template payload")
    buttons = [
        [Button(label=b["label"], data=b["data"]) for b in line]
        for line in row.payload.get("buttons", [])
    ]
    return str(row.payload["text"]), buttons


@dataclass(frozen=True)
class SenderConfig:
    """The sender's knobs; `from_settings` reads them from SEND_* settings."""

    rate_per_second: float = 30.0
    per_chat_interval: float = 1.0
    max_attempts: int = 5
    batch_size: int = 100
    lease_seconds: float = 60.0
    retry_base_seconds: float = 2.0
    poll_seconds: float = 1.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SenderConfig:
        return cls(
            rate_per_second=settings.send_rate_per_second,
            per_chat_interval=settings.send_per_chat_interval,
            max_attempts=settings.send_max_attempts,
            batch_size=settings.send_batch_size,
            lease_seconds=settings.send_lease_seconds,
            retry_base_seconds=settings.send_retry_base_seconds,
            poll_seconds=settings.send_poll_seconds,
        )


@dataclass
class SenderStats:
    """What one sender did (for tests, benchmarks and logs)."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    rate_limited: int = 0
    lost_lease: int = 0


def worker_id() -> str:
    """Names this sender in `claimed_by`: host, process and a random tag (fits 64 chars)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


class SqliteSenderLock:
    """The one-sender-per-SQLite-file rule: an exclusive flock next to the database file."""

    def __init__(self, database_path: str) -> None:
        self.path = f"{database_path}.sender.lock"
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        """Takes the lock if no other sender (in any process) holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class Sender:
    """Claims, paces, sends and records outbox rows; see the module docstring for the rules."""

    def __init__(
        self,
        db: Database,
        transport: OutboxTransport,
        config: SenderConfig,
        *,
        on_undeliverable: Undeliverable | None = None,
        render: Render = render_payload,
        worker: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db, self.transport, self.config = db, transport, config
        self.on_undeliverable, self.render = on_undeliverable, render
        self.worker = worker or worker_id()
        self.stats = SenderStats()
        self._clock = clock
        self._pace = Pace(config.rate_per_second, clock=clock)
        self._spacing = ChatSpacing(config.per_chat_interval, clock=clock)
        self._lease = timedelta(seconds=config.lease_seconds)
        self._held: dict[int, OutboxMessage] = {}
        self._renew_at = 0.0
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Looks for due rows now instead of at the next poll (call after enqueueing)."""
        self._wake.set()

    # ── the loop ─────────────────────────────────────────────────────────────────────────
    async def run(self, stop: asyncio.Event) -> None:
        """Sends until `stop` is set; then hands back unsent claimed rows and returns."""
        lock = await self._single_sender(stop)
        if stop.is_set():
            if lock is not None:
                lock.release()
            return
        try:
            if lock is not None:
                async with self.db.unit_of_work() as session:
                    orphans = await outbox.release_all_claims(session=session)
                if orphans:
                    log.info("took back %d rows left by a sender that stopped", orphans)
            log.info("sender %s started", self.worker)
            while not stop.is_set():
                try:
                    batch = await self._claim()
                    if batch:
                        await self._send_batch(batch, stop)
                    else:
                        await self._idle(stop)
                except TransportFatal:
                    raise
                except Exception as error:  # e.g. the database went away for a moment
                    # Rows in hand keep their lease and are taken again once it runs out;
                    # a row sent but not yet recorded may then be sent twice.
                    log.error("sender iteration failed: %s; retrying", type(error).__name__)
                    self._held = {}
                    await _wait(stop, self.config.poll_seconds)
        finally:
            await asyncio.shield(self._release_held())
            if lock is not None:
                lock.release()
            log.info("sender %s stopped", self.worker)

    async def _single_sender(self, stop: asyncio.Event) -> SqliteSenderLock | None:
        """On SQLite, waits (standing by) until this is the only sender of the file."""
        path = self.db.engine.url.database if self.db.is_sqlite else None
        if not path or path == ":memory:":
            return None
        lock = SqliteSenderLock(path)
        told = False
        while not stop.is_set():
            if lock.try_acquire():
                return lock
            if not told:
                log.warning("another sender is running on this SQLite database; standing by")
                told = True
            await _wait(stop, self.config.poll_seconds)
        return None

    async def _claim(self) -> list[OutboxMessage]:
        async with self.db.unit_of_work() as session:
            batch = await outbox.claim_due(
                session=session,
                worker=self.worker,
                now=utcnow(),
                lease=self._lease,
                limit=self.config.batch_size,
            )
        self._held = {row.id: row for row in batch if row.id is not None}
        self._renew_at = self._clock() + self.config.lease_seconds / 3
        self.stats.claimed += len(batch)
        return batch

    async def _idle(self, stop: asyncio.Event) -> None:
        """Sleeps until the next row is due, a poll interval at most, or until woken."""
        async with self.db.unit_of_work() as session:
            wakeup = await outbox.next_wakeup(session=session)
        timeout = self.config.poll_seconds
        if wakeup is not None:
            timeout = min(timeout, max(0.0, (wakeup - utcnow()).total_seconds()) + 0.001)
        self._wake.clear()
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        try:
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _send_batch(self, batch: list[OutboxMessage], stop: asyncio.Event) -> None:
        queue = deque(batch)
        while queue and not stop.is_set():
            row = self._next_ready(queue)
            if row is None:  # every chat left in the batch was written to a moment ago
                ready = min(self._spacing.ready_at(r.chat_id) for r in queue)
                await self._sleep(ready - self._clock(), stop)
                continue
            await self._pace.acquire()
            await self._renew_if_due(queue)
            if row.id not in self._held:  # cancelled or taken over while we waited
                continue
            self._spacing.sent(row.chat_id)
            outcome = await self._attempt(row)
            await self._record(row, outcome, queue, stop)

    def _next_ready(self, queue: deque[OutboxMessage]) -> OutboxMessage | None:
        """Takes the first row whose chat may be written to now (keeps each chat's order)."""
        for index, row in enumerate(queue):
            if self._spacing.is_ready(row.chat_id):
                del queue[index]
                return row
        return None

    # ── one message ──────────────────────────────────────────────────────────────────────
    async def _attempt(self, row: OutboxMessage) -> tuple[str, Any]:
        """Sends one row; returns what happened as (outcome, detail) without raising."""
        try:
            text, buttons = await self.render(row)
        except Exception as error:
            log.error("outbox row %s could not be rendered: %s", row.id, type(error).__name__)
            return "failed", outbox.RENDER_ERROR
        try:
            message_id = await self.transport.send_message(row.chat_id, text, buttons)
        except delivery.RetryAfter as wait:
            return "pause", wait.seconds
        except delivery.Blocked:
            return "blocked", None
        except delivery.Transient:
            return "retry", outbox.TRANSIENT
        except Rejected:
            return "failed", outbox.REJECTED
        except TransportFatal:
            raise
        except Exception as error:  # a bug or an unexpected reply: retried, then failed
            log.error("sending outbox row %s failed: %s", row.id, type(error).__name__)
            return "retry", outbox.ERROR
        return "sent", message_id

    async def _record(
        self, row: OutboxMessage, outcome: tuple[str, Any], queue: deque, stop: asyncio.Event
    ) -> None:
        kind, detail = outcome
        assert row.id is not None
        if kind == "pause":
            self.stats.rate_limited += 1
            log.warning("rate limited by Telegram; pausing the sender for %.1fs", detail)
            queue.appendleft(row)  # the same message goes first once the pause is over
            await self._sleep(float(detail), stop)
            self._pace.hold_until(self._clock())
            return
        self._held.pop(row.id, None)
        if kind == "sent":
            async with self.db.unit_of_work() as session:
                recorded = await outbox.mark_sent(
                    session=session,
                    id=row.id,
                    worker=self.worker,
                    telegram_message_id=int(detail),
                    now=utcnow(),
                )
            if recorded:
                self.stats.sent += 1
            else:
                self.stats.lost_lease += 1
                log.warning("outbox row %s was sent but is no longer claimed by us", row.id)
            return
        if kind == "retry" and row.attempts + 1 < self.config.max_attempts:
            delay = self._backoff(row.attempts + 1)
            async with self.db.unit_of_work() as session:
                await outbox.retry_later(
                    session=session,
                    id=row.id,
                    worker=self.worker,
                    error=str(detail),
                    due_at=utcnow() + timedelta(seconds=delay),
                )
            self.stats.retried += 1
            return
        if kind == "blocked":
            await self._with_alert(lambda session, alert: self._blocked(session, row, alert))
            self.stats.blocked += 1
            for other in [r for r in queue if r.user_id == row.user_id]:
                queue.remove(other)
                self._held.pop(other.id or 0, None)
            return
        await self._with_alert(lambda session, alert: self._failed(session, row, detail, alert))
        self.stats.failed += 1

    def _backoff(self, attempt: int) -> float:
        base = self.config.retry_base_seconds * 2 ** (attempt - 1)
        return min(MAX_BACKOFF_SECONDS, base * (0.5 + random.random()))

    async def _failed(
        self, session: AsyncSession, row: OutboxMessage, code: str, alert: bool
    ) -> None:
        assert row.id is not None
        done = await outbox.mark_failed(session=session, id=row.id, worker=self.worker, error=code)
        if done and alert and self.on_undeliverable is not None:
            await self.on_undeliverable(session, row.user_id, code)

    async def _blocked(self, session: AsyncSession, row: OutboxMessage, alert: bool) -> None:
        assert row.id is not None
        await outbox.mark_failed(
            session=session, id=row.id, worker=self.worker, error=outbox.BLOCKED
        )
        first = await outbox.mark_unreachable(session=session, user_id=row.user_id, now=utcnow())
        await outbox.cancel_for_user(session=session, user_id=row.user_id, error=outbox.BLOCKED)
        if first and alert and self.on_undeliverable is not None:
            await self.on_undeliverable(session, row.user_id, outbox.BLOCKED)

    async def _with_alert(self, write: Callable[[AsyncSession, bool], Awaitable[None]]) -> None:
        """Records a failure together with the counselor hook; without it if the hook fails."""
        try:
            async with self.db.unit_of_work() as session:
                await write(session, True)
        except Exception as error:
            if self.on_undeliverable is None:
                raise
            log.error("the undeliverable hook failed: %s", type(error).__name__)
            async with self.db.unit_of_work() as session:
                await write(session, False)

    # ── leases and waiting ───────────────────────────────────────────────────────────────
    async def _renew_if_due(self, queue: deque[OutboxMessage] | None = None) -> None:
        """Extends the lease on rows still in hand; forgets rows no longer ours."""
        if not self._held or self._clock() < self._renew_at:
            return
        ids = list(self._held)
        async with self.db.unit_of_work() as session:
            kept = await outbox.extend_lease(
                session=session, worker=self.worker, ids=ids, until=utcnow() + self._lease
            )
            if kept < len(ids):  # cancelled (blocked, erased) or, after a stall, taken over
                still = await outbox.still_held(session=session, worker=self.worker, ids=ids)
                self._held = {i: r for i, r in self._held.items() if i in still}
                if queue is not None:
                    for row in [r for r in queue if r.id not in still]:
                        queue.remove(row)
        self._renew_at = self._clock() + self.config.lease_seconds / 3

    async def _sleep(self, seconds: float, stop: asyncio.Event) -> None:
        """Waits `seconds` (or until stop), keeping the leases of held rows alive meanwhile."""
        end = self._clock() + max(0.0, seconds)
        while not stop.is_set():
            remaining = end - self._clock()
            if remaining <= 0:
                return
            await _wait(stop, min(remaining, self.config.lease_seconds / 3))
            await self._renew_if_due()

    async def _release_held(self) -> None:
        if not self._held:
            return
        try:
            async with self.db.unit_of_work() as session:
                await outbox.release(session=session, worker=self.worker, ids=list(self._held))
        except Exception as error:  # the lease runs out and another sender takes them
            log.warning("could not hand back claimed rows: %s", type(error).__name__)
        self._held = {}


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def run_sender(
    db: Database,
    transport: OutboxTransport,
    settings: Settings,
    stop: asyncio.Event,
    *,
    on_undeliverable: Undeliverable | None = None,
    render: Render = render_payload,
) -> None:
    """Runs one sender on `db` until `stop` is set (the call to make from the bot process).

    In the bot process pass the engine's own `Database`, so SQLite writes of the bot and the
    sender are serialized in-process rather than waiting on each other's file locks.
    """
    sender = Sender(
        db,
        transport,
        SenderConfig.from_settings(settings),
        on_undeliverable=on_undeliverable,
        render=render,
    )
    await sender.run(stop)


async def run_standalone(
    settings: Settings, *, on_undeliverable: Undeliverable | None = None
) -> None:
    """`careerpilot sender`: runs the sender alone until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    from bot.handlers.outbox_transport import telegram_transport

    db = Database.from_url(settings.effective_database_url)
    try:
        async with telegram_transport(settings) as transport:
            await run_sender(db, transport, settings, stop, on_undeliverable=on_undeliverable)
    finally:
        await db.dispose()
