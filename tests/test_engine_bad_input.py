"""Bad input never breaks a conversation: a clear message, the same question, nothing lost."""

from __future__ import annotations

import pytest

from bot.dialogs import common
from tests.flows import THROUGH_TRIAL
from tests.people import CHINESE, Person, translated
from tests.stored import answers

NICK, SITUATION, LIKES, MOOD, AGE, HEIGHT, START, REMOTE, PET_AGE = 0, 1, 2, 5, 6, 7, 9, 10, 12


async def open_trial(person: Person) -> None:
    await person.join()
    await person.press("🧪 Trial run")


@pytest.mark.parametrize(
    ("answered", "typed", "error", "question"),
    [
        (NICK, "A", "Please write at least 2 characters.", "1/9"),
        (NICK, "A" * 11, "That is 11 characters; please keep it to 10 at most.", "1/9"),
        (NICK, "   ", "Please type an answer.", "Your nickname?"),
        (NICK, "\u200b\u2060", "Please type an answer.", "Your nickname?"),
        (SITUATION, "Astronaut", "Please choose one of the buttons below.", "Your situation?"),
        (LIKES, "purple", "Please choose one of the buttons below.", "Which colours"),
        (MOOD, "9", "Please choose a number from 1 to 5.", "How do you feel today?"),
        (MOOD, "great", "Please choose a number from 1 to 5.", "How do you feel today?"),
        (AGE, "twenty", "Please send a number, for example 12.", "How old are you?"),
        (AGE, "inf", "Please send a number, for example 12.", "How old are you?"),
        (AGE, "25.5", "Please send a whole number.", "How old are you?"),
        (AGE, "７", "Please send a number from 16 to 99.", "How old are you?"),
        (HEIGHT, "175", "Please send a number from 0.5 to 2.5.", "How tall are you"),
        (START, "next week", "Please send a date like 2026-03-31.", "When can you start?"),
        (START, "2026-02-30", "Please send a date like 2026-03-31.", "When can you start?"),
        (START, "28.02.2026", "Please send a date on or after 2026-03-01.", "When can you"),
        (START, "2028年1月1日", "Please send a date on or before 2027-12-31.", "When can you"),
        (REMOTE, "maybe", "Please answer Yes or No.", "Would you work remotely?"),
        (PET_AGE, "-1", "Please send a number from 0 to 40.", "How old is your pet?"),
    ],
)
async def test_a_wrong_answer_gets_a_clear_message_and_the_same_question(
    engine, answered, typed, error, question
):
    ann = Person(engine)
    await open_trial(ann)
    await ann.answer(*THROUGH_TRIAL[:answered])
    asked = ann.last_text
    before = await answers(engine)
    await ann.send(typed)
    assert error in ann.last_text
    assert question in asked and question in ann.last_text
    assert asked.splitlines()[0] in ann.last_text  # same progress: still this question
    assert await answers(engine) == before  # nothing already answered is lost


async def test_a_5000_character_message_is_refused_with_a_reply_telegram_can_send(engine):
    ann = Person(engine)
    await open_trial(ann)
    await ann.send("Annie")
    await ann.answer("Other")
    reply = await ann.send("x" * 5000)
    assert "That is 5000 characters; please keep it to 500 at most." in ann.last_text
    assert "Tell me more about your situation." in ann.last_text
    assert all(len(message.text) < 4096 for message in reply.messages)
    assert await answers(engine) == {"nick": "Annie", "situation": "other"}


async def test_html_like_text_is_stored_as_typed_and_shown_escaped(engine):
    ann = Person(engine)
    await open_trial(ann)
    await ann.answer("<i>A</i>", "Other", "<b>x</b> & <script>")
    stored = await answers(engine)
    assert (stored["nick"], stored["details"]) == ("<i>A</i>", "<b>x</b> & <script>")
    await ann.answer(*THROUGH_TRIAL[2:])
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;" in ann.html
    assert "<b>x</b>" not in ann.html and "<script>" not in ann.html
    assert "• Details: <b>x</b> & <script>" in ann.last_text  # the person sees what they typed
    await ann.press("✏️ Details")
    assert "Current answer: &lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;" in ann.html
    await ann.press("« Back")
    await ann.press("✔ Looks right")
    assert "Trial finished, <i>A</i>." in ann.seen
    assert not any("<i>A</i>" in message.html for message in ann.fresh)


async def test_a_sticker_gets_a_request_for_text_and_the_same_question(engine):
    ann = Person(engine)
    await open_trial(ann)
    await ann.send("Annie")
    await ann.sticker()
    assert "I can only read text and button presses here. Please answer in text." in ann.seen
    assert "Your situation?" in ann.last_text and "Student" in ann.buttons
    assert await answers(engine) == {"nick": "Annie"}


async def test_a_sticker_gets_the_request_in_the_persons_language(engine):
    wang = Person(engine, telegram_id=43, name="王", language_code="zh-hans")
    await wang.join("简体中文")
    about_me = translated("zh_Hans", "About me")
    await wang.press(translated("zh_Hans", common.MENU_LABELS["new"], icon="🙂", title=about_me))
    await wang.sticker()
    text_only = translated("zh_Hans", common.TEXT_ONLY)
    assert text_only in wang.seen and CHINESE.search(text_only)
    assert translated("zh_Hans", "What should I call you?") in wang.last_text


async def test_a_sticker_before_consent_gets_the_language_question(engine):
    ann = Person(engine)
    await ann.sticker()
    assert "Please choose your language." in ann.last_text


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("\u200b小王，\u0007好", "小王，好"), ("Zoe\u0308 😀", "Zoë 😀"), ("  Ann\n", "Ann")],
)
async def test_typed_text_keeps_what_was_meant_and_drops_invisible_characters(engine, typed, kept):
    ann = Person(engine)
    await open_trial(ann)
    await ann.send(typed)
    assert "Your situation?" in ann.last_text
    assert await answers(engine) == {"nick": kept}
