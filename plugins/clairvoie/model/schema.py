"""The JSON Schemas shipped with Clairvoie, and French messages for their errors."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from importlib import resources
from typing import Any, Iterator

import jsonschema
from referencing import Registry, Resource

from .. import messages
from .load import FieldPath, YamlDocument
from .problems import Problem

SCHEMA_FILES = {
    "sector": "sector.schema.json",
    "project": "project.schema.json",
    "works": "works.schema.json",
    "meeting": "meeting.schema.json",
    "synonyms": "synonyms.schema.json",
}
_COMMON = "common.schema.json"


def _read_schema(name: str) -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath("schemas", name).read_text("utf-8"))


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_date_or_local_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


_FORMATS = jsonschema.FormatChecker(formats=())
_FORMATS.checks("date")(_is_date)
_FORMATS.checks("date-or-local-date-time")(_is_date_or_local_date_time)


@cache
def validator(kind: str) -> jsonschema.Draft202012Validator:
    registry = Registry().with_resource(_COMMON, Resource.from_contents(_read_schema(_COMMON)))
    schema = _read_schema(SCHEMA_FILES[kind])
    return jsonschema.Draft202012Validator(schema, registry=registry, format_checker=_FORMATS)


def schema_problems(kind: str, document: YamlDocument) -> list[Problem]:
    problems: dict[tuple[FieldPath, str], Problem] = {}
    for error in _leaf_errors(validator(kind).iter_errors(document.data)):
        for field_path, message in _explain(error):
            problems.setdefault((field_path, message), document.problem(field_path, message))
    return list(problems.values())


def _leaf_errors(errors: Iterator[jsonschema.ValidationError]) -> Iterator[jsonschema.ValidationError]:
    """Unfold anyOf/oneOf failures unless the schema explains them itself."""
    for error in errors:
        if error.validator in ("anyOf", "oneOf") and "x-message-fr" not in error.schema and error.context:
            best = jsonschema.exceptions.best_match(error.context)
            yield best if best is not None else error
        else:
            yield error


def _explain(error: jsonschema.ValidationError) -> list[tuple[FieldPath, str]]:
    """French (field path, message) pairs for one schema error."""
    path: FieldPath = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if "x-message-fr" in schema:
        return [(path, schema["x-message-fr"])]
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "required":
        return [(path + (name,), messages.missing_field(name)) for name in value if name not in instance]
    if kind == "additionalProperties":
        known = schema.get("properties", {}).keys()
        return [(path + (name,), messages.unknown_field(name, known))
                for name in sorted(instance) if name not in known]
    if kind == "dependentRequired":
        return [(path + (name,), messages.requires_together(name, needed[0]))
                for name, needed in value.items()
                if name in instance and any(n not in instance for n in needed)]
    return [(path, _single_message(error, schema))]


def _single_message(error: jsonschema.ValidationError, schema: dict[str, Any]) -> str:
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "type":
        return messages.wrong_type(value)
    if kind == "enum":
        return messages.not_in_choices(instance, value)
    if kind == "maxLength":
        return messages.too_long(len(instance), value)
    if kind == "minLength":
        return messages.EMPTY_TEXT
    if kind == "minItems":
        return messages.EMPTY_LIST
    if kind in ("minimum", "maximum"):
        return messages.out_of_range(schema.get("minimum"), schema.get("maximum"))
    if kind in ("pattern", "format"):
        return _pattern_message(schema, instance)
    return messages.INVALID_VALUE


def _pattern_message(schema: dict[str, Any], instance: object) -> str:
    fmt = schema.get("format")
    if fmt == "date":
        return messages.invalid_date(instance)
    if fmt == "date-or-local-date-time":
        return messages.invalid_date_time(instance)
    pattern = schema.get("pattern", "")
    if "@" in pattern:
        return messages.INVALID_EMAIL
    if pattern.startswith("^https?"):
        return messages.INVALID_URL
    if pattern.startswith("^[a-z0-9]"):
        return messages.INVALID_IDENTIFIER
    return messages.INVALID_VALUE
