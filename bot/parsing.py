"""Turns what a person typed into a typed answer, or a localized reason it could not."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.flow import N_, Kind, Option, Step

YES_WORDS = {"yes", "y", "yeah", "yep", "ok", "是", "是的", "对", "好", "好的", "有"}
NO_WORDS = {"no", "n", "nope", "否", "不", "不是", "没有", "无"}


@dataclass
class InputError(Exception):
    """A message id explaining what was wrong, with the values it mentions."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)


def clean(text: str) -> str:
    """Drops control and invisible format characters and outer spaces; keeps what was typed."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cf"} or ch == "\n")
    return text.strip()


def normalize(text: str) -> str:
    """Also folds full-width forms, so '２５' reads as 25 (for numbers, dates and choices)."""
    return clean(unicodedata.normalize("NFKC", text))


def parse_text(step: Step, raw: str) -> str:
    text = clean(raw)
    if not text:
        raise InputError(N_("Please type an answer."))
    if len(text) < step.min_length:
        raise InputError(N_("Please write at least {{ n }} characters."), {"n": step.min_length})
    if len(text) > step.max_length:
        raise InputError(
            N_("That is {{ got }} characters; please keep it to {{ n }} at most."),
            {"got": len(text), "n": step.max_length},
        )
    return text


def parse_number(step: Step, raw: str) -> int | float:
    text = normalize(raw).replace(",", ".").replace(" ", "")
    try:
        number: int | float = float(text)
    except ValueError:
        raise InputError(N_("Please send a number, for example 12.")) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InputError(N_("Please send a number, for example 12."))
    if step.integer:
        if number != int(number):
            raise InputError(N_("Please send a whole number."))
        number = int(number)
    low, high = step.min_value, step.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        raise InputError(
            N_("Please send a number from {{ low }} to {{ high }}."),
            {"low": _fmt(low), "high": _fmt(high)},
        )
    return number


def _fmt(value: float | None) -> str:
    if value is None:
        return "…"
    return str(int(value)) if value == int(value) else str(value)


_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"), ("y", "m", "d")),
)


def parse_date(step: Step, raw: str, today: date) -> str:
    text = normalize(raw).replace(" ", "")
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                value = date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                break
            _check_date_bounds(step, value, today)
            return value.isoformat()
    if step.error:  # e.g. "a short-term goal needs a date": say why this one is required
        raise InputError(step.error)
    raise InputError(N_("Please send a date like 2026-03-31."))


def _bound(spec: str | None, today: date) -> date | None:
    if spec is None:
        return None
    return today if spec == "today" else date.fromisoformat(spec)


def _check_date_bounds(step: Step, value: date, today: date) -> None:
    earliest, latest = _bound(step.not_before, today), _bound(step.not_after, today)
    if earliest and value < earliest:
        raise InputError(
            N_("Please send a date on or after {{ d }}."), {"d": earliest.isoformat()}
        )
    if latest and value > latest:
        raise InputError(N_("Please send a date on or before {{ d }}."), {"d": latest.isoformat()})
    window = step.window(today) if step.window is not None else None
    if window is not None and not window[0] <= value <= window[1]:
        first, last = (day.isoformat() for day in window)
        if step.constraint_message:
            raise InputError(step.constraint_message)
        raise InputError(
            N_("Please send a date from {{ a }} to {{ b }}."), {"a": first, "b": last}
        )


def parse_yesno(raw: str) -> bool:
    word = normalize(raw).lower().rstrip(".!。！")
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise InputError(N_("Please answer Yes or No."))


def parse_scale(step: Step, raw: str) -> int:
    low, high = step.scale
    try:
        value = int(normalize(raw))
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise InputError(
            N_("Please choose a number from {{ low }} to {{ high }}."), {"low": low, "high": high}
        )
    return value


def match_option(options: tuple[Option, ...], labels: list[str], raw: str) -> Option:
    """Accepts a typed option label (any case) in place of a button press."""
    wanted = normalize(raw).casefold()
    for option, label in zip(options, labels, strict=True):
        if wanted in {label.casefold(), option.value.casefold()}:
            return option
    raise InputError(N_("Please choose one of the buttons below."))


def parse_typed(step: Step, raw: str, today: date) -> Any:
    """Parses free typing for the kinds that accept it (choices are matched by the engine)."""
    if step.kind is Kind.TEXT:
        return parse_text(step, raw)
    if step.kind is Kind.NUMBER:
        return parse_number(step, raw)
    if step.kind is Kind.DATE:
        return parse_date(step, raw, today)
    if step.kind is Kind.YESNO:
        return parse_yesno(raw)
    if step.kind is Kind.SCALE:
        return parse_scale(step, raw)
    raise InputError(N_("Please use the buttons below."))
