"""The fast paths of loading give exactly what the slow ones gave.

Record files are read by libyaml when it can, by PyYAML's Python loader
otherwise; schemas are first checked by a compiled yes/no test; Markdown is
converted by a reused converter. Each must be invisible: same data, same
positions, same problems (file, line, column, field, French message), same
HTML. Every comparison here runs both paths on the same input.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import markdown
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import test_loader_fuzz as fuzz_inputs
from clairvoie import markup
from clairvoie.model import load, schema

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "fixtures" / "malformed"
RECORD_FILES = sorted([*CORPUS.glob("*.yaml"), *(REPO / "content").rglob("*.yaml"),
                       *(REPO / "sectors").rglob("*.yaml")])
_COMPARE = settings(derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def compare(examples: int) -> settings:
    return settings(_COMPARE, max_examples=examples)


def _outcome(path: Path, with_libyaml: bool) -> tuple[Any, ...]:
    problems: list = []
    saved = load._load_with_libyaml
    if not with_libyaml:
        load._load_with_libyaml = lambda *args: None
    try:
        document = load.load_yaml_file(str(path), "content/projects/x.yaml", problems)
    finally:
        load._load_with_libyaml = saved
    if document is None:
        return None, problems
    # repr tells 1 from 1.0 and True, which == does not.
    return repr(document.data), document.positions, document.record_id, problems


def assert_same_outcome(path: Path) -> None:
    assert _outcome(path, with_libyaml=True) == _outcome(path, with_libyaml=False)


def _write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "x.yaml"
    path.write_bytes(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    return path


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fast-loading")


def _read_by_libyaml(text: str) -> bool:
    return load._load_with_libyaml(text, "x.yaml", "x") is not None


# --- YAML: libyaml and the Python loader ------------------------------------------------
@pytest.mark.parametrize("path", RECORD_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_fixture_and_demo_record_loads_the_same_both_ways(path):
    assert_same_outcome(path)


def test_plain_records_are_read_by_libyaml():
    valid = [p for p in RECORD_FILES if _outcome(p, with_libyaml=False)[0] is not None]
    assert valid and all(_read_by_libyaml(p.read_text(encoding="utf-8-sig")) for p in valid)


@pytest.mark.parametrize("text", [
    "? \n",                                   # an empty value: placed at different tokens
    "? a",
    "a: [b: ]\n",
    "a: {b, c: }\n",
    "actual_end: \t\n",                       # what libyaml accepts and PyYAML refuses: a tab,
    ":\ufeff: é\n",                           # a byte order mark inside the text,
    "{}\n\ufeff",
    "a: [a?b]\n",                             # a "?" in a plain value between brackets,
    "a: {b?:c}\n",
    "a: [Pourquoi ?]\n",
    "actual_end: |#",                         # a comment right after a block scalar's header
    "a: >-#\n  x\n",
    "a: [b:,c]\n",                            # and what PyYAML accepts and libyaml refuses
    "%x\n---\na: b\n",
    "a: !\n",
    "a: &x 1\nb: *x\n",                       # aliases: same node twice, cycles, bombs
    "a: &x [*x]\n",
    "a: &k x\n*k : y\n",
    "a: *nowhere\n",
    "a: &x 1\nb: &x 2\n",                     # a duplicate anchor
    "a: " + "[" * 150 + "]" * 150 + "\n",     # deeper than both loaders handle alike
    "a: " + "[" * 1200 + "]" * 1200 + "\n",   # deeper than libyaml accepts
    "a: 1\r\nb: [x, y]\r\nc:\r\n  d: e\r\n",  # Windows line ends
    "a: x\x85b: y\u2028c: z\n",               # Unicode line breaks
    "a: 1\na: 2\n",                           # problems the walker reports
    "<<: {a: b}\n",
    "[a]: b\n",
    "a: !!int x\n",
    "a: !!binary aGVsbG8=\n",
    "a: .nan\n",
    'a: "\\ud800"\n',
    "- a\n",
    "",
    "%YAML 1.2\n---\na: 1\n",
    "a: !!timestamp 2026-03-01\nb: !!str 12\nc: !!float 1\n",
])
def test_tricky_documents_load_the_same_both_ways(tmp_path, text):
    assert_same_outcome(_write(tmp_path, text))


def test_only_what_libyaml_may_read_differently_is_left_to_the_python_loader():
    assert _read_by_libyaml("a: Pourquoi ?\nb: [x, y]\nc: |\n  #1\n")
    assert not _read_by_libyaml("a: &x [1]\nb: *x\n")
    assert not _read_by_libyaml("a: [Pourquoi ?]\n")


lines = st.lists(st.lists(fuzz_inputs.yaml_chunks, max_size=6).map("".join), max_size=12).map("\n".join)


@compare(300)
@given(content=st.one_of(fuzz_inputs.yamlish_text, lines, st.binary(max_size=80),
                         fuzz_inputs.documents.map(fuzz_inputs.dump),
                         fuzz_inputs.documents.map(fuzz_inputs.dump).map(lambda t: t.replace("\n", "\r\n")),
                         fuzz_inputs.mutated("project").map(lambda m: fuzz_inputs.dump(m[0]))))
def test_generated_documents_load_the_same_both_ways(scratch, content):
    assert_same_outcome(_write(scratch, content))


# --- schemas: the compiled yes/no and jsonschema -------------------------------------------
def _valid_records() -> list[tuple[str, dict]]:
    folders = {"project": "content/projects", "works": "content/works",
               "meeting": "content/events", "sector": "sectors", "report": "content/signalements"}
    records = []
    for kind, folder in folders.items():
        paths = [p for p in sorted((REPO / folder).rglob("*.yaml")) if p.name != "services.yaml"]
        for path in paths[:20]:
            document = load.load_yaml_file(str(path), str(path), [])
            if document is not None:
                records.append((kind, document.data))
    # Reports and their kinds, which the demo may not have.
    return records + [("report", fuzz_inputs.VALID_REPORT), ("services", fuzz_inputs.VALID_SERVICES)]


VALID_RECORDS = _valid_records()
ODD_VALUES = [0, 1, 1.0, 2.5, -1, 13, 101, True, False, None, "", "x" * 300, [], {}, ["all"],
              "delay", "cost_overrun", "suspension", "schema", "index", {"reason": "x"},
              {"type": "Point", "coordinates": [2.35, 48.85]}, "a.geojson", *fuzz_inputs.SPEC_VALUES]


@st.composite
def mutated_records(draw) -> tuple[str, Any]:
    """A valid record of any kind with 0 to 3 fields deleted, retyped, revalued or added."""
    kind, record = draw(st.sampled_from(VALID_RECORDS))
    record = copy.deepcopy(record)
    paths_of, get = fuzz_inputs._paths, fuzz_inputs._get
    for _ in range(draw(st.integers(0, 3))):
        paths = [p for p in paths_of(record) if p]
        operation = draw(st.sampled_from(["delete", "retype", "revalue", "add"]))
        if operation == "add" or not paths:
            containers = [p for p in paths_of(record) if isinstance(get(record, p), dict)]
            where = draw(st.sampled_from(containers))
            # Copies: a drawn list or mapping must not be changed by a later mutation.
            get(record, where)[draw(fuzz_inputs.keys)] = copy.deepcopy(draw(fuzz_inputs.ANY_VALUE))
            continue
        where = draw(st.sampled_from(paths))
        parent, last = get(record, where[:-1]), where[-1]
        if operation == "delete":
            del parent[last]
        elif operation == "retype":
            parent[last] = copy.deepcopy(draw(fuzz_inputs.ANY_VALUE))
        else:
            parent[last] = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))
    return kind, record


@pytest.mark.parametrize("kind", sorted(schema.SCHEMA_FILES))
def test_every_schema_is_compiled(kind):
    assert schema._is_valid(kind) != schema.validator(kind).is_valid


def test_demo_records_are_valid_both_ways():
    assert VALID_RECORDS
    for kind, record in VALID_RECORDS:
        assert schema._is_valid(kind)(record) and schema.validator(kind).is_valid(record)


@compare(1000)
@given(case=mutated_records())
def test_compiled_schema_check_agrees_with_jsonschema(case):
    kind, record = case
    assert schema._is_valid(kind)(record) == schema.validator(kind).is_valid(record)


@compare(200)
@given(data=fuzz_inputs.documents)
def test_compiled_synonyms_check_agrees_with_jsonschema(data):
    assert schema._is_valid("synonyms")(data) == schema.validator("synonyms").is_valid(data)


# --- Markdown: the reused converter and a new one --------------------------------------------
MARKDOWN_CHUNKS = ["# ", "## ", "\n", "\n\n", "- ", "1. ", "2. ", "**", "*", "_", "`", "```\n", "    ",
                   "> ", "| a | b |\n|---|:-:|\n| 1 | 2 |\n", "[x][1]", "\n[1]: http://a.b \"t\"\n",
                   "[y](http://z)", "<div>", "</div>", "<script>", "&", "<", "![i](p.jpg)", "---\n",
                   "a", "é", "\\", "  \n", "<!-- c -->"]


@compare(300)
@given(texts=st.lists(st.lists(st.one_of(st.sampled_from(MARKDOWN_CHUNKS), st.text(max_size=5)),
                               max_size=30).map("".join), min_size=1, max_size=4))
def test_reused_markdown_converter_gives_what_a_new_one_gives(texts):
    for text in texts:  # one after another: nothing (e.g. a [1]: link) is carried over
        fresh = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
        assert markup._markdown_converter().reset().convert(text) == fresh
