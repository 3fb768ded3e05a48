"""Repository functions: keyword-only, take a session, never commit (the unit of work does)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Answer,
    AnswerRevision,
    AuditEntry,
    Case,
    CaseMessage,
    CaseNote,
    ConversationState,
    FlowCompletion,
    ProcessedUpdate,
    User,
)
from storage.types import utcnow


class StaleState(Exception):
    """Another writer changed the conversation state since it was read."""


async def mark_processed(*, session: AsyncSession, key: str) -> bool:
    """Records an inbound update id; returns False when it was processed before."""
    try:
        async with session.begin_nested():
            session.add(ProcessedUpdate(key=key))
            await session.flush()
    except IntegrityError:
        return False
    return True


async def get_user_by_telegram_id(*, session: AsyncSession, telegram_id: int) -> User | None:
    result = await session.exec(select(User).where(User.telegram_id == telegram_id))  # type: ignore[call-overload]
    return result.scalars().first()


async def create_user(*, session: AsyncSession, telegram_id: int, locale: str) -> User:
    """Creates the minimal pre-consent row: chat id and language only."""
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
    query = select(ConversationState).where(ConversationState.user_id == user_id)
    if lock:
        query = query.with_for_update()
    result = await session.exec(query)  # type: ignore[call-overload]
    state = result.scalars().first()
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
    result = await session.execute(
        update(ConversationState)
        .where(ConversationState.user_id == state.user_id)  # type: ignore[arg-type]
        .where(ConversationState.version == state.version)  # type: ignore[arg-type]
        .values(stack=stack, screen=screen, version=new_version, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleState(state.user_id)
    return new_version


async def get_answers(*, session: AsyncSession, user_id: int, flow_id: str) -> dict[str, Any]:
    """Returns the current answers of one flow as {question name: value}."""
    result = await session.exec(  # type: ignore[call-overload]
        select(Answer.name, Answer.value).where(
            Answer.user_id == user_id, Answer.flow_id == flow_id
        )
    )
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
    result = await session.exec(  # type: ignore[call-overload]
        select(Answer).where(
            Answer.user_id == user_id, Answer.flow_id == flow_id, Answer.name == name
        )
    )
    current = result.scalars().first()
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


async def add_completion(
    *, session: AsyncSession, user_id: int, flow_id: str, flow_version: int
) -> None:
    session.add(FlowCompletion(user_id=user_id, flow_id=flow_id, flow_version=flow_version))


async def completed_flows(*, session: AsyncSession, user_id: int) -> set[str]:
    result = await session.exec(  # type: ignore[call-overload]
        select(FlowCompletion.flow_id).where(FlowCompletion.user_id == user_id).distinct()
    )
    return set(result.scalars().all())


USER_TABLES = (AnswerRevision, Answer, FlowCompletion, ConversationState)


async def _client_case_ids(session: AsyncSession, user: User) -> list[int]:
    result = await session.execute(select(Case.id).where(Case.client_id == user.id))  # type: ignore[arg-type]
    return [row[0] for row in result.all()]


async def export_user(*, session: AsyncSession, user: User) -> dict[str, Any]:
    """Returns every row about the user, table by table, as JSON-ready dictionaries."""
    data: dict[str, Any] = {"users": [user.model_dump(mode="json")]}
    for table in USER_TABLES:
        result = await session.execute(select(table).where(table.user_id == user.id))  # type: ignore[attr-defined]
        data[table.__tablename__] = [row.model_dump(mode="json") for row in result.scalars()]  # type: ignore[attr-defined]
    case_ids = await _client_case_ids(session, user)
    for table, column in (
        (Case, Case.id),
        (CaseNote, CaseNote.case_id),
        (CaseMessage, CaseMessage.case_id),
    ):
        result = await session.execute(select(table).where(column.in_(case_ids)))  # type: ignore[attr-defined]
        data[table.__tablename__] = [row.model_dump(mode="json") for row in result.scalars()]  # type: ignore[attr-defined]
    result = await session.execute(select(AuditEntry).where(AuditEntry.client_id == user.id))  # type: ignore[arg-type]
    data[AuditEntry.__tablename__] = [row.model_dump(mode="json") for row in result.scalars()]
    return data


async def delete_user(*, session: AsyncSession, user: User) -> dict[str, int]:
    """Erases every row about the user; returns how many rows each table lost.

    As a client: their answers, progress, case with its notes and relayed messages, and the
    audit entries about them. As a counselor: their own rows; cases they held stay with the
    service, unassigned.
    """
    counts: dict[str, int] = {}
    case_ids = await _client_case_ids(session, user)
    for table, column in (
        (CaseNote, CaseNote.case_id),
        (CaseMessage, CaseMessage.case_id),
        (Case, Case.id),
    ):
        result = await session.execute(delete(table).where(column.in_(case_ids)))  # type: ignore[attr-defined]
        counts[table.__tablename__] = result.rowcount  # type: ignore[attr-defined]
    result = await session.execute(delete(AuditEntry).where(AuditEntry.client_id == user.id))  # type: ignore[arg-type]
    counts[AuditEntry.__tablename__] = result.rowcount  # type: ignore[attr-defined]
    await session.execute(
        update(Case).where(Case.counselor_id == user.id).values(counselor_id=None)  # type: ignore[arg-type]
    )
    for table in USER_TABLES:
        result = await session.execute(delete(table).where(table.user_id == user.id))  # type: ignore[attr-defined]
        counts[table.__tablename__] = result.rowcount  # type: ignore[attr-defined]
    await session.execute(delete(User).where(User.id == user.id))  # type: ignore[arg-type]
    counts["users"] = 1
    return counts


async def count_users(*, session: AsyncSession) -> int:
    result = await session.execute(select(func.count()).select_from(User))
    return int(result.scalar_one())
