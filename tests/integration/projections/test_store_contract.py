"""The view store contract, the same on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from projections.store import ViewDatabase, ViewStore, ViewTx

APP = "tracker"
T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(view_database: ViewDatabase) -> ViewStore:
    return view_database.store("contract")


def write(key: str, doc: dict[str, object]):  # type: ignore[no-untyped-def]
    def fn(tx: ViewTx) -> None:
        tx.put(key, doc)

    return fn


def test_a_document_and_its_position_are_stored_together(store: ViewStore) -> None:
    assert store.max_tracking_id(APP) is None
    assert store.apply(Tracking(APP, 3), write("mentee:ada", {"goals": 1, "name": "Ada"}))
    assert store.get("mentee:ada") == {"goals": 1, "name": "Ada"}
    assert store.max_tracking_id(APP) == 3
    assert store.get("mentee:nobody") is None


def test_an_event_applied_twice_is_ignored(store: ViewStore) -> None:
    store.apply(Tracking(APP, 5), write("k", {"n": 1}))
    assert not store.apply(Tracking(APP, 5), write("k", {"n": 2}))
    assert not store.apply(Tracking(APP, 4), write("k", {"n": 3}))
    assert store.get("k") == {"n": 1}
    assert store.max_tracking_id(APP) == 5


def test_a_failing_update_writes_nothing(store: ViewStore) -> None:
    store.apply(Tracking(APP, 1), write("k", {"n": 1}))

    def fails(tx: ViewTx) -> None:
        tx.put("k", {"n": 2})
        tx.append("p", 2, T0, "note", {"text": "half"})
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.apply(Tracking(APP, 2), fails)
    assert store.get("k") == {"n": 1}
    assert store.entries("p") == []
    assert store.max_tracking_id(APP) == 1


def test_a_transaction_sees_its_own_writes(store: ViewStore) -> None:
    store.apply(Tracking(APP, 1), write("b", {"v": 2}))
    seen: list[object] = []

    def fn(tx: ViewTx) -> None:
        tx.put("a", {"v": 1})
        seen.append(tx.get("a"))
        tx.delete("a")
        seen.append(tx.get("a"))
        doc = tx.get("b")
        assert doc is not None
        doc["v"] = 99  # a working copy: written only if put back
        seen.append(tx.position)

    store.apply(Tracking(APP, 2), fn)
    assert seen == [{"v": 1}, None, 1]
    assert store.get("a") is None
    assert store.get("b") == {"v": 2}


def test_a_document_put_is_written_as_it_is_at_commit(store: ViewStore) -> None:
    def fn(tx: ViewTx) -> None:
        doc = {"n": 1}
        tx.put("counter", doc)
        tx.append("p", 1, T0, "k", doc)  # entries are taken as they are when appended
        doc["n"] = 2
        again = tx.get("counter")
        assert again is not None
        again["n"] += 1

    store.apply(Tracking(APP, 1), fn)
    assert store.get("counter") == {"n": 3}
    assert [e.doc for e in store.entries("p")] == [{"n": 1}]


def test_a_document_that_is_not_json_writes_nothing(store: ViewStore) -> None:
    def fn(tx: ViewTx) -> None:
        tx.put("fine", {"v": 1})
        tx.put("bad", {"when": T0})

    with pytest.raises(TypeError):
        store.apply(Tracking(APP, 1), fn)
    assert store.get("fine") is None
    assert store.max_tracking_id(APP) is None


def test_deleted_documents_are_gone(store: ViewStore) -> None:
    store.apply(Tracking(APP, 1), write("a", {"v": 1}))
    store.apply(Tracking(APP, 2), lambda tx: tx.delete("a"))
    assert store.get("a") is None


def test_documents_by_prefix_in_key_order(store: ViewStore) -> None:
    def fn(tx: ViewTx) -> None:
        for key in ["stream:2", "mentee:b", "stream:1", "mentee:a", "streams"]:
            tx.put(key, {"key": key})

    store.apply(Tracking(APP, 1), fn)
    assert [k for k, _ in store.documents("stream:")] == ["stream:1", "stream:2"]
    assert [k for k, _ in store.documents()] == [
        "mentee:a",
        "mentee:b",
        "stream:1",
        "stream:2",
        "streams",
    ]


def _timeline(store: ViewStore) -> None:
    def fn(tx: ViewTx) -> None:
        for day in range(6):
            kind = "goal" if day % 2 else "plan"
            tx.append("mentee:ada", 10 + day, T0 + timedelta(days=day), kind, {"day": day})
        tx.append("mentee:bob", 11, T0, "goal", {"day": 0})

    store.apply(Tracking(APP, 20), fn)


def test_entries_filter_by_kind_time_and_position(store: ViewStore) -> None:
    _timeline(store)
    days = lambda entries: [e.doc["day"] for e in entries]  # noqa: E731
    assert days(store.entries("mentee:ada")) == [0, 1, 2, 3, 4, 5]
    assert days(store.entries("mentee:ada", kinds=["goal"])) == [1, 3, 5]
    assert store.entries("mentee:ada", kinds=[]) == []
    since, until = T0 + timedelta(days=2), T0 + timedelta(days=4)
    assert days(store.entries("mentee:ada", since=since, until=until)) == [2, 3]
    assert days(store.entries("mentee:ada", after=11, upto=13)) == [2, 3]
    assert days(store.entries("mentee:ada", limit=2, descending=True)) == [5, 4]
    entry = store.entries("mentee:bob")[0]
    assert (entry.partition, entry.position, entry.kind, entry.at) == ("mentee:bob", 11, "goal", T0)


def test_entry_texts_merge_partitions_in_order_with_documents_as_stored(store: ViewStore) -> None:
    def fn(tx: ViewTx) -> None:
        for position in (10, 12, 14, 16):
            tx.append("shared", position, T0 + timedelta(hours=position), "goal", {"n": position})
        for position in (11, 15):
            tx.append("own", position, T0, "note", {"z": position, "a": "caf\u00e9 \u201cx\u201d"})
        tx.append("other", 13, T0, "goal", {"n": 13})

    store.apply(Tracking(APP, 20), fn)
    merged = store.entry_texts(["shared", "own"])
    assert [(e.partition, e.position) for e in merged] == [
        ("shared", 10), ("own", 11), ("shared", 12), ("shared", 14), ("own", 15), ("shared", 16),
    ]  # fmt: skip
    assert merged[1].text == '{"z":11,"a":"caf\u00e9 \u201cx\u201d"}'  # key order and text kept
    assert (merged[2].kind, merged[2].at, json.loads(merged[2].text)) == (
        "goal", T0 + timedelta(hours=12), {"n": 12},
    )  # fmt: skip
    positions = lambda found: [e.position for e in found]  # noqa: E731
    assert positions(store.entry_texts(["shared", "own"], after=11, limit=3)) == [12, 14, 15]
    assert positions(store.entry_texts(["own", "shared"], kinds=["note"])) == [11, 15]
    assert positions(store.entry_texts(["shared"], limit=1)) == [10]
    assert store.entry_texts(["shared", "own"], kinds=[]) == []
    assert store.entry_texts(["nobody", "own"], after=15) == []


def test_entry_times_keep_the_instant_whatever_the_zone(store: ViewStore) -> None:
    paris = datetime(2025, 3, 1, 10, 30, 0, 123456, tzinfo=UTC).astimezone(
        __import__("zoneinfo").ZoneInfo("Europe/Paris")
    )
    store.apply(Tracking(APP, 1), lambda tx: tx.append("p", 1, paris, "k", {}))
    assert store.entries("p")[0].at == paris
    assert store.entries("p")[0].at.tzinfo == UTC
    with pytest.raises(ValueError, match="timezone"):
        store.apply(Tracking(APP, 2), lambda tx: tx.append("p", 2, datetime(2025, 1, 1), "k", {}))


def test_last_entry_at_or_before(store: ViewStore) -> None:
    _timeline(store)
    last = store.last_entry("mentee:ada", "plan", at_or_before=T0 + timedelta(days=2))
    assert last is not None
    assert last.doc == {"day": 2}
    last = store.last_entry("mentee:ada", "goal", position_at_or_before=14)
    assert last is not None
    assert last.doc == {"day": 3}
    assert store.last_entry("mentee:ada", "goal", at_or_before=T0) is None


def test_an_entry_appended_twice_is_refused(store: ViewStore) -> None:
    store.apply(Tracking(APP, 1), lambda tx: tx.append("p", 1, T0, "k", {}))
    with pytest.raises(IntegrityError):
        store.apply(Tracking(APP, 2), lambda tx: tx.append("p", 1, T0, "k", {"again": True}))
    assert store.max_tracking_id(APP) == 1
    assert [e.doc for e in store.entries("p")] == [{}]


def test_clear_forgets_everything_and_digest_tells_views_apart(store: ViewStore) -> None:
    empty = store.digest()
    _timeline(store)
    store.apply(Tracking(APP, 21), write("k", {"v": 1}))
    full = store.digest()
    assert full != empty
    store.clear()
    assert store.digest() == empty
    assert store.max_tracking_id(APP) is None
    assert store.get("k") is None
    _timeline(store)
    store.apply(Tracking(APP, 21), write("k", {"v": 1}))
    assert store.digest() == full


def test_views_in_one_database_are_separate(view_database: ViewDatabase) -> None:
    one, two = view_database.store("one"), view_database.store("two")
    one.apply(Tracking(APP, 7), write("k", {"view": "one"}))
    assert two.max_tracking_id(APP) is None
    assert two.get("k") is None
    assert two.apply(Tracking(APP, 1), write("k", {"view": "two"}))
    assert one.get("k") == {"view": "one"}


def test_concurrent_applies_of_one_position_apply_it_once(store: ViewStore) -> None:
    results: list[bool] = []
    barrier = threading.Barrier(4)

    def apply() -> None:
        def fn(tx: ViewTx) -> None:
            doc = tx.get("count") or {"n": 0}
            tx.put("count", {"n": doc["n"] + 1})

        barrier.wait()
        results.append(store.apply(Tracking(APP, 1), fn))

    threads = [threading.Thread(target=apply) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert store.get("count") == {"n": 1}


def test_only_one_projector_holds_a_view(view_env: dict[str, str]) -> None:
    first, second = ViewDatabase(view_env), ViewDatabase(view_env)
    try:
        if first.backend == "popo":
            store_a = store_b = first.store("locked")  # memory views live in one object
        else:
            store_a, store_b = first.store("locked"), second.store("locked")
        lock = store_a.try_lock()
        assert lock is not None
        assert store_b.try_lock() is None
        lock.release()
        again = store_b.try_lock()
        assert again is not None
        again.release()
    finally:
        first.close()
        second.close()


def test_refreshing_statistics_keeps_the_view(store: ViewStore) -> None:
    _timeline(store)
    before = store.digest()
    store.refresh_statistics()
    assert store.digest() == before
    assert len(store.entries("mentee:ada", kinds=["goal"])) == 3


def test_date_ranges_hold_even_when_times_do_not_follow_positions(store: ViewStore) -> None:
    days = [5, 1, 4, 2, 3, 0, 6]  # a clock that went back and forth

    def fn(tx: ViewTx) -> None:
        for position, day in enumerate(days, start=1):
            tx.append("p", position, T0 + timedelta(days=day), "k", {"day": day})

    store.apply(Tracking(APP, 9), fn)
    since, until = T0 + timedelta(days=1), T0 + timedelta(days=4)
    found = store.entries("p", since=since, until=until)
    assert [e.doc["day"] for e in found] == [1, 2, 3]
    assert [e.doc["day"] for e in store.entries("p", since=since, until=until, limit=2)] == [1, 2]
    after_first = store.entries("p", since=since, until=until, after=found[0].position)
    assert [e.doc["day"] for e in after_first] == [2, 3]
    assert store.entries("p", since=T0 + timedelta(days=9)) == []


def _read(key: str, into: list[object]):  # type: ignore[no-untyped-def]
    def fn(tx: ViewTx) -> None:
        into.append(json.loads(json.dumps(tx.get(key))))

    return fn


def test_a_rolled_back_change_to_a_document_is_not_seen_by_the_next_transaction(
    store: ViewStore,
) -> None:
    store.apply(Tracking(APP, 1), write("k", {"n": 1}))

    def fails(tx: ViewTx) -> None:
        doc = tx.get("k")
        assert doc is not None
        doc["n"] = 99
        tx.put("k", doc)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.apply(Tracking(APP, 2), fails)
    seen: list[object] = []
    store.apply(Tracking(APP, 2), _read("k", seen))
    assert seen == [{"n": 1}]


def test_a_document_changed_but_not_put_back_stays_as_stored(store: ViewStore) -> None:
    store.apply(Tracking(APP, 1), write("k", {"n": 1}))

    def changes_without_put(tx: ViewTx) -> None:
        doc = tx.get("k")
        assert doc is not None
        doc["n"] = 7
        tx.put("other", {"n": 0})

    store.apply(Tracking(APP, 2), changes_without_put)
    seen: list[object] = []
    store.apply(Tracking(APP, 3), _read("k", seen))
    assert seen == [{"n": 1}]


def test_a_document_written_elsewhere_meanwhile_is_read_afresh(view_env: dict[str, str]) -> None:
    """A store keeps its last transaction's documents for its next (KeptDocuments): only
    while nobody else has written the view since, nor cleared it."""
    first, second = ViewDatabase(view_env), ViewDatabase(view_env)
    try:
        if first.backend == "popo":
            pytest.skip("memory views live in one object")
        mine, other = first.store("kept"), second.store("kept")
        mine.apply(Tracking(APP, 1), write("k", {"n": 1}))
        other.apply(Tracking(APP, 2), write("k", {"n": 2}))
        seen: list[object] = []
        mine.apply(Tracking(APP, 3), _read("k", seen))

        mine.apply(Tracking(APP, 4), write("k", {"n": 4}))
        other.clear()
        other.apply(Tracking(APP, 4), write("k", {"n": 5}))  # back to the same position
        mine.apply(Tracking(APP, 5), _read("k", seen))
        assert seen == [{"n": 2}, {"n": 5}]
    finally:
        first.close()
        second.close()
