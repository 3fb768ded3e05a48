"""Consent comes first: nothing about a person is stored until they agree, in their language."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import partial

from bot.dialogs import common
from storage.models import ProcessedUpdate, User
from tests.people import CHINESE, Person, translated
from tests.stored import row_counts, rows

zh = partial(translated, "zh_Hans")


async def assert_nothing_about_them_is_stored(engine) -> None:
    filled = {table for table, count in (await row_counts(engine)).items() if count}
    assert filled <= {"processed_updates"}
    # Only Telegram's update ids are kept, so each update is applied once: no chat id, no text.
    for update in await rows(engine, ProcessedUpdate):
        assert re.fullmatch(r"tg:\d+", update.key)


async def test_declining_stores_nothing_about_the_person(engine):
    ann = Person(engine)
    await ann.send("/start")
    assert "Please choose your language." in ann.last_text
    assert ann.buttons == ["English", "简体中文"]
    await ann.send("I am Ann from Wuhan, looking for work")
    assert "Please choose your language." in ann.last_text  # typing is not an answer yet
    await ann.press("English")
    assert "Privacy and consent" in ann.last_text and "Do you agree?" in ann.last_text
    assert ann.buttons == ["I agree", "No, thanks"]
    await ann.press("No, thanks")
    assert "Nothing about you has been stored." in ann.last_text
    await assert_nothing_about_them_is_stored(engine)


async def test_agreeing_records_the_person_with_the_time_and_notice_version(engine, settings):
    ann = Person(engine, name="Ann")
    await ann.send("/start")
    await ann.press("English")
    await ann.send("Can I just start?")
    await assert_nothing_about_them_is_stored(engine)
    await ann.press("I agree")
    assert "Thank you, Ann. Let's get started." in ann.seen
    assert "Main menu" in ann.last_text and "🙂 About me" in ann.buttons
    [user] = await rows(engine, User)
    assert (user.telegram_id, user.display_name, user.locale) == (42, "Ann", "en")
    assert user.consent_version == settings.consent_version == "2026-11"
    assert user.consent_given_at.tzinfo == UTC
    assert datetime.now(UTC) - user.consent_given_at < timedelta(minutes=1)


async def test_coming_back_after_agreeing_is_welcomed_and_not_asked_again(engine):
    ann = Person(engine)
    await ann.send("/start")
    await ann.press("English")
    old_agree = ann.button_data("I agree")
    await ann.press("I agree")
    await ann.send("/start")
    assert "Welcome back, Ann!" in ann.seen and "Main menu" in ann.last_text
    await ann.press_data(old_agree)
    assert ann.notice == "You have already agreed."
    assert len(await rows(engine, User)) == 1


async def test_language_follows_telegram_and_can_be_changed(engine):
    wang = Person(engine, telegram_id=43, name="Wang", language_code="zh-hans")
    await wang.send("你好")
    hello = zh("👋 Hello! I am <b>CareerPilot</b>, a career guidance assistant.")
    assert hello in wang.last_text and CHINESE.search(hello)
    await wang.press("简体中文")
    assert zh("Privacy and consent") in wang.last_text and CHINESE.search(wang.last_text)
    assert wang.buttons == [zh(common.AGREE), zh(common.DECLINE)]
    await wang.press(zh(common.AGREE))
    assert zh("Thank you, %(name)s. Let's get started.", name="Wang") in wang.seen
    assert zh("Main menu") in wang.last_text and CHINESE.search(zh("Main menu"))
    [user] = await rows(engine, User)
    assert user.locale == "zh_Hans"
    await wang.send("/language")
    await wang.press("English")
    assert "Language set to English." in wang.seen
    assert "Main menu" in wang.last_text and "🙂 About me" in wang.buttons
    [user] = await rows(engine, User)
    assert user.locale == "en"


async def test_an_unsupported_telegram_language_falls_back_to_english(engine):
    hans = Person(engine, telegram_id=44, name="Hans", language_code="de")
    await hans.send("/start")
    assert "Hello! I am CareerPilot" in hans.last_text


async def test_export_and_delete_before_agreeing_say_nothing_is_stored(engine):
    ann = Person(engine)
    await ann.send("/export")
    assert "nothing is stored until you agree" in ann.last_text
    await ann.send("/delete")
    assert "nothing is stored until you agree" in ann.last_text
    await assert_nothing_about_them_is_stored(engine)


async def test_a_changed_privacy_notice_is_agreed_to_again_before_going_on(engine, start_engine):
    ann = Person(engine)
    await ann.join()
    await ann.press("🧪 Trial run")
    await ann.send("Annie")
    ann.engine = start_engine(consent_version="2027-01")  # the next release changed the notice
    await ann.press("Student")
    assert "Our privacy notice has changed" in ann.seen
    assert "Notice version 2027-01" in ann.last_text
    [user] = await rows(engine, User)
    assert user.consent_version == "2026-11"
    await ann.send("/export")
    assert "Here is everything I store about you" in ann.seen  # privacy rights stay open
    await ann.press("No, thanks")
    assert "I can't continue without your agreement" in ann.last_text
    await ann.send("Student")
    await ann.press("I agree")
    assert "Let's continue where you were" in ann.seen
    assert "Your situation?" in ann.last_text  # nothing was answered in between
    [user] = await rows(engine, User)
    assert user.consent_version == "2027-01"


async def test_agreeing_with_an_old_notice_button_counts_only_for_that_notice(
    engine, start_engine
):
    ann = Person(engine)
    await ann.send("/start")
    await ann.press("English")
    ann.engine = start_engine(consent_version="2027-01")
    await ann.press("I agree")  # still showing the 2026-11 notice
    assert "Notice version 2027-01" in ann.last_text
    await assert_nothing_about_them_is_stored(engine)
    await ann.press("I agree")
    [user] = await rows(engine, User)
    assert user.consent_version == "2027-01"
