"""Informational interviews: the question bank, outline timing, pitch timing and the analysis.

Plain functions and data; the conversation is in `bot/dialogs/interviews.py`, the records in
`storage/interviews.py`. The bank's questions are the project's own (facts from the seed
documents), in English and Chinese, in `bot/data/interview_questions.csv`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.services.instruments import DATA

MINUTES_PER_QUESTION = 2.5  # the seed's rule of thumb: two to three minutes a question
OPENING_MINUTES = 2.0  # greeting and the 30-second introduction
CLOSING_QUESTION = "further_contacts_1"  # every outline ends by asking for referrals
MIN_PROFESSIONALS = 3  # at least three people per field, new and experienced
PITCH_SECONDS = 30
WORDS_PER_SECOND = 2.5  # about 150 spoken English words a minute
CHINESE_CHARACTERS_PER_SECOND = 4.0  # about 240 spoken characters a minute
BIG_GAP = 2  # a topic where reality differs from expectation by two points or more
EXPECTATION_TOPICS = ("daily", "requirements", "pay", "prospects", "fit")
FIT_ASPECTS = ("interests", "abilities", "knowledge", "qualities")
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z0-9']+")


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    text: str
    text_zh: str

    def text_in(self, locale: str) -> str:
        return self.text_zh if locale == "zh_Hans" else self.text


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    label_zh: str

    def label_in(self, locale: str) -> str:
        return self.label_zh if locale == "zh_Hans" else self.label


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@cache
def topics() -> tuple[Topic, ...]:
    """The topics an outline can cover, in the order an interview usually takes them."""
    return tuple(
        Topic(r["topic"], r["label"], r["label_zh"]) for r in _rows("interview_topics.csv")
    )


@cache
def bank() -> dict[str, Question]:
    """Every question of the bank by id."""
    return {
        r["id"]: Question(r["id"], r["topic"], r["text"], r["text_zh"])
        for r in _rows("interview_questions.csv")
    }


def proposed(topic_ids: Iterable[str]) -> list[str]:
    """The bank's questions for the chosen topics, in topic order (without the closing one)."""
    chosen = set(topic_ids)
    order = [t.id for t in topics()]
    questions = [q for q in bank().values() if q.topic in chosen and q.id != CLOSING_QUESTION]
    return [f"@{q.id}" for q in sorted(questions, key=lambda q: order.index(q.topic))]


def question_text(entry: str, locale: str) -> str:
    """An outline entry as the person reads it: a bank question ("@id") or their own text."""
    if entry.startswith("@") and entry[1:] in bank():
        return bank()[entry[1:]].text_in(locale)
    return entry


def estimated_minutes(questions: Sequence[str]) -> float:
    """How long an outline takes: the opening, each question and the closing referral ask."""
    return OPENING_MINUTES + MINUTES_PER_QUESTION * (len(questions) + 1)


def fitting(duration: int) -> int:
    """How many questions (besides the closing one) fit into `duration` minutes."""
    return max(0, int((duration - OPENING_MINUTES) / MINUTES_PER_QUESTION) - 1)


def trimmed(questions: Sequence[str], duration: int) -> list[str]:
    """Keeps the first questions that fit into the planned time (the person put them first)."""
    return list(questions[: fitting(duration)])


def spoken_seconds(text: str) -> float:
    """Estimated speaking time of a text in English, Chinese or both mixed."""
    chinese = len(_CJK.findall(text))
    words = len(_WORD.findall(_CJK.sub(" ", text)))
    return chinese / CHINESE_CHARACTERS_PER_SECOND + words / WORDS_PER_SECOND


def word_count(text: str) -> int:
    """Words for English, characters for Chinese (as people count them)."""
    return len(_CJK.findall(text)) + len(_WORD.findall(_CJK.sub(" ", text)))


def missing_seniority(seniorities: Iterable[str]) -> list[str]:
    """Which experience levels a field's interviews still lack: someone new, someone senior.

    The seed asks for a mix: people who have just started and people at middle or senior
    level; "mid" and "senior" both count as experienced.
    """
    seen = set(seniorities)
    missing = []
    if "new" not in seen:
        missing.append("new")
    if not seen & {"mid", "senior"}:
        missing.append("senior")
    return missing


@dataclass(frozen=True)
class Comparison:
    topic: str
    expected: int | None
    heard: int | None

    @property
    def gap(self) -> int | None:
        if self.expected is None or self.heard is None:
            return None
        return self.heard - self.expected


def compare(expected: Mapping[str, Any], heard: Mapping[str, Any]) -> list[Comparison]:
    """Expectation against what the interviews showed, topic by topic."""
    return [Comparison(t, expected.get(t), heard.get(t)) for t in EXPECTATION_TOPICS]


def reality_differs(comparisons: Sequence[Comparison]) -> bool:
    """True when two or more topics differ by two points or more: time for a new round."""
    return sum(1 for c in comparisons if c.gap is not None and abs(c.gap) >= BIG_GAP) >= 2


def to_learn(text: str) -> list[str]:
    """A self-development list from what the person typed, one item per line or sentence."""
    parts = re.split(r"[\n;；]+", text)
    return [part.strip(" -•*·\t") for part in parts if part.strip(" -•*·\t")]
