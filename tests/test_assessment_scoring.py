"""Scoring of every instrument against values worked out by hand."""

from __future__ import annotations

import pytest

from bot.services import instruments, scoring


def answers_for(instrument, by_dimension: dict[str, int], default: int = 3) -> dict[str, int]:
    """Answers every item of a dimension with one value (others get `default`)."""
    return {item.name: by_dimension.get(item.dimension, default) for item in instrument.items}


# ── interests ───────────────────────────────────────────────────────────────────────────────
def test_interest_markers_sum_eight_items_per_type_from_8_to_40():
    markers = instruments.interest_markers()
    answers = answers_for(markers, {"R": 5, "I": 1, "A": 2, "S": 4, "E": 3, "C": 1})
    assert scoring.score(markers, answers) == {
        "R": 40,
        "I": 8,
        "A": 16,
        "S": 32,
        "E": 24,
        "C": 8,
    }
    assert markers.score_range("R") == (8, 40)


def test_interest_markers_order_alternates_types_so_no_type_comes_in_one_block():
    markers = instruments.interest_markers()
    assert [item.dimension for item in markers.items[:6]] == ["R", "I", "A", "S", "E", "C"]
    assert len(markers.items) == 48


def test_interest_profiler_counts_answers_from_zero_so_each_type_spans_0_to_40():
    profiler = instruments.interest_profiler()
    answers = answers_for(profiler, {"R": 5, "I": 1, "A": 3})
    scores = scoring.score(profiler, answers)
    # ten items per type: Strongly Like (5) counts 4, Strongly Dislike (1) counts 0
    assert scores["R"] == 40 and scores["I"] == 0 and scores["A"] == 20
    assert profiler.items[0].text == "Build kitchen cabinets"  # the official order, unaltered
    assert profiler.score_range("S") == (0, 40)


def test_a_few_skipped_items_are_estimated_from_the_rest_of_their_type():
    markers = instruments.interest_markers()
    answers: dict[str, int | None] = answers_for(markers, {"R": 4})
    r_items = [item.name for item in markers.items_of("R")]
    answers[r_items[0]] = None
    answers[r_items[1]] = None
    answers[r_items[2]] = 1  # six answered: 1 + 5×4 = 21, mean 3.5 → 3.5 × 8 = 28
    assert scoring.score(markers, answers)["R"] == 28


def test_a_type_with_more_than_two_skipped_items_is_not_scored():
    markers = instruments.interest_markers()
    answers: dict[str, int | None] = answers_for(markers, {})
    for item in markers.items_of("C")[:3]:
        answers[item.name] = None
    scores = scoring.score(markers, answers)
    assert scores["C"] is None and scores["R"] == 24


def test_holland_code_lists_the_strongest_types_first():
    assert scoring.holland_code({"R": 10, "I": 12, "A": 9, "S": 36, "E": 30, "C": 25}) == "SEC"


def test_holland_code_leaves_out_types_tied_at_the_bottom():
    assert scoring.holland_code({"R": 8, "I": 8, "A": 8, "S": 40, "E": 8, "C": 8}) == "S"
    assert scoring.holland_code({t: 20 for t in "RIASEC"}) == ""


@pytest.mark.parametrize(
    ("answers", "flat"),
    [
        ([3] * 48, True),
        ([3] * 44 + [4] * 4, True),  # 92 % the same
        ([1, 2, 3, 4, 5] * 9 + [3, 3, 3], False),
        ([5] * 24 + [1] * 24, False),
        ([4] * 30 + [None] * 18, True),  # skips do not count
    ],
)
def test_flat_answers_are_recognised(answers, flat):
    assert scoring.is_flat(answers) is flat


# ── personality ─────────────────────────────────────────────────────────────────────────────
def test_mini_ipip_reverses_the_negatively_keyed_items():
    ipip = instruments.personality()
    # Extraversion: items 1 and 11 are keyed +, items 6 and 16 are keyed −.
    keys = {item.name: item.reverse for item in ipip.items_of("E")}
    assert keys == {"MINI_01": False, "MINI_06": True, "MINI_11": False, "MINI_16": True}
    answers = {item.name: 3 for item in ipip.items}
    answers |= {"MINI_01": 5, "MINI_11": 4, "MINI_06": 1, "MINI_16": 2}
    # 5 + 4 + (6 − 1) + (6 − 2) = 18
    assert scoring.score(ipip, answers)["E"] == 18


def test_mini_ipip_scores_five_factors_from_4_to_20():
    ipip = instruments.personality()
    agrees_with_everything = {item.name: 5 for item in ipip.items}
    scores = scoring.score(ipip, agrees_with_everything)
    # each factor has two + and two − items: 5 + 5 + 1 + 1 = 12, except Intellect (one +)
    assert scores == {"E": 12, "A": 12, "C": 12, "N": 12, "I": 8}
    assert ipip.score_range("N") == (4, 20)


def test_mini_ipip_allows_one_skip_per_factor():
    ipip = instruments.personality()
    answers: dict[str, int | None] = {item.name: 4 for item in ipip.items}
    answers["MINI_03"] = None  # Conscientiousness +: the other three are 4, 6−4=2, 6−4=2
    scores = scoring.score(ipip, answers)
    assert scores["C"] == round((4 + 2 + 2) / 3 * 4, 2)
    answers["MINI_08"] = None
    assert scoring.score(ipip, answers)["C"] is None


# ── work values, skills, readiness, learning ────────────────────────────────────────────────
def test_work_values_average_each_values_cards():
    values = instruments.work_values()
    assert len(values.items) == 20  # the 20 Locator cards, without the profiler's 21st
    cards = {item.name: item.dimension for item in values.items}
    assert [c for c, v in cards.items() if v == "Achievement"] == ["WIL_A", "WIL_F"]
    answers = {name: 3 for name in cards} | {"WIL_A": 5, "WIL_F": 4, "WIL_H": 1}
    scores = scoring.score(values, answers)
    assert scores["Achievement"] == 4.5
    assert scores["Relationships"] == round((1 + 3 + 3) / 3, 2)
    assert scoring.ranked(scores)[:2] == ["Achievement", "Working Conditions"]


def test_skills_rating_covers_the_35_onet_skills():
    skills = instruments.skills()
    assert len(skills.items) == 35
    answers = {item.name: 3 for item in skills.items} | {"2.A.1.e": 5, "2.B.3.e": 1}
    scores = scoring.score(skills, answers)
    assert scores["2.A.1.e"] == 5 and scores["2.B.3.e"] == 1


@pytest.mark.parametrize("build", [instruments.readiness, instruments.learning])
def test_reflection_checklists_average_each_area(build):
    checklist = build()
    first = checklist.dimensions[0]
    answers = {item.name: 2 for item in checklist.items}
    first_items = checklist.items_of(first)
    answers[first_items[0].name] = 5
    scores = scoring.score(checklist, answers)
    assert scores[first] == round((5 + 2 * (len(first_items) - 1)) / len(first_items), 2)
    assert all(scores[d] == 2 for d in checklist.dimensions[1:])


def test_readiness_covers_concern_control_curiosity_and_confidence():
    assert instruments.readiness().dimensions == ("concern", "control", "curiosity", "confidence")
    assert set(instruments.learning().dimensions) == {
        "hands_on",
        "reading",
        "listening",
        "visual",
        "discussion",
    }


def test_every_translatable_item_has_a_chinese_text_and_the_profiler_has_none():
    for instrument in instruments.all_instruments():
        for item in instrument.items:
            if instrument.id == "interests_onet":
                assert item.text_zh is None
            else:
                assert item.text_zh and any("\u4e00" <= ch <= "\u9fff" for ch in item.text_zh)
