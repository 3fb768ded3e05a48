"""Informational interviews: targets, professionals, outline, pitch, request, meeting, analysis.

The process of seed 001: for each field to explore, talk with at least three professionals (one
new in the field, one experienced); before each meeting draft an outline from the question
bank and a 30-second introduction, ask for an appointment, meet, take notes, thank them within
a day, follow up on referrals; after three interviews compare what you expected with what you
heard. Records (professionals, meetings, notes) are entered through flows used as forms
(`Engine.open_form`); screens are global buttons, valid while their message is on screen:

  g:I hub · g:IT:<target> a field · g:IG add a field · g:IA:<target> add a professional
  g:IP:<pro> a professional · g:IE:<pro> edit · g:IX:<pro> remove? · g:IY:<pro> remove
  g:IO:<pro> outline (topics, then editor) · g:IK:<pro>:<topic> toggle a topic
  g:IB:<pro> build from topics · g:IQ:<pro>:<op>:<n> edit the outline · g:IL:<pro> document
  g:IV pitch · g:IR:<pro> request message · g:IM:<pro> meeting · g:ID:<pro> after it
  g:IH:<pro> thank-you sent · g:IF:<pro> add a referral · g:IN:<target> expectations
  g:IZ:<target> analysis · g:IW:<target> report · g:IS:<target> share with counselor
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.dialogs import common, followup
from bot.events import Button, Document, Outbound
from bot.flow import N_, Answers, Flow, Kind, MenuEntry, Option, Registry, Screen, Step
from bot.i18n import html_to_plain
from bot.parsing import InputError, parse_text
from bot.services import interviews as service
from storage import assessments, cases, outbox, repo
from storage import interviews as store
from storage.models import Interview, Professional, Target
from storage.types import utcnow

if TYPE_CHECKING:
    from bot.engine import Turn

TITLE = N_("Informational interviews")
ADD_TARGET = N_("➕ Add a field to explore")
PITCH = N_("🗣 My 30-second introduction")
BACK_HUB = N_("« Interviews")
BACK_TARGET = N_("« {{ title }}")
BACK_PRO = N_("« {{ name }}")
ADD_PRO = N_("➕ Add a professional")
EXPECT = N_("💭 What I expect")
ANALYSE = N_("📊 Analysis")
REPORT = N_("📄 Summary report")
SHARE = N_("📤 Share with my counselor")
OUTLINE = N_("📋 Interview outline")
REQUEST = N_("✉️ Appointment request")
MEETING = N_("📅 Meeting date")
DEBRIEF = N_("📝 After the interview")
THANKED = N_("✅ I sent my thank-you")
ADD_REFERRAL = N_("➕ Add someone they referred me to")
EDIT = N_("✏️ Edit")
REMOVE = N_("🗑 Remove")
REMOVE_YES = N_("Yes, remove")
REMOVE_NO = N_("No, keep")
TOPICS_DONE = N_("Done: propose questions »")
ADD_OWN = N_("➕ My own question")
TRIM = N_("✂️ Trim to fit")
FINISH = N_("✅ Finish: send me the outline")
DURATION_N = N_("⏱ {{ n }} min")
MARK = {True: "✅ ", False: "▫️ "}
NEED_THREE = N_(
    "The analysis opens after three interviews in this field; you have done {{ n }}. Keep going!"
)
SHARED = N_("Shared. Your counselor can now read this report in your case.")
REMOVED = N_("Removed, with their interview notes.")
THANKS_RECORDED = N_("Noted: thank-you sent on {{ day }}. Well done.")
QUESTION_PROMPT = N_("Type your own question. It is added at the end of the outline.")
QUESTION_ADDED = N_("Added.")
TOPICS_NEEDED = N_("Choose at least one topic first.")
MEETING_SAVED = N_(
    "Saved: {{ when }} ({{ format }}). I will remind you the day before with a checklist, "
    "ask for your notes afterwards, and remind you to thank them within a day."
)
NO_COUNSELOR = N_("You have no counselor yet; the report will be ready when you have one.")

SENIORITY = (
    Option("new", N_("New in the field (0–2 years)")),
    Option("mid", N_("Mid-level (3–9 years)")),
    Option("senior", N_("Senior (10+ years, or a manager)")),
)
CHANNELS = (
    Option("phone", N_("Phone")),
    Option("email", N_("Email")),
    Option("messenger", N_("Messenger (WeChat, Telegram, …)")),
    Option("other", N_("Other")),
)
FOUND_VIA = (
    Option("relative", N_("A relative")),
    Option("teacher", N_("A teacher")),
    Option("friend", N_("A friend")),
    Option("alumni", N_("An alumni list")),
    Option("association", N_("A trade association or event")),
    Option("referral", N_("Referred by another professional")),
    Option("other", N_("Other")),
)
FORMATS = (
    Option("in_person", N_("In person")),
    Option("phone", N_("Phone")),
    Option("video", N_("Video call")),
    Option("chat", N_("Chat")),
)
DURATIONS = (20, 30, 45, 60)
CHOICE_LISTS = {
    "seniority": SENIORITY,
    "channels": CHANNELS,
    "found_via": FOUND_VIA,
    "meeting_formats": FORMATS,
}
MISSING = {
    ("new",): N_("you still need someone new in the field"),
    ("senior",): N_("you still need someone experienced (mid-level or senior)"),
    ("new", "senior"): N_("you still need someone new in the field and someone experienced"),
}
TOPIC_LABELS = {
    "daily": N_("Daily work"),
    "requirements": N_("Entry requirements"),
    "pay": N_("Pay"),
    "prospects": N_("Prospects"),
    "fit": N_("Fit with me"),
}
FIT_LABELS = {
    "interests": N_("my interests"),
    "abilities": N_("my abilities"),
    "knowledge": N_("my knowledge"),
    "qualities": N_("my personal qualities"),
}
AGREE_POINTS = (
    N_("Not at all"),
    N_("A little"),
    N_("Somewhat"),
    N_("Quite"),
    N_("Very much"),
)


def _time_ok(value: Any, answers: Answers) -> bool:
    return _parse_time(str(value)) is not None


def _parse_time(text: str) -> time | None:
    """Reads 15:00, 15.00, 9:30 or 1500 as a time of day."""
    digits = text.strip().replace("：", ":").replace(".", ":")
    if digits.isdecimal() and len(digits) in (3, 4):
        digits = f"{digits[:-2]}:{digits[-2:]}"
    hours, _, minutes = digits.partition(":")
    if not (hours.isdecimal() and minutes.isdecimal() and len(minutes) == 2):
        return None
    if int(hours) > 23 or int(minutes) > 59:
        return None
    return time(int(hours), int(minutes))


# ── forms ───────────────────────────────────────────────────────────────────────────────────
TARGET_FORM = Flow(
    id="iv_target",
    version=1,
    title=N_("A field to explore"),
    in_menu=False,
    steps=(
        Step(
            "title",
            Kind.TEXT,
            N_("Which occupation or field do you want to explore?"),
            hint=N_("For example: hospital nursing, software testing, primary school teaching."),
            max_length=200,
        ),
    ),
)

PROFESSIONAL_FORM = Flow(
    id="iv_professional",
    version=1,
    title=N_("A professional"),
    in_menu=False,
    steps=(
        Step("name", Kind.TEXT, N_("What is their name?"), max_length=100, short=N_("Name")),
        Step(
            "position",
            Kind.TEXT,
            N_("What is their position?"),
            required=False,
            max_length=120,
            short=N_("Position"),
        ),
        Step(
            "organization",
            Kind.TEXT,
            N_("Where do they work?"),
            required=False,
            max_length=120,
            short=N_("Organization"),
        ),
        Step(
            "seniority",
            Kind.CHOICE,
            N_("How long have they worked in the field?"),
            hint=N_(
                "Talk to both someone new and someone experienced: they see different things."
            ),
            choices="seniority",
            short=N_("Experience"),
        ),
        Step(
            "channel",
            Kind.CHOICE,
            N_("How can you reach them?"),
            choices="channels",
            short=N_("Channel"),
        ),
        Step(
            "contact",
            Kind.TEXT,
            N_("Their phone number, email or account (only you will see it)."),
            required=False,
            max_length=200,
            short=N_("Contact"),
        ),
        Step(
            "found_via",
            Kind.CHOICE,
            N_("How did you find them?"),
            choices="found_via",
            relevant=lambda a: not a.get("referred_by_id"),
            short=N_("Found through"),
        ),
        Step(
            "referrer",
            Kind.TEXT,
            N_("Who referred you to them? Type the name."),
            relevant=lambda a: a.get("found_via") == "referral" and not a.get("referred_by_id"),
            max_length=100,
            short=N_("Referred by"),
        ),
        Step(
            "known",
            Kind.TEXT,
            N_("What do you already know about them (talks, articles, their organization)?"),
            hint=N_("The more you know before the meeting, the better your questions."),
            required=False,
            max_length=500,
            short=N_("What I know"),
        ),
        Step("review", Kind.REVIEW, N_("Is this right?")),
    ),
)

MEETING_FORM = Flow(
    id="iv_meeting",
    version=1,
    title=N_("The meeting"),
    in_menu=False,
    steps=(
        Step(
            "day",
            Kind.DATE,
            N_("On which day do you meet?"),
            not_before="today",
            short=N_("Day"),
        ),
        Step(
            "at",
            Kind.TEXT,
            N_("At what time? For example 15:00."),
            max_length=8,
            constraint=_time_ok,
            constraint_message=N_("Please type a time like 15:00."),
            short=N_("Time"),
        ),
        Step(
            "format",
            Kind.CHOICE,
            N_("How do you meet?"),
            choices="meeting_formats",
            short=N_("Format"),
        ),
    ),
)

DEBRIEF_FORM = Flow(
    id="iv_debrief",
    version=1,
    title=N_("After the interview"),
    in_menu=False,
    steps=(
        Step(
            "notes",
            Kind.TEXT,
            N_("What did you learn? Write your notes, question by question if you like."),
            hint=N_("Write them now, while you still remember the details."),
            max_length=3000,
            short=N_("Notes"),
        ),
        Step(
            "recording",
            Kind.YESNO,
            N_("Did they agree to a recording?"),
            short=N_("Recording agreed"),
        ),
        Step(
            "surprised",
            Kind.TEXT,
            N_("What surprised you most?"),
            required=False,
            max_length=1000,
            short=N_("Surprises"),
        ),
        Step(
            "referrals",
            Kind.YESNO,
            N_("Did they suggest other people you could talk to?"),
            short=N_("Referrals"),
        ),
    ),
)


def _ratings(prefix: str, label: str) -> tuple[Step, ...]:
    return tuple(
        Step(
            f"{prefix}{topic}",
            Kind.SCALE,
            TOPIC_QUESTIONS[(label, topic)],
            point_labels=AGREE_POINTS,
            short=TOPIC_LABELS[topic],
        )
        for topic in service.EXPECTATION_TOPICS
    )


TOPIC_QUESTIONS = {
    ("expect", "daily"): N_("How much do you think you would enjoy the daily work?"),
    ("expect", "requirements"): N_("How demanding do you think the entry requirements are?"),
    ("expect", "pay"): N_("How well paid do you think this work is?"),
    ("expect", "prospects"): N_("How good do you think the prospects of the field are?"),
    ("expect", "fit"): N_("How well do you think this work fits you?"),
    ("heard", "daily"): N_("From what you heard: how much would you enjoy the daily work?"),
    ("heard", "requirements"): N_(
        "From what you heard: how demanding are the entry requirements?"
    ),
    ("heard", "pay"): N_("From what you heard: how well paid is this work?"),
    ("heard", "prospects"): N_("From what you heard: how good are the prospects of the field?"),
    ("heard", "fit"): N_("From what you heard: how well does this work fit you?"),
}

EXPECTATIONS_FORM = Flow(
    id="iv_expect",
    version=1,
    title=N_("What I expect"),
    in_menu=False,
    steps=(
        Step(
            "intro",
            Kind.MESSAGE,
            N_(
                "Before your first interview, note what you expect. After three interviews you "
                "will compare it with what you heard."
            ),
        ),
        *_ratings("", "expect"),
        Step(
            "sentence",
            Kind.TEXT,
            N_("In one sentence: what do you expect this work to be like?"),
            max_length=500,
            short=N_("In a sentence"),
        ),
    ),
)

ANALYSIS_FORM = Flow(
    id="iv_analysis",
    version=1,
    title=N_("Analysis"),
    in_menu=False,
    steps=(
        Step(
            "intro",
            Kind.MESSAGE,
            N_("Now rate the same things again, from what the professionals told you."),
        ),
        *_ratings("heard_", "heard"),
        *(
            Step(f"fit_{aspect}", Kind.SCALE, question, point_labels=AGREE_POINTS, short=label)
            for aspect, question, label in (
                ("interests", N_("Does this field fit your interests?"), N_("Fits my interests")),
                ("abilities", N_("Does it fit your abilities?"), N_("Fits my abilities")),
                ("knowledge", N_("Does it fit your knowledge?"), N_("Fits my knowledge")),
                (
                    "qualities",
                    N_("Does it fit your personal qualities?"),
                    N_("Fits my personal qualities"),
                ),
            )
        ),
        Step(
            "to_learn",
            Kind.TEXT,
            N_("What must you learn or do to get there? One item per line."),
            max_length=2000,
            short=N_("To learn or do"),
        ),
        Step(
            "summary",
            Kind.TEXT,
            N_("Your conclusion in a few words: is this field for you?"),
            required=False,
            max_length=1000,
            short=N_("Conclusion"),
        ),
    ),
)

PITCH_FORM = Flow(
    id="iv_pitch",
    version=1,
    title=N_("30-second introduction"),
    in_menu=False,
    steps=(
        Step(
            "intro",
            Kind.MESSAGE,
            N_(
                "Let's build the short introduction you say at the start of each interview. "
                "Four short answers; I will put them together and time them."
            ),
        ),
        Step(
            "who",
            Kind.TEXT,
            N_("Who are you? One sentence, e.g. your name and where you are now."),
            max_length=200,
            short=N_("Who I am"),
        ),
        Step(
            "background",
            Kind.TEXT,
            N_("What do you study, or what have you done so far?"),
            max_length=300,
            short=N_("What I study or did"),
        ),
        Step(
            "why",
            Kind.TEXT,
            N_("Why does this field interest you?"),
            max_length=300,
            short=N_("Why this field"),
        ),
        Step(
            "hope",
            Kind.TEXT,
            N_("What do you hope to learn from the conversation?"),
            max_length=300,
            short=N_("What I hope to learn"),
        ),
        Step("review", Kind.REVIEW, N_("Your introduction, part by part:")),
    ),
)


# ── helpers ─────────────────────────────────────────────────────────────────────────────────
def _zone(turn: Turn) -> ZoneInfo:
    return ZoneInfo(followup.zone_of(turn, turn.user))


async def _target(turn: Turn, arg: str) -> Target | None:
    return await common.owned(
        turn,
        arg,
        lambda i: store.target(session=turn.session, user_id=turn.user_id, target_id=i),
    )


async def _professional(turn: Turn, arg: str) -> Professional | None:
    return await common.owned(
        turn,
        arg,
        lambda i: store.professional(
            session=turn.session, user_id=turn.user_id, professional_id=i
        ),
    )


def _label(turn: Turn, options: tuple[Option, ...], value: str | None) -> str:
    return common.option_label(turn.texts, turn.locale, options, value or "")


async def _progress(turn: Turn, target: Target) -> dict[str, Any]:
    """How far a field is: professionals, interviews done, which experience level is missing."""
    assert target.id is not None
    people = await store.professionals(session=turn.session, target_id=target.id)
    done_ids = {
        i.professional_id
        for i in await store.interviews(session=turn.session, target_id=target.id)
        if i.status == "done"
    }
    done = [p for p in people if p.id in done_ids]
    missing = service.missing_seniority(p.seniority for p in people)
    return {
        "title": target.title,
        "people": len(people),
        "done": len(done),
        "needed": service.MIN_PROFESSIONALS,
        "missing": [turn.plain(MISSING[tuple(missing)])] if missing else [],
    }


# ── hub and fields ──────────────────────────────────────────────────────────────────────────
async def show_hub(turn: Turn, _: str = "") -> None:
    """Lists the fields to explore with their progress toward three interviews."""
    turn.screen = "menu"
    targets = await _targets(turn)
    entries = [await _progress(turn, t) for t in targets]
    rows = [[Button(common.fit(f"🎯 {t.title}"), f"g:IT:{t.id}")] for t in targets]
    open_form = turn.stack[0]["flow"] if turn.stack else None
    if open_form in FORMS:
        title = turn.t(turn.engine.registry.flows[open_form].title)
        rows.insert(0, [Button(turn.t(CONTINUE_N, title=title), "g:IC")])
    rows.append([Button(turn.t(ADD_TARGET), "g:IG")])
    rows.append([Button(turn.t(PITCH), "g:IV")])
    rows.append([Button(turn.t(common.MENU), "g:M")])
    turn.send(turn.render("interviews_hub.j2", entries=entries), rows)


async def continue_form(turn: Turn, _: str) -> None:
    """Goes back to the form the person left (e.g. a professional half entered)."""
    open_form = turn.stack[0]["flow"] if turn.stack else None
    if open_form in FORMS:
        return await turn.engine.start_flow(turn, open_form)
    await show_hub(turn)


async def _targets(turn: Turn) -> list[Target]:
    return await assessments.targets(session=turn.session, user_id=turn.user_id)


async def add_target(turn: Turn, _: str) -> None:
    """Asks for a field or occupation to explore."""
    await turn.engine.open_form(turn, TARGET_FORM.id, {})


async def _target_added(turn: Turn, answers: Answers) -> None:
    await assessments.add_target(
        session=turn.session, user_id=turn.user_id, title=answers["title"], source="typed"
    )
    await repo.clear_answers(session=turn.session, user_id=turn.user_id, flow_id=TARGET_FORM.id)


async def show_target(turn: Turn, arg: str) -> None:
    """Shows a field: its professionals, progress, expectations and the analysis."""
    target = await _target(turn, arg)
    if target is None:
        return await show_hub(turn)
    turn.screen = "menu"
    assert target.id is not None
    people = await store.professionals(session=turn.session, target_id=target.id)
    interviews = {
        i.professional_id: i
        for i in await store.interviews(session=turn.session, target_id=target.id)
    }
    progress = await _progress(turn, target)
    listed = [
        {
            "name": p.name,
            "seniority": _label(turn, SENIORITY, p.seniority),
            "status": interviews[p.id].status if p.id in interviews else "planned",
            "referred": bool(p.referred_by_id),
        }
        for p in people
    ]
    rows = [[Button(common.fit(f"👤 {p.name}"), f"g:IP:{p.id}")] for p in people]
    rows.append([Button(turn.t(ADD_PRO), f"g:IA:{target.id}")])
    rows.append([Button(turn.t(EXPECT), f"g:IN:{target.id}")])
    if progress["done"] >= service.MIN_PROFESSIONALS:
        rows.append([Button(turn.t(ANALYSE), f"g:IZ:{target.id}")])
    if target.analysis:
        rows.append([Button(turn.t(REPORT), f"g:IW:{target.id}")])
    rows.append([Button(turn.t(BACK_HUB), "g:I")])
    turn.send(
        turn.render(
            "interview_target.j2",
            progress=progress,
            people=listed,
            expected=bool(target.expectations),
        ),
        rows,
    )


# ── professionals ───────────────────────────────────────────────────────────────────────────
async def add_professional(turn: Turn, arg: str) -> None:
    """Asks about a new professional for a field."""
    target = await _target(turn, arg)
    if target is not None:
        await turn.engine.open_form(turn, PROFESSIONAL_FORM.id, {"target_id": target.id})


async def add_referral(turn: Turn, arg: str) -> None:
    """Adds someone a professional referred the person to (the snowball chain)."""
    referrer = await _professional(turn, arg)
    if referrer is not None:
        await turn.engine.open_form(
            turn,
            PROFESSIONAL_FORM.id,
            {
                "target_id": referrer.target_id,
                "referred_by_id": referrer.id,
                "found_via": "referral",
            },
        )


async def edit_professional(turn: Turn, arg: str) -> None:
    """Opens a professional's details for editing, at the review."""
    row = await _professional(turn, arg)
    if row is None:
        return
    values = {
        "record_id": row.id,
        "target_id": row.target_id,
        "name": row.name,
        "position": row.position or None,
        "organization": row.organization or None,
        "seniority": row.seniority,
        "channel": row.channel,
        "contact": row.contact or None,
        "found_via": row.found_via,
        "known": row.known or None,
    }
    if row.referred_by_id:
        values["referred_by_id"] = row.referred_by_id
    await turn.engine.open_form(
        turn,
        PROFESSIONAL_FORM.id,
        {k: v for k, v in values.items() if v is not None},
        review=True,
    )


async def _professional_saved(turn: Turn, answers: Answers) -> None:
    target = await store.target(
        session=turn.session, user_id=turn.user_id, target_id=int(answers["target_id"])
    )
    if target is None:
        return
    row = None
    if answers.get("record_id"):
        row = await store.professional(
            session=turn.session, user_id=turn.user_id, professional_id=int(answers["record_id"])
        )
    if row is None:
        row = Professional(
            user_id=turn.user_id,
            target_id=target.id or 0,
            name="",
            seniority="",
            channel="",
            found_via="",
        )
    referred_by = answers.get("referred_by_id")
    if referred_by is None and answers.get("referrer"):
        wanted = str(answers["referrer"]).casefold()
        assert target.id is not None
        for other in await store.professionals(session=turn.session, target_id=target.id):
            if other.name.casefold() == wanted:
                referred_by = other.id
    row.name = answers["name"]
    row.position = answers.get("position") or ""
    row.organization = answers.get("organization") or ""
    row.seniority = answers["seniority"]
    row.channel = answers["channel"]
    row.contact = answers.get("contact") or ""
    row.found_via = answers.get("found_via") or "referral"
    row.referred_by_id = int(referred_by) if referred_by else None
    row.known = answers.get("known") or ""
    await store.save(session=turn.session, row=row)
    await repo.clear_answers(
        session=turn.session, user_id=turn.user_id, flow_id=PROFESSIONAL_FORM.id
    )
    turn.answers_cache.clear()
    await _show_professional(turn, row)


async def show_professional(turn: Turn, arg: str) -> None:
    """Shows a professional with the steps of their interview."""
    row = await _professional(turn, arg)
    if row is not None:
        await _show_professional(turn, row)


async def _show_professional(turn: Turn, row: Professional) -> None:
    turn.screen = "menu"
    interview = await store.interview_for(session=turn.session, professional=row)
    target = await store.target(
        session=turn.session, user_id=turn.user_id, target_id=row.target_id
    )
    referrer = (
        await store.professional(
            session=turn.session, user_id=turn.user_id, professional_id=row.referred_by_id
        )
        if row.referred_by_id
        else None
    )
    when = _local(turn, interview.meeting_at) if interview.meeting_at else ""
    text = turn.render(
        "interview_professional.j2",
        row=row,
        seniority=_label(turn, SENIORITY, row.seniority),
        channel=_label(turn, CHANNELS, row.channel),
        found_via=_label(turn, FOUND_VIA, row.found_via),
        referrer=referrer.name if referrer else "",
        interview=interview,
        when=when,
        format=_label(turn, FORMATS, interview.meeting_format),
        questions=len(interview.questions),
    )
    pid = row.id
    rows = [
        [Button(turn.t(OUTLINE), f"g:IO:{pid}"), Button(turn.t(REQUEST), f"g:IR:{pid}")],
        [Button(turn.t(MEETING), f"g:IM:{pid}"), Button(turn.t(DEBRIEF), f"g:ID:{pid}")],
    ]
    if interview.status == "done" and interview.thank_you_sent_at is None:
        rows.append([Button(turn.t(THANKED), f"g:IH:{pid}")])
    rows.append([Button(turn.t(ADD_REFERRAL), f"g:IF:{pid}")])
    rows.append([Button(turn.t(EDIT), f"g:IE:{pid}"), Button(turn.t(REMOVE), f"g:IX:{pid}")])
    if target is not None:
        rows.append(
            [Button(common.fit(turn.t(BACK_TARGET, title=target.title)), f"g:IT:{target.id}")]
        )
    turn.send(text, rows)


def _local(turn: Turn, moment: datetime) -> str:
    return moment.astimezone(_zone(turn)).strftime("%Y-%m-%d %H:%M")


async def confirm_remove(turn: Turn, arg: str) -> None:
    """Asks before removing a professional."""
    row = await _professional(turn, arg)
    if row is not None:
        turn.send(
            turn.render("interview_remove.j2", name=row.name),
            [
                [
                    Button(turn.t(REMOVE_YES), f"g:IY:{row.id}"),
                    Button(turn.t(REMOVE_NO), f"g:IP:{row.id}"),
                ]
            ],
        )


async def remove(turn: Turn, arg: str) -> None:
    """Removes a professional, their interview and its pending reminders."""
    row = await _professional(turn, arg)
    if row is None:
        return
    interview = await store.interview_for(session=turn.session, professional=row)
    await outbox.cancel_pending(
        session=turn.session, user_id=turn.user_id, prefix=f"iv{interview.id}:"
    )
    target_id = row.target_id
    await store.remove_professional(session=turn.session, row=row)
    turn.send(turn.t(REMOVED))
    await show_target(turn, str(target_id))


# ── outline ─────────────────────────────────────────────────────────────────────────────────
async def _interview(turn: Turn, arg: str) -> tuple[Professional, Interview] | None:
    row = await _professional(turn, arg)
    if row is None:
        return None
    return row, await store.interview_for(session=turn.session, professional=row)


async def open_outline(turn: Turn, arg: str) -> None:
    """Opens the outline: topics to choose first, the question editor once chosen."""
    found = await _interview(turn, arg)
    if found is None:
        return
    row, interview = found
    if interview.questions:
        return _show_editor(turn, row, interview, cursor=0)
    _show_topics(turn, row, interview)


def _show_topics(turn: Turn, row: Professional, interview: Interview, edit: bool = False) -> None:
    rows = [
        [
            Button(
                MARK[topic.id in interview.topics] + topic.label_in(turn.locale),
                f"g:IK:{row.id}:{index}",
            )
        ]
        for index, topic in enumerate(service.topics())
    ]
    rows.append([Button(turn.t(TOPICS_DONE), f"g:IB:{row.id}")])
    rows.append([Button(common.fit(turn.t(BACK_PRO, name=row.name)), f"g:IP:{row.id}")])
    turn.send(turn.render("outline_topics.j2", name=row.name), rows, edit=edit)


async def toggle_topic(turn: Turn, arg: str) -> None:
    """Adds or removes a topic from the outline's selection."""
    found = await _interview(turn, arg)
    _, _, raw = arg.partition(":")
    if found is None or not raw.isdecimal() or int(raw) >= len(service.topics()):
        return
    row, interview = found
    topic = service.topics()[int(raw)].id
    chosen = list(interview.topics)
    chosen.remove(topic) if topic in chosen else chosen.append(topic)
    interview.topics = chosen
    await store.save(session=turn.session, row=interview)
    _show_topics(turn, row, interview, edit=True)


async def build_outline(turn: Turn, arg: str) -> None:
    """Proposes the bank's questions for the chosen topics and opens the editor."""
    found = await _interview(turn, arg)
    if found is None:
        return
    row, interview = found
    if not interview.topics:
        turn.reply.notice = turn.t(TOPICS_NEEDED)
        return
    own = [q for q in interview.questions if not q.startswith("@")]
    interview.questions = service.proposed(interview.topics) + own
    await store.save(session=turn.session, row=interview)
    _show_editor(turn, row, interview, cursor=0)


def _show_editor(
    turn: Turn, row: Professional, interview: Interview, *, cursor: int, edit: bool = False
) -> None:
    questions = interview.questions
    cursor = max(0, min(cursor, len(questions) - 1))
    minutes = service.estimated_minutes(questions)
    text = turn.render(
        "outline_editor.j2",
        name=row.name,
        questions=[service.question_text(q, turn.locale) for q in questions],
        closing=service.question_text(f"@{service.CLOSING_QUESTION}", turn.locale),
        cursor=cursor,
        minutes=round(minutes),
        duration=interview.duration,
        too_long=minutes > interview.duration,
        fitting=service.fitting(interview.duration),
    )
    p = f"g:IQ:{row.id}"
    rows = []
    if questions:
        rows.append(
            [
                Button("‹", f"{p}:s:{cursor - 1}"),
                Button("⬆", f"{p}:u:{cursor}"),
                Button("⬇", f"{p}:d:{cursor}"),
                Button("✖", f"{p}:r:{cursor}"),
                Button("›", f"{p}:s:{cursor + 1}"),
            ]
        )
    rows.append(
        [
            Button(turn.t(ADD_OWN), f"{p}:a:0"),
            Button(turn.t(DURATION_N, n=interview.duration), f"{p}:m:{cursor}"),
        ]
    )
    if minutes > interview.duration:
        rows.append([Button(turn.t(TRIM), f"{p}:t:{cursor}")])
    rows.append([Button(turn.t(FINISH), f"g:IL:{row.id}")])
    rows.append([Button(turn.t(common.BACK), f"g:IO:{row.id}:topics")])
    turn.send(text, rows, edit=edit)


async def edit_outline(turn: Turn, arg: str) -> None:
    """Moves the cursor, moves, removes, trims, changes the duration or adds a question."""
    found = await _interview(turn, arg)
    parts = arg.split(":")
    if found is None or len(parts) != 3 or not parts[2].lstrip("-").isdecimal():
        return
    row, interview = found
    op, index = parts[1], int(parts[2])
    questions = list(interview.questions)
    inside = 0 <= index < len(questions)
    if op == "u" and inside and index > 0:
        questions[index - 1], questions[index] = questions[index], questions[index - 1]
        index -= 1
    elif op == "d" and inside and index < len(questions) - 1:
        questions[index + 1], questions[index] = questions[index], questions[index + 1]
        index += 1
    elif op == "r" and inside:
        questions.pop(index)
    elif op == "t":
        questions = service.trimmed(questions, interview.duration)
    elif op == "m":
        position = DURATIONS.index(interview.duration) if interview.duration in DURATIONS else 0
        interview.duration = DURATIONS[(position + 1) % len(DURATIONS)]
    elif op == "a":
        turn.screen = f"ivq:{row.id}"
        turn.send(turn.t(QUESTION_PROMPT))
        return
    interview.questions = questions
    await store.save(session=turn.session, row=interview)
    _show_editor(turn, row, interview, cursor=index, edit=True)


async def add_question(turn: Turn, arg: str) -> None:
    """Adds the typed question to the outline (before the closing referral question)."""
    found = await _interview(turn, arg)
    if found is None:
        turn.back_to_current()
        return
    row, interview = found
    try:
        text = parse_text(Step("own", Kind.TEXT, max_length=300), turn.event.text)
    except InputError as problem:
        turn.send(turn.t(problem.message, **problem.params))
        return await ask_question_again(turn, arg)
    interview.questions = [*interview.questions, text]
    await store.save(session=turn.session, row=interview)
    turn.screen = "menu"
    turn.send(turn.t(QUESTION_ADDED))
    _show_editor(turn, row, interview, cursor=len(interview.questions) - 1)


async def ask_question_again(turn: Turn, arg: str) -> None:
    turn.send(turn.t(QUESTION_PROMPT))


async def outline_document(turn: Turn, arg: str) -> None:
    """Sends the finished outline as a message and as a Markdown document for the meeting."""
    found = await _interview(turn, arg)
    if found is None:
        return
    row, interview = found
    target = await store.target(
        session=turn.session, user_id=turn.user_id, target_id=row.target_id
    )
    context = {
        "name": row.name,
        "position": row.position,
        "organization": row.organization,
        "field": target.title if target else "",
        "duration": interview.duration,
        "minutes": round(service.estimated_minutes(interview.questions)),
        "questions": [service.question_text(q, turn.locale) for q in interview.questions],
        "closing": service.question_text(f"@{service.CLOSING_QUESTION}", turn.locale),
        "pitch": await _pitch_text(turn),
    }
    turn.send(turn.render("outline_message.j2", **context))
    document = html_to_plain(turn.render("outline_document.j2", **context)) + "\n"
    turn.reply.messages.append(
        Outbound(
            text="",
            document=Document(f"outline-{row.id}.md", document.encode("utf-8"), turn.t(OUTLINE)),
        )
    )
    await _show_professional(turn, row)


# ── pitch and request ───────────────────────────────────────────────────────────────────────
async def open_pitch(turn: Turn, _: str) -> None:
    """Opens the introduction builder (at its review when it was built before)."""
    await turn.engine.start_flow(turn, PITCH_FORM.id)


async def _pitch_answers(turn: Turn) -> dict[str, Any]:
    return await turn.engine.answers_of(turn.session, turn.user_id, PITCH_FORM)


async def _pitch_text(turn: Turn) -> str:
    answers = await _pitch_answers(turn)
    parts = [answers.get(k) for k in ("who", "background", "why", "hope")]
    return " ".join(str(p).strip() for p in parts if p)


async def _pitch_done(turn: Turn, answers: Answers) -> None:
    pitch = " ".join(str(answers[k]).strip() for k in ("who", "background", "why", "hope"))
    seconds = round(service.spoken_seconds(pitch))
    turn.send(
        turn.render(
            "pitch.j2",
            pitch=pitch,
            words=service.word_count(pitch),
            seconds=seconds,
            too_long=seconds > service.PITCH_SECONDS,
            limit=service.PITCH_SECONDS,
        ),
        [[Button(turn.t(BACK_HUB), "g:I")]],
    )


async def request_message(turn: Turn, arg: str) -> None:
    """Drafts an appointment request for the professional's channel, ready to copy."""
    found = await _interview(turn, arg)
    if found is None:
        return
    row, interview = found
    target = await store.target(
        session=turn.session, user_id=turn.user_id, target_id=row.target_id
    )
    about = await turn.engine.answers_of(
        turn.session, turn.user_id, turn.engine.registry.flows["about_me"]
    )
    me = about.get("name") or (turn.user.display_name if turn.user else "") or ""
    referrer = (
        await store.professional(
            session=turn.session, user_id=turn.user_id, professional_id=row.referred_by_id
        )
        if row.referred_by_id
        else None
    )
    turn.send(
        turn.render(
            "interview_request.j2",
            channel=row.channel,
            name=row.name,
            me=me,
            field=target.title if target else "",
            pitch=await _pitch_text(turn),
            minutes=interview.duration,
            referrer=referrer.name if referrer else "",
        ),
        [[Button(common.fit(turn.t(BACK_PRO, name=row.name)), f"g:IP:{row.id}")]],
    )


# ── meeting, reminders, debrief ─────────────────────────────────────────────────────────────
async def open_meeting(turn: Turn, arg: str) -> None:
    """Asks for the meeting's day, time and format."""
    found = await _interview(turn, arg)
    if found is not None:
        await turn.engine.open_form(turn, MEETING_FORM.id, {"professional_id": found[0].id})


async def _meeting_saved(turn: Turn, answers: Answers) -> None:
    found = await _interview(turn, str(answers["professional_id"]))
    await repo.clear_answers(session=turn.session, user_id=turn.user_id, flow_id=MEETING_FORM.id)
    if found is None:
        return
    row, interview = found
    clock = _parse_time(str(answers["at"])) or time(12, 0)
    local = datetime.combine(date.fromisoformat(answers["day"]), clock, tzinfo=_zone(turn))
    interview.meeting_at = local
    interview.meeting_format = answers["format"]
    interview.status = "scheduled" if interview.status != "done" else "done"
    await store.save(session=turn.session, row=interview)
    await schedule_reminders(turn, row, interview)
    turn.send(
        turn.t(
            MEETING_SAVED,
            when=_local(turn, local),
            format=_label(turn, FORMATS, interview.meeting_format),
        )
    )
    await _show_professional(turn, row)


async def schedule_reminders(turn: Turn, row: Professional, interview: Interview) -> None:
    """Plans the three reminders of a meeting in the outbox, replacing earlier ones.

    The day before: a preparation checklist (at once when the meeting is less than a day
    away). An hour after the start: a request for notes. Twenty hours after: the thank-you,
    unless it was recorded as sent by then. None is sent in the person's quiet hours.
    """
    assert interview.meeting_at is not None and turn.user is not None
    await outbox.cancel_pending(
        session=turn.session, user_id=turn.user_id, prefix=f"iv{interview.id}:"
    )
    now = utcnow()
    when = _local(turn, interview.meeting_at)
    plans = (
        ("before", interview.meeting_at - timedelta(days=1), "reminder_before.j2", DEBRIEF),
        ("after", interview.meeting_at + timedelta(hours=1), "reminder_after.j2", DEBRIEF),
        ("thanks", interview.meeting_at + timedelta(hours=20), "reminder_thanks.j2", THANKED),
    )
    for kind, due, template, button in plans:
        text = turn.render(template, name=row.name, when=when)
        data = {"before": f"g:IO:{row.id}", "after": f"g:ID:{row.id}", "thanks": f"g:IH:{row.id}"}
        label = turn.t(OUTLINE if kind == "before" else button)
        await outbox.enqueue(
            session=turn.session,
            user_id=turn.user_id,
            chat_id=turn.user.telegram_id,
            kind=f"iv{interview.id}:{kind}",
            payload=outbox.rendered_payload(str(text), [[(str(label), data[kind])]]),
            due_at=followup.deliverable(turn, max(due, now), turn.user),
        )


async def open_debrief(turn: Turn, arg: str) -> None:
    """Asks for the notes, recording, surprises and referrals after the meeting."""
    found = await _interview(turn, arg)
    if found is None:
        return
    row, interview = found
    values: dict[str, Any] = {"professional_id": row.id}
    if interview.notes:
        values |= {"notes": interview.notes, "recording": bool(interview.recording_agreed)}
    await turn.engine.open_form(turn, DEBRIEF_FORM.id, values)


async def _debrief_saved(turn: Turn, answers: Answers) -> None:
    found = await _interview(turn, str(answers["professional_id"]))
    await repo.clear_answers(session=turn.session, user_id=turn.user_id, flow_id=DEBRIEF_FORM.id)
    if found is None:
        return
    row, interview = found
    interview.notes = answers["notes"]
    interview.recording_agreed = bool(answers.get("recording"))
    interview.surprised = answers.get("surprised") or ""
    interview.status = "done"
    await store.save(session=turn.session, row=interview)
    await outbox.cancel_pending(
        session=turn.session, user_id=turn.user_id, prefix=f"iv{interview.id}:after"
    )
    target = await store.target(
        session=turn.session, user_id=turn.user_id, target_id=row.target_id
    )
    buttons = []
    if interview.thank_you_sent_at is None:
        buttons.append([Button(turn.t(THANKED), f"g:IH:{row.id}")])
    if answers.get("referrals"):
        buttons.append([Button(turn.t(ADD_REFERRAL), f"g:IF:{row.id}")])
    buttons.append([Button(common.fit(turn.t(BACK_PRO, name=row.name)), f"g:IP:{row.id}")])
    turn.send(
        turn.render(
            "interview_thanks.j2",
            name=row.name,
            field=target.title if target else "",
            thanked=interview.thank_you_sent_at is not None,
        ),
        buttons,
    )


async def thank_you_sent(turn: Turn, arg: str) -> None:
    """Records that the thank-you was sent, and drops its reminder."""
    found = await _interview(turn, arg)
    if found is None:
        return
    row, interview = found
    interview.thank_you_sent_at = interview.thank_you_sent_at or utcnow()
    await store.save(session=turn.session, row=interview)
    await outbox.cancel_pending(
        session=turn.session, user_id=turn.user_id, prefix=f"iv{interview.id}:thanks"
    )
    turn.send(
        turn.t(THANKS_RECORDED, day=_local(turn, interview.thank_you_sent_at)[:10]),
    )
    await _show_professional(turn, row)


# ── expectations, analysis, report ──────────────────────────────────────────────────────────
async def open_expectations(turn: Turn, arg: str) -> None:
    """Asks what the person expects of a field (before the first interview)."""
    target = await _target(turn, arg)
    if target is None:
        return
    values: dict[str, Any] = {"target_id": target.id}
    values |= target.expectations or {}
    await turn.engine.open_form(turn, EXPECTATIONS_FORM.id, values)


async def _expectations_saved(turn: Turn, answers: Answers) -> None:
    target = await store.target(
        session=turn.session, user_id=turn.user_id, target_id=int(answers["target_id"])
    )
    await repo.clear_answers(
        session=turn.session, user_id=turn.user_id, flow_id=EXPECTATIONS_FORM.id
    )
    if target is None:
        return
    target.expectations = {k: answers.get(k) for k in (*service.EXPECTATION_TOPICS, "sentence")}
    await store.save(session=turn.session, row=target)
    await show_target(turn, str(target.id))


async def open_analysis(turn: Turn, arg: str) -> None:
    """Opens the analysis once three interviews in the field are done."""
    target = await _target(turn, arg)
    if target is None:
        return
    progress = await _progress(turn, target)
    if progress["done"] < service.MIN_PROFESSIONALS:
        turn.send(turn.t(NEED_THREE, n=progress["done"]))
        return await show_target(turn, str(target.id))
    await turn.engine.open_form(turn, ANALYSIS_FORM.id, {"target_id": target.id})


async def _analysis_saved(turn: Turn, answers: Answers) -> None:
    target = await store.target(
        session=turn.session, user_id=turn.user_id, target_id=int(answers["target_id"])
    )
    await repo.clear_answers(session=turn.session, user_id=turn.user_id, flow_id=ANALYSIS_FORM.id)
    if target is None:
        return
    heard = {t: answers.get(f"heard_{t}") for t in service.EXPECTATION_TOPICS}
    comparisons = service.compare(target.expectations or {}, heard)
    target.analysis = {
        "heard": heard,
        "fit": {a: answers.get(f"fit_{a}") for a in service.FIT_ASPECTS},
        "to_learn": service.to_learn(answers.get("to_learn") or ""),
        "summary": answers.get("summary") or "",
        "new_round": service.reality_differs(comparisons),
        "at": utcnow().isoformat(),
    }
    await store.save(session=turn.session, row=target)
    await show_report(turn, str(target.id))


async def report_context(turn: Turn, target: Target, locale: str) -> dict[str, Any]:
    """What the summary report shows, in `locale` (also for the counselor's case)."""
    assert target.id is not None
    texts = turn.texts
    analysis = target.analysis or {}
    expected = target.expectations or {}
    comparisons = service.compare(expected, analysis.get("heard", {}))
    people = await store.professionals(session=turn.session, target_id=target.id)
    interviews = {
        i.professional_id: i
        for i in await store.interviews(session=turn.session, target_id=target.id)
    }
    return {
        "title": target.title,
        "sentence": expected.get("sentence") or "",
        "rows": [
            {
                "topic": texts.plain(locale, TOPIC_LABELS[c.topic]),
                "expected": c.expected or "–",
                "heard": c.heard or "–",
                "gap": c.gap,
            }
            for c in comparisons
        ],
        "fit": [
            {"aspect": texts.plain(locale, FIT_LABELS[a]), "value": analysis.get("fit", {}).get(a)}
            for a in service.FIT_ASPECTS
        ],
        "to_learn": analysis.get("to_learn", []),
        "summary": analysis.get("summary", ""),
        "new_round": analysis.get("new_round", False),
        # Names and roles only: contact details never leave the person's own view.
        "people": [
            {
                "name": p.name,
                "position": p.position,
                "seniority": texts.plain(
                    locale, next(o.label for o in SENIORITY if o.value == p.seniority)
                ),
                "surprised": interviews[p.id].surprised if p.id in interviews else "",
            }
            for p in people
            if p.id in interviews and interviews[p.id].status == "done"
        ],
    }


async def show_report(turn: Turn, arg: str) -> None:
    """Sends the summary report as a message and as a Markdown document."""
    target = await _target(turn, arg)
    if target is None or not target.analysis:
        return
    context = await report_context(turn, target, turn.locale)
    turn.send(turn.render("interview_report.j2", **context, shared=target.report_shared_at))
    document = html_to_plain(turn.render("interview_report_document.j2", **context)) + "\n"
    rows = []
    if target.report_shared_at is None:
        rows.append([Button(turn.t(SHARE), f"g:IS:{target.id}")])
    rows.append([Button(common.fit(turn.t(BACK_TARGET, title=target.title)), f"g:IT:{target.id}")])
    turn.reply.messages.append(
        Outbound(
            text="",
            document=Document(f"report-{target.id}.md", document.encode("utf-8"), turn.t(REPORT)),
        )
    )
    turn.send(turn.t(NEXT), rows)


NEXT = N_("What next?")
CONTINUE_N = N_("▶️ Continue: {{ title }}")
FORMS = frozenset(
    {
        "iv_target",
        "iv_professional",
        "iv_meeting",
        "iv_debrief",
        "iv_expect",
        "iv_analysis",
        "iv_pitch",
    }
)


async def share_report(turn: Turn, arg: str) -> None:
    """Lets the counselor read the report in the case (the person's choice)."""
    target = await _target(turn, arg)
    if target is None or not target.analysis:
        return
    target.report_shared_at = target.report_shared_at or utcnow()
    await store.save(session=turn.session, row=target)
    case = await cases.get_case_for_client(session=turn.session, client_id=turn.user_id)
    turn.send(turn.t(SHARED if case and case.counselor_id else NO_COUNSELOR))
    await show_target(turn, str(target.id))


async def case_section(turn: Turn, client_id: int, locale: str) -> str:
    """The reports a client shared, for the counselor's case view (nothing else of theirs)."""
    shared = [
        t
        for t in await assessments.targets(session=turn.session, user_id=client_id)
        if t.report_shared_at is not None and t.analysis
    ]
    reports = [await report_context(turn, t, locale) for t in shared]
    return str(turn.texts.render(locale, "case_interviews.j2", reports=reports))


def register(registry: Registry) -> None:
    """Adds the interview forms, screens and the menu entry to the registry."""
    for name, options in CHOICE_LISTS.items():
        registry.add_choices(name, options)
    registry.add_flow(replace(TARGET_FORM, on_complete=_target_added, after=show_hub_after))
    registry.add_flow(replace(PROFESSIONAL_FORM, on_complete=_professional_saved, after=_stay))
    registry.add_flow(replace(MEETING_FORM, on_complete=_meeting_saved, after=_stay))
    registry.add_flow(replace(DEBRIEF_FORM, on_complete=_debrief_saved, after=_stay))
    registry.add_flow(replace(EXPECTATIONS_FORM, on_complete=_expectations_saved, after=_stay))
    registry.add_flow(replace(ANALYSIS_FORM, on_complete=_analysis_saved, after=_stay))
    registry.add_flow(replace(PITCH_FORM, on_complete=_pitch_done, after=_stay))
    registry.add_menu_entry(MenuEntry(TITLE, "🗣", "I"))
    for op, handler in (
        ("I", show_hub),
        ("IG", add_target),
        ("IC", continue_form),
        ("IT", show_target),
        ("IA", add_professional),
        ("IP", show_professional),
        ("IE", edit_professional),
        ("IX", confirm_remove),
        ("IY", remove),
        ("IO", open_outline_or_topics),
        ("IK", toggle_topic),
        ("IB", build_outline),
        ("IQ", edit_outline),
        ("IL", outline_document),
        ("IV", open_pitch),
        ("IR", request_message),
        ("IM", open_meeting),
        ("ID", open_debrief),
        ("IH", thank_you_sent),
        ("IF", add_referral),
        ("IN", open_expectations),
        ("IZ", open_analysis),
        ("IW", show_report),
        ("IS", share_report),
    ):
        registry.add_action(op, handler)
    registry.add_screen(Screen("ivq", add_question, ask_question_again))


async def open_outline_or_topics(turn: Turn, arg: str) -> None:
    """Opens the outline editor, or the topics when asked for them (Back from the editor)."""
    if arg.endswith(":topics"):
        found = await _interview(turn, arg)
        if found is not None:
            return _show_topics(turn, *found)
        return None
    await open_outline(turn, arg)


async def show_hub_after(turn: Turn, answers: Answers) -> None:
    await show_hub(turn)


async def _stay(turn: Turn, answers: Answers) -> None:
    """The form's completion already showed the next screen."""
    turn.screen = "menu"
