"""The conversation engine, driven like a person, on a SQLite file and on PostgreSQL.

A test-only flow uses every step kind; the shipped About me flow covers the rest.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date

import pytest
from sqlmodel import col, select

from bot.config import Settings
from bot.dialogs import build_registry
from bot.engine import Engine
from bot.events import Inbound
from bot.flow import N_, Flow, Kind, Option, Step
from bot.i18n import Texts
from storage.db import Database
from storage.models import (
    Answer,
    AnswerRevision,
    ConversationState,
    FlowCompletion,
    ProcessedUpdate,
    User,
)
from tests.people import Chat

COLOURS = (Option("red", N_("Red")), Option("green", N_("Green")), Option("blue", N_("Blue")))

CHILD = Flow(
    id="child",
    version=1,
    title="Child",
    in_menu=False,
    done="Child finished.",
    steps=(Step("pet", Kind.TEXT, "Name a pet.", max_length=20),),
)

DEMO = Flow(
    id="demo",
    version=3,
    title="Demo",
    icon="🧪",
    done="Demo finished, {{ answers.nick }}.",
    steps=(
        Step("hello", Kind.MESSAGE, "Hello! This is the demo."),
        Step("nick", Kind.TEXT, "Your nickname?", min_length=2, max_length=10),
        Step("colour", Kind.CHOICE, "Favourite colour?", choices="colours"),
        Step("why_blue", Kind.TEXT, "Why blue?", relevant=lambda a: a.get("colour") == "blue"),
        Step(
            "likes",
            Kind.MULTI,
            "Which do you like?",
            choices="colours",
            min_choices=1,
            max_choices=2,
        ),
        Step(
            "mood",
            Kind.SCALE,
            "How do you feel?",
            scale=(1, 5),
            scale_labels=("Very bad", "Very good"),
        ),
        Step(
            "height", Kind.NUMBER, "Height in metres?", integer=False, min_value=0.5, max_value=2.5
        ),
        Step("kids", Kind.NUMBER, "How many children?", required=False, min_value=0, max_value=20),
        Step(
            "start",
            Kind.DATE,
            "When can you start?",
            not_before="2026-01-01",
            not_after="2027-12-31",
        ),
        Step("remote", Kind.YESNO, "Remote work?"),
        Step("sub", Kind.SUBFLOW, flow="child"),
        Step("review", Kind.REVIEW, "Check your answers"),
    ),
)


def demo_registry():
    registry = build_registry()
    registry.add_choices("colours", COLOURS)
    registry.add_flow(CHILD)
    registry.add_flow(DEMO)
    return registry


@pytest.fixture
async def engine(tmp_path, database_url):
    engine = Engine(
        db=Database.from_url(database_url),
        registry=demo_registry(),
        texts=Texts(),
        settings=Settings(_env_file=None, data_dir=tmp_path),
        today=lambda: date(2026, 11, 23),
    )
    yield engine
    await engine.db.dispose()


@pytest.fixture
def ann(engine):
    return Chat(engine, 42, "Ann")


async def rows(engine, model, *where):
    async with engine.db.unit_of_work() as session:
        return list((await session.exec(select(model).where(*where))).all())


async def stored(engine, flow_id="demo"):
    return {a.name: a.value for a in await rows(engine, Answer, col(Answer.flow_id) == flow_id)}


async def open_demo(person: Chat):
    await person.join()
    await person.press("🧪 Demo")


# ── consent and language ──────────────────────────────────────────────────────────────────
async def test_decline_stores_nothing(engine, ann):
    await ann.send("/start")
    await ann.send("just typing before agreeing")
    await ann.press("English")
    assert "Privacy and consent" in ann.last
    await ann.press("No, thanks")
    assert "Nothing about you has been stored" in ann.last
    for model in (User, Answer, ConversationState, FlowCompletion):
        assert await rows(engine, model) == []


async def test_agree_records_consent_with_the_notice_version(engine, ann):
    await ann.join()
    [user] = await rows(engine, User)
    assert user.telegram_id == 42 and user.consent_given_at is not None
    assert user.consent_version == "2026-11" and user.locale == "en"
    assert user.consent_given_at.tzinfo is not None
    assert "Main menu" in ann.last


async def test_language_follows_telegram_and_can_be_changed(engine):
    wang = Chat(engine, 43, "Wang", lang="zh-hans")
    await wang.send("/start")
    assert "您好" in wang.last
    await wang.press("简体中文")
    await wang.press("我同意")
    assert "主菜单" in wang.last
    await wang.send("/language")
    await wang.press("English")
    assert "Language set to English." in wang.seen()
    assert "Main menu" in wang.last
    [user] = await rows(engine, User)
    assert user.locale == "en"


# ── every step kind ─────────────────────────────────────────────────────────────────────────
async def test_every_step_kind_stores_typed_answers(engine, ann):
    await open_demo(ann)
    assert "Hello! This is the demo." in ann.seen()
    assert "1/8" in ann.last and "Your nickname?" in ann.last
    await ann.answer("Annie", "Blue")
    assert "Why blue?" in ann.last and "3/9" in ann.last  # the branch adds a question
    await ann.answer("Calm colour", "▫️ Red", "▫️ Blue", "Done ✔")
    assert "1 = Very bad … 5 = Very good" in ann.last
    await ann.answer("4", "１.７", "Skip »", "31.03.2026", "是")
    assert "Name a pet." in ann.last
    await ann.answer("Rex")
    assert "Child finished." in ann.seen()
    review = ann.last
    for line in (
        "Your nickname?: Annie",
        "Favourite colour?: Blue",
        "Which do you like?: Red, Blue",
        "How do you feel?: 4",
        "Height in metres?: 1.7",
        "How many children?: —",
        "When can you start?: 2026-03-31",
        "Remote work?: Yes",
        "Name a pet.: Rex",
    ):
        assert line in review.replace("• ", ""), line
    await ann.press("✔ Looks right")
    assert "Demo finished, Annie." in ann.seen()
    assert await stored(engine) == {
        "nick": "Annie",
        "colour": "blue",
        "why_blue": "Calm colour",
        "likes": ["red", "blue"],
        "mood": 4,
        "height": 1.7,
        "start": "2026-03-31",
        "remote": True,
    }
    assert await stored(engine, "child") == {"pet": "Rex"}
    answers = await rows(engine, Answer, col(Answer.flow_id) == "demo")
    assert {a.flow_version for a in answers} == {3}
    assert [c.flow_id for c in await rows(engine, FlowCompletion)] == ["child", "demo"]


async def test_buttons_answer_choice_scale_and_yes_no(engine, ann):
    await open_demo(ann)
    await ann.answer("Annie", "Green", "▫️ Green", "Done ✔", "5", "1.8", "3", "2026-05-01")
    assert "Remote work?" in ann.last
    await ann.press("No")
    answers = await stored(engine)
    assert answers["colour"] == "green" and answers["mood"] == 5 and answers["remote"] is False
    assert answers["kids"] == 3 and "why_blue" not in answers


async def test_multiple_choice_toggles_in_place_and_enforces_bounds(engine, ann):
    await open_demo(ann)
    await ann.answer("Annie", "Green")
    reply = await ann.press("Done ✔")
    assert "Please choose at least 1." in ann.last
    await ann.press("▫️ Red")
    assert reply is not None and "✅ Red" in ann.buttons()
    toggled = await ann.press("▫️ Green")
    assert toggled.messages[0].edit, "a toggle redraws the same message"
    await ann.press("▫️ Blue")
    await ann.press("Done ✔")
    assert "Please choose at most 2." in ann.last
    await ann.press("✅ Green")
    await ann.press("Done ✔")
    assert (await stored(engine))["likes"] == ["red", "blue"]


@pytest.mark.parametrize(
    ("answers", "typed", "error"),
    [
        ([], "A", "Please write at least 2 characters."),
        ([], "A" * 11, "That is 11 characters; please keep it to 10 at most."),
        ([], "   ", "Please type an answer."),
        (["Annie"], "purple", "Please choose one of the buttons below."),
        (["Annie", "Red", "▫️ Red", "Done ✔"], "9", "Please choose a number from 1 to 5."),
        (
            ["Annie", "Red", "▫️ Red", "Done ✔", "3"],
            "tall",
            "Please send a number, for example 12.",
        ),
        (["Annie", "Red", "▫️ Red", "Done ✔", "3"], "3", "Please send a number from 0.5 to 2.5."),
        (["Annie", "Red", "▫️ Red", "Done ✔", "3", "1.7"], "2.5", "Please send a whole number."),
        (
            ["Annie", "Red", "▫️ Red", "Done ✔", "3", "1.7", "1"],
            "next week",
            "Please send a date like 2026-03-31.",
        ),
        (
            ["Annie", "Red", "▫️ Red", "Done ✔", "3", "1.7", "1"],
            "2030-01-01",
            "Please send a date on or before 2027-12-31.",
        ),
        (
            ["Annie", "Red", "▫️ Red", "Done ✔", "3", "1.7", "1"],
            "2025-12-31",
            "Please send a date on or after 2026-01-01.",
        ),
        (
            ["Annie", "Red", "▫️ Red", "Done ✔", "3", "1.7", "1", "2026-02-28"],
            "maybe",
            "Please answer Yes or No.",
        ),
    ],
)
async def test_bad_input_gets_a_clear_message_and_the_same_question(
    engine, ann, answers, typed, error
):
    await open_demo(ann)
    await ann.answer(*answers)
    question = ann.last.split("\n\n")[-1]
    before = await stored(engine)
    await ann.send(typed)
    assert error in ann.last
    assert question.split("\n")[0] in ann.last  # the same question again
    assert await stored(engine) == before  # nothing already answered is lost


async def test_impossible_date_is_refused(engine, ann):
    await open_demo(ann)
    await ann.answer("Annie", "Red", "▫️ Red", "Done ✔", "3", "1.7", "1")
    await ann.send("2026-02-30")
    assert "Please send a date like 2026-03-31." in ann.last


# ── navigation ──────────────────────────────────────────────────────────────────────────────
async def test_back_returns_to_the_previous_question_with_its_answer(engine, ann):
    await open_demo(ann)
    await ann.answer("Annie", "Red")
    await ann.press("« Back")
    assert "Favourite colour?" in ann.last and "Current answer: Red" in ann.last
    await ann.press("« Back")
    assert "Your nickname?" in ann.last and "Current answer: Annie" in ann.last
    assert "« Back" not in ann.buttons()


async def test_skip_is_offered_only_for_optional_questions(engine, ann):
    await open_demo(ann)
    assert "Skip »" not in ann.buttons()
    await ann.answer("Annie", "Red", "▫️ Red", "Done ✔", "3", "1.7")
    assert "How many children?" in ann.last and "Skip »" in ann.buttons()
    await ann.press("Skip »")
    assert "When can you start?" in ann.last
    await ann.press_data(ann.buttons()["« Back"])
    await ann.answer("2")
    assert (await stored(engine))["kids"] == 2
    await ann.press("« Back")
    await ann.press("Skip »")
    assert "kids" not in await stored(engine)  # skipping clears the earlier answer


async def test_menu_keeps_progress_and_continue_resumes(engine, ann):
    await open_demo(ann)
    await ann.answer("Annie", "Red")
    await ann.press("☰ Menu")
    assert "in progress" in ann.last
    await ann.press("▶️ Continue: Demo")
    assert "Which do you like?" in ann.last


async def test_cancel_leaves_the_flow_but_keeps_answers(engine, ann):
    await open_demo(ann)
    await ann.answer("Annie", "/cancel")
    assert "Stopped. The answers you gave so far are saved." in ann.seen()
    assert (await stored(engine))["nick"] == "Annie"
    await ann.press("🧪 Demo")
    assert "Your nickname?" in ann.last and "Current answer: Annie" in ann.last


async def test_edit_from_review_asks_a_newly_relevant_question_then_returns(engine, ann):
    await open_demo(ann)
    await ann.answer(
        "Annie", "Red", "▫️ Red", "Done ✔", "3", "1.7", "Skip »", "2026-04-01", "Yes", "Rex"
    )
    assert "Check your answers" in ann.last
    await ann.press("✏️ Favourite colour?")
    assert "Current answer: Red" in ann.last
    await ann.press("Blue")
    assert "Why blue?" in ann.last
    await ann.answer("It is calm")
    assert "Check your answers" in ann.last and "Why blue?: It is calm" in ann.last
    revisions = await rows(engine, AnswerRevision, col(AnswerRevision.name) == "colour")
    assert [r.value for r in revisions] == ["red"]
    await ann.press("✏️ Favourite colour?")
    await ann.press("Green")
    await ann.press("✔ Looks right")
    assert "why_blue" not in await stored(engine)  # no longer relevant: cleared at completion


async def test_a_completed_flow_opens_on_its_review_screen(engine, ann):
    await open_demo(ann)
    await ann.answer(
        "Annie",
        "Red",
        "▫️ Red",
        "Done ✔",
        "3",
        "1.7",
        "Skip »",
        "2026-04-01",
        "Yes",
        "Rex",
        "✔ Looks right",
    )
    await ann.press("✅ Demo (review or edit)")
    assert "Check your answers" in ann.last
    await ann.press("✏️ Name a pet.")
    await ann.send("Tom")
    assert "Check your answers" in ann.last and "Name a pet.: Tom" in ann.last


async def test_resume_after_restart_on_the_same_database(engine, ann, database_url, tmp_path):
    await open_demo(ann)
    await ann.answer("Annie", "Red")
    await engine.db.dispose()
    fresh = Engine(
        db=Database.from_url(database_url),
        registry=demo_registry(),
        texts=Texts(),
        settings=Settings(_env_file=None, data_dir=tmp_path),
    )
    try:
        again = Chat(fresh, 42, "Ann")
        await again.send("/start")
        assert "Welcome back, Ann!" in again.seen()
        assert "Which do you like?" in again.last
        await again.answer("▫️ Green", "Done ✔")
        assert "How do you feel?" in again.last
    finally:
        await fresh.db.dispose()


# ── bad input of other kinds ────────────────────────────────────────────────────────────────
async def test_sticker_gets_a_request_for_text_and_the_same_question(engine, ann):
    await open_demo(ann)
    await ann.answer("Annie")
    reply = await engine.handle(Inbound.unsupported(42, "sticker", event_id="st1"))
    texts = [m.text for m in reply.messages]
    assert "I can only read text" in texts[0] and "Favourite colour?" in texts[-1]


async def test_very_long_text_is_refused_and_the_reply_fits_telegram(engine, ann):
    await open_demo(ann)
    reply = await ann.send("x" * 5000)
    assert "That is 5000 characters; please keep it to 10 at most." in ann.last
    assert all(len(m.text) < 4096 for m in reply.messages)
    assert await stored(engine) == {}


async def test_html_like_input_is_stored_verbatim_and_shown_escaped(engine, ann):
    about = Chat(engine, 44, "Bo")
    await about.join()
    await about.press("🙂 About me")
    await about.answer("<b>x</b> & <script>", "25–34", "Wuhan", "Student", "Doctorate", "Skip »")
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;" in about.html
    assert "<b>x</b> & <script>" in about.last
    assert (await stored(engine, "about_me"))["name"] == "<b>x</b> & <script>"


# ── applied once ────────────────────────────────────────────────────────────────────────────
async def test_a_replayed_update_is_applied_once(engine, ann):
    await open_demo(ann)
    event = Inbound.from_text(42, "Annie", event_id="tg:777")
    first = await engine.handle(event)
    second = await engine.handle(event)
    assert first.messages and second.duplicate and not second.messages
    assert await rows(engine, ProcessedUpdate, col(ProcessedUpdate.key) == "tg:777")


async def test_a_double_pressed_button_is_applied_once(engine, ann):
    await open_demo(ann)
    await ann.answer("Annie")
    red = ann.buttons()["Red"]
    await ann.press_data(red)
    await ann.press_data(red)
    assert "This button has expired" in ann.notices[-1]
    assert "Which do you like?" in ann.last
    revisions = await rows(engine, AnswerRevision)
    assert revisions == []


@pytest.mark.parametrize("payload", ["999:c:0", "g:M:nope", "garbage", "1:e:missing", "g:L:xx"])
async def test_forged_or_stale_payloads_get_expired_and_the_current_question(engine, ann, payload):
    await open_demo(ann)
    await ann.press_data(payload)
    assert "This button has expired" in ann.notices[-1]
    assert "Your nickname?" in ann.last
    assert await stored(engine) == {}


async def test_concurrent_presses_for_one_person_apply_once(engine, ann):
    await open_demo(ann)
    await ann.answer("Annie")
    red = ann.buttons()["Red"]
    results = await asyncio.gather(
        *(engine.handle(Inbound.button(42, red, event_id=f"c{n}")) for n in range(4))
    )
    applied = [r for r in results if r.notice is None]
    assert len(applied) == 1
    assert (await stored(engine))["colour"] == "red"


# ── privacy ─────────────────────────────────────────────────────────────────────────────────
async def test_export_contains_every_answer(engine, ann):
    await open_demo(ann)
    await ann.answer("Annie", "Red")
    reply = await ann.send("/export")
    document = next(m.document for m in reply.messages if m.document)
    data = json.loads(document.content)
    answers = {a["name"]: a["value"] for a in data["data"]["answers"]}
    assert answers == {"nick": "Annie", "colour": "red"}
    assert data["data"]["users"][0]["telegram_id"] == 42


async def test_delete_asks_first_then_erases_every_row(engine, ann):
    await open_demo(ann)
    await ann.answer("Annie", "Red", "« Back", "Green")
    await ann.send("/delete")
    await ann.press("No, keep my data")
    assert "Nothing was erased." in ann.seen()
    assert (await stored(engine))["colour"] == "green"
    await ann.send("/delete")
    await ann.press("Yes, erase everything")
    assert "answers: 2" in ann.last and "earlier versions of answers: 1" in ann.last
    for model in (User, Answer, AnswerRevision, ConversationState, FlowCompletion):
        assert await rows(engine, model) == [], model.__name__
    await ann.send("/start")
    assert "choose your language" in ann.last


async def test_nothing_to_export_or_delete_before_consent(engine, ann):
    await ann.send("/export")
    assert "nothing is stored until you agree" in ann.last
    await ann.send("/delete")
    assert "nothing is stored until you agree" in ann.last


async def test_about_me_in_chinese(engine):
    wang = Chat(engine, 45, "王", lang="zh-hans")
    await wang.join()
    await wang.press("🙂 关于我")
    await wang.answer("小王", "25–34 岁", "武汉", "学生", "本科", "跳过 »")
    assert "这是您的个人资料" in wang.last and "城市: 武汉" in wang.last
    await wang.press("✔ 没问题")
    assert "谢谢您，小王！" in wang.seen()
    assert await stored(engine, "about_me") == {
        "name": "小王",
        "age_range": "25_34",
        "city": "武汉",
        "situation": "student",
        "education": "bachelor",
    }


async def test_free_text_keeps_chinese_punctuation_and_drops_invisible_characters(engine, ann):
    await open_demo(ann)
    await ann.send("\u200b小王，\u0007你好")
    assert (await stored(engine))["nick"] == "小王，你好"


async def test_a_changed_privacy_notice_is_agreed_to_again_before_going_on(
    engine, ann, database_url, tmp_path
):
    await open_demo(ann)
    await ann.answer("Annie")
    newer = Engine(
        db=Database.from_url(database_url),
        registry=demo_registry(),
        texts=Texts(),
        settings=Settings(_env_file=None, data_dir=tmp_path, consent_version="2027-01"),
    )
    try:
        again = Chat(newer, 42, "Ann")
        await again.send("Red")
        assert "Our privacy notice has changed" in again.seen()
        assert "Notice version 2027-01" in again.last
        assert "colour" not in await stored(engine)  # nothing processed before agreeing
        await again.send("/export")
        assert "Here is everything I store about you" in again.seen()
        await again.press("No, thanks")
        assert "I can't continue without your agreement" in again.last
        await again.send("Red")
        await again.press("I agree")
        assert "Let's continue where you were" in again.seen()
        assert "Favourite colour?" in again.last
        [user] = await rows(engine, User)
        assert user.consent_version == "2027-01"
    finally:
        await newer.db.dispose()


async def test_agreeing_with_an_old_notice_button_counts_only_for_that_notice(
    engine, ann, database_url, tmp_path
):
    await ann.send("/start")
    await ann.press("English")
    old_agree = ann.buttons()["I agree"]
    newer = Engine(
        db=Database.from_url(database_url),
        registry=demo_registry(),
        texts=Texts(),
        settings=Settings(_env_file=None, data_dir=tmp_path, consent_version="2027-01"),
    )
    try:
        again = Chat(newer, 42, "Ann")
        await again.press_data(old_agree)
        assert "Notice version 2027-01" in again.last  # shown the new notice, not signed up
        assert await rows(engine, User) == []
        await again.press("I agree")
        [user] = await rows(engine, User)
        assert user.consent_version == "2027-01"
    finally:
        await newer.db.dispose()
