"""A person can take all their data with /export and erase all of it with /delete."""

from __future__ import annotations

import json
import re

from sqlmodel import col

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
from tests.flows import THROUGH_TRIAL
from tests.people import Person
from tests.stored import answers, row_counts, rows


async def test_export_sends_a_json_document_with_the_persons_own_data(engine):
    ann, bo = Person(engine), Person(engine, telegram_id=43, name="Bo")
    for person, nick in ((ann, "Annie"), (bo, "Bobby")):
        await person.join()
        await person.press("🧪 Trial run")
        await person.answer(nick, "Student", "▫️ Green", "Done ✔")
    await ann.send("/export")
    assert "Here is everything I store about you, as a JSON file." in ann.seen
    [document] = ann.documents
    assert re.fullmatch(r"careerpilot-export-\d{8}\.json", document.filename)
    assert document.caption == "Your CareerPilot data"
    data = json.loads(document.content)["data"]
    assert data["users"][0]["telegram_id"] == 42 and data["users"][0]["consent_version"]
    assert {a["name"]: a["value"] for a in data["answers"]} == {
        "nick": "Annie",
        "situation": "student",
        "likes": ["green"],
    }
    assert {a["flow_id"] for a in data["answers"]} == {"trial"}
    assert data["conversation_states"][0]["stack"][0]["flow"] == "trial"
    assert b"Bobby" not in document.content  # nobody else's data


async def test_delete_asks_first_and_no_keeps_everything(engine):
    ann = Person(engine)
    await ann.join()
    await ann.press("🧪 Trial run")
    await ann.answer("Annie", "Student")
    before = await row_counts(engine)
    await ann.send("/delete")
    assert "Erase all your data?" in ann.last_text and "It cannot be undone." in ann.last_text
    assert ann.buttons == ["Yes, erase everything", "No, keep my data"]
    await ann.send("yes")
    assert "Please use the buttons below." in ann.seen and "Erase all your data?" in ann.last_text
    await ann.press("No, keep my data")
    assert "Nothing was erased." in ann.seen
    assert "Which colours do you like?" in ann.last_text  # back where they were
    after = await row_counts(engine)
    assert {t: n for t, n in after.items() if t != "processed_updates"} == {
        t: n for t, n in before.items() if t != "processed_updates"
    }
    assert await answers(engine) == {"nick": "Annie", "situation": "student"}


async def give_ann_a_case(engine, ann_id: int) -> None:
    """Leaves what counselors' work would: a case with a note, a message and an audit entry."""
    async with engine.db.unit_of_work() as session:
        case = Case(client_id=ann_id)
        session.add(case)
        await session.flush()
        session.add(CaseNote(case_id=case.id, text="Called, no answer."))
        session.add(CaseMessage(case_id=case.id, direction="to_client", text="How are you?"))
        session.add(AuditEntry(client_id=ann_id, action="read_case"))


async def test_delete_yes_erases_every_row_about_the_person_and_says_what(engine):
    ann, bo = Person(engine), Person(engine, telegram_id=43, name="Bo")
    await bo.join()
    await bo.press("🧪 Trial run")
    await bo.send("Bobby")
    await ann.join()
    await ann.press("🧪 Trial run")
    await ann.answer(*THROUGH_TRIAL, "✏️ Nickname", "Anna", "✔ Looks right")
    [ann_row] = await rows(engine, User, col(User.telegram_id) == 42)
    [bo_row] = await rows(engine, User, col(User.telegram_id) == 43)
    await give_ann_a_case(engine, ann_row.id)

    await ann.send("/delete")
    await ann.press("Yes, erase everything")
    erased = ann.last_text
    assert "Done: everything I stored about you has been erased." in erased
    for line in (
        "account and consent record: 1",
        "answers: 10",
        "earlier versions of answers: 1",
        "completed questionnaires: 2",
        "conversation progress: 1",
        "your case with the service: 1",
        "counselor notes about your case: 1",
        "messages exchanged with your counselor: 1",
        "records of who opened your case: 1",
    ):
        assert line in erased, line

    assert await rows(engine, User, col(User.telegram_id) == 42) == []
    for model, column in (
        (Answer, Answer.user_id),
        (AnswerRevision, AnswerRevision.user_id),
        (FlowCompletion, FlowCompletion.user_id),
        (ConversationState, ConversationState.user_id),
        (Case, Case.client_id),
        (AuditEntry, AuditEntry.client_id),
    ):
        assert await rows(engine, model, col(column) == ann_row.id) == [], model.__name__
    assert await rows(engine, CaseNote) == [] and await rows(engine, CaseMessage) == []
    assert all(re.fullmatch(r"tg:\d+", u.key) for u in await rows(engine, ProcessedUpdate))
    assert await answers(engine, user_id=bo_row.id) == {"nick": "Bobby"}  # Bo is untouched
    assert len(await rows(engine, ConversationState)) == 1

    await ann.send("/start")
    assert "Hello! I am CareerPilot" in ann.last_text  # a first meeting again
    await ann.send("/export")
    assert "I don't hold any data about you" in ann.last_text
    await ann.join()
    await ann.press("🧪 Trial run")
    assert "Your nickname?" in ann.last_text and "Current answer" not in ann.last_text
