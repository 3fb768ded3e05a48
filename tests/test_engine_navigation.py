"""Moving around a flow: Back, Skip, the menu and Continue, /cancel."""

from __future__ import annotations

from sqlmodel import col

from storage.models import AnswerRevision
from tests.flows import THROUGH_TRIAL
from tests.people import Person
from tests.stored import answers, rows


async def open_trial(person: Person) -> None:
    await person.join()
    await person.press("🧪 Trial run")


async def test_back_returns_to_the_previous_question_showing_its_answer(engine):
    ann = Person(engine)
    await open_trial(ann)
    assert "« Back" not in ann.buttons  # nothing to go back to on the first question
    await ann.answer("Annie", "Student")
    await ann.press("« Back")
    assert "2/9" in ann.last_text and "Your situation?" in ann.last_text
    assert "Current answer: Student" in ann.last_text
    await ann.press("« Back")
    assert "Your nickname?" in ann.last_text and "Current answer: Annie" in ann.last_text
    assert "« Back" not in ann.buttons
    assert await answers(engine) == {"nick": "Annie", "situation": "student"}  # nothing lost
    await ann.send("Anna")
    assert "Your situation?" in ann.last_text
    assert (await answers(engine))["nick"] == "Anna"


async def test_back_from_the_first_question_of_a_sub_flow_returns_to_the_caller(engine):
    ann = Person(engine)
    await open_trial(ann)
    await ann.answer(*THROUGH_TRIAL[:11])
    assert "What is your pet called?" in ann.last_text
    await ann.press("« Back")
    assert "Would you work remotely?" in ann.last_text and "Current answer: Yes" in ann.last_text
    await ann.press("Yes")
    assert "What is your pet called?" in ann.last_text


async def test_skip_is_offered_only_on_optional_questions_and_stores_nothing(engine):
    ann = Person(engine)
    await open_trial(ann)
    assert "Skip »" not in ann.buttons
    await ann.answer(*THROUGH_TRIAL[:8])
    assert "How many children do you have?" in ann.last_text and "Skip »" in ann.buttons
    await ann.press("Skip »")
    assert "When can you start?" in ann.last_text and "Skip »" not in ann.buttons
    assert "kids" not in await answers(engine)


async def test_skipping_an_answered_question_clears_it_and_keeps_the_old_value(engine):
    ann = Person(engine)
    await open_trial(ann)
    await ann.answer(*THROUGH_TRIAL[:8], "2")
    assert (await answers(engine))["kids"] == 2
    await ann.press("« Back")
    assert "Current answer: 2" in ann.last_text
    await ann.press("Skip »")
    assert "When can you start?" in ann.last_text
    assert "kids" not in await answers(engine)
    [revision] = await rows(engine, AnswerRevision, col(AnswerRevision.name) == "kids")
    assert revision.value == 2


async def test_the_menu_keeps_progress_and_continue_resumes_at_the_same_question(engine):
    ann = Person(engine)
    await open_trial(ann)
    await ann.answer("Annie", "Student", "▫️ Blue")
    await ann.press("☰ Menu")
    assert "Main menu" in ann.last_text and "Trial run — in progress" in ann.last_text
    assert "▶️ Continue: Trial run" in ann.buttons
    await ann.send("hello?")
    assert "Please choose something from the menu." in ann.seen
    await ann.press("▶️ Continue: Trial run")
    assert "3/9" in ann.last_text and "Which colours do you like?" in ann.last_text
    assert "✅ Blue" in ann.buttons  # the choice not yet confirmed is still ticked
    await ann.press("Done ✔")
    assert await answers(engine) == {"nick": "Annie", "situation": "student", "likes": ["blue"]}


async def test_the_menu_command_works_like_the_menu_button(engine):
    ann = Person(engine)
    await open_trial(ann)
    await ann.send("Annie")
    await ann.send("/menu")
    assert "Trial run — in progress" in ann.last_text
    await ann.press("▶️ Continue: Trial run")
    assert "Your situation?" in ann.last_text


async def test_cancel_stops_the_flow_but_keeps_the_answers(engine):
    ann = Person(engine)
    await open_trial(ann)
    await ann.answer("Annie", "Student")
    await ann.send("/cancel")
    assert "Stopped. The answers you gave so far are saved." in ann.seen
    assert "Main menu" in ann.last_text and "🧪 Trial run" in ann.buttons
    assert await answers(engine) == {"nick": "Annie", "situation": "student"}
    await ann.send("/cancel")
    assert "Nothing to stop right now." in ann.seen
    await ann.press("🧪 Trial run")
    assert "Your nickname?" in ann.last_text and "Current answer: Annie" in ann.last_text


async def test_an_unknown_command_mid_flow_explains_and_asks_again(engine):
    ann = Person(engine)
    await open_trial(ann)
    await ann.send("Annie")
    await ann.send("/dance")
    assert "I don't know that command. Send /help" in ann.seen
    assert "Your situation?" in ann.last_text
    await ann.send("/help")
    assert "/cancel" in ann.last_text and "/delete" in ann.last_text
    assert await answers(engine) == {"nick": "Annie"}
