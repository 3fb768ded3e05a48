"""Repository functions for cases, counselors, notes, relayed messages, audit and invitations.

Keyword-only, take a session, never commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditEntry, Case, CaseMessage, CaseNote, Invitation, User
from storage.types import utcnow

OPEN_STATUSES = ("new", "accepted")


async def get_case(*, session: AsyncSession, case_id: int) -> Case | None:
    return await session.get(Case, case_id)


async def get_case_for_client(*, session: AsyncSession, client_id: int) -> Case | None:
    result = await session.execute(select(Case).where(Case.client_id == client_id))  # type: ignore[arg-type]
    return result.scalars().first()


async def save_case(*, session: AsyncSession, case: Case) -> Case:
    case.last_activity_at = utcnow()
    session.add(case)
    await session.flush()
    return case


async def get_user(*, session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def active_counselors(*, session: AsyncSession) -> list[User]:
    result = await session.execute(
        select(User).where(User.role == "counselor", User.active.is_(True)).order_by(User.id)  # type: ignore[arg-type, attr-defined]
    )
    return list(result.scalars())


async def staff(*, session: AsyncSession) -> list[User]:
    """Counselors (active or not) and admins, for the admin's list."""
    result = await session.execute(
        select(User).where(User.role.in_(("counselor", "admin"))).order_by(User.id)  # type: ignore[attr-defined]
    )
    return list(result.scalars())


async def admins(*, session: AsyncSession) -> list[User]:
    result = await session.execute(select(User).where(User.role == "admin"))  # type: ignore[arg-type]
    return list(result.scalars())


async def caseload(*, session: AsyncSession) -> dict[int, tuple[int, datetime | None]]:
    """Returns {counselor id: (open cases, last assignment)} for counselors with cases."""
    result = await session.execute(
        select(
            Case.counselor_id,
            func.count().filter(Case.status.in_(OPEN_STATUSES)),  # type: ignore[attr-defined]
            func.max(Case.assigned_at),
        )
        .where(Case.counselor_id.is_not(None))  # type: ignore[union-attr]
        .group_by(Case.counselor_id)
    )
    return {row[0]: (int(row[1]), row[2]) for row in result.all()}


async def cases_of(
    *, session: AsyncSession, counselor_id: int | None, offset: int = 0, limit: int = 10
) -> tuple[list[tuple[Case, User]], int]:
    """Returns one page of (case, client) for a counselor (None: every case) and the total."""
    query = select(Case, User).join(User, User.id == Case.client_id)  # type: ignore[arg-type]
    count = select(func.count()).select_from(Case)
    if counselor_id is not None:
        query = query.where(Case.counselor_id == counselor_id)  # type: ignore[arg-type]
        count = count.where(Case.counselor_id == counselor_id)  # type: ignore[arg-type]
    query = query.order_by(Case.last_activity_at.desc()).offset(offset).limit(limit)  # type: ignore[attr-defined]
    rows = (await session.execute(query)).all()
    total = (await session.execute(count)).scalar_one()
    return [(row[0], row[1]) for row in rows], int(total)


async def add_note(*, session: AsyncSession, case_id: int, author_id: int, text: str) -> CaseNote:
    note = CaseNote(case_id=case_id, author_id=author_id, text=text)
    session.add(note)
    await session.flush()
    return note


async def notes(*, session: AsyncSession, case_id: int) -> list[CaseNote]:
    result = await session.execute(
        select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.created_at)  # type: ignore[arg-type]
    )
    return list(result.scalars())


async def add_message(*, session: AsyncSession, case_id: int, direction: str, text: str) -> None:
    session.add(CaseMessage(case_id=case_id, direction=direction, text=text))


async def messages(*, session: AsyncSession, case_id: int) -> list[CaseMessage]:
    result = await session.execute(
        select(CaseMessage).where(CaseMessage.case_id == case_id).order_by(CaseMessage.id)  # type: ignore[arg-type]
    )
    return list(result.scalars())


async def audit(*, session: AsyncSession, actor_id: int, client_id: int, action: str) -> None:
    """Records that a staff member read or changed a client's case."""
    session.add(AuditEntry(actor_id=actor_id, client_id=client_id, action=action))


async def audit_entries(*, session: AsyncSession, client_id: int) -> list[AuditEntry]:
    result = await session.execute(
        select(AuditEntry).where(AuditEntry.client_id == client_id).order_by(AuditEntry.id)  # type: ignore[arg-type]
    )
    return list(result.scalars())


async def add_invitation(
    *, session: AsyncSession, token_hash: str, created_by: int, expires_at: datetime
) -> Invitation:
    invitation = Invitation(token_hash=token_hash, created_by=created_by, expires_at=expires_at)
    session.add(invitation)
    await session.flush()
    return invitation


async def get_invitation(
    *, session: AsyncSession, token_hash: str, lock: bool = False
) -> Invitation | None:
    query = select(Invitation).where(Invitation.token_hash == token_hash)  # type: ignore[arg-type]
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalars().first()
