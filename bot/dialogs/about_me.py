"""About me: a short profile that every later step can build on."""

from __future__ import annotations

from bot.flow import N_, Flow, Kind, Step

ABOUT_ME = Flow(
    id="about_me",
    version=1,
    title=N_("About me"),
    icon="🙂",
    done=N_(
        "Thank you, {{ answers.name }}! Your profile is saved. You can edit it from the menu."
    ),
    steps=(
        Step(
            "intro",
            Kind.MESSAGE,
            N_("Let's start with a few questions about you. It takes about two minutes."),
        ),
        Step(
            "name",
            Kind.TEXT,
            N_("What should I call you?"),
            hint=N_("A first name or nickname is enough."),
            max_length=64,
            short=N_("Name"),
        ),
        Step(
            "age_range",
            Kind.CHOICE,
            N_("How old are you, {{ answers.name }}?"),
            choices="age_ranges",
            short=N_("Age"),
        ),
        Step(
            "city",
            Kind.TEXT,
            N_("Which city or district do you live in?"),
            max_length=80,
            short=N_("City"),
        ),
        Step(
            "situation",
            Kind.CHOICE,
            N_("What is your current situation?"),
            choices="situations",
            short=N_("Situation"),
        ),
        Step(
            "situation_other",
            Kind.TEXT,
            N_("Please describe your situation in a few words."),
            relevant=lambda a: a.get("situation") == "other",
            max_length=200,
            short=N_("Situation (details)"),
        ),
        Step(
            "education",
            Kind.CHOICE,
            N_("What is the highest level of education you have completed?"),
            choices="education_levels",
            short=N_("Education"),
        ),
        Step(
            "work_years",
            Kind.NUMBER,
            N_("How many years have you worked in total?"),
            hint=N_("A whole number; 0 if you have not worked yet. You may skip this."),
            required=False,
            min_value=0,
            max_value=60,
            short=N_("Years of work"),
        ),
        Step("review", Kind.REVIEW, N_("Here is your profile. Is everything right?")),
    ),
)
