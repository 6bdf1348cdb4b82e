"""The open data files are served to a browser (the page's axe check: test_pages_in_chromium.py)."""

import pytest

pytestmark = pytest.mark.browser


def test_opendata_files_are_served(browser, site_url):
    page = browser.new_page()
    for name in ("projets.csv", "travaux.csv", "projets.geojson", "travaux.geojson", "data.json"):
        response = page.request.get(f"{site_url}/opendata/{name}")
        assert response.status == 200, name
        assert len(response.body()) > 0
    page.close()
