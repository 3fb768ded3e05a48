"""Self-assessment: interests, personality, work values, skills, readiness, learning.

Each instrument is a flow built from its data file (`bot/services/instruments.py`): one
optional rating step per item, so a person may skip an item, stop at any point and resume at the
first unanswered one. On completion the answers are scored, stored as a result with the
instrument's id and version, and cleared, so a retake starts fresh while every earlier result
stays in the history.

Screens (global buttons, valid for as long as the message is on screen):
  g:A          the self-assessment menu
  g:AO:<flow>  open an instrument: continue it, show its result, or start it
  g:AT:<flow>  take it (again)
  g:AP         my profile (every latest result, with dates)
  g:AD         about the data (attributions)
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.dialogs import common
from bot.events import Button, Outbound, Photo
from bot.flow import (
    N_,
    After,
    Answers,
    Command,
    Flow,
    Kind,
    MenuEntry,
    OnComplete,
    Option,
    Registry,
    Step,
)
from bot.i18n import LIST_SEPARATORS, Texts
from bot.services import charts, instruments, scoring
from bot.services.instruments import Instrument
from storage import assessments as store
from storage import repo
from storage.models import AssessmentResult

if TYPE_CHECKING:
    from bot.engine import Turn

TITLE = N_("Self-assessment")
PROFILE = N_("👤 My profile")
MATCHES = N_("🎯 Occupations for me")
ABOUT_DATA = N_("ℹ️ About the data")
BACK_TO_HUB = N_("« Self-assessment")
RETAKE = N_("🔁 Take it again")
RETAKE_N = N_("🔁 {{ title }}")
CONTINUE_N = N_("▶️ Continue: {{ title }}")
RESULT_N = N_("✅ {{ title }}")
START_N = N_("{{ icon }} {{ title }}")
SHOW_ANYWAY = N_("Show my result anyway")
ANSWER_AGAIN = N_("Answer again")
CHART_CAPTION = N_("Your {{ title }} profile")
ANSWERS_CLEARED = N_("Your answers are cleared. Let's start again from the first item.")

# ── the rating scales (one label per point; 1 is the first) ─────────────────────────────────
ENJOY = (
    N_("Dislike"),
    N_("Slightly dislike"),
    N_("Neither like nor dislike"),
    N_("Slightly enjoy"),
    N_("Enjoy"),
)
# The Interest Profiler's own answer labels, unaltered (English only, as its licence asks).
PROFILER_POINTS = ("Strongly Dislike", "Dislike", "Unsure", "Like", "Strongly Like")
ACCURATE = (
    N_("Very inaccurate"),
    N_("Moderately inaccurate"),
    N_("Neither accurate nor inaccurate"),
    N_("Moderately accurate"),
    N_("Very accurate"),
)
IMPORTANT = (
    N_("Not important"),
    N_("Somewhat important"),
    N_("Important"),
    N_("Very important"),
    N_("Most important"),
)
SKILLED = (N_("Not yet"), N_("Basic"), N_("Good"), N_("Very good"), N_("Expert"))
TRUE_OF_ME = (
    N_("Not true of me"),
    N_("Slightly true"),
    N_("Somewhat true"),
    N_("Mostly true"),
    N_("Very true of me"),
)

FLAT_ACTIONS = (Option("show", SHOW_ANYWAY), Option("again", ANSWER_AGAIN))
CHOICE_LISTS = {"flat_actions": FLAT_ACTIONS}

# ── what each result means, in plain words ──────────────────────────────────────────────────
RIASEC_NAMES = {
    "R": N_("Realistic"),
    "I": N_("Investigative"),
    "A": N_("Artistic"),
    "S": N_("Social"),
    "E": N_("Enterprising"),
    "C": N_("Conventional"),
}
RIASEC_MEANINGS = {
    "R": N_("Hands-on work with tools, machines, plants or animals, often outdoors."),
    "I": N_("Finding things out: observing, analysing and solving problems."),
    "A": N_("Creating and expressing: design, writing, music, art, free-form work."),
    "S": N_("Helping, teaching, caring for and advising people."),
    "E": N_("Leading, persuading, selling and getting things started."),
    "C": N_("Organising information and following clear procedures accurately."),
}
BIG_FIVE_NAMES = {
    "E": N_("Extraversion"),
    "A": N_("Agreeableness"),
    "C": N_("Conscientiousness"),
    "N": N_("Neuroticism"),
    "I": N_("Intellect / imagination"),
}
BIG_FIVE_MEANINGS = {
    ("E", "low"): N_("You tend to be reserved and recharge best on your own or in small groups."),
    ("E", "medium"): N_("You are comfortable both with people and on your own."),
    ("E", "high"): N_("You draw energy from people, talk easily and enjoy being in company."),
    ("A", "low"): N_("You say what you think and stand your ground, even when others disagree."),
    ("A", "medium"): N_("You balance care for others with looking after your own interests."),
    ("A", "high"): N_("You are warm and considerate, and you like helping and cooperating."),
    ("C", "low"): N_("You prefer flexibility to plans and may find routines and details dull."),
    ("C", "medium"): N_("You are organised when it matters and relaxed about the rest."),
    ("C", "high"): N_("You plan ahead, finish what you start and pay attention to details."),
    ("N", "low"): N_("You usually stay calm and even-tempered, also under pressure."),
    ("N", "medium"): N_("You feel stress at times, like most people, and recover from it."),
    ("N", "high"): N_("You feel worry and stress strongly; calm, supportive settings help you."),
    ("I", "low"): N_("You like the practical and familiar more than abstract ideas."),
    ("I", "medium"): N_("You are open to new ideas when they have a practical use."),
    ("I", "high"): N_("You are curious and imaginative and enjoy ideas and new experiences."),
}
VALUE_NAMES = {
    "Achievement": N_("Achievement"),
    "Working Conditions": N_("Working Conditions"),
    "Recognition": N_("Recognition"),
    "Relationships": N_("Relationships"),
    "Support": N_("Support"),
    "Independence": N_("Independence"),
}
VALUE_MEANINGS = {
    "Achievement": N_("Using your strongest abilities and seeing the results of your work."),
    "Working Conditions": N_("Job security, good pay, variety and a pleasant place to work."),
    "Recognition": N_("Advancement, leadership and being respected for what you do."),
    "Relationships": N_("Friendly co-workers and work that serves other people."),
    "Support": N_("Fair treatment and managers who back up and train their staff."),
    "Independence": N_("Trying your own ideas and deciding how to do your work."),
}
READINESS_NAMES = {
    "concern": N_("Looking ahead"),
    "control": N_("Taking charge"),
    "curiosity": N_("Exploring"),
    "confidence": N_("Confidence"),
}
READINESS_TIPS = {
    "concern": N_(
        "Set aside half an hour a week to think about where you want to be in a year, and "
        "write down one decision you need to make soon."
    ),
    "control": N_(
        "Choose one small career decision this week, make it yourself and note what you did "
        "to follow it through."
    ),
    "curiosity": N_(
        "Pick two jobs you know little about and talk to someone who does them: the "
        "informational-interview toolkit can help you prepare."
    ),
    "confidence": N_(
        "List three things you did well at work, school or home, and the skill each one "
        "shows; your counselor can help you build on them."
    ),
}
READINESS_STRONG = N_("You look ready in all four areas. Keep using these habits as you plan.")
LEARNING_NAMES = {
    "hands_on": N_("Hands-on"),
    "reading": N_("Reading"),
    "listening": N_("Listening"),
    "visual": N_("Visual"),
    "discussion": N_("Discussion"),
}
LEARNING_TIPS = {
    "hands_on": N_(
        "Look for courses with workshops, apprenticeships or trial days, and practise each "
        "new skill soon after you learn it."
    ),
    "reading": N_(
        "Use books, manuals and written course material; summarise each chapter in a few "
        "lines of your own."
    ),
    "listening": N_(
        "Try recorded lectures, podcasts and talks; explain what you heard to someone afterwards."
    ),
    "visual": N_("Choose video courses and draw mind maps or diagrams of what you learn."),
    "discussion": N_(
        "Join study groups or classes with discussion, and talk new material through with others."
    ),
}
SKILL_GROUP_INTROS = {
    "Content": N_("First, the basic skills for learning and working with information."),
    "Social Skills": N_("Now, skills for working with people."),
    "Technical Skills": N_("Next, technical skills with machines, tools and technology."),
    "Resource Management Skills": N_("Last, managing time, money, materials and people."),
}

# ── the instruments as the menu shows them ──────────────────────────────────────────────────
TITLES = {
    "interests": N_("Interests (RIASEC)"),
    "interests_onet": N_("Interests: O*NET® Interest Profiler (60 items, English)"),
    "personality": N_("Personality (Big Five)"),
    "values": N_("Work values"),
    "skills": N_("Skills"),
    "readiness": N_("Career readiness"),
    "learning": N_("Learning preferences"),
}
ICONS = {
    "interests": "🧩",
    "interests_onet": "🧩",
    "personality": "🪞",
    "values": "⚖️",
    "skills": "🛠",
    "readiness": "🧭",
    "learning": "📚",
}
INTROS = {
    "interests": N_(
        "Interests: 48 activities. For each, tell me how much you would enjoy doing it — "
        "don't worry about training, money or whether you could do it now. It takes about "
        "8 minutes; you can stop at any time and continue later."
    ),
    "interests_onet": N_(
        "The O*NET® Interest Profiler: 60 work activities. For each, say how much you would "
        "like doing it, without thinking about training or pay. About 10 minutes; you can "
        "stop and continue later."
    ),
    "personality": N_(
        "Personality: 20 short statements. Say how accurately each one describes you as you "
        "generally are now, not as you wish to be. About 3 minutes."
    ),
    "values": N_(
        "Work values: 20 statements about an ideal job. Rate how important each one is to "
        "you. About 4 minutes. (The paper version sorts cards; here you rate each one.)"
    ),
    "skills": N_(
        "Skills: 35 skills in groups. Rate how good you are at each one today. About 4 minutes."
    ),
    "readiness": N_(
        "Career readiness: 12 statements. This is a reflection aid, not a test: there are "
        "no right answers, only a picture of where to put your energy. About 2 minutes."
    ),
    "learning": N_(
        "Learning preferences: 10 statements. This is a reflection aid, not a test: it "
        "shows which ways of learning suit you, to help you choose training. About 2 minutes."
    ),
}
QUESTIONS = {
    "interests": N_("How much would you enjoy doing this?"),
    "interests_onet": "How much would you like doing this?",
    "personality": N_("How accurately does this describe you?"),
    "values": N_("How important is this to you?"),
    "readiness": N_("How true is this of you?"),
    "learning": N_("How true is this of you?"),
}
POINTS: dict[str, Sequence[str]] = {
    "interests": ENJOY,
    "interests_onet": PROFILER_POINTS,
    "personality": ACCURATE,
    "values": IMPORTANT,
    "skills": SKILLED,
    "readiness": TRUE_OF_ME,
    "learning": TRUE_OF_ME,
}
FLAT_WARNING = N_(
    "Your answers are almost all the same. A profile from them would say little about what "
    "you like. Would you like to go through the items again, or see the result anyway?"
)
# Notices the items' owners ask to show with them (see NOTICE and /about_data).
NOTICES = {
    # Kept in English, like the items: the Interest Profiler is offered unaltered.
    "interests_onet": (
        "Items from the O*NET® Interest Profiler™, U.S. Department of Labor, Employment and "
        "Training Administration (USDOL/ETA). O*NET® is a trademark of USDOL/ETA. Used for "
        "career exploration only."
    ),
    "values": N_(
        "Statements from the O*NET® Work Importance Locator™, USDOL/ETA. Used for career "
        "exploration only."
    ),
}
ENGLISH_ONLY = frozenset({"interests_onet"})  # its licence does not allow a translation


def instrument_by_flow() -> dict[str, Instrument]:
    return {instrument.id: instrument for instrument in instruments.all_instruments()}


# ── flows ───────────────────────────────────────────────────────────────────────────────────
def build_flow(instrument: Instrument) -> Flow:
    """Declares an instrument as a flow: an introduction, one rating step per item, and (for
    interests) a warning step that appears only when the answers are flat."""
    steps = [Step("intro", Kind.MESSAGE, INTROS[instrument.id])]
    if instrument.id in NOTICES:
        steps.append(Step("notice", Kind.MESSAGE, NOTICES[instrument.id]))
    group = ""
    for item in instrument.items:
        if instrument.id == "skills" and item.group != group:
            group = item.group
            if group in SKILL_GROUP_INTROS:
                steps.append(Step(f"group_{len(steps)}", Kind.MESSAGE, SKILL_GROUP_INTROS[group]))
        hint = (
            instruments.descriptors()[item.name].description
            if instrument.id == "skills"
            else QUESTIONS[instrument.id]
        )
        steps.append(
            Step(
                item.name,
                Kind.SCALE,
                item.text,
                hint=hint,
                required=False,
                scale=(instrument.low, instrument.high),
                point_labels=tuple(POINTS[instrument.id]),
            )
        )
    if instrument.measures == "riasec":
        names = [item.name for item in instrument.items]
        steps.append(
            Step(
                "flat_check",
                Kind.CHOICE,
                FLAT_WARNING,
                choices="flat_actions",
                counted=False,
                relevant=lambda answers: scoring.is_flat([answers.get(n) for n in names]),
            )
        )
    return Flow(
        id=instrument.id,
        version=instrument.version,
        title=TITLES[instrument.id],
        icon=ICONS[instrument.id],
        steps=tuple(steps),
        in_menu=False,
        skip_answered=True,
        on_complete=_finish(instrument),
        after=_after(instrument),
    )


def _finish(instrument: Instrument) -> OnComplete:
    async def finish(turn: Turn, answers: Answers) -> None:
        """Scores the answers, stores the result, clears the answers and shows the result."""
        await repo.clear_answers(session=turn.session, user_id=turn.user_id, flow_id=instrument.id)
        turn.answers_cache.clear()
        if answers.get("flat_check") == "again":
            return
        responses = {item.name: answers.get(item.name) for item in instrument.items}
        scores = scoring.score(instrument, responses)
        result = await store.add_result(
            session=turn.session,
            user_id=turn.user_id,
            instrument=instrument.measures,
            form=instrument.id,
            form_version=instrument.version,
            scores=scores,
            summary=summarize(instrument, scores),
            responses=responses,
        )
        await send_result(turn, result)

    return finish


def _after(instrument: Instrument) -> After:
    async def after(turn: Turn, answers: Answers) -> None:
        """Starts again after a flat warning; otherwise the result (already sent) stays last."""
        if answers.get("flat_check") == "again":
            turn.send(turn.t(ANSWERS_CLEARED))
            return await turn.engine.start_flow(turn, instrument.id)
        turn.screen = "menu"  # the result's own buttons lead on

    return after


def summarize(instrument: Instrument, scores: scoring.Scores) -> dict[str, Any]:
    """The themes a result is remembered by (Holland code, top values, strengths, …)."""
    order = scoring.ranked(scores)
    if instrument.measures == "riasec":
        return {"code": scoring.holland_code(scores)}
    if instrument.measures == "work_values":
        return {"top": order[:2]}
    if instrument.measures == "skills":
        strengths = [d for d in order if (scores[d] or 0) >= 4][:5]
        gaps = [d for d in reversed(order) if (scores[d] or 0) <= 2][:5]
        return {"strengths": strengths, "gaps": gaps}
    if instrument.measures == "readiness":
        return {"focus": [d for d in reversed(order) if (scores[d] or 0) < 3.5][:2]}
    if instrument.measures == "learning":
        top = scores[order[0]] if order else None
        return {"top": [d for d in order if scores[d] == top][:2]}
    return {}


# ── results ─────────────────────────────────────────────────────────────────────────────────
def dimension_name(texts: Texts, locale: str, measures: str, dimension: str) -> str:
    names: dict[str, str] = {
        "riasec": RIASEC_NAMES,
        "big_five": BIG_FIVE_NAMES,
        "work_values": VALUE_NAMES,
        "readiness": READINESS_NAMES,
        "learning": LEARNING_NAMES,
    }.get(measures, {})
    if measures == "skills":
        return texts.plain(locale, instruments.descriptors()[dimension].name)
    return texts.plain(locale, names.get(dimension, dimension))


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def describe(texts: Texts, locale: str, result: AssessmentResult) -> dict[str, Any]:
    """Everything a person or counselor reads about one result, in `locale` (for templates)."""
    instrument = instrument_by_flow()[result.form]
    scores: dict[str, float | None] = result.scores
    order = scoring.ranked(scores)
    lines = []
    tips: list[str] = []

    def line(dimension: str, meaning: str = "") -> dict[str, str]:
        low, high = instrument.score_range(dimension)
        return {
            "name": dimension_name(texts, locale, result.instrument, dimension),
            "value": f"{_number(scores.get(dimension))}/{_number(high)}",
            "meaning": texts.plain(locale, meaning) if meaning else "",
        }

    measures = result.instrument
    themes: list[str] = []
    if measures == "riasec":
        lines = [line(t, RIASEC_MEANINGS[t]) for t in order]
        themes = [result.summary.get("code", "")]
    elif measures == "big_five":
        for factor in instrument.dimensions:
            low, high = instrument.score_range(factor)
            grade = scoring.level(scores.get(factor), low, high)
            lines.append(line(factor, BIG_FIVE_MEANINGS[(factor, grade)] if grade else ""))
    elif measures == "work_values":
        lines = [line(v, VALUE_MEANINGS[v]) for v in order]
        themes = [
            dimension_name(texts, locale, measures, v) for v in result.summary.get("top", [])
        ]
    elif measures == "skills":
        lines = [line(s) for s in result.summary.get("strengths", [])]
        themes = [
            dimension_name(texts, locale, measures, s) for s in result.summary.get("gaps", [])
        ]
    elif measures == "readiness":
        lines = [line(d) for d in instrument.dimensions]
        focus = result.summary.get("focus", [])
        tips = [texts.plain(locale, READINESS_TIPS[d]) for d in focus] or [
            texts.plain(locale, READINESS_STRONG)
        ]
    elif measures == "learning":
        lines = [line(d) for d in order]
        tips = [texts.plain(locale, LEARNING_TIPS[d]) for d in result.summary.get("top", [])]
        themes = [
            dimension_name(texts, locale, measures, d) for d in result.summary.get("top", [])
        ]
    return {
        "measures": measures,
        "form": result.form,
        "title": texts.plain(locale, TITLES[result.form]),
        "date": result.taken_at.date().isoformat(),
        "lines": lines,
        "themes": themes,
        "tips": tips,
        "skipped": sum(1 for v in result.responses.values() if v is None),
        "unscored": [
            dimension_name(texts, locale, measures, d)
            for d in instrument.dimensions
            if scores.get(d) is None
        ],
    }


async def chart(texts: Texts, locale: str, result: AssessmentResult) -> Photo | None:
    """The result as a picture (interests: a hexagon; personality: bars), else None."""
    instrument = instrument_by_flow()[result.form]
    if result.instrument not in {"riasec", "big_five"}:
        return None
    dimensions = instrument.dimensions
    low, high = instrument.score_range(dimensions[0])
    labels = [
        f"{dimension_name(texts, locale, result.instrument, d)} ({d})"
        if result.instrument == "riasec"
        else dimension_name(texts, locale, result.instrument, d)
        for d in dimensions
    ]
    title = texts.plain(locale, TITLES[result.form])
    png = await asyncio.to_thread(
        charts.profile_chart,
        title=title,
        labels=labels,
        values=[result.scores.get(d) for d in dimensions],
        low=low,
        high=high,
        shape="hexagon" if result.instrument == "riasec" else "bars",
        note=f"CareerPilot · {result.taken_at.date().isoformat()}",
    )
    caption = str(texts.text(locale, CHART_CAPTION, title=title))
    return Photo(f"{result.instrument}-{result.taken_at:%Y%m%d-%H%M%S}.png", png, caption)


async def send_result(turn: Turn, result: AssessmentResult) -> None:
    """Sends a result as text with its chart, and the buttons to retake or move on."""
    text = turn.render("assessment_result.j2", result=describe(turn.texts, turn.locale, result))
    buttons = [[Button(turn.t(RETAKE), f"g:AT:{result.form}")]]
    if result.instrument == "riasec":
        buttons.append([Button(turn.t(MATCHES), "g:OM:1")])
    buttons.append([Button(turn.t(BACK_TO_HUB), "g:A")])
    photo = await chart(turn.texts, turn.locale, result)
    if photo is not None:
        turn.send(text)
        turn.reply.messages.append(Outbound(text="", photo=photo, buttons=[]))
        turn.send(turn.t(NEXT_STEP), buttons)
    else:
        turn.send(text, buttons)


NEXT_STEP = N_("What next?")


# ── screens ─────────────────────────────────────────────────────────────────────────────────
def offered(locale: str) -> list[Instrument]:
    """The instruments offered in a language (the English-only profiler only in English)."""
    return [
        instrument
        for instrument in instruments.all_instruments()
        if locale == "en" or instrument.id not in ENGLISH_ONLY
    ]


async def show_hub(turn: Turn, _: str) -> None:
    """Shows the self-assessment menu: each instrument with its state, profile, matches."""
    turn.screen = "menu"  # typing now goes nowhere; an open inventory waits to be continued
    latest = {
        result.form: result
        for result in reversed(await store.results(session=turn.session, user_id=turn.user_id))
    }
    open_flow = turn.stack[0]["flow"] if turn.stack else None
    entries, rows = [], []
    for instrument in offered(turn.locale):
        title = turn.t(TITLES[instrument.id])
        if instrument.id == open_flow:
            status, label = "open", turn.t(CONTINUE_N, title=title)
        elif instrument.id in latest:
            status, label = "done", turn.t(RESULT_N, title=title)
        else:
            status, label = "new", turn.t(START_N, title=title, icon=ICONS[instrument.id])
        taken = latest.get(instrument.id)
        entries.append(
            {
                "title": title,
                "status": status,
                "date": taken.taken_at.date().isoformat() if taken else "",
                "themes": LIST_SEPARATORS.get(turn.locale, ", ").join(
                    describe(turn.texts, turn.locale, taken)["themes"]
                )
                if taken
                else "",
            }
        )
        rows.append([Button(label, f"g:AO:{instrument.id}")])
    rows.append([Button(turn.t(PROFILE), "g:AP"), Button(turn.t(MATCHES), "g:OM:1")])
    rows.append([Button(turn.t(ABOUT_DATA), "g:AD"), Button(turn.t(common.MENU), "g:M")])
    turn.send(turn.render("assessment_hub.j2", entries=entries), rows)


async def open_instrument(turn: Turn, flow_id: str) -> None:
    """Continues an instrument in progress, shows its latest result, or starts it."""
    if flow_id not in instrument_by_flow():
        return await show_hub(turn, "")
    flow = turn.engine.registry.flows[flow_id]
    begun = await turn.engine.answers_of(turn.session, turn.user_id, flow)
    if begun or (turn.stack and turn.stack[0]["flow"] == flow_id):
        return await turn.engine.start_flow(turn, flow_id)  # resumes where they stopped
    latest = await _latest_of_form(turn, flow_id)
    if latest is not None:
        return await send_result(turn, latest)
    await turn.engine.start_flow(turn, flow_id)


async def take(turn: Turn, flow_id: str) -> None:
    """Starts an instrument from its first item (a retake keeps the earlier results)."""
    if flow_id not in instrument_by_flow():
        return await show_hub(turn, "")
    if not (turn.stack and turn.stack[0]["flow"] == flow_id):
        await repo.clear_answers(session=turn.session, user_id=turn.user_id, flow_id=flow_id)
        turn.answers_cache.clear()
    await turn.engine.start_flow(turn, flow_id)


async def _latest_of_form(turn: Turn, flow_id: str) -> AssessmentResult | None:
    results = await store.results(session=turn.session, user_id=turn.user_id)
    return next((r for r in results if r.form == flow_id), None)


async def profile_items(
    turn: Turn, user_id: int, locale: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """The latest result of each instrument (with how many earlier ones) and the targets."""
    results = await store.results(session=turn.session, user_id=user_id)
    latest: dict[str, AssessmentResult] = {}
    earlier: dict[str, int] = {}
    for result in results:
        if result.instrument in latest:
            earlier[result.instrument] = earlier.get(result.instrument, 0) + 1
        else:
            latest[result.instrument] = result
    items = []
    for instrument in instruments.all_instruments():
        newest = latest.get(instrument.measures)
        if newest is not None and newest.form == instrument.id:
            item = describe(turn.texts, locale, newest)
            item["earlier"] = earlier.get(instrument.measures, 0)
            items.append(item)
    targets = [
        target.title for target in await store.targets(session=turn.session, user_id=user_id)
    ]
    return items, targets


async def show_profile(turn: Turn, _: str) -> None:
    """Shows My profile: every latest result with its date, targets, and retake buttons."""
    items, targets = await profile_items(turn, turn.user_id, turn.locale)
    rows = [
        [Button(turn.t(RETAKE_N, title=item["title"]), f"g:AT:{item['form']}")] for item in items
    ]
    rows.append([Button(turn.t(MATCHES), "g:OM:1")])
    rows.append([Button(turn.t(BACK_TO_HUB), "g:A"), Button(turn.t(common.MENU), "g:M")])
    turn.send(turn.render("profile.j2", items=items, targets=targets), rows)


async def show_about_data(turn: Turn, _: str) -> None:
    """Shows where the questionnaires and occupation data come from, with their licences."""
    turn.send(
        turn.render("about_data.j2"),
        [[Button(turn.t(BACK_TO_HUB), "g:A"), Button(turn.t(common.MENU), "g:M")]],
    )


async def case_section(turn: Turn, client_id: int, locale: str) -> str:
    """The client's self-assessment results and targets, for the counselor's case view."""
    items, targets = await profile_items(turn, client_id, locale)
    return str(turn.texts.render(locale, "case_assessments.j2", items=items, targets=targets))


def register(registry: Registry) -> None:
    """Adds the instruments, the assessment menu and its screens to the registry."""
    for name, options in CHOICE_LISTS.items():
        registry.add_choices(name, options)
    for instrument in instruments.all_instruments():
        registry.add_flow(build_flow(instrument))
    registry.add_translations("zh_Hans", instruments.zh_translations())
    registry.add_menu_entry(MenuEntry(TITLE, "🧭", "A"))
    for op, handler in (
        ("A", show_hub),
        ("AO", open_instrument),
        ("AT", take),
        ("AP", show_profile),
        ("AD", show_about_data),
    ):
        registry.add_action(op, handler)
    registry.add_command(
        Command("about_data", show_about_data, N_("where the questionnaires and data come from"))
    )
