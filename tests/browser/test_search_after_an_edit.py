"""The preview's search after a one-record edit (issue 15, outputs/search.py).

The demo city is built, then rebuilt in the same process after an edit, as
``pelican --autoreload -e CLAIRVOIE_SEARCH_PREVIEW=true`` does: the rebuild keeps the
published full index and indexes only the pages it changed into a small one, which the
search page merges. In Chromium, the new word finds the project at once and the word it
replaced no more; once the full index is remade, the output is a full build's, byte for byte.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from building import DEMO_EPOCH, copy_demo_site, run_pelican, serve
from sites import load_site

pytestmark = pytest.mark.browser

NEW_WORD = "xylophonie"  # in no French text of the city

# Builds in one process, one per line the test sends: the first as pelican --autoreload's first,
# then a preview rebuild, then (CLAIRVOIE_SEARCH_PREVIEW off) the full index remade.
BUILDS_IN_ONE_PROCESS = """
import sys
from pelican import Pelican
from pelican.settings import read_settings

pelican = Pelican(read_settings("pelicanconf.py", override={"OUTPUT_PATH": sys.argv[1],
                                                             "CLAIRVOIE_SEARCH_PREVIEW": True}))
for step in ("full", "preview", "remade"):
    if step == "remade":
        pelican.settings["CLAIRVOIE_SEARCH_PREVIEW"] = False
    pelican.run()
    print("build:", step, flush=True)
    if step != "remade" and sys.stdin.readline().strip() != "next":
        break
"""


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


def _distinctive_word(project_file: Path, everything: str) -> str | None:
    """A word of the project's description no other source has, not even as the start of a word
    (Pagefind finds words by their stem's beginning)."""
    own = project_file.read_text(encoding="utf-8")
    description = re.search(r"(?ms)^description:(.*?)^\w", own).group(1)  # up to the next field
    for word in sorted(set(re.findall(r"[^\W\d_]{9,}", description)), key=lambda w: (-len(w), w)):
        prefix = _fold(word)[:6]
        others = [w for w in re.findall(r"[^\W\d_]+", _fold(own)) if w.startswith(prefix) and w != _fold(word)]
        if prefix not in everything and not others:
            return word
    return None


def _search(browser, url: str, query: str) -> list[str]:
    page = browser.new_page()
    page.goto(url + "/recherche/")
    page.fill("#recherche-mots", query)
    page.press("#recherche-mots", "Enter")
    page.wait_for_function(
        """q => { const s = document.getElementById('resultats-statut');
                  return s.textContent.includes('« ' + q + ' »') && !s.hasAttribute('aria-busy'); }""",
        arg=query, timeout=15000)
    links = page.eval_on_selector_all("#resultats-liste .card-title a", "links => links.map(a => a.getAttribute('href'))")
    page.close()
    return links


def _tree(output: Path) -> dict[str, bytes]:
    return {str(path.relative_to(output)): path.read_bytes() for path in output.rglob("*") if path.is_file()}


def _page_count(bundle: Path) -> int:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


def test_an_edit_is_found_at_once_and_the_full_index_remade_is_a_full_builds(browser, tmp_path):
    root = copy_demo_site(tmp_path / "site")
    model = load_site(root)
    sources = {path: _fold(path.read_text(encoding="utf-8", errors="replace"))
               for folder in ("content", "sectors", "themes") for path in (root / folder).rglob("*")
               if path.is_file() and path.suffix in (".yaml", ".md", ".html", ".json", ".txt", ".geojson")}
    for project in model.projects:  # the first with a word of its own
        project_file = root / project.source.path
        old_word = _distinctive_word(project_file, " ".join(t for path, t in sources.items() if path != project_file))
        if old_word:
            break
    assert old_word, "no project has a word of its own"
    assert not any(NEW_WORD in text for text in sources.values())
    output = tmp_path / "output"
    log = tmp_path / "builds.log"
    builds = subprocess.Popen([sys.executable, "-c", BUILDS_IN_ONE_PROCESS, str(output)], cwd=root,
                              env={**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH}, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=log.open("w"), text=True)
    try:
        def next_build(step: str) -> None:
            if step != "full":
                builds.stdin.write("next\n")
                builds.stdin.flush()
            line = builds.stdout.readline()
            while line and not line.startswith("build:"):  # Pelican's own lines
                line = builds.stdout.readline()
            assert line.strip() == f"build: {step}", log.read_text(encoding="utf-8")[-3000:]

        with serve(output) as url:
            next_build("full")
            assert not (output / "recherche-apercu").exists()
            assert f"/{project.url}" in _search(browser, url, old_word)  # the test can fail
            published = {path: (output / path).stat().st_ino for path in _tree(output) if path.startswith("pagefind/")}

            text = project_file.read_text(encoding="utf-8")
            project_file.write_text(re.sub(re.escape(old_word), NEW_WORD, text, flags=re.IGNORECASE), encoding="utf-8")
            next_build("preview")
            assert f"/{project.url}" in _search(browser, url, NEW_WORD)
            assert f"/{project.url}" not in _search(browser, url, old_word)

            # The published full index is kept, the very same files; only the changed pages were indexed.
            assert {path: (output / path).stat().st_ino
                    for path in _tree(output) if path.startswith("pagefind/")} == published
            replaced = json.loads((output / "recherche-apercu/remplacees.json").read_text(encoding="utf-8"))
            indexed_again = _page_count(output / "recherche-apercu")
            assert f"/{project.url}" in replaced["adresses"]
            assert replaced["pages"] == indexed_again
            assert 1 <= indexed_again < _page_count(output / "pagefind") / 10
            assert 'data-apercu="/recherche-apercu/"' in (output / "recherche/index.html").read_text(encoding="utf-8")

            next_build("remade")
            assert f"/{project.url}" in _search(browser, url, NEW_WORD)
        assert builds.wait(timeout=60) == 0, log.read_text(encoding="utf-8")[-3000:]
    finally:
        if builds.poll() is None:
            builds.kill()
            builds.wait()

    full = tmp_path / "full"
    assert run_pelican(root, full).returncode == 0
    remade, expected = _tree(output), _tree(full)
    assert not any(path.startswith("recherche-apercu/") for path in remade)
    assert sorted(remade) == sorted(expected)
    assert [path for path in expected if remade[path] != expected[path]] == []


def test_a_preview_build_in_a_new_process_indexes_only_the_edited_pages(tmp_path):
    """A preview build in a process of its own (the setting "toujours", as clairvoie serve gives
    it to its builds' process once that one starts again): what the full index was made of is
    read from the cache."""
    root = copy_demo_site(tmp_path / "site")
    model = load_site(root)
    project = next(p for p in model.projects  # a summary without quotes: a word can start it
                   if re.search(r"(?m)^summary: [^'\"]", (root / p.source.path).read_text(encoding="utf-8")))
    output = tmp_path / "output"
    assert run_pelican(root, output).returncode == 0
    published = {path: (output / path).stat().st_ino for path in _tree(output) if path.startswith("pagefind/")}
    project_file = root / project.source.path
    text = project_file.read_text(encoding="utf-8")
    project_file.write_text(re.sub(r"(?m)^summary: ", f"summary: {NEW_WORD} ", text, count=1), encoding="utf-8")
    result = run_pelican(root, output, verbose=True, extra_settings={"CLAIRVOIE_SEARCH_PREVIEW": "toujours"})
    assert result.returncode == 0, result.stderr

    assert {path: (output / path).stat().st_ino for path in _tree(output) if path.startswith("pagefind/")} == published
    replaced = json.loads((output / "recherche-apercu/remplacees.json").read_text(encoding="utf-8"))
    assert f"/{project.url}" in replaced["adresses"]
    assert 1 <= _page_count(output / "recherche-apercu") == replaced["pages"] < _page_count(output / "pagefind") / 10
    assert re.search(rf"Recherche : aperçu, {replaced['pages']} pages indexées à nouveau", result.stdout + result.stderr)
    fragments = [path.read_bytes() for path in (output / "recherche-apercu/fragment").iterdir()]
    assert any(NEW_WORD.encode() in gzip.decompress(data) for data in fragments)
