"""When a client is followed up: check-in dates, quiet hours, snoozes and the service target.

Everything here is a plain function of its arguments (no database, no Telegram, no clock), so
the scheduler and the sender can call it and the tests can pin every date.

Cadences follow the classified tracking of community employment services (seed 002): every
15 days for households with no one employed, monthly for people with employment difficulties,
quarterly for unemployed people who want work, half-yearly for people in unstable work or with
no wish to change, yearly for the fully employed. Month steps are calendar months counted from
the anchor date each time (``anchor + n months``, the day clamped to the month's last day), so
a plan started on 31 January lands on 28/29 February, 31 March, 30 April, … and never drifts
to the 28th. The 15-day step is exactly 15 days.

Days (``date``) are local calendar days of the client; instants (``datetime``) are
timezone-aware and returned in UTC.
"""

from __future__ import annotations

import calendar
import math
from datetime import UTC, date, datetime, time, timedelta
from typing import TypedDict
from zoneinfo import ZoneInfo

# Step between check-ins per tracking category: ("days", n) or ("months", n). The ids are the
# ones bot/services/triage.py stores; triage.CADENCE_DAYS gives the same cadences in
# approximate days, this table is the exact calendar rule the plan uses.
CADENCES: dict[str, tuple[str, int]] = {
    "zero_employment": ("days", 15),
    "difficulty": ("months", 1),
    "unemployed": ("months", 3),
    "underemployed": ("months", 6),
    "employed": ("months", 12),
}

PLAN_MONTHS = 12
EFFECT_FOLLOWUP_MONTHS = 12
CHECK_IN_TIME = time(10, 0)

SNOOZE_OPTIONS = {"1d": timedelta(days=1), "3d": timedelta(days=3), "1w": timedelta(weeks=1)}

# Seed 002: within three months of acceptance, one free guidance session, three suitable job
# offers and one training offer.
SERVICE_TARGET = {"guidance": 1, "job": 3, "training": 1}
TARGET_MONTHS = 3

# Employment statuses a check-in can report (the same ids as the intake's situations).
CHECKIN_STATUSES = frozenset({"employed_full", "employed_part", "unemployed"})


class KindProgress(TypedDict):
    needed: int
    done: int
    missing: int


class TargetStatus(TypedDict):
    deadline: date
    kinds: dict[str, KindProgress]
    overall: str  # "met", "open" or "missed"


def add_months(day: date, months: int) -> date:
    """Returns ``day`` moved by ``months`` calendar months, clamped to the month's last day.

    ``add_months(date(2027, 1, 31), 1)`` is 2027-02-28 and ``add_months(date(2028, 2, 29),
    12)`` is 2029-02-28. Always count from the original anchor (``add_months(anchor, n)``)
    rather than chaining, or a clamped day would stick for the rest of the plan.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _cadence(category: str) -> tuple[str, int]:
    try:
        return CADENCES[category]
    except KeyError:
        raise ValueError(
            f"unknown tracking category {category!r}; expected one of {sorted(CADENCES)}"
        ) from None


def _steps(category: str, anchor: date, end: date) -> list[date]:
    """Dates ``anchor + n steps`` for n = 1, 2, … that are on or before ``end``."""
    unit, size = _cadence(category)
    dates: list[date] = []
    n = 1
    while True:
        due = anchor + timedelta(days=size * n) if unit == "days" else add_months(anchor, size * n)
        if due > end:
            return dates
        dates.append(due)
        n += 1


def plan(category: str, start: date, *, months: int = PLAN_MONTHS) -> list[date]:
    """Returns the check-in dates of a follow-up plan, in order.

    The plan covers ``start`` (exclusive — the day the intake is accepted, when the client has
    just been seen) to ``end = add_months(start, months)`` (inclusive). Check-in ``n`` is due on
    ``start + n × step`` for n = 1, 2, …, kept while it is on or before ``end``: with a month
    step that is ``add_months(start, n × step)``, with the 15-day step ``start + 15n days``.

    So over 12 months "employed" has exactly one check-in, on ``end``; "underemployed" two,
    "unemployed" four, "difficulty" twelve, the last on ``end``; and "zero_employment" 24 —
    day 15, 30, …, 360 — because a year has 365 or 366 days and day 375 is past ``end``.

    Raises ValueError for an unknown category or a negative ``months``.
    """
    if months < 0:
        raise ValueError(f"months must not be negative, got {months}")
    _cadence(category)
    return _steps(category, start, add_months(start, months))


def effect_dates(guidance_end: date) -> list[date]:
    """Returns the days the effect questionnaire is sent: when guidance ends and a year later.

    The first is ``guidance_end`` itself (the questionnaire "after the planning" of seed 000),
    the second ``add_months(guidance_end, 12)``, closing the year of follow-up after the plan.
    """
    return [guidance_end, add_months(guidance_end, EFFECT_FOLLOWUP_MONTHS)]


def replan(
    existing: list[date],
    category: str,
    start: date,
    today: date,
    *,
    months: int = PLAN_MONTHS,
) -> tuple[list[date], list[date]]:
    """Returns ``(kept, new)``: a plan re-cut for a new category from ``today`` on.

    - ``kept``: the dates of ``existing`` strictly before ``today``, in their original order
      and unchanged — past check-ins (answered or not) are history.
    - ``new``: the new category's cadence counted from ``today`` as the anchor, i.e.
      ``today + n × step`` for n = 1, 2, … (``add_months(today, n × step)`` for month steps),
      kept while on or before the end of the original plan, ``add_months(start, months)``.
      ``today`` itself is never a new date: the change is made while talking to the client.

    Every date of ``existing`` on or after ``today`` is dropped and replaced by ``new``.
    A cadence longer than what is left of the plan gives no new dates (e.g. a client who
    becomes "employed" with eight months left): the effect questionnaire a year after the
    guidance still follows them. If ``today`` is past the end, ``new`` is empty.

    Raises ValueError for an unknown category or a negative ``months``.
    """
    if months < 0:
        raise ValueError(f"months must not be negative, got {months}")
    _cadence(category)
    kept = [day for day in existing if day < today]
    return kept, _steps(category, today, add_months(start, months))


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")


def _gap_end(lo: datetime, hi: datetime, zone: ZoneInfo) -> datetime:
    """Returns the first instant in ``(lo, hi]`` with ``hi``'s UTC offset (a transition)."""
    target = hi.astimezone(zone).utcoffset()
    # Transitions in the tz database fall on whole seconds; bisect on POSIX seconds.
    lo_s, hi_s = math.floor(lo.timestamp()), math.ceil(hi.timestamp())
    while hi_s - lo_s > 1:
        mid = (lo_s + hi_s) // 2
        if datetime.fromtimestamp(mid, zone).utcoffset() == target:
            hi_s = mid
        else:
            lo_s = mid
    return datetime.fromtimestamp(hi_s, UTC)


def _local_instants(day: date, at: time, zone: ZoneInfo) -> list[datetime]:
    """Returns the UTC instants at which the wall clock in ``zone`` reads ``day at``.

    Usually one; two (earlier first) when the clock is set back over it; when the clock skips
    it, one: the moment the clock jumps past it.
    """
    wall = datetime.combine(day, at.replace(tzinfo=None))
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) != wall:
        # Skipped: fold=0 read the wall time with the old offset, fold=1 with the new one,
        # and the transition lies between the two readings.
        return [_gap_end(min(first, second), max(first, second), zone)]
    return sorted({first, second})


def local_time_to_utc(day: date, at: time, tz: str) -> datetime:
    """Returns the UTC instant at which the wall clock in zone ``tz`` reads ``at`` on ``day``.

    On the night the clock is set back, a repeated wall time gives its first occurrence
    (2027-11-07 01:30 in America/New_York → 05:30 UTC, still EDT). A wall time the clock
    skips gives the moment of the jump, the first instant whose wall time is after it
    (2027-03-14 02:30 in America/New_York → 07:00 UTC, 03:00 EDT). ``at``'s own tzinfo, if
    any, is ignored: it is a wall time in ``tz``.
    """
    return _local_instants(day, at, ZoneInfo(tz))[0]


def check_in_moment(day: date, tz: str, *, at: time = CHECK_IN_TIME) -> datetime:
    """Returns the UTC instant a check-in due on ``day`` goes out: ``at`` (10:00) local time.

    Check-ins go out in the morning of the client's own day; see ``local_time_to_utc`` for
    the days the clock changes.
    """
    return local_time_to_utc(day, at, tz)


def quiet_window(text: str) -> tuple[time, time]:
    """Reads quiet hours written "21:00-08:00" (start, end); ValueError when malformed."""
    start, dash, end = text.partition("-")
    if not dash:
        raise ValueError("quiet hours look like 21:00-08:00")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def deliverable_at(due: datetime, tz: str, quiet_start: time, quiet_end: time) -> datetime:
    """Returns the first instant at or after ``due`` that is outside the client's quiet hours.

    The quiet window is ``[quiet_start, quiet_end)`` in local wall-clock time of zone ``tz``:
    the start is quiet, the end is not. ``quiet_start > quiet_end`` crosses midnight
    (22:00–08:00 is quiet from 22:00 to 08:00 the next morning); ``quiet_start ==
    quiet_end`` means no quiet hours. Whether ``due`` is quiet is decided by the wall-clock
    time ``due`` shows in ``tz``; if it is, the result is the first instant after ``due`` at
    which that clock reads ``quiet_end`` (on the same local day, or the next for the evening
    part of a window crossing midnight). If the clock skips ``quiet_end`` that night, the
    result is the moment of the jump; if it shows ``quiet_end`` twice, the first occurrence
    after ``due``. Otherwise ``due`` is returned unchanged. The result is in UTC.

    Raises ValueError if ``due`` is naive.
    """
    _require_aware(due, "due")
    due = due.astimezone(UTC)
    start, end = quiet_start.replace(tzinfo=None), quiet_end.replace(tzinfo=None)
    if start == end:
        return due
    zone = ZoneInfo(tz)
    local = due.astimezone(zone)
    wall = local.time().replace(tzinfo=None)
    if start < end:
        if not start <= wall < end:
            return due
        end_day = local.date()
    elif wall >= start:
        end_day = local.date() + timedelta(days=1)
    elif wall < end:
        end_day = local.date()
    else:
        return due
    return next(moment for moment in _local_instants(end_day, end, zone) if moment > due)


def snoozed(due: datetime, option: str, now: datetime) -> datetime:
    """Returns the new due instant after the client snoozes a check-in.

    The delay in ``SNOOZE_OPTIONS`` ("1d", "3d", "1w") is added to the later of ``due`` and
    ``now``: snoozing an overdue check-in counts from now, snoozing one announced early
    counts from when it was due. The delay is elapsed time (one day is 24 hours even across
    a clock change); pass the result through ``deliverable_at`` for quiet hours. The result
    is in UTC.

    Raises ValueError for an unknown option or a naive ``due`` or ``now``.
    """
    try:
        delay = SNOOZE_OPTIONS[option]
    except KeyError:
        raise ValueError(
            f"unknown snooze option {option!r}; expected one of {sorted(SNOOZE_OPTIONS)}"
        ) from None
    _require_aware(due, "due")
    _require_aware(now, "now")
    return max(due, now).astimezone(UTC) + delay


def target_deadline(accepted: date) -> date:
    """Returns the last day of the service target: three calendar months after acceptance."""
    return add_months(accepted, TARGET_MONTHS)


def target_status(offers: list[tuple[str, date]], accepted: date, today: date) -> TargetStatus:
    """Returns the progress of the three-month service target of seed 002.

    ``offers`` are ``(kind, day)`` pairs recorded by counselors, ``kind`` one of
    ``SERVICE_TARGET`` ("guidance", "job", "training"). An offer counts when its day is in
    ``[accepted, target_deadline(accepted)]`` (both ends included); offers outside that window
    are ignored. Per kind the result gives ``needed`` (from ``SERVICE_TARGET``), ``done`` (the
    number counted, which may exceed ``needed``) and ``missing`` (``max(needed - done, 0)``).

    ``overall`` is "met" when nothing is missing (whatever ``today`` is), "missed" when
    something is missing and ``today`` is after the deadline, and "open" otherwise — the
    deadline day itself is still open.

    Raises ValueError for an offer of an unknown kind.
    """
    deadline = target_deadline(accepted)
    done = dict.fromkeys(SERVICE_TARGET, 0)
    for kind, day in offers:
        if kind not in SERVICE_TARGET:
            raise ValueError(
                f"unknown offer kind {kind!r}; expected one of {sorted(SERVICE_TARGET)}"
            )
        if accepted <= day <= deadline:
            done[kind] += 1
    kinds: dict[str, KindProgress] = {
        kind: {"needed": needed, "done": done[kind], "missing": max(needed - done[kind], 0)}
        for kind, needed in SERVICE_TARGET.items()
    }
    if all(progress["missing"] == 0 for progress in kinds.values()):
        overall = "met"
    elif today > deadline:
        overall = "missed"
    else:
        overall = "open"
    return {"deadline": deadline, "kinds": kinds, "overall": overall}


def category_after_checkin(
    status: str,
    *,
    household_zero: bool = False,
    difficulty: bool = False,
    wants_work: bool = True,
) -> str:
    """Returns the tracking category implied by a check-in's answers (first matching rule).

    1. ``household_zero`` (no one in the household employed) → "zero_employment";
    2. ``difficulty`` and ``status`` is not "employed_full" → "difficulty";
    3. "employed_full" (stable full-time work) → "employed";
    4. "employed_part" → "underemployed";
    5. "unemployed" → "unemployed" if ``wants_work``, else "underemployed".

    This mirrors the rule order of ``bot.services.triage.categorize`` with one deliberate
    difference: at intake a difficulty flag outranks full-time work, but a check-in reporting
    stable full-time work moves the client to yearly contact even if a difficulty flag
    remains, as the follow-up issue asks.

    Raises ValueError for a status outside ``CHECKIN_STATUSES``.
    """
    if status not in CHECKIN_STATUSES:
        raise ValueError(
            f"unknown employment status {status!r}; expected one of {sorted(CHECKIN_STATUSES)}"
        )
    if household_zero:
        return "zero_employment"
    if difficulty and status != "employed_full":
        return "difficulty"
    if status == "employed_full":
        return "employed"
    if status == "employed_part":
        return "underemployed"
    return "unemployed" if wants_work else "underemployed"
