"""Tracking category of a client, from their intake answers.

The categories and contact cadences follow the classified tracking used by community
employment services: households with no one employed are contacted every 15 days, people
with employment difficulties monthly, unemployed people who want work quarterly, people in
unstable work or with no wish to change every six months, and the fully employed yearly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.flow import N_

# Days between follow-up contacts for each category (read by the follow-up scheduler).
CADENCE_DAYS = {
    "zero_employment": 15,
    "difficulty": 30,
    "unemployed": 91,
    "underemployed": 182,
    "employed": 365,
}

CATEGORY_LABELS = {
    "zero_employment": N_("No one employed in the household — contact every 15 days"),
    "difficulty": N_("Employment difficulties — contact monthly"),
    "unemployed": N_("Unemployed and wants work — contact every 3 months"),
    "underemployed": N_("Unstable work or no wish to change — contact every 6 months"),
    "employed": N_("Fully employed — contact yearly"),
}

REASON_LABELS = {
    "no_one_employed": N_("no one in the household has a job"),
    "difficulty_flags": N_("reported employment difficulties"),
    "wants_work": N_("out of work and looking for a job"),
    "unstable_work": N_("in part-time or unstable work"),
    "no_wish_to_change": N_("not looking for a change now"),
    "employed_full_time": N_("employed full-time"),
    "counselor": N_("set by the counselor"),
}

DIFFICULTY_FLAGS = frozenset(
    {"long_term_unemployed", "disability", "reentry_age", "left_placement", "caring"}
)
JOB_SEEKING_REASONS = frozenset(
    {"find_job", "change_career", "first_job", "start_business", "training"}
)


@dataclass(frozen=True)
class Category:
    code: str
    reason: str


def categorize(answers: Mapping[str, Any]) -> Category:
    """Returns the tracking category and the rule that chose it (first matching rule wins).

    "Wants work" means the person named a job-seeking reason for coming (find a job, change
    career, first job, start a business, get training).
    """
    flags = set(answers.get("difficulties") or [])
    situation = answers.get("situation")
    wants_work = bool(JOB_SEEKING_REASONS & set(answers.get("reasons") or []))
    if "no_one_employed" in flags:
        return Category("zero_employment", "no_one_employed")
    if flags & DIFFICULTY_FLAGS:
        return Category("difficulty", "difficulty_flags")
    if situation == "employed_full":
        return Category("employed", "employed_full_time")
    if situation == "employed_part":
        return Category("underemployed", "unstable_work")
    if wants_work:
        return Category("unemployed", "wants_work")
    return Category("underemployed", "no_wish_to_change")


# Words that signal acute distress in free text; any match suggests a mental-health referral.
DISTRESS_WORDS = (
    "suicide",
    "suicidal",
    "kill myself",
    "end my life",
    "want to die",
    "hopeless",
    "can't go on",
    "cannot go on",
    "hurt myself",
    "自杀",
    "轻生",
    "不想活",
    "活不下去",
    "想死",
    "绝望",
    "伤害自己",
)
FREE_TEXT_QUESTIONS = ("reason_text", "expectations", "special_details", "situation_other")


def referral_need(answers: Mapping[str, Any]) -> str | None:
    """Returns the kind of help outside career guidance the answers point to, if any."""
    main_need = answers.get("main_need")
    if main_need and main_need != "career":
        return str(main_need)
    text = " ".join(str(answers.get(name) or "") for name in FREE_TEXT_QUESTIONS).casefold()
    if any(word in text for word in DISTRESS_WORDS):
        return "mental_health"
    return None
