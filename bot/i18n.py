"""Localized text: gettext catalogs (Babel) rendered through Jinja2 with autoescape on.

Every string a person reads goes through here. Message ids are English; `zh_Hans` comes from the
compiled catalog in `bot/locales`. Output is Telegram HTML: user input is always escaped.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, Template, select_autoescape
from markupsafe import Markup

LOCALES = ("en", "zh_Hans")
LOCALE_NAMES = {"en": "English", "zh_Hans": "简体中文"}
LIST_SEPARATORS = {"en": ", ", "zh_Hans": "、"}
HERE = Path(__file__).parent
LOCALES_DIR = HERE / "locales"
TEMPLATES_DIR = HERE / "templates"


def locale_from_telegram(language_code: str | None, default: str = "en") -> str:
    """Maps Telegram's language_code (e.g. 'zh-hans', 'zh-CN', 'en-GB') to a supported locale."""
    if not language_code:
        return default
    code = language_code.lower()
    if code.startswith("zh"):
        return "zh_Hans"
    if code.startswith("en"):
        return "en"
    return default


class Texts:
    """Renders templates and message ids in a locale."""

    def __init__(self, locales_dir: Path = LOCALES_DIR, templates_dir: Path = TEMPLATES_DIR):
        self._locales_dir = locales_dir
        self._templates_dir = templates_dir
        self._envs: dict[str, Environment] = {}
        self._data: dict[str, dict[str, str]] = {}

    def add_data_texts(self, translations: dict[str, dict[str, str]]) -> None:
        """Adds translations of texts kept in data files (locale → English text → text)."""
        for locale, texts in translations.items():
            self._data.setdefault(locale, {}).update(texts)
        self._compiled.cache_clear()

    def translations(self, locale: str) -> NullTranslations:
        return Translations.load(str(self._locales_dir), [locale], domain="messages")

    def env(self, locale: str) -> Environment:
        env = self._envs.get(locale)
        if env is None:
            env = Environment(
                loader=FileSystemLoader(str(self._templates_dir)),
                autoescape=select_autoescape(default=True, default_for_string=True),
                extensions=["jinja2.ext.i18n"],
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=False,
            )
            env.install_gettext_translations(self.translations(locale), newstyle=True)  # type: ignore[attr-defined]
            env.globals["locale"] = locale
            env.globals["sep"] = LIST_SEPARATORS.get(locale, ", ")  # joins lists of names
            self._envs[locale] = env
        return env

    def gettext(self, locale: str, message: str) -> str:
        data = self._data.get(locale)
        if data and message in data:
            return data[message]
        return self.translations_cached(locale).gettext(message)

    @lru_cache(maxsize=8)  # noqa: B019  (one Texts per process)
    def translations_cached(self, locale: str) -> NullTranslations:
        return self.translations(locale)

    def render(self, locale: str, template: str, **context: Any) -> Markup:
        """Renders a template file from bot/templates to Telegram HTML."""
        return Markup(self.env(locale).get_template(template).render(**context).strip())

    def text(self, locale: str, message: str, **context: Any) -> Markup:
        """Translates a message id and renders it as a template (HTML, context escaped)."""
        if not message:
            return Markup("")
        return Markup(self._compiled(locale, message).render(**context).strip())

    def plain(self, locale: str, message: str) -> str:
        """Translates a message id that needs no context, as plain text (escape when shown)."""
        return self.gettext(locale, message)

    @lru_cache(maxsize=4096)  # noqa: B019
    def _compiled(self, locale: str, message: str) -> Template:
        return self.env(locale).from_string(self.gettext(locale, message))


_TAG = re.compile(r"<[^>]+>")


def html_to_plain(html: str) -> str:
    """Strips Telegram HTML to plain text for the console."""
    return unescape(_TAG.sub("", html))
