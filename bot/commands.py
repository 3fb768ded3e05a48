"""The slash commands, with descriptions for Telegram's command menu in each locale."""

from __future__ import annotations

from bot.flow import N_
from bot.i18n import Texts

COMMANDS = (
    ("start", N_("Begin, or come back")),
    ("menu", N_("Main menu")),
    ("cancel", N_("Stop the current questionnaire")),
    ("language", N_("Change the language")),
    ("privacy", N_("What is stored and why")),
    ("export", N_("Get a copy of all your data")),
    ("delete", N_("Erase all your data")),
    ("help", N_("What I can do")),
)

# Telegram's language_code for each locale's command list ("" is the default list).
TELEGRAM_LANGUAGES = {"en": "", "zh_Hans": "zh"}


def localized_commands(texts: Texts) -> dict[str, list[tuple[str, str]]]:
    """Returns {telegram language code: [(command, description)]} for setMyCommands."""
    return {
        code: [(name, texts.plain(locale, description)) for name, description in COMMANDS]
        for locale, code in TELEGRAM_LANGUAGES.items()
    }
