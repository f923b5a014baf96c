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


def test_a_joint_write_gives_each_view_its_own_state_and_skips_a_view_already_there(
    view_database: ViewDatabase,
) -> None:
    """The views of one joint write are read (and their positions written) together on
    PostgreSQL: each transaction must still see its own view's position and generation."""
    views = [view_database.store(name) for name in ("joint_a", "joint_b", "joint_c")]
    for view, clears in zip(views, (0, 2, 1), strict=True):
        for _ in range(clears):
            view.clear()
    seen_by(views[0], 3)
    seen_by(views[2], 9)  # already past the joint write's position
    seen: dict[str, ViewState] = {}

    def recorder(name: str):  # type: ignore[no-untyped-def]
        def fn(tx: ViewTx) -> None:
            seen[name] = ViewState(tx.position or 0, tx.generation)
            tx.put("joint", {"by": name})

        return fn

    parts = [(view, Tracking(APP, 7), recorder(view.name)) for view in views]
    assert views[1].apply_together(parts) == [True, True, False]
    assert seen == {"joint_a": ViewState(3, 0), "joint_b": ViewState(0, 2)}
    assert [view.state(APP) for view in views] == [
        ViewState(7, 0),
        ViewState(7, 2),
        ViewState(9, 1),
    ]
    assert [view.get("joint") for view in views] == [{"by": "joint_a"}, {"by": "joint_b"}, None]
