"""A view's generation (its count of clears), the same on memory, SQLite and PostgreSQL: read
with the position, seen by each transaction, and what refuses a write prepared before a clear
even when the position has come back to where it was."""

from __future__ import annotations

import pytest
from eventsourcing.persistence import Tracking

from projections.store import ViewDatabase, ViewState, ViewStore, ViewTx

APP = "tracker"


def seen_by(store: ViewStore, position: int) -> ViewState:
    """Apply one position; the state its transaction saw before it."""
    seen: list[ViewState] = []

    def fn(tx: ViewTx) -> None:
        seen.append(ViewState(tx.position or 0, tx.generation))
        tx.put(f"doc-{position}", {"position": position})

    assert store.apply(Tracking(APP, position), fn)
    return seen[0]


def test_a_clear_forgets_the_position_and_counts_one_more_generation(
    view_database: ViewDatabase,
) -> None:
    store = view_database.store("generations")
    assert store.state(APP) == ViewState(0, 0)
    assert seen_by(store, 4) == ViewState(0, 0)
    assert store.state(APP) == ViewState(4, 0)
    store.clear()
    assert store.state(APP) == ViewState(0, 1)
    assert store.max_tracking_id(APP) is None
    assert seen_by(store, 4) == ViewState(0, 1)
    store.clear()
    store.clear()
    assert store.state(APP) == ViewState(0, 3)
    assert store.documents() == []


def test_the_state_is_read_per_application_and_the_generation_is_the_views(
    view_database: ViewDatabase,
) -> None:
    store = view_database.store("generations")
    store.clear()
    seen_by(store, 2)
    store.apply(Tracking("other", 7), lambda tx: None)
    assert store.state(APP) == ViewState(2, 1)
    assert store.state("other") == ViewState(7, 1)


def test_a_joint_write_prepared_before_one_views_clear_writes_neither_view(
    view_database: ViewDatabase,
) -> None:
    first, second = view_database.store("first"), view_database.store("second")
    before = [first.state(APP), second.state(APP)]
    second.clear()  # nothing to forget but the moment: the position is 0 before and after

    def checked(expected: ViewState, key: str):  # type: ignore[no-untyped-def]
        def fn(tx: ViewTx) -> None:
            if ViewState(tx.position or 0, tx.generation) != expected:
                raise LookupError(f"moved: {expected}")
            tx.put(key, {"written": True})

        return fn

    parts = [
        (first, Tracking(APP, 1), checked(before[0], "a")),
        (second, Tracking(APP, 1), checked(before[1], "b")),
    ]
    with pytest.raises(LookupError):
        first.apply_together(parts)
    if view_database.backend != "popo":  # SQL stores: one transaction for both views
        assert first.get("a") is None
    assert second.get("b") is None
    assert second.state(APP) == ViewState(0, 1)
