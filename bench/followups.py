"""The follow-up sender at Telegram's limit: 10,000 due messages to 10,000 chats.

`careerpilot sender` runs as its own process with its default limits (30 messages/s, one per
chat per second) and talks HTTP to the fake Bot API server in this process, which enforces
30/s globally and 1/s per chat and answers 429 beyond that. Reported: effective rate (first
to last delivery), 429s served, lost and duplicated messages (from what the server
delivered), and the sender's peak RSS. Then a kill test: the sender is killed with SIGKILL
while a message is in flight, `--kills` times, and restarted each time; it reports
duplicates per crash (the guarantee: at most one).

    .venv/bin/python bench/followups.py [--messages 10000] [--kill-messages 900] [--kills 2]
                                        [--database-url postgresql+asyncpg://…]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage import outbox  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade_async  # noqa: E402
from tests.fake_bot_api import FakeTelegram  # noqa: E402
from tests.outbox_driver import add_people, enqueue, start_sender_process  # noqa: E402

LIMIT = 30  # what the fake server enforces, per second, like Telegram


def rss_kib(pid: int) -> tuple[int, int]:
    """(current, peak) resident memory of a process in KiB, from /proc."""
    values = {"VmRSS": 0, "VmHWM": 0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in values:
                values[key] = int(rest.split()[0])
    except OSError:
        pass
    return values["VmRSS"], values["VmHWM"]


class Watch:
    """Counts what the fake server delivers; optionally kills the sender at chosen counts."""

    def __init__(self, tg: FakeTelegram) -> None:
        self.times: list[float] = []
        self.kill_at: set[int] = set()
        self.process: Any = None
        self.kills = 0
        self.done = asyncio.Event()
        self.expected = 0
        tg.on_output.append(self._on_output)

    def _on_output(self, chat_id: int, record: dict[str, Any]) -> None:
        self.times.append(record["time"])
        if len(self.times) in self.kill_at and self.process is not None:
            # The message being recorded is in flight: the sender never hears it arrived.
            os.kill(self.process.pid, signal.SIGKILL)
            self.kills += 1
        if len(self.times) >= self.expected:
            self.done.set()


async def outbox_counts(db: Database) -> dict[str, int]:
    async with db.unit_of_work() as session:
        return await outbox.count_by_state(session=session)


async def wait_settled(db: Database, timeout: float) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = await outbox_counts(db)
        if counts["pending"] == counts["sending"] == 0:
            return counts
        await asyncio.sleep(0.5)
    raise SystemExit(f"the outbox did not settle: {await outbox_counts(db)}")


def losses(tg: FakeTelegram, people: dict[int, int]) -> tuple[int, int]:
    counts = tg.delivery_counts()
    delivered_chats = {chat for chat, _ in counts}
    lost = sum(1 for chat in people if chat not in delivered_chats)
    duplicates = sum(n - 1 for n in counts.values())
    return lost, duplicates


async def prepare(
    url: str, tg: FakeTelegram, count: int, first_chat: int
) -> tuple[Database, dict[int, int]]:
    """Migrates, stores `count` people with known chats and one due message each."""
    await upgrade_async(url)
    db = Database.from_url(url)
    people = await add_people(db, count, first_chat=first_chat)
    tg.add_chats(people)
    await enqueue(db, people)
    return db, people


async def throughput(args: argparse.Namespace, data_dir: Path, url: str) -> dict[str, Any]:
    async with FakeTelegram(rate_limit_global=LIMIT, rate_limit_per_chat=1) as tg:
        db, people = await prepare(url, tg, args.messages, 1_000_000)
        watch = Watch(tg)
        watch.expected = args.messages
        started = time.monotonic()
        process = await start_sender_process(tg, data_dir, url)
        peak = 0
        try:
            while not watch.done.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(watch.done.wait(), 1)
                peak = max(peak, rss_kib(process.pid)[1])
                if process.returncode is not None:
                    raise SystemExit("the sender stopped unexpectedly")
                if time.monotonic() - started > args.messages / 10 + 120:
                    raise SystemExit("the run took far too long")
            counts = await wait_settled(db, 60)
            peak = max(peak, rss_kib(process.pid)[1])
        finally:
            process.terminate()
            await process.wait()
        lost, duplicates = losses(tg, people)
        span = watch.times[-1] - watch.times[0]
        result = {
            "messages": args.messages,
            "seconds": span,
            "rate": (len(watch.times) - 1) / span if span else float("nan"),
            "429": tg.served(429),
            "lost": lost,
            "duplicates": duplicates,
            "sent_rows": counts["sent"],
            "rss_mib": peak / 1024,
        }
        await db.dispose()
        return result


async def kill_test(args: argparse.Namespace, data_dir: Path, url: str) -> dict[str, Any]:
    async with FakeTelegram(rate_limit_global=LIMIT, rate_limit_per_chat=1) as tg:
        db, people = await prepare(url, tg, args.kill_messages, 2_000_000)
        watch = Watch(tg)
        watch.expected = args.kill_messages
        step = args.kill_messages // (args.kills + 1)
        watch.kill_at = {step * (n + 1) for n in range(args.kills)}
        restarts = 0
        # A short lease, so that on PostgreSQL (no sender lock) the restarted sender takes the
        # dead one's rows back within seconds.
        env = {"send_lease_seconds": 5}
        process = await start_sender_process(tg, data_dir, url, **env)
        try:
            while True:
                watch.process = process
                await process.wait()
                if process.returncode != -signal.SIGKILL:
                    raise SystemExit(f"the sender exited with {process.returncode}")
                restarts += 1
                process = await start_sender_process(tg, data_dir, url, **env)
                if restarts == args.kills:
                    watch.process = process
                    break
            counts = await wait_settled(db, args.kill_messages / 10 + 120)
        finally:
            if process.returncode is None:
                process.terminate()
                await process.wait()
        lost, duplicates = losses(tg, people)
        await db.dispose()
        return {
            "messages": args.kill_messages,
            "kills": watch.kills,
            "lost": lost,
            "duplicates": duplicates,
            "sent_rows": counts["sent"],
            "429": tg.served(429),
        }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--kill-messages", type=int, default=900)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--database-url", default="", help="default: a SQLite file in a temp dir")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="careerpilot-bench-") as tmp:
        base = Path(tmp)
        for name in ("throughput", "kill"):
            (base / name).mkdir()

        def url(name: str) -> str:
            return args.database_url or f"sqlite+aiosqlite:///{base / name / 'bench.sqlite3'}"

        backend = "PostgreSQL" if args.database_url else "SQLite"
        print(f"{backend}, sender limits: 30/s global, 1 s per chat (defaults)", flush=True)
        speed = await throughput(args, base / "throughput", url("throughput"))
        print(
            f"throughput: {speed['messages']} messages in {speed['seconds']:.1f} s → "
            f"{speed['rate']:.2f}/s (limit {LIMIT}/s), 429s {speed['429']}, "
            f"lost {speed['lost']}, duplicates {speed['duplicates']}, "
            f"rows sent {speed['sent_rows']}, sender peak RSS {speed['rss_mib']:.0f} MiB",
            flush=True,
        )
        if args.database_url:  # the same database again: start from an empty outbox
            print("kill test on a shared database: skipped (needs a fresh database)")
            return
        crash = await kill_test(args, base / "kill", url("kill"))
        print(
            f"kill test: {crash['messages']} messages, {crash['kills']} SIGKILLs mid-run "
            f"(restarted each time) → lost {crash['lost']}, duplicates {crash['duplicates']} "
            f"({crash['duplicates'] / max(1, crash['kills']):.1f} per crash), "
            f"429s {crash['429']}, rows sent {crash['sent_rows']}",
            flush=True,
        )
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.machine()}"
    )


if __name__ == "__main__":
    asyncio.run(main())
