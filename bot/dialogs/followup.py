"""Follow-up: a year of check-ins on the cadence of the client's tracking category.

When a counselor accepts a case, the plan for twelve months is made from its category
(`bot/services/followup_plan.py`) and every check-in is queued in the outbox for 10:00 in the
service's time zone, moved out of quiet hours. The check-in is a flow declared as data; its
answers update the client's category (re-planning the future check-ins) and can ask for the
counselor. Clients see and snooze their check-ins with /followups; counselors see what is due
with /due and the answers, before and after, in /case.

Buttons: g:FS:<followup> start a check-in · g:FZ:<followup>:<1d|3d|1w> snooze.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.dialogs import common
from bot.events import Button
from bot.flow import N_, STAFF_ROLES, Answers, Command, Flow, Kind, Option, Registry, Step
from bot.i18n import Texts
from bot.parsing import clean
from bot.services import followup_plan as planner
from bot.services.triage import CATEGORY_LABELS
from storage import cases as case_store
from storage import followups as store
from storage import outbox, repo
from storage.models import Case, FollowUp, ServiceOffer, User
from storage.types import utcnow

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

    from bot.engine import Turn

START = N_("📋 Start the check-in")
START_EFFECT = N_("📝 Answer the questionnaire")
SNOOZE = {"1d": N_("⏰ 1 day"), "3d": N_("⏰ 3 days"), "1w": N_("⏰ 1 week")}
SNOOZED = N_("Moved to {{ day }}.")
NOT_FOUND = N_("I could not find that check-in any more.")
ALREADY_ANSWERED = N_("You have answered this check-in already. Thank you!")
TALK_ALERT = N_(
    "The client of case #{{ id }} asks to talk to you (check-in of {{ day }}). Open the case "
    "with /case {{ id }}."
)
CATEGORY_MOVED = N_("Case #{{ id }} moved to: {{ label }} (from a check-in).")
BLOCKED_ALERT = N_(
    "The client of case #{{ id }} has blocked the bot: their check-ins are stopped. Reach them "
    "another way."
)
FAILED_ALERT = N_(
    "A scheduled message to the client of case #{{ id }} could not be delivered. Check the "
    "case with /case {{ id }}."
)

STATUSES = (
    Option("employed_full", N_("Working full-time, stable")),
    Option("employed_part", N_("Working part-time or unstable")),
    Option("unemployed", N_("Not working")),
)
EMPLOYERS = (
    Option("private", N_("A private company")),
    Option("public", N_("Public sector or state-owned")),
    Option("own", N_("My own business")),
    Option("welfare", N_("A public-welfare post")),
    Option("other", N_("Other")),
)
TRAINING = (
    Option("none", N_("No")),
    Option("started", N_("I started a course")),
    Option("finished", N_("I finished a course")),
)
CHOICE_LISTS = {"checkin_status": STATUSES, "employers": EMPLOYERS, "training": TRAINING}


def _working(answers: Answers) -> bool:
    return answers.get("status") in {"employed_full", "employed_part"}


CHECKIN = Flow(
    id="checkin",
    version=1,
    title=N_("Check-in"),
    in_menu=False,
    steps=(
        Step(
            "intro",
            Kind.MESSAGE,
            N_("A few questions on how things are going. It takes about two minutes."),
        ),
        Step(
            "status",
            Kind.CHOICE,
            N_("What is your work situation now?"),
            choices="checkin_status",
            short=N_("Work situation"),
        ),
        Step(
            "started",
            Kind.DATE,
            N_("Since when?"),
            not_after="today",
            required=False,
            relevant=_working,
            short=N_("Since"),
        ),
        Step(
            "employer",
            Kind.CHOICE,
            N_("Who do you work for?"),
            choices="employers",
            relevant=_working,
            short=N_("Employer"),
        ),
        Step(
            "matches_goal",
            Kind.YESNO,
            N_("Does this work match your career goal?"),
            relevant=_working,
            short=N_("Matches my goal"),
        ),
        Step(
            "wants_work",
            Kind.YESNO,
            N_("Do you want to find (other) work?"),
            relevant=lambda a: a.get("status") != "employed_full",
            short=N_("Looking for work"),
        ),
        Step(
            "applications",
            Kind.NUMBER,
            N_("How many applications have you sent since the last check-in?"),
            min_value=0,
            max_value=500,
            short=N_("Applications"),
        ),
        Step(
            "interviews",
            Kind.NUMBER,
            N_("How many job interviews did you have?"),
            min_value=0,
            max_value=200,
            short=N_("Interviews"),
        ),
        Step(
            "offers",
            Kind.NUMBER,
            N_("How many job offers did you get?"),
            min_value=0,
            max_value=50,
            short=N_("Offers"),
        ),
        Step(
            "training",
            Kind.CHOICE,
            N_("Did you start or finish any training?"),
            choices="training",
            short=N_("Training"),
        ),
        Step(
            "obstacles",
            Kind.TEXT,
            N_("Is anything in your way right now?"),
            required=False,
            max_length=1000,
            short=N_("Obstacles"),
        ),
        Step(
            "talk",
            Kind.YESNO,
            N_("Would you like your counselor to contact you?"),
            short=N_("Wants to talk"),
        ),
        Step("review", Kind.REVIEW, N_("Your check-in:")),
    ),
)


USEFUL = (
    N_("Not useful"),
    N_("A little useful"),
    N_("Useful"),
    N_("Very useful"),
    N_("Extremely useful"),
)
RATING = (N_("Poor"), N_("Fair"), N_("Good"), N_("Very good"), N_("Excellent"))
HOW_MUCH = (N_("Not at all"), N_("A little"), N_("Somewhat"), N_("Mostly"), N_("Completely"))


def _rated(name: str, label: str, short: str, points: tuple[str, ...], **kw: Any) -> Step:
    return Step(name, Kind.SCALE, label, point_labels=points, short=short, **kw)


EFFECT = Flow(
    id="effect",
    version=1,
    title=N_("How the guidance helped"),
    in_menu=False,
    steps=(
        Step(
            "intro",
            Kind.MESSAGE,
            N_("Looking back on the guidance: a few questions on what changed. About 3 minutes."),
        ),
        _rated("clarity", N_("How clear are your career goals now?"), N_("Clear goals"), HOW_MUCH),
        _rated(
            "confidence",
            N_("How confident are you that you can reach them?"),
            N_("Confidence"),
            HOW_MUCH,
        ),
        _rated("progress", N_("How far have you got with your plan?"), N_("Progress"), HOW_MUCH),
        _rated(
            "useful_intake",
            N_("How useful was the intake interview?"),
            N_("Intake"),
            USEFUL,
            required=False,
        ),
        _rated(
            "useful_assessment",
            N_("How useful was the self-assessment?"),
            N_("Self-assessment"),
            USEFUL,
            required=False,
        ),
        _rated(
            "useful_interviews",
            N_("How useful were the informational interviews?"),
            N_("Informational interviews"),
            USEFUL,
            required=False,
        ),
        _rated(
            "useful_counselor",
            N_("How useful were the talks with your counselor?"),
            N_("Counselor"),
            USEFUL,
            required=False,
        ),
        Step(
            "improve",
            Kind.TEXT,
            N_("What should we improve?"),
            required=False,
            max_length=1000,
            short=N_("To improve"),
        ),
        _rated(
            "counselor_rating",
            N_("How do you rate your counselor's service?"),
            N_("Counselor's service"),
            RATING,
            relevant=lambda a: bool(a.get("with_satisfaction")),
        ),
        _rated(
            "bot_rating",
            N_("How do you rate this assistant?"),
            N_("This assistant"),
            RATING,
            relevant=lambda a: bool(a.get("with_satisfaction")),
        ),
        Step(
            "comments",
            Kind.TEXT,
            N_("Anything else you would like to tell us?"),
            required=False,
            relevant=lambda a: bool(a.get("with_satisfaction")),
            max_length=1000,
            short=N_("Comments"),
        ),
        Step("review", Kind.REVIEW, N_("Your answers:")),
    ),
)
OFFER_KINDS = {
    "guidance": N_("guidance session"),
    "job": N_("job offer"),
    "training": N_("training offer"),
}
OFFER_USAGE = N_(
    "Usage: /offer, the case number, guidance, job or training, and a description. For "
    "example: /offer 12 job Lab technician at City Hospital"
)
OFFER_SAVED = N_("Recorded on case #{{ id }}: {{ kind }}. The client has been told.")
OFFER_TO_CLIENT = N_("Your counselor has a {{ kind }} for you: {{ text }}")
CLOSED = N_(
    "Case #{{ id }} is closed. The client gets the effect and satisfaction questionnaire now "
    "and the effect questionnaire again in twelve months."
)
FLOWS_BY_KIND = {"checkin": "checkin", "effect": "effect"}
EFFECT_RATINGS = (
    "clarity",
    "confidence",
    "progress",
    "useful_intake",
    "useful_assessment",
    "useful_interviews",
    "useful_counselor",
    "counselor_rating",
    "bot_rating",
)


# ── planning ────────────────────────────────────────────────────────────────────────────────
def zone_of(turn: Turn, person: User | None = None) -> str:
    """The person's own time zone (chosen under /followups), else the service's."""
    return (person.timezone if person else None) or turn.engine.settings.default_timezone


def quiet_hours_of(turn: Turn, person: User | None) -> str:
    return (person.quiet_hours if person else None) or turn.engine.settings.quiet_hours


def deliverable(turn: Turn, due: datetime, person: User | None = None) -> datetime:
    """`due`, or the end of the person's quiet hours when it falls inside them."""
    quiet_start, quiet_end = planner.quiet_window(quiet_hours_of(turn, person))
    return planner.deliverable_at(due, zone_of(turn, person), quiet_start, quiet_end)


def _moment(turn: Turn, day: Any, person: User | None = None) -> datetime:
    """10:00 on that day in the person's zone, moved out of their quiet hours."""
    return deliverable(turn, planner.check_in_moment(day, zone_of(turn, person)), person)


async def _queue(turn: Turn, client: User, row: FollowUp, *, now: bool = False) -> None:
    text = turn.texts.render(
        client.locale, "checkin_invite.j2", day=row.due_on.isoformat(), kind=row.kind
    )
    label = turn.texts.text(client.locale, START_EFFECT if row.kind == "effect" else START)
    message = await outbox.enqueue(
        session=turn.session,
        user_id=client.id or 0,
        chat_id=client.telegram_id,
        kind=f"checkin:{row.id}",
        payload=outbox.rendered_payload(str(text), [[(str(label), f"g:FS:{row.id}")]]),
        due_at=deliverable(turn, utcnow(), client) if now else _moment(turn, row.due_on, client),
    )
    row.outbox_id = message.id
    await store.add(session=turn.session, row=row)


async def plan_for_case(turn: Turn, case: Case) -> int:
    """Plans the client's twelve months of check-ins from the case's category."""
    client = await case_store.get_user(session=turn.session, user_id=case.client_id)
    if client is None or not case.category:
        return 0
    if any(
        r.state == "planned"
        for r in await store.of_user(session=turn.session, user_id=client.id or 0)
    ):
        return 0  # planned already (a second Accept changes nothing)
    today = turn.engine.today()
    days = planner.plan(case.category, today)
    for day in days:
        row = await store.add(
            session=turn.session,
            row=FollowUp(user_id=client.id or 0, due_on=day, category=case.category),
        )
        await _queue(turn, client, row)
    return len(days)


async def replan_case(turn: Turn, case: Case) -> None:
    """Re-plans the future check-ins for the case's new category; past ones stay."""
    client = await case_store.get_user(session=turn.session, user_id=case.client_id)
    if client is None:
        return
    rows = await store.of_user(session=turn.session, user_id=client.id or 0)
    if not rows:
        return
    start = min(r.created_at for r in rows).astimezone(ZoneInfo(zone_of(turn, client))).date()
    today = turn.engine.today()
    kept = await store.cancel_from(session=turn.session, user_id=client.id or 0, day=today)
    _, new = planner.replan(kept, case.category, start, today)
    for day in new:
        row = await store.add(
            session=turn.session,
            row=FollowUp(user_id=client.id or 0, due_on=day, category=case.category),
        )
        await _queue(turn, client, row)


# ── the client's side ───────────────────────────────────────────────────────────────────────
async def start_checkin(turn: Turn, arg: str) -> None:
    """Opens the check-in questionnaire of a follow-up."""
    row = await _row(turn, arg)
    if row is None:
        return
    if row.state == "answered":
        turn.send(turn.t(ALREADY_ANSWERED))
        return
    values: dict[str, Any] = {"followup_id": row.id}
    if row.kind == "effect" and row.answers.get("with_satisfaction"):
        values["with_satisfaction"] = True  # the first effect questionnaire asks it too
    await turn.engine.open_form(turn, FLOWS_BY_KIND.get(row.kind, CHECKIN.id), values)


async def _row(turn: Turn, arg: str) -> FollowUp | None:
    return await common.owned(
        turn,
        arg,
        lambda i: store.get(session=turn.session, user_id=turn.user_id, followup_id=i),
        NOT_FOUND,
    )


async def _answered(turn: Turn, answers: Answers) -> None:
    """Stores the check-in, moves the category when the situation changed, alerts on request."""
    row = await _record(turn, CHECKIN, answers)
    if row is None:
        return
    case = await case_store.get_case_for_client(session=turn.session, client_id=turn.user_id)
    if case is None:
        return
    category = planner.category_after_checkin(
        answers["status"],
        # What the check-in does not ask about carries over from the current category.
        household_zero=case.category == "zero_employment" and answers["status"] != "employed_full",
        difficulty=case.category == "difficulty",
        wants_work=bool(answers.get("wants_work", True)),
    )
    counselor = (
        await case_store.get_user(session=turn.session, user_id=case.counselor_id)
        if case.counselor_id
        else None
    )
    if category != case.category:
        case.category, case.category_reason, case.category_overridden = category, "checkin", False
        await case_store.save_case(session=turn.session, case=case)
        await replan_case(turn, case)
        if counselor is not None:
            label = turn.texts.plain(counselor.locale, CATEGORY_LABELS[category])
            turn.send_to(
                counselor,
                turn.texts.text(counselor.locale, CATEGORY_MOVED, id=case.id, label=label),
            )
    if answers.get("talk") and counselor is not None:
        turn.send_to(
            counselor,
            turn.texts.text(counselor.locale, TALK_ALERT, id=case.id, day=row.due_on.isoformat()),
        )


async def _effect_answered(turn: Turn, answers: Answers) -> None:
    """Stores the effect (and satisfaction) answers on their follow-up."""
    await _record(turn, EFFECT, answers)


async def _record(turn: Turn, flow: Flow, answers: Answers) -> FollowUp | None:
    """Moves a questionnaire's answers onto its follow-up, marked answered; an invitation not
    sent yet is cancelled (the client answered before it fell due)."""
    row = await _row(turn, str(answers.get("followup_id", "")))
    await repo.clear_answers(session=turn.session, user_id=turn.user_id, flow_id=flow.id)
    if row is None:
        return None
    row.answers = {k: v for k, v in answers.items() if k != "followup_id"}
    row.state, row.answered_at = "answered", utcnow()
    await store.add(session=turn.session, row=row)
    await outbox.cancel_if_pending(session=turn.session, id=row.outbox_id, error="answered")
    return row


async def offer(turn: Turn, args: str) -> None:
    """Records a guidance session, job offer or training offer and tells the client."""
    from bot.dialogs import counselor  # counselor.py imports this module

    raw_id, _, rest = args.strip().partition(" ")
    kind, _, description = rest.strip().partition(" ")
    description = clean(description)[:500]
    if kind not in OFFER_KINDS or not description:
        turn.send(turn.t(OFFER_USAGE))
        return
    case = await counselor.staff_action(turn, raw_id, "offer")
    if case is None:
        return
    await store.add_offer(
        session=turn.session,
        offer=ServiceOffer(
            case_id=case.id or 0,
            kind=kind,
            description=description,
            offered_on=turn.engine.today(),
        ),
    )
    client = await case_store.get_user(session=turn.session, user_id=case.client_id)
    if client is not None:
        label = turn.texts.plain(client.locale, OFFER_KINDS[kind])
        turn.send_to(
            client, turn.texts.text(client.locale, OFFER_TO_CLIENT, kind=label, text=description)
        )
    turn.send(turn.t(OFFER_SAVED, id=case.id, kind=turn.plain(OFFER_KINDS[kind])))


async def target_context(turn: Turn, case: Case, locale: str) -> dict[str, Any]:
    """The three-month service target of a case and the offers made, in `locale`."""
    made = await store.offers(session=turn.session, case_id=case.id or 0)
    accepted = (case.assigned_at or case.created_at).astimezone(ZoneInfo(zone_of(turn))).date()
    status = planner.target_status(
        [(o.kind, o.offered_on) for o in made], accepted, turn.engine.today()
    )
    return {
        "deadline": status["deadline"].isoformat(),
        "overall": status["overall"],
        "kinds": [
            {
                "kind": turn.texts.plain(locale, OFFER_KINDS[kind]),
                "done": counts["done"],
                "needed": counts["needed"],
            }
            for kind, counts in status["kinds"].items()
        ],
        "offers": [
            {
                "day": o.offered_on.isoformat(),
                "kind": turn.texts.plain(locale, OFFER_KINDS[o.kind]),
                "text": o.description,
            }
            for o in made
        ],
    }


async def close_case(turn: Turn, args: str) -> None:
    """Closes a case: the rest of the plan stops and the effect questionnaire is planned."""
    from bot.dialogs import counselor  # counselor.py imports this module

    case = await counselor.staff_action(turn, args, "close")
    if case is None:
        return
    client = await case_store.get_user(session=turn.session, user_id=case.client_id)
    case.status = "closed"
    await case_store.save_case(session=turn.session, case=case)
    today = turn.engine.today()
    if client is not None:
        await store.cancel_from(session=turn.session, user_id=client.id or 0, day=today)
        for index, day in enumerate(planner.effect_dates(today)):
            row = await store.add(
                session=turn.session,
                row=FollowUp(
                    user_id=client.id or 0,
                    kind="effect",
                    due_on=day,
                    category=case.category,
                    answers={"with_satisfaction": True} if index == 0 else {},
                ),
            )
            await _queue(turn, client, row, now=index == 0)
    turn.send(turn.t(CLOSED, id=case.id))


async def _after_checkin(turn: Turn, answers: Answers) -> None:
    """Thanks the client and shows the next check-in."""
    turn.screen = "menu"
    upcoming = await _upcoming(turn)
    turn.send(
        turn.render(
            "checkin_done.j2",
            next=upcoming[0].due_on.isoformat() if upcoming else "",
            talk=bool(answers.get("talk")),
        )
    )


async def _upcoming(turn: Turn) -> list[FollowUp]:
    today = turn.engine.today()
    rows = await store.of_user(session=turn.session, user_id=turn.user_id)
    return [r for r in rows if r.state == "planned" and r.due_on >= today]


async def list_followups(turn: Turn, _: str) -> None:
    """Shows the client's upcoming check-ins, with snooze buttons for the next one."""
    upcoming = await _upcoming(turn)
    rows = []
    if upcoming:
        first = upcoming[0]
        rows.append(
            [Button(turn.t(label), f"g:FZ:{first.id}:{key}") for key, label in SNOOZE.items()]
        )
    rows.append(_settings_row(turn))
    case = await case_store.get_case_for_client(session=turn.session, client_id=turn.user_id)
    target = await target_context(turn, case, turn.locale) if case and case.assigned_at else None
    turn.send(
        turn.render(
            "followups.j2",
            days=[r.due_on.isoformat() for r in upcoming],
            quiet=quiet_hours_of(turn, turn.user),
            offers=target["offers"] if target else [],
        ),
        rows,
    )


async def snooze(turn: Turn, arg: str) -> None:
    """Moves a planned check-in by a day, three days or a week (never into quiet hours)."""
    row = await _row(turn, arg)
    option = arg.rpartition(":")[2]
    if row is None or row.state != "planned" or option not in planner.SNOOZE_OPTIONS:
        return
    message = await store.outbox_row(session=turn.session, row=row)
    now = utcnow()
    current = message.due_at if message is not None else _moment(turn, row.due_on, turn.user)
    moved = deliverable(turn, planner.snoozed(current, option, now), turn.user)
    row.due_on = moved.astimezone(ZoneInfo(zone_of(turn, turn.user))).date()
    await outbox.reschedule_if_pending(session=turn.session, id=row.outbox_id, due_at=moved)
    await store.add(session=turn.session, row=row)
    turn.send(turn.t(SNOOZED, day=row.due_on.isoformat()))
    await list_followups(turn, "")


TIMEZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "UTC",
)
QUIET_CHOICES = ("21:00-08:00", "22:00-07:00", "20:00-09:00", "23:00-06:00", "12:00-14:00")
TIMEZONE_N = N_("🌐 Time zone: {{ zone }}")
QUIET_N = N_("🌙 Quiet hours: {{ hours }}")
CHOOSE_ZONE = N_("Which time zone are you in? Check-ins arrive at 10:00 your time.")
CHOOSE_QUIET = N_("When should I never send you messages?")
ZONE_SET = N_("Time zone set to {{ zone }}. Your check-ins are re-timed.")
QUIET_SET = N_("Quiet hours set to {{ hours }}. Your check-ins are re-timed.")


def _settings_row(turn: Turn) -> list[Button]:
    return [
        Button(turn.t(TIMEZONE_N, zone=zone_of(turn, turn.user)), "g:FT"),
        Button(turn.t(QUIET_N, hours=quiet_hours_of(turn, turn.user)), "g:FQ"),
    ]


async def choose_zone(turn: Turn, arg: str) -> None:
    """Lists time zones to choose from, or sets the one chosen."""
    if arg.isdecimal() and int(arg) < len(TIMEZONES) and turn.user is not None:
        turn.user.timezone = TIMEZONES[int(arg)]
        await _retime(turn)
        turn.send(turn.t(ZONE_SET, zone=turn.user.timezone))
        return await list_followups(turn, "")
    rows = [[Button(zone, f"g:FT:{i}")] for i, zone in enumerate(TIMEZONES)]
    turn.send(turn.t(CHOOSE_ZONE), rows)


async def choose_quiet(turn: Turn, arg: str) -> None:
    """Lists quiet-hour windows to choose from, or sets the one chosen."""
    if arg.isdecimal() and int(arg) < len(QUIET_CHOICES) and turn.user is not None:
        turn.user.quiet_hours = QUIET_CHOICES[int(arg)]
        await _retime(turn)
        turn.send(turn.t(QUIET_SET, hours=turn.user.quiet_hours))
        return await list_followups(turn, "")
    rows = [[Button(hours, f"g:FQ:{i}")] for i, hours in enumerate(QUIET_CHOICES)]
    turn.send(turn.t(CHOOSE_QUIET), rows)


async def _retime(turn: Turn) -> None:
    """Moves the person's pending check-ins and plan reminders to their new local 10:00."""
    assert turn.user is not None
    turn.session.add(turn.user)
    for row in await store.of_user(session=turn.session, user_id=turn.user_id):
        if row.state == "planned":
            await outbox.reschedule_if_pending(
                session=turn.session, id=row.outbox_id, due_at=_moment(turn, row.due_on, turn.user)
            )
    from bot.dialogs import plan  # plan.py imports this module

    await plan.retime(turn)


# ── the counselor's side ────────────────────────────────────────────────────────────────────
async def due_lists(
    session: AsyncSession, counselor_id: int | None, today: date
) -> dict[str, list[dict[str, Any]]]:
    """A counselor's clients (None: every client) with check-ins due or overdue, who asked to
    talk in the last 30 days, and who are unreachable."""
    pairs, _total = await case_store.cases_of(
        session=session, counselor_id=counselor_id, limit=10_000
    )
    by_client = {case.client_id: case for case, _client in pairs}
    clients: dict[int, User | None] = {case.client_id: client for case, client in pairs}
    overdue = await store.due_for(session=session, user_ids=list(by_client), today=today)
    talks, unreachable = [], []
    month_ago = utcnow() - timedelta(days=30)
    for client_id, client in clients.items():
        if client is not None and not client.active:
            unreachable.append(_entry(by_client[client_id], client, ""))
        for row in await store.of_user(session=session, user_id=client_id):
            if row.answers.get("talk") and row.answered_at and row.answered_at >= month_ago:
                talks.append(_entry(by_client[client_id], client, row.due_on.isoformat()))
    return {
        "overdue": [
            _entry(by_client[r.user_id], clients.get(r.user_id), r.due_on.isoformat())
            for r in overdue
        ],
        "talks": talks,
        "unreachable": unreachable,
    }


async def due(turn: Turn, _: str) -> None:
    """Lists the counselor's clients with check-ins due, requests to talk, unreachable ones."""
    counselor_id = None if turn.role == "admin" else turn.user_id
    lists = await due_lists(turn.session, counselor_id, turn.engine.today())
    turn.send(turn.render("due.j2", **lists))


async def queue_weekly_digests(
    session: AsyncSession, texts: Texts, settings: Any, today: date
) -> int:
    """Queues this week's digest for every active counselor who has not had it yet.

    The digest is due on Monday at 09:00 in the service's time zone (at once when that has
    passed this week); the outbox row's kind names the week, so it is queued once.
    """
    week = today.isocalendar()
    monday = today - timedelta(days=today.weekday())
    kind = f"digest:{week.year}-W{week.week:02d}"
    due_at = max(
        planner.local_time_to_utc(monday, time(9, 0), settings.default_timezone), utcnow()
    )
    queued = 0
    for counselor in await case_store.active_counselors(session=session):
        if await outbox.has_kind(session=session, user_id=counselor.id or 0, kind=kind):
            continue
        lists = await due_lists(session, counselor.id, today)
        text = texts.render(
            counselor.locale, "digest.j2", week=f"{week.year}-W{week.week:02d}", **lists
        )
        await outbox.enqueue(
            session=session,
            user_id=counselor.id or 0,
            chat_id=counselor.telegram_id,
            kind=kind,
            payload=outbox.rendered_payload(str(text)),
            due_at=due_at,
        )
        queued += 1
    return queued


def _entry(case: Case, client: User | None, day: str) -> dict[str, Any]:
    return {"id": case.id, "name": (client.display_name if client else None) or "—", "day": day}


async def case_section(turn: Turn, client_id: int, locale: str) -> str:
    """The check-ins of a client for the case view: the plan and the answers, before/after."""
    rows = await store.of_user(session=turn.session, user_id=client_id)
    case = await case_store.get_case_for_client(session=turn.session, client_id=client_id)
    if not rows or case is None:
        return ""
    intake = await turn.engine.answers_of(
        turn.session, client_id, turn.engine.registry.flows["intake"]
    )
    flows = turn.engine.registry
    situations = {o.value: o.label for o in flows.choice_lists["situations"]}
    statuses = {o.value: o.label for o in STATUSES}
    answered = [r for r in rows if r.state == "answered" and r.kind == "checkin"]
    effects = [r for r in rows if r.state == "answered" and r.kind == "effect"]
    today = turn.engine.today()
    upcoming = [r.due_on.isoformat() for r in rows if r.state == "planned" and r.due_on >= today]
    before = intake.get("situation")
    return str(
        turn.texts.render(
            locale,
            "case_followups.j2",
            before=turn.texts.plain(locale, situations[before]) if before in situations else "",
            checkins=[
                {
                    "day": r.due_on.isoformat(),
                    "status": turn.texts.plain(
                        locale, statuses.get(str(r.answers.get("status")), "")
                    ),
                    "applications": r.answers.get("applications"),
                    "interviews": r.answers.get("interviews"),
                    "offers": r.answers.get("offers"),
                    "talk": bool(r.answers.get("talk")),
                    "obstacles": r.answers.get("obstacles") or "",
                }
                for r in answered
            ],
            next=upcoming[0] if upcoming else "",
            planned=len(upcoming),
            target=await target_context(turn, case, locale),
            effects=[
                {
                    "day": r.due_on.isoformat(),
                    "ratings": [
                        (turn.texts.plain(locale, EFFECT.step(name).review_label), r.answers[name])
                        for name in EFFECT_RATINGS
                        if isinstance(r.answers.get(name), int)
                    ],
                    "improve": r.answers.get("improve") or "",
                    "comments": r.answers.get("comments") or "",
                }
                for r in effects
            ],
        )
    )


def counselor_alert(texts: Texts) -> Callable[[AsyncSession, int, str], Awaitable[None]]:
    """The sender's hook for undeliverable messages: queues a note to the client's counselor.

    It runs inside the transaction that records the failure, so the alert is queued exactly
    when the failure is.
    """

    async def alert(session: AsyncSession, user_id: int, reason: str) -> None:
        case = await case_store.get_case_for_client(session=session, client_id=user_id)
        if case is None or case.counselor_id is None:
            return
        counselor = await case_store.get_user(session=session, user_id=case.counselor_id)
        if counselor is None or not counselor.active:
            return
        message = BLOCKED_ALERT if reason == outbox.BLOCKED else FAILED_ALERT
        text = texts.text(counselor.locale, message, id=case.id)
        await outbox.enqueue(
            session=session,
            user_id=counselor.id or 0,
            chat_id=counselor.telegram_id,
            kind=f"alert:{case.id}",
            payload=outbox.rendered_payload(str(text)),
            due_at=utcnow(),
        )

    return alert


def register(registry: Registry) -> None:
    """Adds the check-in questionnaire, /followups, /due and their buttons."""
    for name, options in CHOICE_LISTS.items():
        registry.add_choices(name, options)
    registry.add_flow(replace(CHECKIN, on_complete=_answered, after=_after_checkin))
    registry.add_flow(replace(EFFECT, on_complete=_effect_answered, after=_after_checkin))
    registry.add_command(Command("followups", list_followups, N_("your upcoming check-ins")))
    registry.add_command(
        Command("offer", offer, N_("record an offer: /offer 12 job description"), STAFF_ROLES)
    )
    registry.add_command(
        Command(
            "close",
            close_case,
            N_("close a case, send the effect questionnaire: /close 12"),
            STAFF_ROLES,
        )
    )
    registry.add_command(
        Command(
            "due", due, N_("follow-ups due, requests to talk, unreachable clients"), STAFF_ROLES
        )
    )
    registry.add_action("FS", start_checkin)
    registry.add_action("FZ", snooze)
    registry.add_action("FT", choose_zone)
    registry.add_action("FQ", choose_quiet)
