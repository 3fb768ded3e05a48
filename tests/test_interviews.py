"""Informational interviews through the engine, as a student prepares, logs and analyses them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col

from bot.services import interviews as service
from storage.models import Case, Interview, OutboxMessage, Professional, Target, User
from tests.people import Person
from tests.stored import rows

HUB = "🗣 Informational interviews"
FIELD = "Hospital nursing"


async def student(engine, telegram_id: int = 42) -> Person:
    ann = Person(engine, telegram_id=telegram_id)
    await ann.join()
    await ann.press(HUB)
    return ann


async def add_field(ann: Person, title: str = FIELD) -> None:
    await ann.press("➕ Add a field to explore")
    await ann.send(title)


async def add_professional(
    ann: Person, name: str, seniority: str, channel: str = "Email", found: str = "A teacher"
) -> None:
    await ann.press("➕ Add a professional")
    await ann.answer(name, "Ward nurse", "City Hospital", seniority, channel)
    await ann.send(f"{name.lower().replace(' ', '.')}@example.org")
    if found:
        await ann.press(found)
    await ann.press("Skip »")  # what I know
    assert "Is this right?" in ann.last_text
    await ann.press("✔ Looks right")
    assert f"👤 {name}" in ann.last_text


async def interview(ann: Person, name: str, *, day: str, referrals: bool = False) -> None:
    """Books the meeting with `name` (on their screen) and logs it afterwards."""
    await ann.press("📅 Meeting date")
    await ann.answer(day, "15:00", "Video call")
    await ann.press("📝 After the interview")
    await ann.send(f"{name} works twelve-hour shifts and loves the team.")
    await ann.answer("Yes", "How much paperwork there is.", "Yes" if referrals else "No")
    assert "thank" in ann.last_text.lower()


async def professionals(engine) -> list[Professional]:
    return await rows(engine, Professional)


# ── targets and professionals ───────────────────────────────────────────────────────────────
async def test_a_field_tracks_three_professionals_and_asks_for_a_mix_of_experience(engine):
    ann = await student(engine)
    await add_field(ann)
    assert "🎯 Hospital nursing — 0/3 interviewed" in ann.last_text
    assert "you still need someone new in the field" in ann.last_text
    await ann.press(f"🎯 {FIELD}")
    await add_professional(ann, "Li Na", "Senior (10+ years, or a manager)")
    await ann.press(f"« {FIELD}")
    assert "Li Na — Senior (10+ years, or a manager) — to contact" in ann.last_text
    assert "you still need someone new in the field" in ann.last_text
    assert "experienced" not in ann.last_text.split("0/3 interviewed")[1].split("\n")[0]
    (stored,) = await professionals(engine)
    assert stored.email if False else stored.contact == "li.na@example.org"
    assert (stored.seniority, stored.channel, stored.found_via) == ("senior", "email", "teacher")


async def test_a_saved_match_is_a_field_to_explore_too(engine):
    ann = await student(engine)
    async with engine.db.unit_of_work() as session:
        user = (await session.exec(User.__table__.select())).first()
        session.add(Target(user_id=user.id, title="Registered Nurses", onetsoc_code="29-1141.00"))
    await ann.send("/menu")
    await ann.press(HUB)
    assert "🎯 Registered Nurses — 0/3 interviewed" in ann.last_text


async def test_editing_and_removing_a_professional(engine):
    ann = await student(engine)
    await add_field(ann)
    await ann.press(f"🎯 {FIELD}")
    await add_professional(ann, "Li Na", "Mid-level (3–9 years)")
    await ann.press("✏️ Edit")
    assert "Is this right?" in ann.last_text and "Li Na" in ann.last_text
    await ann.press("✏️ Position")
    await ann.send("Head nurse")
    await ann.press("✔ Looks right")
    assert "Li Na, Head nurse" in ann.last_text
    (stored,) = await professionals(engine)
    assert stored.position == "Head nurse"
    await ann.press("🗑 Remove")
    await ann.press("Yes, remove")
    assert "Removed" in ann.seen and await professionals(engine) == []


async def test_a_referral_becomes_a_professional_linked_to_who_referred_them(engine):
    ann = await student(engine)
    await add_field(ann)
    await ann.press(f"🎯 {FIELD}")
    await add_professional(ann, "Li Na", "Senior (10+ years, or a manager)")
    await ann.press("➕ Add someone they referred me to")
    await ann.answer("Wang Fang", "Nurse", "Children's Hospital", "New in the field (0–2 years)")
    await ann.answer("Phone", "+86 138 0000 0000", "Skip »", "✔ Looks right")
    assert "Found through: Referred by another professional (Li Na)" in ann.last_text
    first, second = await professionals(engine)
    assert second.referred_by_id == first.id and second.found_via == "referral"


async def test_a_typed_referrer_name_links_the_professional(engine):
    ann = await student(engine)
    await add_field(ann)
    await ann.press(f"🎯 {FIELD}")
    await add_professional(ann, "Li Na", "Senior (10+ years, or a manager)")
    await ann.press(f"« {FIELD}")
    await ann.press("➕ Add a professional")
    await ann.answer("Zhao Lei", "Skip »", "Skip »", "Mid-level (3–9 years)", "Phone", "Skip »")
    await ann.press("Referred by another professional")
    assert "Who referred you to them?" in ann.last_text
    await ann.answer("li na", "Skip »", "✔ Looks right")
    first, second = await professionals(engine)
    assert second.referred_by_id == first.id


# ── outline ─────────────────────────────────────────────────────────────────────────────────
async def outline_for(ann: Person, *topics: str) -> None:
    await ann.press("📋 Interview outline")
    assert "topics" in ann.last_text
    for topic in topics:
        await ann.press(f"▫️ {topic}")
        assert f"✅ {topic}" in ann.buttons
    await ann.press("Done: propose questions »")


async def test_the_outline_proposes_bank_questions_and_can_be_kept_removed_moved_and_added(
    engine,
):
    ann = await student(engine)
    await add_field(ann)
    await ann.press(f"🎯 {FIELD}")
    await add_professional(ann, "Li Na", "Senior (10+ years, or a manager)")
    await outline_for(ann, "Role and daily work", "Pay and benefits")
    editor = ann.last_text
    bank = service.bank()
    assert f"1. {bank['role_daily_1'].text}" in editor
    assert f"4. {bank['pay_benefits_1'].text}" in editor
    assert f"🔚 {bank['further_contacts_1'].text}" in editor  # the referral ask closes it
    assert "About 20 min for a 30-minute meeting" in editor
    await ann.press("✖")  # remove question 1
    await ann.press("⬇")  # move the new first question down
    await ann.press("➕ My own question")
    await ann.send("How did you get your first job?")
    assert "Added." in ann.seen
    (stored,) = await rows(ann.engine, Interview)
    assert stored.questions == [
        "@role_daily_3",
        "@role_daily_2",
        "@pay_benefits_1",
        "@pay_benefits_2",
        "@pay_benefits_3",
        "How did you get your first job?",
    ]
    await ann.press("✅ Finish: send me the outline")
    message = next(m.text for m in ann.fresh if "Questions" in m.text)
    assert message.index(bank["role_daily_3"].text) < message.index(bank["role_daily_2"].text)
    assert f"7. {bank['further_contacts_1'].text}" in message
    (document,) = ann.documents
    assert document.filename.endswith(".md")
    content = document.content.decode()
    assert content.startswith("# Interview with Li Na")
    assert (
        "6. How did you get your first job?" in content
        and "Send a thank-you within one day" in content
    )


async def test_a_too_long_outline_is_flagged_and_trimmed_to_fit(engine):
    ann = await student(engine)
    await add_field(ann)
    await ann.press(f"🎯 {FIELD}")
    await add_professional(ann, "Li Na", "Senior (10+ years, or a manager)")
    await outline_for(
        ann,
        "Role and daily work",
        "Pay and benefits",
        "Workload and pressure",
        "Career path and promotion",
    )
    assert "⚠️ Too long: about 10 questions fit" in ann.last_text
    await ann.press("⏱ 30 min")
    assert "45-minute meeting" in ann.last_text and "Too long" not in ann.last_text
    for _ in range(3):
        await ann.press("⏱ " + ann.last_text.split("-minute")[0].split()[-1] + " min")
    assert "30-minute meeting" in ann.last_text
    await ann.press("✂️ Trim to fit")
    assert "Too long" not in ann.last_text
    (stored,) = await rows(ann.engine, Interview)
    assert len(stored.questions) == 10 and stored.questions[0] == "@role_daily_1"


async def test_the_outline_document_is_in_chinese_for_a_chinese_student(engine):
    li = Person(engine, telegram_id=77, name="Li", language_code="zh-hans")
    await li.join("简体中文")
    await li.press(next(b for b in li.buttons if b.startswith("🗣")))
    await li.press(next(b for b in li.buttons if b.startswith("➕")))
    await li.send("护理")
    await li.press("🎯 护理")
    await li.press(next(b for b in li.buttons if b.startswith("➕")))
    await li.answer("王芳", "护士", "市医院")
    await li.press(li.buttons[0])  # new in the field
    await li.press(li.buttons[0])  # phone
    await li.send("13800000000")
    await li.press(li.buttons[0])  # a relative
    await li.press(next(b for b in li.buttons if "»" in b))  # skip
    await li.press(li.buttons[-2])  # looks right
    await li.press(next(b for b in li.buttons if b.startswith("📋")))
    await li.press(li.buttons[1])  # the second topic: role and daily work
    await li.press(next(b for b in li.buttons if "»" in b))
    await li.press(next(b for b in li.buttons if b.startswith("✅")))
    content = li.documents[-1].content.decode()
    assert service.bank()["role_daily_1"].text_zh in content
    assert service.bank()["further_contacts_1"].text_zh in content
    assert "Interview with" not in content and "王芳" in content


# ── pitch and request ───────────────────────────────────────────────────────────────────────
async def test_the_introduction_is_timed_and_a_long_one_gets_a_warning(engine):
    ann = await student(engine)
    await ann.press("🗣 My 30-second introduction")
    await ann.answer(
        "I am Ann, a final-year nursing student.",
        "I did two placements in surgery wards.",
        "I want to work where I can care for children.",
        "I hope to learn what a normal shift is like.",
    )
    await ann.press("✔ Looks right")
    assert "Your 30-second introduction" in ann.last_text
    assert "35 words · about 14 seconds spoken" in ann.last_text
    assert "A good length" in ann.last_text
    await ann.press("« Interviews")
    await ann.press("🗣 My 30-second introduction")
    long = "I studied nursing for three years and worked in many different wards. " * 3
    for part in ("✏️ What I study or did", "✏️ Why this field"):
        await ann.press(part)
        await ann.send(long)
    await ann.press("✔ Looks right")
    assert "⚠️ That is longer than 30 seconds" in ann.last_text


async def test_the_appointment_request_fits_the_channel_and_uses_the_pitch(engine):
    ann = await student(engine)
    await ann.press("🗣 My 30-second introduction")
    await ann.answer("I am Ann.", "I study nursing.", "I like caring.", "I hope to learn.")
    await ann.press("✔ Looks right")
    await ann.press("« Interviews")
    await add_field(ann)
    await ann.press(f"🎯 {FIELD}")
    await add_professional(ann, "Li Na", "Senior (10+ years, or a manager)", channel="Email")
    await ann.press("✉️ Appointment request")
    assert "An email, ready to copy" in ann.last_text
    assert "Subject: A short conversation about working in Hospital nursing" in ann.last_text
    assert "Dear Li Na," in ann.last_text and "I am Ann. I study nursing." in ann.last_text
    assert "about 30 minutes" in ann.last_text
    assert "<code>" in ann.html


# ── meeting, reminders, notes, thanks ───────────────────────────────────────────────────────
async def test_a_meeting_plans_durable_reminders_and_notes_cancel_the_due_ones(
    engine, start_engine
):
    ann = await student(engine)
    await add_field(ann)
    await ann.press(f"🎯 {FIELD}")
    await add_professional(ann, "Li Na", "Senior (10+ years, or a manager)")
    await ann.press("📅 Meeting date")
    await ann.send("2027-01-15")
    await ann.send("3pm")
    assert (
        "Please type a time like 15:00." in ann.last_text and "On which day" not in ann.last_text
    )
    await ann.send("15:00")
    await ann.press("Video call")
    assert "Saved: 2027-01-15 15:00 (Video call)" in ann.seen
    await engine.db.dispose()  # the bot restarts: the reminders are rows, not timers
    ann.engine = start_engine()
    reminders = {r.kind.split(":")[1]: r for r in await rows(ann.engine, OutboxMessage)}
    assert {k: r.due_at for k, r in reminders.items()} == {
        "before": datetime(2027, 1, 14, 15, 0, tzinfo=UTC),
        "after": datetime(2027, 1, 15, 16, 0, tzinfo=UTC),
        "thanks": datetime(2027, 1, 16, 11, 0, tzinfo=UTC),
    }
    assert "Checklist" in reminders["before"].payload["text"]
    assert "dress" in reminders["before"].payload["text"].lower()
    assert all(r.state == "pending" for r in reminders.values())
    assert all(r.chat_id == 42 for r in reminders.values())

    await ann.press("📝 After the interview")
    await ann.send("Long shifts, great team.")
    await ann.answer("Yes", "Skip »", "Yes")
    assert "thank Li Na within one day" in ann.last_text
    assert "Dear Li Na, thank you very much for your time today." in ann.last_text
    states = {r.kind.split(":")[1]: r.state for r in await rows(ann.engine, OutboxMessage)}
    assert states == {"before": "pending", "after": "cancelled", "thanks": "pending"}
    await ann.press("✅ I sent my thank-you")
    assert "Noted: thank-you sent" in ann.seen
    states = {r.kind.split(":")[1]: r.state for r in await rows(ann.engine, OutboxMessage)}
    assert states["thanks"] == "cancelled"
    (stored,) = await rows(ann.engine, Interview)
    assert stored.status == "done" and stored.recording_agreed is True
    assert stored.thank_you_sent_at is not None and stored.notes == "Long shifts, great team."


async def test_rebooking_a_meeting_replaces_its_reminders(engine):
    ann = await student(engine)
    await add_field(ann)
    await ann.press(f"🎯 {FIELD}")
    await add_professional(ann, "Li Na", "Senior (10+ years, or a manager)")
    await ann.press("📅 Meeting date")
    await ann.answer("2027-01-15", "15:00", "Phone")
    await ann.press("📅 Meeting date")
    await ann.answer("2027-02-01", "09:30", "In person")
    pending = [r for r in await rows(engine, OutboxMessage) if r.state == "pending"]
    assert len(pending) == 3
    assert min(r.due_at for r in pending) == datetime(2027, 1, 31, 9, 30, tzinfo=UTC)


# ── expectations, analysis, report ──────────────────────────────────────────────────────────
async def test_three_interviews_lead_to_a_report_the_counselor_can_read_once_shared(engine):
    ann = await student(engine)
    await add_field(ann)
    await ann.press(f"🎯 {FIELD}")
    await ann.press("💭 What I expect")
    assert "Before your first interview" in ann.seen
    await ann.answer("Very much", "A little", "Quite", "Very much", "Very much")
    await ann.send("Calm work helping patients, good pay.")
    assert "💭" not in ann.last_text.split("\n\n")[-1]
    for name, level, day in (
        ("Li Na", "Senior (10+ years, or a manager)", "2027-01-15"),
        ("Wang Fang", "New in the field (0–2 years)", "2027-01-16"),
        ("Zhao Lei", "Mid-level (3–9 years)", "2027-01-17"),
    ):
        await add_professional(ann, name, level)
        await interview(ann, name, day=day)
        await ann.press(f"« {name}")
        await ann.press(f"« {FIELD}")
    assert "3/3 interviewed" in ann.last_text and "still need" not in ann.last_text
    await ann.press("📊 Analysis")
    await ann.answer("A little", "Very much", "A little", "Quite", "Somewhat")
    await ann.answer("Quite", "Somewhat", "A little", "Quite")
    await ann.send("Get a nursing licence\nPractise night shifts; learn paediatrics")
    await ann.send("Maybe, but not in a hospital.")
    report = next(m.text for m in ann.fresh if "Summary report" in m.text)
    assert "Daily work: 5 → 2 ⚠️" in report and "Entry requirements: 2 → 5 ⚠️" in report
    assert "Pay: 4 → 2 ⚠️" in report
    assert "Consider a new round of interviews in another field" in report
    assert "• Get a nursing licence" in report and "• learn paediatrics" in report
    assert "Li Na, Ward nurse" in report and "@example.org" not in report
    document = ann.documents[-1].content.decode()
    assert "- [ ] Practise night shifts" in document and "@example.org" not in document
    (target,) = await rows(engine, Target)
    assert target.analysis["new_round"] is True and target.report_shared_at is None

    counselor = await counselor_for(engine, ann)
    await counselor.send("/case 1")
    assert "Informational interviews" not in counselor.last_text  # not shared yet
    await ann.press("📤 Share with my counselor")
    assert "Your counselor can now read this report" in ann.seen
    await counselor.send("/case 1")
    assert "Informational interviews (shared by the client)" in counselor.last_text
    assert "Hospital nursing: Daily work 5→2" in counselor.last_text
    assert "@example.org" not in counselor.last_text and "Li Na" not in counselor.last_text


async def counselor_for(engine, client: Person) -> Person:
    """A counselor with the client's case assigned."""
    wen = Person(engine, telegram_id=9, name="Wen")
    await wen.join()
    (client_row,) = await rows(engine, User, col(User.telegram_id) == client.id)
    (wen_row,) = await rows(engine, User, col(User.telegram_id) == 9)
    async with engine.db.unit_of_work() as session:
        wen_row.role = "counselor"
        session.add(wen_row)
        session.add(
            Case(id=1, client_id=client_row.id, counselor_id=wen_row.id, status="accepted")
        )
    return wen


async def test_the_analysis_waits_for_three_interviews(engine):
    ann = await student(engine)
    await add_field(ann)
    await ann.press(f"🎯 {FIELD}")
    assert "📊 Analysis" not in ann.buttons
    (target,) = await rows(engine, Target)
    await ann.press_data(f"g:IZ:{target.id}")
    assert "The analysis opens after three interviews" in ann.seen


async def test_someone_elses_records_cannot_be_opened(engine):
    ann = await student(engine)
    await add_field(ann)
    await ann.press(f"🎯 {FIELD}")
    await add_professional(ann, "Li Na", "Senior (10+ years, or a manager)")
    (row,) = await professionals(engine)
    bob = await student(engine, telegram_id=43)
    for data in (f"g:IP:{row.id}", f"g:IE:{row.id}", f"g:IY:{row.id}", f"g:IT:{row.target_id}"):
        await bob.press_data(data)
        assert bob.notice == "I could not find that any more."
        assert "li.na@example.org" not in bob.seen
    assert len(await professionals(engine)) == 1


async def test_export_holds_the_professionals_and_delete_erases_them(engine):
    ann = await student(engine)
    await add_field(ann)
    await ann.press(f"🎯 {FIELD}")
    await add_professional(ann, "Li Na", "Senior (10+ years, or a manager)")
    await ann.press("📅 Meeting date")
    await ann.answer("2027-01-15", "15:00", "Phone")
    await ann.send("/export")
    import json

    data = json.loads(ann.documents[-1].content)["data"]
    assert data["professionals"][0]["contact"] == "li.na@example.org"
    assert data["interviews"][0]["meeting_format"] == "phone"
    await ann.send("/delete")
    await ann.press("Yes, erase everything")
    for table in (Professional, Interview, Target, OutboxMessage):
        assert await rows(engine, table) == []


async def test_reminders_never_fall_in_quiet_hours(engine):
    ann = await student(engine)
    await add_field(ann)
    await ann.press(f"🎯 {FIELD}")
    await add_professional(ann, "Li Na", "Senior (10+ years, or a manager)")
    await ann.press("📅 Meeting date")
    await ann.answer("2027-01-15", "23:00", "Phone")  # a late call: reminders would fall at night
    due = {r.kind.split(":")[1]: r.due_at for r in await rows(engine, OutboxMessage)}
    assert due == {
        "before": datetime(2027, 1, 15, 8, 0, tzinfo=UTC),  # 23:00 the day before → 08:00
        "after": datetime(2027, 1, 16, 8, 0, tzinfo=UTC),  # midnight → 08:00
        "thanks": datetime(2027, 1, 16, 19, 0, tzinfo=UTC),
    }
