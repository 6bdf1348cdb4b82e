"""Search at build time: a failed index stops the build like an invalid record; the synonyms
file is checked like the records, with French messages at file:line:column."""

import gzip
import json
import stat
from pathlib import Path

import pytest
import yaml

from building import copy_demo_site, run_clairvoie, run_pelican, tree_digest

BROKEN_SYNONYMS = """\
# Mots des habitants
trou: [chaussée, enrobé]
lampadaire: 12
Trou: [voirie]
vélo: []
poubelle: [poubelle, collecte des déchets]
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A copy of the demo city, with a previous site in output/ that must survive failures."""
    root = copy_demo_site(tmp_path_factory.mktemp("site"))
    (root / "output").mkdir()
    (root / "output" / "index.html").write_text("<p>Le site précédent</p>", encoding="utf-8")
    return root


def fake_pagefind(folder, script):
    path = folder / "pagefind"
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


@pytest.mark.parametrize("binary, detail", [
    ("broken", "Pagefind ne démarre pas"),
    ("missing", "Pagefind ne démarre pas"),
])
def test_a_failed_index_stops_the_build_and_keeps_the_site(site, tmp_path, monkeypatch, binary, detail):
    # Pagefind's Python API runs the binary PAGEFIND_BINARY_PATH names: here one that fails.
    path = (fake_pagefind(tmp_path, "echo 'erreur simulée' >&2\nexit 3\n") if binary == "broken"
            else str(tmp_path / "absent" / "pagefind"))
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", path)
    before = tree_digest(site / "output")
    result = run_pelican(site, site / "output")
    assert result.returncode == 1
    said = [line for line in result.stderr.splitlines() if line.startswith("La recherche du site")]
    assert len(said) == 1, result.stderr
    assert "n'a pas pu être indexée (" + detail in said[0]
    assert said[0].endswith("rien n'a été publié, le site précédent reste en ligne tel quel.")
    assert "Traceback" not in result.stdout + result.stderr
    assert tree_digest(site / "output") == before
    assert not (site / "output.clairvoie-new").exists()


# The real Pagefind service behind a relay that empties pagefind-entry.json in its answer,
# as a service stopped before its writes reached the disk left it (issue 12).
EMPTIED_ENTRY = """\
import base64, json, os, subprocess, sys
real = {real!r}
if sys.argv[1:] != ["--service"]:
    os.execv(real, [real, *sys.argv[1:]])
service = subprocess.Popen([real, "--service"], stdout=subprocess.PIPE)
pending = b""
while chunk := service.stdout.read1(1 << 20):
    pending += chunk
    while b"," in pending:
        message, pending = pending.split(b",", 1)
        answer = json.loads(base64.b64decode(message))
        for file in answer["payload"].get("files", []):
            if file["path"] == "pagefind-entry.json":
                file["content"] = ""
        sys.stdout.buffer.write(base64.b64encode(json.dumps(answer).encode()) + b",")
        sys.stdout.buffer.flush()
"""


def test_an_incomplete_index_stops_the_build_and_keeps_the_site(site, tmp_path, monkeypatch):
    import sys

    from pagefind.service import get_executable

    relay = fake_pagefind(tmp_path, "")
    Path(relay).write_text(f"#!{sys.executable}\n" + EMPTIED_ENTRY.format(real=str(get_executable())),
                           encoding="utf-8")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", relay)
    before = tree_digest(site / "output")
    result = run_pelican(site, site / "output")
    assert result.returncode == 1
    said = [line for line in result.stderr.splitlines() if line.startswith("La recherche du site")]
    assert said == ["La recherche du site n'a pas pu être indexée (index de Pagefind incomplet : "
                    "pagefind-entry.json est vide) : rien n'a été publié, le site précédent reste en "
                    "ligne tel quel."], result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert tree_digest(site / "output") == before
    assert not (site / "output.clairvoie-new").exists()


def _bundle(output):
    folder = output / "pagefind"
    return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def test_the_bundle_check_names_what_is_missing_or_cut_short(demo_output):
    from clairvoie.outputs.pagefind_order import problems

    files = _bundle(demo_output)
    pages = json.loads(files["pagefind-entry.json"])["languages"]["fr"]["page_count"]
    assert problems(files, pages) == []
    assert problems(files, pages + 1) == [f"pagefind-entry.json compte {pages} pages au lieu de {pages + 1}"]
    fragment = sorted(name for name in files if name.startswith("fragment/"))[0]
    cut = {**files, fragment: files[fragment][:-9]}
    assert [p.split(" (")[0] for p in problems(cut, pages)] == [f"{fragment} est illisible"]
    emptied = {**files, "wasm.unknown.pagefind": b""}
    assert problems(emptied, pages) == ["wasm.unknown.pagefind est vide"]
    filter_name = sorted(name for name in files if name.startswith("filter/"))[0]
    without = {name: data for name, data in files.items() if name not in (fragment, filter_name)}
    assert sorted(problems(without, pages)) == sorted([f"{fragment} manque", f"{filter_name} manque"])


def test_synonym_errors_are_reported_like_record_errors(site):
    synonyms = site / "content" / "search" / "synonymes.yaml"
    good = synonyms.read_text(encoding="utf-8")
    synonyms.write_text(BROKEN_SYNONYMS, encoding="utf-8")
    try:
        validated = run_clairvoie(site, "validate")
        built = run_pelican(site, site / "output")
    finally:
        synonyms.write_text(good, encoding="utf-8")
    expected = [
        "content/search/synonymes.yaml:3:13 — lampadaire : doit être un terme employé dans les fiches, "
        "ou une liste de termes entre crochets : [chaussée, enrobé]",
        "content/search/synonymes.yaml:4:1 — Trou : le mot « Trou » est déjà écrit ligne 2 (majuscules et "
        "accents ne comptent pas) : réunissez leurs termes sur une seule ligne",
        "content/search/synonymes.yaml:5:1 — vélo : doit être un terme employé dans les fiches, "
        "ou une liste de termes entre crochets : [chaussée, enrobé]",
        "content/search/synonymes.yaml:6:12 — poubelle[1] : le terme est le mot lui-même : retirez-le",
    ]
    for result in (validated, built):
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        lines = [line for line in result.stderr.splitlines() if line.startswith("content/search/")]
        assert lines == expected
    assert (site / "output" / "index.html").read_text(encoding="utf-8") == "<p>Le site précédent</p>"


def test_the_shipped_synonyms_are_many_and_valid():
    import yaml

    from building import REPO

    synonyms = yaml.safe_load((REPO / "content/search/synonymes.yaml").read_text(encoding="utf-8"))
    assert len(synonyms) >= 60
    for word in ("trou", "nid-de-poule", "lampadaire", "poubelle", "vélo"):
        assert word in synonyms


def fragments(output):
    """Every page Pagefind indexed: {url: fragment} (gzip'd JSON behind a signature)."""
    pages = {}
    for path in (output / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[data.index(b"{"):])
        pages[fragment["url"]] = fragment
    return pages


def test_the_index_holds_the_record_and_news_pages_and_no_list(demo_output):
    from building import REPO

    expected = {f"/{folder}/{p.stem}/" for folder, source in (
        ("projets", "content/projects"), ("travaux", "content/works"), ("reunions", "content/events"))
        for p in (REPO / source).glob("*.yaml")}
    expected |= {f"/secteurs/{p.stem}/" for p in (REPO / "sectors").glob("*.yaml")}
    expected |= {f"/signalements/{p.stem}/" for p in (REPO / "content/signalements").glob("*.yaml")
                 if p.name != "services.yaml"}
    pages = fragments(demo_output)
    news = {url for url in pages if url.startswith("/actualites/")}
    assert len(news) == len(list((REPO / "content/actualites").glob("*.md")))
    glossary = {"/lexique/"}  # found by the plain words of its entries
    # Each street's page (found by the street's name), never /rues/ nor its letter pages.
    streets = {f"/rues/{p.name}/" for p in (demo_output / "rues").iterdir()
               if p.is_dir() and not p.name.startswith("lettre-")}
    assert "/rues/rue-des-lilas/" in streets and len(streets) >= 20
    assert set(pages) == expected | news | glossary | streets
    lilas_street = pages["/rues/rue-des-lilas/"]
    assert lilas_street["meta"]["type"] == "Rue" and lilas_street["meta"]["title"] == "Rue des Lilas"
    entry = json.loads((demo_output / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["fr"]["page_count"] == len(pages)  # one French index
    lilas = pages["/projets/refection-rue-des-lilas/"]
    assert lilas["meta"]["type"] == "Projet" and lilas["meta"]["statut"] == "En cours, en retard"
    title = yaml.safe_load((REPO / "content/projects/refection-rue-des-lilas.yaml").read_text(encoding="utf-8"))["title"]
    assert lilas["meta"]["ton"] == "late" and lilas["meta"]["title"] == title
    assert lilas["filters"]["statut"] == ["En cours", "En retard"]
    assert lilas["filters"]["secteur"] == ["Secteur 1 – Centre-ville"]
    # Residents' words are in the index entry, never in the published page.
    assert "nid-de-poule" in lilas["content"]
    published = (demo_output / "projets" / "refection-rue-des-lilas" / "index.html").read_text()
    assert "nid-de-poule" not in published
    # What a page shows around its content (header, footer, history) is not indexed.
    assert "Historique des modifications" not in lilas["content"]
    assert "Nous publions aussi ce qui ne va pas comme prévu" not in lilas["content"]
    # A report is found by its number, its street and the residents' words for its kind.
    report = pages["/signalements/2026-004538/"]
    assert report["meta"]["type"] == "Signalement" and report["filters"]["type"] == ["Signalement"]
    assert report["meta"]["rue"] == "Rue des Tanneurs" and report["filters"]["statut"] == ["En cours"]
    assert "2026-004538" in report["content"] and "lampadaire" in report["content"]
