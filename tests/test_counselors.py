"""Intake hand-off to counselors, driven through the engine like the people involved would.

Three people take part: an admin (named by ADMIN_TELEGRAM_IDS), a counselor who joins through
an invitation link, and a client who completes the intake.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from bot.engine import Engine
from bot.i18n import html_to_plain
from storage.models import AuditEntry, Case, CaseMessage, CaseNote, Invitation, User
from storage.types import utcnow
from tests.people import Chat

ADMIN_ID, COUNSELOR_ID, OTHER_COUNSELOR_ID, CLIENT_ID = 100, 200, 300, 400


PEOPLE: dict[int, Chat] = {}


@pytest.fixture
async def engine(tmp_path, database_url):
    from bot.config import Settings
    from bot.dialogs import build_registry
    from bot.i18n import Texts
    from storage.db import Database

    settings = Settings(_env_file=None, data_dir=tmp_path, admin_telegram_ids=[ADMIN_ID])
    engine = Engine(
        db=Database.from_url(database_url),
        registry=build_registry(),
        texts=Texts(),
        settings=settings,
    )
    PEOPLE.clear()
    yield engine
    await engine.db.dispose()


async def rows(engine: Engine, model, *where):
    async with engine.db.unit_of_work() as session:
        return list((await session.exec(select(model).where(*where))).all())


async def invite_counselor(engine: Engine, admin: Chat, telegram_id: int, name: str, lang="en"):
    reply = await admin.send("/invite")
    link = re.search(r"inv_\S+", html_to_plain(reply.messages[0].text)).group(0)
    counselor = Chat(engine, telegram_id, name, lang, room=PEOPLE)
    await counselor.send(f"/start {link}")
    await counselor.press("English" if lang == "en" else "简体中文")
    await counselor.press(counselor.buttons_like("agree", "同意"))
    return counselor


@pytest.fixture
async def team(engine):
    admin = Chat(engine, ADMIN_ID, "Ada", room=PEOPLE)
    await admin.join()
    counselor = await invite_counselor(engine, admin, COUNSELOR_ID, "Carl")
    client = Chat(engine, CLIENT_ID, "Cleo", room=PEOPLE)
    await client.join()
    return admin, counselor, client


PROFILE = ["Cleo", "25–34", "Wuhan", "Unemployed", "Bachelor's degree", "3", "✔ Looks right"]


async def complete_intake(
    client: Chat,
    *,
    reason="I need a job soon",
    main_need="Career guidance — that is why I am here",
    flags=("▫️ Caring for children or relatives",),
):
    await client.press("📝 Intake interview")
    await client.answer(*PROFILE)
    await client.answer(
        "Female",
        "Email",
        "cleo@example.com",
        "Physics",
        "Lab technician",
        "▫️ Find a job quickly",
        "Done ✔",
        reason,
        "lab work",
        "5,000–8,000 a month",
        "Done ✔",
        "Up to 1 hour",
        "Yes",
        "No",
    )
    await client.answer(*flags, "Done ✔", "Done ✔", "Done ✔", "Skip »", main_need)
    assert "Here is what we understood. Is everything right?" in client.last
    await client.press("✔ Looks right")


async def test_invitation_link_makes_a_counselor_once(engine, team):
    admin, counselor, _ = team
    assert "You are now a counselor" in counselor.seen()
    [carl] = await rows(engine, User, User.telegram_id == COUNSELOR_ID)
    assert carl.role == "counselor"
    reply = await admin.send("/invite")
    link = re.search(r"inv_\S+", html_to_plain(reply.messages[0].text)).group(0)
    first = Chat(engine, OTHER_COUNSELOR_ID, "Dora", room=PEOPLE)
    await first.join()
    await first.send(f"/start {link}")
    assert "You are now a counselor" in first.seen()
    late = Chat(engine, 500, "Eve", room=PEOPLE)
    await late.join()
    await late.send(f"/start {link}")
    assert "not valid" in late.seen()
    [eve] = await rows(engine, User, User.telegram_id == 500)
    assert eve.role == "client"


async def test_expired_invitation_is_refused(engine, team):
    admin, _, _ = team
    reply = await admin.send("/invite")
    link = re.search(r"inv_\S+", html_to_plain(reply.messages[0].text)).group(0)
    async with engine.db.unit_of_work() as session:
        await session.exec(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    late = Chat(engine, 500, "Eve", room=PEOPLE)
    await late.join()
    await late.send(f"/start {link}")
    assert "not valid" in late.last or "not valid" in late.seen()
    [eve] = await rows(engine, User, User.telegram_id == 500)
    assert eve.role == "client"


async def test_only_admins_can_invite(engine, team):
    _, counselor, client = team
    await client.send("/invite")
    assert "I don't know that command" in client.seen()
    await counselor.send("/invite")
    assert "I don't know that command" in counselor.seen()
    assert await rows(engine, Invitation, Invitation.used_at.is_(None)) == []


async def test_counselor_receives_the_intake_summary_and_accepts(engine, team):
    _, counselor, client = team
    before = len(counselor.inbox)
    await complete_intake(client)
    summary = counselor.seen(before)
    for expected in (
        "New intake — case #",
        "Cleo",
        "cleo@example.com",
        "Unemployed",
        "Bachelor's degree",
        "I need a job soon",
        "lab work",
        "Caring for children or relatives",
        "Employment difficulties — contact monthly",
    ):
        assert expected in summary, expected
    assert {"✅ Accept", "↪️ Refer elsewhere", "💬 Ask the client", "📂 Open case"} <= set(
        counselor.buttons()
    )
    assert "a counselor will review your answers" in client.seen()
    [case] = await rows(engine, Case)
    assert (case.status, case.category, case.category_reason) == (
        "new",
        "difficulty",
        "difficulty_flags",
    )
    await counselor.press("✅ Accept")
    assert "has taken on your case" in client.last
    [case] = await rows(engine, Case)
    assert case.status == "accepted"


async def test_client_text_arrives_escaped_in_the_summary(engine, team):
    _, counselor, client = team
    await complete_intake(client, reason="<b>x</b> & <script>alert(1)</script>")
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;" in counselor.html
    assert "<b>x</b> & <script>alert(1)</script>" in counselor.seen()


async def test_intake_with_every_optional_question_skipped_still_reaches_the_counselor(
    engine, team
):
    _, counselor, client = team
    await client.press("📝 Intake interview")
    await client.answer(*PROFILE)
    optional = 0
    while "Looks right" not in " ".join(client.buttons()):
        if "Skip »" in client.buttons():
            await client.press("Skip »")
            optional += 1
        elif "Telegram only" in client.buttons():
            await client.press("Telegram only")
        elif "▫️ Get training" in client.buttons():
            await client.answer("▫️ Get training", "Done ✔")
        elif "Career guidance — that is why I am here" in client.buttons():
            await client.press("Career guidance — that is why I am here")
        else:
            await client.send("Training to become an electrician")
    assert optional >= 10
    await client.press("✔ Looks right")
    assert "New intake — case #" in counselor.seen()
    [case] = await rows(engine, Case)
    assert case.category == "unemployed"


async def test_other_counselors_and_clients_cannot_read_a_case(engine, team):
    admin, counselor, client = team
    await complete_intake(client)
    [case] = await rows(engine, Case)
    other = await invite_counselor(engine, admin, OTHER_COUNSELOR_ID, "Dora")
    await other.send(f"/case {case.id}")
    assert "only open cases assigned to you" in other.last
    await other.press_data(f"g:KO:{case.id}")
    assert "only open cases assigned to you" in other.last
    await other.press_data(f"g:KA:{case.id}")
    await client.send(f"/case {case.id}")
    assert "I don't know that command" in client.seen()
    await client.press_data(f"g:KO:{case.id}")
    assert "This button has expired" in client.notices[-1]
    assert "Cleo" not in other.seen().replace("Dora", "")
    [case] = await rows(engine, Case)
    assert case.status == "new"
    audits = await rows(engine, AuditEntry)
    assert audits == []  # refused reads leave no trace of access


async def test_every_counselor_read_is_audited(engine, team):
    admin, counselor, client = team
    await complete_intake(client)
    [case] = await rows(engine, Case)
    await counselor.send(f"/case {case.id}")
    await counselor.press("📂 Open case")
    await admin.send(f"/case {case.id}")
    audits = await rows(engine, AuditEntry)
    actions = [(a.action, a.client_id == case.client_id) for a in audits]
    assert actions == [("read_case", True)] * 3


async def test_notes_are_for_staff_only(engine, team):
    _, counselor, client = team
    await complete_intake(client)
    [case] = await rows(engine, Case)
    await counselor.send(f"/note {case.id} Called, no answer <yet>")
    assert f"Note saved on case #{case.id}" in counselor.last
    await counselor.send(f"/case {case.id}")
    assert "Called, no answer <yet>" in counselor.last
    assert "Called, no answer" not in client.seen()
    [note] = await rows(engine, CaseNote)
    assert note.text == "Called, no answer <yet>"


async def test_relay_a_question_and_its_answer(engine, team):
    _, counselor, client = team
    await complete_intake(client)
    await counselor.press("💬 Ask the client")
    await counselor.send("Can you come on Tuesday?")
    assert "Can you come on Tuesday?" in client.last
    await client.press("✉️ Reply")
    await client.send("Yes, after 2 pm")
    assert "Yes, after 2 pm" in counselor.last
    assert "Sent to your counselor" in client.seen()
    stored = await rows(engine, CaseMessage)
    assert [(m.direction, m.text) for m in stored] == [
        ("to_client", "Can you come on Tuesday?"),
        ("to_counselor", "Yes, after 2 pm"),
    ]


async def test_referral_suggested_for_needs_outside_career_guidance(engine, team):
    _, counselor, client = team
    await complete_intake(client, main_need="A legal dispute")
    assert "Help beyond career guidance" in client.seen()
    assert "legal aid" in client.seen()
    assert "Referral suggested: legal help" in counselor.seen()
    [case] = await rows(engine, Case)
    assert case.referral_suggested and case.referral_need == "legal"


async def test_distress_words_suggest_mental_health_help(engine, team):
    _, counselor, client = team
    await complete_intake(client, reason="I feel hopeless and can't go on")
    assert "crisis" in client.seen()
    [case] = await rows(engine, Case)
    assert case.referral_need == "mental_health"


async def test_counselor_refers_a_case_elsewhere(engine, team):
    _, counselor, client = team
    await complete_intake(client)
    await counselor.press("↪️ Refer elsewhere")
    assert "Type a short reason" in counselor.last
    await counselor.send("The district youth office runs a programme that fits better.")
    assert "district youth office" in client.last
    assert "another service can help you better" in client.last
    [case] = await rows(engine, Case)
    assert (case.status, case.referral_reason) == (
        "referred",
        "The district youth office runs a programme that fits better.",
    )


async def test_counselor_overrides_the_category_with_a_note(engine, team):
    _, counselor, client = team
    await complete_intake(client)
    [case] = await rows(engine, Case)
    await counselor.send(f"/category {case.id}")
    await counselor.press("Fully employed — contact yearly")
    await counselor.send("Found a job yesterday")
    assert "now in the category: Fully employed" in counselor.last
    [case] = await rows(engine, Case)
    assert (case.category, case.category_overridden, case.category_note) == (
        "employed",
        True,
        "Found a job yesterday",
    )


async def test_editing_the_intake_sends_an_update_to_the_counselor(engine, team):
    _, counselor, client = team
    await complete_intake(client)
    await client.press("✅ Intake interview (review or edit)")
    await client.press("✏️ City")
    await client.send("Chengdu")
    assert "Here is what we understood. Is everything right?" in client.last
    await client.press("✔ Looks right")
    assert "Updated intake — case #" in counselor.seen()
    assert "Chengdu" in counselor.seen()


async def test_without_counselors_the_intake_is_saved_and_admins_are_told(engine):
    admin = Chat(engine, ADMIN_ID, "Ada", room=PEOPLE)
    await admin.join()
    client = Chat(engine, CLIENT_ID, "Cleo", room=PEOPLE)
    await client.join()
    await complete_intake(client)
    [case] = await rows(engine, Case)
    assert case.counselor_id is None
    assert "no active counselor" in admin.last and f"/case {case.id}" in admin.last


async def test_new_cases_go_to_the_counselor_with_the_fewest_open_cases(engine, team):
    admin, carl, _ = team
    dora = await invite_counselor(engine, admin, OTHER_COUNSELOR_ID, "Dora")
    assignees = []
    for n in range(3):
        person = Chat(engine, 1000 + n, f"Client{n}", room=PEOPLE)
        await person.join()
        await complete_intake(person)
        [case] = await rows(
            engine,
            Case,
            Case.client_id == (await rows(engine, User, User.telegram_id == 1000 + n))[0].id,
        )
        assignees.append(case.counselor_id)
    [carl_row] = await rows(engine, User, User.telegram_id == COUNSELOR_ID)
    [dora_row] = await rows(engine, User, User.telegram_id == OTHER_COUNSELOR_ID)
    # both start empty: the tie goes to the one never assigned, then they alternate
    assert assignees[0] != assignees[1]
    assert sorted(assignees[:2]) == sorted([carl_row.id, dora_row.id])
    assert assignees.count(carl_row.id) in (1, 2) and assignees.count(dora_row.id) in (1, 2)
    assert "New intake" in carl.seen() and "New intake" in dora.seen()


async def test_counselor_caseload_lists_only_their_clients(engine, team):
    admin, counselor, client = team
    await complete_intake(client)
    await counselor.send("/clients")
    assert "Cleo" in counselor.last and "Clients 1–1 of 1" in counselor.last
    other = await invite_counselor(engine, admin, OTHER_COUNSELOR_ID, "Dora")
    await other.send("/clients")
    assert "You have no clients yet" in other.last


async def test_chinese_counselor_reads_the_summary_in_chinese(engine):
    admin = Chat(engine, ADMIN_ID, "Ada", room=PEOPLE)
    await admin.join()
    counselor = await invite_counselor(engine, admin, COUNSELOR_ID, "王老师", lang="zh-hans")
    client = Chat(engine, CLIENT_ID, "Cleo", room=PEOPLE)
    await client.join()
    await complete_intake(client)
    summary = counselor.seen()
    assert "cleo@example.com" in summary
    assert re.search(r"[\u4e00-\u9fff]{4,}", summary.split("cleo@example.com")[0])
    assert "New intake —" not in summary


async def test_a_blank_question_is_not_relayed_and_the_prompt_repeats(engine, team):
    _, counselor, client = team
    await complete_intake(client)
    before = len(client.inbox)
    await counselor.press("💬 Ask the client")
    await counselor.send("   ")
    assert "Type your question for the client" in counselor.last
    assert len(client.inbox) == before
    await counselor.send("Are mornings good for you?")
    assert "Are mornings good for you?" in client.last


async def test_chinese_client_intake_reaches_an_english_counselor_in_english(engine, team):
    _, counselor, _ = team
    li = Chat(engine, 600, "李娜", lang="zh-hans", room=PEOPLE)
    await li.join()
    await li.press("📝 初谈问卷")
    await li.answer("李娜", "35–44 岁", "武汉", "下岗/被裁员", "大专", "14", "✔ 没问题")
    assert "以下是" not in li.last  # the intake goes on after the profile's own review
    answers = {
        "联系您": "电话",
        "电话号码": "+86 138 0000 0000",
        "来这里": "▫️ 尽快找到工作",
        "自己的话": "工厂倒闭了，想找离家近的稳定工作",
        "最主要": "职业指导——这正是我来的原因",
    }
    for _ in range(40):
        if "以下是我们了解到的情况，都正确吗？" in li.last:
            break
        match = next((value for key, value in answers.items() if key in li.last), None)
        if match == "▫️ 尽快找到工作":
            await li.answer(match, "完成 ✔")
        elif match:
            await li.answer(match)
        else:
            await li.press("跳过 »")
    assert "• 城市: 武汉" in li.last.replace("：", ": ")
    await li.press("✔ 没问题")
    assert "以下是我们了解到的情况" in li.seen() and "小时内与您联系" in li.seen()
    summary = counselor.last if "New intake" in counselor.last else counselor.seen()
    assert "New intake — case #" in summary
    assert "Laid off" in summary and "Find a job quickly" in summary
    assert "工厂倒闭了，想找离家近的稳定工作" in summary


async def test_admin_deactivates_a_counselor_and_their_cases_move(engine, team):
    admin, carl, client = team
    await complete_intake(client)
    dora = await invite_counselor(engine, admin, OTHER_COUNSELOR_ID, "Dora")
    await admin.send("/counselors")
    assert "Carl — counselor, 1 open case" in admin.last
    assert "Dora — counselor, 0 open cases" in admin.last
    await admin.press("Deactivate Carl")
    assert "Carl is no longer an active counselor. Open cases reassigned: 1." in admin.last
    assert "New intake — case #" in dora.seen() and "Cleo" in dora.seen()
    [carl_row] = await rows(engine, User, User.telegram_id == COUNSELOR_ID)
    [dora_row] = await rows(engine, User, User.telegram_id == OTHER_COUNSELOR_ID)
    [case] = await rows(engine, Case)
    assert carl_row.role == "counselor_off" and case.counselor_id == dora_row.id
    await carl.send(f"/case {case.id}")
    assert "I don't know that command" in carl.seen()


async def test_admin_reassigns_a_case(engine, team):
    admin, carl, client = team
    await complete_intake(client)
    dora = await invite_counselor(engine, admin, OTHER_COUNSELOR_ID, "Dora")
    [case] = await rows(engine, Case)
    [dora_row] = await rows(engine, User, User.telegram_id == OTHER_COUNSELOR_ID)
    await admin.send(f"/assign {case.id} {dora_row.id}")
    assert f"Case #{case.id} is now assigned to Dora." in admin.last
    assert "Cleo" in dora.seen()
    await carl.send(f"/case {case.id}")
    assert "only open cases assigned to you" in carl.last
    await admin.send("/assign nonsense")
    assert "Usage: /assign" in admin.last
    audits = [a.action for a in await rows(engine, AuditEntry)]
    assert "assign" in audits
