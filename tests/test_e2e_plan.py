"""End to end: a career plan on the real aiogram and PTB clients, from a dated short-term goal
to a step whose reminder the outbox sender delivers through the same fake Bot API."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from storage.db import Database
from tests.telegram_people import TelegramPerson, bot_settings, running_bot

CHAT = 7201
GOAL = "Start a paid job as a nursing assistant at City Hospital"
STEP = "Send my CV to three hospitals"
QUIET_HOURS = "21:00-08:00"


def _zone_past_ten_today() -> str:
    """A fixed-offset zone (no clock changes) where it is 10:00–19:59 on `date.today()` now.

    A step's reminder goes out at 10:00 on its day in the person's zone, or now when that has
    passed, moved out of their quiet hours. In this zone 10:00 today has passed and now lies
    outside 21:00–08:00, so the reminder of a step due today is due at once, whatever the hour
    the test runs at. (Etc/GMT-14 is UTC+14: the signs of these names are inverted.)
    """
    now = datetime.now(UTC)
    for hours in range(14, -13, -1):
        local = now + timedelta(hours=hours)
        if local.date() == date.today() and 10 <= local.hour < 20:
            return f"Etc/GMT{-hours:+d}" if hours else "Etc/GMT"
    raise AssertionError(f"no UTC offset shows 10:00–19:59 on {date.today()} at {now}")


def _button(ann: TelegramPerson, prefix: str) -> str:
    """The label of the newest button starting with `prefix` (long labels end with …)."""
    found = next((label for label in ann.buttons if label.startswith(prefix)), None)
    assert found is not None, f"no button starting with {prefix!r}: {ann.buttons}"
    return found


async def test_a_job_seeker_plans_a_dated_step_and_is_reminded_of_it(tg, tmp_path, framework):
    from bot.handlers.outbox_transport import telegram_transport
    from bot.services.sender import run_sender

    settings = bot_settings(
        tg,
        tmp_path,
        framework,
        default_timezone=_zone_past_ten_today(),
        quiet_hours=QUIET_HOURS,
        send_poll_seconds=0.1,
    )
    ann = TelegramPerson(tg, CHAT, "Ann")
    in_three_months = (date.today() + timedelta(days=91)).isoformat()
    today = date.today().isoformat()
    async with running_bot(settings):
        await ann.join()
        await ann.answer("🗺 My career plan", "🎯 My goals", "➕ Short-term goal (within a year)")
        assert "What will you achieve within the next twelve months?" in ann.last
        await ann.answer(GOAL, "A signed contract")
        assert "By when?" in ann.last
        await ann.answer("soon")  # a wish, not a date: refused, and the date asked again
        assert "A short-term goal needs a target date" in ann.seen_since_last_answer()
        assert "By when?" in ann.last
        await ann.answer(in_three_months, "✔ Looks right")
        assert GOAL in ann.last and in_three_months in ann.last
        assert _button(ann, "➕ Step for: ")  # the goal screen offers a step right away

        await ann.answer("« Goals", "« My plan", "📋 Action plan")
        assert "Action plan" in ann.last and GOAL in ann.last
        await ann.answer(_button(ann, "➕ Step for: Start a paid job"))
        await ann.answer("Job applications", STEP, today)
        assert "Your step:" in ann.last and STEP in ann.last
        await ann.answer("✔ Looks right")
        assert f"▫️ {STEP} — {today}" in ann.last

        db = Database.from_url(settings.effective_database_url)
        stop = asyncio.Event()
        async with telegram_transport(settings) as transport:
            sender = asyncio.create_task(run_sender(db, transport, settings, stop))
            reminder = await ann.sees("Step due today", timeout=15)
            stop.set()
            await sender
        await db.dispose()
        assert STEP in reminder["text"] and reminder["buttons"] == [["✅ Done", "⏰ Postpone"]]
        assert tg.outputs(CHAT)[-1]["message_id"] == reminder["message_id"]
        await ann.answer("✅ Done")  # pressed on the newest message showing it: the reminder
        assert "1 of 1 steps done" in ann.last

        await ann.answer("« My plan", "📄 My plan as a document")
        documents = [o for o in tg.outputs(CHAT) if o["kind"] == "document"]
        assert [d["filename"] for d in documents] == ["career-plan.md"]
        content = documents[0]["content"].decode("utf-8")
        assert GOAL in content and f"✅ {STEP}" in content
