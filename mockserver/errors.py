"""One error hierarchy, and the one place that turns any error into Pipedrive-shaped JSON.

Every error of the Pipedrive surface is the official envelope (facts page, "Envelopes"; Pipedrive's
"Responses" page and the examples of its official specs):
`{"success": false, "error": ..., "error_info": ..., "data": null, "additional_data": null}`, with
`"code": "ERR_BAD_REQUEST"` on 400s; the one exception is the 401, which the official spec shows as
`{"success": false, "error": "unauthorized access", "errorCode": 401}`. The mock's own control API
(`/_mock/...`) keeps its documented `{"success": false, "error": ..., "errorCode": N}`.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, got_request_exception, has_request_context, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from .response import json_response

log = logging.getLogger(__name__)

AUTH_HELP = "Please check developers.pipedrive.com"
# The `error_info` of an error that has no hint of its own (the official 403's words).
DEFAULT_ERROR_INFO = AUTH_HELP
BAD_REQUEST_CODE = "ERR_BAD_REQUEST"
CONTROL_PREFIX = "/_mock"


class MockServerError(Exception):
    """Base of every error the mock raises on purpose."""


class ApiError(MockServerError):
    """An error answered to the client as Pipedrive-shaped JSON."""

    status = 400
    code: str | None = None
    error_info: str | None = None

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 error_info: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        if error_info is not None:
            self.error_info = error_info
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The official envelope (the 401's own shape for a 401)."""
        if self.status == 401:
            return {"success": False, "error": self.message, "errorCode": 401}
        body: dict[str, Any] = {"success": False, "error": self.message}
        code = self.code or (BAD_REQUEST_CODE if self.status == 400 else None)
        if code:
            body["code"] = code
        body.update(error_info=self.error_info or DEFAULT_ERROR_INFO, data=None, additional_data=None)
        return body

    def control_body(self) -> dict[str, Any]:
        """The control API's error: `{"success": false, "error": ..., "errorCode": N}` (control-openapi.yaml)."""
        body: dict[str, Any] = {"success": False, "error": self.message, "errorCode": self.status}
        if self.code:
            body["code"] = self.code
        if self.error_info:
            body["error_info"] = self.error_info
        return body


class BadRequest(ApiError):
    status = 400
    code = BAD_REQUEST_CODE


class Unauthorized(ApiError):
    status = 401

    def __init__(self) -> None:
        super().__init__("unauthorized access")


class Forbidden(ApiError):
    status = 403
    error_info = AUTH_HELP

    def __init__(self) -> None:
        super().__init__("You do not have permissions to do this.")


class NotFound(ApiError):
    status = 404
    error_info = "Object was not found."

    def __init__(self, message: str = "Entity was not found") -> None:
        super().__init__(message)


class FieldErrors(ApiError):
    """The webhooks API's own error shape (official v1 spec, WebhooksBadRequestResponse):
    `{"status": "error", "success": false, "errors": {"<field>": ["<message>", ...]}}`."""

    status = 400

    def __init__(self, errors: dict[str, list[str]], *, status: int | None = None) -> None:
        super().__init__("; ".join(f"{field}: {m}" for field, messages in errors.items() for m in messages),
                         status=status)
        self.errors = errors

    def body(self) -> dict[str, Any]:
        return {"status": "error", "success": False, "errors": self.errors}


class PayloadTooLarge(ApiError):
    status = 413


class Gone(ApiError):
    """An operation the API as known today no longer has (the `current` API profile)."""

    status = 410


class RateLimited(ApiError):
    status = 429


class OAuthError(ApiError):
    """An error of the OAuth server or of a bearer access token, in Pipedrive's own words (resources/oauth/messages.py)."""

    status = 400


class InjectedFault(ApiError):
    """An error a test asked for through /_mock/faults."""


def error_response(error: ApiError) -> Response:
    """The one place an error becomes its answer: the official envelope, or the control API's shape."""
    if has_request_context() and request.path.startswith(CONTROL_PREFIX):
        return json_response(error.control_body(), error.status, error.headers)
    return api_response(error)


def api_response(error: ApiError) -> Response:
    """An error of the Pipedrive surface as its answer (a call served without Flask: dispatch.py)."""
    return json_response(error.body(), error.status, error.headers)


def _http_error(exc: HTTPException) -> Response:
    limit = request.max_content_length if has_request_context() else current_app.config.get("MAX_CONTENT_LENGTH")
    return error_response(http_api_error(exc, limit))


def http_api_error(exc: HTTPException, limit: int | None) -> ApiError:
    """A werkzeug HTTP error as the mock's; `limit`: the request's body limit, which a 413 names."""
    status = exc.code or 500
    if status == 404:
        api_error: ApiError = NotFound("Unknown path: no route matches this URL")
    elif status == 405 and isinstance(exc, MethodNotAllowed):
        allowed = ", ".join(sorted(exc.valid_methods or []))
        api_error = ApiError(f"Method not allowed; this path allows {allowed}", status=405,
                             headers={"Allow": allowed})
    elif status == 413:
        api_error = PayloadTooLarge(f"Request body too large: the limit is {limit} bytes" if limit
                                    else "Request body too large")
    else:
        api_error = ApiError(exc.description or exc.name, status=status)
    return api_error


def unexpected(exc: Exception) -> Response:
    """An error no handler expected: logged, announced (got_request_exception), answered 500."""
    log.exception("unexpected error while serving a request")
    # Flask announces only errors no handler takes; this one is taken, so announce it here, so that
    # whoever runs the mock in-process (the pytest plugin) can fail the test that caused it.
    got_request_exception.send(current_app._get_current_object(), exception=exc)  # type: ignore[attr-defined]
    return error_response(ApiError("Internal server error", status=500))


_unexpected = unexpected


def register(app: Flask) -> None:
    """Route every error raised while serving a request through one handler."""
    app.register_error_handler(ApiError, error_response)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
