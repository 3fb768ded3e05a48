"""A client's year of follow-up is planned on exact calendar dates and delivered at sane hours.

Every expected date and instant below is written out by hand (from a calendar and the zone's
published offsets), never computed with the code under test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from bot.services.followup_plan import (
    CADENCES,
    SERVICE_TARGET,
    SNOOZE_OPTIONS,
    add_months,
    category_after_checkin,
    check_in_moment,
    deliverable_at,
    effect_dates,
    local_time_to_utc,
    plan,
    replan,
    snoozed,
    target_deadline,
    target_status,
)
from bot.services.triage import CADENCE_DAYS


def d(text: str) -> date:
    return date.fromisoformat(text)


def ds(*texts: str) -> list[date]:
    return [date.fromisoformat(text) for text in texts]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- plan -------------------------------------------------------------------------------------

PLANS = [
    # Month end: the day is clamped per month and comes back to the 31st, never drifting.
    (
        "employed",
        "2027-01-31",
        ds("2028-01-31"),
    ),
    (
        "underemployed",
        "2027-01-31",
        ds("2027-07-31", "2028-01-31"),
    ),
    (
        "unemployed",
        "2027-01-31",
        ds("2027-04-30", "2027-07-31", "2027-10-31", "2028-01-31"),
    ),
    (
        "difficulty",
        "2027-01-31",
        ds(
            "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30", "2027-07-31",
            "2027-08-31", "2027-09-30", "2027-10-31", "2027-11-30", "2027-12-31", "2028-01-31",
        ),
    ),
    (
        "zero_employment",
        "2027-01-31",
        ds(
            "2027-02-15", "2027-03-02", "2027-03-17", "2027-04-01", "2027-04-16", "2027-05-01",
            "2027-05-16", "2027-05-31", "2027-06-15", "2027-06-30", "2027-07-15", "2027-07-30",
            "2027-08-14", "2027-08-29", "2027-09-13", "2027-09-28", "2027-10-13", "2027-10-28",
            "2027-11-12", "2027-11-27", "2027-12-12", "2027-12-27", "2028-01-11", "2028-01-26",
        ),
    ),
    # Leap day: the plan ends on 2029-02-28, the day after 2028-02-29 + 12 months clamps to.
    (
        "employed",
        "2028-02-29",
        ds("2029-02-28"),
    ),
    (
        "underemployed",
        "2028-02-29",
        ds("2028-08-29", "2029-02-28"),
    ),
    (
        "unemployed",
        "2028-02-29",
        ds("2028-05-29", "2028-08-29", "2028-11-29", "2029-02-28"),
    ),
    (
        "difficulty",
        "2028-02-29",
        ds(
            "2028-03-29", "2028-04-29", "2028-05-29", "2028-06-29", "2028-07-29", "2028-08-29",
            "2028-09-29", "2028-10-29", "2028-11-29", "2028-12-29", "2029-01-29", "2029-02-28",
        ),
    ),
    (
        "zero_employment",
        "2028-02-29",
        ds(
            "2028-03-15", "2028-03-30", "2028-04-14", "2028-04-29", "2028-05-14", "2028-05-29",
            "2028-06-13", "2028-06-28", "2028-07-13", "2028-07-28", "2028-08-12", "2028-08-27",
            "2028-09-11", "2028-09-26", "2028-10-11", "2028-10-26", "2028-11-10", "2028-11-25",
            "2028-12-10", "2028-12-25", "2029-01-09", "2029-01-24", "2029-02-08", "2029-02-23",
        ),
    ),
    # Mid-month over a year containing 2028-02-29 (366 days).
    (
        "employed",
        "2027-06-15",
        ds("2028-06-15"),
    ),
    (
        "underemployed",
        "2027-06-15",
        ds("2027-12-15", "2028-06-15"),
    ),
    (
        "unemployed",
        "2027-06-15",
        ds("2027-09-15", "2027-12-15", "2028-03-15", "2028-06-15"),
    ),
    (
        "difficulty",
        "2027-06-15",
        ds(
            "2027-07-15", "2027-08-15", "2027-09-15", "2027-10-15", "2027-11-15", "2027-12-15",
            "2028-01-15", "2028-02-15", "2028-03-15", "2028-04-15", "2028-05-15", "2028-06-15",
        ),
    ),
    (
        "zero_employment",
        "2027-06-15",
        ds(
            "2027-06-30", "2027-07-15", "2027-07-30", "2027-08-14", "2027-08-29", "2027-09-13",
            "2027-09-28", "2027-10-13", "2027-10-28", "2027-11-12", "2027-11-27", "2027-12-12",
            "2027-12-27", "2028-01-11", "2028-01-26", "2028-02-10", "2028-02-25", "2028-03-11",
            "2028-03-26", "2028-04-10", "2028-04-25", "2028-05-10", "2028-05-25", "2028-06-09",
        ),
    ),
    # The brief's example: day 15, 30, …, 360 of a 365-day year; day 375 is past the end.
    (
        "zero_employment",
        "2027-01-01",
        ds(
            "2027-01-16", "2027-01-31", "2027-02-15", "2027-03-02", "2027-03-17", "2027-04-01",
            "2027-04-16", "2027-05-01", "2027-05-16", "2027-05-31", "2027-06-15", "2027-06-30",
            "2027-07-15", "2027-07-30", "2027-08-14", "2027-08-29", "2027-09-13", "2027-09-28",
            "2027-10-13", "2027-10-28", "2027-11-12", "2027-11-27", "2027-12-12", "2027-12-27",
        ),
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("category", "start", "expected"),
    PLANS,
    ids=[f"{category}-from-{start}" for category, start, _ in PLANS],
)
def test_twelve_month_plan_has_the_exact_check_in_dates(category, start, expected):
    assert plan(category, d(start)) == expected


def test_every_category_is_planned_from_every_start_in_the_table():
    assert {(category, start) for category, start, _ in PLANS} >= {
        (category, start)
        for category in CADENCES
        for start in ("2027-01-31", "2028-02-29", "2027-06-15")
    }


def test_plan_categories_are_the_ones_triage_stores():
    assert set(CADENCES) == set(CADENCE_DAYS)


def test_plan_never_includes_the_start_day_and_always_includes_the_end_day():
    dates = plan("difficulty", d("2027-03-10"))
    assert d("2027-03-10") not in dates
    assert dates[-1] == d("2028-03-10")


@pytest.mark.parametrize(
    ("category", "start", "months", "expected"),
    [
        ("employed", "2027-06-15", 24, ds("2028-06-15", "2029-06-15")),
        ("employed", "2027-06-15", 6, []),
        ("underemployed", "2027-06-15", 7, ds("2027-12-15")),
        ("unemployed", "2027-11-30", 3, ds("2028-02-29")),
        ("difficulty", "2027-06-15", 0, []),
        ("zero_employment", "2027-02-01", 1, ds("2027-02-16")),
    ],
)
def test_plan_length_in_months_bounds_the_last_check_in(category, start, months, expected):
    assert plan(category, d(start), months=months) == expected


def test_plan_rejects_an_unknown_category():
    with pytest.raises(ValueError, match="unknown tracking category"):
        plan("retired", d("2027-01-01"))


def test_plan_rejects_a_negative_length():
    with pytest.raises(ValueError, match="must not be negative"):
        plan("employed", d("2027-01-01"), months=-1)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2027-01-31", 1, "2027-02-28"),
        ("2027-01-31", 2, "2027-03-31"),
        ("2027-01-31", 13, "2028-02-29"),
        ("2028-02-29", 12, "2029-02-28"),
        ("2028-02-29", 48, "2032-02-29"),
        ("2027-11-30", 3, "2028-02-29"),
        ("2027-12-15", 1, "2028-01-15"),
        ("2027-03-31", -1, "2027-02-28"),
        ("2027-01-15", -13, "2025-12-15"),
    ],
)
def test_add_months_clamps_to_the_last_day_of_the_month(start, months, expected):
    assert add_months(d(start), months) == d(expected)


# --- effect questionnaire ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("guidance_end", "expected"),
    [
        ("2027-06-15", ds("2027-06-15", "2028-06-15")),
        ("2028-02-29", ds("2028-02-29", "2029-02-28")),
        ("2027-12-31", ds("2027-12-31", "2028-12-31")),
    ],
)
def test_effect_questionnaire_is_due_when_guidance_ends_and_a_year_later(guidance_end, expected):
    assert effect_dates(d(guidance_end)) == expected


# --- replan -----------------------------------------------------------------------------------

REPLANS = [
    pytest.param(
        ds("2027-04-15", "2027-07-15", "2027-10-15", "2028-01-15"),
        "employed",
        "2027-01-15",
        "2027-05-15",
        ds("2027-04-15"),
        [],
        id="unemployed-to-employed-after-4-months-keeps-the-past-and-ends-the-quarterlies",
    ),
    pytest.param(
        ds("2027-04-15", "2027-07-15", "2027-10-15", "2028-01-15"),
        "underemployed",
        "2027-01-15",
        "2027-05-15",
        ds("2027-04-15"),
        ds("2027-11-15"),
        id="unemployed-to-underemployed-counts-six-months-from-the-change",
    ),
    pytest.param(
        ds(
            "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30", "2027-07-31",
            "2027-08-31", "2027-09-30", "2027-10-31", "2027-11-30", "2027-12-31", "2028-01-31",
        ),
        "zero_employment",
        "2027-01-31",
        "2027-06-10",
        ds("2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"),
        ds(
            "2027-06-25", "2027-07-10", "2027-07-25", "2027-08-09", "2027-08-24", "2027-09-08",
            "2027-09-23", "2027-10-08", "2027-10-23", "2027-11-07", "2027-11-22", "2027-12-07",
            "2027-12-22", "2028-01-06", "2028-01-21",
        ),
        id="difficulty-to-zero-employment-every-15-days-until-the-plan-ends",
    ),
    pytest.param(
        ds("2027-01-16", "2027-01-31", "2027-02-15", "2027-03-02", "2027-03-17", "2027-04-01"),
        "difficulty",
        "2027-01-01",
        "2027-03-02",
        ds("2027-01-16", "2027-01-31", "2027-02-15"),
        ds(
            "2027-04-02", "2027-05-02", "2027-06-02", "2027-07-02", "2027-08-02", "2027-09-02",
            "2027-10-02", "2027-11-02", "2027-12-02",
        ),
        id="a-check-in-due-today-is-replaced-not-kept",
    ),
    pytest.param(
        ds("2027-07-31", "2028-01-31"),
        "difficulty",
        "2027-01-31",
        "2027-08-31",
        ds("2027-07-31"),
        ds("2027-09-30", "2027-10-31", "2027-11-30", "2027-12-31", "2028-01-31"),
        id="underemployed-to-difficulty-from-a-month-end-clamps-and-returns-to-the-31st",
    ),
    pytest.param(
        ds("2027-07-31", "2028-01-31"),
        "difficulty",
        "2027-01-31",
        "2028-02-10",
        ds("2027-07-31", "2028-01-31"),
        [],
        id="a-change-after-the-plan-ended-keeps-everything-and-adds-nothing",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("existing", "category", "start", "today", "kept", "new"), REPLANS)
def test_replan_keeps_past_check_ins_and_replaces_the_future(
    existing, category, start, today, kept, new
):
    assert replan(existing, category, d(start), d(today)) == (kept, new)


def test_replan_keeps_past_dates_in_their_original_order():
    existing = ds("2027-03-01", "2027-02-01", "2027-06-01")
    kept, _ = replan(existing, "employed", d("2027-01-01"), d("2027-04-01"))
    assert kept == ds("2027-03-01", "2027-02-01")


def test_replan_ends_where_the_original_plan_ended_for_a_longer_plan():
    kept, new = replan([], "underemployed", d("2027-01-15"), d("2027-05-15"), months=24)
    assert (kept, new) == ([], ds("2027-11-15", "2028-05-15", "2028-11-15"))


def test_replan_rejects_an_unknown_category():
    with pytest.raises(ValueError, match="unknown tracking category"):
        replan([], "student", d("2027-01-01"), d("2027-02-01"))


# --- local times ------------------------------------------------------------------------------

LOCAL_TIMES = [
    pytest.param("2027-03-10", time(10, 0), "Asia/Shanghai", "2027-03-10T02:00", id="shanghai"),
    pytest.param("2027-03-13", time(10, 0), "America/New_York", "2027-03-13T15:00", id="ny-est"),
    pytest.param(
        "2027-03-14", time(10, 0), "America/New_York", "2027-03-14T14:00", id="ny-spring-forward"
    ),
    pytest.param("2027-11-06", time(10, 0), "America/New_York", "2027-11-06T14:00", id="ny-edt"),
    pytest.param(
        "2027-11-07", time(10, 0), "America/New_York", "2027-11-07T15:00", id="ny-fall-back"
    ),
    pytest.param(
        "2027-03-14",
        time(2, 30),
        "America/New_York",
        "2027-03-14T07:00",
        id="ny-skipped-wall-time-gives-the-moment-of-the-jump",
    ),
    pytest.param(
        "2027-03-14",
        time(2, 0),
        "America/New_York",
        "2027-03-14T07:00",
        id="ny-start-of-the-gap-is-skipped-too",
    ),
    pytest.param(
        "2027-03-14", time(3, 0), "America/New_York", "2027-03-14T07:00", id="ny-end-of-the-gap"
    ),
    pytest.param(
        "2027-11-07",
        time(1, 30),
        "America/New_York",
        "2027-11-07T05:30",
        id="ny-repeated-wall-time-gives-the-first-occurrence",
    ),
    pytest.param(
        "2027-10-03",
        time(2, 15),
        "Australia/Lord_Howe",
        "2027-10-02T15:30",
        id="lord-howe-half-hour-gap",
    ),
]


@pytest.mark.parametrize(("day", "at", "tz", "expected"), LOCAL_TIMES)
def test_local_time_to_utc_follows_the_zone_offsets(day, at, tz, expected):
    result = local_time_to_utc(d(day), at, tz)
    assert result == utc(expected)
    assert result.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("day", "tz", "expected"),
    [
        ("2027-01-31", "Asia/Shanghai", "2027-01-31T02:00"),
        ("2027-03-13", "America/New_York", "2027-03-13T15:00"),
        ("2027-03-14", "America/New_York", "2027-03-14T14:00"),
        ("2027-11-07", "America/New_York", "2027-11-07T15:00"),
    ],
)
def test_check_ins_go_out_at_ten_in_the_morning_local_time(day, tz, expected):
    assert check_in_moment(d(day), tz) == utc(expected)


def test_check_in_time_of_day_can_be_chosen():
    assert check_in_moment(d("2027-06-15"), "Asia/Shanghai", at=time(9, 30)) == utc(
        "2027-06-15T01:30"
    )


# --- quiet hours ------------------------------------------------------------------------------

NIGHT = (time(22, 0), time(8, 0))
LUNCH = (time(13, 0), time(14, 0))

QUIET_HOURS = [
    # Asia/Shanghai is UTC+8 all year.
    pytest.param(
        "2027-03-10T15:00", "Asia/Shanghai", NIGHT, "2027-03-11T00:00",
        id="shanghai-late-evening-waits-for-next-morning",
    ),
    pytest.param(
        "2027-03-10T18:30", "Asia/Shanghai", NIGHT, "2027-03-11T00:00",
        id="shanghai-after-midnight-waits-for-the-same-morning",
    ),
    pytest.param(
        "2027-03-10T14:00", "Asia/Shanghai", NIGHT, "2027-03-11T00:00",
        id="shanghai-window-start-is-quiet",
    ),
    pytest.param(
        "2027-03-11T00:00", "Asia/Shanghai", NIGHT, "2027-03-11T00:00",
        id="shanghai-window-end-is-not-quiet",
    ),
    pytest.param(
        "2027-03-10T13:59", "Asia/Shanghai", NIGHT, "2027-03-10T13:59",
        id="shanghai-evening-before-the-window-is-sent-now",
    ),
    pytest.param(
        "2027-12-31T15:00", "Asia/Shanghai", NIGHT, "2028-01-01T00:00",
        id="shanghai-new-years-eve-waits-into-the-new-year",
    ),
    pytest.param(
        "2027-03-10T05:30", "Asia/Shanghai", LUNCH, "2027-03-10T06:00",
        id="shanghai-lunch-window-not-crossing-midnight",
    ),
    pytest.param(
        "2027-03-10T04:59", "Asia/Shanghai", LUNCH, "2027-03-10T04:59",
        id="shanghai-before-lunch-window-is-sent-now",
    ),
    pytest.param(
        "2027-03-10T06:00", "Asia/Shanghai", LUNCH, "2027-03-10T06:00",
        id="shanghai-lunch-window-end-is-not-quiet",
    ),
    pytest.param(
        "2027-03-10T15:00", "Asia/Shanghai", (time(22, 0), time(22, 0)), "2027-03-10T15:00",
        id="equal-start-and-end-mean-no-quiet-hours",
    ),
    # America/New_York on an ordinary winter night (EST, UTC-5).
    pytest.param(
        "2027-03-13T04:00", "America/New_York", NIGHT, "2027-03-13T13:00",
        id="new-york-winter-night-ends-at-8-est",
    ),
    # Spring forward, 2027-03-14: 02:00 EST jumps to 03:00 EDT at 07:00 UTC.
    pytest.param(
        "2027-03-14T04:00", "America/New_York", NIGHT, "2027-03-14T12:00",
        id="new-york-spring-forward-night-ends-at-8-edt",
    ),
    pytest.param(
        "2027-03-14T05:00", "America/New_York", (time(22, 0), time(2, 30)), "2027-03-14T07:00",
        id="new-york-window-end-skipped-by-the-clock-ends-at-the-jump",
    ),
    pytest.param(
        "2027-03-14T06:30", "America/New_York", (time(1, 0), time(3, 0)), "2027-03-14T07:00",
        id="new-york-window-ending-at-the-end-of-the-gap",
    ),
    pytest.param(
        "2027-03-14T07:10", "America/New_York", (time(2, 15), time(4, 0)), "2027-03-14T08:00",
        id="new-york-window-starting-in-the-gap-is-quiet-after-the-jump",
    ),
    pytest.param(
        "2027-03-14T06:50", "America/New_York", (time(2, 15), time(4, 0)), "2027-03-14T06:50",
        id="new-york-just-before-the-jump-is-before-a-window-starting-in-the-gap",
    ),
    # Fall back, 2027-11-07: 02:00 EDT goes back to 01:00 EST at 06:00 UTC.
    pytest.param(
        "2027-11-07T03:00", "America/New_York", NIGHT, "2027-11-07T13:00",
        id="new-york-fall-back-night-ends-at-8-est",
    ),
    pytest.param(
        "2027-11-07T05:15", "America/New_York", (time(22, 0), time(1, 30)), "2027-11-07T05:30",
        id="new-york-repeated-hour-first-pass-ends-at-the-first-0130",
    ),
    pytest.param(
        "2027-11-07T06:15", "America/New_York", (time(22, 0), time(1, 30)), "2027-11-07T06:30",
        id="new-york-repeated-hour-second-pass-ends-at-the-second-0130",
    ),
    pytest.param(
        "2027-11-07T05:45", "America/New_York", (time(22, 0), time(1, 30)), "2027-11-07T05:45",
        id="new-york-repeated-hour-after-the-first-0130-is-sent-now",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("due", "tz", "window", "expected"), QUIET_HOURS)
def test_messages_due_in_quiet_hours_wait_for_the_window_to_end(due, tz, window, expected):
    result = deliverable_at(utc(due), tz, *window)
    assert result == utc(expected)
    assert result.utcoffset() == timedelta(0)


def test_quiet_hours_accept_a_due_time_in_any_offset_and_answer_in_utc():
    due = datetime(2027, 3, 10, 23, 0, tzinfo=timezone(timedelta(hours=8)))
    result = deliverable_at(due, "Asia/Shanghai", *NIGHT)
    assert result == utc("2027-03-11T00:00")
    assert result.tzinfo is UTC


def test_quiet_hours_refuse_a_naive_due_time():
    with pytest.raises(ValueError, match="timezone-aware"):
        deliverable_at(datetime(2027, 3, 10, 15, 0), "Asia/Shanghai", *NIGHT)


# --- snooze -----------------------------------------------------------------------------------


def test_snooze_options_are_one_day_three_days_and_one_week():
    assert dict(SNOOZE_OPTIONS) == {
        "1d": timedelta(days=1),
        "3d": timedelta(days=3),
        "1w": timedelta(days=7),
    }


@pytest.mark.parametrize(
    ("due", "option", "now", "expected"),
    [
        pytest.param(
            "2027-03-10T02:00", "1d", "2027-03-09T20:00", "2027-03-11T02:00",
            id="snoozed-before-due-counts-from-due",
        ),
        pytest.param(
            "2027-03-10T02:00", "3d", "2027-03-12T09:30", "2027-03-15T09:30",
            id="snoozed-when-overdue-counts-from-now",
        ),
        pytest.param(
            "2027-03-10T02:00", "1w", "2027-03-10T02:00", "2027-03-17T02:00",
            id="one-week",
        ),
        pytest.param(
            "2027-03-13T15:00", "1d", "2027-03-13T15:00", "2027-03-14T15:00",
            id="one-day-is-24-hours-across-a-clock-change",
        ),
    ],
)  # fmt: skip
def test_snoozed_check_in_moves_by_the_chosen_delay(due, option, now, expected):
    assert snoozed(utc(due), option, utc(now)) == utc(expected)


def test_snooze_rejects_an_unknown_option():
    with pytest.raises(ValueError, match="unknown snooze option"):
        snoozed(utc("2027-03-10T02:00"), "2d", utc("2027-03-10T02:00"))


def test_snooze_refuses_naive_times():
    with pytest.raises(ValueError, match="timezone-aware"):
        snoozed(datetime(2027, 3, 10, 2, 0), "1d", utc("2027-03-10T02:00"))


# --- service target ---------------------------------------------------------------------------


def test_service_target_is_one_guidance_three_jobs_and_one_training():
    assert SERVICE_TARGET == {"guidance": 1, "job": 3, "training": 1}


@pytest.mark.parametrize(
    ("accepted", "deadline"),
    [
        ("2027-06-15", "2027-09-15"),
        ("2027-01-31", "2027-04-30"),
        ("2027-11-30", "2028-02-29"),
        ("2027-10-31", "2028-01-31"),
    ],
)
def test_target_deadline_is_three_calendar_months_after_acceptance(accepted, deadline):
    assert target_deadline(d(accepted)) == d(deadline)


ALL_OFFERS = [
    ("guidance", d("2027-02-10")),
    ("job", d("2027-02-20")),
    ("job", d("2027-03-05")),
    ("training", d("2027-04-01")),
    ("job", d("2027-04-30")),  # the deadline day counts
]


def kinds(guidance: int, job: int, training: int) -> dict[str, dict[str, int]]:
    """Expected per-kind progress from the numbers done."""
    done = {"guidance": guidance, "job": job, "training": training}
    return {
        kind: {"needed": needed, "done": done[kind], "missing": max(needed - done[kind], 0)}
        for kind, needed in {"guidance": 1, "job": 3, "training": 1}.items()
    }


TARGETS = [
    pytest.param(ALL_OFFERS, "2027-05-10", kinds(1, 3, 1), "met", id="met-after-the-deadline"),
    pytest.param(ALL_OFFERS, "2027-04-30", kinds(1, 3, 1), "met", id="met-on-the-deadline"),
    pytest.param(
        ALL_OFFERS[:4], "2027-04-10", kinds(1, 2, 1), "open", id="open-with-one-job-missing"
    ),
    pytest.param(
        ALL_OFFERS[:4], "2027-04-30", kinds(1, 2, 1), "open", id="still-open-on-the-deadline-day"
    ),
    pytest.param(
        [*ALL_OFFERS[:4], ("job", d("2027-05-01"))],
        "2027-05-01",
        kinds(1, 2, 1),
        "missed",
        id="missed-when-the-last-job-comes-a-day-late",
    ),
    pytest.param([], "2027-01-31", kinds(0, 0, 0), "open", id="open-on-the-day-of-acceptance"),
    pytest.param([], "2027-07-01", kinds(0, 0, 0), "missed", id="missed-with-nothing-offered"),
    pytest.param(
        [("job", d("2027-01-20")), *ALL_OFFERS[:4]],
        "2027-03-10",
        kinds(1, 2, 1),
        "open",
        id="offers-before-acceptance-do-not-count",
    ),
    pytest.param(
        [
            ("guidance", d("2027-02-01")),
            ("training", d("2027-02-01")),
            *[("job", d(f"2027-02-0{n}")) for n in range(2, 7)],
        ],
        "2027-02-10",
        kinds(1, 5, 1),
        "met",
        id="met-early-and-extra-offers-are-counted",
    ),
]


@pytest.mark.parametrize(("offers", "today", "expected_kinds", "overall"), TARGETS)
def test_service_target_progress(offers, today, expected_kinds, overall):
    status = target_status(offers, d("2027-01-31"), d(today))
    assert status == {"deadline": d("2027-04-30"), "kinds": expected_kinds, "overall": overall}


def test_service_target_rejects_an_unknown_offer_kind():
    with pytest.raises(ValueError, match="unknown offer kind"):
        target_status([("internship", d("2027-02-01"))], d("2027-01-31"), d("2027-02-01"))


# --- category from a check-in -----------------------------------------------------------------

CHECKIN_CATEGORIES = [
    # (status, household_zero, difficulty, wants_work, expected)
    ("employed_full", False, False, True, "employed"),
    ("employed_full", False, False, False, "employed"),
    ("employed_part", False, False, True, "underemployed"),
    ("employed_part", False, False, False, "underemployed"),
    ("unemployed", False, False, True, "unemployed"),
    ("unemployed", False, False, False, "underemployed"),
    ("unemployed", False, True, True, "difficulty"),
    ("unemployed", False, True, False, "difficulty"),
    ("employed_part", False, True, True, "difficulty"),
    ("employed_full", False, True, True, "employed"),
    ("unemployed", True, False, True, "zero_employment"),
    ("unemployed", True, True, True, "zero_employment"),
    ("employed_part", True, True, False, "zero_employment"),
    ("employed_full", True, True, True, "zero_employment"),
]


@pytest.mark.parametrize(
    ("status", "household_zero", "difficulty", "wants_work", "expected"), CHECKIN_CATEGORIES
)
def test_check_in_answers_set_the_tracking_category(
    status, household_zero, difficulty, wants_work, expected
):
    category = category_after_checkin(
        status, household_zero=household_zero, difficulty=difficulty, wants_work=wants_work
    )
    assert category == expected
    assert category in CADENCE_DAYS


def test_stable_full_time_work_moves_the_client_to_yearly_contact():
    assert category_after_checkin("employed_full") == "employed"
    assert plan(category_after_checkin("employed_full"), d("2027-06-15")) == ds("2028-06-15")


def test_check_in_rejects_an_unknown_status():
    with pytest.raises(ValueError, match="unknown employment status"):
        category_after_checkin("retired")
