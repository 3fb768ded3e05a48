"""The shipped About me flow, end to end, in English and in Chinese."""

from __future__ import annotations

from functools import partial

from bot.dialogs import common
from bot.dialogs.about_me import ABOUT_ME
from storage.models import Answer, FlowCompletion
from tests.people import CHINESE, Person, translated
from tests.stored import answers, rows

zh = partial(translated, "zh_Hans")


async def test_about_me_in_english(engine):
    ann = Person(engine)
    await ann.join()
    await ann.press("🙂 About me")
    assert "Let's start with a few questions about you." in ann.seen
    assert "1/6" in ann.last_text and "What should I call you?" in ann.last_text
    assert "A first name or nickname is enough." in ann.last_text
    await ann.send("Ann")
    assert "How old are you, Ann?" in ann.last_text
    await ann.answer("25–34", "Wuhan", "Other")
    assert "4/7" not in ann.last_text and "5/7" in ann.last_text
    assert "Please describe your situation in a few words." in ann.last_text
    await ann.answer("Caring for my parents", "Bachelor's degree")
    assert "How many years have you worked in total?" in ann.last_text
    assert "Skip »" in ann.buttons
    await ann.send("３")
    review = ann.last_text
    assert "Here is your profile. Is everything right?" in review
    for line in (
        "• Name: Ann",
        "• Age: 25–34",
        "• City: Wuhan",
        "• Situation: Other",
        "• Situation (details): Caring for my parents",
        "• Education: Bachelor's degree",
        "• Years of work: 3",
    ):
        assert line in review, line
    await ann.press("✔ Looks right")
    assert "Thank you, Ann! Your profile is saved. You can edit it from the menu." in ann.seen
    assert "✅ About me — done" in ann.last_text
    assert await answers(engine, "about_me") == {
        "name": "Ann",
        "age_range": "25_34",
        "city": "Wuhan",
        "situation": "other",
        "situation_other": "Caring for my parents",
        "education": "bachelor",
        "work_years": 3,
    }
    assert {answer.flow_version for answer in await rows(engine, Answer)} == {1}
    assert [c.flow_id for c in await rows(engine, FlowCompletion)] == ["about_me"]


async def test_about_me_in_chinese(engine):
    wang = Person(engine, telegram_id=43, name="王", language_code="zh-hans")
    await wang.join("简体中文")
    await wang.press(zh(common.MENU_LABELS["new"], icon="🙂", title=zh("About me")))
    assert "1/6" in wang.last_text and zh("What should I call you?") in wang.last_text
    await wang.send("小王")
    assert zh("How old are you, {{ answers.name }}?", answers={"name": "小王"}) in wang.last_text
    bachelor = zh("Bachelor's degree")
    await wang.answer(zh("25–34"), "武汉", zh("Student"), bachelor)
    assert zh(common.SKIP) in wang.buttons
    await wang.press(zh(common.SKIP))
    review = wang.last_text
    assert zh("Here is your profile. Is everything right?") in review
    assert f"• {zh('Name')}: 小王" in review and f"• {zh('City')}: 武汉" in review
    assert f"• {zh('Education')}: {bachelor}" in review
    await wang.press(zh(common.CONFIRM))
    assert zh(ABOUT_ME.done, answers={"name": "小王"}) in wang.seen
    assert zh("Main menu") in wang.last_text

    # Everything Wang read was in Chinese, not only what Wang typed.
    untranslated = [m.text for m in wang.chat if not CHINESE.search(m.text.replace("小王", ""))]
    assert untranslated == []
    assert await answers(engine, "about_me") == {
        "name": "小王",
        "age_range": "25_34",
        "city": "武汉",
        "situation": "student",
        "education": "bachelor",
    }
