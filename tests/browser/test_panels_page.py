"""The panels preview page in a real browser: every preview image loads and says its message,
and the files panels read are served (the page's axe check: test_pages_in_chromium.py)."""

import pytest

pytestmark = pytest.mark.browser


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
