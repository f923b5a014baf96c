"""A worker changes a record from the copy it kept when it last saved or read it, without
reading the record first, when the writer names that very version (If-Match). The store
takes the new event only if nobody wrote after that version; if another worker did, nothing
is written and the change is decided again on the stored record, as it would have been."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask

from tests.web.conftest import Api, close_app, hold, make_app, tracker
from tracker.clock import ManualClock


@pytest.fixture
def other_worker(sqlite_url: str, clock: ManualClock) -> Iterator[Api]:
    """A second app on the same database, as another gunicorn worker is."""
    app = make_app(sqlite_url, clock)
    yield Api(app.test_client())
    close_app(app)


def revise(api: Api, goal: str, title: str, version: int) -> Any:
    return api.post(
        f"{goal}/revisions", {"changes": {"title": title}, "reason": "r"}, version=version
    )


def events_read(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The aggregates whose events `app` reads from here on."""
    recorder = tracker(app).recorder
    read: list[object] = []
    select = recorder.select_events

    def counted(originator_id: object, **kwargs: Any) -> Any:
        read.append(originator_id)
        return select(originator_id, **kwargs)

    monkeypatch.setattr(recorder, "select_events", counted)
    return read


def test_a_worker_revises_its_own_last_write_without_reading_it_again(
    api: Api, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.start_plan()
    goal = f"/api/v1/goals/{api.draft_goal()}"
    assert revise(api, goal, "One", version=1).status_code == 200
    read = events_read(app, monkeypatch)

    second = revise(api, goal, "Two", version=2)

    assert second.status_code == 200
    assert second.headers["ETag"] == '"3"'
    assert read == []  # the goal was not read: this worker wrote version 2 itself
    assert api.ok("GET", goal)["title"] == "Two"


def test_a_copy_another_worker_wrote_past_writes_nothing_and_answers_as_the_store_says(
    api: Api, other_worker: Api, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.start_plan()
    goal = f"/api/v1/goals/{api.draft_goal()}"
    assert revise(api, goal, "One", version=1).status_code == 200  # this worker keeps v2
    assert revise(other_worker, goal, "Elsewhere", version=2).status_code == 200  # v3
    read = events_read(app, monkeypatch)

    stale = revise(api, goal, "Late", version=2)  # v2 is this worker's copy, but not current

    assert stale.status_code == 412
    assert stale.get_json()["current_version"] == 3
    assert read  # its copy was refused by the store, so the goal was read
    assert api.get(goal).headers["ETag"] == '"3"'
    assert api.ok("GET", goal)["title"] == "Elsewhere"
    assert revise(api, goal, "Current", version=3).status_code == 200
    assert other_worker.ok("GET", goal)["version"] == 4


def test_a_change_refused_on_an_old_copy_is_decided_on_the_stored_record(
    api: Api, other_worker: Api
) -> None:
    api.start_plan()
    goal = f"/api/v1/goals/{api.draft_goal()}"
    assert revise(api, goal, "One", version=1).status_code == 200  # this worker keeps v2
    abandon = {"reason": "Changed my mind"}
    assert other_worker.post(f"{goal}/abandon", abandon, version=2).status_code == 200

    reopened = other_worker.post(f"{goal}/reopen", {"reason": "Back on"}, version=3)
    assert reopened.status_code == 200
    # This worker's copy (v2) says "not abandoned": a reopen there is refused, in the store
    # it is a stale version.
    again = api.post(f"{goal}/reopen", {"reason": "Again"}, version=2)
    assert again.status_code == 412
    assert again.get_json()["current_version"] == 4


def test_of_two_overwrites_racing_from_a_cached_copy_exactly_one_lands(
    api: Api, app: Flask, other_worker: Api
) -> None:
    api.start_plan()
    goal = f"/api/v1/goals/{api.draft_goal()}"  # this worker keeps version 1
    both_ready = threading.Barrier(2, timeout=20)
    for worker in (app, other_worker.client.application):
        hold_before_saving(worker, both_ready)

    def revise_from_1(worker: Api) -> Any:
        return revise(worker, goal, f"Title of {id(worker)}", version=1)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(revise_from_1, (api, other_worker)))

    assert sorted(a.status_code for a in answers)[0] == 200
    [lost] = [a for a in answers if a.status_code != 200]
    assert lost.status_code in (409, 412)  # a race (409) or, decided again, a stale version
    assert lost.get_json()["current_version"] == 2
    assert api.ok("GET", goal)["version"] == 2


def hold_before_saving(app: Flask, barrier: threading.Barrier) -> None:
    """Make the app's next change wait, once applied, for the other's: both then save on
    top of version 1, whether from a cached copy or from a load."""
    hold(app, "_act", barrier)
