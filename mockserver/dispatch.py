"""Pipedrive API calls served from the WSGI callable itself, without Flask's request context.

Flask's request context (its Request, URL adapter, app context and session), the dispatch of its hooks
and werkzeug's response call cost a write about half of its time in-process (README, "Performance").
For a call routed to an operation of the Pipedrive contract of a resource marked `direct` (its views need
nothing of Flask's: resources/resource.py), `MockFlask.wsgi_app` asks the `Dispatcher` first, which takes
the same steps as Flask's hooks, in their order: the origin check, the state file's hold, the pipeline
(`pipeline.check`), the view, the state file's write (`pipeline.persist`), the rate-limit headers and the
journal (`pipeline.finish`), every error through errors.py, the hold released at the end. Every other
request goes to Flask as before: the control API, the dashboard, the resources not marked `direct`
(OAuth, users, webhooks), HEAD, OPTIONS, whatever routing answers itself (404, 405, redirects), bodies
the dispatcher cannot take as they are (form bodies, over the limit, a length that does not match), and
every request while the app has hooks or Flask signal receivers besides the mock's own.
tests/test_dispatch.py checks that both give the same answers, errors included.
"""
from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

from flask import signals
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

from . import context, errors, pipeline, resources
from .constants import REQUEST_BODY, body_limit
from .pipeline import RequestContext

if TYPE_CHECKING:
    from flask import Flask, Response

    from .state import MockState

log = logging.getLogger(__name__)

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
# Flask's signals the dispatcher does not send: while any has a receiver, every request goes to Flask.
_UNSENT = (signals.request_started, signals.request_finished, signals.request_tearing_down,
           signals.appcontext_pushed, signals.appcontext_popped, signals.appcontext_tearing_down,
           signals.before_render_template, signals.template_rendered)
_NO_CONTENT = frozenset({204, 304})
# Routing's answer for each (method, path) seen, as werkzeug gave it (~10 us a match): clients call the
# same few paths again and again. Bounded in entries and in the length of a path kept.
ROUTES_KEPT = 1024
ROUTE_PATH_CHARS = 256
_UNROUTED = (None, None)

StartResponse = Callable[..., Any]


class Call:
    """What the pipeline reads of a request (the attributes of Flask's Request it uses), for a call
    served here. Its body is whole and within the limit: anything else went to Flask."""

    __slots__ = ("environ", "method", "path", "query_string", "url_rule", "view_args", "max_content_length",
                 "body")

    def __init__(self, environ: dict[str, Any], method: str, path: str, rule: Rule, view_args: dict[str, Any],
                 max_content_length: int | None, body: bytes) -> None:
        self.environ = environ
        self.method = method
        self.path = path
        self.query_string = environ.get("QUERY_STRING", "").encode("latin-1")
        self.url_rule = rule
        self.view_args = view_args
        self.max_content_length = max_content_length
        self.body = body

    @property
    def content_type(self) -> str | None:
        return self.environ.get("CONTENT_TYPE")

    @property
    def mimetype(self) -> str:
        return _mimetype(self.environ)

    @property
    def content_length(self) -> int | None:
        length = self.environ.get("CONTENT_LENGTH")
        return int(length) if length else None

    def get_data(self, cache: bool = True) -> bytes:
        return self.body


class Dispatcher:
    """Serves the Pipedrive calls it can for `app` (see the module's docstring); None for the others."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._adapter = app.url_map.bind("localhost", subdomain="")
        # The hooks as create_app left them: the dispatcher takes the steps of these, and of no others.
        self._hooks = [{key: list(funcs) for key, funcs in hooks.items()} for hooks in self._live_hooks()]
        self._teardown_appcontext = list(app.teardown_appcontext_funcs)
        self._views: dict[str, Callable[..., Response]] | None = None
        self._state: MockState = app.extensions["pipedrive_mock"]
        self._routes: dict[tuple[str, str], tuple[Rule | None, dict[str, Any] | None]] = {}

    def _live_hooks(self) -> list[dict[Any, list[Callable[..., Any]]]]:
        app = self.app
        return [app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
                app.url_value_preprocessors]

    def _direct_views(self) -> dict[str, Callable[..., Response]]:
        """The endpoints served here: the views of the resources marked `direct` (a blueprint with an error
        handler of its own excepted). Made on first use, when every blueprint is registered."""
        if self._views is None:
            app = self.app
            names = {blueprint.name for resource in resources.all_resources() if resource.direct
                     for blueprint in resource.blueprints} - set(app.error_handler_spec)
            self._views = {endpoint: cast("Callable[..., Response]", view)
                           for endpoint, view in app.view_functions.items() if endpoint.partition(".")[0] in names}
        return self._views

    def hooks_unchanged(self) -> bool:
        """Whether the app's hooks are still create_app's (compared, not copied: a call costs ~0.3 us)."""
        return self._live_hooks() == self._hooks and self.app.teardown_appcontext_funcs == self._teardown_appcontext

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes] | None:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in METHODS:
            return None
        raw_path = environ.get("PATH_INFO") or ""
        path = "/" + (raw_path if raw_path.isascii() else raw_path.encode("latin-1").decode(errors="replace")
                      ).lstrip("/")
        if not pipeline.is_api_path(path):
            return None
        rule, view_args = self._route(method, path)
        if rule is None or view_args is None:
            return None
        view = self._direct_views().get(rule.endpoint)
        st = self._state
        if view is None or st.contract.find(rule.rule, method) is None:
            return None
        if any(signal.receivers for signal in _UNSENT) or not self.hooks_unchanged():
            return None
        limit = body_limit(method, path, self.app.config.get("MAX_CONTENT_LENGTH"))
        body = _body(environ, limit)
        if body is None:
            return None
        # As Flask's first request does: no route or blueprint may be added from now on (the routes are kept).
        self.app._got_first_request = True
        call = Call(environ, method, path, rule, dict(view_args), limit, body)
        return self._serve(call, view, st, start_response)

    def _route(self, method: str, path: str) -> tuple[Rule | None, dict[str, Any] | None]:
        """The rule and view arguments routing gives; (None, None) for its 404, 405 and redirects (Flask's)."""
        key = (method, path)
        found = self._routes.get(key)
        if found is None:
            try:
                found = self._adapter.match(path, method, return_rule=True)  # type: ignore[assignment]
            except HTTPException:
                found = _UNROUTED
            if len(path) <= ROUTE_PATH_CHARS:
                if len(self._routes) >= ROUTES_KEPT:
                    self._routes.clear()
                self._routes[key] = found  # type: ignore[assignment]
        return found  # type: ignore[return-value]

    def _serve(self, call: Call, view: Callable[..., Response], st: MockState,
               start_response: StartResponse) -> Iterable[bytes]:
        ctx = RequestContext()
        held: list[Any] = []
        token = context.DIRECT.set(ctx)
        try:
            try:
                st.origin.check(call.environ, routed=True)
                state_file = st.state_file
                if state_file is not None and call.method not in pipeline.SAFE_METHODS:
                    state_file.writing.acquire()
                    held.append(state_file)
                pipeline.check(call, st, ctx)  # type: ignore[arg-type]
                response = view(**call.view_args)
            except Exception as exc:  # noqa: BLE001: each error is answered as Flask's handlers answer it
                response = self._error(exc, call)
            release = lambda: held.pop() if held else None  # noqa: E731
            try:
                response = _after(response, call, st, ctx, release)
            except Exception as exc:  # noqa: BLE001: as Flask: the error's answer, after-request once more
                response = self._error(exc, call)
                try:
                    response = _after(response, call, st, ctx, release)
                except Exception:  # noqa: BLE001
                    log.exception("Request finalizing failed with an error while handling an error")
        finally:
            context.DIRECT.reset(token)
            if held:
                held.pop().writing.release()
        return _answer(response, call.environ, start_response)

    def _error(self, exc: Exception, call: Call) -> Response:
        if isinstance(exc, errors.ApiError):
            return errors.api_response(exc)
        if isinstance(exc, HTTPException):
            return errors.api_response(errors.http_api_error(exc, call.max_content_length))
        # As errors._unexpected under Flask: logged, and announced through got_request_exception in a
        # request context of this request (the plugin's watch reads the request's method and path).
        with self.app.request_context(call.environ):
            return errors.unexpected(exc)


def _after(response: Response, call: Call, st: MockState, ctx: RequestContext,
           release: Callable[[], Any]) -> Response:
    """pipeline.after_request's steps: the state file's write, then the rate-limit headers and the journal."""
    response = pipeline.persist(response, st, call, ctx, release)  # type: ignore[arg-type]
    return pipeline.finish(response, call, st, ctx)  # type: ignore[arg-type]


def _body(environ: dict[str, Any], limit: int | None) -> bytes | None:
    """The request body when it can be taken as it is: the one the server read (asgi.py) or an in-memory
    stream's (the test client's), the length announced and within `limit`; None for Flask to read."""
    length = environ.get("CONTENT_LENGTH")
    raw = environ.get(REQUEST_BODY)
    if raw is None:
        stream = environ.get("wsgi.input")
        if not length:
            raw = b""
        elif isinstance(stream, io.BytesIO):
            at = stream.tell()
            raw = stream.read()
            stream.seek(at)
        else:
            return None
    if "HTTP_TRANSFER_ENCODING" in environ or (length or "0") != str(len(raw)):
        return None
    if limit is not None and len(raw) > limit:
        return None
    if _mimetype(environ) == pipeline.FORM_TYPE:
        return None  # the journal keeps a form as werkzeug parses it
    return raw


def _mimetype(environ: dict[str, Any]) -> str:
    """The request's media type, lower case, without parameters (as werkzeug's `Request.mimetype`)."""
    return (environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()


def _answer(response: Response, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """What `response(environ, start_response)` sends, without werkzeug's walk over it for the plain case:
    a body in hand, its length set, no status without a body, no location to make absolute."""
    status = response.status_code
    if status in _NO_CONTENT or status < 200 or not response.is_sequence:
        return response(environ, start_response)
    headers = response.headers.to_wsgi_list()
    # A scan, not `name in response.headers`: its miss raises and catches a KeyError (~3 us each).
    names = {name.lower() for name, _ in headers}
    if "content-length" not in names or "location" in names or "content-location" in names:
        return response(environ, start_response)
    start_response(response.status, headers)
    return response.response  # type: ignore[return-value]
