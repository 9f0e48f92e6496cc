"""Rendered list pages, kept as bytes until the company's activities or filters change."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

PAGE_CACHE_SIZE = 256
# And at most this many bytes: a client walking every page of 500 would otherwise keep a second copy
# of every activity's JSON (70 MB at 100,000 activities).
PAGE_CACHE_BYTES = 8 * 1024 * 1024


def page_key(operation: str, params: dict[str, Any], *more: Any) -> tuple[Any, ...]:
    """A hashable key of a list page: the operation, its validated parameters (lists as tuples), more."""
    items = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return (operation, items, *more)


class PageCache:
    """Clients poll lists; between writes the same page is the same bytes. Not thread-safe (the company locks)."""

    def __init__(self, size: int = PAGE_CACHE_SIZE, max_bytes: int = PAGE_CACHE_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._pages: dict[tuple[Any, ...], bytes] = {}
        self._bytes = 0

    def get(self, key: tuple[Any, ...], render: Callable[[], bytes]) -> bytes:
        body = self._pages.get(key)
        if body is None:
            body = render()
            if len(self._pages) >= self.size or self._bytes + len(body) > self.max_bytes:
                self.clear()
            self._pages[key] = body
            self._bytes += len(body)
        return body

    def clear(self) -> None:
        self._pages.clear()
        self._bytes = 0
