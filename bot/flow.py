"""How a flow is declared: steps as data, in the spirit of XLSForm rows.

A step's `name` is the key its answer is stored under forever; labels, hints and errors are
gettext message ids whose translation is rendered as a Jinja2 template with the answers given so
far (autoescaped). Flows live in `bot/dialogs/`, one module per feature.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.engine import Turn

Answers = Mapping[str, Any]


def N_(message: str) -> str:
    """Marks a message id for extraction; translation happens when it is shown."""
    return message


class Kind(StrEnum):
    MESSAGE = "message"
    CHOICE = "choice"
    MULTI = "multi"
    SCALE = "scale"
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    YESNO = "yesno"
    REVIEW = "review"
    SUBFLOW = "subflow"


QUESTION_KINDS = frozenset(
    {Kind.CHOICE, Kind.MULTI, Kind.SCALE, Kind.TEXT, Kind.NUMBER, Kind.DATE, Kind.YESNO}
)


@dataclass(frozen=True)
class Option:
    """One entry of a named choice list; `value` is what gets stored."""

    value: str
    label: str


@dataclass(frozen=True)
class Step:
    """One row of a flow: a message, a question, a review screen or a sub-flow call."""

    name: str
    kind: Kind
    label: str = ""
    hint: str | None = None
    required: bool = True
    relevant: Callable[[Answers], bool] | None = None
    choices: str | None = None
    min_length: int = 1
    max_length: int = 500
    min_value: float | None = None
    max_value: float | None = None
    integer: bool = True
    scale: tuple[int, int] = (1, 5)
    scale_labels: tuple[str, str] | None = None
    point_labels: tuple[str, ...] | None = None  # one label per scale point: one button each
    min_choices: int = 1
    max_choices: int | None = None
    not_before: str | None = None
    not_after: str | None = None
    # A date step's allowed span, computed from today (first, last); a date outside it gets
    # `constraint_message`. For spans that move with the clock, like "the next twelve months".
    window: Callable[[date], tuple[date, date] | None] | None = None
    constraint: Callable[[Any, Answers], bool] | None = None
    constraint_message: str | None = None
    error: str | None = None  # a date step's own message when the text is not a date
    flow: str | None = None
    short: str | None = None
    counted: bool = True  # False: a confirmation that is not counted in the progress "n/m"

    @property
    def is_question(self) -> bool:
        return self.kind in QUESTION_KINDS

    def is_relevant(self, answers: Answers) -> bool:
        return self.relevant is None or bool(self.relevant(answers))

    @property
    def review_label(self) -> str:
        """The short label used on review screens and edit buttons."""
        return self.short or self.label


OnComplete = Callable[["Turn", Answers], Awaitable[None]]
After = Callable[["Turn", Answers], Awaitable[None]]
Handler = Callable[["Turn", str], Awaitable[None]]
ShowScreen = Callable[["Turn", str], Awaitable[None]]

# Global payload ops the engine itself handles (language, consent, menu, privacy).
BUILT_IN_ACTIONS = frozenset({"L", "C", "M", "P", "Lp"})
ALL_ROLES = frozenset({"client", "counselor", "admin"})
STAFF_ROLES = frozenset({"counselor", "admin"})


@dataclass(frozen=True)
class Command:
    """A slash command a feature adds; `roles` may use it, others are told it is unknown."""

    name: str
    handler: Handler
    description: str
    roles: frozenset[str] = ALL_ROLES


@dataclass(frozen=True)
class Screen:
    """A screen outside flows that waits for typed text (e.g. a counselor's question).

    The conversation state stores `<name>:<argument>`; `on_text(turn, argument)` reads
    `turn.event.text`, and `show(turn, argument)` draws the screen again.
    """

    name: str
    on_text: Handler
    show: ShowScreen


@dataclass(frozen=True)
class Flow:
    """A questionnaire: an id and version stored with every answer, and its steps in order."""

    id: str
    version: int
    title: str
    steps: tuple[Step, ...]
    done: str = ""
    on_complete: OnComplete | None = None
    in_menu: bool = True
    icon: str = ""
    # Entering the flow again asks only what is still unanswered (long inventories resume).
    skip_answered: bool = False
    # What to show once the flow is complete, instead of the main menu.
    after: After | None = None

    def __post_init__(self) -> None:
        names = [step.name for step in self.steps]
        if len(names) != len(set(names)):
            raise ValueError(f"flow {self.id} repeats a step name")
        if any(len(name) > 24 for name in names):
            raise ValueError(f"flow {self.id}: step names must fit a 64-byte button payload")

    def step(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)

    def index(self, name: str) -> int:
        return next(i for i, step in enumerate(self.steps) if step.name == name)


@dataclass(frozen=True)
class MenuEntry:
    """A main-menu button that opens a feature's own screen (`g:<action>:<arg>`)."""

    title: str
    icon: str
    action: str
    arg: str = ""


@dataclass
class Registry:
    """The flows and named choice lists the engine can run."""

    flows: dict[str, Flow] = field(default_factory=dict)
    choice_lists: dict[str, tuple[Option, ...]] = field(default_factory=dict)
    commands: dict[str, Command] = field(default_factory=dict)
    actions: dict[str, Handler] = field(default_factory=dict)
    screens: dict[str, Screen] = field(default_factory=dict)
    start_payloads: dict[str, Handler] = field(default_factory=dict)
    menu_entries: list[MenuEntry] = field(default_factory=list)
    # Translations of texts that live in data files (questionnaire items): locale → id → text.
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    def add_command(self, command: Command) -> None:
        self.commands[command.name] = command

    def add_action(self, op: str, handler: Handler) -> None:
        """Adds a handler for global button payloads `g:<op>:<argument>`."""
        if op in self.actions or op in BUILT_IN_ACTIONS or len(op) > 3:
            raise ValueError(f"action op {op!r} taken or too long")
        self.actions[op] = handler

    def add_menu_entry(self, entry: MenuEntry) -> None:
        self.menu_entries.append(entry)

    def add_translations(self, locale: str, texts: Mapping[str, str]) -> None:
        """Adds translations of data-file texts (item wordings are ids, as in the catalogs)."""
        self.translations.setdefault(locale, {}).update(texts)

    def add_screen(self, screen: Screen) -> None:
        self.screens[screen.name] = screen

    def add_start_payload(self, prefix: str, handler: Handler) -> None:
        """Handles deep links `t.me/<bot>?start=<prefix>_<argument>` (after consent)."""
        self.start_payloads[prefix] = handler

    def add_flow(self, flow: Flow) -> None:
        for step in flow.steps:
            if step.choices and step.choices not in self.choice_lists:
                raise ValueError(f"flow {flow.id}: unknown choice list {step.choices}")
            if step.kind is Kind.SUBFLOW and step.flow not in self.flows:
                raise ValueError(f"flow {flow.id}: sub-flow {step.flow} must be added first")
        self.flows[flow.id] = flow

    def add_choices(self, name: str, options: tuple[Option, ...]) -> None:
        self.choice_lists[name] = options

    def options(self, step: Step) -> tuple[Option, ...]:
        return self.choice_lists[step.choices] if step.choices else ()

    def menu_flows(self) -> list[Flow]:
        return [flow for flow in self.flows.values() if flow.in_menu]
