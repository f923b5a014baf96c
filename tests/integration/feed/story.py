"""A small history for feed tests: two mentees, a private reflection, a revised goal."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.access import Actor, acting_as
from tracker.application import TrackerApplication
from tracker.clock import ManualClock

ADA = "ada"
BOB = "bob"
PRIVATE_TEXT = "Only for me: I doubt I am ready to lead"


@dataclass(frozen=True)
class Story:
    """What the story wrote."""

    ada_goal: str
    bob_goal: str
    events: int


def write_story(app: TrackerApplication, clock: ManualClock, revisions: int = 3) -> Story:
    """Ada starts her plan, reflects (privately and not), drafts and revises a goal; Bob
    starts his plan and drafts a goal. Each acts as herself, should the access policy be on."""
    with acting_as(Actor(ADA)):
        app.start_plan(mentee_id=ADA, actor_id=ADA)
        clock.advance(hours=1)
        app.reflect(ADA, text=PRIVATE_TEXT, private=True, actor_id=ADA)
        app.reflect(ADA, text="Shared: I like coaching people", private=False, actor_id=ADA)
    with acting_as(Actor(BOB)):
        app.start_plan(mentee_id=BOB, actor_id=BOB)
    with acting_as(Actor(ADA)):
        ada_goal = app.draft_goal(ADA, kind="smarty", fields={"title": "Lead a team"}, actor_id=ADA)
    with acting_as(Actor(BOB)):
        bob_goal = app.draft_goal(BOB, kind="real", fields={"title": "Teach online"}, actor_id=BOB)
    for n in range(revisions):
        clock.advance(days=1)
        with acting_as(Actor(ADA)):
            app.revise_goal(
                ada_goal.id, changes={"title": f"Lead a team of {n + 2}"}, reason="It grew",
                actor_id=ADA,
            )  # fmt: skip
    return Story(ada_goal.id, bob_goal.id, events=6 + revisions)
