"""Occupation matching: the person's interest profile against 923 O*NET occupations.

Similarity is the Pearson correlation between the person's six RIASEC scores and the
occupation's six interest ratings, so only the *shape* of the profile counts (a person who rates
everything low but Social highest matches Social work as well as an enthusiastic one). When the
person took the work-values inventory, the correlation of their six value scores with the
occupation's work-value ratings adjusts the result by a quarter.

Data: O*NET 29.3 Database, USDOL/ETA, CC BY 4.0 (see NOTICE).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from bot.services.instruments import DATA, RIASEC, WORK_VALUES, ZH

VALUES_WEIGHT = 0.25
FIT_LABELS = ((0.80, "best"), (0.60, "great"))  # else "good"
STRONG_SHARE = 0.8  # an interest is "strong" when within 80 % of the person's top score range
PAGE = 10
Profile = tuple[float, ...]
# A sentence ends at ". " unless the dot closes an abbreviation such as "U.S." or "e.g.".
_SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\be\.g)(?<!\bi\.e)[.;](?=\s|$)")


@dataclass(frozen=True)
class Occupation:
    code: str
    title: str
    description: str
    title_zh: str
    summary_zh: str
    interests: tuple[float, ...]  # R I A S E C on O*NET's 1–7 scale
    high_point: str
    job_zone: int
    values: tuple[float, ...] | None  # six work values, 1–7, or None when not rated
    value_high_points: tuple[str, ...]

    @property
    def summary(self) -> str:
        """The first sentence of the description."""
        match = _SENTENCE_END.search(self.description)
        return self.description[: match.end()] if match else self.description

    def title_in(self, locale: str) -> str:
        return self.title_zh if locale == "zh_Hans" and self.title_zh else self.title

    def summary_in(self, locale: str) -> str:
        return self.summary_zh if locale == "zh_Hans" and self.summary_zh else self.summary


@dataclass(frozen=True)
class Match:
    occupation: Occupation
    similarity: float
    fit: str  # "best" | "great" | "good"
    shared_interests: tuple[str, ...]  # the person's strong types this occupation is built on
    shared_values: tuple[str, ...]  # the person's top values this occupation rewards


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def occupations() -> tuple[Occupation, ...]:
    """All occupations with interest profiles, with Chinese titles and summaries."""
    with (ZH / "occupations.csv").open(encoding="utf-8", newline="") as file:
        zh = {row["onetsoc_code"]: row for row in csv.DictReader(file)}
    result = []
    with (DATA / "onet_occupations.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            values = [_number(row[f"wv_{_column(v)}"]) for v in WORK_VALUES]
            translated = zh.get(row["onetsoc_code"], {})
            result.append(
                Occupation(
                    code=row["onetsoc_code"],
                    title=row["title"],
                    description=row["description"],
                    title_zh=translated.get("title_zh", ""),
                    summary_zh=translated.get("summary_zh", ""),
                    interests=tuple(float(row[t]) for t in RIASEC),
                    high_point=row["riasec_high_point"],
                    job_zone=int(row["job_zone"]),
                    values=None if None in values else tuple(v or 0.0 for v in values),
                    value_high_points=tuple(
                        v for v in row["wv_high_points"].split(";") if v.strip()
                    ),
                )
            )
    return tuple(result)


@cache
def by_code() -> dict[str, Occupation]:
    return {occupation.code: occupation for occupation in occupations()}


def _column(value: str) -> str:
    return value.lower().replace(" ", "_")


def standardized(values: Sequence[float]) -> tuple[float, ...]:
    """Centres a profile and scales it to length 1, so a dot product of two is Pearson's r.

    A flat profile (no variation) is scaled without centring, making the dot product the
    cosine similarity instead.
    """
    mean = sum(values) / len(values)
    centred = [v - mean for v in values]
    norm = math.sqrt(sum(v * v for v in centred))
    if norm == 0:
        centred = list(values)
        norm = math.sqrt(sum(v * v for v in centred))
    return tuple(v / norm for v in centred) if norm else tuple(0.0 for _ in values)


def correlation(a: Sequence[float], b: Sequence[float]) -> float:
    """Pearson's r; a flat profile (no variation) falls back to cosine similarity."""
    return sum(x * y for x, y in zip(standardized(a), standardized(b), strict=True))


@cache
def _standardized_occupations() -> tuple[tuple[Occupation, Profile, Profile | None], ...]:
    """Each occupation with its interest and work-value profiles standardized once."""
    return tuple(
        (o, standardized(o.interests), standardized(o.values) if o.values else None)
        for o in occupations()
    )


def strong_interests(profile: Mapping[str, float | None]) -> tuple[str, ...]:
    """The person's strongest interest types: the top one and any close to it (at most 3)."""
    scored = {t: v for t, v in profile.items() if v is not None}
    if not scored:
        return ()
    top, bottom = max(scored.values()), min(scored.values())
    if top == bottom:
        return ()
    threshold = bottom + STRONG_SHARE * (top - bottom)
    order = sorted(scored, key=lambda t: (-scored[t], RIASEC.index(t)))
    return tuple(t for t in order if scored[t] >= threshold)[:3]


def rank(
    profile: Mapping[str, float | None],
    *,
    values: Mapping[str, float | None] | None = None,
    job_zone: int | None = None,
    exclude: Iterable[str] = (),
) -> list[Match]:
    """Ranks occupations for an interest profile (R…C scores on any scale), best first.

    `values` are the person's six work-value scores when they took that inventory;
    `job_zone` keeps only occupations needing that much preparation; `exclude` drops codes
    the person marked "not for me".
    """
    person = [float(profile.get(t) or 0.0) for t in RIASEC]
    person_values = (
        [float(values.get(v) or 0.0) for v in WORK_VALUES]
        if values and all(values.get(v) is not None for v in WORK_VALUES)
        else None
    )
    top_values = (
        tuple(sorted(WORK_VALUES, key=lambda v: -(values.get(v) or 0.0))[:2])  # type: ignore[union-attr]
        if person_values
        else ()
    )
    strong = strong_interests(profile)
    skipped = set(exclude)
    matches = []
    person_z = standardized(person)
    values_z = standardized(person_values) if person_values else None
    for occupation, interests_z, occupation_values_z in _standardized_occupations():
        if occupation.code in skipped or (job_zone and occupation.job_zone != job_zone):
            continue
        similarity = sum(x * y for x, y in zip(person_z, interests_z, strict=True))
        if values_z and occupation_values_z:
            fit_values = sum(x * y for x, y in zip(values_z, occupation_values_z, strict=True))
            similarity = (1 - VALUES_WEIGHT) * similarity + VALUES_WEIGHT * fit_values
        fit = next((label for bound, label in FIT_LABELS if similarity >= bound), "good")
        matches.append(
            Match(
                occupation,
                round(similarity, 4),
                fit,
                tuple(t for t in strong if t in occupation.high_point),
                tuple(v for v in top_values if v in occupation.value_high_points),
            )
        )
    matches.sort(key=lambda m: (-m.similarity, m.occupation.title))
    return matches
