"""The limits every reachable state must keep so that it loads again, read from the snapshot's schema.

The Snapshot schema of control-openapi.yaml is where they are stated, once: a state the API or the
control API could reach past them would make a state file the next start refuses. So the call that
would pass one is refused with a 400 instead (`check_companies`, `check_next_id`, `check_token`).
"""
from __future__ import annotations

from typing import Any

from .contract import CONTROL_SPEC_FILE, load_spec
from .errors import BadRequest


def _schemas() -> dict[str, Any]:
    return load_spec(CONTROL_SPEC_FILE)["components"]["schemas"]


_SCHEMAS = _schemas()
MAX_COMPANIES: int = _SCHEMAS["Snapshot"]["properties"]["companies"]["maxItems"]
# Ids go up to Id's maximum; a counter (next_id) may be one past the highest id it gave.
MAX_ID: int = _SCHEMAS["Id"]["maximum"]
MAX_COUNTER: int = _SCHEMAS["Counter"]["maximum"]
MAX_TOKEN_CHARS: int = _SCHEMAS["SnapshotCompany"]["properties"]["users"]["items"]["properties"]["token"]["maxLength"]


def check_companies(count: int) -> None:
    """Before adding a company to `count` of them."""
    if count >= MAX_COMPANIES:
        raise BadRequest(f"The mock holds at most {MAX_COMPANIES} companies (it has {count}); reset or restore "
                         f"a snapshot to drop some")


def check_next_id(next_id: int, what: str = "activity") -> None:
    """Before handing out `next_id` as a new id."""
    if next_id > MAX_ID:
        raise BadRequest(f"No {what} id is left in this company: ids go up to {MAX_ID}")


def check_token(token: str) -> None:
    if len(token) > MAX_TOKEN_CHARS:
        raise ValueError(f"a token may have at most {MAX_TOKEN_CHARS} characters, got {len(token)}")
