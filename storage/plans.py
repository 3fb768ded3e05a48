"""Repository functions for career plans. Keyword-only, take a session, never commit."""

from __future__ import annotations

from typing import Any

from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import outbox
from storage.models import (
    CareerPlan,
    PlanEvaluation,
    PlanGoal,
    PlanRevision,
    PlanStep,
)
from storage.types import utcnow


async def plan_of(*, session: AsyncSession, user_id: int) -> CareerPlan:
    """The person's plan record, created empty the first time it is asked for."""
    rows = await session.exec(select(CareerPlan).where(col(CareerPlan.user_id) == user_id))
    plan = rows.first()
    if plan is None:
        plan = CareerPlan(user_id=user_id)
        session.add(plan)
        await session.flush()
    return plan


async def find_plan(*, session: AsyncSession, user_id: int) -> CareerPlan | None:
    """The plan record if the person has started one (reads never create it)."""
    rows = await session.exec(select(CareerPlan).where(col(CareerPlan.user_id) == user_id))
    return rows.first()


async def save(*, session: AsyncSession, row: SQLModel) -> None:
    if hasattr(row, "updated_at"):
        row.updated_at = utcnow()  # type: ignore[attr-defined]
    session.add(row)
    await session.flush()


async def goals(*, session: AsyncSession, user_id: int) -> list[PlanGoal]:
    """A person's goals, oldest first (dropped ones included: they are the plan's history)."""
    rows = await session.exec(
        select(PlanGoal).where(col(PlanGoal.user_id) == user_id).order_by(col(PlanGoal.id))
    )
    return list(rows.all())


async def goal(*, session: AsyncSession, user_id: int, goal_id: int) -> PlanGoal | None:
    """One goal of this person (None when it is someone else's or gone)."""
    row = await session.get(PlanGoal, goal_id)
    return row if row is not None and row.user_id == user_id else None


async def steps(*, session: AsyncSession, user_id: int) -> list[PlanStep]:
    """A person's steps, by due date."""
    rows = await session.exec(
        select(PlanStep)
        .where(col(PlanStep.user_id) == user_id)
        .order_by(col(PlanStep.due_on), col(PlanStep.id))
    )
    return list(rows.all())


async def step(*, session: AsyncSession, user_id: int, step_id: int) -> PlanStep | None:
    """One step of this person (None when it is someone else's or gone)."""
    row = await session.get(PlanStep, step_id)
    return row if row is not None and row.user_id == user_id else None


async def record(
    *,
    session: AsyncSession,
    user_id: int,
    entity: str,
    change: str,
    entity_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> PlanRevision:
    """Adds one entry to the plan's history."""
    row = PlanRevision(
        user_id=user_id,
        entity=entity,
        entity_id=entity_id,
        change=change,
        before=before or {},
        after=after or {},
        note=note[:500],
    )
    session.add(row)
    await session.flush()
    return row


async def history(*, session: AsyncSession, user_id: int) -> list[PlanRevision]:
    """The plan's changes, oldest first."""
    rows = await session.exec(
        select(PlanRevision)
        .where(col(PlanRevision.user_id) == user_id)
        .order_by(col(PlanRevision.at), col(PlanRevision.id))
    )
    return list(rows.all())


async def evaluations(*, session: AsyncSession, user_id: int) -> list[PlanEvaluation]:
    """A person's evaluations, earliest first."""
    rows = await session.exec(
        select(PlanEvaluation)
        .where(col(PlanEvaluation.user_id) == user_id)
        .order_by(col(PlanEvaluation.due_on), col(PlanEvaluation.id))
    )
    return list(rows.all())


async def evaluation(
    *, session: AsyncSession, user_id: int, evaluation_id: int
) -> PlanEvaluation | None:
    row = await session.get(PlanEvaluation, evaluation_id)
    return row if row is not None and row.user_id == user_id else None


async def cancel_evaluations(
    *, session: AsyncSession, user_id: int, trigger: str, goal_id: int | None = None
) -> None:
    """Cancels the planned evaluations of one trigger (and goal) with their messages."""
    for row in await evaluations(session=session, user_id=user_id):
        if row.state != "planned" or row.trigger != trigger or row.goal_id != goal_id:
            continue
        row.state = "cancelled"
        session.add(row)
        await outbox.cancel_if_pending(session=session, id=row.outbox_id, error="replanned")
    await session.flush()
