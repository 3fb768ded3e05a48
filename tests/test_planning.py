"""The plan's rules with literal dates: goal horizons, links, progress, the review rhythm."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from bot.flow import Kind, Step
from bot.parsing import InputError, parse_date
from bot.services import planning as rules
from bot.services.planning import GoalRef, Known

TODAY = date(2026, 3, 1)
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("horizon", "day", "fits"),
    [
        ("short", date(2026, 3, 1), False),  # today is no target
        ("short", date(2026, 3, 2), True),
        ("short", date(2027, 3, 1), True),  # twelve months ahead
        ("short", date(2027, 3, 2), False),
        ("medium", date(2027, 3, 1), False),  # that is still short term
        ("medium", date(2027, 3, 2), True),
        ("medium", date(2031, 3, 1), True),
        ("long", date(2031, 3, 1), False),
        ("long", date(2031, 3, 2), True),
        ("long", date(2036, 3, 1), True),
        ("long", date(2036, 3, 2), False),
        ("life", date(2090, 1, 1), True),  # a life goal has no date window
    ],
)
def test_each_horizon_has_its_own_date_window(horizon, day, fits):
    window = rules.date_window(horizon, TODAY)
    assert (window is None or window[0] <= day <= window[1]) is fits


def test_a_date_step_with_a_window_names_the_span_or_says_its_own_message():
    step = Step("day", Kind.DATE, window=lambda today: (today, today + timedelta(days=7)))
    assert parse_date(step, "2026-03-08", TODAY) == "2026-03-08"
    with pytest.raises(InputError) as outside:
        parse_date(step, "2026-03-09", TODAY)
    assert outside.value.message == "Please send a date from {{ a }} to {{ b }}."
    assert outside.value.params == {"a": "2026-03-01", "b": "2026-03-08"}
    own = Step("day", Kind.DATE, window=step.window, constraint_message="Too far ahead.")
    with pytest.raises(InputError) as told:
        parse_date(own, "2026-04-01", TODAY)
    assert told.value.message == "Too far ahead."


@pytest.mark.parametrize(
    ("statement", "specific"),
    [
        ("A job", False),
        ("Find work", False),
        ("Start a paid job as a nursing assistant", True),
        ("找工作", False),
        ("在市医院找到一份护理助理的工作", True),
    ],
)
def test_a_short_term_goal_must_say_concretely_what(statement, specific):
    assert rules.specific(statement) is specific


def test_a_goal_may_serve_only_a_higher_horizon_nearest_first():
    life, long_, medium, short = (
        GoalRef(1, "life", None),
        GoalRef(2, "long", 1),
        GoalRef(3, "medium", None),
        GoalRef(4, "short", None),
    )
    goals = [life, long_, medium, short]
    assert [g.id for g in rules.parents_for(short, goals)] == [3, 2]
    assert [g.id for g in rules.parents_for(medium, goals)] == [2, 1]
    assert rules.parents_for(life, goals) == []
    assert [g.id for g in rules.unlinked(goals)] == [3, 4]
    dropped = [life, GoalRef(2, "long", 1, active=False), GoalRef(3, "medium", 2)]
    assert [g.id for g in rules.unlinked(dropped)] == [3]  # its parent was dropped
    assert rules.missing_horizons(dropped) == ["long", "short"]


def test_progress_counts_steps_still_in_the_plan():
    progress = rules.progress(["done", "done", "open", "postponed", "dropped", "suggested"])
    assert (progress.done, progress.total) == (2, 4)
    assert rules.progress([]) == rules.Progress(0, 0)
    assert rules.overdue("open", date(2026, 2, 28), TODAY)
    assert not rules.overdue("done", date(2026, 2, 28), TODAY)
    assert not rules.overdue("open", TODAY, TODAY)


@pytest.mark.parametrize(
    ("last", "every", "expected"),
    [
        (date(2026, 1, 31), 30, date(2026, 2, 28)),  # a calendar month, clamped
        (date(2026, 3, 1), 14, date(2026, 3, 15)),
        (date(2026, 11, 30), 90, date(2027, 2, 28)),
    ],
)
def test_the_next_review_follows_the_chosen_interval(last, every, expected):
    assert rules.next_review(last, every) == expected


def test_swot_suggestions_come_from_what_the_person_answered():
    known = Known(holland="SI", interests=("Social", "Investigative"), gaps=("Programming",))
    environment = {
        "org_name": "City Hospital",
        "org_openings": "none",
        "region": "Hangzhou",
        "demand": "shrinking",
        "policies": ["training", "none"],
        "family": ["care", "support", "none"],
    }
    opportunities = {"short_opps": "A new ward\n- my aunt; ", "long_threats": "Robots"}
    found = [
        (s.quadrant, s.key, dict(s.params))
        for s in rules.swot_suggestions(known, environment, opportunities)
    ]
    assert found == [
        ("strengths", "interests", {"names": ["Social", "Investigative"]}),
        ("weaknesses", "skill_gap", {"name": "Programming"}),
        ("threats", "no_openings", {"name": "City Hospital"}),
        ("threats", "demand_shrinking", {"region": "Hangzhou"}),
        ("opportunities", "policy", {"policy": "training"}),
        ("threats", "constraint", {"constraint": "care"}),
        ("opportunities", "family_support", {}),
        ("opportunities", "typed", {"text": "A new ward"}),
        ("opportunities", "typed", {"text": "my aunt"}),
        ("threats", "typed", {"text": "Robots"}),
    ]
    assert rules.swot_suggestions(Known(), {}, {}) == []


def test_every_route_has_next_steps_of_known_kinds_in_both_languages():
    from bot.dialogs.plan import ROUTES, STEP_KINDS

    steps = rules.route_steps()
    assert set(steps) == {o.value for o in ROUTES}
    kinds = {o.value for o in STEP_KINDS}
    for route_steps in steps.values():
        assert route_steps
        for step in route_steps:
            assert step.kind in kinds and step.text and CJK.search(step.text_zh)
