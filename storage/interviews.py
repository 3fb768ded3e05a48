"""Repository functions for informational interviews: professionals, interviews, reminders.

Keyword-only, take a session, never commit.
"""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Interview, Professional, Target


async def target(*, session: AsyncSession, user_id: int, target_id: int) -> Target | None:
    """A target of this person (None when it is someone else's or gone)."""
    row = await session.get(Target, target_id)
    return row if row is not None and row.user_id == user_id else None


async def professional(
    *, session: AsyncSession, user_id: int, professional_id: int
) -> Professional | None:
    """A professional of this person (None when it is someone else's or gone)."""
    row = await session.get(Professional, professional_id)
    return row if row is not None and row.user_id == user_id else None


async def professionals(*, session: AsyncSession, target_id: int) -> list[Professional]:
    rows = await session.exec(
        select(Professional)
        .where(col(Professional.target_id) == target_id)
        .order_by(col(Professional.id))
    )
    return list(rows.all())


async def interview_for(*, session: AsyncSession, professional: Professional) -> Interview:
    """The interview with a professional, created on first use."""
    rows = await session.exec(
        select(Interview).where(col(Interview.professional_id) == professional.id)
    )
    interview = rows.first()
    if interview is None:
        assert professional.id is not None
        interview = Interview(user_id=professional.user_id, professional_id=professional.id)
        session.add(interview)
        await session.flush()
    return interview


async def interviews(*, session: AsyncSession, target_id: int) -> list[Interview]:
    """The interviews of a target's professionals."""
    rows = await session.exec(
        select(Interview)
        .join(Professional, col(Professional.id) == col(Interview.professional_id))
        .where(col(Professional.target_id) == target_id)
    )
    return list(rows.all())


async def save(*, session: AsyncSession, row: Professional | Interview | Target) -> None:
    session.add(row)
    await session.flush()


async def remove_professional(*, session: AsyncSession, row: Professional) -> None:
    """Deletes a professional with their interview (referrals they gave stay, unlinked)."""
    await session.delete(row)
    await session.flush()
