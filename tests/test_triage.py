"""The tracking category computed from an intake decides how often the client is contacted."""

from __future__ import annotations

import pytest

from bot.services.triage import CADENCE_DAYS, categorize, referral_need

CASES = [
    # (situation, reasons, difficulties, expected category, expected rule)
    ("employed_full", ["change_career"], [], "employed", "employed_full_time"),
    ("employed_full", [], [], "employed", "employed_full_time"),
    ("employed_part", ["find_job"], [], "underemployed", "unstable_work"),
    ("retired", ["plan_studies"], [], "underemployed", "no_wish_to_change"),
    ("unemployed", ["info_interviews"], [], "underemployed", "no_wish_to_change"),
    ("unemployed", ["find_job"], [], "unemployed", "wants_work"),
    ("laid_off", ["training"], [], "unemployed", "wants_work"),
    ("student", ["first_job"], [], "unemployed", "wants_work"),
    ("unemployed", ["find_job"], ["long_term_unemployed"], "difficulty", "difficulty_flags"),
    ("employed_part", [], ["disability"], "difficulty", "difficulty_flags"),
    ("laid_off", ["find_job"], ["reentry_age", "caring"], "difficulty", "difficulty_flags"),
    (
        "unemployed",
        ["find_job"],
        ["no_one_employed", "disability"],
        "zero_employment",
        "no_one_employed",
    ),
]


@pytest.mark.parametrize(("situation", "reasons", "flags", "category", "rule"), CASES)
def test_category_follows_the_tracking_rules(situation, reasons, flags, category, rule):
    result = categorize({"situation": situation, "reasons": reasons, "difficulties": flags})
    assert (result.code, result.reason) == (category, rule)


def test_cadences_match_the_service_rules():
    assert CADENCE_DAYS == {
        "zero_employment": 15,
        "difficulty": 30,
        "unemployed": 91,
        "underemployed": 182,
        "employed": 365,
    }


@pytest.mark.parametrize(
    ("answers", "need"),
    [
        ({"main_need": "career", "reason_text": "I want a better job"}, None),
        ({"main_need": "legal"}, "legal"),
        ({"main_need": "financial"}, "financial"),
        (
            {"main_need": "career", "reason_text": "Honestly I feel hopeless lately"},
            "mental_health",
        ),
        ({"main_need": "career", "expectations": "我真的不想活了"}, "mental_health"),
        ({"main_need": "career", "special_details": "I can't go on like this"}, "mental_health"),
    ],
)
def test_needs_outside_career_guidance_suggest_a_referral(answers, need):
    assert referral_need(answers) == need
