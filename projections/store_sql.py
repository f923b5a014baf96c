"""SQL shared by the SQLite and PostgreSQL view stores (table layout and entry queries)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from projections.store import utc

ENTRY_COLUMNS = '"partition", "position", "kind", "at", "doc"'


def table_names(name: str) -> tuple[str, str, str]:
    """(documents, entries, tracking) table names of view `name`."""
    return f"view_{name}_documents", f"view_{name}_entries", f"view_{name}_tracking"


def time_bounds_query(
    table: str,
    placeholder: str,
    encode_at: Callable[[datetime], Any],
    partition: str,
    since: datetime | None,
    until: datetime | None,
) -> tuple[str, list[Any]]:
    """The lowest and highest position of a partition's entries in [since, until).

    Read from the (partition, at) index alone. `entries` then scans positions from the
    lowest on, so a page in a date range costs about the page, not every entry in the range
    (times follow positions closely, but nothing here assumes they always do).
    """
    where = [f'"partition" = {placeholder}']
    params: list[Any] = [partition]
    if since is not None:
        where.append(f'"at" >= {placeholder}')
        params.append(encode_at(utc(since)))
    if until is not None:
        where.append(f'"at" < {placeholder}')
        params.append(encode_at(utc(until)))
    # `+ 0`: on a bare MIN/MAX("position") PostgreSQL walks the primary key from an end
    # until it meets the range (46 ms on a 30,000-entry plan, growing with history);
    # the expression keeps it on the (partition, at) index (5 ms). Same answer.
    statement = (
        f'SELECT MIN("position" + 0) AS low, MAX("position" + 0) AS high FROM {table} '
        f"WHERE {' AND '.join(where)}"
    )
    return statement, params


def narrowed(
    after: int | None, upto: int | None, low: int | None, high: int | None
) -> tuple[int, int] | None:
    """(after, upto) within the positions [low, high] of a date range; None if empty."""
    if low is None or high is None:
        return None
    after = low - 1 if after is None else max(after, low - 1)
    upto = high if upto is None else min(upto, high)
    return (after, upto) if after < upto else None


def entries_query(
    table: str,
    placeholder: str,
    encode_at: Callable[[datetime], Any],
    partition: str,
    kinds: Iterable[str] | None,
    since: datetime | None,
    until: datetime | None,
    after: int | None,
    upto: int | None,
    limit: int | None,
    descending: bool,
    at_column: str = '"at"',
) -> tuple[str, list[Any]] | None:
    """The SELECT (and its parameters) for `ViewStore.entries`; None when nothing can match.

    `at_column` lets SQLite write `+"at"`, which keeps its planner off the (partition, at)
    index once `time_bounds_query` has bounded the positions.
    """
    where = [f'"partition" = {placeholder}']
    params: list[Any] = [partition]
    if kinds is not None:
        kind_list = list(kinds)
        if not kind_list:
            return None
        where.append(f'"kind" IN ({", ".join([placeholder] * len(kind_list))})')
        params += kind_list
    bounds = (
        (f"{at_column} >=", None if since is None else encode_at(utc(since))),
        (f"{at_column} <", None if until is None else encode_at(utc(until))),
        ('"position" >', after),
        ('"position" <=', upto),
    )
    for condition, value in bounds:
        if value is not None:
            where.append(f"{condition} {placeholder}")
            params.append(value)
    order = "DESC" if descending else "ASC"
    statement = (
        f"SELECT {ENTRY_COLUMNS} FROM {table} WHERE {' AND '.join(where)} "
        f'ORDER BY "position" {order}, "kind" {order}'
    )
    if limit is not None:
        statement += f" LIMIT {int(limit)}"
    return statement, params


def merged_entries_query(
    table: str,
    placeholder: str,
    partitions: Sequence[str],
    kinds: Iterable[str] | None,
    after: int | None,
    limit: int | None,
    doc_column: str = '"doc"',
) -> tuple[str, list[Any]] | None:
    """The SELECT for `ViewStore.entry_texts`: each partition's page (read from its own
    index range, at most `limit` rows) then merged, so a long partition is never sorted
    whole. `doc_column` lets PostgreSQL read the document as text. None: nothing matches."""
    wanted = None if kinds is None else list(kinds)
    parts, params = [], []
    for index, partition in enumerate(partitions):
        query = entries_query(
            table, placeholder, utc, partition, wanted, None, None, after, None, limit, False
        )
        if query is None:
            return None
        parts.append(
            f'SELECT "partition", "position", "kind", "at", {doc_column} AS "doc" '
            f"FROM ({query[0]}) AS part{index}"
        )
        params += query[1]
    if not parts:
        return None
    statement = " UNION ALL ".join(parts) + ' ORDER BY "position", "kind"'
    if limit is not None:
        statement += f" LIMIT {int(limit)}"
    return statement, params


# Partition order: bounding date lookups ----------------------------------------------------
#
# Entry times normally follow positions within a partition, but nothing guarantees it
# (clocks disagree, events commit out of timestamp order). A partition's *skew* is the most
# that an entry's time lies before the time of an entry at a lower position: 0 when times
# follow positions. With it, the lowest and highest position in a date range are found
# without reading the whole range:
# - highest: let t1 be the latest time in the range. Any entry at a higher position than
#   that entry's lies at most `skew` before t1, so the highest position in the range is
#   among the entries of the range no earlier than t1 - skew;
# - lowest: let t0 be the earliest time in the range. Any entry at a lower position than
#   that entry's lies at most `skew` after t0, so the lowest position is among the entries
#   of the range no later than t0 + skew.
# The skew is kept per partition in the view's order table, folded as entries are appended.
# It is unknown (NULL) when an entry was appended below the partition's highest position,
# or the partition held entries before the table existed: such partitions scan as before.

ONE_MICROSECOND = timedelta(microseconds=1)


def order_table_name(name: str) -> str:
    """The order table of view `name`: one row per partition (see above)."""
    return f"view_{name}_order"


@dataclass(frozen=True)
class PartitionOrder:
    """How far a partition's entry times stray from position order (skew in microseconds)."""

    max_position: int
    max_at: datetime
    skew: int | None


def fold_order(
    before: PartitionOrder | None, had_entries: bool, new: Iterable[tuple[int, datetime]]
) -> PartitionOrder:
    """The partition's order once entries `new` (position, time) are appended to it.

    `had_entries`: the partition held entries with no order row (written before order rows
    were kept), so its skew is unknown.
    """
    max_position = None if before is None else before.max_position
    max_at = None if before is None else before.max_at
    skew: int | None = (None if had_entries else 0) if before is None else before.skew
    for position, at in sorted(new, key=lambda item: item[0]):
        if max_position is not None and position < max_position:
            skew = None  # below entries whose times are not at hand: unknown from now on
        elif skew is not None and max_at is not None and at < max_at:
            # Ties in position are counted as if lower: that only widens the bound.
            skew = max(skew, (max_at - at) // ONE_MICROSECOND)
        max_position = position if max_position is None else max(max_position, position)
        max_at = at if max_at is None else max(max_at, at)
    if max_position is None or max_at is None:
        raise ValueError("fold_order needs at least one new entry")
    return PartitionOrder(max_position, max_at, skew)


@dataclass(frozen=True)
class BatchOrder:
    """New entries of one partition, summed up for folding them into its order row in SQL:
    their own order (as if the partition were new), lowest position and earliest time."""

    order: PartitionOrder
    min_position: int
    min_at: datetime


def batch_order(new: Sequence[tuple[int, datetime]]) -> BatchOrder:
    """The summary of new entries (position, time) that `fold_order` needs of them."""
    return BatchOrder(
        fold_order(None, False, new), min(p for p, _ in new), min(at for _, at in new)
    )


Fetch = Callable[[str, list[Any]], Sequence[Any]]


def time_bounds(
    fetch: Fetch,
    tables: tuple[str, str],
    placeholder: str,
    encode_at: Callable[[datetime], Any],
    decode_at: Callable[[Any], datetime],
    partition: str,
    since: datetime | None,
    until: datetime | None,
) -> tuple[int, int] | None:
    """The lowest and highest position of a partition's entries in [since, until), or None.

    `fetch(statement, params)` returns the one row of a SELECT; `tables` is (entries table,
    order table). When times follow positions (skew 0, the usual case) one statement reads
    the two ends of the range from the (partition, at) index; with a known skew a second
    reads the entries within it of each end; with an unknown one, the range is scanned.
    """
    entries, order = tables
    ph = placeholder
    since_at = None if since is None else encode_at(utc(since))
    until_at = None if until is None else encode_at(utc(until))
    in_range, range_params = _at_window(ph, partition, (">=", since_at), ("<", until_at))
    first = f'(SELECT "at" FROM {entries} WHERE {in_range} ORDER BY "at" LIMIT 1)'
    last = f'(SELECT "at" FROM {entries} WHERE {in_range} ORDER BY "at" DESC LIMIT 1)'
    # With skew 0, the lowest position is among the entries at the earliest time of the
    # range, the highest among those at its latest: each read from the (partition, at)
    # index at one time. `+ 0` as in `time_bounds_query`: on a bare MIN/MAX("position")
    # PostgreSQL, not knowing the subquery's time when planning, walks the primary key
    # from an end until it meets that time (60,000 rows into a 100,000-entry partition).
    at_first, at_last = (f'"partition" = {ph} AND "at" = {end}' for end in (first, last))
    skew, low, high, first_at, last_at = fetch(
        f'SELECT (SELECT "skew" FROM {order} WHERE "partition" = {ph}) AS skew, '
        f'(SELECT MIN("position" + 0) FROM {entries} WHERE {at_first}) AS low, '
        f'(SELECT MAX("position" + 0) FROM {entries} WHERE {at_last}) AS high, '
        f"{first} AS first, {last} AS last",
        [partition, partition, *range_params, partition, *range_params, *range_params * 2],
    )
    if skew == 0 or low is None:
        return None if low is None else (int(low), int(high))
    if skew is None:
        low, high = fetch(*time_bounds_query(entries, ph, encode_at, partition, since, until))
        return int(low), int(high)
    return _skewed_bounds(
        fetch, entries, ph, encode_at, partition, since, until,
        (decode_at(first_at), decode_at(last_at)), int(skew) * ONE_MICROSECOND,
    )  # fmt: skip


def _at_window(
    ph: str, partition: str, lower: tuple[str, Any], upper: tuple[str, Any]
) -> tuple[str, list[Any]]:
    """A partition's condition with at most one lower and one upper bound on "at" (given
    two, SQLite bounds the index range by one and only filters by the other)."""
    conditions, params = [f'"partition" = {ph}'], [partition]
    for operator, value in (lower, upper):
        if value is not None:
            conditions.append(f'"at" {operator} {ph}')
            params.append(value)
    return " AND ".join(conditions), params


def _skewed_bounds(
    fetch: Fetch,
    entries: str,
    ph: str,
    encode_at: Callable[[datetime], Any],
    partition: str,
    since: datetime | None,
    until: datetime | None,
    ends: tuple[datetime, datetime],
    margin: timedelta,
) -> tuple[int, int]:
    """The lowest position among the range's entries no later than its earliest time plus
    the skew, the highest among those no earlier than its latest time minus the skew."""
    first, last = ends
    low_end = first + margin
    low_upper = ("<", until) if until is not None and low_end >= utc(until) else ("<=", low_end)
    high_start = last - margin
    high_lower = (
        (">=", since) if since is not None and high_start < utc(since) else (">=", high_start)
    )
    windows = []
    params: list[Any] = []
    for aggregate, lower, upper in (
        ("MIN", (">=", since), low_upper),
        ("MAX", high_lower, ("<", until)),
    ):
        encoded = [(op, None if at is None else encode_at(utc(at))) for op, at in (lower, upper)]
        condition, window_params = _at_window(ph, partition, encoded[0], encoded[1])
        # `+ 0`: read the window from the (partition, at) index, never the primary key.
        windows.append(f'(SELECT {aggregate}("position" + 0) FROM {entries} WHERE {condition})')
        params += window_params
    low, high = fetch(f"SELECT {windows[0]} AS low, {windows[1]} AS high", params)
    return int(low), int(high)
