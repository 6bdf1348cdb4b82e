"""/admin/ in Chromium with the local backend (decap-server on a copy of the demo city): the
editor starts in French from the site's own files, lists one collection per record kind, and
writes records that the build accepts; what the form cannot refuse, validation does."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe

from building import REPO, copy_demo_site, free_port, run_clairvoie, run_pelican, serve
from clairvoie import labels, messages
from clairvoie.admin.fields import COLLECTION_WORDS
from clairvoie.outputs.admin import NODE_MODULES_VARIABLE

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
# make test installs the editor with npm ci (package.json); a variable may name another folder.
NODE_MODULES = Path(os.environ.get(NODE_MODULES_VARIABLE) or REPO / "node_modules")


def wait_for_server(url, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            request = urllib.request.Request(url, data=b'{"action": "info"}',
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="module")
def working_copy(tmp_path_factory):
    """A copy of the demo city that the editor writes into."""
    return copy_demo_site(tmp_path_factory.mktemp("admin") / "ville")


@pytest.fixture(scope="module")
def backend(working_copy):
    """decap-server, as make edit starts it, on a free port."""
    assert (NODE_MODULES / "decap-server").is_dir(), "make test installs decap-server (npm ci)"
    port = free_port()
    env = {**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": "fs",
           "GIT_REPO_DIRECTORY": str(working_copy), "LOG_LEVEL": "warn"}
    server = subprocess.Popen(["node", str(NODE_MODULES / "decap-server" / "dist" / "index.js")], env=env)
    try:
        url = f"http://127.0.0.1:{port}/api/v1"
        wait_for_server(url)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def admin_url(demo_output, backend, tmp_path_factory):
    """The built /admin/, its local backend pointed at this test's decap-server."""
    assert (demo_output / "admin" / "decap-cms.js").is_file(), \
        f"the build copies Decap CMS from {NODE_MODULES}/decap-cms into admin/"
    site = tmp_path_factory.mktemp("admin-site")
    shutil.copytree(demo_output / "admin", site / "admin")
    config_path = site / "admin" / "config.yml"
    config = yaml.safe_load(config_path.read_text("utf-8"))
    assert config["local_backend"] is True and config["locale"] == "fr"
    config["local_backend"] = {"url": backend}
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    with serve(site, {".yml": "text/yaml"}) as url:
        yield url + "/admin/"


def open_admin(browser, admin_url):
    page = browser.new_page()
    outside = []
    page.on("request", lambda request: urlsplit(request.url).hostname != "127.0.0.1"
            and outside.append(request.url))
    page.goto(admin_url)
    return page, outside


def test_the_entry_page_is_french_accessible_and_from_the_site_alone(browser, admin_url):
    page, outside = open_admin(browser, admin_url)
    login = page.get_by_role("button", name="Se connecter")
    login.wait_for(timeout=30000)
    assert page.evaluate("document.documentElement.lang") == "fr"
    results = Axe().run(page, options=WCAG_21_AA)
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                  for v in results.response["violations"]]
    assert violations == []
    assert outside == []
    page.close()


def test_the_local_backend_lists_one_collection_per_record_kind(browser, admin_url):
    page, outside = open_admin(browser, admin_url)
    page.get_by_role("button", name="Se connecter").click(timeout=30000)
    for plural, _ in COLLECTION_WORDS.values():
        page.get_by_role("link", name=plural, exact=True).first.wait_for(timeout=30000)
    # The sectors of the working copy, read through decap-server.
    page.get_by_role("link", name="Secteurs", exact=True).first.click()
    for path in sorted((REPO / "sectors").glob("*.yaml")):
        name = yaml.safe_load(path.read_text("utf-8"))["name"]
        page.get_by_text(name, exact=True).first.wait_for(timeout=30000)
    assert outside == []
    page.close()


def publish(page):
    page.get_by_role("button", name="Publier", exact=True).click()
    page.get_by_text("Publier maintenant", exact=True).click()


def wait_for_file(path, before=None, seconds=30):
    deadline = time.monotonic() + seconds
    while not path.exists() or (before is not None and path.read_bytes() == before):
        assert time.monotonic() < deadline, f"the editor did not write {path}"
        time.sleep(0.2)
    time.sleep(0.3)  # decap-server writes the whole file at once; let it finish
    return yaml.load(path.read_text("utf-8"), Loader=yaml.BaseLoader)  # values as written: text


def fill_works_order(page, admin_url, title, start, end):
    page.goto(admin_url + "#/collections/travaux/new")
    page.locator("[id^=reference-field]").fill("2026-ARR-9999")
    page.locator("[id^=title-field]").fill(title)
    page.locator("[id^=sectors-field]").click()
    page.keyboard.type("Centre")
    page.get_by_role("option", name="Secteur 1 – Centre-ville").click()
    page.locator("[id^=kind-field]").click()
    page.get_by_role("option", name="Route fermée").click()
    page.locator("[id^=street-field]").fill("Rue des Essais")
    page.locator("[id^=start-field]").fill(start)
    page.locator("[id^=end-field]").fill(end)


def logged_in(browser, admin_url):
    page, outside = open_admin(browser, admin_url)
    page.get_by_role("button", name="Se connecter").click(timeout=30000)
    page.get_by_role("link", name="Projets", exact=True).first.wait_for(timeout=30000)
    return page, outside


def test_a_works_order_made_in_the_form_is_a_valid_record(browser, admin_url, working_copy):
    page, outside = logged_in(browser, admin_url)
    fill_works_order(page, admin_url, "Fermeture de la rue des Essais", "2026-12-01T08:00", "2026-12-03T17:00")
    publish(page)
    record = wait_for_file(working_copy / "content/works/fermeture-de-la-rue-des-essais.yaml")
    assert record == {"reference": "2026-ARR-9999", "title": "Fermeture de la rue des Essais",
                      "sectors": ["secteur-1"], "kind": "closure", "street": "Rue des Essais",
                      "start": "2026-12-01 08:00", "end": "2026-12-03 17:00"}
    validated = run_clairvoie(working_copy, "validate")
    assert validated.returncode == 0, validated.stderr
    assert outside == []
    page.close()


def test_a_works_order_ending_before_it_starts_does_not_reach_the_build(browser, admin_url, working_copy):
    """The form cannot compare two dates: the validation the build runs refuses the file."""
    page, _ = logged_in(browser, admin_url)
    fill_works_order(page, admin_url, "Travaux à l'envers", "2026-12-03T08:00", "2026-12-01T17:00")
    publish(page)
    # The file is named from the title in lowercase ASCII, as a record id must be.
    path = working_copy / "content/works/travaux-a-lenvers.yaml"
    try:
        wait_for_file(path)
        validated = run_clairvoie(working_copy, "validate")
        assert validated.returncode == 1
        assert messages.ends_before_start("end", "start") in validated.stderr
        assert "travaux-a-lenvers.yaml" in validated.stderr
    finally:
        path.unlink(missing_ok=True)
        page.close()


def test_a_delay_needs_its_reason_and_then_shows_as_bad_news(browser, admin_url, working_copy,
                                                             tmp_path):
    project = "assainissement-hameau-des-pres"
    path = working_copy / "content/projects" / f"{project}.yaml"
    before = path.read_bytes()
    page, _ = logged_in(browser, admin_url)
    page.goto(admin_url + f"#/collections/projets/entries/{project}")
    page.get_by_role("button", name="Ajouter une entrée de type nouvelles du projet").click(timeout=30000)
    page.get_by_role("menuitem", name=labels.UPDATE_KIND["delay"]).click()
    page.locator("[id^=date-field]").last.fill("2026-11-20")
    page.locator("[id^=title-field]").last.fill("Le raccordement prend du retard")
    publish(page)
    page.get_by_text("il manque un champ requis").wait_for(timeout=10000)
    time.sleep(1)
    assert path.read_bytes() == before, "a delay without its reason was saved"

    page.locator("[id^=reason-field]").last.fill("Le sous-sol rocheux ralentit les tranchées")
    page.locator("[id^=new_planned_end-field]").last.fill("2028-03-31")
    publish(page)
    record = wait_for_file(path, before)
    assert record["updates"][-1] == {"date": "2026-11-20", "title": "Le raccordement prend du retard",
                                     "reason": "Le sous-sol rocheux ralentit les tranchées",
                                     "new_planned_end": "2028-03-31", "kind": "delay"}
    page.close()
    validated = run_clairvoie(working_copy, "validate")
    assert validated.returncode == 0, validated.stderr
    built = run_pelican(working_copy, tmp_path / "output")
    assert built.returncode == 0, built.stderr
    html = (tmp_path / "output" / "projets" / project / "index.html").read_text("utf-8")
    assert "Le sous-sol rocheux ralentit les tranchées" in html
    assert labels.UPDATE_KIND["delay"] in html


def test_a_news_article_keeps_its_pelican_header(browser, admin_url, working_copy):
    """Articles are Pelican Markdown ("Title: …" lines, not YAML): editing one changes only
    the line edited (clairvoie-admin.js reads and writes that header)."""
    article = "mediatheque-deuxieme-report"
    path = working_copy / "content/actualites" / f"{article}.md"
    before = path.read_text("utf-8")
    page, _ = logged_in(browser, admin_url)
    page.goto(admin_url + f"#/collections/actualites/entries/{article}")
    summary = page.locator("[id^=summary-field]")
    summary.wait_for(timeout=30000)
    summary.fill("Un résumé écrit dans l'éditeur.")
    publish(page)
    deadline = time.monotonic() + 30
    while path.read_text("utf-8") == before:
        assert time.monotonic() < deadline, "the editor did not write the article"
        time.sleep(0.2)
    time.sleep(0.3)
    page.close()
    changed = [(old, new) for old, new in zip(before.splitlines(), path.read_text("utf-8").splitlines())
               if old != new]
    assert len(before.splitlines()) == len(path.read_text("utf-8").splitlines())
    assert changed == [(next(line for line in before.splitlines() if line.startswith("Summary: ")),
                        "Summary: Un résumé écrit dans l'éditeur.")]
    validated = run_clairvoie(working_copy, "validate")
    assert validated.returncode == 0, validated.stderr
