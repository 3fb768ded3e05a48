"""The engine alone, no Telegram: About me updates per second on a SQLite file.

Runs people through consent and About me by calling `Engine.handle` directly (the console
adapter's event mapping), and counts the SQL statements each update costs.

    .venv/bin/python bench/engine.py [--people 100]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import io
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from bot.app import build_engine  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.handlers.console import ConsoleChat  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

# Typed lines, as on the console: start, English, I agree, About me, then the answers.
SCRIPT = ["/start", "1", "1", "1", "Ann", "3", "Wuhan", "1", "5", "3", "7"]


async def run(people: int, data_dir: str) -> None:
    settings = Settings(_env_file=None, data_dir=Path(data_dir))
    engine = build_engine(settings)
    statements: collections.Counter[str] = collections.Counter()

    @event.listens_for(engine.db.engine.sync_engine, "before_cursor_execute")
    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements[" ".join(statement.split()[:2])] += 1

    chats = [ConsoleChat(engine, user_id=1000 + n, out=io.StringIO()) for n in range(people)]
    started = time.perf_counter()
    for chat in chats:
        for line in SCRIPT:
            chat.show(await engine.handle(chat.event_for(line)))
    elapsed = time.perf_counter() - started
    updates = people * len(SCRIPT)
    print(
        f"{updates} updates in {elapsed:.2f} s: {updates / elapsed:.0f} updates/s, "
        f"{elapsed / updates * 1000:.2f} ms each, "
        f"{sum(statements.values()) / updates:.1f} SQL statements per update"
    )
    await engine.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        upgrade(Settings(_env_file=None, data_dir=Path(data_dir)).effective_database_url)
        asyncio.run(run(args.people, data_dir))


if __name__ == "__main__":
    main()
