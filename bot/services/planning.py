"""Career-plan rules: goal horizons and dates, horizon links, SWOT suggestions, progress.

Seed 003's six steps (self-assessment, environment, opportunities, goals, action plan,
evaluation) and seed 000's staged plan. Plain functions over plain values: the dialog reads
the records and passes them in, so every rule here is tested with literal dates.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from bot.services.followup_plan import add_months
from bot.services.instruments import DATA

HORIZONS = ("life", "long", "medium", "short")
# The goals a goal of each horizon may serve (the nearest first).
HIGHER = {"life": (), "long": ("life",), "medium": ("long", "life"), "short": ("medium", "long")}
# How far ahead a goal's date may lie, in months from today: (after, up to) — seed 003's
# short term within a year, medium term two to five years, long term five to ten years. The
# gaps are closed toward the nearer horizon so that every date belongs to exactly one.
DATE_WINDOWS = {"short": (0, 12), "medium": (12, 60), "long": (60, 120)}
QUADRANTS = ("strengths", "weaknesses", "opportunities", "threats")
MAX_SWOT_ITEMS = 8
ITEM_LENGTH = 200
_WORD = re.compile(r"[A-Za-z0-9À-ɏ]+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def date_window(horizon: str, today: date) -> tuple[date, date] | None:
    """The first and last allowed target date of a goal on `horizon` (None: no date)."""
    if horizon not in DATE_WINDOWS:
        return None
    after, upto = DATE_WINDOWS[horizon]
    first = today + timedelta(days=1) if after == 0 else add_months(today, after) + timedelta(1)
    return first, add_months(today, upto)


def specific(statement: str) -> bool:
    """A goal statement concrete enough to act on: four words, or eight Chinese characters.

    Length is the only thing a program can check honestly; the hints ask for what, where
    and how much.
    """
    return len(_WORD.findall(statement)) >= 4 or len(_CJK.findall(statement)) >= 8


@dataclass(frozen=True)
class GoalRef:
    """What the link rules need of a goal."""

    id: int
    horizon: str
    parent_id: int | None
    active: bool = True


def parents_for(goal: GoalRef, goals: Iterable[GoalRef]) -> list[GoalRef]:
    """The active goals `goal` may serve: those on a higher horizon, nearest horizon first."""
    allowed = HIGHER.get(goal.horizon, ())
    found = [g for g in goals if g.active and g.id != goal.id and g.horizon in allowed]
    return sorted(found, key=lambda g: (allowed.index(g.horizon), g.id))


def unlinked(goals: Sequence[GoalRef]) -> list[GoalRef]:
    """Active goals that serve no higher goal although one exists to link to."""
    by_id = {g.id: g for g in goals}
    missing = []
    for goal in goals:
        if not goal.active or goal.horizon == "life":
            continue
        parent = by_id.get(goal.parent_id) if goal.parent_id else None
        if (parent is None or not parent.active) and parents_for(goal, goals):
            missing.append(goal)
    return missing


def missing_horizons(goals: Iterable[GoalRef]) -> list[str]:
    """The horizons without an active goal, from the life goal down."""
    present = {g.horizon for g in goals if g.active}
    return [h for h in HORIZONS if h not in present]


@dataclass(frozen=True)
class Progress:
    done: int
    total: int


def progress(statuses: Iterable[str]) -> Progress:
    """Steps done out of steps still in the plan (dropped and declined ones do not count)."""
    counted = [s for s in statuses if s in {"open", "postponed", "done"}]
    return Progress(sum(1 for s in counted if s == "done"), len(counted))


def overdue(status: str, due_on: date, today: date) -> bool:
    return status in {"open", "postponed"} and due_on < today


def split_items(text: str) -> list[str]:
    """Items typed as lines, or separated by ; or ；(an opportunity per line)."""
    parts = re.split(r"[\n;；]+", text or "")
    return [p.strip(" -•·\t")[:ITEM_LENGTH] for p in parts if p.strip(" -•·\t")]


@dataclass(frozen=True)
class Known:
    """What the bot knows about a person, as names already translated for display."""

    holland: str = ""
    interests: tuple[str, ...] = ()  # names of the Holland code's types
    values: tuple[str, ...] = ()
    strengths: tuple[str, ...] = ()  # skills rated high
    gaps: tuple[str, ...] = ()  # skills rated low
    readiness_focus: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    to_learn: tuple[str, ...] = ()  # from informational-interview analyses
    differs: tuple[str, ...] = ()  # fields where reality differed from expectations

    @property
    def empty(self) -> bool:
        return not any(
            (self.holland, self.values, self.strengths, self.gaps, self.targets, self.to_learn)
        )


@dataclass(frozen=True)
class Suggestion:
    """A SWOT item the person may add: what it says (`key` and its parameters), where from."""

    quadrant: str
    key: str
    params: Mapping[str, Any]
    source: str


def swot_suggestions(
    known: Known, environment: Mapping[str, Any], opportunities: Mapping[str, Any]
) -> list[Suggestion]:
    """SWOT suggestions from earlier answers: strengths from the assessments, weaknesses from
    the gaps and the interviews' to-learn lists, opportunities and threats from the
    environment and opportunity answers. The dialog words each `key`."""
    out: list[Suggestion] = []

    def add(quadrant: str, key: str, source: str, **params: Any) -> None:
        out.append(Suggestion(quadrant, key, params, source))

    if known.interests:
        add("strengths", "interests", "assessment", names=list(known.interests))
    for value in known.values:
        add("strengths", "value", "assessment", name=value)
    for skill in known.strengths:
        add("strengths", "skill", "assessment", name=skill)
    for skill in known.gaps:
        add("weaknesses", "skill_gap", "assessment", name=skill)
    for area in known.readiness_focus:
        add("weaknesses", "readiness", "assessment", name=area)
    for item in known.to_learn:
        add("weaknesses", "to_learn", "interviews", name=item)
    organisation = str(environment.get("org_name") or "")
    region = str(environment.get("region") or "")
    openings = environment.get("org_openings")
    if openings in {"yes", "some"} and organisation:
        add("opportunities", "openings", "environment", name=organisation)
    if openings == "none" and organisation:
        add("threats", "no_openings", "environment", name=organisation)
    demand = environment.get("demand")
    if demand == "growing":
        add("opportunities", "demand_growing", "environment", region=region)
    if demand == "shrinking":
        add("threats", "demand_shrinking", "environment", region=region)
    for policy in environment.get("policies") or []:
        if policy != "none":
            add("opportunities", "policy", "environment", policy=policy)
    for constraint in environment.get("family") or []:
        if constraint == "support":
            add("opportunities", "family_support", "environment")
        elif constraint != "none":
            add("threats", "constraint", "environment", constraint=constraint)
    for key, quadrant in (
        ("short_opps", "opportunities"),
        ("long_opps", "opportunities"),
        ("short_threats", "threats"),
        ("long_threats", "threats"),
    ):
        for item in split_items(str(opportunities.get(key) or "")):
            add(quadrant, "typed", "opportunities", text=item)
    return out


@dataclass(frozen=True)
class RouteStep:
    """A next step that fits a route to work (`bot/data/route_steps.csv`, the project's text)."""

    route: str
    kind: str
    text: str
    text_zh: str

    def text_in(self, locale: str) -> str:
        return self.text_zh if locale == "zh_Hans" else self.text


@cache
def route_steps() -> dict[str, tuple[RouteStep, ...]]:
    """Each route's next steps, in the order they are usually taken."""
    with (DATA / "route_steps.csv").open(encoding="utf-8", newline="") as file:
        rows = [
            RouteStep(r["route"], r["kind"], r["text"], r["text_zh"]) for r in csv.DictReader(file)
        ]
    return {
        route: tuple(r for r in rows if r.route == route)
        for route in dict.fromkeys(r.route for r in rows)
    }


def next_review(last: date, every_days: int) -> date:
    """The day of the next evaluation after `last` (monthly is a calendar month)."""
    if every_days == 30:
        return add_months(last, 1)
    if every_days == 90:
        return add_months(last, 3)
    return last + timedelta(days=every_days)
