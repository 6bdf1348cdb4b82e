"""Fuzzing the record loader: whatever a record file holds, the build answers in French.

Whatever is written in a record file, ``load_model`` either loads the site or
raises ``InvalidRecords`` whose problems point into that file (line and column
from 1, a non-empty French message). It never raises anything else and never
hangs (each load runs under a time limit).

Three generators: (a) random YAML-ish text, (b) random data structures dumped
as YAML, (c) mutations of a valid project, report or list of the kinds of report. Runs are derandomized so that CI is
reproducible; set ``CLAIRVOIE_FUZZ_EXAMPLES`` (e.g. 2000) and
``CLAIRVOIE_FUZZ_RANDOM=1`` for a longer, exploring run on a workstation.

Inputs that once broke the loader (control characters, explicit tags, alias
bombs, lone surrogates, untranslated PyYAML messages) are kept at the end of
this file as plain regression tests. Should a new package bug be found, keep
it out of the generators with an ``assume()`` and give it its own
``xfail(strict=True)`` reproducer (the corpus does the same with the ``bug``
key of tests/fixtures/malformed/expected.yaml).
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import textwrap
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import (
    HealthCheck, currently_in_test_context, event, given, settings, strategies as st,
)

from clairvoie.model import InvalidRecords, Problem, load_model
from clairvoie.settings import ClairvoieSettings
from sites import time_limit

NOW = dt.datetime(2026, 11, 24, 12, tzinfo=ZoneInfo("Europe/Paris"))
EXAMPLES = int(os.environ.get("CLAIRVOIE_FUZZ_EXAMPLES", "0"))
_FUZZ = settings(
    derandomize=not os.environ.get("CLAIRVOIE_FUZZ_RANDOM"),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)




def fuzz(examples: int) -> settings:
    return settings(_FUZZ, max_examples=EXAMPLES or examples)


LOAD_TIME_LIMIT = 3.0  # seconds; a normal load of this small site takes ~20 ms

# The fuzzed file sorts after the base records of its folder ("zz-"), so that a
# clash with a base record (same works reference) is reported on the fuzzed file.
FUZZED = {
    "project": "content/projects/zz-fuzz.yaml",
    "works": "content/works/zz-fuzz.yaml",
    "meeting": "content/events/zz-fuzz.yaml",
    "sector": "sectors/zz-fuzz.yaml",
    "report": "content/signalements/zz-fuzz.yaml",
    "services": "content/signalements/services.yaml",  # replaces the base site's, then is put back
}
KINDS = tuple(FUZZED)

BASE_SITE = {
    "sectors/secteur-1.yaml": "name: Secteur 1 – Centre\nshort_name: Centre\n",
    "sectors/secteur-2.yaml": "name: Secteur 2 – Les Hauts\n",
    "content/projects/refection-rue-des-lilas.yaml": """\
        title: Réfection de la rue des Lilas
        sectors: [secteur-1]
        category: voirie
        summary: La chaussée de la rue des Lilas est refaite.
        status: in_progress
        schedule:
          planned_start: 2026-03-01
          planned_end: 2026-12-31
    """,
    "content/works/arrete-2026-0412.yaml": """\
        reference: 2026-ARR-0412
        title: Fermeture de la rue des Lilas
        sectors: [secteur-1]
        kind: closure
        street: rue des Lilas
        start: 2026-11-30T07:30
        end: 2026-12-04T17:00
        project: refection-rue-des-lilas
    """,
    "content/events/reunion-rue-des-lilas.yaml": """\
        title: Réunion publique sur la rue des Lilas
        sectors: [secteur-1]
        start: 2026-12-10T18:30
        end: 2026-12-10T20:30
        place: Salle des fêtes
        participation: consult
        description: Présentation du chantier.
    """,
    # A real file for the generated "file:"/"geometry:" paths to sometimes hit.
    "content/geo/rue-des-lilas.geojson":
        '{"type": "LineString", "coordinates": [[2.35, 48.85], [2.36, 48.86]]}\n',
    "content/documents/plan.pdf": "%PDF-1.4\n",
    # The kinds of report; no report, so that a fuzzed services.yaml troubles no other file.
    "content/signalements/services.yaml": """\
        services:
          - code: eclairage
            name: Éclairage public en panne
            group: Voirie
            commitment_days: 10
            keywords: [lampadaire]
          - code: nid-de-poule
            name: Nid-de-poule
    """,
}

# A valid project using every optional block the loader can check without an image.
VALID_PROJECT: dict[str, Any] = {
    "title": "Réaménagement de la place du Marché",
    "sectors": ["secteur-1", "secteur-2"],
    "category": "espaces verts",
    "summary": "La place du Marché devient un jardin ombragé avec des bancs.",
    "description": "Le projet a été **présenté** en réunion publique.",
    "status": "in_progress",
    "progress": 40,
    "participation": "concert",
    "location": {"address": "place du Marché", "lat": 48.85, "lon": 2.35,
                 "geometry": "geo/rue-des-lilas.geojson"},
    "budget": {"planned": 250000, "spent": 90000.5},
    "schedule": {"planned_start": "2026-02-01", "planned_end": "2026-10-31",
                 "actual_start": "2026-02-03"},
    "milestones": [{"date": "2026-02-03", "title": "Début des travaux", "done": True},
                   {"date": "2026-10-31", "title": "Inauguration", "done": False}],
    "updates": [
        {"date": "2026-05-01", "kind": "progress", "title": "Plantations", "body": "Vingt arbres."},
        {"date": "2026-06-01", "kind": "delay", "title": "Retard", "reason": "Sécheresse.",
         "new_planned_end": "2027-03-31"},
        {"date": "2026-07-01", "kind": "cost_overrun", "title": "Surcoût", "reason": "Pompes.",
         "new_budget": 280000},
    ],
    "documents": [{"title": "Plan", "file": "documents/plan.pdf"},
                  {"title": "Délibération", "url": "https://www.clairville.fr/deliberation.pdf"}],
    "contact": {"service": "Service des espaces verts", "email": "jardins@clairville.fr",
                "phone": "01 23 45 67 89"},
}

# A valid report (its file is zz-fuzz.yaml) using every field the loader checks.
VALID_REPORT: dict[str, Any] = {
    "number": "ZZ-FUZZ",
    "service": "eclairage",
    "received": "2026-11-02T08:15",
    "location": {"street": "Rue des Lilas", "section": "devant le n°12", "lat": 48.85, "lon": 2.35},
    "sectors": ["secteur-1"],
    "public_summary": "Un lampadaire éteint depuis une semaine.",
    "history": [
        {"date": "2026-11-02T08:15", "stage": "received"},
        {"date": "2026-11-03", "stage": "acknowledged", "service_in_charge": "Régie éclairage"},
        {"date": "2026-11-05", "stage": "scheduled", "expected": "2026-11-30", "works": "2026-ARR-0412",
         "project": "refection-rue-des-lilas", "note": "Remplacement de la lanterne."},
        {"date": "2026-11-06", "stage": "resolved"},
        {"date": "2026-11-10", "stage": "reopened", "reason": "Il s'éteint encore."},
        {"date": "2026-11-12", "stage": "closed", "reason": "Ligne en travaux."},
    ],
    "source": {"system": "GRC", "id": "884512"},
}
VALID_SERVICES: dict[str, Any] = {"services": [
    {"code": "eclairage", "name": "Éclairage public en panne", "group": "Voirie", "commitment_days": 10,
     "keywords": ["lampadaire", "réverbère"]},
    {"code": "depot-sauvage", "name": "Dépôt sauvage"},
]}
VALID = {"project": VALID_PROJECT, "report": VALID_REPORT, "services": VALID_SERVICES}

SPEC_KEYS = sorted({
    # projects
    "title", "sectors", "category", "summary", "description", "status", "progress",
    "participation", "location", "address", "lat", "lon", "geometry", "budget", "planned",
    "spent", "schedule", "planned_start", "planned_end", "actual_start", "actual_end",
    "milestones", "date", "done", "updates", "kind", "body", "reason", "new_planned_end",
    "new_budget", "photos", "file", "alt", "caption", "stage", "documents", "url", "contact",
    "service", "email", "phone",
    # works orders and meetings
    "reference", "street", "section", "start", "end", "hours", "direction", "detour",
    "project", "issued_by", "signed", "document", "cancelled", "place", "registration_url",
    # sectors and GeoJSON
    "name", "short_name", "communes", "panels", "id", "lines", "columns", "charset",
    "type", "coordinates",
    # residents' reports and their kinds
    "number", "service", "received", "public_summary", "history", "stage", "note",
    "service_in_charge", "expected", "works", "duplicate_of", "system", "services", "code", "group",
    "commitment_days", "keywords",
})
SPEC_VALUES = [
    "2026-03-01", "2026-02-30", "2026-13-01", "30/11/2026", "2026-11-23T07:30",
    "2026-11-23 07:30:00+01:00", "2026-11-23T07:30Z", "all", "secteur-1", "secteur-11",
    "refection-rue-des-lilas", "125000", "-1", "0", "100", "150", "1e3", "0x1F", "0o17",
    ".nan", ".inf", "-.inf", "~", "null", "true", "no", "yes", "https://www.clairville.fr/a",
    "www.clairville.fr", "mairie@clairville.fr", "mairie@", "voirie", "éclairage", "in_progress",
    "planned", "delay", "cost_overrun", "suspension", "cancellation", "closure", "consult",
    "latin-1", "utf-8", "before", "Point", "LineString", "Polygon", "[2.35, 48.85]",
    "[200, 100]", "photos/lilas/avant.jpg", "geo/rue-des-lilas.geojson", "../../etc/passwd",
    "documents/plan.pdf", "Mo-Fr 07:30-17:00", "2026-ARR-0412",
    "received", "scheduled", "duplicate", "reopened", "eclairage", "ZZ-FUZZ", "zz-fuzz", "2026-004512",
]
# Any character: control characters, lone surrogates, non-characters, emoji,
# right-to-left scripts, combining marks.
TEXT_CHARACTERS = st.characters()
YAML_PUNCTUATION = [
    ":", ": ", "-", "- ", "\n", "\n", "\n  ", "\n    ", "\n- ", "\n  - ", " ", "  ", "\t",
    "[", "]", "{", "}", ", ", "'", '"', "#", "&a ", "*a", "&b ", "*b", "!!str ", "!!binary ",
    "!!python/object:os.system ", "!local ", "|", "|-\n  ", ">", "? ", "---\n", "...\n", "%YAML 1.1\n",
    "@", "`", "\\", "\\x", "\\u00e9", "\r\n", "<<: ", "=", "é", "€", "–", "«", "»", "\u00a0",
    "\u2028", "\x85", "\ufeff", "😀", "Ω",
]

yaml_chunks = st.one_of(
    st.sampled_from(YAML_PUNCTUATION),
    st.sampled_from(SPEC_KEYS).map(lambda key: key + ": "),
    st.sampled_from(SPEC_VALUES),
    st.text(TEXT_CHARACTERS, max_size=6),
)
yamlish_text = st.lists(yaml_chunks, max_size=50).map("".join)

keys = st.one_of(st.sampled_from(SPEC_KEYS), st.text(TEXT_CHARACTERS, max_size=10))
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-200, 200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(SPEC_VALUES), st.text(TEXT_CHARACTERS, max_size=30),
)
trees = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(keys, children, max_size=6)),
    max_leaves=25,
)
documents = st.one_of(st.dictionaries(keys, trees, max_size=10), trees)


# --- running the loader --------------------------------------------------------------


def write_base_site(root: Path) -> Path:
    for relative, text in BASE_SITE.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = write_base_site(tmp_path_factory.mktemp("fuzz-site"))
    load_model(ClairvoieSettings(site_root=str(root)), str(root / "content"), "Europe/Paris",
               articles=[], now=NOW)  # the base site is valid
    return root


def load_with(site: Path, kind: str, content: str | bytes) -> list[Problem] | None:
    """Load the base site plus one fuzzed record; its problems, or None if it loads."""
    path = site / FUZZED[kind]
    if isinstance(content, str):  # a lone surrogate gives bytes that are not UTF-8
        content = content.encode("utf-8", "surrogatepass")
    previous = path.read_bytes() if path.exists() else None
    path.write_bytes(content)
    try:
        with time_limit(LOAD_TIME_LIMIT):
            load_model(ClairvoieSettings(site_root=str(site)), str(site / "content"),
                       "Europe/Paris", articles=[], now=NOW)
    except InvalidRecords as error:
        return error.problems
    finally:
        if previous is None:
            path.unlink()
        else:
            path.write_bytes(previous)
    return None


ENGLISH = re.compile(
    r"\b(is not|not|required|expected|found|could|cannot|but got|while|unexpected|"
    r"invalid|must|should|unknown|missing|error|character|the|tag|scanning|parsing)\b",
    re.IGNORECASE,
)
FRENCH_HINTS = re.compile(
    r"\b(doit|être|champ|valeur|fichier|date|liste|secteur|projet|fin|début|nombre|texte|"
    r"non|inconnu|inconnue|obligatoire|manquant|adresse|trop|vide|erreur|une?|la|le|les|de|du|"
    r"des|dans|avec|pour|catégorie|géométrie|identifiant|panneau|compris|moins|plus)\b",
    re.IGNORECASE,
)


def assert_french(problem: Problem) -> None:
    own_words = re.sub(r"«[^»]*»", "", problem.message)  # values quoted back are the writer's
    assert not ENGLISH.findall(own_words), f"English in a message: {problem}"
    assert FRENCH_HINTS.search(own_words), f"not recognisably French: {problem}"


def _outcome(problems: list[Problem] | None) -> str:
    """A label for Hypothesis' statistics (pytest --hypothesis-show-statistics)."""
    if problems is None:
        return "loads"
    if any(p.message.startswith("erreur de syntaxe YAML") for p in problems):
        return "refused: YAML syntax"
    if all(not p.field for p in problems):
        return "refused: whole file"
    return "refused: fields"


def check_problems(problems: list[Problem] | None, kind: str, text: str | None = None) -> None:
    if currently_in_test_context():
        event(_outcome(problems))
    if problems is None:
        return
    assert problems, "InvalidRecords without any problem"
    for problem in problems:
        assert problem.file == FUZZED[kind], str(problem)
        assert isinstance(problem.line, int) and problem.line >= 1, str(problem)
        assert isinstance(problem.column, int) and problem.column >= 1, str(problem)
        assert isinstance(problem.field, str), str(problem)
        assert problem.message.strip(), str(problem)
        if text is not None:  # generated by yaml.safe_dump: problems are on real lines
            assert problem.line <= max(len(text.splitlines()), 1), str(problem)
        assert_french(problem)


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


# --- (a) random YAML-ish text --------------------------------------------------------------
@fuzz(800)
@given(kind=st.sampled_from(KINDS), text=yamlish_text)
def test_random_text_is_loaded_or_refused_with_problems(site, kind, text):
    check_problems(load_with(site, kind, text), kind)


@fuzz(300)
@given(kind=st.sampled_from(KINDS), text=st.text(TEXT_CHARACTERS | st.sampled_from("\n\t\r :-[]{}"),
                                                 max_size=200))
def test_random_unicode_text_is_loaded_or_refused_with_problems(site, kind, text):
    check_problems(load_with(site, kind, text), kind)


@fuzz(200)
@given(kind=st.sampled_from(KINDS), raw=st.binary(max_size=120))
def test_random_bytes_are_loaded_or_refused_with_problems(site, kind, raw):
    check_problems(load_with(site, kind, raw), kind)


# --- (b) random data structures, dumped as YAML -----------------------------------------------
@fuzz(400)
@given(kind=st.sampled_from(KINDS), data=documents)
def test_random_structures_are_loaded_or_refused_with_problems(site, kind, data):
    text = dump(data)
    check_problems(load_with(site, kind, text), kind, text)


# --- (c) mutations of a valid project ------------------------------------------------------------
def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    """Every path to a value in a tree of dicts and lists."""
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, path + (index,))
    return found


def _get(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part]
    return node


VALUES_BY_TYPE = {
    type(None): st.none(),
    bool: st.booleans(),
    int: st.integers(-10**12, 10**12),
    float: st.floats(allow_nan=True, allow_infinity=True),
    str: st.one_of(st.sampled_from(SPEC_VALUES), st.text(TEXT_CHARACTERS, max_size=15)),
    list: st.lists(st.one_of(st.sampled_from(SPEC_VALUES), st.integers(-5, 200)), max_size=3),
    dict: st.dictionaries(st.sampled_from(SPEC_KEYS), st.sampled_from(SPEC_VALUES), max_size=3),
}
ANY_VALUE = st.one_of(*VALUES_BY_TYPE.values())


@st.composite
def mutated(draw, kind: str) -> tuple[dict, list[str]]:
    """The valid record of a kind with 1 to 3 mutations: delete, retype, revalue or add a field."""
    project = copy.deepcopy(VALID[kind])
    done = []
    for _ in range(draw(st.integers(1, 3))):
        operation = draw(st.sampled_from(["delete", "retype", "revalue", "add"]))
        if operation == "add":
            containers = [p for p in _paths(project) if isinstance(_get(project, p), dict)]
            where = draw(st.sampled_from(containers))
            key = draw(keys)
            _get(project, where)[key] = draw(ANY_VALUE)
            done.append(f"add {where + (key,)}")
            continue
        paths = [p for p in _paths(project) if p]
        if not paths:
            break
        where = draw(st.sampled_from(paths))
        parent, last = _get(project, where[:-1]), where[-1]
        if operation == "delete":
            del parent[last]
        elif operation == "retype":  # a value of another type
            other = draw(st.sampled_from([t for t in VALUES_BY_TYPE if not isinstance(parent[last], t)]))
            parent[last] = draw(VALUES_BY_TYPE[other])
        else:  # a plausible value of the spec, often valid in shape but wrong in meaning
            parent[last] = draw(st.sampled_from(SPEC_VALUES))
        done.append(f"{operation} {where}")
    return project, done


@pytest.mark.parametrize("kind", sorted(VALID))
def test_valid_record_used_for_mutations_loads(site, kind):
    assert load_with(site, kind, dump(VALID[kind])) is None


@fuzz(600)
@given(mutation=mutated("project"))
def test_mutated_project_is_loaded_or_refused_in_french_at_real_positions(site, mutation):
    project, _operations = mutation
    text = dump(project)
    problems = load_with(site, "project", text)
    check_problems(problems, "project", text)


@fuzz(300)
@given(kind=st.sampled_from(["report", "services"]), data=st.data())
def test_mutated_report_or_services_is_loaded_or_refused_in_french_at_real_positions(site, kind, data):
    record, _operations = data.draw(mutated(kind))
    text = dump(record)
    check_problems(load_with(site, kind, text), kind, text)


# --- inputs that once broke the loader, kept as regression tests -----------------------------------
def _refused(site: Path, kind: str, content: str | bytes) -> list[Problem]:
    problems = load_with(site, kind, content)
    assert problems, "loaded without any problem"
    check_problems(problems, kind)
    return problems


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x0b", "\x1b", "\x7f", "\x9f", "\ufffe"])
def test_control_character_is_refused_at_its_line(site, character):
    problems = _refused(site, "project", f"title: Rue des Lilas\nsummary: Fin{character}\n")
    assert [(p.line, p.field) for p in problems] == [(2, "")]
    assert "caractère" in problems[0].message


@pytest.mark.parametrize("value", ["!!int soixante", "!!float x", "!!bool peut-être",
                                   "!!timestamp 2026-02-30", "!!binary aGVsbG8=", "!local x"])
def test_explicit_tag_on_a_wrong_value_is_refused_at_its_field(site, value):
    problems = _refused(site, "project", f"title: Rue des Lilas\nprogress: {value}\n")
    assert any(p.line == 2 and p.field == "progress" for p in problems), problems


def test_alias_bomb_is_refused_quickly(site):
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 9)]
    problems = _refused(site, "sector", "name: Secteur 9\n" + "\n".join(levels) + "\n")
    assert {p.line for p in problems if "alias" in p.message} == set(range(3, 11))


@pytest.mark.parametrize("text", [
    "title: [Rue des Lilas\nsectors: [secteur-1]\n",          # expected ',' or ']', but got ':'
    "title: {a: b\nsectors: [secteur-1]\n",                   # expected ',' or '}', but got ':'
    "sectors:\n  - secteur-1\n - secteur-2\n",                # ... found '<block sequence start>'
    "title: a\n---\ntitle: b\n",                              # but found another document
    "title: a\n...\ntitle: b\n",                              # expected '<document start>'
    "title: !local a\n",                                      # could not determine a constructor
    "<<: {title: a}\n",                                       # merge key
    "%YAML 2.0\n---\ntitle: a\n",                             # incompatible YAML document
    "%TAG ! tag:a,2000:\n%TAG ! tag:b,2000:\n---\ntitle: a\n",  # duplicate tag handle
    "title: !<tag:a> a\n",                                    # unknown verbatim tag
    "title: 'a\n",                                             # unclosed single quote
    "title: |0\n  a\n",                                        # bad block scalar indicator
    "title: \"\\q\"\n",                                       # unknown escape
    "? a\n? b\n: c\n- d\n",                                   # mixed mapping and sequence
])
def test_yaml_syntax_problems_are_explained_in_french(site, text):
    _refused(site, "project", text)


@pytest.mark.parametrize("field", ["title", "description"])  # plain text, Markdown
def test_lone_surrogate_escape_is_refused_at_its_field(site, field):
    text = dump({**VALID_PROJECT, field: "x"}).replace(f"{field}: x", f'{field}: "Lilas \\ud800"')
    line = text.splitlines().index(f'{field}: "Lilas \\ud800"') + 1
    problems = _refused(site, "project", text)
    assert [(p.line, p.field) for p in problems] == [(line, field)]


def test_lone_surrogate_in_the_file_bytes_is_refused_as_not_utf8(site):
    problems = _refused(site, "project", "title: Rue des Lilas\nsummary: a\ud800\n")
    assert [(p.line, p.field) for p in problems] == [(2, "")]
    assert "UTF-8" in problems[0].message


# A field NAME that cannot be read is reported on its own line, not its parent's.
@pytest.mark.parametrize("key", ["!!int deux", '"\\ud800"'])
def test_unreadable_field_name_is_reported_at_its_line(site, key):
    problems = _refused(site, "project", "title: Lilas\nschedule:\n  planned_start: 2026-03-01\n"
                                         f"  {key}: x\n")
    assert [p.line for p in problems] == [4]
