"""Hypothesis strategies for everything openapi.yaml allows, derived from its component schemas.

Each strategy starts from a component schema of the spec (through hypothesis-jsonschema, nothing
re-described by hand) and adds, on top, the edge cases that break clients: empty pages, the last
page's null `next_cursor`, null in every nullable field, unicode and long strings. Every value they
produce is valid under the spec; a client that parses what the contract allows must cope with them.

    from hypothesis import given
    from pipedrive_mock.contracts import strategies

    @given(strategies.list_responses())
    def test_my_client_parses_any_page(body):
        my_client.parse_page(body)
"""
from __future__ import annotations

import warnings
from functools import cache
from typing import Any

import jsonschema_rs
from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning
from hypothesis_jsonschema import from_schema

from pipedrive_mock.contract import dereference, load_spec

# Strings far longer than the seeded data, and text from every Unicode plane a client may choke on.
LONG_STRING_SIZE = 5000
# hypothesis-jsonschema knows no `uuid`, and its emails include IDN forms the validators reject.
_EMAIL = jsonschema_rs.Draft202012Validator({"format": "email"}, validate_formats=True)
_CUSTOM_FORMATS = {"uuid": st.uuids().map(str), "email": st.emails().filter(_EMAIL.is_valid)}
_EDGE_TEXT = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=40),
    st.sampled_from(["Ж", "名前", "emoji 🙂👍🏽", "\u202eRTL", "zero\u200bwidth", "tab\tnew\nline", "<b>&amp;</b>"]),
    st.builds(lambda ch, n: ch * n, st.sampled_from("aЖ名🙂"), st.integers(LONG_STRING_SIZE // 2, LONG_STRING_SIZE)),
)


@cache
def component(name: str) -> dict[str, Any]:
    """A component schema of openapi.yaml with every `$ref` resolved."""
    document = load_spec()
    return dereference(document["components"]["schemas"][name], document)


def from_component(name: str) -> st.SearchStrategy[Any]:
    """Any value the named component schema allows."""
    return _from_schema(component(name))


def _from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Any value `schema` allows. Closed objects and arrays are built here, once, from strategies for their
    parts: hypothesis-jsonschema builds an object's strategy anew inside every draw, which made a page
    of activities cost ~100 ms an example. What else a schema says is left to hypothesis-jsonschema."""
    kinds = schema.get("type")
    kinds = set(kinds) if isinstance(kinds, list) else {kinds}
    built: st.SearchStrategy[Any]
    if kinds - {"null"} == {"object"} and schema.get("additionalProperties") is False \
            and _only(schema, _OBJECT_KEYWORDS):
        required = set(schema.get("required", []))
        properties = {key: _from_schema(value) for key, value in schema.get("properties", {}).items()}
        built = st.fixed_dictionaries({k: v for k, v in properties.items() if k in required},
                                      optional={k: v for k, v in properties.items() if k not in required})
        least = schema.get("minProperties", 0)
        if least:
            built = built.filter(lambda value: len(value) >= least)
    elif kinds - {"null"} == {"array"} and isinstance(schema.get("items"), dict) and _only(schema, _ARRAY_KEYWORDS):
        built = st.lists(_from_schema(schema["items"]), min_size=schema.get("minItems", 0),
                         max_size=schema.get("maxItems"))
    else:
        with warnings.catch_warnings():
            # Overriding the standard `email` format is deliberate (see _CUSTOM_FORMATS).
            warnings.simplefilter("ignore", HypothesisWarning)
            return from_schema(schema, custom_formats=_CUSTOM_FORMATS)
    return st.none() | built if "null" in kinds else built


# The keywords of the objects and arrays _from_schema builds itself; any other keeps hypothesis-jsonschema.
_ANNOTATIONS = {"type", "description", "examples", "title", "deprecated", "readOnly", "writeOnly"}
_OBJECT_KEYWORDS = _ANNOTATIONS | {"properties", "required", "additionalProperties", "minProperties"}
_ARRAY_KEYWORDS = _ANNOTATIONS | {"items", "minItems", "maxItems"}


def _only(schema: dict[str, Any], keywords: set[str]) -> bool:
    return set(schema) <= keywords


def _is_nullable(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "null" or (isinstance(kind, list) and "null" in kind)


def _is_free_text(schema: dict[str, Any]) -> bool:
    """A string property with no shape to keep (no pattern, format, enum or length limit)."""
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return "string" in kinds and not {"pattern", "format", "enum", "const", "maxLength"} & set(schema)


def nullable_fields(name: str) -> list[str]:
    return [key for key, schema in component(name).get("properties", {}).items() if _is_nullable(schema)]


def free_text_fields(name: str) -> list[str]:
    return [key for key, schema in component(name).get("properties", {}).items() if _is_free_text(schema)]


def with_every_null(name: str, value: dict[str, Any]) -> dict[str, Any]:
    """`value` with null in every field the component lets be null."""
    return {**value, **{key: None for key in nullable_fields(name) if key in value}}


def with_edge_text(name: str) -> st.SearchStrategy[dict[str, Any]]:
    """Values of the component whose free-text fields hold unicode or very long strings."""
    fields = free_text_fields(name)
    return st.builds(lambda value, texts: {**value, **{k: t for k, t in texts.items() if k in value}},
                     from_component(name), st.fixed_dictionaries({}, optional={k: _EDGE_TEXT for k in fields}))


def _record(name: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(from_component(name),
                     from_component(name).map(lambda value: with_every_null(name, value)),
                     with_edge_text(name))


def add_bodies() -> st.SearchStrategy[dict[str, Any]]:
    """Request bodies the contract accepts for POST /api/v2/activities."""
    return from_component("ActivityAddRequest")


def update_bodies() -> st.SearchStrategy[dict[str, Any]]:
    """Request bodies the contract accepts for PATCH /api/v2/activities/{id}."""
    return from_component("ActivityUpdateRequest")


def v2_activities() -> st.SearchStrategy[dict[str, Any]]:
    """v2 activities, including all-null ones and ones full of unicode and long text."""
    return _record("ActivityV2")


def v1_items() -> st.SearchStrategy[dict[str, Any]]:
    """v1 collection items, including all-null ones and ones full of unicode and long text."""
    return _record("ActivityV1")


def _pages(envelope: str, items: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    derived = from_component(envelope)
    filled = st.builds(lambda page, data: {**page, "data": data}, derived, st.lists(items, max_size=5))
    last = filled.map(lambda page: {**page, "additional_data": {**page["additional_data"], "next_cursor": None}})
    empty = last.map(lambda page: {**page, "data": []})
    return st.one_of(derived, filled, last, empty)


def list_responses() -> st.SearchStrategy[dict[str, Any]]:
    """GET /api/v2/activities pages: any allowed page, pages of edge activities, last and empty pages."""
    return _pages("ActivityListResponse", v2_activities())


def collection_responses() -> st.SearchStrategy[dict[str, Any]]:
    """GET /v1/activities/collection pages, with the same edge cases."""
    return _pages("ActivityCollectionResponse", v1_items())


def activity_responses() -> st.SearchStrategy[dict[str, Any]]:
    """GET /api/v2/activities/{id} answers."""
    derived = from_component("ActivityResponse")
    return st.builds(lambda envelope, data: {**envelope, "data": data}, derived, v2_activities())


def error_responses() -> st.SearchStrategy[dict[str, Any]]:
    """Error bodies (any status): the required fields, plus whatever extra ones the contract allows."""
    return st.one_of(from_component("Error"), from_component("Error").map(lambda e: with_every_null("Error", e)))
