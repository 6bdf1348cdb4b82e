"""A broken record stops the build cleanly and leaves the published site untouched."""

import shutil

import pytest

from building import copy_demo_site, run_clairvoie, run_pelican, tree_digest

BROKEN_PROJECT = """title: Projet cassé
sectors: [secteur4]
category: voirie
summary: Un projet dont la fiche contient des erreurs.
status: en_cours
schedule:
  planned_start: 2026-02-30
  planned_end: 2026-12-31
"""


@pytest.fixture(scope="module")
def built_copy(tmp_path_factory):
    site = copy_demo_site(tmp_path_factory.mktemp("site"))
    result = run_pelican(site, site / "output")
    assert result.returncode == 0, result.stderr
    return site


def test_broken_record_stops_build_with_every_error_and_keeps_output(built_copy):
    site = built_copy
    before = tree_digest(site / "output")
    broken = site / "content" / "projects" / "projet-casse.yaml"
    broken.write_text(BROKEN_PROJECT, encoding="utf-8")
    try:
        result = run_pelican(site, site / "output")
    finally:
        broken.unlink()
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.startswith("content/projects/projet-casse.yaml:")]
    assert lines == [
        "content/projects/projet-casse.yaml:2:11 — sectors[1] : secteur « secteur4 » inconnu ; vouliez-vous dire « secteur-4 » ?",
        "content/projects/projet-casse.yaml:5:9 — status : valeur « en_cours » inconnue ; valeurs possibles : "
        "planned, in_progress, suspended, completed, cancelled",
        "content/projects/projet-casse.yaml:7:18 — schedule.planned_start : date non valide « 2026-02-30 » : "
        "écrivez AAAA-MM-JJ, par exemple 2026-11-23",
    ]
    assert tree_digest(site / "output") == before
    assert not (site / "output.clairvoie-new").exists()


def test_clairvoie_validate_reports_the_same_and_exits_non_zero(built_copy):
    site = built_copy
    assert run_clairvoie(site, "validate").returncode == 0
    broken = site / "sectors" / "secteur-7.yaml"
    broken.write_text("name: Secteur 7\npanels:\n  - id: x\n    name: Panneau\n    lines: 3\n", encoding="utf-8")
    try:
        result = run_clairvoie(site, "validate")
    finally:
        broken.unlink()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "sectors/secteur-7.yaml:3:5 — panels[1].columns : champ obligatoire « columns » manquant" in result.stderr
    assert "sectors/secteur-7.yaml:3:5 — panels[1].charset : champ obligatoire « charset » manquant" in result.stderr


# Another process building into the folder given: it holds the folder's lock until told to stop.
BUILDING_ELSEWHERE = """
import sys
from types import SimpleNamespace
from clairvoie import staging
staging.begin(SimpleNamespace(settings={"OUTPUT_PATH": sys.argv[1]}, output_path=None))
print("building", flush=True)
sys.stdin.read()
"""


def test_a_build_into_a_folder_another_process_builds_into_stops_in_french_and_writes_nothing(built_copy):
    """make site while make serve (or a forgotten pelican --autoreload) builds into output/."""
    import subprocess
    import sys

    site = built_copy
    before = tree_digest(site / "output")
    other = subprocess.Popen([sys.executable, "-c", BUILDING_ELSEWHERE, str(site / "output")],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "building"
        (site / "output.clairvoie-new" / "page-en-cours.html").write_text("<p>en cours</p>", encoding="utf-8")
        result = run_pelican(site, site / "output")
    finally:
        other.communicate("", timeout=60)
    said = result.stdout + result.stderr  # Pelican's log of the error that stopped it
    assert result.returncode != 0
    assert "Traceback" not in said
    assert (f"Une autre construction est en cours dans le dossier « {site / 'output'} » "
            f"(le processus {other.pid}, par exemple « make serve »") in said
    assert "Cette construction n'a rien écrit ; le site de ce dossier reste tel quel." in said
    assert tree_digest(site / "output") == before
    # The other build's work was not emptied under it.
    assert (site / "output.clairvoie-new" / "page-en-cours.html").read_text(encoding="utf-8") == "<p>en cours</p>"
    shutil.rmtree(site / "output.clairvoie-new")  # as that build would have, once put in place


def test_successful_rebuild_replaces_output_and_drops_removed_pages(built_copy):
    site = built_copy
    events = sorted((site / "content" / "events").glob("*.yaml"))
    removed = events[0]
    text = removed.read_text(encoding="utf-8")
    removed.unlink()
    try:
        result = run_pelican(site, site / "output")
        assert result.returncode == 0, result.stderr
        assert not (site / "output" / "reunions" / removed.stem).exists()
    finally:
        removed.write_text(text, encoding="utf-8")
