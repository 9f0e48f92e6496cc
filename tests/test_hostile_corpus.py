"""Hostile input written by hand: malformed, mistyped, oversized and crafted bodies, ids and query strings for
every operation. Each gets a 4xx Pipedrive-shaped JSON error naming the problem, and changes nothing."""
from __future__ import annotations

import base64

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient

from hostile_case import JSON, Case, app, assert_refused_and_unchanged, case_id, client  # noqa: F401 - fixtures
from operations import distinct_operations
from pipedrive_mock.constants import MAX_BODY_BYTES

from .test_hostile_contract import CONTRACT_CASES


def _b64url(payload: object) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(payload)).rstrip(b"=").decode()


def _v2_cursor(**overrides: object) -> str:
    return _b64url({"field": "id", "fieldValue": 5, "sortDirection": "asc", "id": 5, **overrides})


def _nested(depth: int) -> bytes:
    return b'{"location": ' + b'{"value": ' * depth + b'"x"' + b"}" * depth + b"}"


def _add(name: str, body: bytes, fragment: str, status: int = 400, content_type: str | None = JSON) -> Case:
    return Case(name, "addActivity", "", body, status, fragment, content_type)


def _update(name: str, body: bytes, fragment: str, target: str = "1", status: int = 400,
            content_type: str | None = JSON) -> Case:
    return Case(name, "updateActivity", target, body, status, fragment, content_type)


def _query(operation: str, name: str, target: str, fragment: str, status: int = 400) -> Case:
    return Case(name, operation, target, None, status, fragment, None)


def _webhook(name: str, body: bytes, fragment: str, status: int = 400, content_type: str | None = JSON) -> Case:
    return Case(name, "addWebhook", "", body, status, fragment, content_type)


def _hook_body(**fields: object) -> bytes:
    return orjson.dumps({"subscription_url": "http://127.0.0.1:9/x", "event_action": "*", "event_object": "*",
                         "name": "n", **fields})


HUNDRED_AND_ONE = ",".join(str(i) for i in range(1, 102))


CORPUS = [
    # -- bodies: syntax, encoding, media type -------------------------------------------------------
    _add("truncated JSON", b'{"subject": "Call', "not valid JSON"),
    _add("malformed JSON, single quotes", b"{'subject': 'x'}", "not valid JSON"),
    _add("trailing comma", b'{"subject": "x",}', "not valid JSON"),
    _add("two documents", b'{"subject": "x"}{"subject": "y"}', "not valid JSON"),
    _add("NaN literal", b'{"priority": NaN}', "not valid JSON"),
    _add("lone surrogate escape", b'{"subject": "\\ud800"}', "not valid JSON"),
    _add("invalid UTF-8 byte", b'{"subject": "\xff"}', "not valid UTF-8"),
    _add("latin-1 body", b'{"subject": "caf\xe9"}', "not valid UTF-8", content_type="application/json; charset=latin-1"),
    _add("byte order mark", b'\xef\xbb\xbf{"subject": "x"}', "not valid JSON"),
    _add("empty body", b"", "body is required"),
    _add("form body", b"subject=Call&type=call", "must be JSON", content_type="application/x-www-form-urlencoded"),
    _add("multipart body", b'--b\r\nContent-Disposition: form-data; name="subject"\r\n\r\nx\r\n--b--\r\n',
         "must be JSON", content_type="multipart/form-data; boundary=b"),
    _add("text/plain JSON", b'{"subject": "x"}', "must be JSON", content_type="text/plain"),
    _add("no content type", b'{"subject": "x"}', "must be JSON", content_type=None),
    _add("JSON array body", b'[{"subject": "x"}]', "must be a JSON object"),
    _add("JSON string body", b'"subject"', "must be a JSON object"),
    _add("JSON null body", b"null", "must be a JSON object"),
    _add("JSON number body", b"42", "must be a JSON object"),
    _add("deep nesting", _nested(300), "nests more than"),
    _add("nesting past the parser's limit", b"[" * 5000 + b"]" * 5000, "depth limit"),
    _add("over the size limit", b'{"note": "' + b"x" * MAX_BODY_BYTES + b'"}', "too large", status=413),
    # -- bodies: types, ranges, formats ------------------------------------------------------------
    _add("integer out of range", b'{"deal_id": 2147483648}', "'deal_id'"),
    _add("huge integer", b'{"priority": 99999999999999999999999999}', "'priority'"),
    _add("negative id", b'{"person_id": -5}', "'person_id'"),
    _add("zero id", b'{"owner_id": 0}', "'owner_id'"),
    _add("float where integer goes", b'{"org_id": 1.5}', "'org_id'"),
    _add("integral float where integer goes", b'{"priority": 2.0}', "'priority'"),
    _add("string where integer goes", b'{"owner_id": "1"}', "'owner_id'"),
    _add("string where boolean goes", b'{"busy": "true"}', "'busy'"),
    _add("number where boolean goes", b'{"done": 1}', "'done'"),
    _add("null where boolean goes", b'{"done": null}', "'done'"),
    _add("impossible date", b'{"due_date": "2025-02-30"}', "'due_date'"),
    _add("date without padding", b'{"due_date": "2025-1-5"}', "'due_date'"),
    _add("impossible time", b'{"due_time": "25:00"}', "'due_time'"),
    _add("impossible duration", b'{"duration": "01:75"}', "'duration'"),
    _add("lead id not a UUID", b'{"lead_id": "../../etc/passwd"}', "'lead_id'"),
    _add("attendee email not an email", b'{"attendees": [{"email": "nobody"}]}', "'attendees.0.email'"),
    _add("empty subject", b'{"subject": ""}', "'subject'"),
    _add("subject too long", b'{"subject": "' + b"a" * 5000 + b'"}', "'subject'"),
    _add("unknown field", b'{"subject": "x", "colour": "red"}', "'colour'"),
    _add("read-only field id", b'{"id": 7}', "'id'"),
    _add("read-only field is_deleted", b'{"is_deleted": true}', "'is_deleted'"),
    _add("unknown nested field", b'{"location": {"street": "x"}}', "'street'"),
    _add("participants not a list", b'{"participants": {"person_id": 1}}', "'participants'"),
    _add("too many participants", b'{"participants": [' + b",".join([b'{"person_id": 1}'] * 51) + b"]}",
         "'participants'"),
    _add("unknown activity type", b'{"type": "telegram"}', "'type'"),
    _add("type with path characters", b'{"type": "../call"}', "'type'"),
    _add("owner not in the company", b'{"owner_id": 999}', "'owner_id'"),
    _update("empty object", b"{}", "less than 1 property"),
    _update("malformed JSON", b'{"busy": tru}', "not valid JSON"),
    _update("string where boolean goes", b'{"done": "false"}', "'done'"),
    _update("invalid UTF-8", b'{"note": "\xc3\x28"}', "not valid UTF-8"),
    _update("form body", b"done=true", "must be JSON", content_type="application/x-www-form-urlencoded"),
    _update("over the size limit", b"[" + b"1," * MAX_BODY_BYTES + b"1]", "too large", status=413),
    _update("unknown field", b'{"deleted": true}', "'deleted'"),
    _update("impossible date", b'{"due_date": "2025-13-01"}', "'due_date'"),
    # -- path ids ----------------------------------------------------------------------------------
    _update("zero id", b'{"busy": true}', "'id'", target="0"),
    _update("negative id", b'{"busy": true}', "'id'", target="-1"),
    _update("unknown id", b'{"busy": true}', "Entity was not found", target="99999", status=404),
    _query("getActivity", "float id", "1.5", "'id'"),
    _query("getActivity", "id out of range", "2147483648", "'id'"),
    _query("getActivity", "id past 64 bits", "99999999999999999999", "'id'"),
    _query("getActivity", "encoded path traversal", "..%2F..%2Fetc%2Fpasswd", "Unknown path", status=404),
    _query("getActivity", "path traversal", "../../../etc/passwd", "Unknown path", status=404),
    _query("getActivity", "NUL byte id", "%00", "'id'"),
    _query("getActivity", "unknown include_fields", "1?include_fields=secrets", "'include_fields'"),
    _query("deleteActivity", "word id", "abc", "'id'"),
    _query("deleteActivity", "zero id", "0", "'id'"),
    _query("deleteActivity", "unknown id", "99999", "Entity was not found", status=404),
    _query("deleteActivity", "id with a query attempt", "1%3Fids%3D2", "'id'"),
    # -- list parameters ---------------------------------------------------------------------------
    _query("getActivities", "limit zero", "?limit=0", "'limit'"),
    _query("getActivities", "limit over 500", "?limit=501", "'limit'"),
    _query("getActivities", "limit float", "?limit=2.5", "'limit'"),
    _query("getActivities", "limit empty", "?limit=", "'limit'"),
    _query("getActivities", "limit twice", "?limit=1&limit=2", "given 2 times"),
    _query("getActivities", "too many ids", f"?ids={HUNDRED_AND_ONE}", "'ids'"),
    _query("getActivities", "ids with an empty item", "?ids=1,,2", "'ids'"),
    _query("getActivities", "negative id in ids", "?ids=1,-2", "'ids'"),
    _query("getActivities", "ids empty", "?ids=", "'ids'"),
    _query("getActivities", "bad sort_by enum", "?sort_by=subject", "'sort_by'"),
    _query("getActivities", "bad sort_direction enum", "?sort_direction=DESC", "'sort_direction'"),
    _query("getActivities", "string where boolean goes", "?done=1", "'done'"),
    _query("getActivities", "impossible date-time", "?updated_since=2025-02-30T10:00:00Z", "'updated_since'"),
    _query("getActivities", "date-time without zone", "?updated_until=2025-01-01", "'updated_until'"),
    _query("getActivities", "owner_id out of range", "?owner_id=2147483648", "'owner_id'"),
    _query("getActivities", "unknown filter", "?filter_id=4242", "Filter not found"),
    _query("getActivities", "cursor empty", "?cursor=", "'cursor'"),
    _query("getActivities", "cursor not base64", "?cursor=%25%25%25", "'cursor'"),
    _query("getActivities", "cursor base64 of text", f"?cursor={base64.b64encode(b'hello').decode()}", "'cursor'"),
    _query("getActivities", "cursor oversized", "?cursor=" + "A" * 2000, "'cursor'"),
    _query("getActivities", "cursor tampered sort field", f"?cursor={_v2_cursor(field='add_time')}", "'cursor'"),
    _query("getActivities", "cursor tampered id", f"?cursor={_v2_cursor(id=-3)}", "'cursor'"),
    _query("getActivities", "cursor tampered value type", f"?cursor={_v2_cursor(fieldValue='5')}", "'cursor'"),
    _query("getActivities", "cursor with an extra key", f"?cursor={_v2_cursor(admin=True)}", "'cursor'"),
    _query("getActivities", "cursor with an impossible time", "?sort_by=update_time&cursor="
           + _v2_cursor(field="update_time", fieldValue="2025-02-30T00:00:00Z"), "'cursor'"),
    # -- collection parameters ---------------------------------------------------------------------
    _query("getActivitiesCollection", "limit over 500", "?limit=100000", "'limit'"),
    _query("getActivitiesCollection", "impossible since", "?since=2025-02-30%2000:00:00", "'since'"),
    _query("getActivitiesCollection", "bad type list", "?type=call,,task", "'type'"),
    _query("getActivitiesCollection", "string where boolean goes", "?done=yes", "'done'"),
    _query("getActivitiesCollection", "cursor zero id", "?cursor=" + base64.b64encode(b'{"next_id": 0}').decode(), "'cursor'"),
    _query("getActivitiesCollection", "v2 cursor on v1", f"?cursor={_v2_cursor()}", "'cursor'"),
    _query("getActivitiesCollection", "user_id twice", "?user_id=1&user_id=2", "given 2 times"),
    # -- bulk delete parameters --------------------------------------------------------------------
    _query("deleteActivities", "ids missing", "", "Missing required parameter 'ids'"),
    _query("deleteActivities", "ids empty", "?ids=", "'ids'"),
    _query("deleteActivities", "ids not numbers", "?ids=a,b", "'ids'"),
    _query("deleteActivities", "ids twice", "?ids=1&ids=2", "given 2 times"),
    _query("deleteActivities", "too many ids", f"?ids={HUNDRED_AND_ONE}", "'ids'"),
    _query("deleteActivities", "zero id", "?ids=0", "'ids'"),
    _query("deleteActivities", "path traversal in ids", "?ids=1,../2", "'ids'"),
    _query("deleteActivities", "float ids", "?ids=1.0,2.0", "'ids'"),
    # -- webhooks: answered in the webhooks API's own shape, {status, success, errors: {field: [...]}} -----
    _webhook("empty body", b"", "body is required"),
    _webhook("malformed JSON", b'{"name": ', "not valid JSON"),
    _webhook("form body", b"name=x", "must be JSON", content_type="application/x-www-form-urlencoded"),
    _webhook("missing subscription_url", b'{"event_action": "*", "event_object": "*", "name": "n"}',
             "subscription_url"),
    _webhook("unknown event_action", _hook_body(event_action="merge"), "'event_action'"),
    _webhook("unknown event_object", _hook_body(event_object="spaceship"), "'event_object'"),
    _webhook("unknown field", _hook_body(secret="x"), "'secret'"),
    _webhook("unknown version", _hook_body(version="3.0"), "'version'"),
    _webhook("name too long", _hook_body(name="n" * 300), "'name'"),
    _webhook("user not in the company", _hook_body(user_id=999), "user 999"),
    _webhook("private address", _hook_body(subscription_url="http://10.0.0.1/hook"), "loopback"),
    _webhook("link-local metadata address", _hook_body(subscription_url="http://169.254.169.254/"), "loopback"),
    _webhook("not http", _hook_body(subscription_url="file:///etc/passwd"), "http://"),
    _webhook("no host", _hook_body(subscription_url="http:///hook"), "http://"),
    _webhook("port not a number", _hook_body(subscription_url="http://127.0.0.1:port/"), "not a URL"),
    _query("getWebhooks", "path traversal", "/..%2F..%2Fetc", "Unknown path", status=404),
    _query("deleteWebhook", "word id", "abc", "'id'"),
    _query("deleteWebhook", "zero id", "0", "'id'"),
    _query("deleteWebhook", "unknown id", "99999", "not found", status=404),
    # -- priority and outcome: option ids of their activity fields ---------------------------------
    _add("priority not an option id", b'{"priority": 9}', "'priority'"),
    _add("outcome not an option id", b'{"outcome": 7}', "allowed 1, 2, 3, null"),
    _update("priority zero", b'{"priority": 0}', "'priority'"),
    # -- activity types ----------------------------------------------------------------------------
    Case("name missing", "addActivityType", "", b'{"icon_key": "call"}', 400, '"name"'),
    Case("icon_key missing", "addActivityType", "", b'{"name": "Demo"}', 400, '"icon_key"'),
    Case("icon_key not an icon", "addActivityType", "", b'{"name": "Demo", "icon_key": "rocket"}', 400, "'icon_key'"),
    Case("color with a hash", "addActivityType", "", b'{"name": "Demo", "icon_key": "call", "color": "#FF0000"}', 400,
         "'color'"),
    Case("color not hex", "addActivityType", "", b'{"name": "Demo", "icon_key": "call", "color": "GGGGGG"}', 400,
         "'color'"),
    Case("blank name", "addActivityType", "", b'{"name": "   ", "icon_key": "call"}', 400, "'name'"),
    Case("unknown field", "addActivityType", "", b'{"name": "Demo", "icon_key": "call", "key_string": "x"}', 400,
         "'key_string'"),
    Case("not JSON", "addActivityType", "", b"name=Demo", 400, "JSON", "application/x-www-form-urlencoded"),
    Case("empty body", "updateActivityType", "1", b"{}", 400, "body"),
    Case("id not a number", "updateActivityType", "abc", b'{"name": "X"}', 400, "'id'"),
    Case("unknown id", "updateActivityType", "999", b'{"name": "X"}', 404, "Activity type 999"),
    Case("negative order_nr", "updateActivityType", "1", b'{"order_nr": -1}', 400, "'order_nr'"),
    Case("id zero", "deleteActivityType", "0", None, 400, "'id'", None),
    Case("unknown id", "deleteActivityType", "999", None, 404, "Activity type 999", None),
    # -- activity fields ---------------------------------------------------------------------------
    _query("getActivityFieldsV1", "negative start", "?start=-1", "'start'"),
    _query("getActivityFieldsV1", "start not a number", "?start=ten", "'start'"),
    _query("getActivityFieldsV1", "limit over 500", "?limit=501", "'limit'"),
    _query("getActivityFields", "include_fields not ui_visibility", "?include_fields=attendees", "'include_fields'"),
    _query("getActivityFields", "malformed cursor", "?cursor=%%%", "'cursor'"),
    _query("getActivityFields", "activity cursor sorted otherwise", "?cursor=" + _v2_cursor(field="update_time"), "'cursor'"),
    _query("getActivityField", "unknown field code", "nope", "'nope'", status=404),
    _query("getActivityField", "include_fields unknown", "subject?include_fields=all", "'include_fields'"),
    # -- users -------------------------------------------------------------------------------------
    _query("getUser", "id not a number", "abc", "'id'"),
    _query("getUser", "id zero", "0", "'id'"),
    _query("getUser", "unknown id", "999", "User 999", status=404),
    _query("getUser", "another company's user", "3", "User 3", status=404),
]


def test_corpus_covers_every_operation_with_sixty_cases() -> None:
    assert len(CORPUS) >= 60
    covered = {case.operation for case in CORPUS + CONTRACT_CASES}
    # Every operation that takes input; one without (a list of types, the users) has only its auth to get wrong.
    assert {op.operation_id for op in distinct_operations() if op.parameters or op.has_body} <= covered
    assert covered <= {op.operation_id for op in distinct_operations()}
    assert len({case.operation + case.name for case in CORPUS + CONTRACT_CASES}) == len(CORPUS + CONTRACT_CASES)


@pytest.mark.parametrize("case", CORPUS, ids=case_id)
def test_hostile_request_gets_json_error_naming_problem_and_changes_nothing(
        app: Flask, client: FlaskClient, case: Case) -> None:
    assert_refused_and_unchanged(app, client, case)
