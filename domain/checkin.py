"""A check-in: the regular mentoring conversation around the four questions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import uuid4

from eventsourcing.domain import Aggregate, event

from domain.errors import DomainError, InvalidTransition, NothingChanged, UnknownItem
from domain.mentorship import Mentorship
from domain.rules import (
    changed_only,
    require_actor,
    require_date,
    require_known_fields,
    require_text,
)
from domain.values import FOUR_QUESTIONS, CheckInStatus, MentorshipStatus


class CheckIn(Aggregate):
    """One meeting of a mentorship: agenda, answers, feedback, lessons, action items, notes."""

    @event("Scheduled")
    def __init__(
        self,
        mentorship_id: str,
        mentee_id: str,
        mentor_id: str,
        scheduled_for: date,
        actor_id: str,
        timestamp: datetime,
    ) -> None:
        self.mentorship_id = mentorship_id
        self.mentee_id = mentee_id
        self.mentor_id = mentor_id
        self.scheduled_for = scheduled_for
        self.status = CheckInStatus.SCHEDULED
        self.held_on: date | None = None
        self.agenda: list[dict[str, Any]] = []
        self.answers: dict[str, str] = {}
        self.feedback: list[dict[str, Any]] = []
        self.lessons: list[dict[str, Any]] = []
        self.action_items: dict[str, dict[str, Any]] = {}
        self.notes: dict[str, dict[str, Any]] = {}

    @classmethod
    def schedule(
        cls, *, mentorship: Mentorship, scheduled_for: date, actor_id: str, at: datetime
    ) -> CheckIn:
        """Either side puts the next check-in in the diary, while the mentorship lasts."""
        if mentorship.status != MentorshipStatus.ACTIVE:
            raise InvalidTransition(
                f"Check-ins need an active mentorship; this one is {mentorship.status.value}."
            )
        require_actor(actor_id, mentorship.participants, "Only the mentee or mentor schedule it.")
        return cls(
            mentorship_id=str(mentorship.id),
            mentee_id=mentorship.mentee_id,
            mentor_id=mentorship.mentor_id,
            scheduled_for=require_date(scheduled_for, "scheduled_for"),
            actor_id=actor_id,
            timestamp=at,
        )

    @property
    def participants(self) -> tuple[str, str]:
        return (self.mentee_id, self.mentor_id)

    def reschedule(self, *, scheduled_for: date, reason: str, actor_id: str, at: datetime) -> None:
        self._require_open(actor_id, CheckInStatus.SCHEDULED)
        if require_date(scheduled_for, "scheduled_for") == self.scheduled_for:
            raise NothingChanged("The check-in is already scheduled for that date.")
        self._rescheduled(
            scheduled_for=scheduled_for,
            reason=require_text(reason, "reason"),
            actor_id=actor_id,
            timestamp=at,
        )

    @event("Rescheduled")
    def _rescheduled(
        self, scheduled_for: date, reason: str, actor_id: str, timestamp: datetime
    ) -> None:
        self.scheduled_for = scheduled_for

    def add_agenda_item(self, *, text: str, actor_id: str, at: datetime) -> None:
        """Both bring an agenda; the mentee brings possible solutions, not only problems."""
        self._require_open(actor_id)
        self._agenda_item_added(text=require_text(text, "text"), actor_id=actor_id, timestamp=at)

    @event("AgendaItemAdded")
    def _agenda_item_added(self, text: str, actor_id: str, timestamp: datetime) -> None:
        self.agenda.append({"text": text, "by": actor_id})

    def answer(self, *, answers: dict[str, str], actor_id: str, at: datetime) -> None:
        """Record answers to the four questions (any of them; later answers replace earlier)."""
        self._require_open(actor_id)
        require_known_fields(answers, FOUR_QUESTIONS, "The four questions", field="answers")
        cleaned = {q: require_text(a, q) for q, a in answers.items()}
        changes = changed_only(self.answers, cleaned)
        if not changes:
            raise NothingChanged("These answers are already recorded.")
        self._answered(answers=changes, actor_id=actor_id, timestamp=at)

    @event("Answered")
    def _answered(self, answers: dict[str, str], actor_id: str, timestamp: datetime) -> None:
        self.answers.update(answers)

    def hold(self, *, held_on: date, actor_id: str, at: datetime) -> None:
        """The meeting took place."""
        self._require_open(actor_id, CheckInStatus.SCHEDULED)
        self._held(held_on=require_date(held_on, "held_on"), actor_id=actor_id, timestamp=at)

    @event("Held")
    def _held(self, held_on: date, actor_id: str, timestamp: datetime) -> None:
        self.status = CheckInStatus.HELD
        self.held_on = held_on

    def cancel(self, *, reason: str, actor_id: str, at: datetime) -> None:
        self._require_open(actor_id, CheckInStatus.SCHEDULED)
        self._cancelled(reason=require_text(reason, "reason"), actor_id=actor_id, timestamp=at)

    @event("Cancelled")
    def _cancelled(self, reason: str, actor_id: str, timestamp: datetime) -> None:
        self.status = CheckInStatus.CANCELLED

    def record_feedback(self, *, text: str, actor_id: str, at: datetime) -> None:
        self._require_open(actor_id)
        self._feedback_recorded(text=require_text(text, "text"), actor_id=actor_id, timestamp=at)

    @event("FeedbackRecorded")
    def _feedback_recorded(self, text: str, actor_id: str, timestamp: datetime) -> None:
        self.feedback.append({"text": text, "by": actor_id})

    def record_lesson(self, *, text: str, actor_id: str, at: datetime) -> None:
        self._require_open(actor_id)
        self._lesson_learned(text=require_text(text, "text"), actor_id=actor_id, timestamp=at)

    @event("LessonLearned")
    def _lesson_learned(self, text: str, actor_id: str, timestamp: datetime) -> None:
        self.lessons.append({"text": text, "by": actor_id})

    def assign_action_item(
        self, *, text: str, owner_id: str, due: date, actor_id: str, at: datetime
    ) -> str:
        """An assignment with a due date, for the mentee or the mentor; returns its id."""
        self._require_open(actor_id)
        require_actor(
            owner_id, self.participants, "An action item belongs to the mentee or mentor."
        )
        item_id = str(uuid4())
        self._action_item_assigned(
            item_id=item_id,
            text=require_text(text, "text"),
            owner_id=owner_id,
            due=require_date(due, "due"),
            actor_id=actor_id,
            timestamp=at,
        )
        return item_id

    @event("ActionItemAssigned")
    def _action_item_assigned(
        self,
        item_id: str,
        text: str,
        owner_id: str,
        due: date,
        actor_id: str,
        timestamp: datetime,
    ) -> None:
        self.action_items[item_id] = {
            "text": text,
            "owner_id": owner_id,
            "due": due,
            "done": False,
            "done_on": None,
        }

    def complete_action_item(self, *, item_id: str, actor_id: str, at: datetime) -> None:
        require_actor(actor_id, self.participants, "Only the mentee or mentor do this.")
        item = self.action_items.get(item_id)
        if item is None:
            raise UnknownItem("The check-in has no such action item.", field="item_id")
        if item["done"]:
            raise InvalidTransition("This action item is already done.", field="item_id")
        self._action_item_done(item_id=item_id, actor_id=actor_id, timestamp=at)

    @event("ActionItemDone")
    def _action_item_done(self, item_id: str, actor_id: str, timestamp: datetime) -> None:
        self.action_items[item_id]["done"] = True
        self.action_items[item_id]["done_on"] = timestamp.date()

    def write_note(self, *, text: str, private: bool, actor_id: str, at: datetime) -> str:
        """A note whose author marks it private (hers alone) or shared; returns its id."""
        self._require_open(actor_id)
        if not isinstance(private, bool):
            raise DomainError("Private must be true or false.", field="private")
        note_id = str(uuid4())
        self._note_written(
            note_id=note_id,
            text=require_text(text, "text"),
            private=private,
            actor_id=actor_id,
            timestamp=at,
        )
        return note_id

    @event("NoteWritten")
    def _note_written(
        self, note_id: str, text: str, private: bool, actor_id: str, timestamp: datetime
    ) -> None:
        self.notes[note_id] = {"text": text, "private": private, "author_id": actor_id}

    def _require_open(self, actor_id: str, *statuses: CheckInStatus) -> None:
        require_actor(actor_id, self.participants, "Only the mentee or mentor of this check-in.")
        allowed = statuses or (CheckInStatus.SCHEDULED, CheckInStatus.HELD)
        if self.status not in allowed:
            raise InvalidTransition(f"This check-in is {self.status.value}.")
