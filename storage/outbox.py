"""The outbox: durable rows of messages due to chats, claimed by sender loops under a lease.

Repository functions: keyword-only, take a session, never commit (the caller's unit of work
does). The sender loop (bot/services/sender.py) drives them; anything that wants a message
delivered later — a check-in, a reminder, a counselor's broadcast — calls `enqueue`.

A row's life::

    pending ──claim──► sending ──► sent
       ▲                  │  └───► failed      (blocked, rejected, or out of attempts)
       └──retry/release───┘
    pending ──► cancelled                      (the person blocked the bot, or a caller's choice)

A claim marks rows `sending` with `claimed_by` (the sender's id) and `claimed_until` (the end of
its lease). A sender that dies leaves its rows `sending`; once the lease has passed, any sender
claims them again, so no row is ever lost. Every write after the claim names the claimer, so a
sender whose lease was taken over cannot overwrite what the new owner recorded.

`last_error` holds one of the short codes below, never Telegram's description (which can quote
what was sent).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, false, func, true, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import OutboxMessage, User

PENDING, SENDING, SENT, FAILED, CANCELLED = "pending", "sending", "sent", "failed", "cancelled"
STATES = (PENDING, SENDING, SENT, FAILED, CANCELLED)

# Codes kept in `last_error`.
BLOCKED = "blocked"  # HTTP 403: the person blocked the bot
TRANSIENT = "transient"  # a 5xx or a network error (retried, then failed)
REJECTED = "rejected"  # HTTP 400: Telegram refused this message (bad markup, chat not found)
RENDER_ERROR = "render_error"  # the payload could not be turned into a message
ERROR = "error"  # anything else (a bug); retried like a transient error


def rendered_payload(text: str, buttons: Sequence[Sequence[tuple[str, str]]] = ()) -> dict:
    """Returns the payload of an already rendered message: Telegram HTML and inline buttons.

    `buttons` are rows of `(label, callback data)`; the data must fit Telegram's 64 bytes.
    """
    if not text.strip():
        raise ValueError("an outbox message needs text")
    rows = [[{"label": label, "data": data} for label, data in row] for row in buttons]
    for row in rows:
        for button in row:
            if not button["label"] or not 1 <= len(button["data"].encode()) <= 64:
                raise ValueError("a button needs a label and 1-64 bytes of data")
    return {"text": text, "buttons": rows} if rows else {"text": text}


async def enqueue(
    *,
    session: AsyncSession,
    user_id: int,
    chat_id: int,
    kind: str,
    payload: dict[str, Any],
    due_at: datetime,
) -> OutboxMessage:
    """Adds a message to send to `chat_id` at or after `due_at` (timezone-aware).

    `payload` is `rendered_payload(...)` or a template reference
    `{"template": name, "params": {...}}` for the sender's `render` callback.
    """
    if "text" not in payload and "template" not in payload:
        raise ValueError("payload needs 'text' or 'template'")
    message = OutboxMessage(
        user_id=user_id, chat_id=chat_id, kind=kind, payload=payload, due_at=due_at
    )
    session.add(message)
    await session.flush()
    return message


def _reachable() -> Any:
    """Rows of people not marked inactive (those who blocked the bot are left alone)."""
    inactive = exists().where(
        col(User.id) == col(OutboxMessage.user_id), col(User.active) == false()
    )
    return ~inactive


def _claimable(now: datetime) -> Any:
    """Rows a sender may take: pending and due, or `sending` under a lease that ran out."""
    pending = (col(OutboxMessage.state) == PENDING) & (col(OutboxMessage.due_at) <= now)
    orphaned = (col(OutboxMessage.state) == SENDING) & (col(OutboxMessage.claimed_until) < now)
    return (pending | orphaned) & _reachable()


async def claim_due(
    *, session: AsyncSession, worker: str, now: datetime, lease: timedelta, limit: int
) -> list[OutboxMessage]:
    """Marks up to `limit` claimable rows `sending` for `worker` until `now + lease`.

    Returns them oldest due first. On PostgreSQL the rows are picked with
    `FOR UPDATE SKIP LOCKED`, so concurrent claims by several senders never return the same
    row: each skips the rows another is claiming instead of waiting for them. SQLite has one
    writer at a time, so the statement is atomic there by construction (the lock is not
    rendered). Commit right away: the claim is its own short transaction.
    """
    picked = (
        select(OutboxMessage.id)
        .where(_claimable(now))
        .order_by(col(OutboxMessage.due_at), col(OutboxMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True, of=OutboxMessage)
        .scalar_subquery()
    )
    statement = (
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(picked))
        .values(state=SENDING, claimed_by=worker, claimed_until=now + lease)
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False)
    )
    rows = list((await session.exec(statement)).scalars().all())
    return sorted(rows, key=lambda row: (row.due_at, row.id))


async def next_wakeup(*, session: AsyncSession) -> datetime | None:
    """Returns when a row next becomes claimable (a due time or a lease end), if ever.

    Rows `claim_due` would never take (people marked inactive) do not count, or a sender
    would wake for them again and again.
    """
    due = await session.exec(
        select(func.min(OutboxMessage.due_at)).where(
            col(OutboxMessage.state) == PENDING, _reachable()
        )
    )
    lease = await session.exec(
        select(func.min(OutboxMessage.claimed_until)).where(
            col(OutboxMessage.state) == SENDING, _reachable()
        )
    )
    # min() keeps the column's type, so both come back timezone-aware in UTC.
    times = [t for t in (due.one(), lease.one()) if t is not None]
    return min(times) if times else None


def _owned(ids: Iterable[int], worker: str) -> Any:
    return (
        col(OutboxMessage.id).in_(list(ids))
        & (col(OutboxMessage.state) == SENDING)
        & (col(OutboxMessage.claimed_by) == worker)
    )


async def _set(session: AsyncSession, where: Any, **values: Any) -> int:
    result = await session.exec(
        update(OutboxMessage)
        .where(where)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


async def extend_lease(
    *, session: AsyncSession, worker: str, ids: Iterable[int], until: datetime
) -> int:
    """Moves the lease end of `worker`'s claimed rows to `until`; returns how many it holds."""
    return await _set(session, _owned(ids, worker), claimed_until=until)


async def still_held(*, session: AsyncSession, worker: str, ids: Iterable[int]) -> set[int]:
    """Which of these rows `worker` still holds (the others were cancelled or taken over)."""
    result = await session.exec(select(OutboxMessage.id).where(_owned(ids, worker)))
    return {row_id for row_id in result.all() if row_id is not None}


async def release(*, session: AsyncSession, worker: str, ids: Iterable[int]) -> int:
    """Hands `worker`'s unsent claimed rows back as pending (e.g. when the sender stops)."""
    return await _set(
        session, _owned(ids, worker), state=PENDING, claimed_by=None, claimed_until=None
    )


async def release_all_claims(*, session: AsyncSession) -> int:
    """Returns every `sending` row to pending. Only for a sender that knows it is the only one
    (SQLite, holding the sender lock): whatever is `sending` then belongs to a dead sender.
    """
    return await _set(
        session,
        col(OutboxMessage.state) == SENDING,
        state=PENDING,
        claimed_by=None,
        claimed_until=None,
    )


async def mark_sent(
    *, session: AsyncSession, id: int, worker: str, telegram_message_id: int, now: datetime
) -> bool:
    """Records a delivered row with Telegram's message id; False if `worker` no longer held it."""
    return bool(
        await _set(
            session,
            _owned([id], worker),
            state=SENT,
            telegram_message_id=telegram_message_id,
            sent_at=now,
            claimed_until=None,
            last_error=None,
            attempts=OutboxMessage.attempts + 1,
        )
    )


async def retry_later(
    *, session: AsyncSession, id: int, worker: str, error: str, due_at: datetime
) -> bool:
    """Counts a failed attempt and makes the row pending again from `due_at` (the back-off)."""
    return bool(
        await _set(
            session,
            _owned([id], worker),
            state=PENDING,
            due_at=due_at,
            last_error=error,
            claimed_by=None,
            claimed_until=None,
            attempts=OutboxMessage.attempts + 1,
        )
    )


async def mark_failed(*, session: AsyncSession, id: int, worker: str, error: str) -> bool:
    """Counts a last attempt and gives the row up as failed with `error` (a code above)."""
    return bool(
        await _set(
            session,
            _owned([id], worker),
            state=FAILED,
            last_error=error,
            claimed_until=None,
            attempts=OutboxMessage.attempts + 1,
        )
    )


async def cancel_for_user(*, session: AsyncSession, user_id: int, error: str) -> int:
    """Cancels every unsent row of one person (pending, or claimed by any sender)."""
    return await _set(
        session,
        (col(OutboxMessage.user_id) == user_id) & col(OutboxMessage.state).in_([PENDING, SENDING]),
        state=CANCELLED,
        last_error=error,
        claimed_until=None,
    )


async def cancel_if_pending(*, session: AsyncSession, id: int | None, error: str) -> bool:
    """Cancels one row if it has not been claimed yet (a reminder no longer needed)."""
    if id is None:
        return False
    where = (col(OutboxMessage.id) == id) & (col(OutboxMessage.state) == PENDING)
    return await _set(session, where, state=CANCELLED, last_error=error) == 1


async def reschedule_if_pending(
    *, session: AsyncSession, id: int | None, due_at: datetime
) -> bool:
    """Moves one row not claimed yet to a new due time (a snooze, a new time zone)."""
    if id is None:
        return False
    where = (col(OutboxMessage.id) == id) & (col(OutboxMessage.state) == PENDING)
    return await _set(session, where, due_at=due_at) == 1


async def cancel_pending(*, session: AsyncSession, user_id: int, prefix: str) -> int:
    """Cancels a person's pending rows whose kind starts with `prefix` (a replaced reminder)."""
    return await _set(
        session,
        (col(OutboxMessage.user_id) == user_id)
        & (col(OutboxMessage.state) == PENDING)
        & col(OutboxMessage.kind).startswith(prefix),
        state=CANCELLED,
        last_error="replaced",
    )


async def mark_unreachable(*, session: AsyncSession, user_id: int, now: datetime) -> bool:
    """Marks the person inactive (they blocked the bot); True only for the call that did it.

    The conditional update makes the change happen once even when several senders learn of
    the block at the same time, so whoever gets True tells the counselor.
    """
    result = await session.exec(
        update(User)
        .where(col(User.id) == user_id, col(User.active) == true())
        .values(active=False, blocked_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def count_by_state(*, session: AsyncSession) -> dict[str, int]:
    """Returns how many rows are in each state (every state present, zero when none)."""
    result = await session.exec(
        select(OutboxMessage.state, func.count()).group_by(col(OutboxMessage.state))
    )
    counts = dict.fromkeys(STATES, 0)
    counts.update({state: int(count) for state, count in result.all()})
    return counts


async def has_kind(*, session: AsyncSession, user_id: int, kind: str) -> bool:
    """Whether a message of this kind was ever queued for the person (e.g. this week's digest)."""
    rows = await session.exec(
        select(OutboxMessage.id)
        .where(col(OutboxMessage.user_id) == user_id, col(OutboxMessage.kind) == kind)
        .limit(1)
    )
    return rows.first() is not None
