"""A WSGI app served on 127.0.0.1 in a daemon thread, for runs that need real HTTP in one process.

schemathesis' in-process WSGI transport crashes in its auth probes (`ignored_auth` passes
`max_redirects` to Werkzeug's EnvironBuilder), so the contract suite talks HTTP over loopback.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server

LOOPBACK = "127.0.0.1"


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request: a contract run sends thousands."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve `app` on a free loopback port; yields its base URL and stops the server on exit."""
    server = make_server(LOOPBACK, 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="contracts-loopback", daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
