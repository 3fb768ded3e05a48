"""End to end: the real aiogram and python-telegram-bot clients against the fake Bot API.

The same scenarios run on both adapters; each asserts on what the person sees in Telegram and
on what was stored.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlmodel import select

from storage.db import Database
from storage.models import Answer, User
from tests.telegram_people import TelegramPerson, bot_settings, running_bot

CHAT = 5001


@pytest.fixture
def settings(tg, tmp_path, framework):
    return bot_settings(tg, tmp_path, framework)


async def stored_answers(settings) -> dict[str, object]:
    db = Database.from_url(settings.effective_database_url)
    try:
        async with db.unit_of_work() as session:
            rows = (await session.exec(select(Answer))).all()
            return {row.name: row.value for row in rows}
    finally:
        await db.dispose()


async def test_new_user_completes_about_me_and_edits_an_answer(tg, settings):
    ann = TelegramPerson(tg, CHAT, "Ann")
    async with running_bot(settings):
        await ann.join()
        await ann.answer("🙂 About me")
        assert "What should I call you?" in ann.last
        await ann.answer("Ann", "25–34", "Wuhan", "Student", "Bachelor's degree", "2")
        review = tg.outputs(CHAT)[-1]
        assert "Here is your profile" in review["text"]
        assert "• City: Wuhan" in review["text"]
        await ann.answer("✏️ City")
        assert "Current answer: Wuhan" in tg.outputs(CHAT)[-1]["text"]
        await ann.answer("Chengdu")
        assert "• City: Chengdu" in tg.outputs(CHAT)[-1]["text"]
        await ann.answer("✔ Looks right")
        assert "✅ About me — done" in ann.last
    answers = await stored_answers(settings)
    assert answers["city"] == "Chengdu" and answers["name"] == "Ann"
    assert answers["education"] == "bachelor" and answers["work_years"] == 2
    assert tg.commands[""] and tg.commands["zh"], "command menus set in both languages"


async def test_export_sends_all_data_as_a_json_document(tg, settings):
    ann = TelegramPerson(tg, CHAT)
    async with running_bot(settings):
        await ann.join()
        await ann.answer("🙂 About me", "Ann")
        ann.say("/export")
        document = await tg.wait_for(CHAT, lambda o: o["kind"] == "document")
    assert document["filename"].endswith(".json")
    data = json.loads(document["content"])
    answers = {row["name"]: row["value"] for row in data["data"]["answers"]}
    assert answers == {"name": "Ann"}
    assert data["data"]["users"][0]["telegram_id"] == CHAT


async def test_delete_erases_everything_after_confirmation(tg, settings):
    ann = TelegramPerson(tg, CHAT)
    async with running_bot(settings):
        await ann.join()
        await ann.answer("🙂 About me", "Ann", "/delete")
        await ann.answer("Yes, erase everything")
        assert "has been erased" in tg.outputs(CHAT)[-1]["text"]
    db = Database.from_url(settings.effective_database_url)
    async with db.unit_of_work() as session:
        assert (await session.exec(select(User))).all() == []
        assert (await session.exec(select(Answer))).all() == []
    await db.dispose()


async def test_double_pressed_button_is_applied_once(tg, settings):
    ann = TelegramPerson(tg, CHAT)
    async with running_bot(settings):
        await ann.join()
        await ann.answer("🙂 About me", "Ann")
        tg.skip_seen(CHAT)
        ann.press("25–34")
        ann.press("25–34")  # the same button again before the bot answered
        await ann.sees("Which city")
        await ann.idle()
        questions = [o for o in tg.outputs(CHAT) if "Which city" in o["text"]]
        assert len(questions) <= 2  # shown once, perhaps again after the "expired" notice
        assert any("expired" in (text or "") for _, text in tg.callback_answers)
        await ann.answer("Wuhan")
        assert "What is your current situation?" in tg.outputs(CHAT)[-1]["text"]
    assert (await stored_answers(settings))["age_range"] == "25_34"


async def test_replayed_update_is_applied_once(tg, settings):
    ann = TelegramPerson(tg, CHAT)
    async with running_bot(settings):
        await ann.join()
        await ann.answer("🙂 About me")
        ann.say("Ann")
        replay = tg.last_update()
        await ann.sees("How old are you, Ann?")
        await ann.idle()
        tg.queue_raw(replay)
        assert await ann.idle() == []  # nothing happens for an update seen before


async def test_sticker_photo_and_voice_get_a_text_please_and_the_same_question(tg, settings):
    ann = TelegramPerson(tg, CHAT)
    async with running_bot(settings):
        await ann.join()
        await ann.answer("🙂 About me")
        for send in (tg.user_sends_sticker, tg.user_sends_photo, tg.user_sends_voice):
            tg.skip_seen(CHAT)
            send(CHAT)
            await ann.sees("I can only read text")
            await ann.sees("What should I call you?")
        await ann.answer("Ann")
        assert "How old are you, Ann?" in tg.outputs(CHAT)[-1]["text"]


async def test_a_5000_character_message_is_refused_politely(tg, settings):
    ann = TelegramPerson(tg, CHAT)
    async with running_bot(settings):
        await ann.join()
        await ann.answer("🙂 About me", "Ann", "25–34")
        await ann.answer("x" * 5000)
        reply = tg.outputs(CHAT)[-1]
        assert "That is 5000 characters; please keep it to 80 at most." in reply["text"]
        assert "Which city or district" in reply["text"]
    assert "city" not in await stored_answers(settings)


async def test_html_like_text_is_shown_back_escaped(tg, settings):
    ann = TelegramPerson(tg, CHAT)
    text = "<b>x</b> & <script>"
    async with running_bot(settings):
        await ann.join()
        await ann.answer("🙂 About me", text)
        reply = tg.outputs(CHAT)[-1]
        assert "How old are you, <b>x</b> & <script>?" in reply["text"]
        assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;" in reply["html"]
    assert (await stored_answers(settings))["name"] == text


ADMIN, COUNSELOR, CLIENT = 9001, 9002, 9003


async def test_intake_reaches_the_counselor_who_accepts(tg, tmp_path, framework):
    import re

    settings = bot_settings(tg, tmp_path, framework, admin_telegram_ids=[ADMIN])
    admin = TelegramPerson(tg, ADMIN, "Ada")
    carl = TelegramPerson(tg, COUNSELOR, "Carl")
    cleo = TelegramPerson(tg, CLIENT, "Cleo")
    async with running_bot(settings):
        await admin.join()
        await admin.answer("/invite")
        link = re.search(r"https://t\.me/careerpilot_test_bot\?start=(inv_\S+)", admin.last)
        assert link, admin.last
        carl.say(f"/start {link.group(1)}")
        await carl.sees("choose your language")
        await carl.answer("English", "I agree")
        assert "You are now a counselor" in carl.seen_since_last_answer()

        await cleo.join()
        await cleo.answer(
            "📝 Intake interview",
            "Cleo",
            "25–34",
            "Wuhan",
            "Laid off",
            "Junior college / associate degree",
            "14",
            "✔ Looks right",
        )
        await cleo.answer("Skip »", "Phone", "12345")
        assert "does not look like a phone number" in cleo.last
        await cleo.answer("+86 138 0000 0000", "Skip »", "« Back")
        assert "What was your main field of study?" in cleo.last
        await cleo.answer(
            "Textiles",
            "Machine operator",
            "▫️ Find a job quickly",
            "▫️ Get training",
            "Done ✔",
            "The factory closed <for good> & I need work",
            "warehouse",
            "Skip »",
            "Skip »",
            "Skip »",
            "Skip »",
            "Skip »",
            "▫️ No one in my household has a job",
            "Done ✔",
            "Skip »",
            "Skip »",
            "Skip »",
            "Career guidance — that is why I am here",
        )
        assert "Here is what we understood. Is everything right?" in cleo.last
        await cleo.answer("✏️ City", "Wuhan, Hongshan")
        assert "• City: Wuhan, Hongshan" in cleo.last
        tg.skip_seen(COUNSELOR)
        await cleo.answer("✔ Looks right")
        assert "a counselor will review your answers" in cleo.seen_since_last_answer()

        summary = await carl.sees("New intake — case #")
        for expected in (
            "Cleo",
            "Wuhan, Hongshan",
            "+86 138 0000 0000",
            "Laid off",
            "Find a job quickly, Get training",
            "No one in my household has a job",
            "No one employed in the household — contact every 15 days",
            "The factory closed <for good> & I need work",
        ):
            assert expected in summary["text"], expected
        assert "&lt;for good&gt; &amp; I need work" in summary["html"]
        assert summary["buttons"] == [
            ["✅ Accept", "↪️ Refer elsewhere"],
            ["💬 Ask the client", "📂 Open case"],
        ]
        tg.skip_seen(CLIENT)
        await carl.answer("✅ Accept")
        assert "You accepted case #" in carl.last
        told = await cleo.sees("has taken on your case")
        assert "Carl" in told["text"]


async def test_a_failure_gets_a_polite_answer_and_leaves_no_personal_data_in_logs(
    tg, settings, monkeypatch, caplog
):
    from bot.engine import Engine

    real_handle = Engine.handle

    async def failing(self, event):
        if event.text == "my secret diagnosis":
            raise ValueError(f"could not store {event.text!r}")
        return await real_handle(self, event)

    monkeypatch.setattr(Engine, "handle", failing)
    ann = TelegramPerson(tg, CHAT)
    async with running_bot(settings):
        await ann.join()
        await ann.answer("🙂 About me", "my secret diagnosis")
        assert "Sorry, something went wrong on my side" in ann.last
        await ann.answer("Ann")
        assert "How old are you, Ann?" in ann.last
    failures = [r for r in caplog.records if "failed: ValueError" in r.getMessage()]
    assert failures, "the failure is logged"
    assert all("secret" not in r.getMessage() for r in caplog.records)
    assert all("secret" not in (r.exc_text or "") for r in caplog.records)


async def test_telegram_errors_are_retried_or_recorded(tg, settings):
    """429 waits retry_after, a 5xx is retried with back-off, 403 marks the person inactive."""
    ann = TelegramPerson(tg, CHAT)
    async with running_bot(settings):
        await ann.join()
        tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        tg.fail_next("sendMessage", 502, "Bad Gateway")
        await ann.answer("🙂 About me")
        assert "What should I call you?" in ann.last
        tg.block_chat(CHAT)
        ann.say("Ann")
        for _ in range(100):
            db = Database.from_url(settings.effective_database_url)
            async with db.unit_of_work() as session:
                [user] = (await session.exec(select(User))).all()
            await db.dispose()
            if not user.active:
                break
            await asyncio.sleep(0.05)
    assert not user.active and user.blocked_at is not None
    assert (await stored_answers(settings))["name"] == "Ann"  # the answer itself was kept
    tg.errors.clear()  # the refusals above were on purpose
