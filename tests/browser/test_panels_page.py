"""The panels preview page in a real browser: axe-core (WCAG 2.1 A and AA) finds nothing,
every preview image loads and says its message, and the files panels read are served."""

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}


def test_panels_page_has_no_wcag_21_aa_violation(browser, site_url):
    page = browser.new_page()
    outside = []
    page.on("request", lambda request: urlsplit(request.url).hostname != "127.0.0.1" and outside.append(request.url))
    response = page.goto(site_url + "/panneaux/")
    assert response.status == 200
    assert page.locator("h1").count() == 1
    results = Axe().run(page, options=WCAG_21_AA)
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                  for v in results.response["violations"]]
    assert violations == []
    assert outside == []
    page.close()


def test_every_preview_loads_and_has_its_message_as_text(browser, site_url):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(site_url + "/panneaux/")
    page.wait_for_load_state("load")
    images = page.locator("main img")
    assert images.count() > 10
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), index
        assert image.get_attribute("alt").strip()
        # Scaled down on a phone, never wider than the page.
        assert image.evaluate("img => img.getBoundingClientRect().right <= document.documentElement.clientWidth + 1")
    page.close()


def test_panel_files_are_served_as_json(browser, site_url):
    page = browser.new_page()
    page.goto(site_url + "/panneaux/")
    links = page.locator("a[href$='.json']")
    assert links.count() >= 6  # five panels and the schema
    for index in range(links.count()):
        href = links.nth(index).get_attribute("href")
        response = page.request.get(site_url + href)
        assert response.status == 200, href
        assert "json" in response.headers["content-type"], href
        assert response.json()
    for name in ("waze-cifs.json", "waze-cifs.xml", "travaux-actifs.geojson"):
        assert page.request.get(f"{site_url}/navigation/{name}").status == 200
    page.close()
