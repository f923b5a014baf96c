"""Date-range reads on SQL stores read only the ends of the range, and answer exactly what the
memory store answers, whatever order the entries' times and positions come in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from eventsourcing.persistence import Tracking
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from projections.store import ViewDatabase, ViewStore, ViewTx
from projections.store_memory import MemoryViewStore
from projections.store_sql import PartitionOrder, fold_order, time_bounds
from tracker.settings import storage_env

T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
PARTITIONS = ("a", "b")
KINDS = ("x", "y")

# One append: (partition, position, kind, minutes after T0). Positions and minutes are drawn
# apart, so times follow positions only sometimes, and now and then an entry lands below a
# partition's highest position.
APPEND = st.tuples(
    st.sampled_from(PARTITIONS),
    st.integers(1, 30),
    st.sampled_from(KINDS),
    st.integers(0, 40),
)
QUERY = st.fixed_dictionaries(
    {
        "partition": st.sampled_from(PARTITIONS),
        "kinds": st.none() | st.lists(st.sampled_from(KINDS), min_size=1, unique=True),
        "since": st.none() | st.integers(-2, 42),
        "until": st.none() | st.integers(-2, 42),
        "after": st.none() | st.integers(0, 30),
        "upto": st.none() | st.integers(0, 30),
        "limit": st.none() | st.integers(1, 5),
        "descending": st.booleans(),
    }
)

EVERYTHING: dict[str, Any] = {
    "partition": "a", "kinds": None, "since": None, "until": None, "after": None,
    "upto": None, "limit": None, "descending": False,
}  # fmt: skip


def apply_batches(store: ViewStore, batches: list[list[tuple[str, int, str, int]]]) -> None:
    """Each batch in one transaction; an entry already there is left out, as views never
    append one twice."""
    seen: set[tuple[str, int, str]] = set()
    for number, batch in enumerate(batches, start=1):
        fresh = []
        for partition, position, kind, minutes in batch:
            if (partition, position, kind) not in seen:
                seen.add((partition, position, kind))
                fresh.append((partition, position, kind, minutes))

        def write(tx: ViewTx, fresh: list[tuple[str, int, str, int]] = fresh) -> None:
            for partition, position, kind, minutes in fresh:
                at = T0 + timedelta(minutes=minutes)
                tx.append(partition, position, at, kind, {"m": minutes})

        store.apply(Tracking("app", number), write)


def read(store: ViewStore, query: dict[str, Any]) -> list[tuple[int, str, datetime]]:
    moment = {
        name: None if query[name] is None else T0 + timedelta(minutes=query[name])
        for name in ("since", "until")
    }
    found = store.entries(**{**query, **moment})
    return [(entry.position, entry.kind, entry.at) for entry in found]


@pytest.fixture
def sql_store(database_url: str) -> Iterator[ViewStore]:
    database = ViewDatabase(storage_env(database_url))
    yield database.store("bounds")
    database.close()


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@example(  # an entry appended below the highest position, later than the entry there
    batches=[[("a", 10, "x", 20)], [("a", 3, "x", 30)]],
    queries=[{**EVERYTHING, "since": 15, "until": 35}],
)
@example(  # times against positions in one transaction
    batches=[[("a", 1, "x", 30), ("a", 2, "y", 10), ("a", 3, "x", 20)]],
    queries=[{**EVERYTHING, "since": 5, "until": 25}, {**EVERYTHING, "since": 15}],
)
@given(
    batches=st.lists(st.lists(APPEND, min_size=1, max_size=15), min_size=1, max_size=3),
    queries=st.lists(QUERY, min_size=1, max_size=10),
)
def test_date_ranges_read_on_sql_equal_the_memory_store(
    sql_store: ViewStore,
    batches: list[list[tuple[str, int, str, int]]],
    queries: list[dict[str, Any]],
) -> None:
    sql_store.clear()
    memory = MemoryViewStore("bounds")
    apply_batches(sql_store, batches)
    apply_batches(memory, batches)
    for query in queries:
        assert read(sql_store, query) == read(memory, query), query


def test_a_partition_written_before_order_rows_were_kept_still_reads_exactly(
    sql_store: ViewStore,
) -> None:
    """Entries from before the order table existed: their skew is unknown, reads scan."""
    old = [("a", 1, "x", 50), ("a", 2, "x", 10), ("a", 3, "x", 20)]
    new = [("a", 4, "x", 30), ("a", 5, "x", 40)]
    memory = MemoryViewStore("bounds")
    for store in (sql_store, memory):
        apply_batches(store, [old])
        if store is sql_store:
            _forget_order_rows(sql_store)
        store.apply(Tracking("app", 2), lambda tx: _append(tx, new))
    for since, until in [(0, 35), (15, 45), (45, 60), (0, None), (None, 25)]:
        query = {**EVERYTHING, "since": since, "until": until}
        assert read(sql_store, query) == read(memory, query), (since, until)


def test_the_order_of_a_partition_counts_how_far_times_stray() -> None:
    at = [T0 + timedelta(minutes=m) for m in range(6)]
    in_order = fold_order(None, False, [(1, at[0]), (2, at[1]), (3, at[1])])
    assert in_order == PartitionOrder(3, at[1], 0)
    late = fold_order(in_order, False, [(5, at[4]), (4, at[5])])  # 5 is earlier than 4
    assert late == PartitionOrder(5, at[5], 60_000_000)
    assert fold_order(late, False, [(2, at[0])]).skew is None  # below the highest position
    assert fold_order(None, True, [(9, at[0])]).skew is None  # older entries, times unknown


def _append(tx: ViewTx, batch: list[tuple[str, int, str, int]]) -> None:
    for partition, position, kind, minutes in batch:
        tx.append(partition, position, T0 + timedelta(minutes=minutes), kind, {})


def _forget_order_rows(store: ViewStore) -> None:
    """Empty the order table, as a view written before it existed has it."""
    sql: Any = store
    with sql.datastore.transaction(commit=True) as cursor:
        cursor.execute(f"DELETE FROM {sql.order_table}")


def _rows_read(plan: dict[str, Any]) -> int:
    """Rows a PostgreSQL plan node and those under it returned or filtered away."""
    own = (plan["Actual Rows"] + plan.get("Rows Removed by Filter", 0)) * plan["Actual Loops"]
    return int(own) + sum(_rows_read(child) for child in plan.get("Plans", []))


@pytest.mark.postgres
@pytest.mark.parametrize("late_every", [0, 50])  # times in order; every 50th an hour early
def test_a_date_range_on_postgres_reads_its_ends_not_the_history_before_them(
    postgres_url: str, late_every: int
) -> None:
    """The bounds of a range late in a long partition are read from the (partition, at)
    index: PostgreSQL once walked the primary key from position 1 to the range instead
    (2,716 rows read here), so a page in a range cost more the longer the history."""
    database = ViewDatabase(storage_env(postgres_url))
    store: Any = database.store("bounds")
    entries = [
        ("a", n, "x", n - (60 if late_every and n % late_every == 0 else 0)) for n in range(1, 3001)
    ]
    apply_batches(store, [entries])
    store.refresh_statistics()
    rows_read: list[int] = []

    def fetch(statement: str, params: list[Any]) -> Any:
        with store.datastore.transaction(commit=False) as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params)
            rows_read.append(_rows_read(cursor.fetchone()["QUERY PLAN"][0]["Plan"]))
            cursor.execute(statement, params)
            return tuple(cursor.fetchone().values())

    tables = (store.entries_table, store.order_table)
    since, until = T0 + timedelta(minutes=2400), T0 + timedelta(minutes=2700)
    found = time_bounds(fetch, tables, "%s", _same, _same, "a", since, until)
    in_range = [n for _, n, _, minutes in entries if 2400 <= minutes < 2700]
    assert found == (min(in_range), max(in_range))
    # The ends, and with late entries the hour around each: tens of rows, not thousands.
    assert sum(rows_read) < 400, rows_read
    database.close()


def _same(at: datetime) -> datetime:
    return at


@pytest.fixture
def postgres_store(postgres_url: str) -> Iterator[Any]:
    database = ViewDatabase(storage_env(postgres_url))
    yield database.store("orders")
    database.close()


@pytest.mark.postgres
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@example(batches=[[("a", 10, "x", 20)], [("a", 3, "x", 30)]])  # below the highest position
@example(batches=[[("a", 1, "x", 30), ("a", 2, "y", 10)], [("a", 3, "x", 5)]])  # late again
@example(batches=[[("a", 1, "x", 10)], [("a", 5, "x", 30), ("a", 6, "x", 20)]])  # late within
@given(batches=st.lists(st.lists(APPEND, min_size=1, max_size=8), min_size=1, max_size=4))
def test_postgresql_folds_each_batch_into_the_order_rows_as_fold_order_does(
    postgres_store: Any, batches: list[list[tuple[str, int, str, int]]]
) -> None:
    """PostgreSQL folds a batch into a partition's order row in SQL, from the batch's
    summary: the row must be what `fold_order` makes of it, batch after batch."""
    postgres_store.clear()
    apply_batches(postgres_store, batches)
    expected: dict[str, PartitionOrder] = {}
    seen: set[tuple[str, int, str]] = set()
    for batch in batches:
        new: dict[str, list[tuple[int, datetime]]] = {}
        for partition, position, kind, minutes in batch:
            if (partition, position, kind) not in seen:  # as apply_batches leaves them out
                seen.add((partition, position, kind))
                new.setdefault(partition, []).append((position, T0 + timedelta(minutes=minutes)))
        for partition, appended in new.items():
            expected[partition] = fold_order(expected.get(partition), False, appended)
    with postgres_store.datastore.transaction(commit=False) as cursor:
        cursor.execute(f'SELECT * FROM {postgres_store.order_table} ORDER BY "partition"')
        rows = cursor.fetchall()
    found = {
        row["partition"]: PartitionOrder(row["max_position"], row["max_at"], row["skew"])
        for row in rows
    }
    assert found == expected
