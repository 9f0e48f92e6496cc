"""A byte string that changes whenever anything a client can observe in the store changes.

Covers every company: its activities with all fields (including `deleted_time`), `next_id`, users,
activity types, saved filters, linked entities and the keyset indexes; and the store's token table.
The journal and the rate-limit counters are left out on purpose: every request, even a refused one,
is journaled and spends tokens, and neither is the store.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import orjson

from pipedrive_mock.company import Company
from pipedrive_mock.store import Store


def _record(value: Any) -> dict[str, Any]:
    # Fields made by the record itself (its cached JSON) are how it is served, not what it holds.
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.init}


def _company(company: Company) -> dict[str, Any]:
    with company.lock:
        return {
            "id": company.id,
            "name": company.name,
            "next_id": company.next_id,
            "activities": [_record(a) for _, a in sorted(company.activities.items())],
            "users": [_record(u) for _, u in sorted(company.users.items())],
            "activity_types": [_record(t) for t in company.activity_types.values()],
            "filters": [_record(f) for _, f in sorted(company.filters.items())],
            "entities": {kind: [_record(e) for e in pool.values()] for kind, pool in company.entities.items()},
            "indexes": {field: list(index) for field, index in company.indexes.by_field.items()},
            "open_links": {link: sorted((str(k), n) for k, n in counts.items() if n)
                           for link, counts in company.indexes.open_links.items()},
            "deleted": list(company.deleted),
            "states": {name: state.dump() for name, state in sorted(company.states.items())},
        }


def company_fingerprint(company: Company) -> bytes:
    """One tenant's data as canonical JSON bytes."""
    return orjson.dumps(_company(company), option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def fingerprint(store: Store) -> bytes:
    """The whole store as canonical JSON bytes (compare two with ==)."""
    state = {
        "companies": [_company(c) for c in store.companies()],
        "tokens": sorted((token, user.id) for token, user in store._tokens.items()),
        "next_user_id": store._next_user_id,
    }
    return orjson.dumps(state, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
