"""The console chat and the doctor, run as a new user would run them: as commands."""

from __future__ import annotations

import io
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.handlers.console import ConsoleChat

ROOT = Path(__file__).resolve().parent.parent


def careerpilot(*args: str, data_dir: Path, stdin: str = "", **env: str):
    environment = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": "",
        "TELEGRAM_BOT_TOKEN": "",
        "LOG_LEVEL": "WARNING",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=60,
    )


def test_console_chat_walks_through_consent_and_about_me(tmp_path):
    typed = [
        "1",  # English
        "1",  # I agree
        "1",  # About me
        "Ann",
        "3",  # 25–34
        "Wuhan",
        "1",  # Student
        "5",  # Bachelor's degree
        "Skip »",  # a button may also be chosen by its label
        "7",  # ✔ Looks right
        "/quit",
    ]
    result = careerpilot("chat", data_dir=tmp_path, stdin="\n".join(typed) + "\n")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    prompts = [
        "Please choose your language.",
        "[1] English   [2] 简体中文",
        "Privacy and consent",
        "[1] I agree   [2] No, thanks",
        "1/6",
        "What should I call you?",
        "How old are you, Ann?",
        "[3] 25–34",
        "Which city or district do you live in?",
        "Here is your profile",
        "• City: Wuhan",
        "• Years of work: —",
        "Thank you, Ann! Your profile is saved.",
        "✅ About me — done",
        "Bye.",
    ]
    positions = [out.find(prompt) for prompt in prompts]
    assert -1 not in positions, [p for p, at in zip(prompts, positions, strict=True) if at < 0]
    assert positions == sorted(positions), "the prompts came in another order"
    with sqlite3.connect(tmp_path / "careerpilot.sqlite3") as stored:
        rows = stored.execute("SELECT name, value FROM answers ORDER BY name").fetchall()
    assert dict(rows) == {
        "age_range": '"25_34"',
        "city": '"Wuhan"',
        "education": '"bachelor"',
        "name": '"Ann"',
        "situation": '"student"',
    }


def test_run_without_a_token_explains_how_to_connect_telegram(tmp_path):
    result = careerpilot("run", data_dir=tmp_path, stdin="/quit\n")
    assert result.returncode == 0, result.stderr
    assert "No TELEGRAM_BOT_TOKEN set" in result.stdout and "@BotFather" in result.stdout
    assert "Please choose your language." in result.stdout


def test_doctor_reports_each_check_and_fails_on_an_unmigrated_database(tmp_path):
    result = careerpilot("doctor", data_dir=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    checks = [re.fullmatch(r"\[(PASS|FAIL|SKIP)\] ([a-z ]+): .+", line) for line in lines]
    assert all(checks), lines
    assert [(c.group(2), c.group(1)) for c in checks] == [
        ("settings", "PASS"),
        ("data directory", "PASS"),
        ("database", "FAIL"),
        ("translations", "PASS"),
        ("telegram", "SKIP"),
    ]
    assert "run `careerpilot db upgrade`" in lines[2]
    assert careerpilot("db", "upgrade", data_dir=tmp_path).returncode == 0
    healthy = careerpilot("doctor", data_dir=tmp_path)
    assert healthy.returncode == 0, healthy.stdout
    assert "[PASS] database: reachable and migrated" in healthy.stdout
    assert "FAIL" not in healthy.stdout


def test_doctor_checks_the_telegram_token(tmp_path):
    result = careerpilot(
        "doctor",
        data_dir=tmp_path,
        TELEGRAM_BOT_TOKEN="1:bad",
        TELEGRAM_API_BASE="http://127.0.0.1:9",
    )
    assert result.returncode == 1
    assert "[FAIL] telegram: Bot API not reachable" in result.stdout


async def test_doctor_confirms_a_valid_token_through_get_me(tmp_path):
    import asyncio

    from tests.fake_bot_api import TOKEN, FakeTelegram

    async with FakeTelegram() as tg:
        env = {
            **os.environ,
            "DATA_DIR": str(tmp_path),
            "DATABASE_URL": "",
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE": tg.base_url,
        }
        await (
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli",
                "db",
                "upgrade",
                cwd=ROOT,
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
            )
        ).wait()
        doctor = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "doctor",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await doctor.communicate()
    assert doctor.returncode == 0, out.decode()
    assert "[PASS] telegram: token valid for @careerpilot_test_bot" in out.decode()


def test_every_setting_is_explained_in_env_example():
    from bot.config import Settings

    example = (ROOT / ".env.example").read_text()
    names = {line.split("=", 1)[0].lstrip("# ") for line in example.splitlines() if "=" in line}
    missing = [field.upper() for field in Settings.model_fields if field.upper() not in names]
    assert missing == []


async def test_every_button_of_a_console_screen_has_its_own_number(engine):
    """Two buttons leading to the same place (Continue and the part it opens) are two numbers."""
    out = io.StringIO()
    chat = ConsoleChat(engine, user_id=5, out=out)
    for line in ("/start", "1", "1", "🗺 My career plan"):
        chat.show(await engine.handle(chat.event_for(line)))
    screen = out.getvalue().rsplit("Seven parts", 1)[1]
    assert "[1] ▶️ Continue: 📍 Where I stand" in screen
    assert "[2] 📍 Where I stand" in screen and "[12] ☰ Menu" in screen
    chat.show(await engine.handle(chat.event_for("2")))
    assert "I know little about you yet" in out.getvalue()
