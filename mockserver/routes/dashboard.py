"""The dashboard at /_mock/ui/: committed static files shipped in the package (no build step).

The page holds no data of its own: everything it shows it reads from the control API, with the control
token when the server has one (the page asks for it). So its files are served without the token, but, like
the control API without one, only to loopback clients.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

from ..pipeline import state
from .control import _authorize as authorize

blueprint = Blueprint("dashboard", __name__, url_prefix="/_mock/ui")
STATIC = Path(__file__).resolve().parent.parent / "static" / "dashboard"
# The page polls the control API; its own files may be cached, but checked again on each load.
CACHE_SECONDS = 0


@blueprint.before_request
def _local_unless_token() -> None:
    if state().control_token is None:
        authorize(None)


@blueprint.get("/")
def index() -> Response:
    return send_from_directory(STATIC, "index.html", max_age=CACHE_SECONDS)


@blueprint.get("/<path:name>")
def asset(name: str) -> Response:
    return send_from_directory(STATIC, name, max_age=CACHE_SECONDS)
