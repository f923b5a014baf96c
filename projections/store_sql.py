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
) -> tuple[str, list[Any]] | None:
    """The SELECT (and its parameters) for `ViewStore.entries`; None when nothing can match."""
    where = [f'"partition" = {placeholder}']
    params: list[Any] = [partition]
    if kinds is not None:
        kind_list = list(kinds)
        if not kind_list:
            return None
        where.append(f'"kind" IN ({", ".join([placeholder] * len(kind_list))})')
        params += kind_list
    bounds = (
        ('"at" >=', None if since is None else encode_at(utc(since))),
        ('"at" <', None if until is None else encode_at(utc(until))),
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
