"""The conventional schema: current-state tables, versioned by SQLAlchemy-Continuum.

Continuum gives every `__versioned__` table a shadow `<table>_version` holding one row per
change, keyed by (id, transaction_id), with `end_transaction_id` (the "validity" strategy:
the row is the state from its transaction until the next one) and `operation_type`
(0 insert, 1 update, 2 delete); one `transaction` row per commit carries `issued_at`.

Who and why live in plain columns of the versioned rows (`revised_by`, `revision_reason`),
so each version row says who made it and why without another join: the cheapest way this
design can answer "who changed what, and why".

`make_versioned` instruments every SQLAlchemy mapper and session in the process; that is
why this package lives under bench/ and the product never imports it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy_continuum import make_versioned, version_class, versioning_manager

make_versioned(user_cls=None)

# Revisable goal columns; criteria of both frameworks (SMARTY and REAL) share one table.
GOAL_TEXT_FIELDS = (
    "title",
    "specific",
    "measurable",
    "achievable",
    "relevant",
    "time_bound",
    "yours",
    "engaging",
    "actionable",
    "learning_focused",
    "serves",
)
GOAL_FIELDS = (*GOAL_TEXT_FIELDS, "target_date", "stretch")
DELETED = 2  # Continuum's operation_type of a deleted row


class Base(DeclarativeBase):
    """The peer's tables (and Continuum's, which it builds on the same metadata)."""


class PeerPlan(Base):
    """One plan per mentee."""

    __tablename__ = "peer_plan"
    __versioned__: dict[str, Any] = {}

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[str] = mapped_column(sa.String(200), unique=True)
    started_by: Mapped[str] = mapped_column(sa.String(200))


class PeerPlanSection(Base):
    """One field of one section of a plan (e.g. vision_statement.statement)."""

    __tablename__ = "peer_plan_section"
    __versioned__: dict[str, Any] = {}
    __table_args__ = (sa.UniqueConstraint("plan_id", "section", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("peer_plan.id"), index=True)
    section: Mapped[str] = mapped_column(sa.String(60))
    field: Mapped[str] = mapped_column(sa.String(60))
    value: Mapped[str | None] = mapped_column(sa.Text)
    revised_by: Mapped[str] = mapped_column(sa.String(200))
    revision_reason: Mapped[str | None] = mapped_column(sa.Text)


class PeerGoal(Base):
    """A goal: its criteria as columns, status, and optimistic locking on `version`."""

    __tablename__ = "peer_goal"
    __versioned__: dict[str, Any] = {}

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("peer_plan.id"), index=True)
    mentee_id: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(10))
    title: Mapped[str] = mapped_column(sa.Text)
    specific: Mapped[str | None] = mapped_column(sa.Text)
    measurable: Mapped[str | None] = mapped_column(sa.Text)
    achievable: Mapped[str | None] = mapped_column(sa.Text)
    relevant: Mapped[str | None] = mapped_column(sa.Text)
    time_bound: Mapped[str | None] = mapped_column(sa.Text)
    yours: Mapped[str | None] = mapped_column(sa.Text)
    engaging: Mapped[str | None] = mapped_column(sa.Text)
    actionable: Mapped[str | None] = mapped_column(sa.Text)
    learning_focused: Mapped[str | None] = mapped_column(sa.Text)
    serves: Mapped[str | None] = mapped_column(sa.Text)
    target_date: Mapped[date | None] = mapped_column(sa.Date)
    stretch: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    revised_by: Mapped[str] = mapped_column(sa.String(200))
    revision_reason: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class PeerMilestone(Base):
    """A step toward a goal, with a due date."""

    __tablename__ = "peer_milestone"
    __versioned__: dict[str, Any] = {}

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(sa.ForeignKey("peer_goal.id"), index=True)
    title: Mapped[str] = mapped_column(sa.Text)
    due: Mapped[date] = mapped_column(sa.Date)
    skills: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(10))
    revised_by: Mapped[str] = mapped_column(sa.String(200))
    revision_reason: Mapped[str | None] = mapped_column(sa.Text)


sa.orm.configure_mappers()  # makes Continuum build the version classes and tables now

Transaction: Any = versioning_manager.transaction_cls
PlanVersion: Any = version_class(PeerPlan)
SectionVersion: Any = version_class(PeerPlanSection)
GoalVersion: Any = version_class(PeerGoal)
MilestoneVersion: Any = version_class(PeerMilestone)

# "As of a date" looks up the last transaction issued by then: give that lookup an index, as
# anyone running this design in production would.
sa.Index("ix_transaction_issued_at", Transaction.issued_at)


def naive_utc(when: datetime) -> datetime:
    """Continuum's `issued_at` is a naive UTC timestamp."""
    if when.tzinfo is None:
        return when
    return when.astimezone(UTC).replace(tzinfo=None)


def valid_at(version_cls: Any, transaction_id: Any) -> sa.ColumnElement[bool]:
    """Rows of a version table that held at `transaction_id` (validity strategy)."""
    return sa.and_(
        version_cls.transaction_id <= transaction_id,
        sa.or_(
            version_cls.end_transaction_id > transaction_id,
            version_cls.end_transaction_id.is_(None),
        ),
        version_cls.operation_type != DELETED,
    )


def as_utc(value: datetime) -> datetime:
    """A naive UTC `issued_at`, marked as UTC for output."""
    return value.replace(tzinfo=UTC)
