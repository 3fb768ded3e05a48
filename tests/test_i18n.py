"""Every text exists in English and Simplified Chinese, and the catalogs match the sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import TEMPLATES_DIR, Texts

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "bot" / "locales"
PLACEHOLDER = re.compile(r"\{\{\s*[\w.]+\s*\}\}|%\(\w+\)s")
TAG = re.compile(r"</?[a-z]+>")
CJK = re.compile(r"[\u4e00-\u9fff]")


def catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def source_ids() -> set[str]:
    """Extracts message ids from the code and templates, as `make i18n` does."""
    method_map = [("bot/**.py", "python"), ("bot/templates/**.j2", "jinja2")]
    options = {
        "bot/templates/**.j2": {
            "extensions": "jinja2.ext.i18n",
            "trim_blocks": "True",
            "lstrip_blocks": "True",
        }
    }
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map=options,
        keywords={"N_": None, "_": None, "gettext": None, "ngettext": (1, 2)},
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_the_catalog_template_is_up_to_date_with_the_sources():
    pot = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog(LOCALES / "messages.pot")
        if m.id
    }
    missing = source_ids() - pot
    assert not missing, f"run `make i18n` and translate: {sorted(missing)[:5]}"


def test_every_text_has_a_chinese_translation_with_the_same_placeholders_and_tags():
    problems = []
    for message in catalog(LOCALES / "zh_Hans" / "LC_MESSAGES" / "messages.po"):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string if isinstance(message.string, str) else message.string[0]
        if not text or message.fuzzy:
            problems.append(f"untranslated: {source}")
            continue
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
            problems.append(f"placeholders differ: {source}")
        if sorted(TAG.findall(source)) != sorted(TAG.findall(text)):
            problems.append(f"tags differ: {source}")
    assert problems == []


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES_DIR.glob("*.j2")))
def test_every_template_renders_in_both_languages(template):
    context = {
        "first_time": True,
        "ask": True,
        "version": "1",
        "name": "<b>Li</b>",
        "back": False,
        "consented": True,
        "extra": [("case", "open")],
        "entries": [],
        "label": "L",
        "value": "V",
        "progress": {"position": 1, "total": 2, "bar": "▰"},
        "items": [],
        "title": "T",
        "counts": {"answers": 2},
        "hours": 48,
        "has_counselor": True,
        "need": "N",
        "reason": "R",
        "heading": "new",
        "status": "S",
        "category": "C",
        "case": None,
        "client": None,
        "notes": [],
        "messages": [],
        "text": "<i>x</i> & y",
        "first": 1,
        "last": 1,
        "total": 1,
        "current": "X",
        "step_kind": "multi",
    }
    if template in {"case_summary.j2", "case_extra.j2"}:
        from storage.models import Case, User

        context["case"] = Case(id=7, client_id=1, status="new", category="difficulty")
        context["client"] = User(telegram_id=5, display_name="<b>Li</b>")
    texts = Texts()
    english = texts.render("en", template, **context)
    chinese = texts.render("zh_Hans", template, **context)
    assert "<b>Li</b>" not in english and "<i>x</i>" not in english  # user text is escaped
    if template not in {"answered.j2", "relay.j2"}:  # these hold only the person's own words
        assert CJK.search(chinese), f"{template} has no Chinese text"


def test_user_text_in_a_message_is_escaped():
    shown = Texts().text("zh_Hans", "Language set to {{ language }}.", language="<b>x</b> & y")
    assert shown == "语言已设置为 &lt;b&gt;x&lt;/b&gt; &amp; y。"
