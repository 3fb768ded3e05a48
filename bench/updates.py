"""Throughput and latency of the aiogram adapter running About me, against a bare echo bot.

Both bots run as separate processes talking HTTP to the fake Bot API server in this process
(tests/fake_bot_api.py), so each gets its own core on a two-core machine. Simulated people act
in a closed loop (each waits for the bot's answer before the next action) to measure maximum
throughput, then in an open loop at a fixed rate to measure latency under a steady load.
Latency is from the update being queued to the first message the bot shows in reply.

    .venv/bin/python bench/updates.py [--users 200] [--rate 100] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_bot_api import TOKEN, FakeTelegram  # noqa: E402

# One person's path through consent and About me: (action, text or button label, what the
# person waits to see before acting again).
ABOUT_ME = [
    ("say", "/start", "choose your language"),
    ("press", "English", "Do you agree?"),
    ("press", "I agree", "Choose what to do next."),
    ("press", "🙂 About me", "What should I call you?"),
    ("say", "Ann", "How old are you"),
    ("press", "25–34", "Which city"),
    ("say", "Wuhan", "current situation"),
    ("press", "Student", "highest level of education"),
    ("press", "Bachelor's degree", "How many years"),
    ("say", "3", "Here is your profile"),
    ("press", "✔ Looks right", "Choose what to do next."),
]
ERASE = [
    ("say", "/delete", "Erase all your data?"),
    ("press", "Yes, erase everything", "has been erased"),
]


class Load:
    """Drives people through the fake server and records each update's latency."""

    def __init__(self, tg: FakeTelegram) -> None:
        self.tg = tg
        self.sent_at: dict[int, float] = {}
        self.latencies: list[float] = []
        self.by_action: dict[str, list[float]] = defaultdict(list)
        self.action: dict[int, str] = {}
        self.expect: dict[int, str] = {}
        self.complete: dict[int, asyncio.Event] = defaultdict(asyncio.Event)
        tg.on_output.append(self._on_output)

    def _on_output(self, chat_id: int, record: dict[str, Any]) -> None:
        started = self.sent_at.pop(chat_id, None)
        if started is not None:
            self.latencies.append(record["time"] - started)
            self.by_action[self.action.get(chat_id, "?")].append(record["time"] - started)
        if self.expect.get(chat_id, "\0") in record["text"]:
            self.complete[chat_id].set()

    async def act(self, chat_id: int, kind: str, value: str, expect: str) -> None:
        """Performs one action; returns once the person sees `expect` (the whole reply).

        The latency recorded is to the first message the bot shows in reply.
        """
        self.complete[chat_id].clear()
        self.expect[chat_id] = expect
        self.sent_at[chat_id] = time.monotonic()
        self.action[chat_id] = value
        if kind == "press":
            self.tg.press(chat_id, value)
        else:
            self.tg.user_sends(chat_id, value)
        await asyncio.wait_for(self.complete[chat_id].wait(), 60)


async def start_process(args: list[str], tg: FakeTelegram, data_dir: str) -> Any:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": tg.base_url,
        "DATA_DIR": data_dir,
        "DATABASE_URL": "",
        "POLLING_TIMEOUT": "1",
        "LOG_LEVEL": "WARNING",
        "BOT_FRAMEWORK": "aiogram",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    return process


async def wait_ready(load: Load, chat_id: int, kind: str, value: str, expect: str) -> None:
    """Waits until the bot process answers at all (start-up and migrations)."""
    await load.act(chat_id, kind, value, expect)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summary(name: str, latencies: list[float], updates: int, seconds: float) -> dict[str, Any]:
    return {
        "name": name,
        "updates": updates,
        "seconds": seconds,
        "rate": updates / seconds,
        "p50": percentile(latencies, 50) * 1000,
        "p95": percentile(latencies, 95) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "mean": statistics.fmean(latencies) * 1000,
    }


async def closed_loop(load: Load, people: list[int], script: list[tuple[str, str, str]]) -> float:
    """Every person runs the script as fast as the bot answers; returns the wall time."""

    async def person(chat_id: int) -> None:
        for kind, value, expect in script:
            await load.act(chat_id, kind, value, expect)

    started = time.monotonic()
    await asyncio.gather(*(person(chat_id) for chat_id in people))
    return time.monotonic() - started


async def open_loop(
    next_action: Callable[[int], Awaitable[None]], rate: float, seconds: float, people: list[int]
) -> int:
    """Starts one action every 1/rate seconds by a person who is not waiting for the bot.

    The person is drawn at random among those not waiting for an answer (seeded, so runs
    repeat), so after a few seconds people are at different steps, as real users are.
    Returns how many actions were started.
    """
    chooser = random.Random(20261123)
    idle = list(people)
    pending: set[asyncio.Task[None]] = set()
    interval, started, ticks, sent = 1 / rate, time.monotonic(), 0, 0

    async def run(chat_id: int) -> None:
        try:
            await next_action(chat_id)
        finally:
            idle.append(chat_id)

    while time.monotonic() - started < seconds:
        if idle:
            index = chooser.randrange(len(idle))
            idle[index], idle[-1] = idle[-1], idle[index]
            task = asyncio.create_task(run(idle.pop()))
            pending.add(task)
            task.add_done_callback(pending.discard)
            sent += 1
        ticks += 1
        await asyncio.sleep(max(0.0, started + ticks * interval - time.monotonic()))
    await asyncio.gather(*pending)
    return sent


async def bench_careerpilot(users: int, rate: float, seconds: float) -> list[dict[str, Any]]:
    results = []
    with tempfile.TemporaryDirectory() as data_dir:
        async with FakeTelegram() as tg:
            load = Load(tg)
            bot = await start_process(["-m", "bot.cli", "run"], tg, data_dir)
            try:
                await wait_ready(load, 1, *ABOUT_ME[0])
                load.latencies.clear()
                people = list(range(1000, 1000 + users))
                wall = await closed_loop(load, people, ABOUT_ME)
                results.append(
                    summary(
                        "CareerPilot, About me (closed loop)",
                        load.latencies,
                        len(people) * len(ABOUT_ME),
                        wall,
                    )
                )
                # steady load: fresh people walk through About me again and again
                progress: dict[int, int] = defaultdict(int)

                async def step(chat_id: int) -> None:
                    position = progress[chat_id] % len(ABOUT_ME)
                    if position == 0 and progress[chat_id]:
                        for action in ERASE:
                            await load.act(chat_id, *action)
                    progress[chat_id] += 1
                    await load.act(chat_id, *ABOUT_ME[position])

                load.latencies.clear()
                load.by_action.clear()
                crowd = list(range(5000, 5000 + users))
                started = time.monotonic()
                await open_loop(step, rate, seconds, crowd)
                if os.environ.get("BENCH_DETAIL"):  # latency per kind of action
                    for action, values in sorted(load.by_action.items()):
                        print(
                            f"  {action[:24]:24} n={len(values):4} "
                            f"p50={percentile(values, 50) * 1000:7.1f} "
                            f"p95={percentile(values, 95) * 1000:7.1f} "
                            f"max={max(values) * 1000:7.1f}"
                        )
                results.append(
                    summary(
                        f"CareerPilot, About me at {rate:g} updates/s",
                        load.latencies,
                        len(load.latencies),
                        time.monotonic() - started,
                    )
                )
            finally:
                bot.terminate()
                await bot.wait()
    return results


async def bench_echo(users: int, messages: int) -> dict[str, Any]:
    async with FakeTelegram() as tg:
        load = Load(tg)
        bot = await start_process([str(ROOT / "bench" / "echo_bot.py")], tg, tempfile.gettempdir())
        try:
            await wait_ready(load, 1, "say", "hello", "hello")
            load.latencies.clear()
            people = list(range(1000, 1000 + users))
            script = [("say", f"message {n}", f"message {n}") for n in range(messages)]
            wall = await closed_loop(load, people, script)
            return summary(
                "bare aiogram echo bot (closed loop)", load.latencies, users * messages, wall
            )
        finally:
            bot.terminate()
            await bot.wait()


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| run | updates | updates/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['name']} | {row['updates']} | {row['rate']:.0f} | {row['p50']:.1f} | "
            f"{row['p95']:.1f} | {row['p99']:.1f} |"
        )
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    echo = await bench_echo(args.users, len(ABOUT_ME))
    careerpilot = await bench_careerpilot(args.users, args.rate, args.seconds)
    rows = [echo, *careerpilot]
    print(table(rows))
    ratio = careerpilot[0]["rate"] / echo["rate"]
    print(f"\nthroughput ratio CareerPilot / echo: {ratio:.2f}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.platform()}"
    )


if __name__ == "__main__":
    asyncio.run(main())
