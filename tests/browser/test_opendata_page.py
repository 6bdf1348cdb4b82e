"""The open data page in a real browser: axe-core (WCAG 2.1 A and AA) finds nothing."""

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}


def test_opendata_page_has_no_wcag_21_aa_violation(browser, site_url):
    page = browser.new_page()
    outside = []
    page.on("request", lambda request: urlsplit(request.url).hostname != "127.0.0.1" and outside.append(request.url))
    response = page.goto(site_url + "/opendata/")
    assert response.status == 200
    assert page.locator("h1").count() == 1
    results = Axe().run(page, options=WCAG_21_AA)
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                  for v in results.response["violations"]]
    assert violations == []
    assert outside == []
    page.close()


def test_opendata_files_are_served(browser, site_url):
    page = browser.new_page()
    for name in ("projets.csv", "travaux.csv", "projets.geojson", "travaux.geojson", "data.json"):
        response = page.request.get(f"{site_url}/opendata/{name}")
        assert response.status == 200, name
        assert len(response.body()) > 0
    page.close()
