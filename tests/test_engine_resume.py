"""A restart loses nothing: a new engine on the same database goes on where the person was."""

from __future__ import annotations

from tests.flows import THROUGH_TRIAL
from tests.people import Person
from tests.stored import answers


async def test_after_a_restart_start_goes_on_at_the_same_question(engine, start_engine):
    ann = Person(engine)
    await ann.join()
    await ann.press("🧪 Trial run")
    await ann.answer("Annie", "Student", "▫️ Blue")
    await engine.db.dispose()  # the process ends
    ann.engine = start_engine()
    await ann.send("/start")
    assert "Welcome back, Ann!" in ann.seen
    assert "3/9" in ann.last_text and "Which colours do you like?" in ann.last_text
    assert "✅ Blue" in ann.buttons  # even the selection not yet confirmed
    await ann.answer("Done ✔", "3")
    assert "How old are you?" in ann.last_text
    assert await answers(ann.engine) == {
        "nick": "Annie",
        "situation": "student",
        "likes": ["blue"],
        "mood": 3,
    }


async def test_after_a_restart_continue_in_the_menu_goes_on_at_the_same_question(
    engine, start_engine
):
    ann = Person(engine)
    await ann.join()
    await ann.press("🧪 Trial run")
    await ann.answer(*THROUGH_TRIAL[:11], "Rex")
    await ann.press("☰ Menu")
    await engine.db.dispose()
    ann.engine = start_engine()
    await ann.press("▶️ Continue: Trial run")  # the menu shown before the restart
    assert "2/2" in ann.last_text and "How old is your pet?" in ann.last_text
    await ann.send("4")
    assert "Check your answers" in ann.last_text and "• Pet: Rex" in ann.last_text
    assert "• Nickname: Annie" in ann.last_text


async def test_a_question_shown_before_a_restart_can_still_be_answered(engine, start_engine):
    ann = Person(engine)
    await ann.join()
    await ann.press("🧪 Trial run")
    await ann.send("Annie")
    await engine.db.dispose()
    ann.engine = start_engine()
    await ann.press("Unemployed")
    assert "Which colours do you like?" in ann.last_text
    assert await answers(ann.engine) == {"nick": "Annie", "situation": "unemployed"}
