"""Compiled loaders: the same result, and for a bad body the same errors, as the marshmallow schemas."""
from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from pipedrive_mock.contracts import strategies
from pipedrive_mock.loader import compile_load
from pipedrive_mock.resources.activities.schemas import ActivityInputSchema

ADD = ActivityInputSchema()
UPDATE = ActivityInputSchema(partial=tuple(ActivityInputSchema._declared_fields))
EXAMPLES = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
# Values marshmallow may take or refuse where the compiled plan is not sure: they go to Schema.load.
ODD_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5),
                       st.lists(st.none(), max_size=2), st.dictionaries(st.text(max_size=3), st.none(), max_size=2))


def _outcome(load: Any, body: Any) -> tuple[str, Any]:
    try:
        result = load(body)
    except ValidationError as exc:
        return "error", exc.messages
    return "loaded", (result, list(result))  # the keys' order too


class _Counting:
    """A schema's load, counting the calls that reach it."""

    def __init__(self, schema: Schema) -> None:
        self.calls = 0
        self._load = schema.load

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self._load(*args, **kwargs)


@pytest.mark.parametrize(("schema", "bodies"), [(ADD, strategies.add_bodies), (UPDATE, strategies.update_bodies)],
                         ids=["add", "update"])
def test_compiled_load_of_any_contract_body_equals_the_schema_load_without_it(
        schema: Schema, bodies: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = schema.load
    fallbacks = _Counting(schema)
    monkeypatch.setattr(schema, "load", fallbacks)
    load = compile_load(schema)

    @EXAMPLES
    @given(bodies())
    def check(body: dict[str, Any]) -> None:
        assert _outcome(load, body) == _outcome(reference, body)

    check()
    # The compiled load never handed a body the contract allows to the schema (nulls included).
    assert fallbacks.calls == 0


@pytest.mark.parametrize("schema", [ADD, UPDATE], ids=["add", "update"])
def test_compiled_load_of_a_bad_body_raises_the_schemas_own_errors(schema: Schema) -> None:
    load = compile_load(schema)

    @EXAMPLES
    @given(st.one_of(
        st.dictionaries(st.sampled_from([*ActivityInputSchema._declared_fields, "unknown"]), ODD_VALUES),
        st.fixed_dictionaries({"participants": st.lists(st.one_of(ODD_VALUES, st.fixed_dictionaries(
            {"person_id": ODD_VALUES}, optional={"primary": ODD_VALUES, "extra": ODD_VALUES})), max_size=2)}),
        st.fixed_dictionaries({"location": st.one_of(ODD_VALUES, st.dictionaries(
            st.sampled_from(["value", "country", "nowhere"]), ODD_VALUES))}),
        ODD_VALUES))
    def check(body: Any) -> None:
        assert _outcome(load, body) == _outcome(schema.load, body)

    check()


@pytest.mark.parametrize("body", [
    {"done": 1}, {"owner_id": True}, {"subject": None}, {"participants": [None]}, {"participants": [{}]},
    {"location": {"bad": 1}}, {"attendees": "a"}, [], {"busy": "true"}, {"x": 1},
], ids=repr)
def test_compiled_load_of_each_kind_of_bad_value_matches_the_schema(body: Any) -> None:
    assert _outcome(compile_load(ADD), body) == _outcome(ADD.load, body)


def test_compiled_load_applies_defaults_and_post_load_as_the_schema_does() -> None:
    body = {"due_time": "10:30:00", "participants": [{"person_id": 3}], "attendees": [{"email": "a@b.c"}],
            "location": {"value": "1 Main St"}}
    loaded = compile_load(ADD)(body)
    assert loaded == ADD.load(body)
    assert loaded["due_time"] == "10:30" and loaded["participants"] == ({"person_id": 3, "primary": False},)
    assert loaded["attendees"][0]["is_organizer"] is False and loaded["location"]["country"] is None


def test_schema_it_cannot_compile_is_loaded_by_the_schema_itself() -> None:
    class Odd(Schema):
        class Meta:
            unknown = RAISE

        size = fields.Float()
        name = fields.String(validate=validate.Length(max=3))

    schema = Odd()
    assert compile_load(schema) == schema.load

    class Upper(Schema):
        color = fields.Function(deserialize=lambda value: value.upper())

    assert compile_load(Upper())({"color": "red"}) == {"color": "RED"}
