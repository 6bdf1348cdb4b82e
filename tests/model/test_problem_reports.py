"""Problems are reported all at once, in French, at the line a person must edit."""

import pytest

from clairvoie.model import InvalidRecords
from sites import load_site, project_yaml, write_site

DELAY_WITHOUT_REASON = project_yaml(updates="""updates:
  - date: 2026-04-01
    kind: progress
    title: Début
  - date: 2026-05-01
    kind: delay
    title: Retard
""")


def problems_of(tmp_path, files):
    write_site(tmp_path, files)
    with pytest.raises(InvalidRecords) as caught:
        load_site(tmp_path)
    return caught.value.problems


def test_delay_without_reason_names_file_line_column_and_field(tmp_path):
    problems = problems_of(tmp_path, {"content/projects/lilas.yaml": DELAY_WITHOUT_REASON})
    assert [str(p) for p in problems] == [
        "content/projects/lilas.yaml:13:5 — updates[2] : "
        "un retard doit indiquer « reason » et « new_planned_end »"
    ]


def test_unknown_sector_suggests_the_nearest_one(tmp_path):
    problems = problems_of(tmp_path, {"content/projects/lilas.yaml": project_yaml(sectors="sectors: [secteur1]")})
    assert len(problems) == 1
    assert problems[0].field == "sectors[1]" and problems[0].line == 2
    assert "secteur « secteur1 » inconnu ; vouliez-vous dire « secteur-1 » ?" == problems[0].message


def test_every_problem_of_every_file_in_one_run(tmp_path):
    problems = problems_of(tmp_path, {
        "content/projects/lilas.yaml": DELAY_WITHOUT_REASON,
        "content/projects/roses.yaml": project_yaml(status="status: finished", title=""),
        "content/events/broken.yaml": "title: [unclosed\n",
        "sectors/secteur-3.yaml": "name: Secteur 3\ntitel: x\n",
    })
    by_file = {}
    for problem in problems:
        by_file.setdefault(problem.file, []).append(problem)
    assert sorted(by_file) == ["content/events/broken.yaml", "content/projects/lilas.yaml",
                               "content/projects/roses.yaml", "sectors/secteur-3.yaml"]
    assert {p.field for p in by_file["content/projects/roses.yaml"]} == {"title", "status"}
    assert by_file["sectors/secteur-3.yaml"][0].message == "champ inconnu « titel »"
    assert by_file["content/events/broken.yaml"][0].message.startswith("erreur de syntaxe YAML")


def test_duplicate_identifiers_across_folders(tmp_path):
    problems = problems_of(tmp_path, {
        "content/projects/lilas.yaml": project_yaml(),
        "content/projects/2026/lilas.yaml": project_yaml(),
    })
    assert [p.message for p in problems] == [
        "identifiant « lilas » déjà utilisé par content/projects/2026/lilas.yaml"]


def test_report_ends_with_a_summary_saying_nothing_was_published(tmp_path):
    write_site(tmp_path, {"content/projects/lilas.yaml": DELAY_WITHOUT_REASON})
    with pytest.raises(InvalidRecords) as caught:
        load_site(tmp_path)
    assert caught.value.report().splitlines()[-1] == (
        "1 erreur dans les fiches : rien n'a été publié, le site précédent reste en ligne tel quel.")
