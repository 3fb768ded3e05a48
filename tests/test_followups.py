"""Follow-up check-ins: planned at acceptance, answered in the bot, seen by the counselor."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import col

from bot.services.followup_plan import add_months
from storage.models import Case, FollowUp, OutboxMessage, User
from tests.test_counselors import (  # noqa: F401  (fixtures)
    CLIENT_ID,
    complete_intake,
    engine,
    rows,
    team,
)


async def accepted(engine, team) -> tuple:
    _, counselor, client = team
    await complete_intake(client)  # caring for children: "difficulty", contact monthly
    await counselor.press("✅ Accept")
    return counselor, client


def invitation(message: OutboxMessage) -> str:
    (row,) = message.payload["buttons"]
    return row[0]["data"]


async def planned(engine) -> list[FollowUp]:
    """The planned check-ins, earliest first."""
    rows_ = [r for r in await rows(engine, FollowUp) if r.state == "planned"]
    return sorted(rows_, key=lambda r: (r.due_on, r.id))


async def test_accepting_a_case_plans_a_year_of_monthly_check_ins_in_the_outbox(engine, team):
    await accepted(engine, team)
    today = date.today()
    followups = await planned(engine)
    assert [f.due_on for f in followups] == [add_months(today, n) for n in range(1, 13)]
    messages = {m.id: m for m in await rows(engine, OutboxMessage)}
    for followup in followups:
        message = messages[followup.outbox_id]
        assert message.due_at == datetime.combine(
            followup.due_on, datetime.min.time(), UTC
        ).replace(
            hour=10
        )  # 10:00 in the service's zone (UTC here), outside the quiet hours 21:00–08:00
        assert message.kind == f"checkin:{followup.id}" and message.state == "pending"
        assert "Time for your check-in" in message.payload["text"]
        assert invitation(message) == f"g:FS:{followup.id}"


async def test_a_second_accept_does_not_plan_twice(engine, team):
    counselor, _ = await accepted(engine, team)
    [case] = await rows(engine, Case)
    await counselor.send(f"/case {case.id}")
    await counselor.press_data(f"g:KA:{case.id}")
    assert len(await planned(engine)) == 12


async def test_a_check_in_reporting_stable_work_moves_the_client_to_yearly(engine, team):
    counselor, client = await accepted(engine, team)
    first = (await planned(engine))[0]
    [message] = await rows(engine, OutboxMessage, col(OutboxMessage.id) == first.outbox_id)
    before = len(counselor.inbox)
    await client.press_data(invitation(message))
    assert "A few questions on how things are going" in client.seen()
    await client.answer("Working full-time, stable", "Skip »", "A private company", "Yes")
    await client.answer("12", "3", "1", "I finished a course", "Skip »", "Yes")
    assert "Your check-in:" in client.last
    await client.press("✔ Looks right")
    assert "Thank you for your check-in." in client.last
    assert "Your counselor has been told you would like to talk." in client.last
    [case] = await rows(engine, Case)
    assert (case.category, case.category_reason) == ("employed", "checkin")
    [answered] = [r for r in await rows(engine, FollowUp) if r.state == "answered"]
    assert answered.id == first.id and answered.answers["applications"] == 12
    # the rest of the monthly plan is cancelled with its messages; one yearly check-in remains
    (yearly,) = await planned(engine)
    assert (yearly.due_on, yearly.category) == (add_months(date.today(), 12), "employed")
    states = {m.kind: m.state for m in await rows(engine, OutboxMessage)}
    assert [k for k, s in states.items() if s != "cancelled"] == [f"checkin:{yearly.id}"]
    told = counselor.seen(before)
    assert "moved to: Fully employed — contact yearly (from a check-in)" in told
    assert f"asks to talk to you (check-in of {first.due_on.isoformat()})" in told


async def test_answering_the_same_check_in_twice_is_refused_kindly(engine, team):
    _, client = await accepted(engine, team)
    first = (await planned(engine))[0]
    await client.press_data(f"g:FS:{first.id}")
    await client.answer("Not working", "Yes", "4", "1", "0", "No", "Skip »", "No")
    await client.press("✔ Looks right")
    await client.press_data(f"g:FS:{first.id}")
    assert "You have answered this check-in already" in client.last
    [case] = await rows(engine, Case)
    assert case.category == "difficulty"  # not working and still looking: unchanged


async def test_someone_elses_check_in_cannot_be_opened(engine, team):
    await accepted(engine, team)
    first = (await planned(engine))[0]
    admin = team[0]
    await admin.press_data(f"g:FS:{first.id}")
    assert "I could not find that check-in any more." in admin.notices


async def test_followups_lists_the_check_ins_and_snooze_moves_the_next_one(engine, team):
    _, client = await accepted(engine, team)
    first = (await planned(engine))[0]
    await client.send("/followups")
    assert first.due_on.isoformat() in client.last
    assert "quiet hours (21:00-08:00)" in client.last
    await client.press("⏰ 1 week")
    moved = first.due_on + timedelta(weeks=1)
    assert f"Moved to {moved.isoformat()}." in client.seen()
    [row] = await rows(engine, FollowUp, col(FollowUp.id) == first.id)
    [message] = await rows(engine, OutboxMessage, col(OutboxMessage.id) == first.outbox_id)
    assert row.due_on == moved
    assert message.due_at == datetime(moved.year, moved.month, moved.day, 10, tzinfo=UTC)


async def test_a_counselors_category_change_replans_only_the_future(engine, team):
    counselor, _ = await accepted(engine, team)
    [case] = await rows(engine, Case)
    first = (await planned(engine))[0]
    async with engine.db.unit_of_work() as session:  # the first check-in lies in the past
        await session.exec(
            update(FollowUp)
            .where(col(FollowUp.id) == first.id)
            .values(due_on=date.today() - timedelta(days=1))
        )
    await counselor.send(f"/category {case.id}")
    await counselor.press(counselor.buttons_like("every 15 days"))
    await counselor.send("Lost her job last week.")
    today = date.today()
    kept_and_new = await planned(engine)
    assert kept_and_new[0].id == first.id  # the past one stays
    assert [f.due_on for f in kept_and_new[1:]] == [
        today + timedelta(days=15 * n)
        for n in range(1, 25)
        if today + timedelta(days=15 * n) <= add_months(today - timedelta(days=0), 12)
    ][: len(kept_and_new) - 1]
    assert all(f.category == "zero_employment" for f in kept_and_new[1:])
    assert len(kept_and_new) > 12


async def test_due_lists_overdue_check_ins_requests_to_talk_and_unreachable_clients(engine, team):
    counselor, client = await accepted(engine, team)
    followups = await planned(engine)
    async with engine.db.unit_of_work() as session:
        await session.exec(
            update(FollowUp)
            .where(col(FollowUp.id) == followups[0].id)
            .values(due_on=date.today() - timedelta(days=3))
        )
    await client.press_data(f"g:FS:{followups[1].id}")
    await client.answer("Not working", "Yes", "4", "1", "0", "No", "Skip »", "Yes")
    await client.press("✔ Looks right")
    async with engine.db.unit_of_work() as session:
        await session.exec(
            update(User).where(col(User.telegram_id) == CLIENT_ID).values(active=False)
        )
    await counselor.send("/due")
    text = counselor.last
    [case] = await rows(engine, Case)
    overdue = (date.today() - timedelta(days=3)).isoformat()
    assert f"#{case.id} Cleo — {overdue}" in text.split("Asked to talk")[0]
    assert f"#{case.id} Cleo — {followups[1].due_on.isoformat()}" in text.split("Asked to talk")[1]
    assert "Unreachable (blocked the bot)" in text


async def test_clients_cannot_use_due(engine, team):
    _, client = await accepted(engine, team)
    await client.send("/due")
    assert "I don't know that command" in client.seen()


async def test_the_case_shows_the_check_ins_against_the_situation_at_intake(engine, team):
    counselor, client = await accepted(engine, team)
    first = (await planned(engine))[0]
    await client.press_data(f"g:FS:{first.id}")
    await client.answer("Working part-time or unstable", "Skip »", "My own business", "No")
    await client.answer("Yes", "5", "2", "0", "No", "Childcare is hard to find", "No")
    await client.press("✔ Looks right")
    [case] = await rows(engine, Case)
    assert case.category == "difficulty"  # part-time with the intake's difficulties: still monthly
    await counselor.send(f"/case {case.id}")
    text = counselor.last
    assert "Follow-up" in text and "Situation at intake: Unemployed" in text
    assert (
        f"{first.due_on.isoformat()}: Working part-time or unstable · 5 applications, "
        "2 interviews, 0 offers · Childcare is hard to find"
    ) in text


async def test_closing_a_case_sends_the_effect_and_satisfaction_questionnaire(engine, team):
    counselor, client = await accepted(engine, team)
    [case] = await rows(engine, Case)
    await counselor.send(f"/close {case.id}")
    assert f"Case #{case.id} is closed." in counselor.last
    assert await planned(engine) == [
        r for r in await planned(engine) if r.kind == "effect"
    ]  # the remaining check-ins stopped
    now_row, later = await planned(engine)
    assert (now_row.due_on, later.due_on) == (date.today(), add_months(date.today(), 12))
    [message] = await rows(engine, OutboxMessage, col(OutboxMessage.id) == now_row.outbox_id)
    assert "How did the guidance help you?" in message.payload["text"]
    assert invitation(message) == f"g:FS:{now_row.id}"
    await client.press_data(invitation(message))
    await client.answer("Mostly", "Somewhat", "A little", "Very useful", "Skip »", "Useful")
    await client.answer("Extremely useful", "More evening sessions")
    await client.answer("Very good", "Good", "Skip »")
    assert "Your answers:" in client.last
    await client.press("✔ Looks right")
    [answered] = [r for r in await rows(engine, FollowUp) if r.state == "answered"]
    assert answered.answers["counselor_rating"] == 4 and answered.answers["bot_rating"] == 3
    await counselor.send(f"/case {case.id}")
    assert "Effect questionnaire" in counselor.last and "More evening sessions" in counselor.last
    assert "Counselor's service 4" in counselor.last
    # a year later the effect questionnaire comes back, without the satisfaction part
    await client.press_data(f"g:FS:{later.id}")
    await client.answer("Completely", "Mostly", "Mostly")
    for _ in range(5):
        await client.press("Skip »")
    assert "Your answers:" in client.last and "Counselor's service" not in client.last


async def test_offers_count_toward_the_three_month_service_target(engine, team):
    counselor, client = await accepted(engine, team)
    [case] = await rows(engine, Case)
    await counselor.send(f"/offer {case.id} job")
    assert "Usage: /offer" in counselor.last
    await counselor.send(f"/offer {case.id} job Lab technician at <City> Hospital")
    assert f"Recorded on case #{case.id}: job offer." in counselor.last
    assert "Your counselor has a job offer for you: Lab technician at <City> Hospital" in (
        client.last
    )
    await counselor.send(f"/offer {case.id} guidance Career planning session on Friday")
    await counselor.send(f"/offer {case.id} training Forklift licence course")
    await counselor.send(f"/case {case.id}")
    deadline = add_months(date.today(), 3).isoformat()
    assert (
        f"Service target by {deadline}: guidance session 1/1, job offer 1/3, training offer 1/1"
        " — open"
    ) in counselor.last
    for number in (2, 3):
        await counselor.send(f"/offer {case.id} job Job number {number}")
    await counselor.send(f"/case {case.id}")
    assert "job offer 3/3, training offer 1/1 — met" in counselor.last
    await client.send("/followups")
    assert "Offered to you" in client.last and "Forklift licence course" in client.last


async def test_a_counselor_cannot_record_offers_on_someone_elses_case(engine, team):
    await accepted(engine, team)
    [case] = await rows(engine, Case)
    other = team[2]
    await other.send(f"/offer {case.id} job Something")
    assert "I don't know that command" in other.seen()


async def test_a_client_chooses_a_time_zone_and_quiet_hours_for_the_check_ins(engine, team):
    _, client = await accepted(engine, team)
    await client.send("/followups")
    assert "🌐 Time zone: UTC" in client.buttons()
    await client.press("🌐 Time zone: UTC")
    await client.press("Asia/Shanghai")
    assert "Time zone set to Asia/Shanghai." in client.seen()
    first = (await planned(engine))[0]
    [message] = await rows(engine, OutboxMessage, col(OutboxMessage.id) == first.outbox_id)
    day = first.due_on
    assert message.due_at == datetime(day.year, day.month, day.day, 2, tzinfo=UTC)  # 10:00 CST
    await client.press("🌙 Quiet hours: 21:00-08:00")
    await client.press("22:00-07:00")
    assert "quiet hours (22:00-07:00)" in client.last
    [stored] = await rows(engine, User, col(User.telegram_id) == CLIENT_ID)
    assert (stored.timezone, stored.quiet_hours) == ("Asia/Shanghai", "22:00-07:00")


async def test_each_counselor_gets_one_weekly_digest_of_what_is_due(engine, team):
    from bot.dialogs.followup import queue_weekly_digests

    counselor, client = await accepted(engine, team)
    followups = await planned(engine)
    async with engine.db.unit_of_work() as session:
        await session.exec(
            update(FollowUp)
            .where(col(FollowUp.id) == followups[0].id)
            .values(due_on=date.today() - timedelta(days=2))
        )
    today = date.today()
    for _ in range(2):  # checked hourly: queued once a week
        async with engine.db.unit_of_work() as session:
            await queue_weekly_digests(session, engine.texts, engine.settings, today)
    [carl] = await rows(engine, User, col(User.telegram_id) == 200)
    digests = [m for m in await rows(engine, OutboxMessage) if m.kind.startswith("digest:")]
    assert [m.user_id for m in digests] == [carl.id]
    week = today.isocalendar()
    assert digests[0].kind == f"digest:{week.year}-W{week.week:02d}"
    text = digests[0].payload["text"]
    assert "Check-ins due or overdue: 1 · asked to talk: 0 · unreachable: 0" in text
    assert (today - timedelta(days=2)).isoformat() in text
