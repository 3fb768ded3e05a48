"""Every text a person reads exists in Simplified Chinese, and the catalogs match the sources."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import TemplateSyntaxError

from bot.i18n import TEMPLATES_DIR, Texts, html_to_plain
from bot.services.planning import Known, Progress

ROOT = Path(__file__).resolve().parent.parent
LOCALES_DIR = ROOT / "bot" / "locales"
POT = LOCALES_DIR / "messages.pot"
ZH_PO = LOCALES_DIR / "zh_Hans" / "LC_MESSAGES" / "messages.po"
# `make i18n` runs `pybabel extract -F babel.cfg -k N_ -k _`: its keywords on top of babel's.
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "_": None}

PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)\s*\}\}|%\((\w+)\)s")
# The tags Telegram's HTML parse mode accepts; any other < or > must be written &lt; / &gt;.
TAG = re.compile(
    r"</?(?:b|strong|i|em|u|ins|s|strike|del|span|tg-spoiler|a|code|pre|blockquote|tg-emoji)"
    r"(?:\s[^<>]*)?>"
)
ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
CJK = re.compile(r"[\u3400-\u9fff]")
ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]+){2,}")
COMMAND = re.compile(r"/[a-z_]+")
# Shown next to its own Chinese ("… / 请选择语言。"), so the language picker reads in both.
STAYS_ENGLISH = {"Please choose your language."}
# English texts Telegram would refuse (raw < >); reported, drop an entry once its text is fixed.
KNOWN_INVALID_HTML = {
    "Usage: /assign <case number> <counselor id> (ids are shown by /counselors).",
}

# What people type, pasted into templates: it must arrive escaped.
USER_NAME = "<b>Li</b> & Co"
USER_TEXT = "<i>Called</i> & left a message"
USER_VALUES = (USER_NAME, USER_TEXT)


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def first(value: str | tuple[str, ...]) -> str:
    return value if isinstance(value, str) else value[0]


def forms(message: Message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else list(message.string)


def placeholders(text: str) -> list[str]:
    return sorted(jinja or percent for jinja, percent in PLACEHOLDER.findall(text))


def tags(text: str) -> list[str]:
    return sorted(match.group(0).replace(" ", "") for match in TAG.finditer(text))


def source_messages() -> dict[str, str]:
    """Extracts message ids from code and templates as `make i18n` does: {id: file}."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault(first(message), filename)
    return found


@pytest.fixture(scope="session")
def texts(tmp_path_factory: pytest.TempPathFactory) -> Texts:
    """Texts over catalogs compiled from the .po files now (so a stale .mo cannot hide a gap)."""
    compiled = tmp_path_factory.mktemp("locales")
    for po in LOCALES_DIR.glob("*/LC_MESSAGES/messages.po"):
        target = compiled / po.relative_to(LOCALES_DIR).with_suffix(".mo")
        target.parent.mkdir(parents=True)
        with target.open("wb") as handle:
            write_mo(handle, read_catalog(po))
    return Texts(locales_dir=compiled)


# ── catalogs ──────────────────────────────────────────────────────────────────────────────────
def test_the_catalog_template_lists_exactly_the_texts_in_the_sources():
    in_sources = set(source_messages())
    in_pot = {first(m.id) for m in read_catalog(POT) if m.id}
    missing, stale = sorted(in_sources - in_pot), sorted(in_pot - in_sources)
    assert not missing and not stale, (
        f"bot/locales/messages.pot is out of date: run `make i18n`, then translate the new "
        f"entries in zh_Hans.\nmissing: {missing}\nno longer in the sources: {stale}"
    )


def test_every_text_has_a_chinese_translation():
    chinese = read_catalog(ZH_PO)
    problems = []
    for source in read_catalog(POT):
        if not source.id:
            continue
        message = chinese.get(source.id)
        if message is None:
            problems.append(f"not in the zh_Hans catalog (run `make i18n`): {first(source.id)!r}")
        elif message.fuzzy or not all(forms(message)):
            problems.append(f"untranslated or fuzzy: {first(source.id)!r}")
        elif message.id in STAYS_ENGLISH:
            continue
        else:
            words = COMMAND.sub("", PLACEHOLDER.sub("", first(message.id)))
            if re.search(r"[A-Za-z]", words) and not all(CJK.search(s) for s in forms(message)):
                problems.append(f"not in Chinese: {first(source.id)!r} -> {forms(message)!r}")
    assert problems == [], "\n".join(problems)


def test_translations_keep_the_placeholders_and_tags_of_the_english():
    problems = []
    for message in read_catalog(ZH_PO):
        if not message.id:
            continue
        english = message.id[-1] if isinstance(message.id, tuple) else message.id
        for text in filter(None, forms(message)):
            if placeholders(text) != placeholders(english):
                problems.append(f"placeholders differ: {english!r} -> {text!r}")
            if tags(text) != tags(english):
                problems.append(f"tags differ: {english!r} -> {text!r}")
    assert problems == [], "\n".join(problems)


def html_problem(text: str) -> str | None:
    """Says what Telegram's HTML parser would refuse in a text, if anything."""
    bare = ENTITY.sub("", TAG.sub("", text))
    return "unescaped <, > or &" if re.search(r"[<>&]", bare) else None


def test_texts_are_valid_telegram_html():
    """A stray < or & makes Telegram refuse the whole message."""
    problems = []
    for message in read_catalog(ZH_PO):
        if not message.id:
            continue
        english = first(message.id)
        if html_problem(english) and english not in KNOWN_INVALID_HTML:
            problems.append(f"English: {english!r}")
        problems += [f"Chinese: {text!r}" for text in forms(message) if html_problem(text)]
    assert problems == [], "\n".join(problems)


def test_translations_format_and_parse_as_the_bot_renders_them(texts):
    """A stray % in a {% trans %} text, or {{ in an N_ text, breaks rendering."""
    in_templates = {message for message, file in source_messages().items() if file.endswith(".j2")}
    env = texts.env("zh_Hans")
    problems = []
    for message in read_catalog(ZH_PO):
        if not message.id:
            continue
        for text in filter(None, forms(message)):
            if first(message.id) in in_templates:
                try:  # Jinja's i18n extension %-formats every {% trans %} text
                    text % {name: "x" for name in placeholders(text)}
                except (ValueError, TypeError, KeyError) as error:
                    problems.append(f"{error}: {text!r}")
            else:  # N_ texts are rendered as Jinja templates
                try:
                    env.parse(text)
                except TemplateSyntaxError as error:
                    problems.append(f"{error}: {text!r}")
    assert problems == [], "\n".join(problems)


def test_tracking_categories_keep_the_dash_the_client_list_cuts_at(texts):
    from bot.services.triage import CATEGORY_LABELS

    for label in CATEGORY_LABELS.values():
        short, dash, cadence = texts.plain("zh_Hans", label).partition(" — ")
        assert dash and CJK.search(short) and CJK.search(cadence), label


# ── templates ─────────────────────────────────────────────────────────────────────────────────
WHEN = datetime(2026, 3, 31, 9, 30, tzinfo=UTC)
CASE = SimpleNamespace(
    id=7,
    category_note=USER_TEXT,
    referral_suggested=True,
    last_activity_at=WHEN,
)
CLIENT = SimpleNamespace(display_name=USER_NAME, telegram_id=5)
ITEMS = [
    {"name": "name", "label": "称呼", "value": USER_NAME},
    {"name": "city", "label": "城市", "value": ""},
]

RESULT = {
    "measures": "riasec",
    "form": "interests",
    "title": "兴趣（RIASEC）",
    "date": "2026-03-31",
    "lines": [{"name": "社会型", "value": "36/40", "meaning": "帮助、教导、照顾他人。"}],
    "themes": ["SEC"],
    "tips": [],
    "skipped": 2,
    "unscored": [],
    "earlier": 1,
}

PROFESSIONAL = SimpleNamespace(
    name=USER_NAME, position="护士", organization=USER_TEXT, contact="138", known=USER_TEXT
)
INTERVIEW = SimpleNamespace(status="done", thank_you_sent_at=None)
REPORT_CONTEXT = {
    "title": "护理",
    "sentence": USER_TEXT,
    "rows": [{"topic": "日常工作", "expected": 5, "heard": 2, "gap": -3}],
    "fit": [{"aspect": "我的兴趣", "value": 4}],
    "to_learn": [USER_TEXT],
    "summary": USER_NAME,
    "new_round": True,
    "people": [{"name": USER_NAME, "position": "护士", "seniority": "资深", "surprised": ""}],
}
OUTLINE = {
    "name": USER_NAME,
    "position": "护士",
    "organization": "市医院",
    "field": USER_TEXT,
    "duration": 30,
    "minutes": 20,
    "questions": ["您的日常工作是什么？", USER_TEXT],
    "closing": "您能推荐其他人吗？",
    "pitch": USER_TEXT,
}

STEP_LINE = {
    "id": 31,
    "icon": "▫️",
    "title": USER_TEXT,
    "due": "2027-01-15",
    "status": "待办",
    "overdue": True,
    "reason": USER_NAME,
    "comments": [{"by": "王", "at": "2027-01-02", "text": USER_TEXT}],
}
KNOWN = Known(
    holland="SIA",
    interests=("社会型", "研究型"),
    values=("成就",),
    strengths=("数学",),
    gaps=("编程",),
    readiness_focus=("自信",),
    targets=(USER_TEXT,),
    to_learn=(USER_NAME,),
    differs=(USER_TEXT,),
)
GOAL_LINE = {
    "statement": USER_TEXT,
    "measure": USER_NAME,
    "date": "2027-02-28",
    "parent": USER_NAME,
    "steps": [STEP_LINE],
}
PLAN_CONTEXT: dict[str, Any] = {
    "name": USER_NAME,
    "today": "2026-12-01",
    "known": KNOWN,
    "stand_note": USER_TEXT,
    "environment": [{"name": "region", "label": "城市或地区", "value": USER_TEXT}],
    "opportunities": [{"name": "short_opps", "label": "今年的机会", "value": USER_TEXT}],
    "swot": [{"name": "💪 优势", "entries": [USER_TEXT]}, {"name": "⚠️ 威胁", "entries": []}],
    "route": "先培训后就业",
    "route_note": USER_TEXT,
    "horizons": [{"name": "短期目标", "goals": [GOAL_LINE]}, {"name": "人生目标", "goals": []}],
    "achieved": [USER_NAME],
    "other": [STEP_LINE],
    "suggested": [STEP_LINE],
    "progress": Progress(4, 9),
    "reviews": [{"day": "2027-01-01", "went": "良好", "changed": USER_TEXT}],
    "history": [{"day": "2027-01-01", "text": "新步骤：" + USER_TEXT}],
}

# What bot/engine.py and bot/dialogs pass each template; translated values are in Chinese.
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "answered": ("answered.j2", {"label": "我该怎么称呼您？", "value": USER_NAME}),
    "case_extra": (
        "case_extra.j2",
        {
            "case": CASE,
            "notes": [SimpleNamespace(created_at=WHEN, text=USER_TEXT)],
            "messages": [
                SimpleNamespace(created_at=WHEN, direction="to_client", text=USER_TEXT),
                SimpleNamespace(created_at=WHEN, direction="to_counselor", text=USER_TEXT),
            ],
        },
    ),
    "case_extra_empty": ("case_extra.j2", {"case": CASE, "notes": [], "messages": []}),
    "case_referred": (
        "case_referred.j2",
        {"reason": USER_TEXT, "items": ["免费的法律援助中心。"]},
    ),
    **{
        f"case_summary_{heading}": (
            "case_summary.j2",
            {
                "case": CASE,
                "client": CLIENT,
                "items": ITEMS,
                "heading": heading,
                "status": "新个案，等待咨询师",
                "category": "就业困难人员 — 每月联系一次",
                "reason": "存在就业困难",
                "need": "法律问题",
            },
        )
        for heading in ("new", "updated", "view")
    },
    "clients": (
        "clients.j2",
        {
            "entries": [
                {"case": CASE, "name": USER_NAME, "status": "已接手", "category": "就业困难人员"}
            ],
            "first": 1,
            "last": 1,
            "total": 1,
        },
    ),
    "consent": ("consent.j2", {"version": "2", "ask": True}),
    "consent_to_read": ("consent.j2", {"version": "2", "ask": False}),
    "counselors": (
        "counselors.j2",
        {
            "entries": [
                {"user": SimpleNamespace(id=1, display_name=USER_NAME, role=role), "open": n}
                for n, role in enumerate(("admin", "counselor", "client"))
            ]
        },
    ),
    "counselors_none": ("counselors.j2", {"entries": []}),
    "declined": ("declined.j2", {}),
    "delete_confirm": ("delete_confirm.j2", {}),
    "deleted": ("deleted.j2", {"counts": {"users": 1, "answers": 12, "audit_log": 0}}),
    "help": ("help.j2", {"consented": True, "extra": [("case", "查看个案：/case 12")]}),
    "help_before_consent": ("help.j2", {"consented": False, "extra": []}),
    "intake_done": (
        "intake_done.j2",
        {"items": ITEMS, "hours": 48, "has_counselor": True},
    ),
    "intake_done_unassigned": (
        "intake_done.j2",
        {"items": ITEMS, "hours": 48, "has_counselor": False},
    ),
    "language": ("language.j2", {"first_time": True}),
    "menu": (
        "menu.j2",
        {
            "entries": [
                {"title": "关于我", "status": "done", "icon": "🙂"},
                {"title": "初次访谈", "status": "open", "icon": "📝"},
            ]
        },
    ),
    "question": (
        "question.j2",
        {
            "progress": {"position": 3, "total": 12, "bar": "▰▰▱▱▱▱▱▱▱▱"},
            "label": "您目前的状况是？",
            "hint": "名字或昵称都可以。",
            "error": "请从下面的按钮中选择一项。",
            "current": USER_TEXT,
            "scale": None,
            "step_kind": "multi",
        },
    ),
    "question_date": (
        "question.j2",
        {
            "progress": {"position": 1, "total": 1, "bar": "▰" * 10},
            "label": "您什么时候方便和咨询师见面？",
            "step_kind": "date",
        },
    ),
    "referral": ("referral.j2", {"need": "法律问题", "items": ["免费的法律援助中心。"]}),
    "relay": ("relay.j2", {"heading": "您的咨询师问：", "text": USER_TEXT}),
    "review": ("review.j2", {"title": "关于我", "items": ITEMS}),
    "welcome": ("welcome.j2", {"name": USER_NAME, "back": False}),
    "welcome_anonymous": ("welcome.j2", {"name": None, "back": False}),
    "welcome_back": ("welcome.j2", {"name": USER_NAME, "back": True}),
    "welcome_back_anonymous": ("welcome.j2", {"name": None, "back": True}),
    "about_data": ("about_data.j2", {}),
    "assessment_hub": (
        "assessment_hub.j2",
        {
            "entries": [
                {
                    "title": "兴趣（RIASEC）",
                    "status": "done",
                    "date": "2026-03-31",
                    "themes": "SEC",
                },
                {"title": "人格（大五）", "status": "open", "date": "", "themes": ""},
                {"title": "工作价值观", "status": "new", "date": "", "themes": ""},
            ]
        },
    ),
    "assessment_result": ("assessment_result.j2", {"result": RESULT}),
    "assessment_result_skills": (
        "assessment_result.j2",
        {"result": RESULT | {"measures": "skills", "lines": [], "themes": ["编程"]}},
    ),
    "assessment_result_readiness": (
        "assessment_result.j2",
        {
            "result": RESULT
            | {
                "measures": "readiness",
                "themes": [],
                "tips": ["多了解几个职业。"],
                "unscored": ["探索"],
            }
        },
    ),
    "case_assessments": ("case_assessments.j2", {"items": [RESULT], "targets": [USER_TEXT]}),
    "case_assessments_empty": ("case_assessments.j2", {"items": [], "targets": []}),
    "match_card": (
        "match_card.j2",
        {
            "title": "注册护士",
            "fit": "🟢 最佳匹配",
            "zone": "职业准备区 3",
            "summary": "护理病人。",
            "why": "因为您的社会型兴趣很强。",
        },
    ),
    "match_details": (
        "match_details.j2",
        {
            "title": "注册护士",
            "english_title": "Registered Nurses",
            "summary": "护理病人。",
            "description": "Assess patient health problems and needs.",
            "zone": "职业准备区 3",
            "zone_words": "中等准备。",
            "interests": ["社会型", "研究型"],
            "values": ["人际关系"],
            "code": "29-1141.00",
        },
    ),
    "matches": ("matches.j2", {"page": 1, "zone": "职业准备区 3", "first": 1}),
    "matches_footer": ("matches_footer.j2", {}),
    "profile": ("profile.j2", {"items": [RESULT], "targets": [USER_TEXT]}),
    "profile_empty": ("profile.j2", {"items": [], "targets": []}),
    "targets": ("targets.j2", {"targets": [USER_NAME]}),
    "targets_empty": ("targets.j2", {"targets": []}),
    "case_interviews": ("case_interviews.j2", {"reports": [REPORT_CONTEXT]}),
    "interviews_hub": (
        "interviews_hub.j2",
        {
            "entries": [
                {"title": USER_TEXT, "done": 1, "needed": 3, "missing": ["还需要一位资深人士"]}
            ]
        },
    ),
    "interviews_hub_empty": ("interviews_hub.j2", {"entries": []}),
    "interview_target": (
        "interview_target.j2",
        {
            "progress": {"title": USER_TEXT, "done": 3, "needed": 3, "missing": []},
            "people": [
                {"name": USER_NAME, "seniority": "资深", "status": "done", "referred": True}
            ],
            "expected": False,
        },
    ),
    "interview_professional": (
        "interview_professional.j2",
        {
            "row": PROFESSIONAL,
            "seniority": "资深",
            "channel": "邮件",
            "found_via": "老师",
            "referrer": USER_NAME,
            "interview": INTERVIEW,
            "when": "2027-01-15 15:00",
            "format": "视频通话",
            "questions": 3,
        },
    ),
    "interview_remove": ("interview_remove.j2", {"name": USER_NAME}),
    "interview_report": ("interview_report.j2", REPORT_CONTEXT | {"shared": WHEN}),
    "interview_report_document": ("interview_report_document.j2", REPORT_CONTEXT),
    "interview_request_email": (
        "interview_request.j2",
        {
            "channel": "email",
            "name": USER_NAME,
            "me": USER_TEXT,
            "field": "护理",
            "pitch": "",
            "minutes": 30,
            "referrer": USER_NAME,
        },
    ),
    "interview_request_phone": (
        "interview_request.j2",
        {
            "channel": "phone",
            "name": USER_NAME,
            "me": "安",
            "field": "护理",
            "pitch": USER_TEXT,
            "minutes": 30,
            "referrer": "",
        },
    ),
    "interview_thanks": ("interview_thanks.j2", {"name": USER_NAME, "field": USER_TEXT}),
    "outline_topics": ("outline_topics.j2", {"name": USER_NAME}),
    "outline_editor": (
        "outline_editor.j2",
        OUTLINE | {"cursor": 1, "too_long": True, "fitting": 10},
    ),
    "outline_message": ("outline_message.j2", OUTLINE),
    "outline_document": ("outline_document.j2", OUTLINE),
    "pitch": (
        "pitch.j2",
        {"pitch": USER_TEXT, "words": 70, "seconds": 35, "too_long": True, "limit": 30},
    ),
    "pitch_fits": (
        "pitch.j2",
        {"pitch": USER_TEXT, "words": 20, "seconds": 10, "too_long": False, "limit": 30},
    ),
    "reminder_before": ("reminder_before.j2", {"name": USER_NAME, "when": "2027-01-15 15:00"}),
    "reminder_after": ("reminder_after.j2", {"name": USER_NAME}),
    "reminder_thanks": ("reminder_thanks.j2", {"name": USER_NAME}),
    "checkin_invite": ("checkin_invite.j2", {"day": "2027-01-15", "kind": "checkin"}),
    "effect_invite": ("checkin_invite.j2", {"day": "2027-01-15", "kind": "effect"}),
    "checkin_done": ("checkin_done.j2", {"next": "2027-02-15", "talk": True}),
    "checkin_done_last": ("checkin_done.j2", {"next": "", "talk": False}),
    "followups": (
        "followups.j2",
        {
            "days": ["2027-01-15"],
            "quiet": "21:00-08:00",
            "offers": [{"day": "2027-01-02", "kind": "岗位推荐", "text": USER_TEXT}],
        },
    ),
    "followups_none": ("followups.j2", {"days": [], "quiet": "21:00-08:00"}),
    "due": (
        "due.j2",
        {
            "overdue": [{"id": 7, "name": USER_NAME, "day": "2027-01-15"}],
            "talks": [{"id": 7, "name": USER_NAME, "day": "2027-01-15"}],
            "unreachable": [{"id": 8, "name": USER_TEXT, "day": ""}],
        },
    ),
    "due_none": ("due.j2", {"overdue": [], "talks": [], "unreachable": []}),
    "digest": (
        "digest.j2",
        {
            "week": "2027-W03",
            "overdue": [{"id": 7, "name": USER_NAME, "day": "2027-01-15"}],
            "talks": [{"id": 7, "name": USER_TEXT, "day": "2027-01-15"}],
            "unreachable": [],
        },
    ),
    "case_followups": (
        "case_followups.j2",
        {
            "before": "失业",
            "checkins": [
                {
                    "day": "2027-01-15",
                    "status": "兼职",
                    "applications": 5,
                    "interviews": 2,
                    "offers": 0,
                    "talk": True,
                    "obstacles": USER_TEXT,
                }
            ],
            "next": "2027-02-15",
            "planned": 10,
            "target": {
                "deadline": "2027-03-01",
                "overall": "missed",
                "kinds": [{"kind": "岗位推荐", "done": 1, "needed": 3}],
                "offers": [{"day": "2027-01-02", "kind": "岗位推荐", "text": USER_TEXT}],
            },
            "effects": [
                {
                    "day": "2027-01-15",
                    "ratings": [("目标清晰度", 4)],
                    "improve": USER_TEXT,
                    "comments": USER_NAME,
                }
            ],
        },
    ),
    "plan_hub": (
        "plan_hub.j2",
        {
            "parts": [{"label": "📍 我的现状", "done": True}, {"label": "🎯 目标", "done": False}],
            "progress": Progress(4, 9),
            "upcoming": "2027-01-01",
            "shared": True,
        },
    ),
    "plan_stand": ("plan_stand.j2", {"known": KNOWN, "note": USER_TEXT, "confirmed": False}),
    "plan_stand_empty": ("plan_stand.j2", {"known": Known(), "note": "", "confirmed": False}),
    "plan_swot": (
        "plan_swot.j2",
        {
            "boxes": [
                {"name": "💪 优势", "entries": [USER_TEXT], "new": 2},
                {"name": "⚠️ 威胁", "entries": [], "new": 0},
            ],
            "environment": False,
        },
    ),
    "plan_quadrant": (
        "plan_quadrant.j2",
        {
            "name": "💪 优势",
            "quadrant": "strengths",
            "items": [USER_TEXT],
            "suggestions": [USER_NAME],
        },
    ),
    "plan_route": (
        "plan_route.j2",
        {
            "route": "自主创业",
            "meaning": "自己当老板。",
            "note": USER_TEXT,
            "steps": ["写商业计划"],
        },
    ),
    "plan_goals": (
        "plan_goals.j2",
        {
            "horizons": [
                {
                    "name": "短期目标",
                    "goals": [
                        {
                            "statement": USER_TEXT,
                            "date": "2027-02-28",
                            "parent": USER_NAME,
                            "unlinked": False,
                        },
                        {"statement": USER_NAME, "date": "", "parent": "", "unlinked": True},
                    ],
                },
                {"name": "人生目标", "goals": []},
            ],
            "achieved": [USER_TEXT],
            "missing": ["人生目标"],
        },
    ),
    "plan_goal": (
        "plan_goal.j2",
        {
            "goal": SimpleNamespace(
                statement=USER_TEXT, target_date="2027-02-28", measure=USER_NAME, status="active"
            ),
            "horizon": "短期目标",
            "parent": USER_NAME,
            "children": [USER_TEXT],
            "steps": [STEP_LINE],
            "progress": Progress(1, 2),
            "ask_link": True,
        },
    ),
    "plan_actions": (
        "plan_actions.j2",
        {
            "intro": "做得好！",
            "sections": [{"goal": USER_TEXT, "date": "2027-02-28", "steps": [STEP_LINE]}],
            "other": [STEP_LINE],
            "suggested": [STEP_LINE],
            "progress": Progress(4, 9),
            "no_goal": False,
            "zone": "Asia/Shanghai",
            "quiet": "21:00-08:00",
        },
    ),
    "plan_import": ("plan_import.j2", {"goal": USER_TEXT, "items": [], "empty": True}),
    "plan_step": ("plan_step.j2", {"step": STEP_LINE, "kind": "求职申请", "goal": USER_NAME}),
    "plan_step_due": ("plan_step_due.j2", {"title": USER_TEXT, "day": "2027-01-15"}),
    "plan_review_invite": ("plan_review_invite.j2", {"goal": USER_TEXT, "day": "2027-01-15"}),
    "plan_history": (
        "plan_history.j2",
        {"lines": [{"day": "2027-01-01", "text": "新步骤：" + USER_TEXT}], "more": 3},
    ),
    "plan_message": ("plan_message.j2", PLAN_CONTEXT),
    "plan_document": ("plan_document.j2", PLAN_CONTEXT),
    "case_plan": ("case_plan.j2", PLAN_CONTEXT),
}
# English that stays on purpose in a Chinese message: names of sources and O*NET's own text.
ENGLISH_ON_PURPOSE = {
    "about_data.j2": (
        "Armstrong, Allison",
        "Goldberg et al.",
        "Journal of Vocational Behavior",
        "Donnellan, Oswald, Baird",
        "Interest Item Pool",
        "International Personality Item Pool",
        "Work Importance Locator",
        "U.S. Department of Labor",
        "Employment and Training Administration",
    ),
    "match_details.j2": ("Registered Nurses", "Assess patient health problems and needs."),
}


def test_every_template_has_a_rendering_case_here():
    templates = {path.name for path in TEMPLATES_DIR.glob("*.j2")}
    untested = templates - {template for template, _ in CASES.values()}
    assert not untested, f"add a context for these templates to CASES: {sorted(untested)}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_template_reads_in_chinese_with_what_people_typed_escaped(texts, case):
    template, context = CASES[case]
    shown = str(texts.render("zh_Hans", template, **context))
    assert CJK.search(shown), f"{template} has no Chinese text"
    for value in USER_VALUES:
        assert value not in shown, f"{template} shows user text unescaped"
    plain = html_to_plain(shown)
    for allowed in (*USER_VALUES, *STAYS_ENGLISH, *ENGLISH_ON_PURPOSE.get(template, ())):
        plain = plain.replace(allowed, "")
    assert not ENGLISH_RUN.search(plain), f"{template} has English left:\n{plain}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_template_renders_in_english_with_what_people_typed_escaped(texts, case):
    template, context = CASES[case]
    shown = str(texts.render("en", template, **context))
    for value in USER_VALUES:
        assert value not in shown, f"{template} shows user text unescaped"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("welcome", "&lt;b&gt;Li&lt;/b&gt; &amp; Co"),
        ("relay", "&lt;i&gt;Called&lt;/i&gt; &amp; left a message"),
        ("case_extra", "&lt;i&gt;Called&lt;/i&gt; &amp; left a message"),
    ],
)
def test_what_people_typed_is_shown_escaped_in_chinese(texts, case, expected):
    template, context = CASES[case]
    assert expected in texts.render("zh_Hans", template, **context)


def test_user_text_in_a_chinese_message_is_escaped(texts):
    shown = texts.text("zh_Hans", "Language set to {{ language }}.", language="<b>x</b> & y")
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in shown
    assert "<b>" not in shown and CJK.search(shown)


def test_chinese_welcome_greets_by_name(texts):
    assert texts.render("zh_Hans", "welcome.j2", name="小林", back=True) == "欢迎回来，小林！"
