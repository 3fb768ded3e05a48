"""Scoring of the self-assessment instruments: plain functions over the stored answers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from statistics import fmean, pstdev
from typing import Any

from bot.services.instruments import Instrument

Scores = dict[str, float | None]

# An inventory is "flat" when nearly every answer is the same: its profile says little.
FLAT_SHARE = 0.85
FLAT_SPREAD = 0.5


def item_value(instrument: Instrument, reverse: bool, answer: int) -> int:
    """The value an answer adds to its dimension (reverse-keyed items count backwards)."""
    value = instrument.low + instrument.high - answer if reverse else answer
    return value - instrument.low if instrument.scoring == "sum_from_zero" else value


def score(instrument: Instrument, answers: Mapping[str, Any]) -> Scores:
    """Scores every dimension of an instrument from the answers given (skips are None).

    Sums and means follow the instrument's rule; a dimension with up to `max_missing`
    skipped items is prorated from the answered ones, one with more gets None.
    """
    scores: Scores = {}
    for dimension in instrument.dimensions:
        items = instrument.items_of(dimension)
        values = [
            item_value(instrument, item.reverse, answers[item.name])
            for item in items
            if isinstance(answers.get(item.name), int)
        ]
        missing = len(items) - len(values)
        if not values or missing > instrument.max_missing:
            scores[dimension] = None
        elif instrument.scoring == "mean":
            scores[dimension] = round(fmean(values), 2)
        else:
            scores[dimension] = round(fmean(values) * len(items), 2)
    return scores


def ranked(scores: Mapping[str, float | None]) -> list[str]:
    """Dimensions from highest to lowest score; ties keep the instrument's own order."""
    order = list(scores)
    scored = [d for d in order if scores[d] is not None]
    return sorted(scored, key=lambda d: (-(scores[d] or 0.0), order.index(d)))


def holland_code(scores: Mapping[str, float | None], letters: int = 3) -> str:
    """The Holland code: the highest-scoring interest types, strongest first (e.g. "SEC").

    Only types scored above the person's lowest score count, so a profile with one clear
    interest gets a one-letter code and a completely flat profile gets none.
    """
    scored = [v for v in scores.values() if v is not None]
    floor = min(scored) if scored else 0.0
    return "".join(t for t in ranked(scores) if (scores[t] or 0.0) > floor)[:letters]


def is_flat(answers: Sequence[Any]) -> bool:
    """True when the answers are (almost) all the same, so a profile from them says little."""
    values = [a for a in answers if isinstance(a, int)]
    if len(values) < 4:
        return False
    most_common = Counter(values).most_common(1)[0][1]
    return most_common / len(values) >= FLAT_SHARE or pstdev(values) < FLAT_SPREAD


def level(value: float | None, low: float, high: float) -> str | None:
    """Places a score in the lower, middle or upper third of its range."""
    if value is None:
        return None
    third = (high - low) / 3
    if value < low + third:
        return "low"
    if value > high - third:
        return "high"
    return "medium"
