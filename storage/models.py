"""The tables. Conversation state (where a user is) is kept apart from answers (what they said)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Date, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


def _user_fk() -> Any:
    return Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)


class UserBase(SQLModel):
    telegram_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    display_name: str | None = Field(default=None, max_length=128)
    locale: str = Field(default="en", max_length=16)
    role: str = Field(default="client", max_length=16)


class User(UserBase, table=True):
    """A person who talks to the bot. Before consent only the chat id and language are kept."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    consent_given_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    consent_withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    consent_version: str | None = Field(default=None, max_length=32)
    active: bool = Field(default=True)
    blocked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Chosen by the person for their check-ins; empty means the service's settings.
    timezone: str | None = Field(default=None, max_length=64)
    quiet_hours: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def has_consented(self) -> bool:
        return self.consent_given_at is not None and self.consent_withdrawn_at is None


class ConversationState(SQLModel, table=True):
    """Where a user is: a stack of flow frames, JSON only. `version` guards concurrent writers."""

    __tablename__ = "conversation_states"

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    )
    stack: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    screen: str = Field(default="", max_length=64)
    version: int = Field(default=0)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Answer(SQLModel, table=True):
    """The current answer to one question of one flow; earlier values live in AnswerRevision."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("user_id", "flow_id", "name", name="uq_answer_question"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk())
    flow_id: str = Field(max_length=64)
    flow_version: int
    name: str = Field(max_length=64)
    value: Any = Field(default=None, sa_column=Column(JSON))
    answered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AnswerRevision(SQLModel, table=True):
    """A value an answer held before it was edited or cleared."""

    __tablename__ = "answer_revisions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk())
    flow_id: str = Field(max_length=64)
    flow_version: int
    name: str = Field(max_length=64)
    value: Any = Field(default=None, sa_column=Column(JSON))
    answered_at: datetime = Field(sa_type=UTCDateTime)
    replaced_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FlowCompletion(SQLModel, table=True):
    """A finished run of a flow (used by the menu to show what is done)."""

    __tablename__ = "flow_completions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk())
    flow_id: str = Field(max_length=64)
    flow_version: int
    completed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProcessedUpdate(SQLModel, table=True):
    """An inbound update already applied; holds no personal data, only the transport's id."""

    __tablename__ = "processed_updates"

    key: str = Field(primary_key=True, max_length=96)
    processed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Case(SQLModel, table=True):
    """A client's case with the service: intake result, category, counselor and status."""

    __tablename__ = "cases"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    counselor_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), index=True),
    )
    status: str = Field(default="new", max_length=16)
    category: str = Field(default="", max_length=32)
    category_reason: str = Field(default="", max_length=64)
    category_overridden: bool = Field(default=False)
    category_note: str | None = Field(default=None, max_length=500)
    referral_suggested: bool = Field(default=False)
    referral_need: str | None = Field(default=None, max_length=32)
    referral_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    assigned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_activity_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CaseNote(SQLModel, table=True):
    """A counselor's note on a case, never shown to the client."""

    __tablename__ = "case_notes"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    )
    author_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    )
    text: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CaseMessage(SQLModel, table=True):
    """A question relayed from counselor to client, or the client's answer."""

    __tablename__ = "case_messages"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    )
    direction: str = Field(max_length=16)  # "to_client" | "to_counselor"
    text: str = Field(max_length=4000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditEntry(SQLModel, table=True):
    """Who read or changed which client's case, and when."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    )
    client_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True),
    )
    action: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Invitation(SQLModel, table=True):
    """A single-use counselor invitation; only a hash of its token is kept."""

    __tablename__ = "invitations"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    )


class AssessmentResult(SQLModel, table=True):
    """One scored run of a self-assessment instrument; retakes add rows, history stays."""

    __tablename__ = "assessment_results"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk())
    instrument: str = Field(max_length=32)  # what it measures: "riasec", "big_five", …
    form: str = Field(max_length=64)  # the flow that asked (e.g. the 48 or the 60 items)
    form_version: int
    scores: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    summary: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    responses: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    taken_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Target(SQLModel, table=True):
    """An occupation or field a person wants to explore (from matches or typed)."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("user_id", "onetsoc_code", name="uq_target_occupation"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk())
    title: str = Field(max_length=200)
    onetsoc_code: str | None = Field(default=None, max_length=16)
    source: str = Field(default="typed", max_length=16)  # "match" | "typed"
    # Informational interviews: what the person expected before the first one, their analysis
    # after three or more, and when they shared the report with their counselor.
    expectations: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    analysis: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    report_shared_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OccupationDismissal(SQLModel, table=True):
    """An occupation the person marked "not for me": never suggested to them again."""

    __tablename__ = "occupation_dismissals"
    __table_args__ = (UniqueConstraint("user_id", "onetsoc_code", name="uq_dismissal"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk())
    onetsoc_code: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Professional(SQLModel, table=True):
    """Someone working in a target field whom the person interviews (third-party data).

    Their contact details go into /export and are erased by /delete with the person; they are
    never shown to counselors and never logged.
    """

    __tablename__ = "professionals"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk())
    target_id: int = Field(
        sa_column=Column(Integer, ForeignKey("targets.id", ondelete="CASCADE"), nullable=False)
    )
    name: str = Field(max_length=100)
    position: str = Field(default="", max_length=120)
    organization: str = Field(default="", max_length=120)
    seniority: str = Field(max_length=16)  # "new" | "mid" | "senior"
    channel: str = Field(max_length=16)  # "phone" | "email" | "messenger" | "other"
    contact: str = Field(default="", max_length=200)
    found_via: str = Field(max_length=16)  # "relative" | "teacher" | … | "referral"
    referred_by_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("professionals.id", ondelete="SET NULL")),
    )
    known: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Interview(SQLModel, table=True):
    """The informational interview with one professional: outline, meeting, notes, thanks."""

    __tablename__ = "interviews"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk())
    professional_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("professionals.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        )
    )
    duration: int = Field(default=30)  # planned minutes
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    questions: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    meeting_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    meeting_format: str | None = Field(default=None, max_length=16)
    status: str = Field(default="planned", max_length=16)  # planned | scheduled | done
    notes: str = Field(default="", max_length=4000)
    recording_agreed: bool | None = Field(default=None)
    surprised: str = Field(default="", max_length=1000)
    thank_you_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OutboxMessage(SQLModel, table=True):
    """One message due to one chat, sent by the sender loop (bot/services/sender.py).

    `payload` is what to send, as JSON: either already rendered in the recipient's language,
    `{"text": "<Telegram HTML>", "buttons": [[{"label": "…", "data": "…"}]]}` (buttons
    optional), or a template reference `{"template": "<name>", "params": {…}}` that the
    sender's `render` callback turns into text at send time. `state` moves
    pending → sending (claimed under a lease until `claimed_until`) → sent | failed, or
    pending → cancelled; `last_error` holds a short code (see storage/outbox.py), never text.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_due_at", "state", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk())
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    kind: str = Field(max_length=32)  # "checkin", "reminder", "broadcast", …
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    due_at: datetime = Field(sa_type=UTCDateTime)
    state: str = Field(default="pending", max_length=16)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=32)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    telegram_message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FollowUp(SQLModel, table=True):
    """One planned contact of a client's year of follow-up: a check-in questionnaire.

    The plan comes from the case's tracking category when the counselor accepts the case; a
    category change re-plans the future ones. Delivery is an outbox row (`outbox_id`).
    """

    __tablename__ = "followups"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk())
    kind: str = Field(default="checkin", max_length=16)
    due_on: date = Field(sa_column=Column(Date, nullable=False))
    state: str = Field(default="planned", max_length=16)  # planned | answered | cancelled
    category: str = Field(default="", max_length=32)  # the category that planned it
    outbox_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("outbox.id", ondelete="SET NULL"))
    )
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ServiceOffer(SQLModel, table=True):
    """A guidance session, job offer or training offer a counselor made to a client.

    Counted against the service target: within three months of acceptance one guidance
    session, three suitable job offers and one training offer.
    """

    __tablename__ = "service_offers"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    )
    kind: str = Field(max_length=16)  # "guidance" | "job" | "training"
    description: str = Field(max_length=500)
    offered_on: date = Field(sa_column=Column(Date, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CareerPlan(SQLModel, table=True):
    """A person's career plan: the parts kept as one record (goals and steps have their own).

    The environment and opportunity answers are flow answers (`plan_env`, `plan_opps`); this
    row keeps what the plan screens build: the confirmed recap, the SWOT, the route, the
    review interval and whether the counselor may read the plan.
    """

    __tablename__ = "career_plans"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    stand_confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    stand_note: str = Field(default="", max_length=1000)  # the person's corrections
    # {"strengths": [...], "weaknesses": [...], "opportunities": [...], "threats": [...]}
    swot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    route: str | None = Field(default=None, max_length=24)
    review_every_days: int = Field(default=30)
    shared_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PlanGoal(SQLModel, table=True):
    """A goal on one of four horizons; `parent_id` is the higher goal it serves."""

    __tablename__ = "plan_goals"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk())
    horizon: str = Field(max_length=8)  # life | long | medium | short
    statement: str = Field(max_length=300)
    measure: str = Field(default="", max_length=300)
    target_date: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    parent_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("plan_goals.id", ondelete="SET NULL")),
    )
    status: str = Field(default="active", max_length=16)  # active | achieved | dropped
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PlanStep(SQLModel, table=True):
    """One step of the action plan, under a short-term goal, with its due date.

    A counselor may suggest a step (`status` "suggested" until the client accepts or
    declines it) and comment on any step of a shared plan (`comments`).
    """

    __tablename__ = "plan_steps"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk())
    goal_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("plan_goals.id", ondelete="SET NULL")),
    )
    kind: str = Field(default="other", max_length=16)
    title: str = Field(max_length=300)
    due_on: date = Field(sa_column=Column(Date, nullable=False))
    # open | done | postponed | dropped | suggested | declined
    status: str = Field(default="open", max_length=16)
    reason: str = Field(default="", max_length=500)
    source: str = Field(default="own", max_length=16)  # own | route | interview | counselor
    suggested_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    )
    comments: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PlanRevision(SQLModel, table=True):
    """One change to the plan, with the values before and after: the plan's history."""

    __tablename__ = "plan_revisions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk())
    entity: str = Field(max_length=16)  # goal | step | route | swot | stand | review
    entity_id: int | None = Field(default=None)
    change: str = Field(max_length=16)  # added | edited | done | postponed | dropped | …
    before: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    after: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    note: str = Field(default="", max_length=500)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PlanEvaluation(SQLModel, table=True):
    """A planned look back at the plan: at the review interval, or when a goal's date passed."""

    __tablename__ = "plan_evaluations"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk())
    trigger: str = Field(default="interval", max_length=16)  # interval | goal
    goal_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("plan_goals.id", ondelete="CASCADE")),
    )
    due_on: date = Field(sa_column=Column(Date, nullable=False))
    state: str = Field(default="planned", max_length=16)  # planned | answered | cancelled
    outbox_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("outbox.id", ondelete="SET NULL"))
    )
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
