"""End to end: a check-in delivered by the outbox sender and answered on the real aiogram and
PTB clients; a client who blocked the bot is reported to their counselor."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlmodel import col, select

from bot.dialogs.followup import counselor_alert
from bot.i18n import Texts
from storage.db import Database
from storage.models import Case, FollowUp, OutboxMessage, User
from storage.types import utcnow
from tests.outbox_driver import running_sender, settle
from tests.telegram_people import TelegramPerson, bot_settings, running_bot

CLIENT, COUNSELOR = 7101, 7102


async def _accept_case_for(settings, client_chat: int, counselor_chat: int) -> None:
    """Makes the second person a counselor with the first one's case, accepted."""
    db = Database.from_url(settings.effective_database_url)
    try:
        async with db.unit_of_work() as session:
            users = {u.telegram_id: u for u in (await session.exec(select(User))).all()}
            await session.exec(
                update(User)
                .where(col(User.telegram_id) == counselor_chat)
                .values(role="counselor")
            )
            session.add(
                Case(
                    client_id=users[client_chat].id,
                    counselor_id=users[counselor_chat].id,
                    category="unemployed",
                )
            )
    finally:
        await db.dispose()


async def test_a_due_check_in_arrives_and_is_answered_in_telegram(tg, tmp_path, framework):
    settings = bot_settings(tg, tmp_path, framework, send_poll_seconds=0.1)
    ann, carl = TelegramPerson(tg, CLIENT, "Ann"), TelegramPerson(tg, COUNSELOR, "Carl")
    async with running_bot(settings):
        await ann.join()
        await carl.join()
        await _accept_case_for(settings, CLIENT, COUNSELOR)
        carl.say("/case 1")
        await carl.sees("Case #1")
        tg.press(COUNSELOR, "✅ Accept")  # plans the year of check-ins
        await ann.sees("has taken on your case")
        db = Database.from_url(settings.effective_database_url)
        async with db.unit_of_work() as session:  # the first check-in falls due now
            first = (
                await session.exec(select(FollowUp).order_by(col(FollowUp.due_on)).limit(1))
            ).one()
            await session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == first.outbox_id)
                .values(due_at=utcnow())
            )
        async with running_sender(settings):
            await ann.sees("Time for your check-in", timeout=15)
        await ann.answer("📋 Start the check-in", "Working full-time, stable", "Skip »")
        await ann.answer("A private company", "Yes", "8", "2", "1", "No", "Skip »", "Yes")
        await ann.answer("✔ Looks right")
        assert "Thank you for your check-in." in ann.last
        alert = await carl.sees("asks to talk to you")
        assert "case #1" in alert["text"]
        async with db.unit_of_work() as session:
            case = (await session.exec(select(Case))).one()
            answered = await session.get(FollowUp, first.id)
        await db.dispose()
    assert case.category == "employed" and answered.state == "answered"
    assert answered.answers["status"] == "employed_full" and answered.due_on > date.today()


async def test_a_client_who_blocked_the_bot_is_reported_to_the_counselor(tg, tmp_path):
    settings = bot_settings(tg, tmp_path, "aiogram", send_poll_seconds=0.1)
    ann, carl = TelegramPerson(tg, CLIENT, "Ann"), TelegramPerson(tg, COUNSELOR, "Carl")
    async with running_bot(settings):
        await ann.join()
        await carl.join()
        await _accept_case_for(settings, CLIENT, COUNSELOR)
        carl.say("/case 1")
        await carl.sees("Case #1")
        tg.press(COUNSELOR, "✅ Accept")
        await ann.sees("has taken on your case")
    db = Database.from_url(settings.effective_database_url)
    async with db.unit_of_work() as session:
        await session.exec(update(OutboxMessage).values(due_at=utcnow()))
    tg.block_chat(CLIENT)
    async with running_sender(settings, on_undeliverable=counselor_alert(Texts())):
        alert = await carl.sees("has blocked the bot", timeout=20)
        await settle(db)
    async with db.unit_of_work() as session:
        client = (await session.exec(select(User).where(col(User.telegram_id) == CLIENT))).one()
        states = {m.state for m in (await session.exec(select(OutboxMessage))).all()}
    await db.dispose()
    assert "case #1" in alert["text"] and client.active is False
    assert "pending" not in states  # the rest of the year's check-ins were cancelled
    # Telegram refused exactly the one message sent while the client had blocked the bot.
    assert tg.errors == [("sendmessage", "Forbidden: bot was blocked by the user")]
    tg.errors.clear()
