"""The async database: engine construction and the unit of work (one per inbound update)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import sqlite_inline

# How long a statement waits for a lock held by another process (e.g. a migration) before
# failing; with one bot process, units of work never wait on each other at the SQLite level.
SQLITE_BUSY_SECONDS = 5


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Creates an async engine; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    if url.startswith("sqlite"):
        path = make_url(url).database or ":memory:"
        engine = create_async_engine(
            url,
            async_creator=sqlite_inline.creator(path, timeout=SQLITE_BUSY_SECONDS),
            hide_parameters=True,
            **kwargs,
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
            cursor.close()

        return engine
    return create_async_engine(url, pool_pre_ping=True, hide_parameters=True, **kwargs)


class Database:
    """Holds the engine and opens units of work; the only place that commits."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
        # SQLite has one writer; serializing units of work in-process avoids lock-upgrade failures.
        self._write_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(create_engine(url))

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """Yields a session whose changes commit together on success and roll back on error."""
        async with self._serialized(), self._sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def _serialized(self) -> AsyncIterator[None]:
        if self._write_lock is None:
            yield
            return
        async with self._write_lock:
            yield

    async def dispose(self) -> None:
        await self.engine.dispose()
