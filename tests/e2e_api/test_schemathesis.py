"""Schemathesis against the served OpenAPI document: for every operation, a bounded number of
generated requests, none answered with a 5xx, every answer true to its documented schema.

The app runs in process (WSGI) on a fresh SQLite file, with accounts for the mentee and her
mentor (requests act as the mentee, with her bearer token) and a small world already written
(a plan, a mentorship, a check-in, a goal with a milestone, a proposal), and the generated
path parameters are sometimes swapped for those ids, so that requests reach real records
and not only 404s.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.e2e_api.conftest import issue_tokens
from tracker.app import create_app

pytestmark = pytest.mark.slow

MENTEE, MENTOR = "ada", "grace"
EXAMPLES_PER_OPERATION = 15


def signed(tokens: dict[str, str], actor: str) -> dict[str, str]:
    """The headers that say who acts."""
    return {"Authorization": f"Bearer {tokens[actor]}"}


def seed(app: Flask, tokens: dict[str, str]) -> dict[str, str]:
    """A small world to aim generated requests at; the ids of its records by path name."""
    client = app.test_client()

    def write(path: str, body: Any, actor: str = MENTEE, **headers: str) -> Any:
        answer = client.post(path, json=body, headers={**signed(tokens, actor), **headers})
        assert answer.status_code in (200, 201), answer.get_json()
        return answer.get_json()

    write("/api/v1/plans", {"mentee_id": MENTEE})
    invitation = {"mentee_id": MENTEE, "mentor_id": MENTOR, "help_wanted": "Management",
                  "duration": "a year", "frequency": "monthly"}  # fmt: skip
    mentorship = write("/api/v1/mentorships", invitation)["id"]
    agreement = {"cadence_days": 30, "meeting_minutes": 60, "guidance": "career"}
    accept = f"/api/v1/mentorships/{mentorship}/accept"
    write(accept, agreement, MENTOR, **{"If-Match": '"1"'})
    scheduled = {"scheduled_for": "2025-03-03"}
    check_in = write(f"/api/v1/mentorships/{mentorship}/check-ins", scheduled)["id"]
    goal = write(f"/api/v1/plans/{MENTEE}/goals", {"kind": "smarty", "title": "Lead"})
    milestone = {"title": "Course", "due": "2025-04-01"}
    added = write(f"/api/v1/goals/{goal['id']}/milestones", milestone, **{"If-Match": '"1"'})
    proposal = {"changes": {"title": "Lead a team"}, "rationale": "Clearer"}
    proposed = write(f"/api/v1/goals/{goal['id']}/proposals", proposal, MENTOR)
    return {
        "mentee_id": MENTEE,
        "mentorship_id": mentorship,
        "check_in_id": check_in,
        "goal_id": goal["id"],
        "milestone_id": added["item_id"],
        "proposal_id": proposed["id"],
        "section": "vision_statement",
    }


@dataclass(frozen=True)
class Target:
    """The loaded OpenAPI document of the app, and the headers of the mentee acting."""

    schema: Any
    headers: dict[str, str]


@pytest.fixture
def target(sqlite_url: str) -> Iterator[Target]:
    tokens = issue_tokens(sqlite_url, MENTEE, MENTOR)
    # The live tail (an SSE stream) would hold each request for minutes: end it at once.
    quick_tail = {"FEED_STREAM_SECONDS": 0.05, "FEED_HEARTBEAT_SECONDS": 0.05}
    config = {"TESTING": True, "SECRET_KEY": "tests only", "TRACKER_DATABASE_URL": sqlite_url}
    app = create_app({**config, **quick_tail})
    known = seed(app, tokens)
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

    @loaded.hook
    def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
        """Each generated id, or the id of a record that exists."""
        if not path_parameters:
            return st.just(path_parameters)
        choices = {
            name: st.sampled_from([value, known[name]]) if name in known else st.just(value)
            for name, value in path_parameters.items()
        }
        return st.fixed_dictionaries(choices)

    yield Target(loaded, signed(tokens, MENTEE))
    projections = app.extensions.get("projections")
    if projections is not None:
        projections.close()
    app.extensions["tracker"].close()


def check_operation(operation: Any, headers: dict[str, str], statuses: Counter[int]) -> None:
    """Up to EXAMPLES_PER_OPERATION generated requests; raises on the first that fails."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the failure names its case
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = case.call_and_validate(
            headers=headers,
            checks=[not_a_server_error, response_schema_conformance],
        )
        statuses[response.status_code // 100 * 100] += 1

    run()


# schemathesis' own pytest integration (from_fixture) does not run under pytest 9, so each
# operation gets a hypothesis test of its own here, and every failure is reported at once.
def test_no_server_error_and_every_answer_matches_its_schema(target: Target) -> None:
    failures: dict[str, str] = {}
    statuses: Counter[int] = Counter()
    operations = [result.ok() for result in target.schema.get_all_operations()]
    for operation in operations:
        try:
            check_operation(operation, target.headers, statuses)
        except (Exception, BaseExceptionGroup) as error:  # schemathesis' FailureGroup is Base
            failures[operation.label] = str(error)[:1500]

    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
    assert len(operations) > 40
    # The seeded ids lead some requests to real records: not every answer is a 4xx.
    assert statuses[200] > len(operations)
