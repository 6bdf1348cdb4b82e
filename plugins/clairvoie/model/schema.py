"""The JSON Schemas shipped with Clairvoie, and French messages for their errors."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from importlib import resources
from typing import Any, Callable, Iterator

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .. import messages
from .load import FieldPath, YamlDocument
from .problems import Problem

SCHEMA_FILES = {
    "sector": "sector.schema.json",
    "project": "project.schema.json",
    "works": "works.schema.json",
    "meeting": "meeting.schema.json",
    "synonyms": "synonyms.schema.json",
    "services": "services.schema.json",
    "report": "report.schema.json",
    "glossary": "lexique.schema.json",
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
_FORMATS.checks("local-date-time")(_is_date_or_local_date_time)  # the pattern requires the time


@cache
def _registry() -> Registry:
    return Registry().with_resource(_COMMON, Resource.from_contents(_read_schema(_COMMON)))


@cache
def validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = _read_schema(SCHEMA_FILES[kind])
    return jsonschema.Draft202012Validator(schema, registry=_registry(), format_checker=_FORMATS)


Check = Callable[[Any], bool]  # whether an instance is valid


@cache
def _is_valid(kind: str) -> Check:
    """A quick yes/no for the schema of a kind; jsonschema's own if it uses other keywords."""
    schema = validator(kind).schema
    resolver = _registry().resolver_with_root(DRAFT202012.create_resource(schema))
    try:
        return _ValidityCompiler().compile(schema, resolver)
    except _Unsupported:
        return validator(kind).is_valid


def schema_errors(kind: str, document: YamlDocument) -> list[tuple[FieldPath, str]]:
    """Each (field path, French message) the schema of ``kind`` finds in a document."""
    # Most records are valid: jsonschema's costly error reporting only runs for the others.
    if _is_valid(kind)(document.data):
        return []
    errors: dict[tuple[FieldPath, str], None] = {}
    for error in _leaf_errors(validator(kind).iter_errors(document.data)):
        for field_path, message in _explain(error):
            errors.setdefault((field_path, message))
    return list(errors)


def schema_problems(kind: str, document: YamlDocument) -> list[Problem]:
    return [document.problem(field_path, message) for field_path, message in schema_errors(kind, document)]


class _Unsupported(Exception):
    """A schema keyword the validity compiler does not know."""


# Keywords that never make a document invalid ("then" and "else" are read with "if").
_ANNOTATIONS = frozenset({"$schema", "$defs", "$comment", "title", "description", "examples",
                          "default", "x-message-fr", "then", "else"})
# The types jsonschema's Draft 2020-12 type checker tells by isinstance alone.
_PLAIN_TYPES = {"object": dict, "array": list, "string": str}


class _ValidityCompiler:
    """Turn a schema into one function saying whether a document is valid.

    Each keyword means exactly what it means to jsonschema's Draft 2020-12
    validator (same type checker, format checker and regular expressions), but
    is checked by a plain closure instead of jsonschema's error machinery,
    which costs more than the loading of the document itself.
    """

    def __init__(self) -> None:
        self.compiling: set[int] = set()  # schemas being compiled: a $ref cycle is not supported

    def compile(self, schema: Any, resolver: Any) -> Check:
        if schema is True or schema is False:
            return lambda instance, valid=schema: valid
        if not isinstance(schema, dict) or id(schema) in self.compiling:
            raise _Unsupported
        self.compiling.add(id(schema))
        checks = tuple(self._keyword(name, value, schema, resolver)
                       for name, value in schema.items() if name not in _ANNOTATIONS)
        self.compiling.discard(id(schema))
        if len(checks) == 1:
            return checks[0]

        def valid(instance: Any) -> bool:
            for check in checks:
                if not check(instance):
                    return False
            return True
        return valid

    def _keyword(self, name: str, value: Any, schema: dict[str, Any], resolver: Any) -> Check:
        if name == "$ref":
            resolved = resolver.lookup(value)
            return self.compile(resolved.contents, resolved.resolver)
        if name == "type":
            tests = [_type_test(kind) for kind in (value if isinstance(value, list) else [value])]
            if len(tests) == 1:
                return tests[0]
            return lambda instance: any(test(instance) for test in tests)
        if name in ("enum", "const"):
            choices = value if name == "enum" else [value]
            if not all(isinstance(choice, str) for choice in choices):
                raise _Unsupported  # jsonschema's equality tells 1 from True: only text is compiled
            texts = frozenset(choices)
            return lambda instance: isinstance(instance, str) and instance in texts
        if name == "format":
            return lambda instance: _FORMATS.conforms(instance, value)
        if name in ("anyOf", "allOf", "oneOf", "not", "if"):
            return self._combination(name, value, schema, resolver)
        if name in ("properties", "additionalProperties", "required", "dependentRequired",
                    "minProperties"):
            valid_object = self._object_keyword(name, value, schema, resolver)
            return lambda instance: not isinstance(instance, dict) or valid_object(instance)
        if name in ("items", "minItems"):
            valid_array = self._array_keyword(name, value, schema, resolver)
            return lambda instance: not isinstance(instance, list) or valid_array(instance)
        if name in ("minLength", "maxLength", "pattern"):
            valid_string = self._string_keyword(name, value)
            return lambda instance: not isinstance(instance, str) or valid_string(instance)
        if name in ("minimum", "maximum"):
            is_number = _type_test("number")
            if name == "minimum":
                return lambda instance: not is_number(instance) or not instance < value
            return lambda instance: not is_number(instance) or not instance > value
        raise _Unsupported(name)

    def _combination(self, name: str, value: Any, schema: dict[str, Any], resolver: Any) -> Check:
        if name == "not":
            invalid = self.compile(value, resolver)
            return lambda instance: not invalid(instance)
        if name == "if":
            condition = self.compile(value, resolver)
            then = self.compile(schema.get("then", True), resolver)
            otherwise = self.compile(schema.get("else", True), resolver)
            return lambda instance: then(instance) if condition(instance) else otherwise(instance)
        parts = [self.compile(part, resolver) for part in value]
        if name == "anyOf":
            return lambda instance: any(part(instance) for part in parts)
        if name == "allOf":
            return lambda instance: all(part(instance) for part in parts)
        return lambda instance: sum(1 for part in parts if part(instance)) == 1

    def _object_keyword(self, name: str, value: Any, schema: dict[str, Any], resolver: Any) -> Check:
        if name == "properties":
            fields = [(field, self.compile(subschema, resolver)) for field, subschema in value.items()]
            return lambda instance: all(valid(instance[field])
                                        for field, valid in fields if field in instance)
        if name == "additionalProperties":
            if "patternProperties" in schema:
                raise _Unsupported(name)
            known = schema.get("properties", {})
            valid_extra = self.compile(value, resolver)
            return lambda instance: all(valid_extra(instance[field])
                                        for field in instance if field not in known)
        if name == "required":
            return lambda instance: all(field in instance for field in value)
        if name == "dependentRequired":
            return lambda instance: all(needed in instance for field, needs in value.items()
                                        if field in instance for needed in needs)
        return lambda instance: len(instance) >= value  # minProperties

    def _array_keyword(self, name: str, value: Any, schema: dict[str, Any], resolver: Any) -> Check:
        if name == "items":
            if "prefixItems" in schema:
                raise _Unsupported(name)
            valid_item = self.compile(value, resolver)
            return lambda instance: all(valid_item(item) for item in instance)
        return lambda instance: len(instance) >= value  # minItems

    @staticmethod
    def _string_keyword(name: str, value: Any) -> Check:
        if name == "minLength":
            return lambda instance: len(instance) >= value
        if name == "maxLength":
            return lambda instance: len(instance) <= value
        search = re.compile(value).search  # what jsonschema's re.search(pattern, instance) compiles
        return lambda instance: search(instance) is not None


def _type_test(kind: str) -> Check:
    plain_type = _PLAIN_TYPES.get(kind)
    if plain_type is not None:
        return lambda instance: isinstance(instance, plain_type)
    is_type = jsonschema.Draft202012Validator.TYPE_CHECKER.is_type
    return lambda instance: is_type(instance, kind)


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
    if fmt == "local-date-time":
        return messages.invalid_moment(instance)
    pattern = schema.get("pattern", "")
    if "@" in pattern:
        return messages.INVALID_EMAIL
    if pattern.startswith("^https?"):
        return messages.INVALID_URL
    if pattern.startswith("^[a-z0-9]"):
        return messages.INVALID_IDENTIFIER
    return messages.INVALID_VALUE
