"""make edit in Chromium: /admin/ served by ``clairvoie serve`` beside decap-server, on a copy
of the demo city. The preview pane shows the record's built page in the site's look, with the
bad news the build derives; a saved record the form could not refuse shows its French error
in the pane and on every page, and never reaches the build; a delay saved through the form is
on the rebuilt page as bad news."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from building import DEMO_EPOCH, copy_demo_site, free_port
from clairvoie import labels, messages, preview_server
from clairvoie.outputs.admin import NODE_MODULES_VARIABLE
from test_admin_in_chromium import NODE_MODULES, fill_works_order, publish, wait_for_file, wait_for_server
from test_preview_server import BUILD_SECONDS, state, wait_for_build

pytestmark = pytest.mark.browser

SECTION_OF_BAD_NEWS = "section[aria-labelledby=mauvaises-nouvelles]"


@pytest.fixture(scope="module")
def editing(tmp_path_factory):
    """(working copy, site URL): decap-server and clairvoie serve, as make edit starts them,
    the editor told the port of this test's decap-server by the setting."""
    site = copy_demo_site(tmp_path_factory.mktemp("edit") / "ville")
    backend_port, port = free_port(), free_port()
    backend_url = f"http://127.0.0.1:{backend_port}/api/v1"
    with (site / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write(f"\nCLAIRVOIE_ADMIN_LOCAL_BACKEND = {backend_url!r}\n")
    env = {**os.environ, "PORT": str(backend_port), "BIND_HOST": "127.0.0.1", "MODE": "fs",
           "GIT_REPO_DIRECTORY": str(site), "LOG_LEVEL": "warn"}
    backend = subprocess.Popen(["node", str(NODE_MODULES / "decap-server" / "dist" / "index.js")], env=env)
    log = (site.parent / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "clairvoie.cli", "serve", "--port", str(port)], cwd=site,
                              env={**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH,
                                   NODE_MODULES_VARIABLE: str(NODE_MODULES)},  # the copy has no node_modules/
                              stdout=log, stderr=log,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(backend_url)
        first = wait_for_build(url)
        assert first["problems"] == [] and first["failure"] == "", first
        yield site, url
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the build it may be running
        server.wait(timeout=30)
        log.close()
        backend.terminate()
        backend.wait(timeout=10)


def logged_in(browser, url):
    page = browser.new_page()
    outside = []
    page.on("request", lambda request: not request.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            and outside.append(request.url))
    page.goto(url + "/admin/")
    page.get_by_role("button", name="Se connecter").click(timeout=30000)
    page.get_by_role("link", name="Projets", exact=True).first.wait_for(timeout=30000)
    return page, outside


def pane(page):
    return page.frame_locator("#preview-pane")


def test_the_preview_pane_is_the_built_page_with_its_bad_news(browser, editing):
    site, url = editing
    late = next(path.parent.name for path in sorted((site / "output/projets").glob("*/index.html"))
                if "mauvaises-nouvelles" in path.read_text("utf-8"))
    page, outside = logged_in(browser, url)
    page.goto(url + f"/admin/#/collections/projets/entries/{late}")
    built = pane(page).frame_locator("iframe[title^='Page du site']")
    bad_news = built.locator(SECTION_OF_BAD_NEWS)
    bad_news.wait_for(timeout=30000)
    # The same bad news as the build's page: the pane shows that page, not an imitation.
    served = browser.new_page()
    served.goto(url + f"/projets/{late}/")
    assert bad_news.inner_text() == served.locator(SECTION_OF_BAD_NEWS).inner_text()
    assert any(words in bad_news.inner_text() for words in labels.BAD_NEWS_KIND.values())
    served.close()
    # The pane itself is in the site's look: the theme's stylesheet.
    stylesheets = pane(page).locator("link[rel=stylesheet]")
    assert any(href.endswith("/css/clairvoie.css") for href in
               [stylesheets.nth(i).get_attribute("href") for i in range(stylesheets.count())])
    assert outside == []
    page.close()


def test_an_invalid_save_shows_its_error_in_the_pane_and_never_reaches_the_build(browser, editing):
    site, url = editing
    before = state(url)["number"]
    page, _ = logged_in(browser, url)
    fill_works_order(page, url + "/admin/", "Travaux à l'envers", "2026-12-03T08:00", "2026-12-01T17:00")
    publish(page)
    path = site / "content/works/travaux-a-lenvers.yaml"
    wait_for_file(path)
    try:
        alert = pane(page).get_by_role("alert")
        alert.wait_for(timeout=BUILD_SECONDS * 1000)
        text = alert.inner_text()
        assert messages.ends_before_start("end", "start") in text and path.name in text
        # Every page of the site says the same, instead of a stale page.
        site_page = browser.new_page()
        response = site_page.goto(url + "/travaux/")
        assert response.status == 503
        assert messages.ends_before_start("end", "start") in site_page.inner_text("main")
        site_page.close()
        assert not (site / "output/travaux/travaux-a-lenvers").exists()
        failed = state(url)
        assert failed["problems"] and not failed["building"]
    finally:
        path.unlink(missing_ok=True)
        page.close()
    after = wait_for_build(url, failed["number"])  # the check and build once the file is gone
    assert after["problems"] == [] and after["failure"] == ""
    assert not (site / "output/travaux/travaux-a-lenvers").exists()


def test_a_delay_saved_in_the_form_is_bad_news_on_the_rebuilt_page(browser, editing):
    site, url = editing
    project = next(path.parent.name for path in sorted((site / "output/projets").glob("*/index.html"))
                   if "mauvaises-nouvelles" not in path.read_text("utf-8"))
    path = site / "content/projects" / f"{project}.yaml"
    before_bytes, before = path.read_bytes(), state(url)["number"]
    page, _ = logged_in(browser, url)
    page.goto(url + f"/admin/#/collections/projets/entries/{project}")
    page.get_by_role("button", name="Ajouter une entrée de type nouvelles du projet").click(timeout=30000)
    page.get_by_role("menuitem", name=labels.UPDATE_KIND["delay"]).click()
    reason = "Une canalisation ancienne découverte sous la chaussée"
    page.locator("[id^=date-field]").last.fill("2026-11-20")
    page.locator("[id^=title-field]").last.fill("Le chantier prend du retard")
    page.locator("[id^=reason-field]").last.fill(reason)
    page.locator("[id^=new_planned_end-field]").last.fill("2028-06-30")
    publish(page)
    record = wait_for_file(path, before_bytes)
    assert record["updates"][-1]["kind"] == "delay" and record["updates"][-1]["reason"] == reason
    after = wait_for_build(url, before)
    assert after["problems"] == [] and after["failure"] == ""
    # The rebuilt page, in the pane and on the site, puts the delay with the bad news.
    bad_news = pane(page).frame_locator("iframe[title^='Page du site']").locator(SECTION_OF_BAD_NEWS)
    bad_news.wait_for(timeout=30000)
    assert labels.BAD_NEWS_KIND["late"] in bad_news.inner_text() and reason in bad_news.inner_text()
    html = (site / "output/projets" / project / "index.html").read_text("utf-8")
    assert "mauvaises-nouvelles" in html and reason in html
    page.close()
