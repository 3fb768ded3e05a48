"""Each thing a person did is applied once: replays, double presses, old or forged buttons."""

from __future__ import annotations

import asyncio

import pytest

from bot.events import Inbound
from storage.models import AnswerRevision, ConversationState
from tests.people import Person
from tests.stored import answers, rows

EXPIRED = "This button has expired. Here is where you are now."


async def at_situation(engine) -> Person:
    ann = Person(engine)
    await ann.join()
    await ann.press("🧪 Trial run")
    await ann.send("Annie")
    assert "Your situation?" in ann.last_text
    return ann


async def test_a_replayed_update_is_applied_once(engine):
    ann = await at_situation(engine)
    update = Inbound.button(42, ann.button_data("Student"), event_id="tg:9001")
    first = await engine.handle(update)
    again = await engine.handle(update)
    assert "Which colours do you like?" in first.messages[-1].text
    assert again.duplicate and again.messages == [] and again.notice is None
    assert await answers(engine) == {"nick": "Annie", "situation": "student"}
    [state] = await rows(engine, ConversationState)
    assert state.stack[-1]["step"] == "likes"


async def test_a_replayed_message_is_not_taken_as_the_next_answer(engine):
    ann = await at_situation(engine)
    update = Inbound.from_text(42, "student", event_id="tg:9002")
    await engine.handle(update)
    again = await engine.handle(update)
    assert again.duplicate and again.messages == []
    await ann.send("/start")
    assert "Which colours do you like?" in ann.last_text  # no "choose a button" complaint


async def test_a_double_pressed_button_is_applied_once(engine):
    ann = await at_situation(engine)
    student = ann.button_data("Student")
    await ann.press("Student")
    await ann.press_data(student)  # the second tap, a moment later
    assert ann.notice == EXPIRED
    assert "Which colours do you like?" in ann.last_text
    assert await answers(engine) == {"nick": "Annie", "situation": "student"}
    assert await rows(engine, AnswerRevision) == []


async def test_a_button_of_an_earlier_question_does_not_change_its_answer(engine):
    ann = await at_situation(engine)
    await ann.send("Student")  # typed: the question's buttons stay visible higher up
    await ann.press("Unemployed")
    assert ann.notice == EXPIRED and "Which colours do you like?" in ann.last_text
    assert (await answers(engine))["situation"] == "student"


@pytest.mark.parametrize(
    "forged",
    [
        "999:c:0",
        "g:M:nope",
        "g:L:xx",
        "garbage",
        "",
        "g:",
        "{version}:c:99",
        "{version}:c:-1",
        "{version}:zz",
        "{version}:e:nick",
        "{version}:D:1",
        "{version}:c:²",
        "²:c:0",
        "{version}:c:" + "9" * 70,
        "9" * 5000,
    ],
)
async def test_a_forged_payload_gets_the_expired_notice_and_the_current_question(engine, forged):
    ann = await at_situation(engine)
    version = ann.button_data("Student").split(":")[0]
    await ann.press_data(forged.format(version=version))
    assert ann.notice == EXPIRED
    assert "Your situation?" in ann.last_text and "Student" in ann.buttons
    assert await answers(engine) == {"nick": "Annie"}
    await ann.press("Student")
    assert "Which colours do you like?" in ann.last_text  # the real button still works


async def test_concurrent_presses_for_one_person_are_applied_once(engine):
    ann = await at_situation(engine)
    student = ann.button_data("Student")
    replies = await asyncio.gather(
        *(engine.handle(Inbound.button(42, student, event_id=f"tg:77{n}")) for n in range(4))
    )
    applied = [reply for reply in replies if reply.notice is None]
    assert len(applied) == 1 and "Which colours do you like?" in applied[0].messages[-1].text
    assert all(reply.notice == EXPIRED for reply in replies if reply is not applied[0])
    assert await answers(engine) == {"nick": "Annie", "situation": "student"}
    assert await rows(engine, AnswerRevision) == []


async def test_one_update_delivered_twice_at_once_is_applied_once(engine):
    ann = await at_situation(engine)
    update = Inbound.button(42, ann.button_data("Retired"), event_id="tg:8800")
    replies = await asyncio.gather(engine.handle(update), engine.handle(update))
    assert sorted(reply.duplicate for reply in replies) == [False, True]
    assert await answers(engine) == {"nick": "Annie", "situation": "retired"}


@pytest.mark.parametrize("forged", ["{version}:t:²", "{version}:t:3", "{version}:s:4"])
async def test_a_forged_press_on_a_multiple_choice_changes_nothing(engine, forged):
    ann = await at_situation(engine)
    await ann.answer("Student", "▫️ Red")
    version = ann.button_data("Done ✔").split(":")[0]
    await ann.press_data(forged.format(version=version))
    assert ann.notice == EXPIRED
    assert ann.buttons[:3] == ["✅ Red", "▫️ Green", "▫️ Blue"]
    await ann.press("Done ✔")
    assert (await answers(engine))["likes"] == ["red"]
