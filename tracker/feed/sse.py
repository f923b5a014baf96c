"""The live tail: the feed as Server-Sent Events, resumable with Last-Event-ID.

Each event is sent as one SSE message whose `id` is its position and whose `data` is the
CloudEvent (one line of JSON). A client that reconnects with `Last-Event-ID: <position>`
(browsers' EventSource do so by themselves) gets every event after it: none lost, none
twice. While nothing happens a comment line (`: keep-alive`) goes out every
`heartbeat` seconds, so proxies keep the connection open and a vanished client is noticed.
A connection ends after `lifetime` seconds; the client reconnects and resumes, which lets
servers restart workers without losing anyone's place.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from tracker.feed.reader import FeedQuery, FeedReader

CONTENT_TYPE = "text/event-stream"
RETRY_MS = 2000  # how long an EventSource waits before reconnecting


@dataclass(frozen=True)
class TailSettings:
    """How the live tail paces itself."""

    heartbeat: float = 15.0
    lifetime: float = 300.0
    page_size: int = 100


def message(event: dict[str, Any]) -> str:
    """One CloudEvent as an SSE message (`id` = its position)."""
    data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    return f"id: {int(event['sequence'])}\ndata: {data}\n\n"


def parse_last_event_id(header: str | None) -> int | None:
    """The position in a Last-Event-ID header; None if absent; ValueError if not a position."""
    if header is None or not header.strip():
        return None
    text = header.strip()
    if not text.isdigit() or len(text) > 19:
        raise ValueError("Last-Event-ID must be the position of the last event received.")
    return int(text)


def tail(
    reader: FeedReader,
    query: FeedQuery,
    settings: TailSettings,
    stop: threading.Event | None = None,
) -> Iterator[str]:
    """SSE text: every event after `query.after`, then new ones as they come, with
    keep-alive comments, until `settings.lifetime` passes or `stop` is set."""
    yield f"retry: {RETRY_MS}\n\n"
    query = replace(query, limit=settings.page_size)
    end = time.monotonic() + settings.lifetime
    while not (stop is not None and stop.is_set()):
        remaining = end - time.monotonic()
        if remaining <= 0:
            return
        page = reader.wait_for_page(query, min(settings.heartbeat, remaining), stop)
        if not page.events:
            yield ": keep-alive\n\n"
            continue
        for event in page.events:
            yield message(event)
        query = replace(query, after=page.next_after)
