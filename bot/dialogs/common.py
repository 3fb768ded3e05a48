"""Texts and choice lists shared by every flow (buttons, navigation, short notices)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from bot.flow import N_, Option

if TYPE_CHECKING:
    from bot.engine import Turn

T = TypeVar("T")

# Navigation and buttons
BACK = N_("« Back")
SKIP = N_("Skip »")
MENU = N_("☰ Menu")
DONE = N_("Done ✔")
YES = N_("Yes")
NO = N_("No")
CONFIRM = N_("✔ Looks right")
EDIT = N_("✏️ {{ label }}")
AGREE = N_("I agree")
DECLINE = N_("No, thanks")
LANGUAGE_BUTTON = N_("🌐 Language")
PRIVACY_BUTTON = N_("🔒 Privacy")
DELETE_YES = N_("Yes, erase everything")
DELETE_NO = N_("No, keep my data")
MENU_LABELS = {
    "new": N_("{{ icon }} {{ title }}"),
    "open": N_("▶️ Continue: {{ title }}"),
    "done": N_("✅ {{ title }} (review or edit)"),
}

# Short notices
GONE = N_("I could not find that any more.")
EXPIRED = N_("This button has expired. Here is where you are now.")
TEXT_ONLY = N_("I can only read text and button presses here. Please answer in text.")
USE_BUTTONS = N_("Please use the buttons below.")
PICK_FROM_MENU = N_("Please choose something from the menu.")
UNKNOWN_COMMAND = N_("I don't know that command. Send /help to see what I can do.")
CANCELLED = N_("Stopped. The answers you gave so far are saved.")
NOTHING_TO_CANCEL = N_("Nothing to stop right now.")
LANGUAGE_SET = N_("Language set to {{ language }}.")
ALREADY_AGREED = N_("You have already agreed.")
CONSENT_CHANGED = N_(
    "Our privacy notice has changed since you agreed to it. Please read it and tell me whether "
    "you agree, so we can continue."
)
CONSENT_RENEWED = N_("Thank you. Let's continue where you were.")
CONSENT_NEEDED = N_(
    "I can't continue without your agreement. Your data stays as it is: you can export it "
    "with /export, erase it with /delete, or agree later by sending any message."
)
NOTHING_STORED = N_("I don't hold any data about you: nothing is stored until you agree.")
EXPORT_READY = N_("Here is everything I store about you, as a JSON file.")
EXPORT_CAPTION = N_("Your CareerPilot data")
DELETE_KEPT = N_("Nothing was erased.")
CHOOSE_AT_LEAST = N_("Please choose at least {{ n }}.")
CHOOSE_AT_MOST = N_("Please choose at most {{ n }}.")
SORRY = N_("Sorry, something went wrong on my side. Please try again in a moment.")
INVALID = N_("That answer doesn't fit here. Please try again.")

# Choice lists reused by several flows
AGE_RANGES = (
    Option("under_18", N_("Under 18")),
    Option("18_24", N_("18–24")),
    Option("25_34", N_("25–34")),
    Option("35_44", N_("35–44")),
    Option("45_54", N_("45–54")),
    Option("55_64", N_("55–64")),
    Option("65_plus", N_("65 or older")),
)

SITUATIONS = (
    Option("student", N_("Student")),
    Option("employed_full", N_("Employed full-time")),
    Option("employed_part", N_("Employed part-time or unstable work")),
    Option("unemployed", N_("Unemployed")),
    Option("laid_off", N_("Laid off")),
    Option("retired", N_("Retired")),
    Option("other", N_("Other")),
)

EDUCATION_LEVELS = (
    Option("primary", N_("Primary school or less")),
    Option("lower_secondary", N_("Junior secondary school")),
    Option("upper_secondary", N_("Senior secondary or vocational school")),
    Option("college", N_("Junior college / associate degree")),
    Option("bachelor", N_("Bachelor's degree")),
    Option("master", N_("Master's degree")),
    Option("doctorate", N_("Doctorate")),
)

CHOICE_LISTS = {
    "age_ranges": AGE_RANGES,
    "situations": SITUATIONS,
    "education_levels": EDUCATION_LEVELS,
}


# ── helpers the feature screens share ──────────────────────────────────────────────────────
def record_id(arg: str) -> int | None:
    """The record id a button argument starts with ("12" or "12:topics"); None if there is none."""
    head = arg.split(":", 1)[0]
    return int(head) if head.isdecimal() and len(head) < 12 else None


async def owned(
    turn: Turn, arg: str, lookup: Callable[[int], Awaitable[T | None]], gone: str = GONE
) -> T | None:
    """The person's own record a button names, or None with the notice that it is gone.

    `lookup(id)` must return only the person's own rows (storage functions take the user id).
    """
    found_id = record_id(arg)
    found = await lookup(found_id) if found_id is not None else None
    if found is None:
        turn.reply.notice = turn.t(gone)
    return found


def option_label(texts: Any, locale: str, options: tuple[Option, ...], value: Any) -> str:
    """The translated label of a stored choice (the value itself when it is no option)."""
    return next((texts.plain(locale, o.label) for o in options if o.value == value), str(value))


def fit(label: str, limit: int = 56) -> str:
    """A button label short enough to read on a phone (long typed texts are cut with …)."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
