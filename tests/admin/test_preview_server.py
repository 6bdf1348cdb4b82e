"""The preview of ``clairvoie serve`` / ``make edit``: an invalid record turns every page into
its French problem list (never a stale page, never a build), the plain-French remarks are at
/_remarques/, and neither address is ever in the built site."""

from __future__ import annotations

import html
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pypdf
import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe

from building import DEMO_EPOCH, REPO, SHARED_CACHE, copy_demo_site, free_port, wait_for
from clairvoie import messages, preview_server
from html_checker import nu_errors

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
BUILD_SECONDS = 900  # a whole build of the demo on a loaded machine, with room
NEW_WORD = "xylophonie"  # in no French text of the city
# "file:line:column — field : message", as « clairvoie validate » prints each problem or remark.
PRINTED = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+):(?P<column>\d+) — (?:(?P<field>\S+) : )?(?P<message>.+)$")


def printed_problems(stderr: str) -> list[tuple[str, int, str, str]]:
    found = [PRINTED.match(line) for line in stderr.splitlines()]
    return [(m["file"], int(m["line"]), m["field"] or "", m["message"]) for m in found if m]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def validate(site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clairvoie.cli", "validate"], cwd=site, capture_output=True,
                          text=True, env={**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH}, timeout=600)


def axe_violations(browser, url: str) -> list:
    page = browser.new_page()
    page.goto(url)
    results = Axe().run(page, options=WCAG_21_AA)
    page.close()
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]


def state(url: str) -> dict:
    return json.loads(get(url + preview_server.STATE_PATH)[1])


def wait_for_build(url: str, after: int = 0) -> dict:
    """The state once a check and build later than ``after`` is finished."""
    assert wait_for(lambda: state(url)["number"] > after and not state(url)["building"], BUILD_SECONDS), \
        "clairvoie serve did not finish its check and build"
    return state(url)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(site, URL, server process): ``clairvoie serve`` of a copy of the demo city, once built."""
    site = copy_demo_site(tmp_path_factory.mktemp("preview-valid") / "ville")
    port = free_port()
    log = (site.parent / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "clairvoie.cli", "serve", "--port", str(port)], cwd=site,
                              env={**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH}, stdin=subprocess.PIPE,
                              stdout=log, stderr=log, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: get(url + preview_server.STATE_PATH)[0] == 200, BUILD_SECONDS)  # once built
        first = wait_for_build(url)
        assert first["problems"] == [] and first["failure"] == "", first
        yield site, url, server
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and its builds' process
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def invalid_site(tmp_path_factory):
    """A copy of the demo city with a works order that ends before it starts, and the
    ``clairvoie serve`` of that copy, checked once."""
    site = copy_demo_site(tmp_path_factory.mktemp("preview") / "ville")
    works = yaml.safe_load((REPO / "content/works").glob("*.yaml").__next__().read_text("utf-8"))
    works.update({"reference": "2026-ARR-9998", "start": "2026-12-03 08:00", "end": "2026-12-01 17:00"})
    (site / "content/works/travaux-a-l-envers.yaml").write_text(yaml.safe_dump(works, allow_unicode=True), "utf-8")
    port = free_port()
    log = (site.parent / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "clairvoie.cli", "serve", "--port", str(port)], cwd=site,
                              env={**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH}, stdout=log, stderr=log,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: not get(url + preview_server.STATE_PATH)[1].count('"building": true'), 300), \
            "clairvoie serve did not check the records"
        yield site, url
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the build it may be running
        server.wait(timeout=30)
        log.close()


def test_an_invalid_record_turns_every_page_into_its_problem_list(invalid_site, browser, tmp_path):
    site, url = invalid_site
    validated = validate(site)
    assert validated.returncode == 1
    expected = printed_problems(validated.stderr)
    assert any(file == "content/works/travaux-a-l-envers.yaml" and field == "end"
               and message == messages.ends_before_start("end", "start") for file, _, field, message in expected)
    project = next(iter(sorted((site / "content/projects").glob("*.yaml")))).stem
    for path in ("/", f"/projets/{project}/", "/travaux/", "/index.html"):
        status, page = get(url + path)
        assert status == 503, path
        for file, line, field, message in expected:
            assert f"<td>{html.escape(file)}</td><td>{line}</td><td>{html.escape(field)}</td>" \
                   f"<td>{html.escape(message)}</td>" in page
    # Nothing was built from the invalid records.
    assert not (site / "output" / "index.html").exists()
    # The state the editor's preview reads says the same.
    state = yaml.safe_load(get(url + preview_server.STATE_PATH)[1])
    assert [(p["file"], p["line"], p["field"], p["message"]) for p in state["problems"]] == expected
    assert axe_violations(browser, url + "/") == []
    (tmp_path / "erreur.html").write_text(get(url + "/")[1], "utf-8")
    assert nu_errors([tmp_path / "erreur.html"]) == []


def test_the_editor_stays_open_to_mend_the_records(invalid_site):
    site, url = invalid_site
    status, page = get(url + "/admin/")
    assert status != 503 and messages.ends_before_start("end", "start") not in page


def test_the_remarks_of_the_last_check_are_on_their_own_page(served, browser, tmp_path):
    """The demo's remarks, as « clairvoie validate » prints them, on /_remarques/."""
    site, url, _ = served
    validated = validate(site)
    assert validated.returncode == 0, validated.stderr
    expected = printed_problems(validated.stderr)
    assert expected, "the demo keeps remarks on purpose (docs/francais-simple.md)"
    state = json.loads(get(url + preview_server.STATE_PATH)[1])
    assert [(p["file"], p["line"], p["field"], p["message"]) for p in state["remarks"]] == expected
    status, page = get(url + preview_server.REMARKS_PATH)
    assert status == 200
    for file, line, field, message in expected:
        assert f"<td>{html.escape(file)}</td><td>{line}</td><td>{html.escape(field)}</td>" \
               f"<td>{html.escape(message)}</td>" in page
    assert page.count("<tr><td>") == len(expected)
    assert axe_violations(browser, url + preview_server.REMARKS_PATH) == []
    (tmp_path / "remarques.html").write_text(page, "utf-8")
    assert nu_errors([tmp_path / "remarques.html"]) == []


def test_the_preview_addresses_are_never_in_the_built_site(demo_output):
    for path in (preview_server.STATE_PATH, preview_server.REMARKS_PATH):
        assert not (demo_output / path.strip("/")).exists()
        assert not (demo_output / path.strip("/").split("/")[0]).exists()


def test_each_save_is_built_again_in_the_same_process_from_what_changed(served):
    """After the first build, a save is built by the same process, which reads only what changed
    (tests/model/test_rebuild_in_process.py); its search index is the preview's small one, and a
    line typed (Entrée) makes the whole index again, as publishing will."""
    site, url, server = served
    first = state(url)
    assert first["builds_in_process"] == 1 and first["seconds"] > 0
    project = next(iter(sorted((site / "content/projects").glob("*.yaml"))))
    text = project.read_text(encoding="utf-8")
    project.write_text(re.sub(r"(?m)^title: ", f"title: {NEW_WORD} ", text, count=1), encoding="utf-8")
    edited = wait_for_build(url, first["number"])
    assert edited["builds_in_process"] == 2 and edited["failure"] == "" and edited["problems"] == []
    assert NEW_WORD in get(f"{url}/projets/{project.stem}/")[1]
    replaced = json.loads((site / "output/recherche-apercu/remplacees.json").read_text(encoding="utf-8"))
    assert f"/projets/{project.stem}/" in replaced["adresses"]

    server.stdin.write(b"\n")  # Entrée: the whole search index
    server.stdin.flush()
    remade = wait_for_build(url, edited["number"])
    assert remade["builds_in_process"] == 3 and remade["failure"] == ""
    assert not (site / "output/recherche-apercu").exists()
    project.write_text(text, encoding="utf-8")
    restored = wait_for_build(url, remade["number"])
    assert restored["builds_in_process"] == 4 and NEW_WORD not in get(f"{url}/projets/{project.stem}/")[1]


def test_a_saves_pdfs_follow_its_preview_as_a_whole_build_lays_them_out(served):
    """A save's build shows its pages without waiting for its PDFs (they stay as published), then
    lays them out: the project's poster says the new title, with the same bytes as a build that
    lays it out before publishing (its kept copy removed, Entrée)."""
    site, url, server = served
    before = state(url)
    project = next(p for p in sorted((site / "content/projects").glob("*.yaml"))
                   if (site / f"output/projets/{p.stem}/affiche.pdf").exists())
    poster = site / f"output/projets/{project.stem}/affiche.pdf"
    published = poster.read_bytes()
    text = project.read_text(encoding="utf-8")
    saved_at = time.time()
    project.write_text(re.sub(r"(?m)^title: ", f"title: {NEW_WORD} ", text, count=1), encoding="utf-8")
    edited = wait_for_build(url, before["number"])
    assert edited["failure"] == "" and NEW_WORD in get(f"{url}/projets/{project.stem}/")[1]
    assert edited["paper_later"] >= 1  # at least the project's poster
    assert wait_for(lambda: state(url)["paper_left"] == 0, BUILD_SECONDS), "the PDFs were never laid out"
    assert state(url)["number"] == edited["number"]  # no build of its own
    laid_out = poster.read_bytes()
    assert laid_out != published and NEW_WORD in pdf_text(laid_out)

    caches = [site / "cache"] + ([Path(os.environ[SHARED_CACHE])] if os.environ.get(SHARED_CACHE) else [])
    kept = [p for folder in caches for p in folder.rglob("*.pdf") if p.stat().st_mtime >= saved_at]
    assert kept, "the PDFs laid out after the preview are kept for the next build"
    for path in kept:
        path.unlink()
    server.stdin.write(b"\n")  # Entrée: a whole build, its PDFs laid out before it is published
    server.stdin.flush()
    whole = wait_for_build(url, edited["number"])
    assert whole["failure"] == "" and whole["paper_later"] == 0
    assert poster.read_bytes() == laid_out
    project.write_text(text, encoding="utf-8")
    restored = wait_for_build(url, whole["number"])
    assert wait_for(lambda: state(url)["paper_left"] == 0, BUILD_SECONDS)
    assert restored["failure"] == "" and poster.read_bytes() == published


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_a_build_that_breaks_is_shown_and_the_next_starts_from_nothing(served):
    """A theme template broken while previewing: the build's error is on every page, nothing of
    it is published; once mended, a new process builds (nothing kept from the failed build)."""
    site, url, _ = served
    before = state(url)
    template = site / "themes/clairvoie/templates/clairvoie_project.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text + "\n{% if %}\n", encoding="utf-8")
    broken = wait_for_build(url, before["number"])
    assert broken["problems"] == [] and "TemplateSyntaxError" in broken["failure"]
    status, page = get(url + "/")
    assert status == 503 and html.escape("TemplateSyntaxError") in page
    template.write_text(text, encoding="utf-8")
    mended = wait_for_build(url, broken["number"])
    assert mended["failure"] == "" and mended["builds_in_process"] == 1
    assert get(url + "/")[0] == 200


def test_the_preview_builds_what_the_pelican_command_built_with_the_same_signatures(monkeypatch):
    """After ``make site`` (the pelican command) into the same folder, clairvoie serve's first
    build is incremental: both read settings that sign pages alike (incremental.py)."""
    from pelican import get_instance, parse_arguments

    from clairvoie import incremental

    monkeypatch.chdir(REPO)
    _, by_command = get_instance(parse_arguments(["content", "-s", "pelicanconf.py", "-o", "/tmp/sortie"]))
    by_preview = preview_server.builds_settings("pelicanconf.py", "/tmp/sortie")
    assert incremental._settings_text(by_preview) == incremental._settings_text(by_command)
