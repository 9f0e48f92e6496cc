"""Named numbers and defaults, in one place (see shared/pipedrive-facts.md)."""
from __future__ import annotations

from typing import Final

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8000
DEFAULT_SEED: Final = 1
DEFAULT_ACTIVITIES: Final = 200

DEFAULT_COMPANY_ID: Final = 1
ADMIN_TOKEN: Final = "admin-token"
USER_TOKEN: Final = "user-token"

# Soft-deleted activities stay readable this long, then are purged (facts page, decisions).
PURGE_AFTER_SECONDS: Final = 30 * 24 * 3600

# Request bodies larger than this are refused with 413 before they are parsed.
MAX_BODY_BYTES: Final = 1024 * 1024
# PUT /_mock/snapshot takes what GET /_mock/snapshot gives, which passes 1 MiB at ~1,500 activities: its
# limit is its own (about 300,000 activities' worth).
SNAPSHOT_PATH: Final = "/_mock/snapshot"
SNAPSHOT_MAX_BODY_BYTES: Final = 256 * 1024 * 1024


def body_limit(method: str, path: str, default: int | None) -> int | None:
    """The most bytes a request's body may have: `default` (the app's), the snapshot's own for its PUT."""
    if method == "PUT" and path.rstrip("/") == SNAPSHOT_PATH:
        return max(default or 0, SNAPSHOT_MAX_BODY_BYTES)
    return default

JOURNAL_SIZE: Final = 1000
# What the journal keeps of each request, at most (README, "Journal"): with these, an entry holds at most
# about 12 KB of request data, so 1,000 entries stay under ~15 MB however large or many the requests were.
JOURNAL_BODY_BYTES: Final = 4096
JOURNAL_QUERY_BYTES: Final = 4096
JOURNAL_PATH_CHARS: Final = 2048
JOURNAL_VIOLATIONS: Final = 20
JOURNAL_VIOLATION_CHARS: Final = 500
# The request line and headers of one request, at most (431 past it; mockserver/protocol.py on uvicorn).
MAX_HEAD_BYTES: Final = 64 * 1024

# API profiles (README, "Fidelity notes"): `seed`, the surface this project was specified from, or
# `current`, the API as known today (person_id read-only in v2 bodies, v1 activity endpoints gone).
API_PROFILE_SEED: Final = "seed"
API_PROFILE_CURRENT: Final = "current"
API_PROFILES: Final = (API_PROFILE_SEED, API_PROFILE_CURRENT)
# What an unknown body field gets: a 400 naming it (v2 is strict), or dropped while the journal still
# records it as a violation (for a client newer than the mock).
UNKNOWN_FIELDS_REJECT: Final = "reject"
UNKNOWN_FIELDS_IGNORE: Final = "ignore"
UNKNOWN_FIELDS_MODES: Final = (UNKNOWN_FIELDS_REJECT, UNKNOWN_FIELDS_IGNORE)

# Shown in the rate-limit headers while no limit is set: large enough that no client backs off.
UNLIMITED: Final = 1_000_000_000

DEFAULT_ACTIVITY_TYPES: Final = (
    ("call", "Call"),
    ("meeting", "Meeting"),
    ("task", "Task"),
    ("deadline", "Deadline"),
    ("email", "Email"),
    ("lunch", "Lunch"),
)

# OAuth (facts page, "The living API", OAuth): the default app, and how long each grant lives on the mock clock.
OAUTH_CLIENT_ID: Final = "mock-client-id"
OAUTH_CLIENT_SECRET: Final = "mock-client-secret"
CODE_LIFETIME_SECONDS: Final = 5 * 60
ACCESS_TOKEN_LIFETIME_SECONDS: Final = 3599
REFRESH_TOKEN_IDLE_SECONDS: Final = 60 * 24 * 3600

# The WSGI environ keys by which the servers, the app and the access log hand each other a call's parts.
# Here rather than beside the pipeline, so that the servers (asgi.py) read them without importing Flask.

# The WSGI environ key of the seconds an injected fault holds the answer back, and the key a server
# sets when it holds answers back itself (asgi.py); otherwise the app sleeps (MockFlask.wsgi_app).
ANSWER_DELAY: Final = "mockserver.answer_delay"
SERVER_HOLDS_ANSWERS: Final = "mockserver.server_holds_answers"
# The WSGI environ key of the request body, as bytes, from a server that read it whole (asgi.py).
REQUEST_BODY: Final = "mockserver.request_body"
# The WSGI environ key of a coroutine function a server that holds answers awaits before it answers: its
# result, when not None, is the (status, headers, body) sent instead (a write the state file could not save).
ANSWER_HOLD: Final = "mockserver.answer_hold"
# The WSGI environ key of the journal entry of a Pipedrive call, for the access log to read.
JOURNAL_ENTRY: Final = "mockserver.journal_entry"
