"""Rendered full pages of the feed, kept in memory so that a page asked for again (another
integrator replaying from 0, a consumer restarting) is sent without reading, decoding or
encoding its events again.

Only a full page is kept: it never changes, as events are committed in position order. The
one exception is erasure: a mentee's erased text must read "[erased]" from then on, so the
cache is emptied whenever this process learns that a key was erased (the key ring's
`on_erasure`), and a hit first asks the key ring to look (`refresh_if_due`, at most one
query every few seconds), as an aggregate load does.

Pages differ by filters and media type, which are in the key, and by reader: a private
text is shown to its author only. So a page is kept once for every reader who wrote none
of its private texts (with the names of those who did), and apart for each author. The
cache holds at most `max_bytes` of page bodies, least recently used first out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

DEFAULT_MAX_BYTES = 32 * 2**20


@dataclass(frozen=True)
class CachedPage:
    """A rendered page: its body, entity tag and media type."""

    body: bytes
    etag: str
    mimetype: str
    next_url: str | None
    private_authors: frozenset[str] = frozenset()  # who would see more: not shared with them


class PageCache:
    """A thread-safe LRU of rendered full pages, bounded by the size of their bodies."""

    def __init__(
        self, max_bytes: int = DEFAULT_MAX_BYTES, check: Callable[[], None] = lambda: None
    ) -> None:
        self.max_bytes = max_bytes
        self._check = check
        self._pages: OrderedDict[Hashable, CachedPage] = OrderedDict()
        self._bytes = 0
        self._generation = 0  # bumped by `clear`: a page read before then is not kept
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> CachedPage | None:
        """The page kept under `key`, if any (after checking for erasures)."""
        if self.max_bytes <= 0:
            return None
        self._check()  # may call `clear` (a key was erased elsewhere)
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return page

    @property
    def generation(self) -> int:
        """Take this before reading a page's events, and give it to `put`."""
        return self._generation

    def put(self, key: Hashable, page: CachedPage, generation: int) -> None:
        """Keep `page` (a full page) under `key`, dropping the least recently used; not if
        the cache was cleared since `generation` (its events may show erased text)."""
        size = len(page.body)
        if size > self.max_bytes:
            return
        with self._lock:
            if generation != self._generation:
                return
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._pages[key] = page
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._pages.popitem(last=False)
                self._bytes -= len(dropped.body)

    def clear(self) -> None:
        """Forget every page (a key was erased: some pages may show her text)."""
        with self._lock:
            self._pages.clear()
            self._bytes = 0
            self._generation += 1

    @property
    def size_bytes(self) -> int:
        """The bytes of page bodies held now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._pages)
