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

# One person's path through consent and About me: ("say", text) or ("press", button label).
ABOUT_ME = [
    ("say", "/start"),
    ("press", "English"),
    ("press", "I agree"),
    ("press", "🙂 About me"),
    ("say", "Ann"),
    ("press", "25–34"),
    ("say", "Wuhan"),
    ("press", "Student"),
    ("press", "Bachelor's degree"),
    ("say", "3"),
    ("press", "✔ Looks right"),
]


class Load:
    """Drives people through the fake server and records each update's latency."""

    def __init__(self, tg: FakeTelegram) -> None:
        self.tg = tg
        self.sent_at: dict[int, float] = {}
        self.latencies: list[float] = []
        self.arrived: dict[int, asyncio.Event] = defaultdict(asyncio.Event)
        tg.on_output.append(self._on_output)

    def _on_output(self, chat_id: int, record: dict[str, Any]) -> None:
        started = self.sent_at.pop(chat_id, None)
        if started is not None:
            self.latencies.append(record["time"] - started)
        self.arrived[chat_id].set()

    async def _wait_for_button(self, chat_id: int, label: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while label not in self.tg.buttons(chat_id):
            self.arrived[chat_id].clear()
            if time.monotonic() > deadline:
                raise TimeoutError(f"chat {chat_id}: no button {label!r}")
            await asyncio.wait_for(self.arrived[chat_id].wait(), deadline - time.monotonic())

    async def act(self, chat_id: int, kind: str, value: str) -> None:
        """Performs one action and waits for the bot's first message in reply."""
        if kind == "press":
            await self._wait_for_button(chat_id, value)
        self.arrived[chat_id].clear()
        self.sent_at[chat_id] = time.monotonic()
        if kind == "press":
            self.tg.press(chat_id, value)
        else:
            self.tg.user_sends(chat_id, value)
        await asyncio.wait_for(self.arrived[chat_id].wait(), 30)


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


async def wait_ready(load: Load, chat_id: int, kind: str, value: str) -> None:
    """Waits until the bot process answers at all (start-up and migrations)."""
    for _ in range(600):
        try:
            await load.act(chat_id, kind, value)
            return
        except TimeoutError:
            continue
    raise TimeoutError("the bot never answered")


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


async def closed_loop(load: Load, people: list[int], script: list[tuple[str, str]]) -> float:
    """Every person runs the script as fast as the bot answers; returns the wall time."""

    async def person(chat_id: int) -> None:
        for kind, value in script:
            await load.act(chat_id, kind, value)

    started = time.monotonic()
    await asyncio.gather(*(person(chat_id) for chat_id in people))
    return time.monotonic() - started


async def open_loop(
    load: Load,
    next_action: Callable[[int], Awaitable[None] | None],
    rate: float,
    seconds: float,
    people: list[int],
) -> int:
    """Starts one action every 1/rate seconds, round-robin over people; returns the count."""
    interval, started, sent = 1 / rate, time.monotonic(), 0
    pending: set[asyncio.Task[None]] = set()
    busy: set[int] = set()
    index = 0
    while time.monotonic() - started < seconds:
        chat_id = people[index % len(people)]
        index += 1
        if chat_id in busy:
            continue
        busy.add(chat_id)

        async def run(chat: int = chat_id) -> None:
            try:
                await next_action(chat)  # type: ignore[misc]
            finally:
                busy.discard(chat)

        task = asyncio.create_task(run())
        pending.add(task)
        task.add_done_callback(pending.discard)
        sent += 1
        await asyncio.sleep(max(0.0, started + sent * interval - time.monotonic()))
    await asyncio.gather(*pending)
    return sent


async def bench_careerpilot(users: int, rate: float, seconds: float) -> list[dict[str, Any]]:
    results = []
    with tempfile.TemporaryDirectory() as data_dir:
        async with FakeTelegram() as tg:
            load = Load(tg)
            bot = await start_process(["-m", "bot.cli", "run"], tg, data_dir)
            try:
                await wait_ready(load, 1, "say", "/start")
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
                        await load.act(chat_id, "say", "/delete")
                        await load.act(chat_id, "press", "Yes, erase everything")
                    kind, value = ABOUT_ME[position]
                    progress[chat_id] += 1
                    await load.act(chat_id, kind, value)

                load.latencies.clear()
                crowd = list(range(5000, 5000 + users))
                started = time.monotonic()
                await open_loop(load, step, rate, seconds, crowd)
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
            await wait_ready(load, 1, "say", "hello")
            load.latencies.clear()
            people = list(range(1000, 1000 + users))
            script = [("say", f"message {n}") for n in range(messages)]
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
