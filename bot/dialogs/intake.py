"""Intake interview: background, reason for coming, wishes, situation, needs, expectations.

It builds on About me (asked first as a sub-flow, skipped when already done) so nothing is
asked twice. On completion the case is triaged, assigned and sent to a counselor.
"""

from __future__ import annotations

import re

from bot.flow import N_, Flow, Kind, OnComplete, Option, Step

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,19}$")

GENDERS = (
    Option("female", N_("Female")),
    Option("male", N_("Male")),
    Option("other", N_("Another gender")),
    Option("prefer_not", N_("Prefer not to say")),
)

CONTACT_CHANNELS = (
    Option("telegram", N_("Telegram only")),
    Option("phone", N_("Phone")),
    Option("email", N_("Email")),
)

REASONS = (
    Option("find_job", N_("Find a job quickly")),
    Option("change_career", N_("Change career")),
    Option("first_job", N_("First job after study")),
    Option("plan_studies", N_("Plan my studies")),
    Option("start_business", N_("Start a business")),
    Option("training", N_("Get training")),
    Option("info_interviews", N_("Prepare informational interviews")),
    Option("other", N_("Something else")),
)

SALARY_RANGES = (
    Option("lt_3k", N_("Under 3,000 a month")),
    Option("3k_5k", N_("3,000–5,000 a month")),
    Option("5k_8k", N_("5,000–8,000 a month")),
    Option("8k_12k", N_("8,000–12,000 a month")),
    Option("12k_20k", N_("12,000–20,000 a month")),
    Option("gt_20k", N_("Over 20,000 a month")),
    Option("open", N_("Open to discuss")),
)

WORKING_HOURS = (
    Option("full_time", N_("Full-time")),
    Option("part_time", N_("Part-time")),
    Option("flexible", N_("Flexible hours")),
    Option("shifts", N_("Shifts are fine")),
)

COMMUTES = (
    Option("30m", N_("Up to 30 minutes")),
    Option("1h", N_("Up to 1 hour")),
    Option("gt_1h", N_("More than 1 hour is fine")),
    Option("remote", N_("Remote work only")),
)

DIFFICULTIES = (
    Option("long_term_unemployed", N_("Out of work for more than 12 months")),
    Option("disability", N_("Living with a disability")),
    Option("no_one_employed", N_("No one in my household has a job")),
    Option("reentry_age", N_("Returning to work at 40+ (women) or 50+ (men)")),
    Option("left_placement", N_("Recently left a job placement programme")),
    Option("caring", N_("Caring for children or relatives")),
)

SPECIAL_NEEDS = (
    Option("accessibility", N_("Accessibility (e.g. step-free access, large print)")),
    Option("language", N_("Language support")),
    Option("time", N_("Limited time")),
)

APPOINTMENT_TIMES = (
    Option("weekday_morning", N_("Weekday mornings")),
    Option("weekday_afternoon", N_("Weekday afternoons")),
    Option("weekday_evening", N_("Weekday evenings")),
    Option("weekend", N_("Weekends")),
)

MAIN_NEEDS = (
    Option("career", N_("Career guidance — that is why I am here")),
    Option("mental_health", N_("A mental health crisis")),
    Option("legal", N_("A legal dispute")),
    Option("family", N_("A family conflict")),
    Option("financial", N_("A financial emergency")),
)

CHOICE_LISTS = {
    "genders": GENDERS,
    "contact_channels": CONTACT_CHANNELS,
    "reasons": REASONS,
    "salary_ranges": SALARY_RANGES,
    "working_hours": WORKING_HOURS,
    "commutes": COMMUTES,
    "difficulties": DIFFICULTIES,
    "special_needs": SPECIAL_NEEDS,
    "appointment_times": APPOINTMENT_TIMES,
    "main_needs": MAIN_NEEDS,
}

HIGHER_EDUCATION = {"upper_secondary", "college", "bachelor", "master", "doctorate"}


def steps() -> tuple[Step, ...]:
    """The intake questions, in interview order (names are stored: never rename)."""
    return (
        Step("profile", Kind.SUBFLOW, flow="about_me"),
        Step(
            "intro",
            Kind.MESSAGE,
            N_(
                "Now a few questions a counselor would ask at a first meeting. "
                "Optional ones have a Skip button."
            ),
        ),
        Step(
            "gender",
            Kind.CHOICE,
            N_("What is your gender?"),
            choices="genders",
            required=False,
            short=N_("Gender"),
        ),
        Step(
            "contact_channel",
            Kind.CHOICE,
            N_("How would you like the counselor to contact you?"),
            choices="contact_channels",
            short=N_("Contact by"),
        ),
        Step(
            "contact_phone",
            Kind.TEXT,
            N_("Your phone number?"),
            relevant=lambda a: a.get("contact_channel") == "phone",
            max_length=24,
            constraint=lambda value, _: bool(PHONE.match(value)),
            constraint_message=N_(
                "That does not look like a phone number (digits, may start with +)."
            ),
            short=N_("Phone"),
        ),
        Step(
            "contact_email",
            Kind.TEXT,
            N_("Your email address?"),
            relevant=lambda a: a.get("contact_channel") == "email",
            max_length=120,
            constraint=lambda value, _: bool(EMAIL.match(value)),
            constraint_message=N_("That does not look like an email address (name@example.com)."),
            short=N_("Email"),
        ),
        Step(
            "field_of_study",
            Kind.TEXT,
            N_("What was your main field of study?"),
            relevant=lambda a: a.get("education") in HIGHER_EDUCATION,
            required=False,
            max_length=120,
            short=N_("Field of study"),
        ),
        Step(
            "last_occupation",
            Kind.TEXT,
            N_("What is your current or most recent job?"),
            relevant=lambda a: a.get("situation") != "student",
            required=False,
            max_length=120,
            short=N_("Current or last job"),
        ),
        Step(
            "reasons",
            Kind.MULTI,
            N_("What brings you here? Choose all that apply."),
            choices="reasons",
            short=N_("Reasons"),
        ),
        Step(
            "reason_text",
            Kind.TEXT,
            N_("In your own words, what would you like help with?"),
            max_length=1000,
            min_length=3,
            short=N_("In my words"),
        ),
        Step(
            "desired_jobs",
            Kind.TEXT,
            N_("Which jobs or fields would you like to work in?"),
            hint=N_("For example: nursing, logistics, anything with computers."),
            required=False,
            max_length=300,
            short=N_("Desired jobs"),
        ),
        Step(
            "salary",
            Kind.CHOICE,
            N_("What pay do you expect?"),
            choices="salary_ranges",
            required=False,
            short=N_("Expected pay"),
        ),
        Step(
            "hours",
            Kind.MULTI,
            N_("Which working hours would suit you?"),
            choices="working_hours",
            required=False,
            short=N_("Working hours"),
        ),
        Step(
            "commute",
            Kind.CHOICE,
            N_("How long a commute is acceptable?"),
            choices="commutes",
            required=False,
            short=N_("Commute"),
        ),
        Step(
            "will_train",
            Kind.YESNO,
            N_("Would you take part in training to improve your chances?"),
            required=False,
            short=N_("Open to training"),
        ),
        Step(
            "will_relocate",
            Kind.YESNO,
            N_("Would you move to another city for the right job?"),
            required=False,
            short=N_("Open to moving"),
        ),
        Step(
            "difficulties",
            Kind.MULTI,
            N_("Do any of these apply to you? They help us offer the right level of support."),
            hint=N_("Choose any that apply, or press Done (or Skip) if none do."),
            choices="difficulties",
            required=False,
            min_choices=0,
            short=N_("Circumstances"),
        ),
        Step(
            "special_needs",
            Kind.MULTI,
            N_("Do you need anything special from us?"),
            choices="special_needs",
            required=False,
            min_choices=0,
            short=N_("Special requirements"),
        ),
        Step(
            "special_details",
            Kind.TEXT,
            N_("Please tell us more about what you need."),
            relevant=lambda a: bool(a.get("special_needs")),
            required=False,
            max_length=500,
            short=N_("Details"),
        ),
        Step(
            "appointment_times",
            Kind.MULTI,
            N_("When could you meet a counselor?"),
            choices="appointment_times",
            required=False,
            min_choices=0,
            short=N_("Good times to meet"),
        ),
        Step(
            "expectations",
            Kind.TEXT,
            N_("What do you expect from our service?"),
            required=False,
            max_length=1000,
            short=N_("Expectations"),
        ),
        Step(
            "main_need",
            Kind.CHOICE,
            N_("Last question: what do you mainly need help with right now?"),
            choices="main_needs",
            short=N_("Main need"),
        ),
        Step("review", Kind.REVIEW, N_("Here is what we understood. Is everything right?")),
    )


def build_flow(on_complete: OnComplete | None = None) -> Flow:
    """Returns the intake flow with the completion hook that triages and hands off the case."""
    return Flow(
        id="intake",
        version=1,
        title=N_("Intake interview"),
        icon="📝",
        steps=steps(),
        on_complete=on_complete,
    )
