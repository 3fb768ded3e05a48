"""aiosqlite without its worker thread, for SQLite files used by one process.

aiosqlite sends every call to a worker thread and back. For a local SQLite file each call takes
microseconds, but the round trip through the event loop costs far more under load, and units of
work on SQLite are serialized, so those round trips became the bot's throughput limit (measured
in bench/updates.py: 2.7x more updates per second in-process without them). This keeps
aiosqlite's API, which SQLAlchemy's aiosqlite dialect drives, but runs each call at once on the
event loop's thread.

The price: a statement that waits for a lock held by *another process* blocks the event loop
for up to the busy timeout. SQLite is the single-process default; several processes should
share PostgreSQL.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Generator
from functools import partial
from typing import Any

import aiosqlite


class _RunNow:
    """Stands in for aiosqlite's queue to its worker thread: runs each queued call at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as error:  # handed to the awaiting caller, as aiosqlite does
            if future is not None and not future.done():
                future.set_exception(error)
        else:
            if future is not None and not future.done():
                future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection whose calls complete without leaving the event loop's thread."""

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _RunNow()  # type: ignore[assignment]

    def __await__(self) -> Generator[Any, None, InlineConnection]:
        return self._connect().__await__()  # type: ignore[return-value]


def creator(path: str, *, timeout: float) -> Callable[[], Any]:
    """Returns the async_creator SQLAlchemy calls for each new connection to `path`."""

    async def connect() -> InlineConnection:
        connector = partial(sqlite3.connect, path, timeout=timeout, check_same_thread=False)
        return await InlineConnection(connector)

    return connect
