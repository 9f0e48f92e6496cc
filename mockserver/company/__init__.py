"""A company (one tenant), split by concept: the records (company), keyset indexes, undo log, page cache."""
from __future__ import annotations

from ..model import ENTITY_KINDS
from .company import FILTER_OPERATORS, ChangeListener, Company, every
from .indexes import CONTEXT_LINKS, SORT_FIELDS, sort_key
from .pages import PAGE_CACHE_SIZE, page_key

__all__ = ["CONTEXT_LINKS", "ENTITY_KINDS", "FILTER_OPERATORS", "PAGE_CACHE_SIZE", "SORT_FIELDS", "ChangeListener",
           "Company",
           "every", "page_key", "sort_key"]
