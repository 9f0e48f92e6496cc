"""Rendered list pages, kept as bytes until the company's activities or filters change."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

PAGE_CACHE_SIZE = 256


def page_key(operation: str, params: dict[str, Any], *more: Any) -> tuple[Any, ...]:
    """A hashable key of a list page: the operation, its validated parameters (lists as tuples), more."""
    items = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return (operation, items, *more)


class PageCache:
    """Clients poll lists; between writes the same page is the same bytes. Not thread-safe (the company locks)."""

    def __init__(self, size: int = PAGE_CACHE_SIZE) -> None:
        self.size = size
        self._pages: dict[tuple[Any, ...], bytes] = {}

    def get(self, key: tuple[Any, ...], render: Callable[[], bytes]) -> bytes:
        body = self._pages.get(key)
        if body is None:
            if len(self._pages) >= self.size:
                self._pages.clear()
            body = self._pages[key] = render()
        return body

    def clear(self) -> None:
        self._pages.clear()
