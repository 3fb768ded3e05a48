"""My career plan: where I stand, environment, opportunities and SWOT, route, goals, steps.

Seed 003's six steps of career planning with seed 000's goals and staged action plan and seed
002's three routes to work. The questions are flows (environment, opportunities, route, one
goal form per horizon, the step, postpone and drop forms, the evaluation); the plan screens
are global buttons, valid while their message is on screen:

  g:PP plan · g:PW where I stand · g:PWY that's me · g:PWC correct it
  g:PE environment · g:PO opportunities · g:PS SWOT · g:PQ:<q> a quadrant (S W O T)
  g:PQA:<q>:<hash> add a suggestion · g:PQX:<q>:<n> remove item n · g:PQE:<q>:<n> reword it
  g:PQN:<q> add my own · g:PR route · g:PRC choose it again · g:PG goals
  g:PGA:<horizon> add a goal · g:PGO:<goal> a goal · g:PGE:<goal> edit
  g:PGL:<goal>:<parent> serves · g:PGX:<goal> drop
  g:PA action plan · g:PN:<goal> add a step · g:PI:<goal> import · g:PIA:<goal>:<hash> one
  g:PT:<step> a step · g:PTD:<step> done · g:PTP:<step> postpone · g:PTX:<step> drop
  g:PTE:<step> edit · g:PV[:<evaluation>] evaluate · g:PH history · g:PD the plan document
  g:PX share or stop sharing · g:PC:<step>:<1|0> accept or decline a counselor's step

Reminders are outbox rows: `ps<step>:due` on a step's day, `pe<evaluation>:` for an
evaluation; both at 10:00 in the person's time zone, moved out of their quiet hours.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.dialogs import assessment, common, followup
from bot.events import Button, Document, Outbound
from bot.flow import (
    N_,
    STAFF_ROLES,
    Answers,
    Command,
    Flow,
    Kind,
    MenuEntry,
    OnComplete,
    Option,
    Registry,
    Screen,
    Step,
)
from bot.i18n import html_to_plain
from bot.parsing import InputError, clean, parse_date, parse_text
from bot.services import followup_plan as planner
from bot.services import planning as rules
from storage import assessments, cases, outbox, repo
from storage import plans as store
from storage.models import CareerPlan, PlanEvaluation, PlanGoal, PlanStep, User
from storage.types import utcnow

if TYPE_CHECKING:
    from bot.engine import Turn

TITLE = N_("My career plan")
CONTINUE = N_("▶️ Continue: {{ part }}")
BACK_PLAN = N_("« My plan")
BACK_SWOT = N_("« SWOT")
BACK_GOALS = N_("« Goals")
BACK_ACTIONS = N_("« Action plan")
PARTS = {
    "stand": N_("📍 Where I stand"),
    "environment": N_("🌍 My environment"),
    "swot": N_("🔭 Opportunities and SWOT"),
    "route": N_("🛣 My route to work"),
    "goals": N_("🎯 My goals"),
    "actions": N_("📋 Action plan"),
    "review": N_("🔁 Review my plan"),
}
PART_OPS = {
    "stand": "PW",
    "environment": "PE",
    "swot": "PS",
    "route": "PR",
    "goals": "PG",
    "actions": "PA",
    "review": "PV",
}
DOCUMENT = N_("📄 My plan as a document")
SHARE = N_("📤 Share with my counselor")
UNSHARE = N_("🔒 Stop sharing")
HISTORY = N_("🕘 How my plan changed")
SHARED = N_("Shared. Your counselor can now follow your plan and its progress in your case.")
UNSHARED = N_("Your counselor no longer sees your plan.")
NO_COUNSELOR = N_(
    "You have no counselor yet; they will see your plan as soon as one takes your case."
)

# ── where I stand ───────────────────────────────────────────────────────────────────────────
THATS_ME = N_("✅ Yes, that is me")
CORRECT = N_("✏️ Correct or add something")
TELL = N_("✏️ Tell me in my own words")
TAKE_ASSESSMENT = N_("🧭 Take the self-assessment")
STAND_SAVED = N_("Thank you. I will build your plan on this.")

# ── SWOT ────────────────────────────────────────────────────────────────────────────────────
QUADRANT_LETTERS = {"S": "strengths", "W": "weaknesses", "O": "opportunities", "T": "threats"}
QUADRANT_NAMES = {
    "strengths": N_("💪 Strengths"),
    "weaknesses": N_("🧩 Weaknesses"),
    "opportunities": N_("🌱 Opportunities"),
    "threats": N_("⚠️ Threats"),
}
OPPS_QUESTIONS = N_("🔭 Opportunities and threats: the questions")
ADD_OWN = N_("➕ My own")
REWORD_N = N_("✏️ {{ n }}")
REMOVE_N = N_("✖ {{ n }}")
OWN_PROMPT = N_("Type the item in a few words (one item per message).")
REWORD_PROMPT = N_("Type the new wording of item {{ n }}: {{ text }}")
QUADRANT_FULL = N_("This box is full ({{ n }} items). Remove one before adding another.")
SUGGESTIONS = {
    "interests": N_("Strong interests: {{ names|join(sep) }}"),
    "value": N_("I know what matters to me at work: {{ name }}"),
    "skill": N_("Good at: {{ name }}"),
    "skill_gap": N_("To build: {{ name }}"),
    "readiness": N_("Career readiness to work on: {{ name }}"),
    "to_learn": N_("Still to learn: {{ name }}"),
    "openings": N_("{{ name }} is hiring or admitting"),
    "no_openings": N_("{{ name }} has no openings now"),
    "demand_growing": N_(
        "Demand for my field is growing{% if region %} in {{ region }}{% endif %}"
    ),
    "demand_shrinking": N_(
        "Demand for my field is shrinking{% if region %} in {{ region }}{% endif %}"
    ),
    "policy": N_("Support I can use: {{ policy }}"),
    "family_support": N_("My family supports my plan"),
    "constraint": N_("Constraint: {{ constraint }}"),
    "typed": N_("{{ text }}"),
}

# ── environment and opportunities ───────────────────────────────────────────────────────────
OPENINGS = (
    Option("yes", N_("Yes, they are hiring or admitting")),
    Option("some", N_("A few openings")),
    Option("none", N_("No openings now")),
    Option("unknown", N_("I don't know yet")),
)
DEMAND = (
    Option("growing", N_("Growing")),
    Option("stable", N_("Stable")),
    Option("shrinking", N_("Shrinking")),
    Option("unknown", N_("I don't know")),
)
POLICIES = (
    Option("subsidy", N_("Employment subsidies")),
    Option("training", N_("Subsidised training")),
    Option("loans", N_("Small loans for starting a business")),
    Option("welfare", N_("Public-welfare posts")),
    Option("fairs", N_("Job fairs and employment services")),
    Option("none", N_("None that I know of")),
)
FAMILY = (
    Option("care", N_("I care for children or relatives")),
    Option("income", N_("I need an income soon")),
    Option("place", N_("I cannot move to another city")),
    Option("hours", N_("I can only work certain hours")),
    Option("health", N_("Health limits what I can do")),
    Option("support", N_("My family supports my plan")),
    Option("none", N_("Nothing that limits me")),
)
ROUTES = (
    Option("target_job", N_("A job in my target field now")),
    Option("recommended", N_("A post recommended by the employment service")),
    Option("training", N_("Training first, then a job")),
    Option("business", N_("Starting my own business")),
    Option("welfare", N_("A public-welfare post")),
)
ROUTE_MEANINGS = {
    "target_job": N_("You apply for jobs in the field you chose, starting now."),
    "recommended": N_(
        "Your counselor recommends suitable openings from employers the service works with."
    ),
    "training": N_("You first gain the skill or certificate the jobs you want ask for."),
    "business": N_("You work for yourself; the service can help with training and small loans."),
    "welfare": N_(
        "A post created with public support (community services, public facilities) gives you "
        "paid work and experience while you look further."
    ),
}
CHANGE_ROUTE = N_("🔄 Choose my route again")

# ── goals ───────────────────────────────────────────────────────────────────────────────────
HORIZON_NAMES = {
    "life": N_("Life goal"),
    "long": N_("Long-term goal (5–10 years)"),
    "medium": N_("Medium-term goal (2–5 years)"),
    "short": N_("Short-term goal (within a year)"),
}
ADD_GOAL = N_("➕ {{ horizon }}")
EDIT_GOAL = N_("✏️ Edit this goal")
DROP_GOAL = N_("🗑 Drop this goal")
SERVES = N_("🔗 Serves: {{ statement }}")
GOAL_DROPPED = N_("Dropped. It stays in your plan's history.")
LINKED = N_("Linked.")
LINK_PROMPT = N_("Which higher goal does this one serve? Choose it below.")
SPECIFIC_NEEDED = N_(
    "Please make it concrete: say what exactly you will do or reach, where, and how much. "
    "For example: “Work as a nursing assistant at a city hospital”."
)
MEASURE_LABEL = N_("How will you know you have reached it?")
MEASURE_HINT = N_("For example: “a signed contract”, “the certificate”, “30 customers a month”.")
DATE_LABEL = N_("By when? Send a date like 2027-06-30.")
DATE_NEEDED = {
    "short": N_(
        "A short-term goal needs a target date within the next twelve months, like 2027-06-30. "
        "Without a date it stays a wish."
    ),
    "medium": N_("A medium-term goal needs a target date, one to five years from now."),
    "long": N_("A long-term goal needs a target date, five to ten years from now."),
}
DATE_OUTSIDE = {
    "short": N_(
        "A short-term goal falls within the next twelve months. Choose an earlier date, or "
        "make it a medium-term goal."
    ),
    "medium": N_(
        "A medium-term goal lies one to five years ahead. Choose a date in that span, or put "
        "the goal on another horizon."
    ),
    "long": N_(
        "A long-term goal lies five to ten years ahead. Choose a date in that span, or put the "
        "goal on another horizon."
    ),
}
STATEMENT_LABELS = {
    "life": N_("What do you want your working life to add up to?"),
    "long": N_("Where do you want to be in five to ten years?"),
    "medium": N_("What do you want to have reached in two to five years?"),
    "short": N_("What will you achieve within the next twelve months?"),
}
STATEMENT_HINTS = {
    "life": N_("For example: “Help people stay healthy, in a job that lets me grow.”"),
    "long": N_("For example: “Lead a nursing team at a hospital.”"),
    "medium": N_("For example: “Become a registered nurse with two years' experience.”"),
    "short": N_("For example: “Start a paid job as a nursing assistant at a city hospital.”"),
}

# ── steps ───────────────────────────────────────────────────────────────────────────────────
STEP_KINDS = (
    Option("route", N_("My route to work")),
    Option("applications", N_("Job applications")),
    Option("training", N_("Education and training")),
    Option("interviews", N_("Informational interviews")),
    Option("skills", N_("A skill to build")),
    Option("other", N_("Another kind of step")),
)
STATUS_ICONS = {
    "open": "▫️",
    "postponed": "⏰",
    "done": "✅",
    "dropped": "✖️",
    "suggested": "💡",
    "declined": "➖",
}
STATUS_NAMES = {
    "open": N_("to do"),
    "postponed": N_("postponed"),
    "done": N_("done"),
    "dropped": N_("dropped"),
    "suggested": N_("suggested by your counselor"),
    "declined": N_("declined"),
}
ADD_STEP = N_("➕ Step for: {{ goal }}")
IMPORT = N_("📥 Import steps for: {{ goal }}")
DONE_BUTTON = N_("✅ Done")
POSTPONE = N_("⏰ Postpone")
DROP = N_("✖ Drop")
EDIT_STEP = N_("✏️ Edit")
STEP_DONE = N_("Well done! {{ done }} of {{ total }} steps done.")
STEP_AFTER_GOAL = N_(
    "This step would be due after its goal's date ({{ answers.goal_date }}). Choose an earlier "
    "date, or move the goal's date first."
)
POSTPONE_AFTER = N_("Please choose a date after {{ answers.current_due }}.")
NOTHING_TO_IMPORT = N_(
    "Nothing to import yet. Choose your route to work, or analyse three informational "
    "interviews in a field: their next steps and to-learn items appear here."
)
ACCEPT = N_("✅ Add it to my plan")
DECLINE = N_("✖ No, thanks")
ACCEPTED = N_("Added to your plan.")
DECLINED = N_("Declined. Your counselor will know.")
NO_SHORT_GOAL = N_("Add a short-term goal first: steps belong to a goal.")


# ── evaluation ──────────────────────────────────────────────────────────────────────────────
WENT_POINTS = (N_("Badly"), N_("Not so well"), N_("Partly"), N_("Well"), N_("Very well"))
OUTCOMES = (
    Option("achieved", N_("Yes, I reached it")),
    Option("partly", N_("Partly reached")),
    Option("not_yet", N_("Not reached yet")),
    Option("obsolete", N_("It no longer fits me")),
)
REVISIONS = (
    Option("keep", N_("No, keep it as it is")),
    Option("goals", N_("Yes, my goals")),
    Option("steps", N_("Yes, my steps")),
    Option("both", N_("Yes, goals and steps")),
)
INTERVALS = (
    Option("14", N_("In two weeks")),
    Option("30", N_("In a month")),
    Option("90", N_("In three months")),
)
START_REVIEW = N_("🔁 Review my plan")
REVISE_GOALS = N_("Choose the goal to revise, then ✏️ Edit this goal.")
REVISE_STEPS = N_("Choose a step to change, postpone or drop, or add a new one.")
REVIEW_SAVED = N_("Thank you. I will ask again on {{ day }}.")
REVIEW_ANSWERED = N_("You have answered this review already. Thank you!")

# ── counselor ───────────────────────────────────────────────────────────────────────────────
NOT_SHARED = N_("The client of case #{{ id }} has not shared a career plan.")
COMMENT_USAGE = N_("Usage: /comment [case] [step] [text], e.g. /comment 12 31 Good idea.")
SUGGEST_USAGE = N_(
    "Usage: /suggest [case] [due date] [text], e.g. /suggest 12 2027-02-01 Visit the job fair."
)
NO_SUCH_STEP = N_("Case #{{ id }} has no step #{{ step }}.")
COMMENT_SAVED = N_("Comment added to step #{{ step }}.")
SUGGESTION_SENT = N_("Suggested to the client of case #{{ id }}. I will tell you their answer.")
COMMENT_TO_CLIENT = N_("💬 Your counselor commented on your step “{{ step }}”: {{ text }}")
SUGGESTION_TO_CLIENT = N_(
    "💡 Your counselor suggests a step for your plan: “{{ text }}”, by {{ day }}."
)
SUGGESTION_ANSWERED = N_(
    "The client of case #{{ id }} {% if accepted %}accepted{% else %}declined{% endif %} your "
    "suggested step: {{ text }}"
)

# What each kind of change says in the history (rendered with before, after and note).
CHANGES = {
    ("stand", "confirmed"): N_("Confirmed where I stand"),
    ("stand", "corrected"): N_("Corrected where I stand: {{ after.note }}"),
    ("swot", "added"): N_("SWOT, {{ after.quadrant }}: added “{{ after.text }}”"),
    ("swot", "removed"): N_("SWOT, {{ before.quadrant }}: removed “{{ before.text }}”"),
    ("swot", "edited"): N_("SWOT, {{ after.quadrant }}: “{{ before.text }}” → “{{ after.text }}”"),
    ("route", "chosen"): N_("Route chosen: {{ after.route }}"),
    ("goal", "added"): N_("New goal ({{ after.horizon }}): {{ after.statement }}"),
    ("goal", "edited"): N_(
        "Goal revised: “{{ before.statement }}” ({{ before.target_date or '–' }}) → "
        "“{{ after.statement }}” ({{ after.target_date or '–' }})"
    ),
    ("goal", "linked"): N_("“{{ after.statement }}” now serves “{{ after.parent }}”"),
    ("goal", "achieved"): N_("Goal reached: {{ after.statement }}"),
    ("goal", "dropped"): N_("Goal dropped: {{ after.statement }}"),
    ("step", "added"): N_("New step: {{ after.title }} (by {{ after.due_on }})"),
    ("step", "edited"): N_("Step changed: “{{ before.title }}” → “{{ after.title }}”"),
    ("step", "done"): N_("Step done: {{ after.title }}"),
    ("step", "postponed"): N_(
        "Step postponed from {{ before.due_on }} to {{ after.due_on }}: {{ after.title }} "
        "({{ note }})"
    ),
    ("step", "dropped"): N_("Step dropped: {{ after.title }} ({{ note }})"),
    ("step", "accepted"): N_("Accepted the counselor's step: {{ after.title }}"),
    ("step", "declined"): N_("Declined the counselor's step: {{ after.title }}"),
    ("review", "answered"): N_("Reviewed the plan: it went {{ after.went }}"),
}


def _goal_flow(horizon: str) -> Flow:
    """One goal form per horizon: its own wording, and the date rules of that horizon."""
    dated = horizon != "life"
    steps: list[Step] = [
        Step(
            "statement",
            Kind.TEXT,
            STATEMENT_LABELS[horizon],
            hint=STATEMENT_HINTS[horizon],
            max_length=300,
            short=N_("Goal"),
            constraint=(lambda v, a: rules.specific(str(v))) if horizon == "short" else None,
            constraint_message=SPECIFIC_NEEDED,
        ),
        Step(
            "measure",
            Kind.TEXT,
            MEASURE_LABEL,
            hint=MEASURE_HINT,
            required=dated,
            max_length=300,
            short=N_("Measure of success"),
        ),
    ]
    if dated:
        steps.append(
            Step(
                "target_date",
                Kind.DATE,
                DATE_LABEL,
                not_before="today",
                error=DATE_NEEDED[horizon],
                window=lambda today: rules.date_window(horizon, today),
                constraint_message=DATE_OUTSIDE[horizon],
                short=N_("Target date"),
            )
        )
    steps.append(Step("review", Kind.REVIEW, HORIZON_NAMES[horizon]))
    return Flow(
        id=f"plan_goal_{horizon}",
        version=1,
        title=HORIZON_NAMES[horizon],
        in_menu=False,
        steps=tuple(steps),
    )


GOAL_FORMS = {horizon: _goal_flow(horizon) for horizon in rules.HORIZONS}

STAND_FORM = Flow(
    id="plan_stand",
    version=1,
    title=PARTS["stand"],
    in_menu=False,
    steps=(
        Step(
            "note",
            Kind.TEXT,
            N_("What would you correct or add? A few sentences are enough."),
            hint=N_("For example: what you are good at, what you want from work, what you know."),
            max_length=1000,
        ),
    ),
)

ENVIRONMENT_FLOW = Flow(
    id="plan_env",
    version=1,
    title=PARTS["environment"],
    in_menu=False,
    steps=(
        Step(
            "intro",
            Kind.MESSAGE,
            N_(
                "First the place you work or study in, or want to: it shapes your next year. "
                "Then your city and family: they shape the years after."
            ),
        ),
        Step(
            "org_name",
            Kind.TEXT,
            N_("Which employer or school are you in, or aiming for?"),
            hint=N_("Skip if you have none in mind yet."),
            required=False,
            max_length=120,
            short=N_("Employer or school"),
        ),
        Step(
            "org_needs",
            Kind.TEXT,
            N_("What do they look for in people in the role you want?"),
            hint=N_("Skills, certificates, experience, personal qualities…"),
            required=False,
            max_length=500,
            short=N_("What they look for"),
        ),
        Step(
            "org_openings",
            Kind.CHOICE,
            N_("Are they hiring or admitting at the moment?"),
            choices="plan_openings",
            short=N_("Openings"),
        ),
        Step(
            "region",
            Kind.TEXT,
            N_("In which city or region do you want to work?"),
            max_length=80,
            short=N_("City or region"),
        ),
        Step(
            "demand",
            Kind.CHOICE,
            N_("How is the demand for people in your field there?"),
            choices="plan_demand",
            short=N_("Demand in my field"),
        ),
        Step(
            "policies",
            Kind.MULTI,
            N_("Which support programmes or policies do you know of? Choose all that apply."),
            choices="plan_policies",
            short=N_("Support I know of"),
        ),
        Step(
            "family",
            Kind.MULTI,
            N_("What in your family situation shapes your plan? Choose all that apply."),
            choices="plan_family",
            short=N_("Family and constraints"),
        ),
        Step(
            "family_note",
            Kind.TEXT,
            N_("Anything else about your situation that your plan should respect?"),
            required=False,
            max_length=500,
            short=N_("Also to respect"),
        ),
        Step("review", Kind.REVIEW, N_("Your environment:")),
    ),
)

OPPORTUNITIES_FLOW = Flow(
    id="plan_opps",
    version=1,
    title=N_("Opportunities and threats"),
    in_menu=False,
    steps=(
        Step(
            "short_opps",
            Kind.TEXT,
            N_(
                "In the coming year, which opportunities do you see (at that employer or school, "
                "through people you know, in programmes)?"
            ),
            hint=N_("One per line, or separated by semicolons. Skip if none come to mind."),
            required=False,
            max_length=800,
            short=N_("Opportunities this year"),
        ),
        Step(
            "short_threats",
            Kind.TEXT,
            N_("And what could get in your way this year?"),
            hint=N_("One per line, or separated by semicolons."),
            required=False,
            max_length=800,
            short=N_("Threats this year"),
        ),
        Step(
            "long_opps",
            Kind.TEXT,
            N_("Looking five to ten years ahead, which developments could open doors for you?"),
            hint=N_("New industries in your region, an ageing population, digital services…"),
            required=False,
            max_length=800,
            short=N_("Opportunities later"),
        ),
        Step(
            "long_threats",
            Kind.TEXT,
            N_("And which developments could close doors?"),
            hint=N_("Automation, a shrinking industry, rules that change…"),
            required=False,
            max_length=800,
            short=N_("Threats later"),
        ),
        Step("review", Kind.REVIEW, N_("Opportunities and threats:")),
    ),
)

ROUTE_FORM = Flow(
    id="plan_route",
    version=1,
    title=PARTS["route"],
    in_menu=False,
    steps=(
        Step(
            "route",
            Kind.CHOICE,
            N_("Which route to work will you take first?"),
            choices="plan_routes",
            short=N_("Route"),
        ),
        Step(
            "note",
            Kind.TEXT,
            N_("Anything to note about it: a business idea, a post you were offered, a course?"),
            required=False,
            max_length=500,
            short=N_("Note"),
        ),
    ),
)

STEP_FORM = Flow(
    id="plan_step",
    version=1,
    title=N_("A step of my plan"),
    in_menu=False,
    skip_answered=True,  # an imported step asks only for its date
    steps=(
        Step(
            "kind",
            Kind.CHOICE,
            N_("What kind of step is it?"),
            choices="plan_step_kinds",
            short=N_("Kind"),
        ),
        Step(
            "title",
            Kind.TEXT,
            N_("What exactly will you do?"),
            hint=N_("For example: “Send my CV to the three hospitals in my district”."),
            max_length=300,
            short=N_("Step"),
        ),
        Step(
            "due_on",
            Kind.DATE,
            N_("By when? Send a date like 2027-01-31."),
            not_before="today",
            constraint=lambda v, a: not a.get("goal_date") or str(v) <= str(a["goal_date"]),
            constraint_message=STEP_AFTER_GOAL,
            short=N_("Due"),
        ),
        Step("review", Kind.REVIEW, N_("Your step:")),
    ),
)

POSTPONE_FORM = Flow(
    id="plan_postpone",
    version=1,
    title=N_("Postpone a step"),
    in_menu=False,
    steps=(
        Step(
            "due_on",
            Kind.DATE,
            N_("To which date? Send a date like 2027-01-31."),
            constraint=lambda v, a: str(v) > str(a.get("current_due") or ""),
            constraint_message=POSTPONE_AFTER,
        ),
        Step("reason", Kind.TEXT, N_("Why is it moving? One sentence is enough."), max_length=500),
    ),
)

DROP_FORM = Flow(
    id="plan_drop",
    version=1,
    title=N_("Drop a step"),
    in_menu=False,
    steps=(
        Step(
            "reason",
            Kind.TEXT,
            N_("Why are you dropping this step? One sentence is enough."),
            max_length=500,
        ),
    ),
)

REVIEW_FLOW = Flow(
    id="plan_review",
    version=1,
    title=PARTS["review"],
    in_menu=False,
    steps=(
        Step(
            "outcome",
            Kind.CHOICE,
            N_(
                "Your goal “{{ answers.goal_text }}” was due on {{ answers.goal_date }}. Did you "
                "reach it?"
            ),
            choices="plan_outcomes",
            relevant=lambda a: bool(a.get("goal_id")),
        ),
        Step(
            "went",
            Kind.SCALE,
            N_("How has your plan gone since you last looked at it?"),
            scale=(1, 5),
            point_labels=WENT_POINTS,
        ),
        Step(
            "changed",
            Kind.TEXT,
            N_("What has changed: in your situation, in the market, in what you want?"),
            required=False,
            max_length=800,
        ),
        Step(
            "revise",
            Kind.CHOICE,
            N_("Do you want to revise your plan?"),
            choices="plan_revisions",
        ),
        Step(
            "every",
            Kind.CHOICE,
            N_("When shall I ask you again?"),
            choices="plan_intervals",
        ),
    ),
)

CHOICE_LISTS = {
    "plan_openings": OPENINGS,
    "plan_demand": DEMAND,
    "plan_policies": POLICIES,
    "plan_family": FAMILY,
    "plan_routes": ROUTES,
    "plan_step_kinds": STEP_KINDS,
    "plan_outcomes": OUTCOMES,
    "plan_revisions": REVISIONS,
    "plan_intervals": INTERVALS,
}


# ── helpers ─────────────────────────────────────────────────────────────────────────────────
def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


async def _plan(turn: Turn) -> CareerPlan:
    return await store.plan_of(session=turn.session, user_id=turn.user_id)


async def _goal(turn: Turn, arg: str) -> PlanGoal | None:
    return await common.owned(
        turn, arg, lambda i: store.goal(session=turn.session, user_id=turn.user_id, goal_id=i)
    )


async def _step(turn: Turn, arg: str) -> PlanStep | None:
    return await common.owned(
        turn, arg, lambda i: store.step(session=turn.session, user_id=turn.user_id, step_id=i)
    )


def _refs(goals: list[PlanGoal]) -> list[rules.GoalRef]:
    return [rules.GoalRef(g.id or 0, g.horizon, g.parent_id, g.status == "active") for g in goals]


def _goal_values(goal: PlanGoal) -> dict[str, Any]:
    return {
        "statement": goal.statement,
        "measure": goal.measure,
        "target_date": goal.target_date.isoformat() if goal.target_date else None,
        "horizon": goal.horizon,
    }


def _step_values(step: PlanStep) -> dict[str, Any]:
    return {"title": step.title, "due_on": step.due_on.isoformat(), "kind": step.kind}


async def known(turn: Turn, user_id: int, locale: str) -> rules.Known:
    """What the bot knows about the person from the assessments, targets and interviews."""
    texts = turn.texts
    latest = await assessments.latest_results(session=turn.session, user_id=user_id)

    def names(measures: str, dimensions: list[str]) -> tuple[str, ...]:
        return tuple(assessment.dimension_name(texts, locale, measures, d) for d in dimensions)

    summary = {measures: result.summary for measures, result in latest.items()}
    code = summary.get("riasec", {}).get("code", "")
    targets = await assessments.targets(session=turn.session, user_id=user_id)
    to_learn: list[str] = []
    for target in targets:
        for item in (target.analysis or {}).get("to_learn", []):
            if item not in to_learn:
                to_learn.append(item)
    return rules.Known(
        holland=code,
        interests=names("riasec", list(code)),
        values=names("work_values", summary.get("work_values", {}).get("top", [])),
        strengths=names("skills", summary.get("skills", {}).get("strengths", [])[:3]),
        gaps=names("skills", summary.get("skills", {}).get("gaps", [])[:3]),
        readiness_focus=names("readiness", summary.get("readiness", {}).get("focus", [])),
        targets=tuple(t.title for t in targets),
        to_learn=tuple(to_learn),
        differs=tuple(t.title for t in targets if (t.analysis or {}).get("new_round")),
    )


async def _flow_answers(turn: Turn, user_id: int, flow: Flow) -> dict[str, Any]:
    return await turn.engine.answers_of(turn.session, user_id, flow)


def _suggestion_text(turn: Turn, locale: str, suggestion: rules.Suggestion) -> str:
    params = dict(suggestion.params)
    if "policy" in params:
        params["policy"] = common.option_label(turn.texts, locale, POLICIES, params["policy"])
    if "constraint" in params:
        params["constraint"] = common.option_label(
            turn.texts, locale, FAMILY, params["constraint"]
        )
    text = html_to_plain(turn.texts.text(locale, SUGGESTIONS[suggestion.key], **params))
    return text[: rules.ITEM_LENGTH]


async def _suggestions(turn: Turn) -> list[tuple[str, str]]:
    """(quadrant, text) of every SWOT suggestion from the person's earlier answers."""
    facts = await known(turn, turn.user_id, turn.locale)
    environment = await _flow_answers(turn, turn.user_id, ENVIRONMENT_FLOW)
    opportunities = await _flow_answers(turn, turn.user_id, OPPORTUNITIES_FLOW)
    return [
        (s.quadrant, _suggestion_text(turn, turn.locale, s))
        for s in rules.swot_suggestions(facts, environment, opportunities)
    ]


# ── the hub ─────────────────────────────────────────────────────────────────────────────────
async def _status(turn: Turn, plan: CareerPlan) -> dict[str, bool]:
    done = await repo.completed_flows(session=turn.session, user_id=turn.user_id)
    goals = await store.goals(session=turn.session, user_id=turn.user_id)
    steps = await store.steps(session=turn.session, user_id=turn.user_id)
    reviews = await store.evaluations(session=turn.session, user_id=turn.user_id)
    return {
        "stand": plan.stand_confirmed_at is not None,
        "environment": ENVIRONMENT_FLOW.id in done,
        "swot": any(plan.swot.get(q) for q in rules.QUADRANTS),
        "route": bool(plan.route),
        "goals": any(g.horizon == "short" and g.status == "active" for g in goals),
        "actions": any(s.status not in {"suggested", "declined"} for s in steps),
        "review": any(r.state == "answered" for r in reviews),
    }


async def show_hub(turn: Turn, _: str = "") -> None:
    """Shows the plan's parts, what is done, the progress of the steps and what comes next."""
    turn.screen = "menu"
    plan = await _plan(turn)
    status = await _status(turn, plan)
    steps = await store.steps(session=turn.session, user_id=turn.user_id)
    progress = rules.progress(s.status for s in steps)
    reviews = await store.evaluations(session=turn.session, user_id=turn.user_id)
    upcoming = next((r.due_on for r in reviews if r.state == "planned"), None)
    rows: list[list[Button]] = []
    next_part = next((p for p in PARTS if p != "review" and not status[p]), None)
    if next_part is not None:
        part = turn.t(PARTS[next_part])
        rows.append([Button(turn.t(CONTINUE, part=part), f"g:{PART_OPS[next_part]}")])
    for key, label in PARTS.items():
        mark = "✅ " if status[key] else ""
        rows.append([Button(mark + turn.t(label), f"g:{PART_OPS[key]}")])
    rows.append([Button(turn.t(DOCUMENT), "g:PD"), Button(turn.t(HISTORY), "g:PH")])
    rows.append([Button(turn.t(UNSHARE if plan.shared_at else SHARE), "g:PX")])
    rows.append([Button(turn.t(common.MENU), "g:M")])
    turn.send(
        turn.render(
            "plan_hub.j2",
            parts=[{"label": turn.t(PARTS[p]), "done": status[p]} for p in PARTS],
            progress=progress,
            upcoming=upcoming.isoformat() if upcoming else "",
            shared=bool(plan.shared_at),
        ),
        rows,
    )


async def continue_plan(turn: Turn, answers: Answers) -> None:
    """After a plan form: back to the plan."""
    await show_hub(turn)


# ── where I stand ───────────────────────────────────────────────────────────────────────────
async def show_stand(turn: Turn, _: str) -> None:
    """Shows the recap of what the bot knows, to confirm or correct."""
    turn.screen = "menu"
    plan = await _plan(turn)
    facts = await known(turn, turn.user_id, turn.locale)
    rows = []
    if facts.empty and not plan.stand_note:
        rows.append([Button(turn.t(TAKE_ASSESSMENT), "g:A")])
        rows.append([Button(turn.t(TELL), "g:PWC")])
    else:
        rows.append([Button(turn.t(THATS_ME), "g:PWY")])
        rows.append([Button(turn.t(CORRECT), "g:PWC")])
    rows.append([Button(turn.t(BACK_PLAN), "g:PP")])
    turn.send(
        turn.render(
            "plan_stand.j2",
            known=facts,
            note=plan.stand_note,
            confirmed=plan.stand_confirmed_at is not None,
        ),
        rows,
    )


async def confirm_stand(turn: Turn, _: str) -> None:
    """Records that the recap is right."""
    plan = await _plan(turn)
    plan.stand_confirmed_at = utcnow()
    await store.save(session=turn.session, row=plan)
    await store.record(
        session=turn.session, user_id=turn.user_id, entity="stand", change="confirmed"
    )
    turn.send(turn.t(STAND_SAVED))
    await show_hub(turn)


async def correct_stand(turn: Turn, _: str) -> None:
    """Asks what to correct or add to the recap."""
    plan = await _plan(turn)
    values = {"note": plan.stand_note} if plan.stand_note else {}
    await turn.engine.open_form(turn, STAND_FORM.id, values)


async def _stand_corrected(turn: Turn, answers: Answers) -> None:
    plan = await _plan(turn)
    plan.stand_note = str(answers["note"])
    plan.stand_confirmed_at = utcnow()
    await store.save(session=turn.session, row=plan)
    await store.record(
        session=turn.session,
        user_id=turn.user_id,
        entity="stand",
        change="corrected",
        after={"note": plan.stand_note},
    )
    turn.send(turn.t(STAND_SAVED))


# ── environment, opportunities and the SWOT ─────────────────────────────────────────────────
async def open_environment(turn: Turn, _: str) -> None:
    """Opens the environment questions (at their review once answered)."""
    await turn.engine.start_flow(turn, ENVIRONMENT_FLOW.id)


async def open_opportunities(turn: Turn, _: str) -> None:
    await turn.engine.start_flow(turn, OPPORTUNITIES_FLOW.id)


async def show_swot(turn: Turn, _: str = "") -> None:
    """Shows the four SWOT boxes; opportunities come first when not yet answered."""
    done = await repo.completed_flows(session=turn.session, user_id=turn.user_id)
    plan = await _plan(turn)
    if OPPORTUNITIES_FLOW.id not in done and not any(plan.swot.get(q) for q in rules.QUADRANTS):
        return await open_opportunities(turn, "")
    turn.screen = "menu"
    suggestions = await _suggestions(turn)
    boxes = []
    rows = []
    for letter, quadrant in QUADRANT_LETTERS.items():
        items = plan.swot.get(quadrant, [])
        fresh = [t for q, t in suggestions if q == quadrant and t not in items]
        boxes.append(
            {"name": turn.t(QUADRANT_NAMES[quadrant]), "entries": items, "new": len(fresh)}
        )
        label = f"{turn.t(QUADRANT_NAMES[quadrant])} ({len(items)})"
        rows.append([Button(label, f"g:PQ:{letter}")])
    rows.append([Button(turn.t(OPPS_QUESTIONS), "g:PO")])
    rows.append([Button(turn.t(BACK_PLAN), "g:PP")])
    environment_done = ENVIRONMENT_FLOW.id in done
    turn.send(turn.render("plan_swot.j2", boxes=boxes, environment=environment_done), rows)


async def show_quadrant(turn: Turn, arg: str, *, edit: bool = False) -> None:
    """Shows one SWOT box: its items to reword or remove, and the suggestions to add."""
    quadrant = QUADRANT_LETTERS.get(arg[:1])
    if quadrant is None:
        return await show_swot(turn)
    turn.screen = "menu"
    letter = arg[:1]
    plan = await _plan(turn)
    items: list[str] = plan.swot.get(quadrant, [])
    fresh = [t for q, t in await _suggestions(turn) if q == quadrant and t not in items]
    rows = [
        [
            Button(turn.t(REWORD_N, n=i + 1), f"g:PQE:{letter}:{i}"),
            Button(turn.t(REMOVE_N, n=i + 1), f"g:PQX:{letter}:{i}"),
        ]
        for i in range(len(items))
    ]
    rows += [
        [Button(common.fit(f"➕ {text}"), f"g:PQA:{letter}:{_digest(text)}")] for text in fresh
    ]
    rows.append([Button(turn.t(ADD_OWN), f"g:PQN:{letter}")])
    rows.append([Button(turn.t(BACK_SWOT), "g:PS")])
    turn.send(
        turn.render(
            "plan_quadrant.j2",
            name=turn.t(QUADRANT_NAMES[quadrant]),
            items=items,
            suggestions=fresh,
        ),
        rows,
        edit=edit,
    )


async def _add_item(turn: Turn, quadrant: str, text: str) -> bool:
    plan = await _plan(turn)
    items = list(plan.swot.get(quadrant, []))
    if len(items) >= rules.MAX_SWOT_ITEMS:
        turn.send(turn.t(QUADRANT_FULL, n=rules.MAX_SWOT_ITEMS))
        return False
    if text not in items:
        items.append(text)
        plan.swot = {**plan.swot, quadrant: items}
        await store.save(session=turn.session, row=plan)
        await store.record(
            session=turn.session,
            user_id=turn.user_id,
            entity="swot",
            change="added",
            after={"quadrant": quadrant, "text": text},
        )
    return True


async def add_suggestion(turn: Turn, arg: str) -> None:
    """Adds a suggested item to its SWOT box."""
    letter, _, digest = arg.partition(":")
    quadrant = QUADRANT_LETTERS.get(letter)
    text = next(
        (t for q, t in await _suggestions(turn) if q == quadrant and _digest(t) == digest), None
    )
    if quadrant is None or text is None:
        turn.reply.notice = turn.t(common.GONE)
        return await show_swot(turn)
    await _add_item(turn, quadrant, text)
    await show_quadrant(turn, letter, edit=True)


async def remove_item(turn: Turn, arg: str) -> None:
    """Removes an item from a SWOT box."""
    letter, _, index = arg.partition(":")
    quadrant = QUADRANT_LETTERS.get(letter)
    plan = await _plan(turn)
    items = list(plan.swot.get(quadrant or "", []))
    if quadrant is None or not index.isdecimal() or int(index) >= len(items):
        turn.reply.notice = turn.t(common.GONE)
        return await show_swot(turn)
    text = items.pop(int(index))
    plan.swot = {**plan.swot, quadrant: items}
    await store.save(session=turn.session, row=plan)
    await store.record(
        session=turn.session,
        user_id=turn.user_id,
        entity="swot",
        change="removed",
        before={"quadrant": quadrant, "text": text},
    )
    await show_quadrant(turn, letter, edit=True)


async def ask_own_item(turn: Turn, arg: str) -> None:
    """Waits for an item typed by the person (new, or the new wording of item n)."""
    letter, _, index = arg.partition(":")
    if letter not in QUADRANT_LETTERS:
        turn.reply.notice = turn.t(common.GONE)
        return None
    turn.screen = f"pswot:{letter}" + (f":{index}" if index else "")
    await prompt_item(turn, turn.screen.partition(":")[2])


async def reword_item(turn: Turn, arg: str) -> None:
    letter, _, index = arg.partition(":")
    plan = await _plan(turn)
    items = plan.swot.get(QUADRANT_LETTERS.get(letter, ""), [])
    if not index.isdecimal() or int(index) >= len(items):
        turn.reply.notice = turn.t(common.GONE)
        return await show_swot(turn)
    await ask_own_item(turn, arg)


async def prompt_item(turn: Turn, arg: str) -> None:
    letter, _, index = arg.partition(":")
    if index.isdecimal():
        plan = await _plan(turn)
        items = plan.swot.get(QUADRANT_LETTERS.get(letter, ""), [])
        if int(index) < len(items):
            return turn.send(turn.t(REWORD_PROMPT, n=int(index) + 1, text=items[int(index)]))
    turn.send(turn.t(OWN_PROMPT))


async def typed_item(turn: Turn, arg: str) -> None:
    """Saves the typed SWOT item (or its new wording) and shows its box again."""
    letter, _, index = arg.partition(":")
    quadrant = QUADRANT_LETTERS.get(letter)
    if quadrant is None:
        turn.back_to_current()
        return None
    try:
        text = parse_text(Step("item", Kind.TEXT, max_length=rules.ITEM_LENGTH), turn.event.text)
    except InputError as problem:
        turn.send(turn.t(problem.message, **problem.params))
        return await prompt_item(turn, arg)
    plan = await _plan(turn)
    items = list(plan.swot.get(quadrant, []))
    if index.isdecimal() and int(index) < len(items):
        before = items[int(index)]
        items[int(index)] = text
        plan.swot = {**plan.swot, quadrant: items}
        await store.save(session=turn.session, row=plan)
        await store.record(
            session=turn.session,
            user_id=turn.user_id,
            entity="swot",
            change="edited",
            before={"quadrant": quadrant, "text": before},
            after={"quadrant": quadrant, "text": text},
        )
    else:
        await _add_item(turn, quadrant, text)
    turn.screen = "menu"
    await show_quadrant(turn, letter)


async def _opportunities_done(turn: Turn, answers: Answers) -> None:
    await show_swot(turn)


# ── route ───────────────────────────────────────────────────────────────────────────────────
async def show_route(turn: Turn, _: str = "") -> None:
    """Shows the chosen route with its next steps (or asks for the route first)."""
    plan = await _plan(turn)
    if not plan.route:
        return await turn.engine.start_flow(turn, ROUTE_FORM.id)
    turn.screen = "menu"
    answers = await _flow_answers(turn, turn.user_id, ROUTE_FORM)
    turn.send(
        turn.render(
            "plan_route.j2",
            route=common.option_label(turn.texts, turn.locale, ROUTES, plan.route),
            meaning=turn.t(ROUTE_MEANINGS[plan.route]),
            note=answers.get("note") or "",
            steps=[step.text_in(turn.locale) for step in rules.route_steps()[plan.route]],
        ),
        [
            [Button(turn.t(PARTS["actions"]), "g:PA")],
            [Button(turn.t(CHANGE_ROUTE), "g:PRC")],
            [Button(turn.t(BACK_PLAN), "g:PP")],
        ],
    )


async def choose_route(turn: Turn, _: str) -> None:
    await turn.engine.open_form(turn, ROUTE_FORM.id, {})


async def _route_chosen(turn: Turn, answers: Answers) -> None:
    plan = await _plan(turn)
    plan.route = str(answers["route"])
    await store.save(session=turn.session, row=plan)
    await store.record(
        session=turn.session,
        user_id=turn.user_id,
        entity="route",
        change="chosen",
        after={"route": plan.route, "note": answers.get("note") or ""},
    )


async def _after_route(turn: Turn, answers: Answers) -> None:
    await show_route(turn)


# ── goals ───────────────────────────────────────────────────────────────────────────────────
async def show_goals(turn: Turn, _: str = "") -> None:
    """Lists the goals by horizon, with what serves what and what is missing."""
    turn.screen = "menu"
    goals = await store.goals(session=turn.session, user_id=turn.user_id)
    active = [g for g in goals if g.status == "active"]
    refs = _refs(goals)
    unlinked = {g.id for g in rules.unlinked(refs)}
    by_id = {g.id: g for g in goals}
    horizons = []
    rows: list[list[Button]] = []
    for horizon in rules.HORIZONS:
        listed = [g for g in active if g.horizon == horizon]
        horizons.append(
            {
                "name": turn.t(HORIZON_NAMES[horizon]),
                "goals": [
                    {
                        "statement": g.statement,
                        "date": g.target_date.isoformat() if g.target_date else "",
                        "parent": by_id[g.parent_id].statement
                        if g.parent_id in by_id and by_id[g.parent_id].status == "active"
                        else "",
                        "unlinked": g.id in unlinked,
                    }
                    for g in listed
                ],
            }
        )
        rows += [[Button(common.fit(f"🎯 {g.statement}"), f"g:PGO:{g.id}")] for g in listed]
    for horizon in rules.HORIZONS:
        name = turn.t(HORIZON_NAMES[horizon])
        rows.append([Button(turn.t(ADD_GOAL, horizon=name), f"g:PGA:{horizon}")])
    rows.append([Button(turn.t(BACK_PLAN), "g:PP")])
    achieved = [g.statement for g in goals if g.status == "achieved"]
    turn.send(
        turn.render(
            "plan_goals.j2",
            horizons=horizons,
            achieved=achieved,
            missing=[turn.t(HORIZON_NAMES[h]) for h in rules.missing_horizons(refs)],
        ),
        rows,
    )


async def add_goal(turn: Turn, arg: str) -> None:
    """Asks for a new goal on one horizon."""
    if arg not in GOAL_FORMS:
        turn.reply.notice = turn.t(common.GONE)
        return await show_goals(turn)
    await turn.engine.open_form(turn, GOAL_FORMS[arg].id, {})


async def edit_goal(turn: Turn, arg: str) -> None:
    """Opens a goal's form at its review, to change any part of it."""
    goal = await _goal(turn, arg)
    if goal is None:
        return await show_goals(turn)
    values = {k: v for k, v in _goal_values(goal).items() if k != "horizon" and v is not None}
    await turn.engine.open_form(
        turn,
        GOAL_FORMS[goal.horizon].id,
        values | {"goal_id": goal.id},
        review=True,
    )


def _goal_saved(horizon: str) -> OnComplete:
    async def saved(turn: Turn, answers: Answers) -> None:
        await repo.clear_answers(
            session=turn.session, user_id=turn.user_id, flow_id=GOAL_FORMS[horizon].id
        )
        day = answers.get("target_date")
        fields: dict[str, Any] = {
            "statement": str(answers["statement"]),
            "measure": str(answers.get("measure") or ""),
            "target_date": date.fromisoformat(day) if day else None,
        }
        goal = None
        if answers.get("goal_id"):
            goal = await store.goal(
                session=turn.session, user_id=turn.user_id, goal_id=int(answers["goal_id"])
            )
        if goal is None:
            goal = PlanGoal(user_id=turn.user_id, horizon=horizon, **fields)
            await store.save(session=turn.session, row=goal)
            change, before = "added", None
        else:
            before = _goal_values(goal)
            for key, value in fields.items():
                setattr(goal, key, value)
            await store.save(session=turn.session, row=goal)
            change = "edited"
        after = _goal_values(goal)
        await store.record(
            session=turn.session,
            user_id=turn.user_id,
            entity="goal",
            entity_id=goal.id,
            change=change,
            before=before,
            after=after,
        )
        await _plan_goal_check(turn, goal)
        if horizon == "short":
            await _ensure_review(turn)
        await _show_goal(turn, goal, linking=change == "added")

    return saved


async def show_goal(turn: Turn, arg: str) -> None:
    """Shows one goal: what it serves, what serves it, its steps."""
    goal = await _goal(turn, arg)
    if goal is None:
        return await show_goals(turn)
    await _show_goal(turn, goal)


async def _show_goal(turn: Turn, goal: PlanGoal, *, linking: bool = False) -> None:
    turn.screen = "menu"
    goals = await store.goals(session=turn.session, user_id=turn.user_id)
    refs = _refs(goals)
    by_id = {g.id: g for g in goals}
    me = next(r for r in refs if r.id == goal.id)
    candidates = [by_id[r.id] for r in rules.parents_for(me, refs)]
    steps = [
        s
        for s in await store.steps(session=turn.session, user_id=turn.user_id)
        if s.goal_id == goal.id
    ]
    rows = []
    if goal.status == "active":
        for parent in candidates:
            mark = "✅ " if parent.id == goal.parent_id else ""
            label = mark + turn.t(SERVES, statement=parent.statement)
            rows.append([Button(common.fit(label), f"g:PGL:{goal.id}:{parent.id}")])
        rows.append([Button(turn.t(EDIT_GOAL), f"g:PGE:{goal.id}")])
        if goal.horizon == "short":
            rows.append(
                [Button(common.fit(turn.t(ADD_STEP, goal=goal.statement)), f"g:PN:{goal.id}")]
            )
        rows.append([Button(turn.t(DROP_GOAL), f"g:PGX:{goal.id}")])
    rows.append([Button(turn.t(BACK_GOALS), "g:PG")])
    parent_goal = by_id.get(goal.parent_id) if goal.parent_id else None
    turn.send(
        turn.render(
            "plan_goal.j2",
            goal=goal,
            horizon=turn.t(HORIZON_NAMES[goal.horizon]),
            parent=parent_goal.statement if parent_goal else "",
            children=[
                g.statement for g in goals if g.parent_id == goal.id and g.status == "active"
            ],
            steps=[_step_line(turn, s) for s in steps],
            progress=rules.progress(s.status for s in steps),
            ask_link=linking and bool(candidates) and not goal.parent_id,
        ),
        rows,
    )


async def link_goal(turn: Turn, arg: str) -> None:
    """Records which higher goal a goal serves."""
    goal_arg, _, parent_arg = arg.partition(":")
    goal = await _goal(turn, goal_arg)
    parent = await _goal(turn, parent_arg) if goal is not None else None
    if goal is None or parent is None:
        return await show_goals(turn)
    me = next(r for r in _refs([goal, parent]) if r.id == goal.id)
    if parent.horizon not in rules.HIGHER[me.horizon] or parent.status != "active":
        turn.reply.notice = turn.t(common.GONE)
        return await _show_goal(turn, goal)
    goal.parent_id = parent.id
    await store.save(session=turn.session, row=goal)
    await store.record(
        session=turn.session,
        user_id=turn.user_id,
        entity="goal",
        entity_id=goal.id,
        change="linked",
        after={"statement": goal.statement, "parent": parent.statement},
    )
    turn.reply.notice = turn.t(LINKED)
    await _show_goal(turn, goal)


async def drop_goal(turn: Turn, arg: str) -> None:
    """Drops a goal (kept in the history); its planned reminders stop."""
    goal = await _goal(turn, arg)
    if goal is None:
        return await show_goals(turn)
    await _close_goal(turn, goal, "dropped")
    turn.send(turn.t(GOAL_DROPPED))
    await show_goals(turn)


async def _close_goal(turn: Turn, goal: PlanGoal, status: str, note: str = "") -> None:
    goal.status = status
    await store.save(session=turn.session, row=goal)
    await store.cancel_evaluations(
        session=turn.session, user_id=turn.user_id, trigger="goal", goal_id=goal.id
    )
    await store.record(
        session=turn.session,
        user_id=turn.user_id,
        entity="goal",
        entity_id=goal.id,
        change=status,
        after=_goal_values(goal),
        note=note,
    )


# ── action plan ─────────────────────────────────────────────────────────────────────────────
def step_line(texts: Any, locale: str, today: date, step: PlanStep) -> dict[str, Any]:
    """One step as the screens, the document and the counselor's case show it."""
    return {
        "id": step.id,
        "icon": STATUS_ICONS.get(step.status, "▫️"),
        "title": step.title,
        "due": step.due_on.isoformat(),
        "status": texts.plain(locale, STATUS_NAMES.get(step.status, STATUS_NAMES["open"])),
        "overdue": rules.overdue(step.status, step.due_on, today),
        "reason": step.reason,
        "comments": step.comments,
    }


def _open_first(step: PlanStep) -> tuple[int, date]:
    """Steps still to do first (by date), then done ones, then dropped and declined ones."""
    rank = {"open": 0, "postponed": 0, "suggested": 0, "done": 1}
    return rank.get(step.status, 2), step.due_on


def _step_line(turn: Turn, step: PlanStep) -> dict[str, Any]:
    return step_line(turn.texts, turn.locale, turn.engine.today(), step)


async def show_actions(turn: Turn, _: str = "", *, intro: str = "") -> None:
    """Shows the steps under each short-term goal with the progress ("4 of 9 steps done")."""
    turn.screen = "menu"
    goals = [
        g
        for g in await store.goals(session=turn.session, user_id=turn.user_id)
        if g.horizon == "short" and g.status == "active"
    ]
    steps = await store.steps(session=turn.session, user_id=turn.user_id)
    rows: list[list[Button]] = []
    sections = []
    goal_ids = {g.id for g in goals}
    for goal in goals:
        mine = [s for s in steps if s.goal_id == goal.id and s.status != "suggested"]
        sections.append(
            {
                "goal": goal.statement,
                "date": str(goal.target_date or ""),
                "steps": [_step_line(turn, s) for s in mine],
            }
        )
        rows += [
            [Button(common.fit(f"{STATUS_ICONS[s.status]} {s.title}"), f"g:PT:{s.id}")]
            for s in mine
            if s.status in {"open", "postponed"}
        ]
        rows.append(
            [
                Button(common.fit(turn.t(ADD_STEP, goal=goal.statement)), f"g:PN:{goal.id}"),
            ]
        )
        rows.append([Button(common.fit(turn.t(IMPORT, goal=goal.statement)), f"g:PI:{goal.id}")])
    other = [
        s for s in steps if s.goal_id not in goal_ids and s.status not in {"suggested", "declined"}
    ]
    rows += [
        [Button(common.fit(f"{STATUS_ICONS[s.status]} {s.title}"), f"g:PT:{s.id}")]
        for s in other
        if s.status in {"open", "postponed"}
    ]
    suggested = [s for s in steps if s.status == "suggested"]
    for s in suggested:
        rows.append(
            [
                Button(common.fit(f"{turn.t(ACCEPT)}: {s.title}"), f"g:PC:{s.id}:1"),
                Button(turn.t(DECLINE), f"g:PC:{s.id}:0"),
            ]
        )
    if not goals:
        name = turn.t(HORIZON_NAMES["short"])
        rows.append([Button(turn.t(ADD_GOAL, horizon=name), "g:PGA:short")])
    rows.append([Button(turn.t(BACK_PLAN), "g:PP")])
    turn.send(
        turn.render(
            "plan_actions.j2",
            intro=intro,
            sections=sections,
            other=[_step_line(turn, s) for s in other],
            suggested=[_step_line(turn, s) for s in suggested],
            progress=rules.progress(s.status for s in steps),
            no_goal=not goals,
            zone=followup.zone_of(turn, turn.user),
            quiet=followup.quiet_hours_of(turn, turn.user),
        ),
        rows,
    )


async def add_step(turn: Turn, arg: str, values: dict[str, Any] | None = None) -> None:
    """Asks for a new step under a short-term goal."""
    goal = await _goal(turn, arg)
    if goal is None or goal.horizon != "short" or goal.status != "active":
        return await show_actions(turn)
    context = {
        "goal_id": goal.id,
        "goal_date": goal.target_date.isoformat() if goal.target_date else None,
    }
    await turn.engine.open_form(turn, STEP_FORM.id, context | (values or {}))


def _importable(turn: Turn, route: str | None, to_learn: tuple[str, ...]) -> list[dict[str, Any]]:
    """What can become a step: the route's next steps and the interviews' to-learn items."""
    items = [
        {"kind": step.kind, "title": step.text_in(turn.locale), "source": "route"}
        for step in rules.route_steps().get(route or "", ())
    ]
    items += [{"kind": "skills", "title": t, "source": "interview"} for t in to_learn]
    return items


async def show_import(turn: Turn, arg: str) -> None:
    """Lists next steps of the route and to-learn items of the interviews to add as steps."""
    goal = await _goal(turn, arg)
    if goal is None:
        return await show_actions(turn)
    turn.screen = "menu"
    plan = await _plan(turn)
    facts = await known(turn, turn.user_id, turn.locale)
    titles = {s.title for s in await store.steps(session=turn.session, user_id=turn.user_id)}
    items = [i for i in _importable(turn, plan.route, facts.to_learn) if i["title"] not in titles]
    rows = [
        [Button(common.fit(f"➕ {i['title']}"), f"g:PIA:{goal.id}:{_digest(i['title'])}")]
        for i in items
    ]
    rows.append([Button(turn.t(BACK_ACTIONS), "g:PA")])
    turn.send(
        turn.render("plan_import.j2", goal=goal.statement, items=items, empty=not items), rows
    )


async def import_step(turn: Turn, arg: str) -> None:
    """Opens the step form filled in from an importable item: only its date is asked."""
    goal_arg, _, digest = arg.partition(":")
    plan = await _plan(turn)
    facts = await known(turn, turn.user_id, turn.locale)
    item = next(
        (
            i
            for i in _importable(turn, plan.route, facts.to_learn)
            if _digest(i["title"]) == digest
        ),
        None,
    )
    if item is None:
        turn.reply.notice = turn.t(common.GONE)
        return await show_actions(turn)
    await add_step(
        turn, goal_arg, {"kind": item["kind"], "title": item["title"], "source": item["source"]}
    )


async def _step_saved(turn: Turn, answers: Answers) -> None:
    await repo.clear_answers(session=turn.session, user_id=turn.user_id, flow_id=STEP_FORM.id)
    step = None
    if answers.get("step_id"):
        step = await store.step(
            session=turn.session, user_id=turn.user_id, step_id=int(answers["step_id"])
        )
    fields: dict[str, Any] = {
        "kind": str(answers["kind"]),
        "title": str(answers["title"]),
        "due_on": date.fromisoformat(str(answers["due_on"])),
    }
    if step is None:
        step = PlanStep(
            user_id=turn.user_id,
            goal_id=int(answers["goal_id"]) if answers.get("goal_id") else None,
            source=str(answers.get("source") or "own"),
            **fields,
        )
        await store.save(session=turn.session, row=step)
        change, before = "added", None
    else:
        before = _step_values(step)
        for key, value in fields.items():
            setattr(step, key, value)
        await store.save(session=turn.session, row=step)
        change = "edited"
    await store.record(
        session=turn.session,
        user_id=turn.user_id,
        entity="step",
        entity_id=step.id,
        change=change,
        before=before,
        after=_step_values(step),
    )
    await _schedule_step(turn, step)
    await _ensure_review(turn)
    await show_actions(turn)


async def show_step(turn: Turn, arg: str) -> None:
    """Shows one step with its goal, date, status, reasons and the counselor's comments."""
    step = await _step(turn, arg)
    if step is None:
        return await show_actions(turn)
    turn.screen = "menu"
    goal = (
        await store.goal(session=turn.session, user_id=turn.user_id, goal_id=step.goal_id)
        if step.goal_id
        else None
    )
    rows = []
    if step.status in {"open", "postponed"}:
        rows.append(
            [
                Button(turn.t(DONE_BUTTON), f"g:PTD:{step.id}"),
                Button(turn.t(POSTPONE), f"g:PTP:{step.id}"),
            ]
        )
        rows.append(
            [
                Button(turn.t(DROP), f"g:PTX:{step.id}"),
                Button(turn.t(EDIT_STEP), f"g:PTE:{step.id}"),
            ]
        )
    rows.append([Button(turn.t(BACK_ACTIONS), "g:PA")])
    turn.send(
        turn.render(
            "plan_step.j2",
            step=_step_line(turn, step),
            kind=common.option_label(turn.texts, turn.locale, STEP_KINDS, step.kind),
            goal=goal.statement if goal else "",
        ),
        rows,
    )


async def step_done(turn: Turn, arg: str) -> None:
    """Marks a step done and says how far the plan is."""
    step = await _step(turn, arg)
    if step is None:
        return await show_actions(turn)
    if step.status in {"open", "postponed"}:
        step.status, step.done_at = "done", utcnow()
        await store.save(session=turn.session, row=step)
        await outbox.cancel_pending(
            session=turn.session, user_id=turn.user_id, prefix=f"ps{step.id}:"
        )
        await store.record(
            session=turn.session,
            user_id=turn.user_id,
            entity="step",
            entity_id=step.id,
            change="done",
            after=_step_values(step),
        )
    steps = await store.steps(session=turn.session, user_id=turn.user_id)
    progress = rules.progress(s.status for s in steps)
    await show_actions(turn, intro=turn.t(STEP_DONE, done=progress.done, total=progress.total))


async def postpone_step(turn: Turn, arg: str) -> None:
    """Asks for the new date and the reason."""
    step = await _step(turn, arg)
    if step is None or step.status not in {"open", "postponed"}:
        return await show_actions(turn)
    await turn.engine.open_form(
        turn,
        POSTPONE_FORM.id,
        {"step_id": step.id, "current_due": step.due_on.isoformat()},
    )


async def _postponed(turn: Turn, answers: Answers) -> None:
    await repo.clear_answers(session=turn.session, user_id=turn.user_id, flow_id=POSTPONE_FORM.id)
    step = await store.step(
        session=turn.session, user_id=turn.user_id, step_id=int(answers["step_id"])
    )
    if step is None or step.status not in {"open", "postponed"}:
        return await show_actions(turn)
    before = _step_values(step)
    step.due_on, step.status = date.fromisoformat(str(answers["due_on"])), "postponed"
    step.reason = str(answers["reason"])
    await store.save(session=turn.session, row=step)
    await store.record(
        session=turn.session,
        user_id=turn.user_id,
        entity="step",
        entity_id=step.id,
        change="postponed",
        before=before,
        after=_step_values(step),
        note=step.reason,
    )
    await _schedule_step(turn, step)
    await show_actions(turn)


async def drop_step(turn: Turn, arg: str) -> None:
    """Asks why the step is dropped."""
    step = await _step(turn, arg)
    if step is None or step.status not in {"open", "postponed"}:
        return await show_actions(turn)
    await turn.engine.open_form(turn, DROP_FORM.id, {"step_id": step.id})


async def _dropped(turn: Turn, answers: Answers) -> None:
    await repo.clear_answers(session=turn.session, user_id=turn.user_id, flow_id=DROP_FORM.id)
    step = await store.step(
        session=turn.session, user_id=turn.user_id, step_id=int(answers["step_id"])
    )
    if step is None or step.status not in {"open", "postponed"}:
        return await show_actions(turn)
    step.status, step.reason = "dropped", str(answers["reason"])
    await store.save(session=turn.session, row=step)
    await outbox.cancel_pending(session=turn.session, user_id=turn.user_id, prefix=f"ps{step.id}:")
    await store.record(
        session=turn.session,
        user_id=turn.user_id,
        entity="step",
        entity_id=step.id,
        change="dropped",
        after=_step_values(step),
        note=step.reason,
    )
    await show_actions(turn)


async def edit_step(turn: Turn, arg: str) -> None:
    """Opens a step's form at its review."""
    step = await _step(turn, arg)
    if step is None:
        return await show_actions(turn)
    goal = (
        await store.goal(session=turn.session, user_id=turn.user_id, goal_id=step.goal_id)
        if step.goal_id
        else None
    )
    values = _step_values(step) | {
        "step_id": step.id,
        "goal_id": step.goal_id,
        "goal_date": goal.target_date.isoformat() if goal and goal.target_date else None,
    }
    await turn.engine.open_form(turn, STEP_FORM.id, values, review=True)


async def _at_ten(turn: Turn, day: date, person: User) -> datetime:
    """10:00 on `day` in the person's zone, or now when that has passed; never in quiet hours."""
    moment = planner.check_in_moment(day, followup.zone_of(turn, person))
    return followup.deliverable(turn, max(moment, utcnow()), person)


async def _schedule_step(turn: Turn, step: PlanStep) -> None:
    """Plans the step's reminder for its day in the outbox, replacing an earlier one."""
    assert turn.user is not None
    await outbox.cancel_pending(session=turn.session, user_id=turn.user_id, prefix=f"ps{step.id}:")
    if step.status not in {"open", "postponed"} or step.due_on < turn.engine.today():
        return
    text = turn.render("plan_step_due.j2", title=step.title, day=step.due_on.isoformat())
    buttons = [[(turn.t(DONE_BUTTON), f"g:PTD:{step.id}"), (turn.t(POSTPONE), f"g:PTP:{step.id}")]]
    await outbox.enqueue(
        session=turn.session,
        user_id=turn.user_id,
        chat_id=turn.user.telegram_id,
        kind=f"ps{step.id}:due",
        payload=outbox.rendered_payload(str(text), buttons),
        due_at=await _at_ten(turn, step.due_on, turn.user),
    )


async def retime(turn: Turn) -> None:
    """Plans the pending step and review reminders again (the time zone or quiet hours changed)."""
    for step in await store.steps(session=turn.session, user_id=turn.user_id):
        if step.status in {"open", "postponed"}:
            await _schedule_step(turn, step)
    goals = {g.id: g for g in await store.goals(session=turn.session, user_id=turn.user_id)}
    for row in await store.evaluations(session=turn.session, user_id=turn.user_id):
        if row.state == "planned":
            await outbox.cancel_if_pending(
                session=turn.session, id=row.outbox_id, error="replanned"
            )
            await _queue_review(turn, row, goals.get(row.goal_id))


# ── evaluation ──────────────────────────────────────────────────────────────────────────────
async def _queue_review(turn: Turn, row: PlanEvaluation, goal: PlanGoal | None = None) -> None:
    assert turn.user is not None
    text = turn.render(
        "plan_review_invite.j2",
        goal=goal.statement if goal else "",
        day=goal.target_date.isoformat() if goal and goal.target_date else "",
    )
    message = await outbox.enqueue(
        session=turn.session,
        user_id=turn.user_id,
        chat_id=turn.user.telegram_id,
        kind=f"pe{row.id}:",
        payload=outbox.rendered_payload(str(text), [[(turn.t(START_REVIEW), f"g:PV:{row.id}")]]),
        due_at=await _at_ten(turn, row.due_on, turn.user),
    )
    row.outbox_id = message.id
    await store.save(session=turn.session, row=row)


async def _plan_review(turn: Turn, start: date) -> PlanEvaluation:
    """Plans the next periodic evaluation, replacing a planned one."""
    plan = await _plan(turn)
    await store.cancel_evaluations(session=turn.session, user_id=turn.user_id, trigger="interval")
    row = PlanEvaluation(
        user_id=turn.user_id, due_on=rules.next_review(start, plan.review_every_days)
    )
    await store.save(session=turn.session, row=row)
    await _queue_review(turn, row)
    return row


async def _ensure_review(turn: Turn) -> None:
    """Starts the review rhythm when the plan gets its first short-term goal or step."""
    reviews = await store.evaluations(session=turn.session, user_id=turn.user_id)
    if not any(r.trigger == "interval" and r.state == "planned" for r in reviews):
        await _plan_review(turn, turn.engine.today())


async def _plan_goal_check(turn: Turn, goal: PlanGoal) -> None:
    """Plans the look back on the day after a goal's date (replacing an earlier one)."""
    await store.cancel_evaluations(
        session=turn.session, user_id=turn.user_id, trigger="goal", goal_id=goal.id
    )
    if goal.status != "active" or goal.target_date is None:
        return
    row = PlanEvaluation(
        user_id=turn.user_id,
        trigger="goal",
        goal_id=goal.id,
        due_on=goal.target_date + timedelta(days=1),
    )
    await store.save(session=turn.session, row=row)
    await _queue_review(turn, row, goal)


async def start_review(turn: Turn, arg: str) -> None:
    """Opens the evaluation: the planned one named, or the next periodic one answered early."""
    reviews = await store.evaluations(session=turn.session, user_id=turn.user_id)
    evaluation_id = common.record_id(arg)
    row = next((r for r in reviews if r.id == evaluation_id), None) if arg else None
    if arg and row is None:
        turn.reply.notice = turn.t(common.GONE)
        return await show_hub(turn)
    if row is not None and row.state != "planned":
        turn.reply.notice = turn.t(REVIEW_ANSWERED)
        return await show_hub(turn)
    if row is None:
        row = next((r for r in reviews if r.trigger == "interval" and r.state == "planned"), None)
    if row is None:
        row = PlanEvaluation(user_id=turn.user_id, due_on=turn.engine.today())
        await store.save(session=turn.session, row=row)
    plan = await _plan(turn)
    values: dict[str, Any] = {"evaluation_id": row.id, "every": str(plan.review_every_days)}
    if row.goal_id:
        goal = await store.goal(session=turn.session, user_id=turn.user_id, goal_id=row.goal_id)
        if goal is not None:
            values |= {
                "goal_id": goal.id,
                "goal_text": goal.statement,
                "goal_date": str(goal.target_date or ""),
            }
    await turn.engine.open_form(turn, REVIEW_FLOW.id, values)


async def _reviewed(turn: Turn, answers: Answers) -> None:
    await repo.clear_answers(session=turn.session, user_id=turn.user_id, flow_id=REVIEW_FLOW.id)
    row = await store.evaluation(
        session=turn.session, user_id=turn.user_id, evaluation_id=int(answers["evaluation_id"])
    )
    if row is None:
        return
    row.answers = {k: v for k, v in answers.items() if k not in {"evaluation_id"}}
    row.state, row.answered_at = "answered", utcnow()
    await store.save(session=turn.session, row=row)
    await outbox.cancel_if_pending(session=turn.session, id=row.outbox_id, error="answered")
    went = _label_point(turn, int(answers["went"]))
    await store.record(
        session=turn.session,
        user_id=turn.user_id,
        entity="review",
        entity_id=row.id,
        change="answered",
        after={"went": went, "revise": answers["revise"], "changed": answers.get("changed")},
        note=str(answers.get("changed") or ""),
    )
    goal = (
        await store.goal(session=turn.session, user_id=turn.user_id, goal_id=row.goal_id)
        if row.goal_id
        else None
    )
    outcome = answers.get("outcome")
    if goal is not None and goal.status == "active" and outcome in {"achieved", "obsolete"}:
        await _close_goal(turn, goal, "achieved" if outcome == "achieved" else "dropped")
    plan = await _plan(turn)
    plan.review_every_days = int(answers["every"])
    await store.save(session=turn.session, row=plan)
    upcoming = await _plan_review(turn, turn.engine.today())
    turn.send(turn.t(REVIEW_SAVED, day=upcoming.due_on.isoformat()))


def _label_point(turn: Turn, value: int) -> str:
    return turn.plain(WENT_POINTS[max(1, min(5, value)) - 1]).lower()


async def _after_review(turn: Turn, answers: Answers) -> None:
    revise = answers.get("revise")
    if revise in {"goals", "both"}:
        turn.send(turn.t(REVISE_GOALS))
        return await show_goals(turn)
    if revise == "steps":
        return await show_actions(turn, intro=turn.t(REVISE_STEPS))
    await show_hub(turn)


# ── history, document, sharing ──────────────────────────────────────────────────────────────
async def _history_lines(turn: Turn, user_id: int, locale: str) -> list[dict[str, str]]:
    zone = ZoneInfo(followup.zone_of(turn, turn.user))
    lines = []
    for row in await store.history(session=turn.session, user_id=user_id):
        message = CHANGES.get((row.entity, row.change))
        if message is None:
            continue
        before, after = dict(row.before), dict(row.after)
        for values in (before, after):
            if "quadrant" in values:
                values["quadrant"] = html_to_plain(
                    turn.texts.text(locale, QUADRANT_NAMES[values["quadrant"]])
                )
            if "route" in values:
                values["route"] = common.option_label(turn.texts, locale, ROUTES, values["route"])
            if values.get("horizon") in HORIZON_NAMES:
                values["horizon"] = turn.texts.plain(locale, HORIZON_NAMES[values["horizon"]])
        text = turn.texts.text(locale, message, before=before, after=after, note=row.note)
        lines.append({"day": row.at.astimezone(zone).date().isoformat(), "text": text})
    return lines


async def show_history(turn: Turn, _: str) -> None:
    """Shows how the plan changed, oldest first (the last 30 changes)."""
    turn.screen = "menu"
    lines = await _history_lines(turn, turn.user_id, turn.locale)
    turn.send(
        turn.render("plan_history.j2", lines=lines[-30:], more=max(0, len(lines) - 30)),
        [[Button(turn.t(BACK_PLAN), "g:PP")]],
    )


async def plan_context(turn: Turn, user: User, locale: str) -> dict[str, Any]:
    """Everything the plan document shows, in `locale` (also for the counselor)."""
    user_id = user.id or 0
    texts = turn.texts
    plan = await store.find_plan(session=turn.session, user_id=user_id) or CareerPlan(
        user_id=user_id
    )
    goals = await store.goals(session=turn.session, user_id=user_id)
    steps = await store.steps(session=turn.session, user_id=user_id)
    done = await repo.completed_flows(session=turn.session, user_id=user_id)
    describe = turn.engine.describe
    route_answers = await _flow_answers(turn, user_id, ROUTE_FORM)
    reviews = [
        r
        for r in await store.evaluations(session=turn.session, user_id=user_id)
        if r.state == "answered"
    ]
    today = turn.engine.today()
    by_id = {g.id: g for g in goals}

    def line(step: PlanStep) -> dict[str, Any]:
        return step_line(texts, locale, today, step)

    horizons = []
    for horizon in rules.HORIZONS:
        horizons.append(
            {
                "name": texts.text(locale, HORIZON_NAMES[horizon]),
                "goals": [
                    {
                        "statement": g.statement,
                        "measure": g.measure,
                        "date": g.target_date.isoformat() if g.target_date else "",
                        "parent": by_id[g.parent_id].statement if g.parent_id in by_id else "",
                        "steps": [
                            line(s) for s in sorted(steps, key=_open_first) if s.goal_id == g.id
                        ],
                    }
                    for g in goals
                    if g.horizon == horizon and g.status == "active"
                ],
            }
        )
    return {
        "name": user.display_name or "",
        "today": today.isoformat(),
        "known": await known(turn, user_id, locale),
        "stand_note": plan.stand_note,
        "environment": await describe(turn.session, user_id, ENVIRONMENT_FLOW.id, locale)
        if ENVIRONMENT_FLOW.id in done
        else [],
        "opportunities": await describe(turn.session, user_id, OPPORTUNITIES_FLOW.id, locale)
        if OPPORTUNITIES_FLOW.id in done
        else [],
        "swot": [
            {
                "name": texts.text(locale, QUADRANT_NAMES[q]),
                "entries": plan.swot.get(q, []),
            }
            for q in rules.QUADRANTS
        ],
        "route": common.option_label(texts, locale, ROUTES, plan.route) if plan.route else "",
        "route_note": route_answers.get("note") or "",
        "horizons": horizons,
        "achieved": [g.statement for g in goals if g.status == "achieved"],
        "other": [
            line(s)
            for s in steps
            if (s.goal_id not in by_id or by_id[s.goal_id].status != "active")
            and s.status not in {"suggested", "declined"}
        ],
        "suggested": [line(s) for s in steps if s.status == "suggested"],
        "progress": rules.progress(s.status for s in steps),
        "reviews": [
            {
                "day": (r.answered_at or utcnow()).date().isoformat(),
                "went": texts.plain(locale, WENT_POINTS[int(r.answers.get("went", 3)) - 1]),
                "changed": r.answers.get("changed") or "",
            }
            for r in reviews
        ],
        "history": await _history_lines(turn, user_id, locale),
    }


async def send_document(turn: Turn, _: str) -> None:
    """Sends the whole plan as a message and as a Markdown document."""
    assert turn.user is not None
    context = await plan_context(turn, turn.user, turn.locale)
    turn.send(turn.render("plan_message.j2", **context))
    document = html_to_plain(turn.render("plan_document.j2", **context)).strip() + "\n"
    turn.reply.messages.append(
        Outbound(
            text="",
            document=Document("career-plan.md", document.encode("utf-8"), turn.t(TITLE)),
        )
    )
    await show_hub(turn)


async def toggle_share(turn: Turn, _: str) -> None:
    """Lets the counselor follow the plan, or stops it (the person's choice)."""
    plan = await _plan(turn)
    if plan.shared_at:
        plan.shared_at = None
        turn.send(turn.t(UNSHARED))
    else:
        plan.shared_at = utcnow()
        case = await cases.get_case_for_client(session=turn.session, client_id=turn.user_id)
        turn.send(turn.t(SHARED if case and case.counselor_id else NO_COUNSELOR))
    await store.save(session=turn.session, row=plan)
    await show_hub(turn)


# ── the counselor's side ────────────────────────────────────────────────────────────────────
async def _shared_plan_case(turn: Turn, raw_id: str, action: str) -> tuple[Any, User] | None:
    from bot.dialogs import counselor  # counselor.py imports this module

    case = await counselor.staff_action(turn, raw_id, action)
    if case is None:
        return None
    plan = await store.find_plan(session=turn.session, user_id=case.client_id)
    client = await cases.get_user(session=turn.session, user_id=case.client_id)
    if plan is None or plan.shared_at is None or client is None:
        turn.send(turn.t(NOT_SHARED, id=case.id))
        return None
    return case, client


async def case_section(turn: Turn, client_id: int, locale: str) -> str:
    """The client's plan and its progress for the counselor's case, when they shared it."""
    plan = await store.find_plan(session=turn.session, user_id=client_id)
    client = await cases.get_user(session=turn.session, user_id=client_id)
    if plan is None or plan.shared_at is None or client is None:
        return ""
    context = await plan_context(turn, client, locale)
    return str(turn.texts.render(locale, "case_plan.j2", **context))


async def counselor_plan(turn: Turn, args: str) -> None:
    """Sends a client's shared plan to the counselor as a message and a document."""
    found = await _shared_plan_case(turn, args.strip(), "read_plan")
    if found is None:
        return
    case, client = found
    context = await plan_context(turn, client, turn.locale)
    turn.send(turn.render("case_plan.j2", **context))
    document = html_to_plain(turn.render("plan_document.j2", **context)).strip() + "\n"
    turn.reply.messages.append(
        Outbound(
            text="",
            document=Document(
                f"career-plan-case-{case.id}.md", document.encode("utf-8"), turn.t(TITLE)
            ),
        )
    )


async def comment(turn: Turn, args: str) -> None:
    """Adds a counselor's comment to a step of a shared plan and tells the client."""
    raw_id, _, rest = args.strip().partition(" ")
    raw_step, _, text = rest.strip().partition(" ")
    text = clean(text)[:500]
    if not raw_step.isdecimal() or not text:
        return turn.send(turn.t(COMMENT_USAGE))
    found = await _shared_plan_case(turn, raw_id, "comment_plan")
    if found is None:
        return
    case, client = found
    step = await store.step(session=turn.session, user_id=client.id or 0, step_id=int(raw_step))
    if step is None:
        return turn.send(turn.t(NO_SUCH_STEP, id=case.id, step=raw_step))
    author = turn.user.display_name if turn.user else ""
    step.comments = [
        *step.comments,
        {"by": author or "", "at": utcnow().date().isoformat(), "text": text},
    ]
    await store.save(session=turn.session, row=step)
    turn.send_to(
        client,
        turn.texts.text(client.locale, COMMENT_TO_CLIENT, step=step.title, text=text),
        [[Button(turn.texts.text(client.locale, PARTS["actions"]), f"g:PT:{step.id}")]],
    )
    turn.send(turn.t(COMMENT_SAVED, step=step.id))


async def suggest(turn: Turn, args: str) -> None:
    """Suggests a step with a due date to a client; they accept or decline it."""
    raw_id, _, rest = args.strip().partition(" ")
    raw_day, _, text = rest.strip().partition(" ")
    text = clean(text)[:300]
    try:
        day = date.fromisoformat(
            parse_date(Step("day", Kind.DATE, not_before="today"), raw_day, turn.engine.today())
        )
    except InputError:
        day = None
    if day is None or not text:
        return turn.send(turn.t(SUGGEST_USAGE))
    found = await _shared_plan_case(turn, raw_id, "suggest_step")
    if found is None:
        return
    case, client = found
    step = PlanStep(
        user_id=client.id or 0,
        title=text,
        due_on=day,
        status="suggested",
        source="counselor",
        suggested_by_id=turn.user_id,
    )
    await store.save(session=turn.session, row=step)
    t = turn.texts.text
    turn.send_to(
        client,
        t(client.locale, SUGGESTION_TO_CLIENT, text=text, day=day.isoformat()),
        [
            [
                Button(t(client.locale, ACCEPT), f"g:PC:{step.id}:1"),
                Button(t(client.locale, DECLINE), f"g:PC:{step.id}:0"),
            ]
        ],
    )
    turn.send(turn.t(SUGGESTION_SENT, id=case.id))


async def answer_suggestion(turn: Turn, arg: str) -> None:
    """Accepts (under the nearest short-term goal) or declines a counselor's step."""
    raw_step, _, answer = arg.partition(":")
    step = await _step(turn, raw_step)
    if step is None or step.status != "suggested" or answer not in {"0", "1"}:
        if step is not None:
            turn.reply.notice = turn.t(common.GONE)
        return await show_actions(turn)
    accepted = answer == "1"
    if accepted:
        goals = [
            g
            for g in await store.goals(session=turn.session, user_id=turn.user_id)
            if g.horizon == "short" and g.status == "active"
        ]
        goals.sort(key=lambda g: g.target_date or date.max)
        step.goal_id = goals[0].id if goals else None
    step.status = "open" if accepted else "declined"
    await store.save(session=turn.session, row=step)
    await store.record(
        session=turn.session,
        user_id=turn.user_id,
        entity="step",
        entity_id=step.id,
        change="accepted" if accepted else "declined",
        after=_step_values(step),
    )
    if accepted:
        await _schedule_step(turn, step)
        await _ensure_review(turn)
    case = await cases.get_case_for_client(session=turn.session, client_id=turn.user_id)
    adviser = (
        await cases.get_user(session=turn.session, user_id=step.suggested_by_id)
        if step.suggested_by_id
        else None
    )
    if adviser is not None and case is not None:
        turn.send_to(
            adviser,
            turn.texts.text(
                adviser.locale,
                SUGGESTION_ANSWERED,
                id=case.id,
                accepted=accepted,
                text=step.title,
            ),
        )
    turn.send(turn.t(ACCEPTED if accepted else DECLINED))
    await show_actions(turn)


def register(registry: Registry) -> None:
    """Adds the plan's flows, screens, counselor commands and the menu entry."""
    for name, options in CHOICE_LISTS.items():
        registry.add_choices(name, options)
    registry.add_flow(replace(STAND_FORM, on_complete=_stand_corrected, after=continue_plan))
    registry.add_flow(replace(ENVIRONMENT_FLOW, after=continue_plan))
    registry.add_flow(replace(OPPORTUNITIES_FLOW, after=_opportunities_done))
    registry.add_flow(replace(ROUTE_FORM, on_complete=_route_chosen, after=_after_route))
    for horizon, form in GOAL_FORMS.items():
        registry.add_flow(replace(form, on_complete=_goal_saved(horizon), after=_stay))
    registry.add_flow(replace(STEP_FORM, on_complete=_step_saved, after=_stay))
    registry.add_flow(replace(POSTPONE_FORM, on_complete=_postponed, after=_stay))
    registry.add_flow(replace(DROP_FORM, on_complete=_dropped, after=_stay))
    registry.add_flow(replace(REVIEW_FLOW, on_complete=_reviewed, after=_after_review))
    registry.add_menu_entry(MenuEntry(TITLE, "🗺", "PP"))
    for op, handler in (
        ("PP", show_hub),
        ("PW", show_stand),
        ("PWY", confirm_stand),
        ("PWC", correct_stand),
        ("PE", open_environment),
        ("PO", open_opportunities),
        ("PS", show_swot),
        ("PQ", show_quadrant),
        ("PQA", add_suggestion),
        ("PQX", remove_item),
        ("PQE", reword_item),
        ("PQN", ask_own_item),
        ("PR", show_route),
        ("PRC", choose_route),
        ("PG", show_goals),
        ("PGA", add_goal),
        ("PGO", show_goal),
        ("PGE", edit_goal),
        ("PGL", link_goal),
        ("PGX", drop_goal),
        ("PA", show_actions),
        ("PN", add_step),
        ("PI", show_import),
        ("PIA", import_step),
        ("PT", show_step),
        ("PTD", step_done),
        ("PTP", postpone_step),
        ("PTX", drop_step),
        ("PTE", edit_step),
        ("PV", start_review),
        ("PH", show_history),
        ("PD", send_document),
        ("PX", toggle_share),
        ("PC", answer_suggestion),
    ):
        registry.add_action(op, handler)
    registry.add_screen(Screen("pswot", typed_item, prompt_item))
    staff = STAFF_ROLES
    for command in (
        Command("plan", counselor_plan, N_("a client's shared career plan: /plan 12"), staff),
        Command("comment", comment, N_("comment on a plan step: /comment 12 31 text"), staff),
        Command("suggest", suggest, N_("suggest a plan step: /suggest 12 2027-02-01 text"), staff),
    ):
        registry.add_command(command)


async def _stay(turn: Turn, answers: Answers) -> None:
    """The form's completion already showed the next screen."""
    turn.screen = "menu"
