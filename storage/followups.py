"""Repository functions for the follow-up plan. Keyword-only, take a session, never commit."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import outbox
from storage.models import FollowUp, OutboxMessage, ServiceOffer


async def of_user(*, session: AsyncSession, user_id: int) -> list[FollowUp]:
    """A client's follow-ups, earliest first."""
    rows = await session.exec(
        select(FollowUp)
        .where(col(FollowUp.user_id) == user_id)
        .order_by(col(FollowUp.due_on), col(FollowUp.id))
    )
    return list(rows.all())


async def get(*, session: AsyncSession, user_id: int, followup_id: int) -> FollowUp | None:
    """One follow-up of this client (None when it is someone else's or gone)."""
    row = await session.get(FollowUp, followup_id)
    return row if row is not None and row.user_id == user_id else None


async def add(*, session: AsyncSession, row: FollowUp) -> FollowUp:
    session.add(row)
    await session.flush()
    return row


async def outbox_row(*, session: AsyncSession, row: FollowUp) -> OutboxMessage | None:
    return await session.get(OutboxMessage, row.outbox_id) if row.outbox_id else None


async def cancel_from(*, session: AsyncSession, user_id: int, day: date) -> list[date]:
    """Cancels the planned follow-ups due on or after `day` with their messages; returns
    the dates of those kept (before `day`)."""
    kept = []
    for row in await of_user(session=session, user_id=user_id):
        if row.state != "planned":
            continue
        if row.due_on < day:
            kept.append(row.due_on)
            continue
        row.state = "cancelled"
        await outbox.cancel_if_pending(session=session, id=row.outbox_id, error="replanned")
        session.add(row)
    await session.flush()
    return kept


async def due_for(*, session: AsyncSession, user_ids: list[int], today: date) -> list[FollowUp]:
    """Planned follow-ups of these clients that are due today or overdue (not answered)."""
    if not user_ids:
        return []
    rows = await session.exec(
        select(FollowUp)
        .where(
            col(FollowUp.user_id).in_(user_ids),
            col(FollowUp.state) == "planned",
            col(FollowUp.due_on) <= today,
        )
        .order_by(col(FollowUp.due_on))
    )
    return list(rows.all())


async def add_offer(*, session: AsyncSession, offer: ServiceOffer) -> ServiceOffer:
    session.add(offer)
    await session.flush()
    return offer


async def offers(*, session: AsyncSession, case_id: int) -> list[ServiceOffer]:
    """The offers made on a case, oldest first."""
    rows = await session.exec(
        select(ServiceOffer)
        .where(col(ServiceOffer.case_id) == case_id)
        .order_by(col(ServiceOffer.offered_on), col(ServiceOffer.id))
    )
    return list(rows.all())
