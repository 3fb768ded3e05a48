"""End to end: preparing an informational interview on the real aiogram and PTB clients,
with its reminder delivered by the outbox sender through the same fake Bot API."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from storage.db import Database
from tests.telegram_people import TelegramPerson, bot_settings, running_bot

CHAT = 7001


async def test_a_student_prepares_an_interview_and_gets_the_checklist(tg, tmp_path, framework):
    from bot.handlers.outbox_transport import telegram_transport
    from bot.services.sender import run_sender

    settings = bot_settings(tg, tmp_path, framework)
    ann = TelegramPerson(tg, CHAT, "Ann")
    async with running_bot(settings):
        await ann.join()
        await ann.answer("🗣 Informational interviews", "➕ Add a field to explore")
        await ann.answer("Hospital nursing", "🎯 Hospital nursing", "➕ Add a professional")
        await ann.answer("Li Na", "Ward nurse", "City Hospital", "New in the field (0–2 years)")
        await ann.answer("Email", "li.na@example.org", "A teacher", "Skip »", "✔ Looks right")
        assert "👤 Li Na, Ward nurse — City Hospital" in ann.last
        await ann.answer("📋 Interview outline", "▫️ Role and daily work")
        await ann.answer("Done: propose questions »")
        assert "Outline for Li Na" in ann.last and "🔚" in ann.last
        await ann.answer("✖", "✅ Finish: send me the outline")
        document = next(o for o in tg.outputs(CHAT) if o["kind"] == "document")
        assert document["filename"].endswith(".md")
        assert b"# Interview with Li Na" in document["content"]
        tomorrow = (date.today() + timedelta(days=1)).isoformat()
        await ann.answer("📅 Meeting date", tomorrow, "00:05", "Video call")
        assert "I will remind you the day before" in ann.seen_since_last_answer()
        # The meeting is less than a day away: the checklist is due at once.
        db = Database.from_url(settings.effective_database_url)
        stop = asyncio.Event()
        async with telegram_transport(settings) as transport:
            sender = asyncio.create_task(run_sender(db, transport, settings, stop))
            reminder = await ann.sees("Checklist", timeout=15)
            stop.set()
            await sender
        await db.dispose()
        assert "Coming up: your interview with Li Na" in reminder["text"]
        await ann.answer("📋 Interview outline")
        assert "Outline for Li Na" in ann.last
