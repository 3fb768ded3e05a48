"""Repository functions for assessment results, targets and dismissed occupations.

Keyword-only, take a session, never commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AssessmentResult, OccupationDismissal, Target
from storage.types import utcnow


async def add_result(
    *,
    session: AsyncSession,
    user_id: int,
    instrument: str,
    form: str,
    form_version: int,
    scores: dict[str, Any],
    summary: dict[str, Any],
    responses: dict[str, Any],
) -> AssessmentResult:
    """Stores one scored run of an instrument; earlier runs stay as history."""
    result = AssessmentResult(
        user_id=user_id,
        instrument=instrument,
        form=form,
        form_version=form_version,
        scores=scores,
        summary=summary,
        responses=responses,
        taken_at=utcnow(),
    )
    session.add(result)
    await session.flush()
    return result


async def results(*, session: AsyncSession, user_id: int) -> list[AssessmentResult]:
    """Every result of a person, newest first."""
    rows = await session.exec(
        select(AssessmentResult)
        .where(col(AssessmentResult.user_id) == user_id)
        .order_by(col(AssessmentResult.taken_at).desc(), col(AssessmentResult.id).desc())
    )
    return list(rows.all())


async def latest_results(*, session: AsyncSession, user_id: int) -> dict[str, AssessmentResult]:
    """The newest result per instrument (what the profile and the matching use)."""
    latest: dict[str, AssessmentResult] = {}
    for result in await results(session=session, user_id=user_id):
        latest.setdefault(result.instrument, result)
    return latest


async def add_target(
    *,
    session: AsyncSession,
    user_id: int,
    title: str,
    onetsoc_code: str | None = None,
    source: str = "typed",
) -> bool:
    """Saves a target; returns False when that occupation was already saved."""
    table = Target.__table__  # type: ignore[attr-defined]
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql_insert(table) if dialect == "postgresql" else sqlite_insert(table)
    statement = insert.values(
        user_id=user_id,
        title=title[:200],
        onetsoc_code=onetsoc_code,
        source=source,
        created_at=utcnow(),
    ).on_conflict_do_nothing()
    result = await session.exec(statement)
    return bool(result.rowcount)


async def targets(*, session: AsyncSession, user_id: int) -> list[Target]:
    """A person's targets, oldest first."""
    rows = await session.exec(
        select(Target).where(col(Target.user_id) == user_id).order_by(col(Target.id))
    )
    return list(rows.all())


async def dismiss(*, session: AsyncSession, user_id: int, onetsoc_code: str) -> None:
    """Marks an occupation "not for me" (idempotent)."""
    table = OccupationDismissal.__table__  # type: ignore[attr-defined]
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql_insert(table) if dialect == "postgresql" else sqlite_insert(table)
    await session.exec(
        insert.values(
            user_id=user_id, onetsoc_code=onetsoc_code, created_at=utcnow()
        ).on_conflict_do_nothing()
    )


async def dismissed(*, session: AsyncSession, user_id: int) -> set[str]:
    """Codes of the occupations the person marked "not for me"."""
    rows = await session.exec(
        select(OccupationDismissal.onetsoc_code).where(col(OccupationDismissal.user_id) == user_id)
    )
    return set(rows.all())
