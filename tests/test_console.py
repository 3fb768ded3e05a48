"""The console chat and the doctor, run as a new user would run them: as commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    typed = "\n".join(["1", "1", "1", "Ann", "3", "Wuhan", "1", "5", "Skip »", "7", "/quit"])
    result = careerpilot("chat", data_dir=tmp_path, stdin=typed + "\n")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    for prompt in (
        "Please choose your language.",
        "Privacy and consent",
        "[1] I agree",
        "What should I call you?",
        "How old are you, Ann?",
        "Here is your profile",
        "• City: Wuhan",
        "Thank you, Ann! Your profile is saved.",
        "✅ About me — done",
    ):
        assert prompt in out, prompt
    assert (tmp_path / "careerpilot.sqlite3").exists()


def test_run_without_a_token_explains_how_to_connect_telegram(tmp_path):
    result = careerpilot("run", data_dir=tmp_path, stdin="/quit\n")
    assert result.returncode == 0, result.stderr
    assert "No TELEGRAM_BOT_TOKEN set" in result.stdout and "@BotFather" in result.stdout
    assert "Please choose your language." in result.stdout


def test_doctor_reports_each_check_and_fails_on_an_unmigrated_database(tmp_path):
    result = careerpilot("doctor", data_dir=tmp_path)
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 1
    assert [line.split("]")[0] + "]" for line in lines] == [
        "[PASS]",
        "[PASS]",
        "[FAIL]",
        "[PASS]",
        "[SKIP]",
    ]
    assert "run `careerpilot db upgrade`" in lines[2]
    assert careerpilot("db", "upgrade", data_dir=tmp_path).returncode == 0
    healthy = careerpilot("doctor", data_dir=tmp_path)
    assert healthy.returncode == 0, healthy.stdout
    assert "reachable and migrated" in healthy.stdout


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
