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


def test_schema_and_other_problems_of_one_file_in_one_run(tmp_path):
    """A file the schema refuses is still checked for what a schema cannot see (dates in order,
    files, references, geometry, Markdown): one build names every problem of every file."""
    problems = problems_of(tmp_path, {
        "content/projects/lilas.yaml": project_yaml(
            status="status: finished",  # schema: not a status
            schedule="schedule:\n  planned_start: 2026-12-01\n  planned_end: 2026-03-31",  # end before start
            category="category: voirie\ndescription: Voir <b>ici</b>.",  # raw HTML
            location="photos:\n  - file: images/absente.jpg\n    alt: La rue\n  - file: images/autre.jpg"),
        "content/works/w.yaml": """
            reference: 2026-ARR-0001
            title: Fermeture
            sectors: [secteur-1]
            kind: fermeture
            street: rue des Lilas
            geometry: {type: LineString, coordinates: [[4.85, 45.74]]}
            start: 2026-12-05
            end: 2026-12-01
            project: inconnu
            """,
    })
    assert [str(p) for p in problems] == [
        "content/projects/lilas.yaml:4:14 — description : le HTML n'est pas accepté dans les textes (« <b> ») : "
        "écrivez en Markdown, par exemple **important**, [un lien](https://…) ou ![description](images/fichier.jpg)",
        "content/projects/lilas.yaml:6:9 — status : valeur « finished » inconnue ; valeurs possibles : planned, "
        "in_progress, suspended, completed, cancelled",
        "content/projects/lilas.yaml:9:16 — schedule.planned_end : la fin (« planned_end ») est avant le début "
        "(« planned_start »)",
        "content/projects/lilas.yaml:11:11 — photos[1].file : fichier « images/absente.jpg » introuvable dans content/",
        "content/projects/lilas.yaml:13:5 — photos[2].alt : champ obligatoire « alt » manquant",
        "content/projects/lilas.yaml:13:11 — photos[2].file : fichier « images/autre.jpg » introuvable dans content/",
        "content/works/w.yaml:4:7 — kind : valeur « fermeture » inconnue ; valeurs possibles : closure, "
        "lane_restriction, parking_ban, detour, alternating_traffic, noise, other",
        "content/works/w.yaml:6:30 — geometry.coordinates : un tracé doit relier au moins deux points différents "
        "(1 donné)",
        "content/works/w.yaml:8:6 — end : la fin (« end ») est avant le début (« start »)",
        "content/works/w.yaml:9:10 — project : projet « inconnu » inconnu",
    ]
