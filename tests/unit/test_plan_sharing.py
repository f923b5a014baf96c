"""A mentee shares parts of her plan with a member of her support network who has an account."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from domain import DomainError, NotAllowed, NothingChanged, Plan, UnknownItem
from domain.plan import SHAREABLE_PARTS
from domain.values import SupportKind

Moment = Callable[[], datetime]
MENTEE = "mentee-ada"


def plan_with_supporters(at: Moment) -> tuple[Plan, str, str]:
    """Ada's plan with Sam (who has an account) and a book (which has not)."""
    plan = Plan.start(mentee_id=MENTEE, actor_id=MENTEE, at=at())
    sam = plan.add_supporter(
        name="Sam", kind=SupportKind.PERSON, brings="Hiring", user_id="friend-sam",
        actor_id=MENTEE, at=at(),
    )  # fmt: skip
    book = plan.add_supporter(
        name="A book", kind=SupportKind.RESOURCE, brings="Ideas", user_id=None,
        actor_id=MENTEE, at=at(),
    )  # fmt: skip
    plan.collect_events()
    return plan, sam, book


def test_sharing_records_the_parts_in_a_fixed_order_with_the_supporters_account(
    at: Moment,
) -> None:
    plan, sam, _ = plan_with_supporters(at)
    plan.share_with_supporter(
        member_id=sam, parts=["goals", "vision_statement", "goals"], actor_id=MENTEE, at=at()
    )
    (shared,) = plan.collect_events()
    assert type(shared).__qualname__ == "Plan.SharedWithSupporter"
    assert shared.parts == ["vision_statement", "goals"]  # type: ignore[attr-defined]
    assert shared.user_id == "friend-sam"  # type: ignore[attr-defined]
    assert plan.support_network[sam]["shared"] == ["vision_statement", "goals"]


def test_an_empty_list_stops_sharing_and_sharing_the_same_again_changes_nothing(
    at: Moment,
) -> None:
    plan, sam, _ = plan_with_supporters(at)
    plan.share_with_supporter(member_id=sam, parts=["goals"], actor_id=MENTEE, at=at())
    with pytest.raises(NothingChanged):
        plan.share_with_supporter(member_id=sam, parts=["goals"], actor_id=MENTEE, at=at())
    plan.share_with_supporter(member_id=sam, parts=[], actor_id=MENTEE, at=at())
    assert plan.support_network[sam]["shared"] == []


def test_only_the_mentee_shares_and_only_with_a_supporter_who_has_an_account(
    at: Moment,
) -> None:
    plan, sam, book = plan_with_supporters(at)
    with pytest.raises(NotAllowed):
        plan.share_with_supporter(member_id=sam, parts=["goals"], actor_id="friend-sam", at=at())
    with pytest.raises(DomainError, match="with an account"):
        plan.share_with_supporter(member_id=book, parts=["goals"], actor_id=MENTEE, at=at())
    with pytest.raises(UnknownItem):
        plan.share_with_supporter(member_id="nobody", parts=["goals"], actor_id=MENTEE, at=at())
    assert plan.collect_events() == []


@pytest.mark.parametrize("parts", [["diary"], "goals", [3], None])
def test_unknown_or_malformed_parts_are_refused_by_field(at: Moment, parts: object) -> None:
    plan, sam, _ = plan_with_supporters(at)
    with pytest.raises(DomainError) as refused:
        plan.share_with_supporter(member_id=sam, parts=parts, actor_id=MENTEE, at=at())  # type: ignore[arg-type]
    assert refused.value.field == "parts"
    assert plan.collect_events() == []


def test_every_section_of_the_plan_can_be_shared(at: Moment) -> None:
    plan, sam, _ = plan_with_supporters(at)
    plan.share_with_supporter(member_id=sam, parts=list(SHAREABLE_PARTS), actor_id=MENTEE, at=at())
    assert plan.support_network[sam]["shared"] == list(SHAREABLE_PARTS)


def test_removing_the_supporter_removes_what_was_shared_with_him(at: Moment) -> None:
    plan, sam, _ = plan_with_supporters(at)
    plan.share_with_supporter(member_id=sam, parts=["goals"], actor_id=MENTEE, at=at())
    plan.remove_supporter(member_id=sam, reason="Moved on", actor_id=MENTEE, at=at())
    assert sam not in plan.support_network
