"""The review screen: every answer listed, each one editable, earlier values kept as history."""

from __future__ import annotations

from sqlmodel import col

from storage.models import AnswerRevision
from tests.flows import THROUGH_TRIAL
from tests.people import Person
from tests.stored import answers, rows


async def reach_review(person: Person) -> None:
    await person.join()
    await person.press("🧪 Trial run")
    await person.answer(*THROUGH_TRIAL)
    assert "Check your answers" in person.last_text


async def test_the_review_lists_every_answer_with_an_edit_button(engine):
    ann = Person(engine)
    await reach_review(ann)
    assert ann.buttons == [
        "✏️ Nickname",
        "✏️ Situation",
        "✏️ Colours",
        "✏️ Mood",
        "✏️ Age",
        "✏️ Height",
        "✏️ Children",
        "✏️ Start",
        "✏️ Remote",
        "✏️ Pet",
        "✏️ Age of pet",
        "✔ Looks right",
        "☰ Menu",
    ]
    assert "• Children: —" in ann.last_text  # skipped
    await ann.send("looks fine")
    assert "Please use the buttons below." in ann.seen
    assert "Check your answers" in ann.last_text


async def test_an_edit_that_opens_a_branch_asks_it_then_returns_to_the_review(engine):
    ann = Person(engine)
    await reach_review(ann)
    await ann.press("✏️ Situation")
    assert "Your situation?" in ann.last_text and "Current answer: Student" in ann.last_text
    await ann.press("Other")
    assert "Tell me more about your situation." in ann.last_text  # newly relevant: asked now
    await ann.send("Caring for my father")
    assert "Check your answers" in ann.last_text
    assert "• Situation: Other" in ann.last_text
    assert "• Details: Caring for my father" in ann.last_text
    assert (await answers(engine))["situation"] == "other"
    [revision] = await rows(engine, AnswerRevision, col(AnswerRevision.name) == "situation")
    assert (revision.value, revision.flow_id, revision.flow_version) == ("student", "trial", 3)
    assert revision.answered_at <= revision.replaced_at


async def test_an_answer_an_edit_made_irrelevant_is_cleared_when_the_flow_is_confirmed(engine):
    ann = Person(engine)
    await reach_review(ann)
    await ann.answer("✏️ Situation", "Other", "Caring for my father")
    await ann.answer("✏️ Situation", "Student")
    assert "Check your answers" in ann.last_text and "Details" not in ann.last_text
    await ann.press("✔ Looks right")
    assert "Trial finished, Annie." in ann.seen
    assert "details" not in await answers(engine)
    history = await rows(engine, AnswerRevision, col(AnswerRevision.name) == "details")
    assert [revision.value for revision in history] == ["Caring for my father"]


async def test_editing_a_multiple_choice_starts_from_the_current_selection(engine):
    ann = Person(engine)
    await reach_review(ann)
    await ann.press("✏️ Colours")
    assert ann.buttons[:3] == ["✅ Red", "▫️ Green", "✅ Blue"]
    await ann.answer("✅ Red", "Done ✔")
    assert "• Colours: Blue" in ann.last_text
    assert (await answers(engine))["likes"] == ["blue"]


async def test_a_wrong_value_while_editing_is_refused_and_the_old_answer_kept(engine):
    ann = Person(engine)
    await reach_review(ann)
    await ann.press("✏️ Age")
    await ann.send("7")
    assert "Please send a number from 16 to 99." in ann.last_text
    assert "Current answer: 25" in ann.last_text
    assert (await answers(engine))["age"] == 25
    await ann.send("26")
    assert "Check your answers" in ann.last_text and "• Age: 26" in ann.last_text


async def test_a_sub_flow_answer_is_edited_from_the_callers_review(engine):
    ann = Person(engine)
    await reach_review(ann)
    await ann.press("✏️ Pet")
    assert "What is your pet called?" in ann.last_text and "Current answer: Rex" in ann.last_text
    await ann.send("Tom")
    assert "Check your answers" in ann.last_text and "• Pet: Tom" in ann.last_text
    assert "Pet saved." not in ann.seen  # an edit goes straight back to the review
    assert await answers(engine, "pet") == {"pet_name": "Tom", "pet_age": 3}


async def test_a_finished_flow_opens_on_its_review_to_edit(engine):
    ann = Person(engine)
    await reach_review(ann)
    await ann.press("✔ Looks right")
    assert "✅ Trial run (review or edit)" in ann.buttons
    await ann.press("✅ Trial run (review or edit)")
    assert "Check your answers" in ann.last_text and "• Nickname: Annie" in ann.last_text
    await ann.answer("✏️ Nickname", "Anna")
    assert "Check your answers" in ann.last_text and "• Nickname: Anna" in ann.last_text
    await ann.press("✔ Looks right")
    assert "Trial finished, Anna." in ann.seen
    history = await rows(engine, AnswerRevision, col(AnswerRevision.name) == "nick")
    assert [revision.value for revision in history] == ["Annie"]
