"""Read YAML record files into plain data, remembering where each value was.

Every value keeps its file, line and column so that a problem found later
(schema, references) can be reported at the place a person must edit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import yaml

from .. import messages
from .problems import Problem

FieldPath = tuple[Any, ...]  # e.g. ("updates", 1, "reason")


class _RecordLoader(yaml.SafeLoader):
    """PyYAML's safe loader, with dates kept as text and aliases refused.

    Dates are checked by the schema, which can say which one is wrong; PyYAML
    would otherwise fail with a traceback on "2026-02-30". Aliases (``*name``)
    are never needed in a record and make "billion laughs" bombs and
    self-containing structures possible, so each is reported where it stands.
    """

    def __init__(self, stream: str):
        super().__init__(stream)
        self.alias_marks: list[yaml.Mark] = []

    def compose_node(self, parent, index):  # noqa: ANN001 (PyYAML's signature)
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()
            self.alias_marks.append(event.start_mark)
            return yaml.ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)
        return super().compose_node(parent, index)


_RecordLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class YamlDocument:
    """One record file: its data, and where each field stands in it."""

    path: str  # as shown to people, relative to the site root
    record_id: str
    data: Any
    positions: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)

    def position(self, field_path: FieldPath) -> tuple[int, int]:
        """Line and column of a field, or of its closest enclosing field."""
        path = tuple(field_path)
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def problem(self, field_path: FieldPath, message: str) -> Problem:
        line, column = self.position(field_path)
        return Problem(self.path, line, column, format_field_path(field_path), message)


def format_field_path(field_path: FieldPath) -> str:
    """("updates", 1, "reason") → "updates[2].reason" (items counted from 1)."""
    text = ""
    for part in field_path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + str(part)
    return text


class _Walker:
    """Turn a composed YAML node tree into data plus a position table."""

    def __init__(self, loader: yaml.SafeLoader, document: YamlDocument, problems: list[Problem]):
        self.loader = loader
        self.document = document
        self.problems = problems

    def walk(self, node: yaml.Node, path: FieldPath) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.document.positions[path + (index,)] = _mark(item)
                items.append(self.walk(item, path + (index,)))
            return items
        return self._mapping(node, path)

    def _scalar(self, node: yaml.ScalarNode, path: FieldPath) -> Any:
        try:
            value = self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, KeyError, OverflowError):
            # e.g. "!!int soixante": an explicit tag on a value that does not fit it
            self._report(node, path, messages.YAML_BAD_VALUE)
            return None
        if isinstance(value, str) and not _encodable(value):  # "\ud800": a lone surrogate
            self._report(node, path, messages.YAML_CONTROL_CHARACTER)
            return None
        if isinstance(value, bytes):  # !!binary
            self._report(node, path, messages.YAML_BINARY)
            return None
        if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
            self._report(node, path, messages.YAML_NOT_A_NUMBER)
            return None
        return value

    def _report(self, node: yaml.Node, path: FieldPath, message: str) -> None:
        """A problem at the node itself: a field name can be wrong on its own line."""
        line, column = _mark(node)
        self.problems.append(Problem(self.document.path, line, column, format_field_path(path), message))

    def _mapping(self, node: yaml.MappingNode, path: FieldPath) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._report(key_node, path, messages.YAML_COMPLEX_KEY)
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._report(key_node, path, messages.YAML_MERGE_KEY)
                continue
            key = str(self._scalar(key_node, path))
            key_path = path + (key,)
            if key in mapping:
                self._report(key_node, key_path, messages.YAML_DUPLICATE_KEY)
                continue
            # A wrong value is pointed at itself; a wrong block at its key.
            self.document.positions[key_path] = _mark(
                value_node if isinstance(value_node, yaml.ScalarNode) else key_node)
            mapping[key] = self.walk(value_node, key_path)
        return mapping


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _error_position(error: yaml.MarkedYAMLError) -> tuple[int, int]:
    """Where a person should look: an unclosed quote or bracket opens at the context mark."""
    context = error.context or ""
    opened = context.startswith(("while scanning a quoted", "while parsing a flow"))
    mark = (error.context_mark if opened else None) or error.problem_mark or error.context_mark
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def load_yaml_file(absolute_path: str, shown_path: str, problems: list[Problem]) -> YamlDocument | None:
    """Load one record file; on failure add problems and return None."""
    record_id = os.path.splitext(os.path.basename(absolute_path))[0]
    document = YamlDocument(shown_path, record_id, None)
    try:
        with open(absolute_path, "rb") as stream:
            raw = stream.read()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(Problem(shown_path, line, 1, "", messages.NOT_UTF8))
        return None
    except OSError as error:
        problems.append(Problem(shown_path, 1, 1, "", messages.unreadable_file(error)))
        return None
    if "\t" in text:
        for number, line_text in enumerate(text.splitlines(), 1):
            indent = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
            if "\t" in indent:
                problems.append(Problem(shown_path, number, indent.index("\t") + 1, "", messages.YAML_TAB))
                return None
    loader = None
    try:
        loader = _RecordLoader(text)
        node = loader.get_single_node()
        if node is None:
            problems.append(Problem(shown_path, 1, 1, "", messages.EMPTY_FILE))
            return None
        before = len(problems)
        for mark in loader.alias_marks:
            problems.append(Problem(shown_path, mark.line + 1, mark.column + 1, "", messages.YAML_ALIAS))
        document.data = _Walker(loader, document, problems).walk(node, ())
        if len(problems) > before:
            return None
    except yaml.MarkedYAMLError as error:
        line, column = _error_position(error)
        problems.append(Problem(shown_path, line, column, "", messages.yaml_syntax_error(error)))
        return None
    except yaml.YAMLError as error:  # ReaderError: a control character
        position = getattr(error, "position", None)
        line = text[:position].count("\n") + 1 if position is not None else 1
        problems.append(Problem(shown_path, line, 1, "", messages.yaml_syntax_error(error)))
        return None
    except RecursionError:
        problems.append(Problem(shown_path, 1, 1, "", messages.YAML_TOO_DEEP))
        return None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(document.data, dict):
        problems.append(Problem(shown_path, 1, 1, "", messages.NOT_A_MAPPING))
        return None
    return document
