"""What the engine stored, read back the way a test needs it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import SQLModel, col
from sqlmodel import select as select_rows

import storage.models  # noqa: F401  (registers every table on SQLModel.metadata)
from bot.engine import Engine
from storage.models import Answer


async def rows(engine: Engine, model: Any, *where: Any) -> list[Any]:
    """Returns the rows of one table, optionally filtered."""
    async with engine.db.unit_of_work() as session:
        return list((await session.exec(select_rows(model).where(*where))).all())


async def answers(
    engine: Engine, flow_id: str = "trial", *, user_id: int | None = None
) -> dict[str, Any]:
    """Returns the current answers to a flow as {question name: value} (of one user if given)."""
    where = [col(Answer.flow_id) == flow_id]
    if user_id is not None:
        where.append(col(Answer.user_id) == user_id)
    stored = await rows(engine, Answer, *where)
    return {answer.name: answer.value for answer in stored}


async def row_counts(engine: Engine) -> dict[str, int]:
    """Counts the rows of every table in the schema."""
    async with engine.db.unit_of_work() as session:
        return {
            name: (await session.exec(select_rows(func.count()).select_from(table))).one()
            for name, table in SQLModel.metadata.tables.items()
        }
