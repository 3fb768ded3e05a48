"""The outbox repository on both databases: claims, leases, skip locked, blocked people, export."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import col, select

from storage import outbox, repo
from storage.db import Database
from storage.models import OutboxMessage, User
from storage.types import utcnow

LEASE = timedelta(seconds=30)


@pytest.fixture
async def db(database_url):
    database = Database.from_url(database_url)
    yield database
    await database.dispose()


async def person_with_messages(db: Database, *, count: int, telegram_id: int = 77) -> int:
    now = utcnow()
    async with db.unit_of_work() as session:
        user = await repo.create_user(session=session, telegram_id=telegram_id, locale="en")
        for number in range(count):
            await outbox.enqueue(
                session=session,
                user_id=user.id,
                chat_id=telegram_id,
                kind="checkin",
                payload=outbox.rendered_payload(f"m{number}", [[("Open", "ci:1")]]),
                due_at=now - timedelta(minutes=count - number),
            )
        await outbox.enqueue(
            session=session,
            user_id=user.id,
            chat_id=telegram_id,
            kind="reminder",
            payload=outbox.rendered_payload("later"),
            due_at=now + timedelta(days=1),
        )
        return user.id


async def test_a_claim_takes_due_rows_oldest_first_and_only_once(db):
    await person_with_messages(db, count=5)
    now = utcnow()
    async with db.unit_of_work() as session:
        first = await outbox.claim_due(session=session, worker="a", now=now, lease=LEASE, limit=3)
    async with db.unit_of_work() as session:
        second = await outbox.claim_due(session=session, worker="b", now=now, lease=LEASE, limit=9)
    assert [r.payload["text"] for r in first] == ["m0", "m1", "m2"]
    assert [r.payload["text"] for r in second] == ["m3", "m4"]  # not the one due tomorrow
    assert {(r.state, r.claimed_by) for r in first} == {("sending", "a")}
    assert first[0].claimed_until == now + LEASE
    assert first[0].payload["buttons"] == [[{"label": "Open", "data": "ci:1"}]]


async def test_an_expired_lease_makes_rows_claimable_again(db):
    await person_with_messages(db, count=2)
    now = utcnow()
    async with db.unit_of_work() as session:
        await outbox.claim_due(session=session, worker="dead", now=now, lease=LEASE, limit=9)
    async with db.unit_of_work() as session:
        assert (
            await outbox.claim_due(
                session=session, worker="b", now=now + LEASE / 2, lease=LEASE, limit=9
            )
            == []
        )
        taken = await outbox.claim_due(
            session=session, worker="b", now=now + LEASE * 2, lease=LEASE, limit=9
        )
        assert len(taken) == 2
        # The dead sender can no longer record anything about rows it lost.
        assert not await outbox.mark_sent(
            session=session, id=taken[0].id, worker="dead", telegram_message_id=1, now=now
        )
        assert await outbox.mark_sent(
            session=session, id=taken[0].id, worker="b", telegram_message_id=1, now=now
        )


async def test_renewed_and_released_claims(db):
    await person_with_messages(db, count=2)
    now = utcnow()
    async with db.unit_of_work() as session:
        claimed = await outbox.claim_due(
            session=session, worker="a", now=now, lease=LEASE, limit=9
        )
        ids = [r.id for r in claimed]
        assert await outbox.extend_lease(session=session, worker="a", ids=ids, until=now) == 2
        assert await outbox.extend_lease(session=session, worker="x", ids=ids, until=now) == 0
        assert await outbox.release(session=session, worker="a", ids=ids[:1]) == 1
        assert await outbox.next_wakeup(session=session) == claimed[0].due_at
    async with db.unit_of_work() as session:
        counts = await outbox.count_by_state(session=session)
    assert (counts["pending"], counts["sending"]) == (2, 1)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_concurrent_claims_on_postgresql_skip_locked_rows_instead_of_waiting(db):
    """While one sender's claim is still open, another gets the next rows at once."""
    await person_with_messages(db, count=6)
    other = Database.from_url(str(db.engine.url.render_as_string(hide_password=False)))
    now = utcnow()
    try:
        async with db.unit_of_work() as first_session:
            first = await outbox.claim_due(
                session=first_session, worker="a", now=now, lease=LEASE, limit=3
            )
            async with other.unit_of_work() as second_session:
                second = await asyncio.wait_for(
                    outbox.claim_due(
                        session=second_session, worker="b", now=now, lease=LEASE, limit=9
                    ),
                    5,
                )
    finally:
        await other.dispose()
    assert len(first) == 3 and len(second) == 3
    assert not {r.id for r in first} & {r.id for r in second}


async def test_rows_of_a_person_who_blocked_the_bot_are_not_claimed_and_cancelled_once(db):
    user_id = await person_with_messages(db, count=3)
    now = utcnow()
    async with db.unit_of_work() as session:
        assert await outbox.mark_unreachable(session=session, user_id=user_id, now=now)
        assert not await outbox.mark_unreachable(session=session, user_id=user_id, now=now)
        assert (
            await outbox.claim_due(session=session, worker="a", now=now, lease=LEASE, limit=9)
            == []
        )
        assert await outbox.next_wakeup(session=session) is None  # nothing to wake up for
        assert await outbox.cancel_for_user(session=session, user_id=user_id, error="blocked") == 4
    async with db.unit_of_work() as session:
        user = (await session.exec(select(User))).one()
        counts = await outbox.count_by_state(session=session)
    assert not user.active and user.blocked_at is not None
    assert counts["cancelled"] == 4


async def test_export_and_erasure_include_the_outbox(db):
    user_id = await person_with_messages(db, count=2)
    async with db.unit_of_work() as session:
        user = (await session.exec(select(User).where(col(User.id) == user_id))).one()
        exported = await repo.export_user(session=session, user=user)
        counts = await repo.delete_user(session=session, user=user)
    assert [row["payload"]["text"] for row in exported["outbox"]] == ["m0", "m1", "later"]
    assert counts["outbox"] == 3
    async with db.unit_of_work() as session:
        assert (await session.exec(select(OutboxMessage))).all() == []


def test_a_payload_needs_text_and_valid_buttons():
    with pytest.raises(ValueError):
        outbox.rendered_payload("  ")
    with pytest.raises(ValueError):
        outbox.rendered_payload("hi", [[("Open", "x" * 65)]])
    assert outbox.rendered_payload("hi") == {"text": "hi"}
