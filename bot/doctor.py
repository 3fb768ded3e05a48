"""`careerpilot doctor`: checks that a deployment can serve people, one clear line per check."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from typing import Literal

import aiohttp

from bot.config import Settings
from bot.i18n import LOCALES, Texts

Status = Literal["pass", "fail", "skip"]


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    detail: str


def _redact(url: str) -> str:
    """Hides a password in a database URL before it is printed."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


async def check_settings(settings: Settings) -> CheckResult:
    url = settings.effective_database_url
    if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        return CheckResult("settings", "fail", f"unsupported DATABASE_URL driver: {_redact(url)}")
    return CheckResult(
        "settings", "pass", f"framework={settings.bot_framework}, database={_redact(url)}"
    )


async def check_data_dir(settings: Settings) -> CheckResult:
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=settings.data_dir):
            pass
    except OSError as error:
        return CheckResult("data directory", "fail", f"{settings.data_dir}: {error.strerror}")
    return CheckResult("data directory", "pass", f"{settings.data_dir.resolve()} is writable")


async def check_database(settings: Settings) -> CheckResult:
    from storage.migrate import current_revision, head_revision

    try:
        current = await current_revision(settings.effective_database_url)
    except Exception as error:  # any driver error means "not reachable"
        return CheckResult("database", "fail", f"not reachable: {type(error).__name__}: {error}")
    head = head_revision()
    if current != head:
        return CheckResult(
            "database",
            "fail",
            f"at revision {current}, expected {head}: run `careerpilot db upgrade`",
        )
    return CheckResult("database", "pass", f"reachable and migrated (revision {head})")


async def check_catalogs(settings: Settings) -> CheckResult:
    texts = Texts()
    missing = [loc for loc in LOCALES if loc != "en" and texts.gettext(loc, "Yes") == "Yes"]
    if missing:
        return CheckResult(
            "translations", "fail", f"catalog not compiled for {', '.join(missing)}"
        )
    return CheckResult("translations", "pass", f"catalogs loaded: {', '.join(LOCALES)}")


async def check_telegram(settings: Settings) -> CheckResult:
    token = settings.token
    if token is None:
        return CheckResult("telegram", "skip", "no TELEGRAM_BOT_TOKEN: the console chat will run")
    url = f"{settings.telegram_api_base.rstrip('/')}/bot{token}/getMe"
    try:
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as http, http.get(url) as response:
            body = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError) as error:
        return CheckResult("telegram", "fail", f"Bot API not reachable: {type(error).__name__}")
    if not body.get("ok"):
        return CheckResult("telegram", "fail", f"token refused: {body.get('description')}")
    return CheckResult("telegram", "pass", f"token valid for @{body['result'].get('username')}")


async def run_checks(settings: Settings) -> list[CheckResult]:
    """Runs every check in order and returns the results (never raises)."""
    return [
        await check_settings(settings),
        await check_data_dir(settings),
        await check_database(settings),
        await check_catalogs(settings),
        await check_telegram(settings),
    ]
