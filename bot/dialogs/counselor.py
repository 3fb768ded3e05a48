"""Counselors: intake hand-off, caseloads, case reading with audit, notes, relay, invitations.

Roles: admins are named by ADMIN_TELEGRAM_IDS; counselors join through a single-use invitation
link an admin creates with /invite; everyone else is a client. A counselor sees only the cases
assigned to them; admins see all. Every read of a case by staff is written to the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from markupsafe import Markup

from bot.dialogs import assessment, common, followup, interviews, plan
from bot.events import Button
from bot.flow import N_, STAFF_ROLES, Answers, Command, Registry, Screen
from bot.services.triage import CATEGORY_LABELS, REASON_LABELS, categorize, referral_need
from storage import cases as store
from storage.models import Case, User
from storage.types import utcnow

if TYPE_CHECKING:
    from bot.engine import Turn

PAGE_SIZE = 8
ADMIN = frozenset({"admin"})

# Texts (short ones; longer messages are templates in bot/templates/case_*.j2)
ACCEPT = N_("✅ Accept")
REFER = N_("↪️ Refer elsewhere")
ASK = N_("💬 Ask the client")
OPEN = N_("📂 Open case")
REPLY = N_("✉️ Reply")
NEXT_PAGE = N_("Next »")
PREV_PAGE = N_("« Previous")
OPEN_CASE_N = N_("📂 #{{ id }} {{ name }}")
DEACTIVATE_N = N_("Deactivate {{ name }}")
NOT_YOUR_CASE = N_("You can only open cases assigned to you.")
NO_SUCH_CASE = N_("There is no case #{{ id }}.")
CASE_ID_NEEDED = N_("Please give a case number, for example: /{{ command }} 12")
NOTE_NEEDED = N_(
    "Please write the note after the case number, for example: /note 12 Called, no answer."
)
NOTE_SAVED = N_("Note saved on case #{{ id }}.")
ACCEPTED = N_("You accepted case #{{ id }}. The client has been told.")
ASK_PROMPT = N_("Type your question for the client of case #{{ id }}. I will pass it on.")
REFER_PROMPT = N_(
    "Why should case #{{ id }} go elsewhere, and where? Type a short reason; the client will "
    "receive it with a polite message."
)
REFERRED = N_("Case #{{ id }} is marked as referred, and the client has been told.")
RELAYED = N_("Sent to the client. Their reply will come to you here.")
REPLY_PROMPT = N_("Type your answer for your counselor.")
REPLY_SENT = N_("Sent to your counselor.")
CATEGORY_PROMPT = N_("Choose the tracking category for case #{{ id }}:")
CATEGORY_NOTE_PROMPT = N_("Add a short note: why this category?")
CATEGORY_SET = N_("Case #{{ id }} is now in the category: {{ label }}.")
NO_CLIENTS = N_("You have no clients yet.")
INVITE_DONE = N_(
    "Invitation created. Send this link to the new counselor; it works once and expires in "
    "{{ hours }} hours:"
)
INVITE_INVALID = N_(
    "This invitation link is not valid: it has expired or was already used. Ask an "
    "administrator for a new one."
)
INVITE_ALREADY = N_("You are already on the service's staff; the invitation was not used.")
COUNSELOR_WELCOME = N_(
    "Welcome to the team! You are now a counselor. New intakes will be sent to you here. "
    "Send /help to see your commands."
)
DEACTIVATED = N_("{{ name }} is no longer an active counselor. Open cases reassigned: {{ n }}.")
ASSIGN_USAGE = N_("Usage: /assign <case number> <counselor id> (ids are shown by /counselors).")
ASSIGNED = N_("Case #{{ id }} is now assigned to {{ name }}.")
NOT_A_COUNSELOR = N_("There is no active counselor with id {{ id }}.")
UNASSIGNED_ALERT = N_(
    "A new intake (case #{{ id }}) arrived, but there is no active counselor. Create one with "
    "/invite, or open the case with /case {{ id }}."
)
CLIENT_ACCEPTED = N_(
    "Good news: a counselor, {{ name }}, has taken on your case and will contact you soon."
)
COUNSELOR_ASKS = N_("Your counselor asks:")
CLIENT_ANSWERS = N_("The client of case #{{ id }} answers:")

STATUS_LABELS = {
    "new": N_("new, waiting for a counselor"),
    "accepted": N_("accepted"),
    "referred": N_("referred elsewhere"),
    "closed": N_("closed"),
}

NEED_LABELS = {
    "mental_health": N_("mental health"),
    "legal": N_("legal help"),
    "family": N_("family support"),
    "financial": N_("financial help"),
}

# Kinds of help shown when a need lies outside career guidance. A service lists its own local
# resources in REFERRAL_RESOURCES ({"mental_health": {"en": [...], "zh_Hans": [...]}, ...}).
DEFAULT_RESOURCES = {
    "mental_health": (
        N_("If you are in danger right now, call your local emergency number."),
        N_("A 24-hour crisis or suicide-prevention hotline."),
        N_("A community mental health centre or the psychology clinic of a hospital."),
    ),
    "legal": (
        N_("A free legal aid centre or labour dispute arbitration office."),
        N_("The legal advice service of your trade union or community office."),
    ),
    "family": (
        N_("A family counselling or marriage and family guidance service."),
        N_("Your community or neighbourhood committee's family support desk."),
    ),
    "financial": (
        N_("The social assistance office for emergency and minimum-living support."),
        N_("Unemployment insurance benefits at the employment service."),
    ),
}


def case_id(case: Case) -> int:
    """Returns the id of a stored case."""
    assert case.id is not None
    return case.id


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def resources(turn: Turn, need: str, locale: str) -> list[str]:
    """Returns the resource list for a need in a locale, the service's own list first."""
    configured = turn.engine.settings.referral_resources.get(need, {})
    if isinstance(configured, dict) and configured.get(locale):
        return list(configured[locale])
    return [turn.texts.plain(locale, item) for item in DEFAULT_RESOURCES.get(need, ())]


# ── intake hand-off ─────────────────────────────────────────────────────────────────────────
async def hand_off(turn: Turn, answers: Answers) -> None:
    """Triages a finished intake, assigns a counselor and sends them the summary."""
    session = turn.session
    case = await store.get_case_for_client(session=session, client_id=turn.user_id)
    updated = case is not None
    if case is None:
        case = Case(client_id=turn.user_id)
    if not case.category_overridden:
        category = categorize(answers)
        case.category, case.category_reason = category.code, category.reason
    need = referral_need(answers)
    case.referral_suggested, case.referral_need = need is not None, need
    if case.status in {"referred", "closed"}:
        case.status = "new"
    if case.counselor_id is None:
        counselor = await choose_counselor(turn)
        if counselor is not None:
            case.counselor_id, case.assigned_at = counselor.id, utcnow()
    await store.save_case(session=session, case=case)

    locale = turn.locale
    items = await turn.engine.describe(session, turn.user_id, "intake", locale)
    turn.send(
        turn.render(
            "intake_done.j2",
            items=items,
            hours=turn.engine.settings.counselor_response_hours,
            has_counselor=case.counselor_id is not None,
        )
    )
    if need is not None:
        turn.send(
            turn.render(
                "referral.j2",
                need=turn.plain(NEED_LABELS[need]),
                items=resources(turn, need, locale),
            )
        )
    await notify_staff(turn, case, updated=updated)


async def choose_counselor(turn: Turn) -> User | None:
    """Picks the active counselor with the fewest open cases; ties go to the longest idle."""
    counselors = await store.active_counselors(session=turn.session)
    if not counselors:
        return None
    load = await store.caseload(session=turn.session)
    oldest = datetime.min.replace(tzinfo=UTC)

    def rank(counselor: User) -> tuple[int, datetime, int]:
        open_cases, last_assigned = load.get(counselor.id or 0, (0, None))
        return open_cases, last_assigned or oldest, counselor.id or 0

    return min(counselors, key=rank)


async def notify_staff(turn: Turn, case: Case, *, updated: bool) -> None:
    """Sends the case summary to its counselor, or alerts the admins when there is none."""
    session = turn.session
    counselor = (
        await store.get_user(session=session, user_id=case.counselor_id)
        if case.counselor_id
        else None
    )
    if counselor is not None:
        heading = "updated" if updated else "new"
        text = await summary_text(turn, case, counselor.locale, heading=heading)
        turn.send_to(counselor, text, case_buttons(turn, case, counselor.locale))
        return
    for admin in await store.admins(session=session):
        turn.send_to(admin, turn.texts.text(admin.locale, UNASSIGNED_ALERT, id=case.id))


async def summary_text(turn: Turn, case: Case, locale: str, *, heading: str = "view") -> str:
    """Renders the intake summary of a case in a staff member's language."""
    client = await store.get_user(session=turn.session, user_id=case.client_id)
    items = await turn.engine.describe(turn.session, case.client_id, "intake", locale)
    texts = turn.texts
    return texts.render(
        locale,
        "case_summary.j2",
        case=case,
        client=client,
        items=items,
        heading=heading,
        status=texts.plain(locale, STATUS_LABELS.get(case.status, case.status)),
        category=texts.plain(locale, CATEGORY_LABELS.get(case.category, ""))
        if case.category
        else "",
        reason=texts.plain(locale, REASON_LABELS.get(case.category_reason, "")),
        need=texts.plain(locale, NEED_LABELS[case.referral_need]) if case.referral_need else "",
    )


def case_buttons(turn: Turn, case: Case, locale: str) -> list[list[Button]]:
    t = turn.texts.text
    rows = []
    if case.status == "new":
        rows.append(
            [
                Button(t(locale, ACCEPT), f"g:KA:{case.id}"),
                Button(t(locale, REFER), f"g:KR:{case.id}"),
            ]
        )
    rows.append(
        [Button(t(locale, ASK), f"g:KQ:{case.id}"), Button(t(locale, OPEN), f"g:KO:{case.id}")]
    )
    return rows


# ── access ──────────────────────────────────────────────────────────────────────────────────
async def authorized_case(turn: Turn, raw_id: str, *, command: str = "case") -> Case | None:
    """Returns the case if this staff member may see it; otherwise says why and returns None."""
    if not raw_id.strip().isdigit():
        turn.send(turn.t(CASE_ID_NEEDED, command=command))
        return None
    case_id = int(raw_id.strip())
    case = await store.get_case(session=turn.session, case_id=case_id)
    if case is None:
        turn.send(turn.t(NO_SUCH_CASE, id=case_id))
        return None
    if turn.role == "admin" or (turn.role == "counselor" and case.counselor_id == turn.user_id):
        return case
    turn.send(turn.t(NOT_YOUR_CASE))
    return None


async def staff_action(turn: Turn, raw_id: str, action: str) -> Case | None:
    """Authorizes a staff button press on a case and writes the audit row."""
    if turn.role not in STAFF_ROLES:
        turn.reply.notice = turn.t(common.EXPIRED)
        return None
    case = await authorized_case(turn, raw_id)
    if case is not None:
        await store.audit(
            session=turn.session, actor_id=turn.user_id, client_id=case.client_id, action=action
        )
    return case


# ── commands and buttons ────────────────────────────────────────────────────────────────────
async def show_case(turn: Turn, raw_id: str) -> None:
    """Shows a whole case: summary, notes and relayed messages (audited)."""
    case = await staff_action(turn, raw_id, "read_case")
    if case is None:
        return
    text = await summary_text(turn, case, turn.locale)
    notes = await store.notes(session=turn.session, case_id=case_id(case))
    messages = await store.messages(session=turn.session, case_id=case_id(case))
    extra = turn.render("case_extra.j2", notes=notes, messages=messages, case=case)
    results = await assessment.case_section(turn, case.client_id, turn.locale)
    reports = await interviews.case_section(turn, case.client_id, turn.locale)
    checkins = await followup.case_section(turn, case.client_id, turn.locale)
    career_plan = await plan.case_section(turn, case.client_id, turn.locale)
    sections = [text, checkins, career_plan, results, reports, extra]
    turn.send(
        "\n\n".join(section for section in sections if section),
        case_buttons(turn, case, turn.locale),
    )


async def add_note(turn: Turn, args: str) -> None:
    """Adds a timestamped note, visible to staff only."""
    raw_id, _, text = args.strip().partition(" ")
    case = await authorized_case(turn, raw_id, command="note")
    if case is None:
        return
    if not text.strip():
        return turn.send(turn.t(NOTE_NEEDED))
    await store.add_note(
        session=turn.session,
        case_id=case_id(case),
        author_id=turn.user_id,
        text=text.strip()[:2000],
    )
    await store.audit(
        session=turn.session, actor_id=turn.user_id, client_id=case.client_id, action="add_note"
    )
    turn.send(turn.t(NOTE_SAVED, id=case.id))


async def list_clients(turn: Turn, args: str) -> None:
    """Lists the caller's caseload (admins: every case), one page at a time."""
    offset = int(args) if args.strip().isdigit() else 0
    counselor_id = None if turn.role == "admin" else turn.user_id
    rows, total = await store.cases_of(
        session=turn.session, counselor_id=counselor_id, offset=offset, limit=PAGE_SIZE
    )
    if not rows:
        return turn.send(turn.t(NO_CLIENTS))
    entries = [
        {
            "case": case,
            "name": client.display_name or "—",
            "category": turn.plain(CATEGORY_LABELS[case.category]).split(" — ")[0]
            if case.category in CATEGORY_LABELS
            else "—",
            "status": turn.plain(STATUS_LABELS.get(case.status, case.status)),
        }
        for case, client in rows
    ]
    buttons = [
        [
            Button(
                turn.t(OPEN_CASE_N, id=case.id, name=client.display_name or ""), f"g:KO:{case.id}"
            )
        ]
        for case, client in rows
    ]
    nav = []
    if offset > 0:
        nav.append(Button(turn.t(PREV_PAGE), f"g:KP:{max(offset - PAGE_SIZE, 0)}"))
    if offset + PAGE_SIZE < total:
        nav.append(Button(turn.t(NEXT_PAGE), f"g:KP:{offset + PAGE_SIZE}"))
    if nav:
        buttons.append(nav)
    turn.send(
        turn.render(
            "clients.j2", entries=entries, first=offset + 1, last=offset + len(rows), total=total
        ),
        buttons,
    )


async def clients_page(turn: Turn, arg: str) -> None:
    if turn.role not in STAFF_ROLES:
        turn.reply.notice = turn.t(common.EXPIRED)
        return
    await list_clients(turn, arg)


async def accept_case(turn: Turn, arg: str) -> None:
    """Accepts a new case and tells the client."""
    case = await staff_action(turn, arg, "accept")
    if case is None:
        return
    case.status = "accepted"
    if case.counselor_id is None:
        case.counselor_id, case.assigned_at = turn.user_id, utcnow()
    await store.save_case(session=turn.session, case=case)
    await followup.plan_for_case(turn, case)
    client = await store.get_user(session=turn.session, user_id=case.client_id)
    if client is not None:
        turn.send_to(
            client,
            turn.texts.text(
                client.locale, CLIENT_ACCEPTED, name=(turn.user and turn.user.display_name) or "—"
            ),
        )
    turn.send(turn.t(ACCEPTED, id=case.id))


async def start_referral(turn: Turn, arg: str) -> None:
    case = await staff_action(turn, arg, "refer")
    if case is None:
        return
    turn.screen = f"refer:{case.id}"
    turn.send(turn.t(REFER_PROMPT, id=case.id))


async def typed_for_case(turn: Turn, arg: str, limit: int) -> tuple[Case, str] | None:
    """Reads what a staff member typed on a case screen; a blank message repeats the prompt.

    `arg` is the screen's argument, `<case id>` or `<case id>:<more>`. Returns the case and
    the text (cut to `limit`), or None when there is nothing to do.
    """
    text = turn.event.text.strip()[:limit]
    if not text:
        await prompt_again(turn, arg)
        return None
    case = await authorized_case(turn, arg.partition(":")[0])
    turn.back_to_current()
    return (case, text) if case is not None else None


async def finish_referral(turn: Turn, arg: str) -> None:
    """Marks the case referred with the counselor's reason and tells the client politely."""
    typed = await typed_for_case(turn, arg, 500)
    if typed is None:
        return
    case, reason = typed
    case.status, case.referral_reason = "referred", reason
    await store.save_case(session=turn.session, case=case)
    client = await store.get_user(session=turn.session, user_id=case.client_id)
    if client is not None:
        need = case.referral_need or ""
        turn.send_to(
            client,
            turn.texts.render(
                client.locale,
                "case_referred.j2",
                reason=reason,
                items=resources(turn, need, client.locale) if need else [],
            ),
        )
    turn.send(turn.t(REFERRED, id=case.id))


async def start_question(turn: Turn, arg: str) -> None:
    case = await staff_action(turn, arg, "ask")
    if case is None:
        return
    turn.screen = f"ask:{case.id}"
    turn.send(turn.t(ASK_PROMPT, id=case.id))


async def relay_question(turn: Turn, arg: str) -> None:
    """Passes the counselor's typed question to the client with a Reply button."""
    typed = await typed_for_case(turn, arg, 3500)
    if typed is None:
        return
    case, text = typed
    await store.add_message(
        session=turn.session, case_id=case_id(case), direction="to_client", text=text
    )
    client = await store.get_user(session=turn.session, user_id=case.client_id)
    if client is not None:
        turn.send_to(
            client,
            turn.texts.render(
                client.locale,
                "relay.j2",
                heading=turn.texts.text(client.locale, COUNSELOR_ASKS),
                text=text,
            ),
            [[Button(turn.texts.text(client.locale, REPLY), f"g:KY:{case.id}")]],
        )
    turn.send(turn.t(RELAYED))


async def start_reply(turn: Turn, arg: str) -> None:
    """Lets a client answer their counselor's question (only for their own case)."""
    case = await store.get_case_for_client(session=turn.session, client_id=turn.user_id)
    if case is None or str(case.id) != arg:
        turn.reply.notice = turn.t(common.EXPIRED)
        return
    turn.screen = f"reply:{case.id}"
    turn.send(turn.t(REPLY_PROMPT))


async def relay_reply(turn: Turn, arg: str) -> None:
    """Passes the client's typed answer back to their counselor."""
    if not turn.event.text.strip():
        return await prompt_again(turn, arg)
    turn.back_to_current()
    case = await store.get_case_for_client(session=turn.session, client_id=turn.user_id)
    if case is None or str(case.id) != arg:
        return
    text = turn.event.text.strip()[:3500]
    await store.add_message(
        session=turn.session, case_id=case_id(case), direction="to_counselor", text=text
    )
    await store.save_case(session=turn.session, case=case)
    counselor = (
        await store.get_user(session=turn.session, user_id=case.counselor_id)
        if case.counselor_id
        else None
    )
    if counselor is not None:
        turn.send_to(
            counselor,
            turn.texts.render(
                counselor.locale,
                "relay.j2",
                heading=turn.texts.text(counselor.locale, CLIENT_ANSWERS, id=case.id),
                text=text,
            ),
            [
                [
                    Button(turn.texts.text(counselor.locale, ASK), f"g:KQ:{case.id}"),
                    Button(turn.texts.text(counselor.locale, OPEN), f"g:KO:{case.id}"),
                ]
            ],
        )
    turn.send(turn.t(REPLY_SENT))
    await turn.engine.show_current(turn)


async def choose_category(turn: Turn, args: str) -> None:
    """Offers the tracking categories for a counselor to override the computed one."""
    case = await authorized_case(turn, args, command="category")
    if case is None:
        return
    buttons = [
        [Button(turn.t(label), f"g:KC:{case.id}:{code}")]
        for code, label in CATEGORY_LABELS.items()
    ]
    turn.send(turn.t(CATEGORY_PROMPT, id=case.id), buttons)


async def pick_category(turn: Turn, arg: str) -> None:
    raw_id, _, code = arg.partition(":")
    if code not in CATEGORY_LABELS:
        turn.reply.notice = turn.t(common.EXPIRED)
        return
    case = await staff_action(turn, raw_id, "set_category")
    if case is None:
        return
    turn.screen = f"catnote:{case.id}:{code}"
    turn.send(turn.t(CATEGORY_NOTE_PROMPT))


async def save_category(turn: Turn, arg: str) -> None:
    """Stores the counselor's category with the note that explains it (a note is required)."""
    code = arg.partition(":")[2]
    typed = await typed_for_case(turn, arg, 500)
    if typed is None or code not in CATEGORY_LABELS:
        return
    case, note = typed
    case.category, case.category_reason = code, "counselor"
    case.category_overridden, case.category_note = True, note
    await store.save_case(session=turn.session, case=case)
    await followup.replan_case(turn, case)
    turn.send(turn.t(CATEGORY_SET, id=case.id, label=turn.plain(CATEGORY_LABELS[code])))


async def prompt_again(turn: Turn, arg: str) -> None:
    """Repeats the prompt of a text-waiting screen (after a sticker, a restart, /start)."""
    name = turn.screen.partition(":")[0]
    case_id = arg.partition(":")[0]
    prompts = {
        "refer": REFER_PROMPT,
        "ask": ASK_PROMPT,
        "reply": REPLY_PROMPT,
        "catnote": CATEGORY_NOTE_PROMPT,
    }
    turn.send(turn.t(prompts[name], id=case_id))


async def invite(turn: Turn, args: str) -> None:
    """Creates a single-use counselor invitation link (admins only)."""
    token = secrets.token_urlsafe(12)
    hours = turn.engine.settings.invitation_ttl_hours
    await store.add_invitation(
        session=turn.session,
        token_hash=hash_token(token),
        created_by=turn.user_id,
        expires_at=utcnow() + timedelta(hours=hours),
    )
    username = turn.engine.settings.bot_username
    link = f"https://t.me/{username}?start=inv_{token}" if username else f"/start inv_{token}"
    turn.send(turn.t(INVITE_DONE, hours=hours) + Markup("\n<code>{}</code>").format(link))


async def redeem_invitation(turn: Turn, token: str) -> None:
    """Makes the person a counselor if the invitation is valid, unused and not expired."""
    invitation = await store.get_invitation(
        session=turn.session, token_hash=hash_token(token), lock=True
    )
    now = utcnow()
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= now:
        turn.send(turn.t(INVITE_INVALID))
        return await turn.engine.show_current(turn)
    if turn.role in STAFF_ROLES:
        turn.send(turn.t(INVITE_ALREADY))
        return await turn.engine.show_current(turn)
    invitation.used_at, invitation.used_by = now, turn.user_id
    turn.session.add(invitation)
    turn.user.role = "counselor"  # type: ignore[union-attr]
    turn.send(turn.t(COUNSELOR_WELCOME))
    await turn.engine.show_current(turn)


async def list_counselors(turn: Turn, args: str) -> None:
    """Lists counselors with their open caseload, with buttons to deactivate (admins)."""
    people = await store.staff(session=turn.session)
    load = await store.caseload(session=turn.session)
    entries = [{"user": u, "open": load.get(u.id or 0, (0, None))[0]} for u in people]
    buttons = [
        [Button(turn.t(DEACTIVATE_N, name=u.display_name or u.id), f"g:KD:{u.id}")]
        for u in people
        if u.role == "counselor"
    ]
    turn.send(turn.render("counselors.j2", entries=entries), buttons)


async def deactivate(turn: Turn, arg: str) -> None:
    """Deactivates a counselor and reassigns their open cases (admins)."""
    if turn.role != "admin" or not arg.isdigit():
        turn.reply.notice = turn.t(common.EXPIRED)
        return
    person = await store.get_user(session=turn.session, user_id=int(arg))
    if person is None or person.role != "counselor":
        turn.reply.notice = turn.t(common.EXPIRED)
        return
    person.role = "counselor_off"
    turn.session.add(person)
    await turn.session.flush()
    moved = 0
    rows, _ = await store.cases_of(session=turn.session, counselor_id=person.id, limit=10_000)
    for case, _client in rows:
        if case.status in store.OPEN_STATUSES:
            successor = await choose_counselor(turn)
            case.counselor_id = successor.id if successor else None
            case.assigned_at = utcnow() if successor else None
            await store.save_case(session=turn.session, case=case)
            await notify_staff(turn, case, updated=False)
            moved += 1
    turn.send(turn.t(DEACTIVATED, name=person.display_name or person.id, n=moved))


async def assign(turn: Turn, args: str) -> None:
    """Reassigns a case to a counselor: /assign <case> <counselor id> (admins)."""
    parts = args.split()
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return turn.send(turn.t(ASSIGN_USAGE))
    case = await authorized_case(turn, parts[0], command="assign")
    if case is None:
        return
    counselor = await store.get_user(session=turn.session, user_id=int(parts[1]))
    if counselor is None or counselor.role != "counselor":
        return turn.send(turn.t(NOT_A_COUNSELOR, id=parts[1]))
    case.counselor_id, case.assigned_at = counselor.id, utcnow()
    await store.save_case(session=turn.session, case=case)
    await store.audit(
        session=turn.session, actor_id=turn.user_id, client_id=case.client_id, action="assign"
    )
    await notify_staff(turn, case, updated=False)
    turn.send(turn.t(ASSIGNED, id=case.id, name=counselor.display_name or counselor.id))


def register(registry: Registry) -> None:
    """Adds the counselor feature's commands, buttons and screens to the registry."""
    staff = STAFF_ROLES
    for command in (
        Command("clients", list_clients, N_("your clients"), staff),
        Command("case", show_case, N_("open a case: /case 12"), staff),
        Command("note", add_note, N_("add a note: /note 12 text"), staff),
        Command("category", choose_category, N_("change a case's category: /category 12"), staff),
        Command("invite", invite, N_("create a counselor invitation link"), ADMIN),
        Command("counselors", list_counselors, N_("list and manage counselors"), ADMIN),
        Command("assign", assign, N_("reassign a case: /assign 12 3"), ADMIN),
    ):
        registry.add_command(command)
    for op, handler in (
        ("KA", accept_case),
        ("KR", start_referral),
        ("KQ", start_question),
        ("KO", show_case),
        ("KY", start_reply),
        ("KC", pick_category),
        ("KP", clients_page),
        ("KD", deactivate),
    ):
        registry.add_action(op, handler)
    registry.add_screen(Screen("refer", finish_referral, prompt_again))
    registry.add_screen(Screen("ask", relay_question, prompt_again))
    registry.add_screen(Screen("reply", relay_reply, prompt_again))
    registry.add_screen(Screen("catnote", save_category, prompt_again))
    registry.add_start_payload("inv", redeem_invitation)
