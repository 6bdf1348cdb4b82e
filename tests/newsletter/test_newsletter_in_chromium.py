"""The email's HTML in headless Chromium: no horizontal scroll at 375 and 600 px, axe-core clean,
a layout that holds without its <style> block; and the archive pages, axe-core clean too."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from building import copy_demo_site, run_clairvoie, serve
from letters import SECTOR

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def served_demo(demo_output):
    """The demo city's built site on loopback: the emails' images and archive pages come from it."""
    with serve(demo_output) as url:
        yield url


@pytest.fixture(scope="module")
def email_html(tmp_path_factory, served_demo):
    site = copy_demo_site(tmp_path_factory.mktemp("chromium") / "site")
    assert run_clairvoie(site, "newsletter", "build", "--sector", SECTOR).returncode == 0
    result = run_clairvoie(site, "newsletter", "preview", "--sector", SECTOR, "--site-url", served_demo)
    assert result.returncode == 0, result.stderr
    return (site / "apercu-lettres" / f"{SECTOR}-1.html").read_text(encoding="utf-8")


def violations(page) -> list:
    results = Axe().run(page, options=WCAG_21_AA)
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 600])
def test_email_fits_and_passes_axe(browser, email_html, width, scheme):
    page = browser.new_page(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page.set_content(email_html, wait_until="load")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate("document.body.scrollWidth <= window.innerWidth")
    # Images come from the site, by absolute address, and load.
    loaded = page.evaluate("[...document.images].map(i => i.complete && i.naturalWidth > 0)")
    assert loaded and all(loaded)
    assert violations(page) == []
    page.close()


def test_email_layout_holds_without_its_style_block(browser, email_html):
    for width, expected in ((800, 600), (375, None)):
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.set_content(email_html, wait_until="load")
        page.evaluate("document.querySelectorAll('style').forEach(s => s.remove())")
        assert page.evaluate("document.styleSheets.length") == 0
        table_width = page.evaluate("document.getElementById('lettre').getBoundingClientRect().width")
        if expected:
            assert table_width == expected
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
        page.close()


@pytest.mark.parametrize("path", [f"/secteurs/{SECTOR}/lettres/", f"/secteurs/{SECTOR}/lettres/1/"])
def test_archive_pages_pass_axe(browser, served_demo, path):
    page = browser.new_page()
    response = page.goto(served_demo + path)
    assert response.status == 200
    assert violations(page) == []
    page.close()
