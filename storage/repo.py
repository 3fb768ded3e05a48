"""Repository functions: keyword-only, take a session, never commit (the unit of work does)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Answer,
    AnswerRevision,
    AssessmentResult,
    AuditEntry,
    CareerPlan,
    Case,
    CaseMessage,
    CaseNote,
    ConversationState,
    FlowCompletion,
    FollowUp,
    Interview,
    OccupationDismissal,
    OutboxMessage,
    PlanEvaluation,
    PlanGoal,
    PlanRevision,
    PlanStep,
    ProcessedUpdate,
    Professional,
    ServiceOffer,
    Target,
    User,
)
from storage.types import utcnow

# Statements run on every update are built once; only their parameters change.
_USER_BY_TELEGRAM_ID = select(User).where(col(User.telegram_id) == bindparam("telegram_id"))
_STATE = select(ConversationState).where(col(ConversationState.user_id) == bindparam("user_id"))
_ANSWERS = select(Answer.name, Answer.value).where(
    col(Answer.user_id) == bindparam("user_id"), col(Answer.flow_id) == bindparam("flow_id")
)
_ANSWER = select(Answer).where(
    col(Answer.user_id) == bindparam("user_id"),
    col(Answer.flow_id) == bindparam("flow_id"),
    col(Answer.name) == bindparam("name"),
)


class StaleState(Exception):
    """Another writer changed the conversation state since it was read."""


async def mark_processed(*, session: AsyncSession, key: str) -> bool:
    """Records an inbound update id; returns False when it was processed before."""
    table = ProcessedUpdate.__table__  # type: ignore[attr-defined]
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql_insert(table) if dialect == "postgresql" else sqlite_insert(table)
    statement = insert.values(key=key, processed_at=utcnow()).on_conflict_do_nothing()
    result = await session.exec(statement)
    return bool(result.rowcount)


async def forget_processed(*, session: AsyncSession, before: datetime) -> int:
    """Drops update ids older than `before` (Telegram never redelivers them after a day)."""
    result = await session.exec(
        delete(ProcessedUpdate).where(col(ProcessedUpdate.processed_at) < before)
    )
    return result.rowcount


async def get_user_by_telegram_id(*, session: AsyncSession, telegram_id: int) -> User | None:
    result = await session.exec(_USER_BY_TELEGRAM_ID, params={"telegram_id": telegram_id})
    return result.first()


async def create_user(*, session: AsyncSession, telegram_id: int, locale: str) -> User:
    """Creates the user row at consent: chat id and language."""
    user = User(telegram_id=telegram_id, locale=locale)
    session.add(user)
    await session.flush()
    return user


async def touch_user(*, session: AsyncSession, user: User) -> None:
    user.updated_at = utcnow()
    session.add(user)


async def get_state(
    *, session: AsyncSession, user_id: int, lock: bool = False
) -> ConversationState:
    """Loads (or creates) the user's conversation state, row-locked on PostgreSQL when asked."""
    query = _STATE.with_for_update() if lock else _STATE
    state = (await session.exec(query, params={"user_id": user_id})).first()
    if state is None:
        state = ConversationState(user_id=user_id, stack=[], screen="", version=0)
        session.add(state)
        await session.flush()
    return state


async def save_state(
    *, session: AsyncSession, state: ConversationState, stack: list[dict[str, Any]], screen: str
) -> int:
    """Writes the new state if nobody else did since it was read; returns the new version."""
    new_version = state.version + 1
    result = await session.exec(
        update(ConversationState)
        .where(col(ConversationState.user_id) == state.user_id)
        .where(col(ConversationState.version) == state.version)
        .values(stack=stack, screen=screen, version=new_version, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleState(state.user_id)
    return new_version


async def get_answers(*, session: AsyncSession, user_id: int, flow_id: str) -> dict[str, Any]:
    """Returns the current answers of one flow as {question name: value}."""
    result = await session.exec(_ANSWERS, params={"user_id": user_id, "flow_id": flow_id})
    return {name: value for name, value in result.all()}


async def set_answer(
    *,
    session: AsyncSession,
    user_id: int,
    flow_id: str,
    flow_version: int,
    name: str,
    value: Any,
) -> None:
    """Stores an answer; a changed earlier value is kept as a revision. None clears it."""
    params = {"user_id": user_id, "flow_id": flow_id, "name": name}
    current = (await session.exec(_ANSWER, params=params)).first()
    if current is not None:
        if current.value == value and current.flow_version == flow_version:
            return
        session.add(
            AnswerRevision(
                user_id=user_id,
                flow_id=flow_id,
                flow_version=current.flow_version,
                name=name,
                value=current.value,
                answered_at=current.answered_at,
            )
        )
        if value is None:
            await session.delete(current)
            return
        current.value = value
        current.flow_version = flow_version
        current.answered_at = utcnow()
        session.add(current)
    elif value is not None:
        session.add(
            Answer(
                user_id=user_id, flow_id=flow_id, flow_version=flow_version, name=name, value=value
            )
        )
    await session.flush()


async def clear_answers(*, session: AsyncSession, user_id: int, flow_id: str) -> None:
    """Forgets a flow's answers and their revisions (e.g. once they moved into a record)."""
    for table in (Answer, AnswerRevision):
        await session.exec(
            delete(table).where(col(table.user_id) == user_id, col(table.flow_id) == flow_id)
        )


async def add_completion(
    *, session: AsyncSession, user_id: int, flow_id: str, flow_version: int
) -> None:
    session.add(FlowCompletion(user_id=user_id, flow_id=flow_id, flow_version=flow_version))


async def completed_flows(*, session: AsyncSession, user_id: int) -> set[str]:
    result = await session.exec(
        select(FlowCompletion.flow_id).where(col(FlowCompletion.user_id) == user_id).distinct()
    )
    return set(result.all())


# Tables whose rows belong to one user through a `user_id` column.
USER_TABLES: tuple[Any, ...] = (
    PlanEvaluation,
    PlanRevision,
    PlanStep,
    PlanGoal,
    CareerPlan,
    FollowUp,
    AnswerRevision,
    Answer,
    FlowCompletion,
    ConversationState,
    AssessmentResult,
    Interview,
    Professional,
    Target,
    OccupationDismissal,
    OutboxMessage,
)
# Tables holding a client's case, selected by case id.
CASE_TABLES: tuple[tuple[Any, Any], ...] = (
    (ServiceOffer, ServiceOffer.case_id),
    (CaseNote, CaseNote.case_id),
    (CaseMessage, CaseMessage.case_id),
    (Case, Case.id),
)


async def _client_case_ids(session: AsyncSession, user: User) -> list[int]:
    result = await session.exec(select(Case.id).where(col(Case.client_id) == user.id))
    return [case_id for case_id in result.all() if case_id is not None]


def _dump(rows: Any) -> list[dict[str, Any]]:
    return [row.model_dump(mode="json") for row in rows if isinstance(row, SQLModel)]


async def export_user(*, session: AsyncSession, user: User) -> dict[str, Any]:
    """Returns every row about the user, table by table, as JSON-ready dictionaries."""
    data: dict[str, Any] = {"users": [user.model_dump(mode="json")]}
    for table in USER_TABLES:
        rows = await session.exec(select(table).where(col(table.user_id) == user.id))
        data[table.__tablename__] = _dump(rows)
    case_ids = await _client_case_ids(session, user)
    for table, column in CASE_TABLES:
        rows = await session.exec(select(table).where(col(column).in_(case_ids)))
        data[table.__tablename__] = _dump(rows)
    rows = await session.exec(select(AuditEntry).where(col(AuditEntry.client_id) == user.id))
    data[AuditEntry.__tablename__] = _dump(rows)
    return data


async def delete_user(*, session: AsyncSession, user: User) -> dict[str, int]:
    """Erases every row about the user; returns how many rows each table lost.

    As a client: their answers, progress, case with its notes and relayed messages, and the
    audit entries about them. As a counselor: their own rows; cases they held stay with the
    service, unassigned.
    """
    counts: dict[str, int] = {}
    case_ids = await _client_case_ids(session, user)
    for table, column in CASE_TABLES:
        result = await session.exec(delete(table).where(col(column).in_(case_ids)))
        counts[table.__tablename__] = result.rowcount
    result = await session.exec(delete(AuditEntry).where(col(AuditEntry.client_id) == user.id))
    counts[AuditEntry.__tablename__] = result.rowcount
    await session.exec(
        update(Case).where(col(Case.counselor_id) == user.id).values(counselor_id=None)
    )
    for table in USER_TABLES:
        result = await session.exec(delete(table).where(col(table.user_id) == user.id))
        counts[table.__tablename__] = result.rowcount
    await session.exec(delete(User).where(col(User.id) == user.id))
    counts["users"] = 1
    return counts


async def count_users(*, session: AsyncSession) -> int:
    result = await session.exec(select(func.count()).select_from(User))
    return int(result.one())
