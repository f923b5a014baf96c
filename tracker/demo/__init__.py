"""The demo: a year of mentoring, told through the application service only.

One mentor, Maria, mentors three career changers. Each mentee's year is a story in a module
of its own (`ana`, `ben`, `chloe`); `scene` holds the verbs the stories use and `play`, which
runs them side by side on a hand-moved clock so the events spread over the twelve months
that end today. The seed moves the hour of each step, so one seed always gives one history.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random
from typing import cast

from eventsourcing.domain import DomainEvent

from domain import plan_id_for
from tracker.accounts import Accounts
from tracker.application import TrackerApplication
from tracker.clock import Clock, ManualClock
from tracker.demo import ana, ben, chloe
from tracker.demo.scene import Scene, StoryClock, play

__all__ = [
    "DEMO_ADMIN",
    "DEMO_PASSWORD",
    "MENTOR",
    "PEOPLE",
    "DemoSummary",
    "StoryClock",
    "already_loaded",
    "create_demo_accounts",
    "load_demo",
    "story_began",
]

MENTOR = "mentor-maria"
# Everyone the demo writes about, to try as users: id -> who they are.
PEOPLE: dict[str, str] = {
    MENTOR: "Maria Okafor, head of analytics, mentor of the three mentees below",
    ana.MENTEE: ana.WHO,
    ben.MENTEE: ben.WHO,
    chloe.MENTEE: chloe.WHO,
    ben.OTHER_MENTOR: "David Kim, a mentor who declined Ben's invitation",
    "peer-priya": "Priya Nair, senior data engineer in Ana's support network",
    "peer-grace": "Grace Liu, nurse informaticist in Ben's support network",
    "peer-marcus": "Marcus Reed, instructional designer in Chloe's support network",
}
DAYS = 365
STORIES = (ana, ben, chloe)
# FOR THE DEMO ONLY: every demo account signs in with this published password.
DEMO_PASSWORD = "demo-password"
DEMO_ADMIN = "demo-admin"


@dataclass(frozen=True)
class DemoSummary:
    """What the demo wrote: how many events, of which aggregates, over which months."""

    events: int
    by_aggregate: dict[str, int]
    goal_statuses: dict[str, int]
    first_at: datetime
    last_at: datetime


def already_loaded(app: TrackerApplication) -> bool:
    """Whether the demo's mentees already have plans in this store."""
    return any(plan_id_for(story.MENTEE) in app.repository for story in STORIES)


def load_demo(app: TrackerApplication, clock: ManualClock, *, seed: int = 0) -> DemoSummary:
    """Write a year of mentoring ending at the clock's present, through the use cases only.

    `clock` must be the clock the application was built with: the demo moves it back a year
    and forward again, step by step.
    """
    end = clock.now
    first_day = (end - timedelta(days=DAYS)).date()
    clock.set(datetime.combine(first_day, datetime.min.time(), end.tzinfo))
    before = app.recorder.max_notification_id() or 0
    scenes = [Scene(app, story.MENTEE, MENTOR, first_day) for story in STORIES]
    play(
        [story.story(scene) for story, scene in zip(STORIES, scenes, strict=True)],
        clock,
        first_day,
        Random(seed),
    )
    goal_ids = [goal_id for scene in scenes for goal_id in scene.goals.values()]
    return _summarise(app, before, goal_ids)


def create_demo_accounts(app: TrackerApplication) -> list[str]:
    """Accounts for the demo's people (and an admin, `demo-admin`), all with the published
    `DEMO_PASSWORD`, so that the pages and the API work at first start. Accounts that exist
    are left as they are; returns the user ids created.

    They are made as of when the demo's story began (`story_began`), so a year-long
    mentee is a member since a year ago; as of the clock's time if no demo is loaded."""
    began = story_began(app)
    clock: Clock = app.clock if began is None else (lambda: began)
    accounts = Accounts(app.shredding.tables, app.shredding.keyring, clock)
    people = {DEMO_ADMIN: "Demo Admin, who manages the demo's accounts", **PEOPLE}
    created = []
    for user_id, who in people.items():
        if accounts.get(user_id) is None:
            accounts.create_account(
                user_id, display_name=who.split(",")[0], email=f"{user_id}@demo.example",
                password=DEMO_PASSWORD, admin=user_id == DEMO_ADMIN,
            )  # fmt: skip
            created.append(user_id)
    return created


def story_began(app: TrackerApplication) -> datetime | None:
    """When the demo's story began in this store: the first of its mentees' plans was
    started (each story starts with her plan); None if the demo is not loaded."""
    starts: list[datetime] = [
        app.repository.get(plan_id, version=1).created_on
        for plan_id in (plan_id_for(story.MENTEE) for story in STORIES)
        if plan_id in app.repository
    ]
    return min(starts, default=None)


def _summarise(app: TrackerApplication, before: int, goal_ids: list[str]) -> DemoSummary:
    after = app.recorder.max_notification_id() or 0
    notifications = app.recorder.select_notifications(
        start=before + 1, limit=after - before, stop=after
    )
    # A topic reads "domain.goal:Goal.Revised"; count by the aggregate's name.
    by_aggregate = Counter(n.topic.split(":")[-1].split(".")[0] for n in notifications)
    first = cast(DomainEvent, app.mapper.to_domain_event(notifications[0]))
    last = cast(DomainEvent, app.mapper.to_domain_event(notifications[-1]))
    statuses = Counter(app.get_goal(goal_id)["status"] for goal_id in goal_ids)
    return DemoSummary(
        events=len(notifications),
        by_aggregate=dict(sorted(by_aggregate.items())),
        goal_statuses=dict(sorted(statuses.items())),
        first_at=first.timestamp,
        last_at=last.timestamp,
    )
