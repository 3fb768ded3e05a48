"""Every kind of step, in the trial flow of tests/flows.py: what one sees, what is stored."""

from __future__ import annotations

import pytest
from sqlmodel import col

from storage.models import Answer, FlowCompletion
from tests.flows import THROUGH_TRIAL
from tests.people import Person
from tests.stored import answers, rows


async def open_trial(person: Person) -> None:
    await person.join()
    await person.press("🧪 Trial run")


async def test_a_whole_flow_typed_and_tapped_is_stored_with_its_flow_and_version(engine):
    ann = Person(engine)
    await open_trial(ann)
    assert "Hello! This trial asks one question of every kind." in ann.seen
    assert "1/9" in ann.last_text and "Your nickname?" in ann.last_text
    await ann.send("Annie")
    assert "2/9" in ann.last_text and "Your situation?" in ann.last_text
    assert ann.buttons[:2] == ["Student", "Employed full-time"]
    await ann.press("Other")
    assert "Your situation?\n✔ Other" in ann.seen  # the question now shows the answer, no buttons
    assert "3/10" in ann.last_text  # the branch added a question
    await ann.send("Between jobs")
    assert "4/10" in ann.last_text and "Tap to select one or more" in ann.last_text
    await ann.answer("▫️ Red", "▫️ Blue", "Done ✔")
    assert "1 = Very bad … 5 = Very good" in ann.last_text and ann.buttons[:5] == list("12345")
    await ann.press("4")
    assert "How old are you?" in ann.last_text
    await ann.send("２５")  # full-width digits, as a Chinese keyboard types them
    await ann.send("1,75")
    assert "How many children do you have?" in ann.last_text
    assert "You may skip this." in ann.last_text
    await ann.send("0")
    assert "Type a date as year-month-day (YYYY-MM-DD)." in ann.last_text
    await ann.send("2026年3月31日")
    await ann.send("yes")
    assert "1/2" in ann.last_text and "What is your pet called?" in ann.last_text  # sub-flow
    await ann.answer("Rex", "3")
    assert "Pet saved." in ann.seen
    assert "Check your answers" in ann.last_text  # back in the calling flow, at its review
    review = ann.last_text
    for line in (
        "• Nickname: Annie",
        "• Situation: Other",
        "• Details: Between jobs",
        "• Colours: Red, Blue",
        "• Mood: 4",
        "• Age: 25",
        "• Height: 1.75",
        "• Children: 0",
        "• Start: 2026-03-31",
        "• Remote: Yes",
        "• Pet: Rex",
        "• Age of pet: 3",
    ):
        assert line in review, line
    await ann.press("✔ Looks right")
    assert "Trial finished, Annie." in ann.seen and "✅ Trial run — done" in ann.last_text

    assert await answers(engine) == {
        "nick": "Annie",
        "situation": "other",
        "details": "Between jobs",
        "likes": ["red", "blue"],
        "mood": 4,
        "age": 25,
        "height": 1.75,
        "kids": 0,
        "start": "2026-03-31",
        "remote": True,
    }
    assert await answers(engine, "pet") == {"pet_name": "Rex", "pet_age": 3}
    stored = await rows(engine, Answer, col(Answer.flow_id) == "trial")
    assert {answer.flow_version for answer in stored} == {3}
    assert {type(a.value) for a in stored if a.name in {"age", "mood"}} == {int}
    assert sorted(c.flow_id for c in await rows(engine, FlowCompletion)) == ["pet", "trial"]


async def test_buttons_answer_choice_scale_and_yes_no(engine):
    ann = Person(engine)
    await open_trial(ann)
    await ann.answer("Annie", "Unemployed", "▫️ Green", "Done ✔", "5", "30", "1.6", "2")
    await ann.answer("2026-04-01")
    assert ann.buttons[:2] == ["Yes", "No"]
    await ann.press("No")
    stored = await answers(engine)
    assert (stored["situation"], stored["mood"], stored["remote"]) == ("unemployed", 5, False)
    assert "details" not in stored  # not relevant, never asked


async def test_a_choice_may_be_typed_by_its_label_in_any_case(engine):
    ann = Person(engine)
    await open_trial(ann)
    await ann.send("Annie")
    await ann.send("  unemployed ")
    assert "Which colours do you like?" in ann.last_text
    assert (await answers(engine))["situation"] == "unemployed"


async def test_multiple_choice_toggles_in_place_and_keeps_to_its_bounds(engine):
    ann = Person(engine)
    await open_trial(ann)
    await ann.answer("Annie", "Student")
    await ann.press("Done ✔")
    assert "Please choose at least 1." in ann.last_text and "Which colours" in ann.last_text
    await ann.press("▫️ Red")
    assert ann.buttons[:3] == ["✅ Red", "▫️ Green", "▫️ Blue"]
    assert len(ann.fresh) == 1 and ann.fresh[0] is ann.chat[-1]  # redrawn, not sent again
    await ann.answer("▫️ Green", "▫️ Blue", "Done ✔")
    assert "Please choose at most 2." in ann.last_text
    assert "likes" not in await answers(engine)
    await ann.answer("✅ Green", "Done ✔")
    assert "How do you feel today?" in ann.last_text
    assert (await answers(engine))["likes"] == ["red", "blue"]


async def test_a_typed_option_toggles_a_multiple_choice(engine):
    ann = Person(engine)
    await open_trial(ann)
    await ann.answer("Annie", "Student", "green")
    assert "✅ Green" in ann.buttons
    await ann.press("Done ✔")
    assert (await answers(engine))["likes"] == ["green"]


@pytest.mark.parametrize(
    "typed", ["2026-03-31", "31.03.2026", "2026年3月31日", "２０２６-０３-３１"]
)
async def test_a_date_is_understood_in_the_usual_ways(engine, typed):
    ann = Person(engine)
    await open_trial(ann)
    await ann.answer(*THROUGH_TRIAL[:9])
    assert "When can you start?" in ann.last_text
    await ann.send(typed)
    assert "Would you work remotely?" in ann.last_text
    assert (await answers(engine))["start"] == "2026-03-31"


@pytest.mark.parametrize(("typed", "value"), [("yes", True), ("是", True), ("No.", False)])
async def test_yes_or_no_may_be_typed_in_english_or_chinese(engine, typed, value):
    ann = Person(engine)
    await open_trial(ann)
    await ann.answer(*THROUGH_TRIAL[:10])
    await ann.send(typed)
    assert "What is your pet called?" in ann.last_text
    assert (await answers(engine))["remote"] is value


@pytest.mark.parametrize(("typed", "value"), [("１.７５", 1.75), ("1,8", 1.8), ("2", 2)])
async def test_a_decimal_number_accepts_a_comma_and_full_width_digits(engine, typed, value):
    ann = Person(engine)
    await open_trial(ann)
    await ann.answer(*THROUGH_TRIAL[:7])
    await ann.send(typed)
    assert "How many children do you have?" in ann.last_text
    assert (await answers(engine))["height"] == value
