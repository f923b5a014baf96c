"""The feed's cache of rendered full pages: bounded by bytes, emptied on erasure."""

from __future__ import annotations

from tracker.feed.page_cache import CachedPage, PageCache


def page(size: int) -> CachedPage:
    return CachedPage(b"x" * size, "etag", "application/json", None)


def test_the_least_recently_used_pages_go_first_when_full() -> None:
    cache = PageCache(max_bytes=250)
    for key in ("a", "b"):
        cache.put(key, page(100), cache.generation)
    assert cache.get("a") is not None  # "b" is now the least recently used
    cache.put("c", page(100), cache.generation)

    assert cache.get("b") is None
    assert cache.get("a") is not None
    assert cache.get("c") is not None
    assert cache.size_bytes == 200


def test_a_page_read_before_an_erasure_is_not_kept_after_it() -> None:
    erased = []
    cache = PageCache(max_bytes=1000, check=lambda: erased and cache.clear())
    cache.put("a", page(10), cache.generation)
    before = cache.generation
    erased.append(True)  # another process erased a key; this one learns it on the next get

    assert cache.get("a") is None
    cache.put("b", page(10), before)  # rendered from events read before the erasure
    assert cache.get("b") is None
    assert len(cache) == 0


def test_a_cache_of_size_zero_keeps_nothing() -> None:
    cache = PageCache(max_bytes=0)
    cache.put("a", page(1), cache.generation)

    assert cache.get("a") is None
