"""End to end: a whole self-assessment instrument on the real aiogram and PTB clients."""

from __future__ import annotations

import asyncio
import struct

from sqlmodel import select

from bot.services import instruments, matching
from storage.db import Database
from storage.models import AssessmentResult, OccupationDismissal, Target
from tests.telegram_people import TelegramPerson, bot_settings, running_bot

CHAT = 6001


async def until(condition, timeout: float = 20) -> None:
    """Waits until `condition()` holds (the bot may be slow on a busy machine)."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the bot did not show what was expected in time")


def labels_of(message: dict) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button["text"] for row in rows for button in row]


async def stored_results(settings) -> list[AssessmentResult]:
    db = Database.from_url(settings.effective_database_url)
    try:
        async with db.unit_of_work() as session:
            return list((await session.exec(select(AssessmentResult))).all())
    finally:
        await db.dispose()


async def test_personality_inventory_ends_with_scores_and_a_chart_photo(tg, tmp_path, framework):
    settings = bot_settings(tg, tmp_path, framework)
    ann = TelegramPerson(tg, CHAT, "Ann")
    async with running_bot(settings):
        await ann.join()
        await ann.answer("🧭 Self-assessment")
        assert "Personality (Big Five)" in ann.last
        await ann.answer("🪞 Personality (Big Five)")
        assert "1/20" in ann.last and "Am the life of the party." in ann.last
        await ann.answer("Skip »")  # one skip is allowed per factor
        for item in instruments.personality().items[1:]:
            await ann.answer("Very inaccurate" if item.reverse else "Moderately accurate")
        await ann.idle()
        outputs = tg.outputs(CHAT)
    (photo,) = [out for out in outputs if out["kind"] == "photo"]
    shown = "\n".join(out["text"] for out in outputs[-4:])
    assert photo["content"][:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", photo["content"][16:24])
    assert width >= 600 and height >= 300
    assert "Personality (Big Five)" in (photo["caption"] or "")
    # C: 4 + (6 − 1) + 4 + (6 − 1) = 18; E lost one item: (5 + 4 + 5) / 3 × 4 = 18.67
    assert "Conscientiousness 18/20" in shown and "Extraversion 18.7/20" in shown
    assert "1 item skipped" in shown
    (result,) = await stored_results(settings)
    assert result.instrument == "big_five" and result.form_version == 1
    assert result.responses["MINI_01"] is None
    assert result.scores["E"] == 18.67 and result.scores["C"] == 18


async def test_occupation_cards_are_saved_and_replaced_in_place(tg, tmp_path, framework):
    settings = bot_settings(tg, tmp_path, framework)
    ann = TelegramPerson(tg, CHAT, "Ann")
    async with running_bot(settings):
        await ann.join()
        await ann.answer("🧭 Self-assessment", "🧩 Interests (RIASEC)")
        for item in instruments.interest_markers().items:
            await ann.answer("Enjoy" if item.dimension == "S" else "Dislike")
        await ann.answer("🎯 Occupations for me")
        await ann.answer(
            "Some preparation: usually secondary school and up to a year of training."
        )

        def cards_shown() -> list[dict]:
            return [m for m in tg.messages[CHAT].values() if "✖ Not for me" in labels_of(m)]

        # ten cards and a footer: wait for all of them, however slow the machine
        await until(lambda: any("More »" in labels_of(m) for m in tg.messages[CHAT].values()))
        cards = cards_shown()
        assert len(cards) == 10
        first, second = sorted(cards, key=lambda m: m["message_id"])[:2]
        dismissed = first["text"].splitlines()[0]
        tg.press(CHAT, "✖ Not for me", message_id=first["message_id"])
        await until(
            lambda: not tg.messages[CHAT][first["message_id"]]["text"].startswith(dismissed)
        )
        replaced = tg.messages[CHAT][first["message_id"]]["text"].splitlines()[0]
        tg.press(CHAT, "⭐ Save as a target", message_id=second["message_id"])
        await until(lambda: "⭐ Saved" in labels_of(tg.messages[CHAT][second["message_id"]]))
        saved_card = tg.messages[CHAT][second["message_id"]]
    assert replaced != dismissed and "Job Zone 2" in tg.messages[CHAT][first["message_id"]]["text"]
    assert "⭐ Saved" in labels_of(saved_card)
    db = Database.from_url(settings.effective_database_url)
    try:
        async with db.unit_of_work() as session:
            (target,) = (await session.exec(select(Target))).all()
            (dismissal,) = (await session.exec(select(OccupationDismissal))).all()
    finally:
        await db.dispose()
    assert target.title == saved_card["text"].splitlines()[0]
    assert matching.by_code()[dismissal.onetsoc_code].title == dismissed
