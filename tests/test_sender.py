"""The follow-up sender delivers the outbox within Telegram's limits, through the real aiogram
(and python-telegram-bot) client talking HTTP to the fake Bot API, on SQLite and PostgreSQL.

Counts of losses and duplicates come from what the fake server actually delivered.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import pytest
from sqlmodel import col, select

from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage, User
from storage.types import utcnow
from tests.fake_bot_api import FakeTelegram
from tests.outbox_driver import (
    ROOT,
    Alerts,
    add_people,
    enqueue,
    rows,
    running_sender,
    sender_settings,
    settle,
    shown_text,
    start_sender_process,
    wait_for,
)


@pytest.fixture
async def db(database_url):
    database = Database.from_url(database_url)
    yield database
    await database.dispose()


def assert_each_delivered_once(tg: FakeTelegram, people: dict[int, int], per_person: int = 1):
    counts = tg.delivery_counts()
    expected = {(chat, shown_text(chat, n)) for chat in people for n in range(1, per_person + 1)}
    lost = expected - set(counts)
    duplicated = {key: n for key, n in counts.items() if n > 1}
    assert not lost, f"{len(lost)} messages lost"
    assert not duplicated, f"duplicates: {duplicated}"


async def test_a_burst_of_2000_due_messages_arrives_once_each_without_a_429(
    db, database_url, tmp_path
):
    async with FakeTelegram(rate_limit_global=200, rate_limit_per_chat=1) as tg:
        people = await add_people(db, 2000)
        tg.add_chats(people)
        await enqueue(db, people, buttons=True)
        settings = sender_settings(tg, tmp_path, database_url, send_rate_per_second=200)
        async with running_sender(settings) as sender:
            counts = await settle(db, timeout=60)
        assert counts[outbox.SENT] == 2000 and sender.stats.sent == 2000
        assert tg.rate_limited_count == 0 and tg.served(429) == 0  # the limiter kept under 200/s
        assert tg.errors == []
        assert_each_delivered_once(tg, people)
        first = next(iter(people))
        assert tg.outputs(first)[0]["buttons"] == [["Answer now"]]
    sent = await rows(db)
    assert all(r.telegram_message_id and r.sent_at and r.attempts == 1 for r in sent)
    assert {r.claimed_by for r in sent} == {sender.worker}


async def test_messages_to_one_chat_keep_their_order_and_spacing_without_a_429(
    db, database_url, tmp_path
):
    async with FakeTelegram(rate_limit_per_chat=1) as tg:
        people = await add_people(db, 3)
        tg.add_chats(people)
        await enqueue(db, people, per_person=3)
        async with running_sender(sender_settings(tg, tmp_path, database_url)):
            await settle(db, timeout=30)
        assert tg.rate_limited_count == 0
        for chat in people:
            assert tg.delivered(chat) == [shown_text(chat, n) for n in (1, 2, 3)]


async def test_a_blocked_person_is_marked_inactive_their_rows_cancelled_and_counselor_told_once(
    db, database_url, tmp_path
):
    async with FakeTelegram() as tg:
        people = await add_people(db, 4)
        [counselor_chat] = await add_people(db, 1, first_chat=9_000)
        tg.add_chats([*people, counselor_chat])
        await enqueue(db, people, per_person=3)
        blocked_chat, blocked_user = next(iter(people.items()))
        tg.block_chat(blocked_chat)
        told: list[tuple[int, str]] = []

        async def tell_counselor(session, user_id, reason):
            """Queues the alert in the same transaction, as the real hook is meant to."""
            told.append((user_id, reason))
            counselor = (
                await session.exec(select(User).where(col(User.telegram_id) == counselor_chat))
            ).one()
            await outbox.enqueue(
                session=session,
                user_id=counselor.id,
                chat_id=counselor_chat,
                kind="alert",
                payload=outbox.rendered_payload(f"Client {user_id} is unreachable ({reason})"),
                due_at=utcnow(),
            )

        settings = sender_settings(tg, tmp_path, database_url)
        async with running_sender(settings, on_undeliverable=tell_counselor) as sender:
            await settle(db)
        assert told == [(blocked_user, "blocked")]
        assert tg.delivered(counselor_chat) == [f"Client {blocked_user} is unreachable (blocked)"]
        assert tg.delivered(blocked_chat) == []
        others = {chat: user for chat, user in people.items() if chat != blocked_chat}
        assert_each_delivered_once(tg, others, per_person=3)
        assert sender.stats.blocked == 1
    [user] = [u for u in await all_users(db) if u.id == blocked_user]
    assert not user.active and user.blocked_at is not None
    theirs = await rows(db, col(OutboxMessage.user_id) == blocked_user)
    assert sorted((r.state, r.last_error) for r in theirs) == [
        ("cancelled", "blocked"),
        ("cancelled", "blocked"),
        ("failed", "blocked"),
    ]
    # A sender started later leaves the person alone: nothing more is claimed for them.
    async with db.unit_of_work() as session:
        await outbox.enqueue(
            session=session,
            user_id=blocked_user,
            chat_id=blocked_chat,
            kind="reminder",
            payload=outbox.rendered_payload("late"),
            due_at=utcnow(),
        )
        assert (
            await outbox.claim_due(
                session=session,
                worker="w",
                now=utcnow(),
                lease=sender._lease,
                limit=10,
            )
            == []
        )


async def all_users(db: Database) -> list[User]:
    async with db.unit_of_work() as session:
        return list((await session.exec(select(User))).all())


async def test_a_429_pauses_the_whole_sender_for_retry_after_and_nothing_is_lost(
    db, database_url, tmp_path
):
    async with FakeTelegram() as tg:
        people = await add_people(db, 30)
        tg.add_chats(people)
        await enqueue(db, people)
        tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        async with running_sender(sender_settings(tg, tmp_path, database_url)) as sender:
            await settle(db)
        assert sender.stats.rate_limited == 1
        assert_each_delivered_once(tg, people)
        sends = [(t, status) for t, method, status in tg.request_log if method == "sendmessage"]
        [at] = [i for i, (_, status) in enumerate(sends) if status == 429]
        # The next request came only after retry_after (a lower bound, so never flaky).
        assert sends[at + 1][0] - sends[at][0] >= 1.0
    assert all(r.attempts == 1 for r in await rows(db))  # a 429 is not counted as an attempt


async def test_a_5xx_is_retried_with_backoff_and_then_delivered(db, database_url, tmp_path):
    async with FakeTelegram() as tg:
        people = await add_people(db, 5)
        tg.add_chats(people)
        await enqueue(db, people)
        tg.fail_next("sendMessage", 502, "Bad Gateway", count=2)
        alerts = Alerts()
        settings = sender_settings(tg, tmp_path, database_url, send_max_attempts=3)
        async with running_sender(settings, on_undeliverable=alerts) as sender:
            counts = await settle(db)
        assert counts[outbox.SENT] == 5 and alerts.calls == []
        assert sender.stats.retried == 2
        assert_each_delivered_once(tg, people)
    attempts = sorted(r.attempts for r in await rows(db))
    assert sum(attempts) == 5 + 2 and max(attempts) <= 3


async def test_a_permanent_5xx_ends_failed_after_max_attempts_and_the_counselor_is_told(
    db, database_url, tmp_path
):
    async with FakeTelegram() as tg:
        people = await add_people(db, 3)
        tg.add_chats(people)
        await enqueue(db, people)
        broken_chat, broken_user = next(iter(people.items()))
        tg.fail_chat(broken_chat, 500, "Internal Server Error")
        alerts = Alerts()
        settings = sender_settings(tg, tmp_path, database_url, send_max_attempts=3)
        async with running_sender(settings, on_undeliverable=alerts):
            counts = await settle(db)
        assert counts[outbox.FAILED] == 1 and counts[outbox.SENT] == 2
        assert alerts.calls == [(broken_user, "transient")]
        assert tg.served(500) == 3  # exactly max attempts, no more
    [failed] = await rows(db, col(OutboxMessage.state) == outbox.FAILED)
    assert (failed.user_id, failed.attempts, failed.last_error) == (broken_user, 3, "transient")
    assert failed.telegram_message_id is None
    [user] = [u for u in await all_users(db) if u.id == broken_user]
    assert user.active  # a server error says nothing about the person


async def test_a_message_telegram_refuses_fails_at_once_and_others_go_on(
    db, database_url, tmp_path
):
    async with FakeTelegram() as tg:
        people = await add_people(db, 3)
        tg.add_chats(list(people)[1:])  # the first chat is unknown: "chat not found" (400)
        await enqueue(db, people)
        alerts = Alerts()
        async with running_sender(
            sender_settings(tg, tmp_path, database_url), on_undeliverable=alerts
        ):
            await settle(db)
        first_chat, first_user = next(iter(people.items()))
        assert alerts.calls == [(first_user, "rejected")]
    states = {r.chat_id: (r.state, r.attempts) for r in await rows(db)}
    assert states.pop(first_chat) == ("failed", 1)
    assert set(states.values()) == {("sent", 1)}


async def test_a_stopped_sender_hands_back_what_it_had_not_sent(db, database_url, tmp_path):
    async with FakeTelegram() as tg:
        people = await add_people(db, 40)
        tg.add_chats(people)
        await enqueue(db, people)
        settings = sender_settings(
            tg, tmp_path, database_url, send_rate_per_second=20, send_batch_size=40
        )
        async with running_sender(settings) as sender:
            await wait_for(lambda: sender.stats.sent >= 5, what="a few sends")
        left = await rows(db, col(OutboxMessage.state) != outbox.SENT)
        assert left and all(r.state == "pending" and r.claimed_by is None for r in left)
        async with running_sender(settings):
            await settle(db)
        assert_each_delivered_once(tg, people)


async def test_the_python_telegram_bot_transport_follows_the_same_rules(
    db, database_url, tmp_path
):
    async with FakeTelegram() as tg:
        people = await add_people(db, 6)
        tg.add_chats(people)
        await enqueue(db, people, buttons=True)
        chats = list(people)
        tg.block_chat(chats[0])
        tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        tg.fail_next("sendMessage", 502, "Bad Gateway")
        alerts = Alerts()
        settings = sender_settings(tg, tmp_path, database_url, "ptb")
        async with running_sender(settings, on_undeliverable=alerts) as sender:
            counts = await settle(db)
        assert counts[outbox.SENT] == 5 and counts[outbox.FAILED] == 1
        assert alerts.calls == [(people[chats[0]], "blocked")]
        assert sender.stats.rate_limited == 1 and sender.stats.retried == 1
        assert_each_delivered_once(tg, {c: people[c] for c in chats[1:]})
        assert tg.outputs(chats[1])[0]["buttons"] == [["Answer now"]]
    ids = {r.chat_id: r.telegram_message_id for r in await rows(db) if r.state == "sent"}
    assert all(ids.values())


# ── several senders, crashes ───────────────────────────────────────────────────────────────
async def stop_process(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
    await asyncio.wait_for(process.wait(), 20)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_two_senders_on_postgresql_send_every_row_exactly_once(db, database_url, tmp_path):
    """Two senders, each with its own engine and connections, claim from one outbox."""
    async with FakeTelegram(rate_limit_global=200, rate_limit_per_chat=1) as tg:
        people = await add_people(db, 600)
        tg.add_chats(people)
        await enqueue(db, people)
        # Each gets half the rate (the limits hold per sender) and small batches, so their
        # claims interleave all the way through.
        settings = sender_settings(
            tg, tmp_path, database_url, send_rate_per_second=100, send_batch_size=10
        )
        async with running_sender(settings) as one, running_sender(settings) as two:
            counts = await settle(db, timeout=60)
        assert counts[outbox.SENT] == 600
        assert one.stats.sent + two.stats.sent == 600 and one.stats.sent and two.stats.sent
        assert one.stats.lost_lease == two.stats.lost_lease == 0
        assert tg.rate_limited_count == 0
        assert_each_delivered_once(tg, people)
    assert {r.claimed_by for r in await rows(db)} == {one.worker, two.worker}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_on_sqlite_a_second_sender_stands_by_until_the_first_stops(
    db, database_url, tmp_path
):
    async with FakeTelegram() as tg:
        people = await add_people(db, 60)
        tg.add_chats(people)
        first_half = dict(list(people.items())[:30])
        await enqueue(db, first_half)
        settings = sender_settings(tg, tmp_path, database_url, send_rate_per_second=100)
        async with running_sender(settings) as first, running_sender(settings) as second:
            await settle(db)
            assert (first.stats.sent, second.stats.sent) == (30, 0)
            assert second.stats.claimed == 0
            # The first one stops: the one standing by takes over.
            second_half = dict(list(people.items())[30:])
            await enqueue(db, second_half)
            await first.stop()
            await settle(db)
            assert second.stats.sent == 30
        assert_each_delivered_once(tg, people)


async def test_a_sender_killed_mid_batch_and_restarted_finishes_with_at_most_one_duplicate(
    db, database_url, tmp_path
):
    async with FakeTelegram(rate_limit_global=200, rate_limit_per_chat=1) as tg:
        people = await add_people(db, 200)
        tg.add_chats(people)
        await enqueue(db, people)
        send = {"send_rate_per_second": 100, "send_batch_size": 50, "send_lease_seconds": 2}
        process = await start_sender_process(tg, tmp_path, database_url, **send)
        delivered = 0

        def kill_at_the_60th(chat_id, record):
            nonlocal delivered
            delivered += 1
            if delivered == 60:  # the sender has this message in flight: no reply reaches it
                os.kill(process.pid, signal.SIGKILL)

        tg.on_output.append(kill_at_the_60th)
        try:
            await asyncio.wait_for(process.wait(), 60)
            assert process.returncode == -signal.SIGKILL
            tg.on_output.clear()
            left = await rows(db, col(OutboxMessage.state) != outbox.SENT)
            assert len(left) >= 140  # killed mid-batch: most of the work was still to do
            assert any(r.state == "sending" for r in left)  # the dead sender's claimed rows
            # Restarted (here in the test's process): on SQLite it takes the sender lock the
            # kernel released and takes back the rows at once; on PostgreSQL it takes them
            # when the dead sender's lease has run out.
            async with running_sender(sender_settings(tg, tmp_path, database_url, **send)):
                counts = await settle(db, timeout=60)
        finally:
            await stop_process(process)
        assert counts[outbox.SENT] == 200
        counts_by_message = tg.delivery_counts()
        assert {(chat, shown_text(chat, 1)) for chat in people} <= set(counts_by_message)
        duplicates = sum(n - 1 for n in counts_by_message.values())
        assert duplicates <= 1, f"{duplicates} duplicates after one crash"


def test_the_sender_command_refuses_clearly_without_a_token(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "sender"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": "", "DATA_DIR": str(tmp_path)},
        timeout=60,
    )
    assert result.returncode == 2
    assert "needs TELEGRAM_BOT_TOKEN" in result.stderr
    assert not (tmp_path / "careerpilot.sqlite3").exists()  # refused before touching anything
