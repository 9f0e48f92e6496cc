"""Marshmallow load schemas compiled into plain functions: the same result for a good body, sooner.

`Schema.load` looks up, checks and dispatches every field of a body, with an error store and a getter
closure per field (about half the CPU of an add's view, profiled with py-spy). A body reaching a view
has already passed the contract's JSON Schema, so nearly every one is a plain dict of the types the
schema names. A compiled loader takes the values it is sure of as they are (a `str` for `String`, an
`int` for a strict `Integer`, `True`/`False` for `Boolean`, dicts and lists for `Nested` and
`List(Nested)`), applies `load_default` and the schema's `post_load` hooks as `Schema.load` does, and
at the first value it is not sure of hands the whole body to `Schema.load`, so every error is still
marshmallow's own, word for word. A schema with anything it does not handle (validators, pre-load or
validation hooks, other field kinds) is loaded by `Schema.load` itself.
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, cast

from marshmallow import EXCLUDE, RAISE, Schema, fields
from marshmallow.utils import missing

Load = Callable[[Any], Any]
_Plan = Callable[[Any], Any]
_UNSUPPORTED_HOOKS = ("pre_load", "validates", "validates_schema")


class _Unsupported(Exception):
    """The schema has something the compiler does not handle: `Schema.load` serves it."""


_REQUIRED = object()  # an absent required field


class _Unsure(Exception):
    """A value the compiled plan is not sure of: `Schema.load` decides (and words any error)."""


def compile_load(schema: Schema) -> Load:
    """A function that loads one body as `schema.load(body)` does."""
    try:
        plan = _schema_plan(schema, schema.partial)
    except _Unsupported:
        return schema.load

    def load(data: Any) -> Any:
        try:
            return plan(data)
        except _Unsure:
            return schema.load(data)
    return load


def _schema_plan(schema: Schema, partial: bool | Collection[str] | None) -> _Plan:
    if partial is None:
        partial = schema.partial
    if schema.many or schema.unknown not in (RAISE, EXCLUDE) or any(schema._hooks[h] for h in _UNSUPPORTED_HOOKS):
        raise _Unsupported(type(schema).__name__)
    if any(many or kwargs.get("pass_original") for _, many, kwargs in schema._hooks["post_load"]):
        raise _Unsupported("post_load with pass_collection or pass_original")
    post_load = tuple(getattr(schema, name) for name, _, _ in schema._hooks["post_load"])
    steps = []
    for name, field in schema.load_fields.items():
        key = field.data_key if field.data_key is not None else name
        attribute = field.attribute or name
        if "." in attribute:
            raise _Unsupported(f"dotted attribute {attribute!r}")
        skip_missing = partial is True or (isinstance(partial, Collection) and name in partial)
        steps.append((key, attribute, _field_plan(field, _nested_partial(name, partial)),
                      _absent(field, skip_missing), field.allow_none))
    known = frozenset(step[0] for step in steps)
    raise_unknown = schema.unknown == RAISE

    def plan(data: Any) -> Any:
        if type(data) is not dict or (raise_unknown and not known.issuperset(data)):
            raise _Unsure
        result = {}
        for key, attribute, convert, absent, allow_none in steps:
            value = data.get(key, missing)
            if value is missing:
                if absent is missing:
                    continue
                if absent is _REQUIRED:
                    raise _Unsure  # marshmallow's "Missing data for required field."
                value = absent() if callable(absent) else absent
            elif value is None:
                if not allow_none:
                    raise _Unsure  # marshmallow's "Field may not be null."
            else:
                value = convert(value)
            result[attribute] = value
        for hook in post_load:
            result = hook(result, many=False, partial=partial, unknown=schema.unknown)
        return result
    return plan


def _nested_partial(name: str, partial: bool | Collection[str] | None) -> bool | Collection[str] | None:
    """What `Schema._deserialize` passes a nested field as its `partial`."""
    if isinstance(partial, Collection) and not isinstance(partial, str):
        prefix = name + "."
        return [f[len(prefix):] for f in partial if f.startswith(prefix)]
    return partial


def _absent(field: fields.Field, skip: bool) -> Any:
    """What an absent field gives: `missing` (left out), _REQUIRED, or its load_default (called if callable)."""
    if skip:
        return missing
    return _REQUIRED if field.required else field.load_default


def _field_plan(field: fields.Field, partial: bool | Collection[str] | None) -> _Plan:
    """The loaded value of one present, non-null value of `field`."""
    if field.validators or getattr(field, "pre_load", None) or getattr(field, "post_load", None):
        raise _Unsupported(f"{type(field).__name__} with validators or processors")
    kind = type(field)
    if kind is fields.String:
        return _exactly(str)
    if kind is fields.Integer:
        return _exactly(int)  # not bool: marshmallow refuses True and False for an integer
    if kind is fields.Boolean:
        return _boolean(cast(fields.Boolean, field))
    if kind is fields.Nested:
        nested = cast(fields.Nested, field)
        if not nested.many and isinstance(nested.schema, Schema) and nested.unknown is None:
            return _schema_plan(nested.schema, partial)
    elif kind is fields.List:
        inner = cast(fields.List, field).inner
        if not inner.validators:
            item = _not_none(_field_plan(inner, partial))

            def each(values: Any) -> list[Any]:
                if type(values) is not list:
                    raise _Unsure
                return [item(value) for value in values]
            return each
    raise _Unsupported(kind.__name__)


def _not_none(plan: _Plan) -> _Plan:
    def checked(value: Any) -> Any:
        if value is None:
            raise _Unsure
        return plan(value)
    return checked


def _exactly(kind: type) -> _Plan:
    def taken(value: Any) -> Any:
        if type(value) is not kind:
            raise _Unsure
        return value
    return taken


def _boolean(field: fields.Boolean) -> _Plan:
    truthy, falsy = field.truthy, field.falsy

    def boolean(value: Any) -> bool:
        if value is True or value is False:
            if not truthy:
                return value
            if value in truthy:
                return True
            if value in falsy:
                return False
        raise _Unsure
    return boolean
