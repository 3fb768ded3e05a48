"""Storage on both databases: migrations are the schema, timestamps stay UTC, history is kept,
erasure is complete."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import StatementError
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import repo
from storage.db import Database
from storage.migrate import current_revision, head_revision, upgrade_async
from storage.models import (
    Answer,
    AnswerRevision,
    AuditEntry,
    Case,
    CaseMessage,
    CaseNote,
    ConversationState,
    FlowCompletion,
    User,
)
from storage.types import utcnow

BEIJING = timezone(timedelta(hours=8))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(database_url)
    yield database
    await database.dispose()


async def all_rows(session: AsyncSession, model, *where) -> list:
    return list((await session.exec(select(model).where(*where))).all())


async def set_answer(session: AsyncSession, user: User, value, *, name="city", version=1) -> None:
    await repo.set_answer(
        session=session,
        user_id=user.id,
        flow_id="about_me",
        flow_version=version,
        name=name,
        value=value,
    )


# ── schema ──────────────────────────────────────────────────────────────────────────────────
async def test_migrations_bring_an_empty_database_to_head(empty_database_url):
    assert await current_revision(empty_database_url) is None
    await upgrade_async(empty_database_url)
    assert head_revision() is not None
    assert await current_revision(empty_database_url) == head_revision()
    await upgrade_async(empty_database_url)  # upgrading again changes nothing
    assert await current_revision(empty_database_url) == head_revision()

    database = Database.from_url(empty_database_url)
    try:
        async with database.engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await database.dispose()
    assert tables == set(SQLModel.metadata.tables) | {"alembic_version"}


async def test_models_and_migrations_describe_the_same_schema(db):
    def differences(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)

    async with db.engine.connect() as connection:
        changes = await connection.run_sync(differences)
    assert changes == [], "a model changed without a migration: write one with Alembic"


# ── timestamps ──────────────────────────────────────────────────────────────────────────────
async def test_timestamps_come_back_timezone_aware_in_utc(db):
    agreed = datetime(2026, 3, 1, 20, 30, tzinfo=BEIJING)
    async with db.unit_of_work() as session:
        user = await repo.create_user(session=session, telegram_id=9, locale="zh_Hans")
        user.consent_given_at = agreed
        await set_answer(session, user, "Wuhan")
    async with db.unit_of_work() as session:
        [stored] = await all_rows(session, User)
        [answer] = await all_rows(session, Answer)
    assert stored.consent_given_at == agreed
    assert stored.consent_given_at.tzinfo == UTC and stored.consent_given_at.hour == 12
    assert stored.created_at.tzinfo == UTC and answer.answered_at.tzinfo == UTC
    assert abs(utcnow() - answer.answered_at) < timedelta(minutes=1)


async def test_a_naive_timestamp_is_refused(db):
    with pytest.raises(StatementError, match="naive datetime"):
        async with db.unit_of_work() as session:
            user = await repo.create_user(session=session, telegram_id=9, locale="en")
            user.consent_given_at = datetime(2026, 3, 1, 12, 0)
            await session.flush()
    async with db.unit_of_work() as session:
        assert await all_rows(session, User) == []  # the unit of work was rolled back


# ── answers ─────────────────────────────────────────────────────────────────────────────────
async def test_set_answer_keeps_every_earlier_value_as_history(db):
    async with db.unit_of_work() as session:
        user = await repo.create_user(session=session, telegram_id=9, locale="en")
        for value in ("Wuhan", "Chengdu", "Chengdu"):
            await set_answer(session, user, value)
    async with db.unit_of_work() as session:
        [answer] = await all_rows(session, Answer)
        history = await all_rows(session, AnswerRevision)
    assert answer.value == "Chengdu"
    assert [r.value for r in history] == ["Wuhan"]  # the unchanged answer added nothing
    assert history[0].replaced_at >= history[0].answered_at

    async with db.unit_of_work() as session:
        [user] = await all_rows(session, User)
        await set_answer(session, user, "Chengdu", version=2)  # same words, newer questionnaire
        await set_answer(session, user, None)  # skipped later: cleared
    async with db.unit_of_work() as session:
        assert await all_rows(session, Answer) == []
        history = await all_rows(session, AnswerRevision)
    assert [(r.value, r.flow_version) for r in history] == [
        ("Wuhan", 1),
        ("Chengdu", 1),
        ("Chengdu", 2),
    ]


@pytest.mark.parametrize(
    "value", [["red", "blue"], 25, 1.75, True, False, "武汉，<b>&", {"a": [1, None]}]
)
async def test_answers_keep_their_json_type(database_url, value):
    db = Database.from_url(database_url)
    try:
        async with db.unit_of_work() as session:
            user = await repo.create_user(session=session, telegram_id=9, locale="en")
            await set_answer(session, user, value, name="q")
        async with db.unit_of_work() as session:
            stored = await repo.get_answers(session=session, user_id=user.id, flow_id="about_me")
    finally:
        await db.dispose()
    assert stored == {"q": value} and type(stored["q"]) is type(value)


# ── conversation state ──────────────────────────────────────────────────────────────────────
async def test_a_state_write_based_on_an_old_read_is_refused(db):
    async with db.unit_of_work() as session:
        user = await repo.create_user(session=session, telegram_id=9, locale="en")
        read_early = await repo.get_state(session=session, user_id=user.id)
    async with db.unit_of_work() as session:
        current = await repo.get_state(session=session, user_id=user.id)
        assert await repo.save_state(session=session, state=current, stack=[], screen="menu") == 1
    with pytest.raises(repo.StaleState):
        async with db.unit_of_work() as session:
            await repo.save_state(session=session, state=read_early, stack=[], screen="flow")
    async with db.unit_of_work() as session:
        [state] = await all_rows(session, ConversationState)
    assert (state.version, state.screen) == (1, "menu")


async def test_an_update_id_is_recorded_once_and_forgotten_later(db):
    async with db.unit_of_work() as session:
        assert await repo.mark_processed(session=session, key="tg:1") is True
        assert await repo.mark_processed(session=session, key="tg:1") is False
    async with db.unit_of_work() as session:
        assert await repo.forget_processed(session=session, before=utcnow() - timedelta(1)) == 0
        assert await repo.forget_processed(session=session, before=utcnow() + timedelta(1)) == 1
    async with db.unit_of_work() as session:
        assert await repo.mark_processed(session=session, key="tg:1") is True


# ── erasure ─────────────────────────────────────────────────────────────────────────────────
async def people_with_a_case(db: Database) -> tuple[int, int, int, int]:
    """Stores a client with everything a client can have, a counselor, and another client."""
    async with db.unit_of_work() as session:
        client = await repo.create_user(session=session, telegram_id=1, locale="en")
        counselor = await repo.create_user(session=session, telegram_id=2, locale="en")
        other = await repo.create_user(session=session, telegram_id=3, locale="en")
        counselor.role = "counselor"
        for person in (client, other):
            await set_answer(session, person, "Wuhan")
            await repo.get_state(session=session, user_id=person.id)
        await set_answer(session, client, "Chengdu")
        await repo.add_completion(
            session=session, user_id=client.id, flow_id="about_me", flow_version=1
        )
        case = Case(client_id=client.id, counselor_id=counselor.id)
        session.add(case)
        await session.flush()
        session.add(CaseNote(case_id=case.id, author_id=counselor.id, text="Called."))
        session.add(CaseMessage(case_id=case.id, direction="to_client", text="Hello"))
        session.add(AuditEntry(actor_id=counselor.id, client_id=client.id, action="read_case"))
        return client.id, counselor.id, other.id, case.id


async def test_delete_user_removes_every_row_about_a_client(db):
    client_id, counselor_id, other_id, _ = await people_with_a_case(db)
    async with db.unit_of_work() as session:
        [client] = await all_rows(session, User, col(User.id) == client_id)
        counts = await repo.delete_user(session=session, user=client)
    assert {table for table, n in counts.items() if n == 0} <= set(SQLModel.metadata.tables)
    assert {table: n for table, n in counts.items() if n} == {
        "case_notes": 1,
        "case_messages": 1,
        "cases": 1,
        "audit_log": 1,
        "answer_revisions": 1,
        "answers": 1,
        "flow_completions": 1,
        "conversation_states": 1,
        "users": 1,
    }
    async with db.unit_of_work() as session:
        assert await all_rows(session, User, col(User.id) == client_id) == []
        for model in (Answer, AnswerRevision, FlowCompletion, ConversationState):
            assert await all_rows(session, model, col(model.user_id) == client_id) == []
        assert await all_rows(session, Case) == [] and await all_rows(session, CaseNote) == []
        assert (
            await all_rows(session, CaseMessage) == []
            and await all_rows(session, AuditEntry) == []
        )
        # Nobody else lost anything.
        assert {u.id for u in await all_rows(session, User)} == {counselor_id, other_id}
        assert [a.user_id for a in await all_rows(session, Answer)] == [other_id]
        assert len(await all_rows(session, ConversationState)) == 1


async def test_erasing_a_counselor_leaves_their_cases_with_the_service_unassigned(db):
    client_id, counselor_id, _, case_id = await people_with_a_case(db)
    async with db.unit_of_work() as session:
        [counselor] = await all_rows(session, User, col(User.id) == counselor_id)
        await repo.delete_user(session=session, user=counselor)
    async with db.unit_of_work() as session:
        [case] = await all_rows(session, Case)
        [note] = await all_rows(session, CaseNote)
        [audit] = await all_rows(session, AuditEntry)
    assert (case.id, case.client_id, case.counselor_id) == (case_id, client_id, None)
    assert (note.text, note.author_id) == ("Called.", None)
    assert (audit.client_id, audit.actor_id) == (client_id, None)
