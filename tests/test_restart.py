"""A bot process killed with SIGKILL mid-conversation loses nothing: the person goes on."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.fake_bot_api import TOKEN, FakeTelegram
from tests.telegram_people import TelegramPerson

ROOT = Path(__file__).resolve().parent.parent
CHAT = 7001


async def start_bot(tg: FakeTelegram, data_dir: Path, framework: str):
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": tg.base_url,
        "BOT_FRAMEWORK": framework,
        "DATA_DIR": str(data_dir),
        "POLLING_TIMEOUT": "1",
        "DATABASE_URL": "",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


@pytest.mark.parametrize("framework", ["aiogram", "ptb"])
async def test_kill_9_mid_flow_resumes_at_the_same_question(tmp_path, framework):
    async with FakeTelegram() as tg:
        ann = TelegramPerson(tg, CHAT, "Ann")
        bot = await start_bot(tg, tmp_path, framework)
        try:
            ann.say("/start")
            await ann.sees("choose your language", timeout=30)
            await ann.answer("English", "I agree", "🙂 About me", "Ann", "25–34")
            assert "Which city or district do you live in?" in ann.last
        finally:
            bot.kill()  # SIGKILL: no clean shutdown
            await bot.wait()
        bot = await start_bot(tg, tmp_path, framework)
        try:
            tg.skip_seen(CHAT)
            ann.say("Wuhan")
            reply = await ann.sees("What is your current situation?", timeout=30)
            assert "4/6" in reply["text"]
            await ann.answer("Student", "Bachelor's degree", "Skip »")
            review = ann.last
            for line in ("• Name: Ann", "• Age: 25–34", "• City: Wuhan", "• Situation: Student"):
                assert line in review
        finally:
            bot.terminate()
            await bot.wait()
        assert tg.errors == []
