"""Storage on both databases: migrations are the schema, timestamps stay UTC, history is kept."""

from __future__ import annotations

from datetime import UTC

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel, col, select

from storage import repo
from storage.db import Database
from storage.migrate import current_revision, head_revision
from storage.models import Answer, AnswerRevision, User


async def test_migrations_bring_an_empty_database_to_head(database_url):
    assert await current_revision(database_url) == head_revision()


async def test_models_and_migrations_describe_the_same_schema(database_url):
    db = Database.from_url(database_url)

    def diff(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)

    try:
        async with db.engine.connect() as connection:
            changes = await connection.run_sync(diff)
    finally:
        await db.dispose()
    assert changes == [], "a model changed without a migration: write one with alembic"


async def test_answers_keep_history_and_timestamps_are_utc(database_url):
    db = Database.from_url(database_url)
    try:
        async with db.unit_of_work() as session:
            user = await repo.create_user(session=session, telegram_id=9, locale="en")
            for value in ("Wuhan", "Chengdu", "Chengdu"):
                await repo.set_answer(
                    session=session,
                    user_id=user.id,
                    flow_id="about_me",
                    flow_version=1,
                    name="city",
                    value=value,
                )
        async with db.unit_of_work() as session:
            [answer] = (await session.exec(select(Answer))).all()
            revisions = (await session.exec(select(AnswerRevision))).all()
            [stored_user] = (await session.exec(select(User))).all()
        assert answer.value == "Chengdu"
        assert [r.value for r in revisions] == ["Wuhan"]  # an unchanged answer adds no revision
        assert answer.answered_at.tzinfo == UTC and stored_user.created_at.tzinfo == UTC
    finally:
        await db.dispose()


async def test_delete_user_leaves_no_row_behind(database_url):
    db = Database.from_url(database_url)
    try:
        async with db.unit_of_work() as session:
            user = await repo.create_user(session=session, telegram_id=10, locale="zh_Hans")
            await repo.set_answer(
                session=session,
                user_id=user.id,
                flow_id="f",
                flow_version=1,
                name="q",
                value=["a", "b"],
            )
            await repo.get_state(session=session, user_id=user.id)
        async with db.unit_of_work() as session:
            [user] = (await session.exec(select(User))).all()
            counts = await repo.delete_user(session=session, user=user)
        assert counts["answers"] == 1 and counts["conversation_states"] == 1
        async with db.unit_of_work() as session:
            assert (await session.exec(select(User))).all() == []
            assert (await session.exec(select(Answer).where(col(Answer.user_id) > 0))).all() == []
    finally:
        await db.dispose()


async def test_an_update_id_is_recorded_once(database_url):
    db = Database.from_url(database_url)
    try:
        async with db.unit_of_work() as session:
            assert await repo.mark_processed(session=session, key="tg:1") is True
            assert await repo.mark_processed(session=session, key="tg:1") is False
    finally:
        await db.dispose()


async def test_old_update_ids_are_forgotten(database_url):
    from datetime import timedelta

    from storage.types import utcnow

    db = Database.from_url(database_url)
    try:
        async with db.unit_of_work() as session:
            await repo.mark_processed(session=session, key="tg:old")
        async with db.unit_of_work() as session:
            gone = await repo.forget_processed(session=session, before=utcnow() + timedelta(1))
        assert gone == 1
        async with db.unit_of_work() as session:
            assert await repo.mark_processed(session=session, key="tg:old") is True
    finally:
        await db.dispose()
