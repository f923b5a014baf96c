"""The people of the load test, written straight through the application service.

Mentees each have a started plan, a vision statement, an active goal and an active
mentorship; each mentor accepted three of them; integrators read the feed. Every one has an
account and a personal API token (mentees and mentors: read:plan and write:plan;
integrators: read:events), written to the fixture the locustfile reads.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tracker.access import READ_EVENTS_SCOPE, READ_PLAN_SCOPE, WRITE_PLAN_SCOPE
from tracker.accounts import Accounts
from tracker.application import TrackerApplication, build_application
from tracker.settings import Settings

POSTGRES_URL = os.environ.get(
    "TRACKER_LOAD_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
MENTEES_PER_MENTOR = 3
INTEGRATORS = 2


@contextmanager
def temporary_database(backend: str, work: Path) -> Iterator[str]:
    """A fresh SQLite file in `work`, or a fresh schema of the local PostgreSQL (dropped)."""
    if backend == "sqlite":
        directory = tempfile.mkdtemp(prefix="sqlite-", dir=work)
        yield f"sqlite:///{directory}/tracker.sqlite"
        return
    import psycopg

    schema = f"load_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?schema={schema}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def person(accounts: Accounts, user_id: str, scopes: list[str]) -> dict[str, Any]:
    """An account for `user_id` and a token with `scopes`."""
    accounts.create_account(
        user_id, display_name=user_id, email=f"{user_id}@load.test", password=None
    )
    issued = accounts.issue_token(user_id, scopes=scopes, name="load test")
    return {"id": user_id, "token": issued.secret}


def seed_mentee(app: TrackerApplication, mentee: dict[str, Any], mentor_id: str) -> None:
    """Plan, vision, an active goal and an accepted mentorship for one mentee."""
    mentee_id = mentee["id"]
    app.start_plan(mentee_id=mentee_id, actor_id=mentee_id)
    app.edit_plan_section(
        mentee_id, section="vision_statement", fields={"statement": "Grow into a lead"},
        reason="first draft", actor_id=mentee_id,
    )  # fmt: skip
    mentorship = app.invite_mentor(
        mentee_id=mentee_id, mentor_id=mentor_id, help_wanted="leadership",
        duration="a year", frequency="monthly", actor_id=mentee_id,
    ).id  # fmt: skip
    app.accept_invitation(
        mentorship, cadence_days=30, meeting_minutes=45, guidance="career", actor_id=mentor_id
    )
    fields = {
        "title": "Lead a data team",
        "specific": "Lead the data platform team",
        "measurable": "Ships 2 pipelines",
        "target_date": date.today() + timedelta(days=365),
    }
    goal = app.draft_goal(mentee_id, kind="smarty", fields=fields, actor_id=mentee_id).id
    app.activate_goal(goal, actor_id=mentee_id)
    mentee["goal_id"] = goal


def seed(database_url: str, mentees: int) -> dict[str, Any]:
    """Write the people and their plans; the fixture for the locustfile."""
    app = build_application(Settings(database_url=database_url))
    try:
        accounts = Accounts.for_application(app)
        plan_scopes = [READ_PLAN_SCOPE, WRITE_PLAN_SCOPE]
        mentors = [
            {**person(accounts, f"mentor-{n}", plan_scopes), "mentees": []}
            for n in range(max(1, mentees // MENTEES_PER_MENTOR))
        ]
        people = [person(accounts, f"mentee-{n}", plan_scopes) for n in range(mentees)]
        for n, mentee in enumerate(people):
            mentor = mentors[n % len(mentors)]
            seed_mentee(app, mentee, mentor["id"])
            mentor["mentees"].append({"id": mentee["id"], "goal_id": mentee["goal_id"]})
        integrators = [
            person(accounts, f"integrator-{n}", [READ_EVENTS_SCOPE]) for n in range(INTEGRATORS)
        ]
    finally:
        app.close()
    return {
        "mentees": people,
        "mentors": mentors,
        "integrators": integrators,
        "today": date.today().isoformat(),
    }
