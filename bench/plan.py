"""Career-plan screens on a full plan: the document, the action plan and the plan screen.

One person builds a plan through the engine (a SQLite file): four goals, 30 steps under the
short-term goal, ten of them done, five postponed. Then the screens a person opens most are
timed, each press being one whole update (load, query, render, commit).

    .venv/bin/python bench/plan.py [--runs 30] [--steps 30]
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
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_engine  # noqa: E402
from bot.config import Settings  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.people import Person  # noqa: E402

SHORT = "Start a paid job as a nursing assistant at City Hospital"


async def build(person: Person, steps: int) -> None:
    today = date.today()
    goals = (
        ("➕ Life goal", "Help people stay healthy", "", ""),
        ("➕ Long-term goal (5–10 years)", "Lead a nursing team", "Team lead", 7 * 365),
        ("➕ Medium-term goal (2–5 years)", "Become a registered nurse", "Licence", 3 * 365),
        ("➕ Short-term goal (within a year)", SHORT, "A contract", 300),
    )
    for button, statement, measure, days in goals:
        await person.send("/menu")
        await person.press("🗺 My career plan")
        await person.press(next(b for b in person.buttons if b.endswith("🎯 My goals")))
        await person.press(button)
        await person.answer(statement, measure or "Skip »")
        if days:
            await person.send((today + timedelta(days=days)).isoformat())
        await person.press("✔ Looks right")
    for n in range(steps):
        add = next(b for b in person.buttons if b.startswith("➕ Step for"))
        await person.press(add)
        day = (today + timedelta(days=10 + n)).isoformat()
        await person.answer("Job applications", f"Apply to hospital number {n + 1}", day)
        await person.press("✔ Looks right")
    for n in range(15):
        step = next(b for b in person.buttons if b.startswith("▫️ Apply to"))
        await person.press(step)
        if n < 10:
            await person.press("✅ Done")
        else:
            await person.press("⏰ Postpone")
            await person.answer((today + timedelta(days=200)).isoformat(), "Not yet open")


async def timed(person: Person, label: str, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        await person.send("/menu")
        await person.press("🗺 My career plan")
        start = time.perf_counter()
        await person.press(next(b for b in person.buttons if b.endswith(label)))
        times.append((time.perf_counter() - start) * 1000)
    ordered = sorted(times)
    return statistics.median(ordered), statistics.quantiles(ordered, n=20)[18]


async def run(runs: int, steps: int, data_dir: str) -> None:
    settings = Settings(_env_file=None, data_dir=Path(data_dir), run_sender=False)
    engine = build_engine(settings)
    person = Person(engine)
    await person.join()
    started = time.perf_counter()
    await build(person, steps)
    print(f"built the plan in {time.perf_counter() - started:.1f} s")
    assert f"10 of {steps} steps done" in person.last_text, person.last_text
    for label in ("📄 My plan as a document", "📋 Action plan", "🕘 How my plan changed"):
        median, p95 = await timed(person, label, runs)
        print(f"{label}: median {median:.1f} ms, p95 {p95:.1f} ms ({runs} presses)")
    size = len(person.documents[-1].content)
    print(f"document: {size} bytes")
    await engine.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()
    print(f"{platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as data_dir:
        upgrade(Settings(_env_file=None, data_dir=Path(data_dir)).effective_database_url)
        asyncio.run(run(args.runs, args.steps, data_dir))


if __name__ == "__main__":
    main()
