"""A test-only flow that asks one question of every kind, declared as data like shipped flows.

It runs next to the shipped flows and choice lists (its choice question uses the shipped
`situations` list). Texts are not message ids of the catalog, so they show as written.
"""

from __future__ import annotations

from datetime import date

from bot.dialogs import build_registry
from bot.flow import Flow, Kind, Option, Registry, Step

TODAY = date(2026, 3, 1)

COLOURS = (Option("red", "Red"), Option("green", "Green"), Option("blue", "Blue"))

PET = Flow(
    id="pet",
    version=1,
    title="Your pet",
    in_menu=False,
    done="Pet saved.",
    steps=(
        Step("pet_name", Kind.TEXT, "What is your pet called?", max_length=20, short="Pet"),
        Step(
            "pet_age",
            Kind.NUMBER,
            "How old is your pet?",
            min_value=0,
            max_value=40,
            short="Age of pet",
        ),
    ),
)

TRIAL = Flow(
    id="trial",
    version=3,
    title="Trial run",
    icon="🧪",
    done="Trial finished, {{ answers.nick }}.",
    steps=(
        Step("hello", Kind.MESSAGE, "Hello! This trial asks one question of every kind."),
        Step("nick", Kind.TEXT, "Your nickname?", min_length=2, max_length=10, short="Nickname"),
        Step("situation", Kind.CHOICE, "Your situation?", choices="situations", short="Situation"),
        Step(
            "details",
            Kind.TEXT,
            "Tell me more about your situation.",
            relevant=lambda answers: answers.get("situation") == "other",
            short="Details",
        ),
        Step(
            "likes",
            Kind.MULTI,
            "Which colours do you like?",
            choices="colours",
            max_choices=2,
            short="Colours",
        ),
        Step(
            "mood",
            Kind.SCALE,
            "How do you feel today?",
            scale_labels=("Very bad", "Very good"),
            short="Mood",
        ),
        Step("age", Kind.NUMBER, "How old are you?", min_value=16, max_value=99, short="Age"),
        Step(
            "height",
            Kind.NUMBER,
            "How tall are you, in metres?",
            integer=False,
            min_value=0.5,
            max_value=2.5,
            short="Height",
        ),
        Step(
            "kids",
            Kind.NUMBER,
            "How many children do you have?",
            hint="You may skip this.",
            required=False,
            min_value=0,
            max_value=20,
            short="Children",
        ),
        Step(
            "start",
            Kind.DATE,
            "When can you start?",
            not_before="today",
            not_after="2027-12-31",
            short="Start",
        ),
        Step("remote", Kind.YESNO, "Would you work remotely?", short="Remote"),
        Step("pet", Kind.SUBFLOW, flow="pet"),
        Step("review", Kind.REVIEW, "Check your answers"),
    ),
)

# One way through the trial, as a person would answer: a label to press or a text to type.
THROUGH_TRIAL = (
    "Annie",
    "Student",
    "▫️ Red",
    "▫️ Blue",
    "Done ✔",
    "4",
    "25",
    "1.75",
    "Skip »",
    "2026-03-31",
    "Yes",
    "Rex",
    "3",
)


def registry() -> Registry:
    """Returns the shipped registry with the trial flow, its sub-flow and choice list added."""
    shipped = build_registry()
    shipped.add_choices("colours", COLOURS)
    shipped.add_flow(PET)
    shipped.add_flow(TRIAL)
    return shipped
