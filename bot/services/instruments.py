"""The self-assessment instruments, read from the data files in `bot/data/`.

An instrument is what the person answers (items, each belonging to one dimension, some reverse
keyed) and how it is scored. The item texts stay in the CSV files they came from; Chinese texts
are the project's own translations in `bot/data/zh_Hans/`, except where a licence forbids
changing the items (the O*NET Interest Profiler: English only, unaltered).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
ZH = DATA / "zh_Hans"

RIASEC = ("R", "I", "A", "S", "E", "C")
BIG_FIVE = ("E", "A", "C", "N", "I")
WORK_VALUES = (
    "Achievement",
    "Working Conditions",
    "Recognition",
    "Relationships",
    "Support",
    "Independence",
)
READINESS = ("concern", "control", "curiosity", "confidence")
LEARNING = ("hands_on", "reading", "listening", "visual", "discussion")


@dataclass(frozen=True)
class Item:
    """One statement to rate; `name` is the stored answer key, `text` its English wording."""

    name: str
    text: str
    dimension: str
    reverse: bool = False
    text_zh: str | None = None
    group: str = ""


@dataclass(frozen=True)
class Instrument:
    """A rating inventory and its scoring rule.

    `scoring` is "sum" (the answers added up), "sum_from_zero" (answers 1–5 counted 0–4, as the
    O*NET Interest Profiler does) or "mean". A dimension with more than `max_missing` skipped
    items gets no score; with fewer, the skipped ones count as the person's mean on the rest of
    that dimension (prorating), so a skip neither raises nor lowers the score.
    """

    id: str
    measures: str
    version: int
    dimensions: tuple[str, ...]
    items: tuple[Item, ...]
    scoring: str = "sum"
    low: int = 1
    high: int = 5
    max_missing: int = 2

    def items_of(self, dimension: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.dimension == dimension)

    def score_range(self, dimension: str) -> tuple[float, float]:
        """The lowest and highest score a dimension can get."""
        n = len(self.items_of(dimension))
        if self.scoring == "mean":
            return float(self.low), float(self.high)
        if self.scoring == "sum_from_zero":
            return 0.0, float(n * (self.high - self.low))
        return float(n * self.low), float(n * self.high)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _zh(path: Path, key: str = "id", column: str = "text_zh") -> dict[str, str]:
    return {row[key]: row[column] for row in _rows(path)}


@cache
def interest_markers() -> Instrument:
    """The 48 public-domain RIASEC Markers (Armstrong, Allison & Rounds, 2008), summed 8–40."""
    zh = _zh(ZH / "riasec_markers.csv")
    items = tuple(
        Item(row["id"], row["text"], row["scale"], text_zh=zh[row["id"]])
        for row in sorted(_rows(DATA / "riasec_public_domain_items.csv"), key=_order)
    )
    return Instrument("interests", "riasec", 1, RIASEC, _interleaved(items, RIASEC))


@cache
def interest_profiler() -> Instrument:
    """The 60-item O*NET Interest Profiler Short Form in its official order, summed 0–40."""
    items = tuple(
        Item(row["id"], row["text"], row["scale"])
        for row in sorted(_rows(DATA / "riasec_items.csv"), key=_order)
    )
    return Instrument("interests_onet", "riasec", 1, RIASEC, items, scoring="sum_from_zero")


@cache
def personality() -> Instrument:
    """The Mini-IPIP (Donnellan et al., 2006): 20 items, four per Big Five factor, 4–20."""
    zh = _zh(ZH / "mini_ipip.csv")
    rows = [row for row in _rows(DATA / "ipip_items.csv") if row["instrument"] == "mini_ipip"]
    items = tuple(
        Item(
            row["id"],
            row["text"],
            row["factor"],
            reverse=row["keyed"] == "-",
            text_zh=zh[row["id"]],
        )
        for row in sorted(rows, key=lambda row: int(row["item_no"]))
    )
    return Instrument("personality", "big_five", 1, BIG_FIVE, items, max_missing=1)


@cache
def work_values() -> Instrument:
    """The 20 Work Importance Locator needs, each rated 1–5, averaged per O*NET work value.

    The paper Locator sorts cards into columns; a chat asks for a rating per card instead.
    Chinese speakers rate the CC BY need descriptions in the project's translation, because
    the card wording itself may not be altered.
    """
    zh = _zh(ZH / "work_needs.csv")
    items = tuple(
        Item(row["id"], f"{row['stem']} {row['text']}", row["value"], text_zh=zh[row["id"]])
        for row in _rows(DATA / "work_values_items.csv")
        if row["in_wil_20_card_set"] == "yes"
    )
    return Instrument("values", "work_values", 1, WORK_VALUES, items, scoring="mean")


@cache
def skills() -> Instrument:
    """A self-rating of the 35 O*NET skills, grouped as the Content Model groups them."""
    zh = {row["element_id"]: row for row in _rows(ZH / "descriptors.csv")}
    items = tuple(
        Item(
            row["element_id"],
            row["name"],
            row["element_id"],
            text_zh=zh[row["element_id"]]["name_zh"],
            group=row["parent"],
        )
        for row in _rows(DATA / "onet_descriptors.csv")
        if row["domain"] in {"skill_basic", "skill_cross_functional"}
    )
    dimensions = tuple(item.name for item in items)
    return Instrument("skills", "skills", 1, dimensions, items, scoring="mean", max_missing=0)


@cache
def readiness() -> Instrument:
    """The project's career-readiness reflection checklist (not a test), averaged 1–5."""
    return _project_checklist("readiness", "readiness_items.csv", READINESS)


@cache
def learning() -> Instrument:
    """The project's learning-preferences reflection checklist (not a test), averaged 1–5."""
    return _project_checklist("learning", "learning_items.csv", LEARNING)


def _project_checklist(id: str, filename: str, dimensions: tuple[str, ...]) -> Instrument:
    items = tuple(
        Item(row["id"], row["text"], row["dimension"], text_zh=row["text_zh"])
        for row in _rows(DATA / filename)
    )
    return Instrument(id, id, 1, dimensions, items, scoring="mean", max_missing=1)


def _order(row: dict[str, str]) -> int:
    return int(row["order"])


def _interleaved(items: tuple[Item, ...], dimensions: tuple[str, ...]) -> tuple[Item, ...]:
    """Alternates the types (R1, I1, A1, …, R2, …) so no type comes as one long block."""
    by_dimension = [[item for item in items if item.dimension == d] for d in dimensions]
    return tuple(item for round_ in zip(*by_dimension, strict=True) for item in round_)


def all_instruments() -> tuple[Instrument, ...]:
    """Every instrument the bot offers, in the order the assessment menu lists them."""
    return (
        interest_markers(),
        interest_profiler(),
        personality(),
        work_values(),
        skills(),
        readiness(),
        learning(),
    )


@dataclass(frozen=True)
class Descriptor:
    """An O*NET Content Model element (a RIASEC type, a work value, a skill) in both languages."""

    element_id: str
    name: str
    description: str
    name_zh: str
    description_zh: str
    parent: str


@cache
def descriptors() -> dict[str, Descriptor]:
    """O*NET descriptor names and descriptions keyed by element id, with Chinese translations."""
    zh = {row["element_id"]: row for row in _rows(ZH / "descriptors.csv")}
    return {
        row["element_id"]: Descriptor(
            row["element_id"],
            row["name"],
            row["description"],
            zh[row["element_id"]]["name_zh"],
            zh[row["element_id"]]["description_zh"],
            row["parent"],
        )
        for row in _rows(DATA / "onet_descriptors.csv")
        if row["element_id"] in zh
    }


def zh_translations() -> dict[str, str]:
    """English wording → the project's Chinese wording, for every translatable item and
    O*NET descriptor (names and descriptions of types, values and skills)."""
    texts = {}
    for descriptor in descriptors().values():
        texts[descriptor.name] = descriptor.name_zh
        texts[descriptor.description] = descriptor.description_zh
    for instrument in all_instruments():
        texts.update({item.text: item.text_zh for item in instrument.items if item.text_zh})
    return texts
