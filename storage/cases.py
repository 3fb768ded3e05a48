"""Repository functions for cases, counselors, notes, relayed messages, audit and invitations.

Keyword-only, take a session, never commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditEntry, Case, CaseMessage, CaseNote, Invitation, User
from storage.types import utcnow

OPEN_STATUSES = ("new", "accepted")


async def get_case(*, session: AsyncSession, case_id: int) -> Case | None:
    return await session.get(Case, case_id)


async def get_case_for_client(*, session: AsyncSession, client_id: int) -> Case | None:
    return (await session.exec(select(Case).where(col(Case.client_id) == client_id))).first()


async def save_case(*, session: AsyncSession, case: Case) -> Case:
    case.last_activity_at = utcnow()
    session.add(case)
    await session.flush()
    return case


async def get_user(*, session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def active_counselors(*, session: AsyncSession) -> list[User]:
    result = await session.exec(
        select(User)
        .where(col(User.role) == "counselor", col(User.active).is_(True))
        .order_by(col(User.id))
    )
    return list(result.all())


async def staff(*, session: AsyncSession) -> list[User]:
    """Counselors (active or not) and admins, for the admin's list."""
    result = await session.exec(
        select(User)
        .where(col(User.role).in_(("counselor", "counselor_off", "admin")))
        .order_by(col(User.id))
    )
    return list(result.all())


async def admins(*, session: AsyncSession) -> list[User]:
    result = await session.exec(select(User).where(col(User.role) == "admin"))
    return list(result.all())


async def caseload(*, session: AsyncSession) -> dict[int, tuple[int, datetime | None]]:
    """Returns {counselor id: (open cases, last assignment)} for counselors with cases."""
    result = await session.exec(
        select(
            col(Case.counselor_id),
            func.count().filter(col(Case.status).in_(OPEN_STATUSES)),
            func.max(Case.assigned_at),
        )
        .where(col(Case.counselor_id).is_not(None))
        .group_by(col(Case.counselor_id))
    )
    return {row[0]: (int(row[1]), row[2]) for row in result.all() if row[0] is not None}


async def cases_of(
    *, session: AsyncSession, counselor_id: int | None, offset: int = 0, limit: int = 10
) -> tuple[list[tuple[Case, User]], int]:
    """Returns one page of (case, client) for a counselor (None: every case) and the total."""
    query = select(Case, User).join(User, col(User.id) == col(Case.client_id))
    count = select(func.count()).select_from(Case)
    if counselor_id is not None:
        query = query.where(col(Case.counselor_id) == counselor_id)
        count = count.where(col(Case.counselor_id) == counselor_id)
    query = query.order_by(col(Case.last_activity_at).desc()).offset(offset).limit(limit)
    rows = (await session.exec(query)).all()
    total = (await session.exec(count)).one()
    return [(case, client) for case, client in rows], int(total)


async def add_note(*, session: AsyncSession, case_id: int, author_id: int, text: str) -> CaseNote:
    note = CaseNote(case_id=case_id, author_id=author_id, text=text)
    session.add(note)
    await session.flush()
    return note


async def notes(*, session: AsyncSession, case_id: int) -> list[CaseNote]:
    result = await session.exec(
        select(CaseNote).where(col(CaseNote.case_id) == case_id).order_by(col(CaseNote.id))
    )
    return list(result.all())


async def add_message(*, session: AsyncSession, case_id: int, direction: str, text: str) -> None:
    session.add(CaseMessage(case_id=case_id, direction=direction, text=text))


async def messages(*, session: AsyncSession, case_id: int) -> list[CaseMessage]:
    result = await session.exec(
        select(CaseMessage)
        .where(col(CaseMessage.case_id) == case_id)
        .order_by(col(CaseMessage.id))
    )
    return list(result.all())


async def audit(*, session: AsyncSession, actor_id: int, client_id: int, action: str) -> None:
    """Records that a staff member read or changed a client's case."""
    session.add(AuditEntry(actor_id=actor_id, client_id=client_id, action=action))


async def audit_entries(*, session: AsyncSession, client_id: int) -> list[AuditEntry]:
    result = await session.exec(
        select(AuditEntry)
        .where(col(AuditEntry.client_id) == client_id)
        .order_by(col(AuditEntry.id))
    )
    return list(result.all())


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
    query = select(Invitation).where(col(Invitation.token_hash) == token_hash)
    if lock:
        query = query.with_for_update()
    return (await session.exec(query)).first()
