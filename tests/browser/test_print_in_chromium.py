"""Every page prints cleanly (Chromium's print emulation): no navigation, no search box, the
addresses of links printed after them, and the map and the project's timeline kept."""

import pytest

from building import REPO

pytestmark = pytest.mark.browser


def first_project_with_a_timeline():
    return next(p.stem for p in sorted((REPO / "content/projects").glob("*.yaml")) if "kind: delay" in p.read_text())


def displayed(page, selector):
    return page.eval_on_selector(selector, "e => getComputedStyle(e).display")


def after_content(page, selector):
    return page.eval_on_selector(selector, "e => getComputedStyle(e, '::after').content")


@pytest.mark.parametrize("path, kept", [
    ("/secteurs/secteur-1/", ".sector-map"),
    (f"/projets/{first_project_with_a_timeline()}/", ".timeline"),
])
def test_printing_hides_navigation_and_prints_link_addresses(browser, site_url, path, kept):
    page = browser.new_page()
    page.goto(site_url + path)
    assert displayed(page, ".site-nav") != "none" and displayed(page, ".site-search") != "none"  # on screen
    page.emulate_media(media="print")
    for hidden in (".site-nav", ".site-search", ".skip-link"):
        assert displayed(page, hidden) == "none", hidden
    assert displayed(page, kept) != "none", kept
    link = "main h3.card-title a"
    href = page.eval_on_selector(link, "e => e.getAttribute('href')")
    assert href in after_content(page, link)
    page.close()
