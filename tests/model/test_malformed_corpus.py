"""A corpus of malformed records: each one is refused, in French, at the right place.

Every file of ``tests/fixtures/malformed/`` is a small realistic record (project,
works order, meeting, sector or residents' report) with exactly one mistake; ``expected.yaml`` says
which line, field and French message the report must point to. Each file is
copied alone into a valid minimal site, then all of them at once.

Entries with a ``bug`` key are known package bugs: their test is marked
``xfail(strict=True)`` so that it fails loudly once the bug is fixed.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from clairvoie.model import InvalidRecords, Problem, load_model
from clairvoie.settings import ClairvoieSettings
from sites import time_limit

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "malformed"
INDEX = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
KINDS = ("project", "works", "meeting", "sector", "report")
FOLDERS = {
    "project": "content/projects",
    "works": "content/works",
    "meeting": "content/events",
    "sector": "sectors",
    "report": "content/signalements",
}
NOW = dt.datetime(2026, 11, 24, 12, tzinfo=ZoneInfo("Europe/Paris"))
# A whole site of a few dozen records loads in well under a second; a loader
# that takes longer than this is stuck (e.g. expanding a YAML alias bomb).
LOAD_TIME_LIMIT = 3.0

# A valid minimal site: two sectors, a project, a works order tied to it, a meeting, the kinds
# of report and a report.
BASE_SITE = {
    "sectors/secteur-1.yaml": """
        name: Secteur 1 – Centre
        short_name: Centre
        contact:
          service: Mairie annexe du Centre
          email: centre@clairville.fr
        panels:
          - id: centre-mairie
            name: Panneau de la mairie
            lines: 4
            columns: 20
            charset: latin-1
    """,
    "sectors/secteur-2.yaml": """
        name: Secteur 2 – Les Hauts
        short_name: Les Hauts
    """,
    "content/projects/refection-rue-des-lilas.yaml": """
        title: Réfection de la rue des Lilas
        sectors: [secteur-1]
        category: voirie
        summary: La chaussée et les trottoirs de la rue des Lilas sont refaits.
        status: in_progress
        participation: inform
        budget:
          planned: 125000
          spent: 40000
        schedule:
          planned_start: 2026-03-01
          planned_end: 2026-12-31
          actual_start: 2026-03-02
        milestones:
          - date: 2026-03-02
            title: Début des travaux
            done: true
        updates:
          - date: 2026-06-15
            kind: delay
            title: Le chantier prend du retard
            reason: Des canalisations anciennes doivent être remplacées.
            new_planned_end: 2027-02-28
        documents:
          - title: Délibération du conseil municipal
            url: https://www.clairville.fr/deliberation-2026-12.pdf
    """,
    "content/works/arrete-2026-0412.yaml": """
        reference: 2026-ARR-0412
        title: Fermeture de la rue des Lilas
        sectors: [secteur-1]
        kind: closure
        street: rue des Lilas
        section: du n°2 au n°24
        start: 2026-11-30T07:30
        end: 2026-12-04T17:00
        hours: Mo-Fr 07:30-17:00
        project: refection-rue-des-lilas
    """,
    "content/events/reunion-rue-des-lilas.yaml": """
        title: Réunion publique sur la rue des Lilas
        sectors: [secteur-1, secteur-2]
        start: 2026-12-10T18:30
        end: 2026-12-10T20:30
        place: Salle des fêtes
        participation: consult
        description: Présentation du chantier et **questions** des habitants.
        registration_url: https://www.clairville.fr/inscription
    """,
    "content/signalements/services.yaml": """
        services:
          - code: eclairage
            name: Éclairage public en panne
            group: Voirie
            commitment_days: 10
    """,
    "content/signalements/2026-004512.yaml": """
        number: "2026-004512"
        service: eclairage
        received: 2026-11-02T08:15
        location:
          street: Rue des Lilas
        sectors: [secteur-1]
        history:
          - date: 2026-11-02T08:15
            stage: received
          - date: 2026-11-04
            stage: scheduled
            expected: 2026-11-30
            works: 2026-ARR-0412
    """,
}

# English words that must never reach the people who edit records. Values
# quoted back to them (between « and ») are theirs and are left out.
ENGLISH = re.compile(
    r"\b(is not|not|required|expected|found|could|cannot|but got|while|unexpected|"
    r"invalid|must|should|unknown|missing|error|character|the|tag|scanning|parsing)\b",
    re.IGNORECASE,
)


def english_words(message: str) -> list[str]:
    return ENGLISH.findall(re.sub(r"«[^»]*»", "", message))


def write_base_site(root: Path) -> Path:
    for relative, text in BASE_SITE.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def add_corpus_file(root: Path, name: str) -> str:
    """Copy one corpus file, byte for byte, to its record folder; return its shown path."""
    shown = f"{FOLDERS[INDEX[name]['kind']]}/{name}"
    target = root / shown
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((CORPUS / name).read_bytes())
    return shown




def load(root: Path, seconds: float = LOAD_TIME_LIMIT):
    settings = ClairvoieSettings(site_root=str(root))
    with time_limit(seconds):
        return load_model(settings, str(root / "content"), "Europe/Paris", articles=[], now=NOW)


def problems_of(root: Path, seconds: float = LOAD_TIME_LIMIT) -> list[Problem]:
    with pytest.raises(InvalidRecords) as caught:
        load(root, seconds)
    return caught.value.problems


def describe(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


def corpus_param(name: str):
    bug = INDEX[name].get("bug")
    marks = [pytest.mark.xfail(strict=True, reason=f"package bug: {bug}")] if bug else []
    return pytest.param(name, id=name, marks=marks)


CORPUS_FILES = sorted(INDEX)
KNOWN_BUGS = sorted(name for name in INDEX if INDEX[name].get("bug"))


# --- the corpus and its index agree ----------------------------------------------
def test_corpus_and_index_list_the_same_files():
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_file() and p.name != "expected.yaml"}
    assert on_disk == set(INDEX)
    assert len(on_disk) >= 34


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_index_entries_are_well_formed(name):
    entry = INDEX[name]
    assert set(entry) <= {"kind", "line", "field", "message", "bug"}
    assert entry["kind"] in KINDS
    assert isinstance(entry["line"], int) and entry["line"] >= 1
    assert isinstance(entry["field"], str)
    assert isinstance(entry["message"], str) and entry["message"]
    lines = (CORPUS / name).read_bytes().count(b"\n")
    assert entry["line"] <= max(lines, 1), "expected line is past the end of the file"


def test_every_record_kind_has_a_missing_required_field():
    kinds = {INDEX[n]["kind"] for n in INDEX if "champ obligatoire" in INDEX[n]["message"]}
    assert kinds == set(KINDS)


# --- the base site ---------------------------------------------------------------------
def test_base_site_is_valid(tmp_path):
    model = load(write_base_site(tmp_path))
    assert [s.id for s in model.sectors] == ["secteur-1", "secteur-2"]
    assert [p.id for p in model.projects] == ["refection-rue-des-lilas"]
    assert [w.id for w in model.works] == ["arrete-2026-0412"]
    assert [m.id for m in model.meetings] == ["reunion-rue-des-lilas"]
    assert [r.number for r in model.reports] == ["2026-004512"]
    assert model.works[0].project_id == "refection-rue-des-lilas"


# --- one malformed file at a time ------------------------------------------------------
@pytest.mark.parametrize("name", [corpus_param(n) for n in CORPUS_FILES])
def test_malformed_file_is_reported_at_its_line_and_field_in_french(tmp_path, name):
    expected = INDEX[name]
    shown = add_corpus_file(write_base_site(tmp_path), name)
    problems = problems_of(tmp_path)

    assert problems, "InvalidRecords raised without any problem"
    others = [p for p in problems if p.file != shown]
    assert not others, f"problems reported on other files:\n{describe(others)}"
    matching = [p for p in problems
                if p.line == expected["line"] and p.field == expected["field"]
                and expected["message"] in p.message]
    assert matching, (
        f"expected {shown}:{expected['line']} — {expected['field']!r} : …{expected['message']}…\n"
        f"got:\n{describe(problems)}")
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1, str(problem)
        assert problem.message.strip(), str(problem)
        assert not english_words(problem.message), f"English in a message: {problem}"
        assert str(problem).startswith(f"{shown}:{problem.line}:{problem.column} — ")


# --- every malformed file at once --------------------------------------------------------
def _add_corpus(root: Path, names: list[str]) -> dict[str, str]:
    return {add_corpus_file(root, name): name for name in names}


def test_every_error_of_every_file_is_reported_in_one_run(tmp_path):
    """The whole corpus in one site (but entries marked as package bugs, if any)."""
    names = [n for n in CORPUS_FILES if n not in KNOWN_BUGS]
    shown = _add_corpus(write_base_site(tmp_path), names)
    problems = problems_of(tmp_path)

    reported = {p.file for p in problems}
    assert reported == set(shown), (
        f"silent files: {sorted(set(shown) - reported)}; unexpected: {sorted(reported - set(shown))}")
    for path, name in shown.items():
        expected = INDEX[name]
        assert any(p.file == path and p.line == expected["line"] and p.field == expected["field"]
                   and expected["message"] in p.message for p in problems), (
            f"{path}: expected problem missing among\n"
            f"{describe([p for p in problems if p.file == path])}")
    report = InvalidRecords(problems).report()
    assert report.splitlines()[-1].startswith(f"{len(problems)} erreurs dans les fiches")


# --- not malformed: a valid file that must not be refused ------------------------------------
def test_start_and_end_in_different_offsets_are_compared_as_instants(tmp_path):
    write_base_site(tmp_path)
    (tmp_path / "content/works/arrete-nuit.yaml").write_text(textwrap.dedent("""\
        reference: 2026-ARR-0600
        title: Fermeture de nuit de la rue des Lilas
        sectors: [secteur-1]
        kind: closure
        street: rue des Lilas
        start: 2026-12-01T22:00+01:00
        end: 2026-12-01T21:30Z
    """), encoding="utf-8")  # 21:30Z is 22:30+01:00: half an hour after the start
    model = load(tmp_path)
    assert [w.id for w in model.works] == ["arrete-2026-0412", "arrete-nuit"]


def test_every_reserved_sector_id_says_in_french_what_it_already_names():
    from clairvoie import messages
    from clairvoie.model.build import RESERVED_SECTOR_IDS

    assert set(RESERVED_SECTOR_IDS) == set(messages.RESERVED_SECTOR_MEANING)
