"""The load test's traffic: mentees editing, mentors reading dashboards, integrators tailing.

Run by bench/load/run.py, which seeds the store, starts the servers and passes the seeded
users in the JSON file named by ``LOAD_FIXTURE``. Each simulated user is one person acting
with her own API token (``Authorization: Bearer``), which she first checks signs her in
(``GET /api/v1/session``):

- a mentee (weight 6) edits her vision statement and revises her goal, each time reading
  the record first and sending its version as If-Match, as the app does; adds reflections
  (appends: no If-Match) and reads her timeline. Mentees outnumber the seeded plans, so two
  simulated users sometimes edit the same plan at once: the loser gets 412 (or 409 when
  both sent the same version at the same moment), re-reads and tries again once. Those
  are handled conflicts, counted apart (``LOAD_REPORT``), not errors;
- a mentor (weight 3) reads his dashboard, a mentee's plan, her goal's history and her plan
  as of a date;
- an integrator (weight 1) tails the event feed with ``/api/v1/events?after=``.

Any other status than the ones expected is a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from collections import Counter
from pathlib import Path
from typing import Any, cast

from locust import HttpUser, between, events, task
from locust.env import Environment

FIXTURE: dict[str, Any] = json.loads(Path(os.environ["LOAD_FIXTURE"]).read_text())
CONFLICTS: Counter[str] = Counter()
HANDLED = (409, 412)
EDITS = itertools.count(random.randrange(10**9))


def headers(person: dict[str, str], **extra: str) -> dict[str, str]:
    """Who acts: the person's bearer token, the only thing that says who acts."""
    return {"Authorization": f"Bearer {person['token']}", **extra}


class Person(HttpUser):
    """A user of the API with a seeded identity."""

    abstract = True
    role = ""
    wait_time = between(0.2, 1.0)
    _next: dict[str, itertools.count[int]] = {}

    def on_start(self) -> None:
        people = FIXTURE[self.role]
        turn = next(self._next.setdefault(self.role, itertools.count()))
        self.person: dict[str, Any] = people[turn % len(people)]
        self.check_signed_in()

    def check_signed_in(self) -> None:
        """The token signs in as this person (a failure of the run otherwise)."""
        with self.client.get(
            "/api/v1/session", headers=headers(self.person), name="GET session",
            catch_response=True,
        ) as response:  # fmt: skip
            signed_in = response.json().get("user_id") if response.status_code == 200 else None
            if signed_in != self.person["id"]:
                response.failure(f"signed in as {signed_in}, not {self.person['id']}")

    def get_ok(self, path: str, name: str, **extra: str) -> Any:
        """GET expecting 200; the JSON body, or None after a failure."""
        with self.client.get(
            path, headers=headers(self.person, **extra), name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return None
            return response.json()


class Mentee(Person):
    """Edits her plan and goal, reflects, reads her timeline."""

    role = "mentees"
    weight = 6

    def read_version(self, path: str, name: str) -> str | None:
        """The record's ETag (its version, as If-Match wants it), or None after a failure."""
        with self.client.get(
            path, headers=headers(self.person), name=name, catch_response=True
        ) as response:
            if response.status_code != 200 or "ETag" not in response.headers:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return None
            return str(response.headers["ETag"])

    def overwrite(self, read: str, write: str, body: dict[str, Any], name: str) -> None:
        """Read the version, write with If-Match; on a conflict read again and retry once."""
        for attempt in range(2):
            version = self.read_version(read, f"GET {name}")
            if version is None:
                return
            method = "PATCH" if "/sections/" in write else "POST"
            with self.client.request(
                method, write, json=body, name=f"{method} {name}", catch_response=True,
                headers=headers(self.person, **{"If-Match": version}),
            ) as response:  # fmt: skip
                if response.status_code == 200:
                    return
                if response.status_code in HANDLED:
                    response.success()
                    CONFLICTS[f"{response.status_code} {name}"] += 1
                    if attempt == 0:
                        continue
                    return
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return

    @task(3)
    def edit_vision(self) -> None:
        mentee = self.person["id"]
        words = " ".join(random.choices(["lead", "build", "teach", "data", "teams"], k=6))
        words += f" by {next(EDITS)}"  # never the text it has: that edit would change nothing
        self.overwrite(
            f"/api/v1/plans/{mentee}",
            f"/api/v1/plans/{mentee}/sections/vision_statement",
            {"fields": {"statement": words}, "reason": "load test"},
            "plan section",
        )

    @task(3)
    def revise_goal(self) -> None:
        goal = self.person["goal_id"]
        measurable = f"Ships {next(EDITS)} pipelines"  # a revision must change something
        self.overwrite(
            f"/api/v1/goals/{goal}",
            f"/api/v1/goals/{goal}/revisions",
            {"changes": {"measurable": measurable}, "reason": "load test"},
            "goal revision",
        )

    @task(2)
    def reflect(self) -> None:
        mentee = self.person["id"]
        body = {"text": "Today went well", "private": random.random() < 0.3}
        with self.client.post(
            f"/api/v1/plans/{mentee}/reflections", json=body, headers=headers(self.person),
            name="POST reflection", catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(2)
    def read_timeline(self) -> None:
        mentee = self.person["id"]
        self.get_ok(f"/api/v1/plans/{mentee}/timeline?limit=20", "GET timeline")


class Mentor(Person):
    """Reads his dashboard and his mentees' plans, goal histories and plans as of a date."""

    role = "mentors"
    weight = 3

    @task(4)
    def dashboard(self) -> None:
        self.get_ok(f"/api/v1/mentors/{self.person['id']}/dashboard", "GET dashboard")

    @task(2)
    def plan(self) -> None:
        mentee = random.choice(self.person["mentees"])
        self.get_ok(f"/api/v1/plans/{mentee['id']}", "GET plan (mentor)")

    @task(2)
    def goal_history(self) -> None:
        mentee = random.choice(self.person["mentees"])
        self.get_ok(f"/api/v1/goals/{mentee['goal_id']}/history", "GET goal history")

    @task(1)
    def plan_as_of(self) -> None:
        mentee = random.choice(self.person["mentees"])
        path = f"/api/v1/plans/{mentee['id']}/as-of?date={FIXTURE['today']}"
        self.get_ok(path, "GET plan as of")


class Integrator(Person):
    """Tails the feed: the next page after the last position seen, then a short pause."""

    role = "integrators"
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        self.after = 0

    @task
    def tail(self) -> None:
        path = f"/api/v1/events?after={self.after}&limit=100"
        page = self.get_ok(path, "GET events?after=", Accept="application/json")
        if page is not None:
            self.after = int(page.get("next_after") or self.after)


def write_conflicts(environment: Environment, **kwargs: Any) -> None:
    """Leave the handled conflicts where the runner reads them."""
    report = os.environ.get("LOAD_REPORT")
    if report:
        with open(report, "w") as out:
            json.dump(dict(CONFLICTS), out)


cast(Any, events.test_stop).add_listener(write_conflicts)  # locust leaves it untyped
