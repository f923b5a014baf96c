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
    statement = (
        f'SELECT MIN("position") AS low, MAX("position") AS high FROM {table} '
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
    order table). Three index lookups and two short range scans when the partition's skew
    is known; one scan of the range otherwise (`time_bounds_query`).
    """
    entries, order = tables
    where = [f'"partition" = {placeholder}']
    params: list[Any] = [partition]
    if since is not None:
        where.append(f'"at" >= {placeholder}')
        params.append(encode_at(utc(since)))
    if until is not None:
        where.append(f'"at" < {placeholder}')
        params.append(encode_at(utc(until)))
    condition = " AND ".join(where)
    skew, first, last = fetch(
        f'SELECT (SELECT "skew" FROM {order} WHERE "partition" = {placeholder}) AS skew, '
        f'(SELECT "at" FROM {entries} WHERE {condition} ORDER BY "at" LIMIT 1) AS first, '
        f'(SELECT "at" FROM {entries} WHERE {condition} ORDER BY "at" DESC LIMIT 1) AS last',
        [partition, *params, *params],
    )
    if first is None:
        return None
    if skew is None:
        low, high = fetch(
            *time_bounds_query(entries, placeholder, encode_at, partition, since, until)
        )
        return int(low), int(high)
    margin = int(skew) * ONE_MICROSECOND
    # One lower and one upper bound on "at" per scan, so the index range is exactly the
    # window (given two, SQLite bounds the range by one and filters by the other).
    low_end = decode_at(first) + margin
    low_upper = ("<", until) if until is not None and low_end >= utc(until) else ("<=", low_end)
    high_start = decode_at(last) - margin
    high_lower = (
        (">=", since) if since is not None and high_start < utc(since) else (">=", high_start)
    )
    low_window = [(">=", since), low_upper]
    high_window = [high_lower, ("<", until)]
    scans = []
    scan_params: list[Any] = []
    for aggregate, window in (("MIN", low_window), ("MAX", high_window)):
        conditions = [f'"partition" = {placeholder}']
        scan_params.append(partition)
        for operator, moment in window:
            if moment is not None:
                conditions.append(f'"at" {operator} {placeholder}')
                scan_params.append(encode_at(utc(moment)))
        scans.append(
            f'(SELECT {aggregate}("position") FROM {entries} WHERE {" AND ".join(conditions)})'
        )
    low, high = fetch(f"SELECT {scans[0]} AS low, {scans[1]} AS high", scan_params)
    return int(low), int(high)
