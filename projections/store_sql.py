"""SQL shared by the SQLite and PostgreSQL view stores (table layout and entry queries)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
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
