"""Read YAML record files into plain data, remembering where each value was.

Every value keeps its file, line and column so that a problem found later
(schema, references) can be reported at the place a person must edit.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import re
from collections.abc import Iterable
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


class _LibyamlRecordLoader(yaml.CSafeLoader):
    """libyaml's parser and composer, many times faster, with the same resolvers.

    It cannot refuse aliases one by one and words its errors differently, so
    it only ever loads files in which the Python loader would find nothing to
    report (see ``_load_with_libyaml``).
    """


_LibyamlRecordLoader.yaml_implicit_resolvers = _RecordLoader.yaml_implicit_resolvers


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

    def without(self, field_paths: Iterable[FieldPath]) -> YamlDocument:
        """A copy without the values at these paths (list items become None: the others keep their
        place), positions kept: what a refused value leaves for the checks a schema cannot make."""
        data = copy.deepcopy(self.data)
        for field_path in sorted(set(map(tuple, field_paths)), key=len):
            parent = data
            for part in field_path[:-1]:
                parent = _child(parent, part)
            if isinstance(parent, dict) and field_path and field_path[-1] in parent:
                del parent[field_path[-1]]
            elif isinstance(parent, list) and field_path and _has_index(parent, field_path[-1]):
                parent[field_path[-1]] = None
            elif not field_path:
                data = {}
        return dataclasses.replace(self, data=data)


def _has_index(items: list[Any], part: Any) -> bool:
    return isinstance(part, int) and 0 <= part < len(items)


def _child(value: Any, part: Any) -> Any:
    if isinstance(value, dict):
        return value.get(part)
    if isinstance(value, list) and _has_index(value, part):
        return value[part]
    return None


def format_field_path(field_path: FieldPath) -> str:
    """("updates", 1, "reason") → "updates[2].reason" (items counted from 1)."""
    text = ""
    for part in field_path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + str(part)
    return text


_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_INFINITIES = (float("inf"), float("-inf"))


def _scalar_value(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> tuple[Any, str | None]:
    """A scalar's value, or None and the message saying why it cannot be used."""
    if node.tag == _STR_TAG:
        value = node.value  # what the constructor returns, at a fraction of its cost
    else:
        try:
            value = loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, KeyError, OverflowError):
            # e.g. "!!int soixante": an explicit tag on a value that does not fit it
            return None, messages.YAML_BAD_VALUE
    if isinstance(value, str) and not _encodable(value):  # "\ud800": a lone surrogate
        return None, messages.YAML_CONTROL_CHARACTER
    if isinstance(value, bytes):  # !!binary
        return None, messages.YAML_BINARY
    if isinstance(value, float) and value != value or value in _INFINITIES:
        return None, messages.YAML_NOT_A_NUMBER
    return value, None


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
        value, problem = _scalar_value(self.loader, node)
        if problem:
            self._report(node, path, problem)
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
            if key_node.tag == _MERGE_TAG:
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


class _UsePythonLoader(Exception):
    """libyaml's nodes may differ from the Python loader's here: let the Python loader read the file."""


# "description: |#": libyaml reads a comment there, PyYAML refuses it.
_BLOCK_SCALAR_COMMENT = re.compile(r"[|>][-+0-9]*#")

# Far deeper than any record; shallow enough that the Python loader never hits
# the recursion limit below it, so both loaders agree on every file they accept.
_LIBYAML_MAX_DEPTH = 100


class _LibyamlWalker:
    """Data and positions from libyaml's nodes, for files in which ``_Walker`` finds nothing to report.

    It gives up (``_UsePythonLoader``) at whatever ``_Walker`` would report, and
    wherever libyaml's nodes may differ from the Python loader's: an alias (the
    same node met twice, maybe in a cycle), an empty value ("? a", "[a: ]"),
    which each places at a different neighbouring token, a "?" in a plain value
    between brackets ("[a?b]", which PyYAML refuses), and deep nesting.
    """

    def __init__(self, loader: yaml.CSafeLoader, positions: dict[FieldPath, tuple[int, int]]):
        self.loader = loader
        self.positions = positions
        self.seen: set[int] = set()

    def walk(self, node: yaml.Node, path: FieldPath, in_flow: bool = False) -> Any:
        if len(path) > _LIBYAML_MAX_DEPTH:
            raise _UsePythonLoader
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, in_flow)
        self._meet(node)
        positions = self.positions
        in_flow = node.flow_style
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                item_path = path + (index,)
                positions[item_path] = _mark(item)
                items.append(self.walk(item, item_path, in_flow))
            return items
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                raise _UsePythonLoader
            key = str(self._scalar(key_node, in_flow))
            if key in mapping:
                raise _UsePythonLoader
            key_path = path + (key,)
            # As _Walker: a wrong value is pointed at itself; a wrong block at its key.
            positions[key_path] = _mark(
                value_node if isinstance(value_node, yaml.ScalarNode) else key_node)
            mapping[key] = self.walk(value_node, key_path, in_flow)
        return mapping

    def _scalar(self, node: yaml.ScalarNode, in_flow: bool) -> Any:
        self._meet(node)
        text = node.value
        if not node.style and (not text or in_flow and "?" in text):
            raise _UsePythonLoader
        if node.tag == _STR_TAG and text.isascii():
            return text  # most scalars, which _scalar_value returns as they are
        value, problem = _scalar_value(self.loader, node)
        if problem:
            raise _UsePythonLoader
        return value

    def _meet(self, node: yaml.Node) -> None:
        if id(node) in self.seen:
            raise _UsePythonLoader
        self.seen.add(id(node))


def _load_with_libyaml(text: str, shown_path: str, record_id: str) -> YamlDocument | None:
    """The document, if libyaml reads it and the Python loader would report nothing; else None.

    Any error, alias, deep nesting or value problem sends the file back to the
    Python loader, so that every problem is reported exactly as it always was;
    so does what only libyaml accepts: a tab or a byte order mark past the
    start, a comment right after a block scalar's "|" or ">" ("|#").
    """
    if "\t" in text or "\ufeff" in text or _BLOCK_SCALAR_COMMENT.search(text):
        return None
    document = YamlDocument(shown_path, record_id, None)
    loader = _LibyamlRecordLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        document.data = _LibyamlWalker(loader, document.positions).walk(node, ())
    except (yaml.YAMLError, _UsePythonLoader):
        return None
    finally:
        loader.dispose()
    return document if isinstance(document.data, dict) else None


def _encodable(text: str) -> bool:
    if text.isascii():  # most values, and always encodable
        return True
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
    fast_document = _load_with_libyaml(text, shown_path, record_id)
    if fast_document is not None:
        return fast_document
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
