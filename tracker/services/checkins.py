"""Use cases of check-ins: schedule, agenda, the four questions, outcomes, action items, notes."""

from __future__ import annotations

from datetime import date

from domain import CheckIn, Mentorship
from tracker.services.base import Receipt, UseCases


class CheckInUseCases(UseCases):
    def schedule_check_in(
        self, mentorship_id: str, *, scheduled_for: date, actor_id: str
    ) -> Receipt:
        mentorship = self.load(Mentorship, mentorship_id)
        check_in = CheckIn.schedule(
            mentorship=mentorship, scheduled_for=scheduled_for, actor_id=actor_id, at=self.clock()
        )
        return self.create(check_in)

    def reschedule_check_in(
        self,
        check_in_id: str,
        *,
        scheduled_for: date,
        reason: str,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            CheckIn,
            check_in_id,
            expected_version,
            lambda c: c.reschedule(
                scheduled_for=scheduled_for, reason=reason, actor_id=actor_id, at=self.clock()
            ),
        )

    def add_agenda_item(
        self, check_in_id: str, *, text: str, actor_id: str, expected_version: int | None = None
    ) -> Receipt:
        return self.change(
            CheckIn,
            check_in_id,
            expected_version,
            lambda c: c.add_agenda_item(text=text, actor_id=actor_id, at=self.clock()),
        )

    def answer_four_questions(
        self,
        check_in_id: str,
        *,
        answers: dict[str, str],
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            CheckIn,
            check_in_id,
            expected_version,
            lambda c: c.answer(answers=answers, actor_id=actor_id, at=self.clock()),
        )

    def hold_check_in(
        self,
        check_in_id: str,
        *,
        held_on: date,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            CheckIn,
            check_in_id,
            expected_version,
            lambda c: c.hold(held_on=held_on, actor_id=actor_id, at=self.clock()),
        )

    def cancel_check_in(
        self, check_in_id: str, *, reason: str, actor_id: str, expected_version: int | None = None
    ) -> Receipt:
        return self.change(
            CheckIn,
            check_in_id,
            expected_version,
            lambda c: c.cancel(reason=reason, actor_id=actor_id, at=self.clock()),
        )

    def record_check_in_feedback(
        self, check_in_id: str, *, text: str, actor_id: str, expected_version: int | None = None
    ) -> Receipt:
        return self.change(
            CheckIn,
            check_in_id,
            expected_version,
            lambda c: c.record_feedback(text=text, actor_id=actor_id, at=self.clock()),
        )

    def record_lesson(
        self, check_in_id: str, *, text: str, actor_id: str, expected_version: int | None = None
    ) -> Receipt:
        return self.change(
            CheckIn,
            check_in_id,
            expected_version,
            lambda c: c.record_lesson(text=text, actor_id=actor_id, at=self.clock()),
        )

    def assign_action_item(
        self,
        check_in_id: str,
        *,
        text: str,
        owner_id: str,
        due: date,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            CheckIn,
            check_in_id,
            expected_version,
            lambda c: c.assign_action_item(
                text=text, owner_id=owner_id, due=due, actor_id=actor_id, at=self.clock()
            ),
        )

    def complete_action_item(
        self,
        check_in_id: str,
        item_id: str,
        *,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            CheckIn,
            check_in_id,
            expected_version,
            lambda c: c.complete_action_item(item_id=item_id, actor_id=actor_id, at=self.clock()),
        )

    def write_note(
        self,
        check_in_id: str,
        *,
        text: str,
        private: bool,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            CheckIn,
            check_in_id,
            expected_version,
            lambda c: c.write_note(text=text, private=private, actor_id=actor_id, at=self.clock()),
        )
