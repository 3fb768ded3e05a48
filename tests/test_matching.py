"""Occupation matching: the ranking behaves as a counselor would expect."""

from __future__ import annotations

from bot.services import matching

PURE = {t: {u: (40 if u == t else 8) for u in "RIASEC"} for t in "RIASEC"}


def test_all_923_occupations_load_with_profiles_job_zones_and_chinese_titles():
    occupations = matching.occupations()
    assert len(occupations) == 923
    assert all(1 <= o.job_zone <= 5 and len(o.interests) == 6 for o in occupations)
    assert all(o.title_zh and o.summary_zh for o in occupations)
    assert matching.by_code()["29-1141.00"].title == "Registered Nurses"


def test_a_realistic_profile_gets_mostly_realistic_occupations_on_top():
    top = matching.rank(PURE["R"])[:20]
    assert sum(m.occupation.high_point.startswith("R") for m in top) >= 18
    assert all(m.fit == "best" for m in top[:10])
    assert all("R" in m.shared_interests for m in top)


def test_a_social_profile_gets_social_occupations_on_top():
    top = matching.rank(PURE["S"])[:20]
    assert sum(m.occupation.high_point.startswith("S") for m in top) >= 18


def test_the_scale_of_the_scores_does_not_matter_only_their_shape():
    markers = {"R": 10, "I": 30, "A": 12, "S": 14, "E": 9, "C": 20}  # 8–40
    profiler = {t: v - 8 for t, v in markers.items()}  # 0–40
    assert [m.occupation.code for m in matching.rank(markers)[:10]] == [
        m.occupation.code for m in matching.rank(profiler)[:10]
    ]


def test_the_job_zone_keeps_only_occupations_needing_that_much_preparation():
    zone_2 = matching.rank(PURE["S"], job_zone=2)
    zone_5 = matching.rank(PURE["S"], job_zone=5)
    assert zone_2 and all(m.occupation.job_zone == 2 for m in zone_2)
    assert all(m.occupation.job_zone == 5 for m in zone_5)
    assert {m.occupation.code for m in zone_2[:10]}.isdisjoint(
        m.occupation.code for m in zone_5[:10]
    )


def test_work_values_move_occupations_that_reward_them_up():
    profile = {"R": 12, "I": 20, "A": 14, "S": 30, "E": 22, "C": 16}
    values = {
        "Achievement": 2,
        "Working Conditions": 2,
        "Recognition": 1,
        "Relationships": 5,
        "Support": 4.5,
        "Independence": 1,
    }
    plain = matching.rank(profile)
    with_values = matching.rank(profile, values=values)
    assert [m.occupation.code for m in plain[:10]] != [m.occupation.code for m in with_values[:10]]
    shared = [m for m in with_values[:10] if "Relationships" in m.shared_values]
    assert len(shared) >= 5


def test_excluded_occupations_are_never_suggested():
    first = matching.rank(PURE["A"])[:5]
    excluded = {m.occupation.code for m in first}
    again = matching.rank(PURE["A"], exclude=excluded)
    assert excluded.isdisjoint(m.occupation.code for m in again)
    assert len(again) == 923 - 5


def test_a_sentence_ending_in_an_abbreviation_is_not_cut_there():
    postmasters = matching.by_code()["11-9131.00"]
    assert "U.S. post office" in postmasters.summary
