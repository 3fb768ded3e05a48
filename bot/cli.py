"""The `careerpilot` command: run the bot, chat on the console, check the setup, migrate."""

from __future__ import annotations

import asyncio
import logging
import sys

import typer

from bot.config import Settings, get_settings

app = typer.Typer(
    help="CareerPilot: a career guidance assistant on Telegram.", no_args_is_help=True
)
db_app = typer.Typer(help="Database commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # Library loggers may print update contents at DEBUG; keep them at WARNING.
    for noisy in ("aiogram.event", "httpx", "telegram", "apscheduler", "aiosqlite", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _upgrade(settings: Settings) -> None:
    from storage.migrate import upgrade

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.effective_database_url)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Applies all database migrations."""
    settings = get_settings()
    _upgrade(settings)
    typer.echo("database is up to date")


@app.command()
def run() -> None:
    """Starts the bot: Telegram when TELEGRAM_BOT_TOKEN is set, otherwise the console chat."""
    settings = get_settings()
    _configure_logging(settings)
    _upgrade(settings)
    if settings.token is None:
        typer.echo(
            "No TELEGRAM_BOT_TOKEN set: starting the local console chat.\n"
            "To connect Telegram, create a bot with @BotFather and put\n"
            "TELEGRAM_BOT_TOKEN=<token> in .env (see .env.example), then `make run` again.\n"
        )
        asyncio.run(_console(settings))
        return
    from bot.handlers import run_telegram

    asyncio.run(run_telegram(settings))


@app.command()
def chat(
    user_id: int = typer.Option(1, help="Chat id of the console user."),
    name: str = typer.Option("", help="Display name to use."),
    language: str = typer.Option("", help="Language code the 'client' reports, e.g. zh-hans."),
) -> None:
    """Chats with the bot in this terminal (no Telegram needed)."""
    settings = get_settings()
    _configure_logging(settings)
    _upgrade(settings)
    asyncio.run(_console(settings, user_id=user_id, name=name, language=language or None))


async def _console(
    settings: Settings, *, user_id: int = 1, name: str = "", language: str | None = None
) -> None:
    from bot.app import build_engine
    from bot.handlers.console import ConsoleChat

    engine = build_engine(settings)
    try:
        await ConsoleChat(engine, user_id=user_id, display_name=name, language_code=language).run()
    finally:
        await engine.db.dispose()


@app.command()
def sender() -> None:
    """Runs the follow-up sender alone (for deployments with several processes)."""
    settings = get_settings()
    _configure_logging(settings)
    if settings.token is None:
        typer.echo(
            "The sender delivers messages on Telegram and needs TELEGRAM_BOT_TOKEN\n"
            "(set it in .env, see .env.example). Nothing was sent.",
            err=True,
        )
        raise typer.Exit(code=2)
    _upgrade(settings)
    from bot.dialogs.followup import counselor_alert
    from bot.i18n import Texts
    from bot.services.sender import run_standalone

    asyncio.run(run_standalone(settings, on_undeliverable=counselor_alert(Texts())))


@app.command()
def doctor() -> None:
    """Checks settings, database, Telegram token and data directory; exits 1 on any failure."""
    from bot.doctor import run_checks

    settings = get_settings()
    results = asyncio.run(run_checks(settings))
    for result in results:
        mark = {"pass": "PASS", "fail": "FAIL", "skip": "SKIP"}[result.status]
        typer.echo(f"[{mark}] {result.name}: {result.detail}")
    if any(result.status == "fail" for result in results):
        raise typer.Exit(code=1)


if __name__ == "__main__":
    app()
