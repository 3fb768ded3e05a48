"""The career plan through the engine, as a job seeker builds, follows and revises it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlmodel import col

from bot.dialogs import plan
from bot.services import instruments
from storage import outbox
from storage.models import (
    CareerPlan,
    OutboxMessage,
    PlanEvaluation,
    PlanGoal,
    PlanRevision,
    PlanStep,
    User,
)
from tests.people import CHINESE, Person, translated
from tests.stored import rows
from tests.test_interviews import add_field, add_professional, counselor_for, interview

PLAN = "🗺 My career plan"
SHORT = "Start a paid job as a nursing assistant at City Hospital"
CV = "Send my CV to three hospitals"


def zh(message: str, **context: str) -> str:
    return translated("zh_Hans", message, **context)


async def planner(engine, *, language: str = "English", telegram_id: int = 42) -> Person:
    ann = Person(engine, telegram_id=telegram_id)
    await ann.join(language)
    await ann.press(PLAN if language == "English" else zh("🗺 {{ title }}", title=zh(plan.TITLE)))
    return ann


async def open_part(ann: Person, label: str) -> None:
    """Goes to a part of the plan from wherever the person is, as from the main menu."""
    await ann.send("/menu")
    await ann.press(PLAN)
    await ann.press(label if label in ann.buttons else f"✅ {label}")


async def add_goal(ann: Person, horizon: str, statement: str, measure: str, day: str = "") -> None:
    await open_part(ann, "🎯 My goals")
    await ann.press(f"➕ {horizon}")
    await ann.send(statement)
    await ann.answer(measure or "Skip »")
    if day:
        await ann.send(day)
    await ann.press("✔ Looks right")


async def add_step(ann: Person, goal: str, kind: str, title: str, day: str) -> None:
    await open_part(ann, "📋 Action plan")
    await ann.press(next(b for b in ann.buttons if b.startswith(f"➕ Step for: {goal[:20]}")))
    await ann.answer(kind, title, day)
    await ann.press("✔ Looks right")


async def environment(ann: Person) -> None:
    await open_part(ann, "🌍 My environment")
    await ann.answer("City Hospital", "Care certificates", "A few openings", "Hangzhou")
    await ann.answer("Growing", "▫️ Subsidised training", "Done ✔")
    await ann.answer("▫️ I need an income soon", "▫️ My family supports my plan", "Done ✔")
    await ann.answer("No night shifts", "✔ Looks right")


async def the_plan(engine) -> CareerPlan:
    (row,) = await rows(engine, CareerPlan)
    return row


async def history(engine) -> list[tuple[str, str]]:
    return [(r.entity, r.change) for r in await rows(engine, PlanRevision)]


# ── where I stand, environment, SWOT, route ─────────────────────────────────────────────────
async def test_without_earlier_answers_the_plan_starts_from_own_words_and_the_environment(
    engine,
):
    ann = await planner(engine)
    assert "Seven parts" in ann.last_text and "▶️ Continue: 📍 Where I stand" in ann.buttons
    await ann.press("▶️ Continue: 📍 Where I stand")
    assert "I know little about you yet" in ann.last_text
    assert "🧭 Take the self-assessment" in ann.buttons
    await ann.press("✏️ Tell me in my own words")
    await ann.send("I am good with people and want to work in care.")
    assert "I will build your plan on this" in ann.seen
    assert "✅ 📍 Where I stand" in ann.buttons
    assert "▶️ Continue: 🌍 My environment" in ann.buttons

    await environment(ann)
    await ann.press("▶️ Continue: 🔭 Opportunities and SWOT")
    assert "which opportunities do you see" in ann.last_text
    await ann.answer("A new ward opens in May; my aunt works there", "Skip »", "Skip »")
    await ann.answer("Care robots", "✔ Looks right")
    assert "🌱 Opportunities · suggested: 6" in ann.last_text
    await ann.press("🌱 Opportunities (0)")
    suggested = ann.last_text.split("tap ➕ to add")[1]
    for item in (
        "City Hospital is hiring or admitting",
        "Demand for my field is growing in Hangzhou",
        "Support I can use: Subsidised training",
        "My family supports my plan",
        "A new ward opens in May",
        "my aunt works there",
    ):
        assert f"➕ {item}" in suggested
    await ann.press("➕ Demand for my field is growing in Hangzhou")
    await ann.press("➕ A new ward opens in May")
    assert "1. Demand for my field is growing in Hangzhou" in ann.last_text
    assert "➕ A new ward opens in May" not in ann.buttons  # added ones are not suggested again
    await ann.press("✏️ 2")
    assert "Type the new wording of item 2: A new ward opens in May" in ann.last_text
    await ann.send("A new geriatric ward opens in May")
    await ann.press("✖ 1")
    assert "1. A new geriatric ward opens in May" in ann.last_text
    await ann.press("« SWOT")
    await ann.press("⚠️ Threats (0)")
    assert "➕ Constraint: I need an income soon" in ann.buttons
    assert "➕ Care robots" in ann.buttons
    await ann.press("➕ My own")
    await ann.sticker()
    assert "only read text" in ann.seen and "Type the item" in ann.last_text
    await ann.send("Few jobs without night shifts")
    assert "1. Few jobs without night shifts" in ann.last_text
    stored = await the_plan(engine)
    assert stored.swot == {
        "opportunities": ["A new geriatric ward opens in May"],
        "threats": ["Few jobs without night shifts"],
    }
    assert stored.stand_note == "I am good with people and want to work in care."
    assert ("swot", "edited") in await history(engine)


async def test_the_recap_and_swot_come_from_skills_ratings_and_interview_findings(engine):
    ann = Person(engine)
    await ann.join()
    await ann.press("🧭 Self-assessment")
    await ann.press("🛠 Skills")
    for item in instruments.skills().items:
        await ann.press({"2.A.1.e": "Expert", "2.B.3.e": "Not yet"}.get(item.name, "Good"))
    await ann.send("/menu")
    await ann.press("🗣 Informational interviews")
    await add_field(ann)
    await ann.press("🎯 Hospital nursing")
    for name, level, day in (
        ("Li Na", "Senior (10+ years, or a manager)", "2027-01-15"),
        ("Wang Fang", "New in the field (0–2 years)", "2027-01-16"),
        ("Zhao Lei", "Mid-level (3–9 years)", "2027-01-17"),
    ):
        await add_professional(ann, name, level)
        await interview(ann, name, day=day)
        await ann.press(f"« {name}")
        await ann.press("« Hospital nursing")
    await ann.press("📊 Analysis")
    await ann.answer("A little", "Very much", "A little", "Quite", "Somewhat")
    await ann.answer("Quite", "Somewhat", "A little", "Quite")
    await ann.send("Get a nursing licence")
    await ann.send("Yes, in a hospital.")

    await open_part(ann, "📍 Where I stand")
    recap = ann.last_text
    assert "Skills you rate highly: Mathematics" in recap
    assert "Skills to build: Programming" in recap
    assert "Fields you are considering: Hospital nursing" in recap
    assert "still to learn: Get a nursing licence" in recap
    await ann.press("✅ Yes, that is me")
    assert (await the_plan(engine)).stand_confirmed_at is not None

    await open_part(ann, "🔭 Opportunities and SWOT")
    await ann.answer("Skip »", "Skip »", "Skip »", "Skip »", "✔ Looks right")
    await ann.press("💪 Strengths (0)")
    assert "➕ Good at: Mathematics" in ann.buttons
    await ann.press("« SWOT")
    await ann.press("🧩 Weaknesses (0)")
    assert "➕ To build: Programming" in ann.buttons
    assert "➕ Still to learn: Get a nursing licence" in ann.buttons

    # The interview's to-learn item becomes a step: only its date is asked.
    await add_goal(ann, "Short-term goal (within a year)", SHORT, "A contract", "2027-02-28")
    await open_part(ann, "📋 Action plan")
    await ann.press(next(b for b in ann.buttons if b.startswith("📥 Import steps for")))
    await ann.press("➕ Get a nursing licence")
    assert "By when?" in ann.last_text
    await ann.send("2027-01-31")
    await ann.press("✔ Looks right")
    (step,) = await rows(engine, PlanStep)
    assert (step.title, step.kind, step.source) == ("Get a nursing licence", "skills", "interview")


async def test_a_route_brings_its_own_next_steps_to_import(engine):
    ann = await planner(engine)
    await ann.press("🛣 My route to work")
    await ann.answer("Starting my own business", "A small bakery in my district")
    assert "Starting my own business" in ann.last_text
    assert "Ask my counselor about small loans and start-up subsidies" in ann.last_text
    assert "📝 A small bakery in my district" in ann.last_text
    assert (await the_plan(engine)).route == "business"
    await add_goal(
        ann,
        "Short-term goal (within a year)",
        "Open my bakery stall at the market",
        "First 30 customers",
        "2027-02-28",
    )
    await open_part(ann, "📋 Action plan")
    await ann.press(next(b for b in ann.buttons if b.startswith("📥 Import steps for")))
    assert "➕ Write my business idea on one page" in ann.buttons
    await ann.press("➕ Write my business idea on one page")
    await ann.send("2027-03-15")  # after the goal's date
    assert "after its goal's date (2027-02-28)" in ann.last_text
    await ann.send("2027-01-10")
    await ann.press("✔ Looks right")
    (step,) = await rows(engine, PlanStep)
    assert (step.kind, step.source, step.due_on.isoformat()) == ("route", "route", "2027-01-10")


# ── goals ───────────────────────────────────────────────────────────────────────────────────
async def test_a_short_term_goal_needs_a_concrete_statement_and_a_date_within_a_year(engine):
    ann = await planner(engine)
    await ann.press("🎯 My goals")
    await ann.press("➕ Short-term goal (within a year)")
    await ann.send("A job")
    assert "Please make it concrete" in ann.last_text
    assert "What will you achieve within the next twelve months?" in ann.last_text
    await ann.send(SHORT)
    await ann.send("A signed contract")
    await ann.send("as soon as possible")
    assert "A short-term goal needs a target date within the next twelve months" in (ann.last_text)
    assert "By when?" in ann.last_text
    await ann.send("2028-06-30")
    assert "falls within the next twelve months" in ann.last_text
    await ann.send("2026-02-01")
    assert "on or after 2026-03-01" in ann.last_text
    await ann.send("2026-12-31")
    assert "Goal: " + SHORT in ann.last_text and "Target date: 2026-12-31" in ann.last_text
    await ann.press("✔ Looks right")
    (goal,) = await rows(engine, PlanGoal)
    assert (goal.horizon, goal.statement, goal.measure) == ("short", SHORT, "A signed contract")
    assert goal.target_date.isoformat() == "2026-12-31"
    # The day after its date the bot asks how it went.
    (check,) = await rows(engine, PlanEvaluation, col(PlanEvaluation.trigger) == "goal")
    assert check.due_on.isoformat() == "2027-01-01" and check.goal_id == goal.id


async def test_each_horizon_serves_the_one_above_and_missing_links_are_flagged(engine):
    ann = await planner(engine)
    await add_goal(ann, "Life goal", "Help people stay healthy", "")
    await add_goal(
        ann,
        "Long-term goal (5–10 years)",
        "Lead a nursing team at a hospital",
        "Team lead",
        "2034-06-30",
    )
    assert "Which higher goal does this one serve?" in ann.last_text
    await ann.press("🔗 Serves: Help people stay healthy")
    assert ann.notice == "Linked."
    assert "✅ 🔗 Serves: Help people stay healthy" in ann.buttons
    await add_goal(
        ann, "Medium-term goal (2–5 years)", "Become a registered nurse", "Licence", "2029-09-30"
    )
    await add_goal(ann, "Short-term goal (within a year)", SHORT, "A contract", "2027-02-28")
    await ann.press("« Goals")
    goals_screen = ann.last_text
    assert "↳ serves: Help people stay healthy" in goals_screen
    assert goals_screen.count("Not linked yet") == 2
    assert "Still missing" not in goals_screen
    await ann.press("🎯 Become a registered nurse")
    # A medium-term goal may serve the long-term goal; the life goal is not offered to it…
    assert "🔗 Serves: Lead a nursing team at a hospital" in ann.buttons
    await ann.press("🔗 Serves: Lead a nursing team at a hospital")
    await ann.press("« Goals")
    await ann.press(f"🎯 {SHORT}"[:55] + "…")
    assert "🔗 Serves: Help people stay healthy" not in ann.buttons  # …nor to a short one
    await ann.press("🔗 Serves: Become a registered nurse")
    await ann.press("« Goals")
    assert "Not linked yet" not in ann.last_text
    by_statement = {g.statement: g for g in await rows(engine, PlanGoal)}
    assert by_statement[SHORT].parent_id == by_statement["Become a registered nurse"].id
    assert by_statement["Become a registered nurse"].parent_id == (
        by_statement["Lead a nursing team at a hospital"].id
    )
    # A forged link to a lower horizon is refused.
    long_id = by_statement["Lead a nursing team at a hospital"].id
    await ann.press_data(f"g:PGL:{long_id}:{by_statement[SHORT].id}")
    assert ann.notice == "I could not find that any more."


# ── steps and reminders ─────────────────────────────────────────────────────────────────────
async def test_step_reminders_come_at_ten_local_outside_quiet_hours_and_survive_a_restart(
    start_engine,
):
    engine = start_engine(default_timezone="Asia/Shanghai", quiet_hours="09:30-11:00")
    ann = await planner(engine)
    await add_goal(ann, "Short-term goal (within a year)", SHORT, "A contract", "2027-02-28")
    await add_step(ann, SHORT, "Job applications", CV, "2027-01-15")
    assert "at 10:00 (Asia/Shanghai), never in your quiet hours (09:30-11:00)" in ann.last_text
    (reminder,) = await rows(engine, OutboxMessage, col(OutboxMessage.kind).startswith("ps"))
    # 10:00 in Shanghai falls in the quiet hours: it goes out at 11:00 local, 03:00 UTC.
    assert reminder.due_at == datetime(2027, 1, 15, 3, 0, tzinfo=UTC)
    assert f"Step due today: {CV}" in reminder.payload["text"]

    await engine.db.dispose()  # the bot restarts: the reminder is a row, not a timer
    ann.engine = restarted = start_engine(
        default_timezone="Asia/Shanghai", quiet_hours="09:30-11:00"
    )
    async with restarted.db.unit_of_work() as session:
        early = await outbox.claim_due(
            session=session,
            worker="t",
            now=reminder.due_at - timedelta(minutes=1),
            lease=timedelta(minutes=1),
            limit=10,
        )
    assert [r.kind for r in early if r.kind.startswith("ps")] == []
    async with restarted.db.unit_of_work() as session:
        due = await outbox.claim_due(
            session=session, worker="t", now=reminder.due_at, lease=timedelta(minutes=1), limit=10
        )
    (delivered,) = [r for r in due if r.kind.startswith("ps")]
    buttons = {b["label"]: b["data"] for b in delivered.payload["buttons"][0]}
    assert set(buttons) == {"✅ Done", "⏰ Postpone"}
    await ann.press_data(buttons["✅ Done"])
    assert "Well done! 1 of 1 steps done." in ann.seen

    # Moving to another zone re-times what is still pending.
    await add_step(ann, SHORT, "Job applications", "Call the ward manager", "2027-01-20")
    await ann.send("/followups")
    await ann.press("🌐 Time zone: Asia/Shanghai")
    await ann.press("Europe/London")
    pending = await rows(
        restarted,
        OutboxMessage,
        col(OutboxMessage.kind).startswith("ps"),
        col(OutboxMessage.state) == "pending",
    )
    assert [r.due_at for r in pending] == [datetime(2027, 1, 20, 11, 0, tzinfo=UTC)]


async def test_done_postpone_and_drop_update_progress_and_keep_reasons(engine):
    ann = await planner(engine)
    await add_goal(ann, "Short-term goal (within a year)", SHORT, "A contract", "2027-02-28")
    for title, day in (
        (CV, "2027-01-10"),
        ("Visit the job fair", "2027-01-12"),
        ("Take a first-aid course", "2027-01-20"),
    ):
        await add_step(ann, SHORT, "Job applications", title, day)
    assert "0 of 3 steps done" in ann.last_text
    await ann.press(f"▫️ {CV}")
    await ann.press("✅ Done")
    assert "Well done! 1 of 3 steps done." in ann.seen
    await ann.press("▫️ Visit the job fair")
    await ann.press("⏰ Postpone")
    await ann.send("2027-01-05")
    assert "Please choose a date after 2027-01-12" in ann.last_text
    await ann.send("2027-02-02")
    await ann.send("The fair moved to February.")
    assert "⏰ Visit the job fair — 2027-02-02" in ann.last_text
    await ann.press("▫️ Take a first-aid course")
    await ann.press("✖ Drop")
    await ann.send("The course is full until summer.")
    assert "1 of 2 steps done" in ann.last_text  # a dropped step no longer counts
    steps = {s.title: s for s in await rows(engine, PlanStep)}
    assert steps["Visit the job fair"].status == "postponed"
    assert steps["Visit the job fair"].reason == "The fair moved to February."
    assert steps["Take a first-aid course"].status == "dropped"
    states = {
        r.kind: r.state
        for r in await rows(engine, OutboxMessage, col(OutboxMessage.kind).startswith("ps"))
        if r.state == "pending"
    }
    assert states == {f"ps{steps['Visit the job fair'].id}:due": "pending"}
    await open_part(ann, "🕘 How my plan changed")
    assert (
        "Step postponed from 2027-01-12 to 2027-02-02: Visit the job fair "
        "(The fair moved to February.)"
    ) in (ann.last_text)
    assert (
        "Step dropped: Take a first-aid course (The course is full until summer.)" in ann.last_text
    )


# ── evaluation ──────────────────────────────────────────────────────────────────────────────
async def test_an_evaluation_revises_a_goal_and_keeps_its_history(engine):
    ann = await planner(engine)
    await add_goal(ann, "Short-term goal (within a year)", SHORT, "A contract", "2026-12-31")
    (periodic,) = await rows(engine, PlanEvaluation, col(PlanEvaluation.trigger) == "interval")
    assert periodic.due_on.isoformat() == "2026-04-01"  # monthly by default
    (check,) = await rows(engine, PlanEvaluation, col(PlanEvaluation.trigger) == "goal")
    message = (await rows(engine, OutboxMessage, col(OutboxMessage.id) == check.outbox_id))[0]
    assert f"Your goal “{SHORT}” was due on 2026-12-31" in message.payload["text"]

    await ann.press_data(f"g:PV:{check.id}")  # the button of that message
    assert f"Your goal “{SHORT}” was due on 2026-12-31. Did you reach it?" in ann.last_text
    await ann.answer("Not reached yet", "Partly", "The hospital froze hiring until spring.")
    await ann.answer("Yes, my goals", "In two weeks")
    assert "I will ask again on 2026-03-15" in ann.seen
    assert "Choose the goal to revise" in ann.seen
    await ann.press(f"🎯 {SHORT}"[:55] + "…")
    await ann.press("✏️ Edit this goal")
    await ann.press("✏️ Target date")
    await ann.send("2027-02-28")
    await ann.press("✏️ Goal")
    await ann.send("Start a paid job as a nursing assistant at any city hospital")
    await ann.press("✔ Looks right")
    (goal,) = await rows(engine, PlanGoal)
    assert goal.target_date.isoformat() == "2027-02-28" and "any city hospital" in goal.statement
    checks = await rows(engine, PlanEvaluation, col(PlanEvaluation.trigger) == "goal")
    assert {(c.due_on.isoformat(), c.state) for c in checks} == {
        ("2027-01-01", "answered"),
        ("2027-03-01", "planned"),
    }
    (answered,) = [c for c in checks if c.state == "answered"]
    assert answered.answers["changed"] == "The hospital froze hiring until spring."
    assert (await the_plan(engine)).review_every_days == 14
    await open_part(ann, "🕘 How my plan changed")
    assert "Reviewed the plan: it went partly" in ann.last_text
    assert (
        f"Goal revised: “{SHORT}” (2026-12-31) → “Start a paid job as a nursing assistant at "
        "any city hospital” (2027-02-28)"
    ) in ann.last_text
    revision = next(r for r in await rows(engine, PlanRevision) if r.change == "edited")
    assert revision.before["statement"] == SHORT and revision.after["target_date"] == "2027-02-28"


async def test_a_goal_reached_at_its_review_is_kept_as_reached(engine):
    ann = await planner(engine)
    await add_goal(ann, "Short-term goal (within a year)", SHORT, "A contract", "2026-12-31")
    (check,) = await rows(engine, PlanEvaluation, col(PlanEvaluation.trigger) == "goal")
    await ann.press_data(f"g:PV:{check.id}")
    await ann.answer(
        "Yes, I reached it", "Very well", "Skip »", "No, keep it as it is", "In a month"
    )
    (goal,) = await rows(engine, PlanGoal)
    assert goal.status == "achieved"
    await ann.press("🎯 My goals")
    assert f"🏆 Reached: {SHORT}" in ann.last_text
    await ann.press_data(f"g:PV:{check.id}")
    assert ann.notice == "You have answered this review already. Thank you!"


# ── the document, the counselor, privacy ────────────────────────────────────────────────────
async def test_the_plan_document_comes_in_english_and_in_chinese(engine):
    ann = await planner(engine)
    await environment(ann)
    await add_goal(ann, "Short-term goal (within a year)", SHORT, "A contract", "2027-02-28")
    await add_step(ann, SHORT, "Job applications", CV, "2027-01-10")
    await open_part(ann, "📄 My plan as a document")
    assert f"{SHORT} — 2027-02-28" in ann.seen and f"▫️ {CV} — 2027-01-10" in ann.seen
    document = ann.documents[-1]
    assert document.filename == "career-plan.md"
    text = document.content.decode()
    assert text.startswith("# My career plan — Ann")
    assert "- City or region: Hangzhou" in text and "## SWOT" in text
    assert f"- **{SHORT}** — 2027-02-28" in text and f"▫️ {CV} — 2027-01-10 (to do)" in text
    assert "New step: Send my CV to three hospitals (by 2027-01-10)" in text

    li = await planner(engine, language="简体中文", telegram_id=43)
    await li.press(zh(plan.PARTS["goals"]))
    await li.press(zh(plan.ADD_GOAL, horizon=zh(plan.HORIZON_NAMES["short"])))
    await li.send("在市医院找到一份护理助理的带薪工作")
    await li.send("签订劳动合同")
    await li.send("2027-02-28")
    await li.press(zh("✔ Looks right"))
    await li.press(zh(plan.BACK_GOALS))
    await li.press(zh(plan.BACK_PLAN))
    await li.press(zh(plan.DOCUMENT))
    chinese = li.documents[-1].content.decode()
    assert chinese.startswith("# " + zh(plan.TITLE))
    assert "在市医院找到一份护理助理的带薪工作" in chinese
    assert zh(plan.HORIZON_NAMES["short"]) in chinese
    english_headings = ("Where I stand", "Goals and action plan", "Measure of success")
    assert not any(h in chinese for h in english_headings)
    assert CHINESE.search(li.seen)


async def test_the_counselor_follows_a_shared_plan_comments_and_suggests_a_step(engine):
    ann = await planner(engine)
    await add_goal(ann, "Short-term goal (within a year)", SHORT, "A contract", "2027-02-28")
    await add_step(ann, SHORT, "Job applications", CV, "2027-01-10")
    wen = await counselor_for(engine, ann)
    await wen.send("/case 1")
    assert "Career plan" not in wen.last_text  # not shared: the counselor sees nothing of it
    await wen.send("/plan 1")
    assert "has not shared a career plan" in wen.last_text

    await open_part(ann, "📤 Share with my counselor")
    assert "Your counselor can now follow your plan" in ann.seen
    await wen.send("/case 1")
    case = wen.last_text
    assert "Career plan (shared by the client) · 0 of 1 steps done" in case
    (step,) = await rows(engine, PlanStep)
    assert f"#{step.id} ▫️ {CV} — 2027-01-10" in case
    await wen.send("/plan 1")
    assert wen.documents[-1].filename == "career-plan-case-1.md"

    await wen.send(f"/comment 1 {step.id} Add the children's hospital too.")
    assert f"Comment added to step #{step.id}" in wen.last_text
    (note,) = [o for o in wen.for_others if o.chat_id == ann.id]
    assert "Your counselor commented on your step “Send my CV to three hospitals”" in note.text
    await ann.press_data(f"g:PT:{step.id}")
    assert "Add the children's hospital too." in ann.last_text

    await wen.send("/suggest 1 tomorrow Visit the job fair")
    assert "Usage: /suggest" in wen.last_text
    await wen.send("/suggest 1 2027-01-20 Visit the job fair on Friday")
    assert "I will tell you their answer" in wen.last_text
    suggestion = [o for o in wen.for_others if o.chat_id == ann.id][-1]
    assert "“Visit the job fair on Friday”, by 2027-01-20" in suggestion.text
    accept = next(
        b.data for row in suggestion.buttons for b in row if b.label == "✅ Add it to my plan"
    )
    await ann.press_data(accept)
    assert "Added to your plan." in ann.seen and "0 of 2 steps done" in ann.last_text
    (told,) = [o for o in ann.for_others if o.chat_id == wen.id]
    assert "accepted your suggested step: Visit the job fair on Friday" in told.text
    added = next(s for s in await rows(engine, PlanStep) if s.source == "counselor")
    assert added.status == "open" and added.goal_id is not None
    await ann.press_data(accept)  # pressed twice: nothing changes
    assert len([o for o in ann.for_others if o.chat_id == wen.id]) == 1

    await wen.send("/suggest 1 2027-01-25 Join the night-shift pool")
    decline = next(
        b.data
        for row in [o for o in wen.for_others if o.chat_id == ann.id][-1].buttons
        for b in row
        if b.label == "✖ No, thanks"
    )
    await ann.press_data(decline)
    assert "Declined. Your counselor will know." in ann.seen
    assert "declined your suggested step" in ann.for_others[-1].text

    await open_part(ann, "🔒 Stop sharing")
    await wen.send(f"/comment 1 {step.id} Another thought")
    assert "has not shared a career plan" in wen.last_text


async def test_another_counselor_cannot_read_or_change_the_plan(engine):
    ann = await planner(engine)
    await add_goal(ann, "Short-term goal (within a year)", SHORT, "A contract", "2027-02-28")
    await open_part(ann, "📤 Share with my counselor")
    await counselor_for(engine, ann)
    other = Person(engine, telegram_id=10, name="Bo")
    await other.join()
    (bo,) = await rows(engine, User, col(User.telegram_id) == 10)
    async with engine.db.unit_of_work() as session:
        bo.role = "counselor"
        session.add(bo)
    await other.send("/plan 1")
    assert "You can only open cases assigned to you." in other.last_text
    await other.send("/suggest 1 2027-01-20 Do something")
    assert [s for s in await rows(engine, PlanStep)] == []
    client = Person(engine, telegram_id=44, name="Cy")
    await client.join()
    await client.send("/plan 1")
    assert "I don't know that command" in client.seen


async def test_export_holds_the_plan_and_delete_erases_it(engine):
    ann = await planner(engine)
    await add_goal(ann, "Short-term goal (within a year)", SHORT, "A contract", "2027-02-28")
    await add_step(ann, SHORT, "Job applications", CV, "2027-01-10")
    await ann.send("/export")
    exported = json.loads(ann.documents[-1].content)["data"]
    assert exported["plan_goals"][0]["statement"] == SHORT
    assert exported["plan_steps"][0]["title"] == CV
    assert exported["plan_revisions"] and exported["career_plans"]
    await ann.send("/delete")
    await ann.press("Yes, erase everything")
    for model in (CareerPlan, PlanGoal, PlanStep, PlanRevision, PlanEvaluation):
        assert await rows(engine, model) == []
    pending = await rows(engine, OutboxMessage, col(OutboxMessage.state) == "pending")
    assert pending == []


async def test_a_long_plan_shows_the_steps_to_do_first_and_keeps_the_rest_for_the_document(
    engine,
):
    ann = await planner(engine)
    await add_goal(ann, "Short-term goal (within a year)", SHORT, "A contract", "2027-02-28")
    for n in range(10):
        await add_step(
            ann, SHORT, "Job applications", f"Apply to hospital {n + 1}", f"2027-01-{n + 10}"
        )
    await ann.press("▫️ Apply to hospital 1")
    await ann.press("✅ Done")
    await open_part(ann, "📄 My plan as a document")
    message = ann.message_with("My career plan — Ann").text
    assert "… and 2 more in the document" in message
    assert "✅ Apply to hospital 1" not in message  # done steps come after those to do
    assert "▫️ Apply to hospital 2 — 2027-01-11" in message
    document = ann.documents[-1].content.decode()
    assert all(f"Apply to hospital {n} —" in document for n in range(1, 11))
