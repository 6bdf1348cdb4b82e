"""Pages in a real browser: axe-core (WCAG 2.1 A and AA) finds nothing; no JS, no third parties."""

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from building import REPO, serve

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}


def first_id(folder):
    return sorted(p.stem for p in (REPO / folder).glob("*.yaml"))[0]


def demo_pages():
    late = next(p.stem for p in sorted((REPO / "content/projects").glob("*.yaml"))
                if "kind: delay" in p.read_text())
    cancelled_works = next(p.stem for p in sorted((REPO / "content/works").glob("*.yaml"))
                           if "\ncancelled:" in p.read_text())
    return [
        "/",
        f"/secteurs/{first_id('sectors')}/",
        f"/projets/{first_id('content/projects')}/",
        f"/projets/{late}/",
        f"/travaux/{first_id('content/works')}/",
        f"/travaux/{cancelled_works}/",
        f"/reunions/{first_id('content/events')}/",
        "/secteurs/", "/projets/", "/travaux/", "/reunions/", "/actualites/",
        "/transparence/", f"/transparence/{first_id('sectors')}/", "/opendata/", "/panneaux/",
        "/recherche/", "/rues/", "/rues/lettre-f/", "/rues/rue-du-four/", "/rues/rue-de-l-ecluse/",
        f"/secteurs/{first_id('sectors')}/feuille.html",  # the sheet's source, and its accessible version
        # the list pages' parts: a sector's months of works orders, one month (the build's),
        # its projects of one status, its reports, street by street, a month of tracking numbers
        f"/secteurs/{first_id('sectors')}/travaux/", f"/secteurs/{first_id('sectors')}/travaux/2026-11/",
        f"/secteurs/{first_id('sectors')}/projets/en-cours/", f"/secteurs/{first_id('sectors')}/signalements/",
        f"/secteurs/{first_id('sectors')}/signalements/rues/",
        "/signalements/numeros/2026-11/",
    ]


def assert_accessible_and_on_the_site(browser, url):
    """axe-core finds no WCAG 2.1 AA violation on the page, which requests nothing elsewhere."""
    page = browser.new_page()
    outside = []
    page.on("request", lambda request: urlsplit(request.url).hostname != "127.0.0.1" and outside.append(request.url))
    response = page.goto(url)
    assert response.status == 200
    results = Axe().run(page, options=WCAG_21_AA)
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                  for v in results.response["violations"]]
    assert violations == []
    assert outside == []
    page.close()


@pytest.mark.parametrize("path", demo_pages())
def test_axe_finds_no_wcag_21_aa_violation(browser, site_url, path):
    assert_accessible_and_on_the_site(browser, site_url + path)


@pytest.fixture(scope="module")
def split_lists_url(demo_output_with_long_lists_split):
    with serve(demo_output_with_long_lists_split) as url:
        yield url


@pytest.mark.parametrize("path", [
    "/transparence/",  # the figures, with links in place of their long lists
    "/transparence/listes/signalements-en-retard/2/",  # a ranking's second page, numbered on
    "/transparence/listes/depassements/",  # the longest rows: an overrun's, with its badge
    f"/transparence/{first_id('sectors')}/listes/projets-en-cours/",
    "/ce-qui-ne-va-pas/", "/ce-qui-ne-va-pas/2/",  # the bad news's cards, page by page
    "/ce-qui-ne-va-pas/listes/en-retard/",  # its late projects, by kind
    f"/secteurs/{first_id('sectors')}/",  # a sector's first bad news, its long project lists as links
    "a sector's second page of bad news",
])
def test_axe_finds_no_violation_on_the_long_lists_pages(browser, demo_output_with_long_lists_split, split_lists_url,
                                                         path):
    """The demo city built with its long lists on pages of their own (outputs/figure_lists.py, pages.py)."""
    if not path.startswith("/"):
        path = "/" + str(min(demo_output_with_long_lists_split.glob("secteurs/*/ce-qui-ne-va-pas/2/")).relative_to(
            demo_output_with_long_lists_split)) + "/"
    assert_accessible_and_on_the_site(browser, split_lists_url + path)


def test_pages_work_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + f"/secteurs/{first_id('sectors')}/")
    assert page.locator("h1").count() == 1
    assert page.locator("main").is_visible()
    page.click("nav a[href='/projets/']")
    assert page.url.endswith("/projets/")
    context.close()


def test_skip_link_reaches_main_content_by_keyboard(browser, site_url):
    page = browser.new_page()
    page.goto(site_url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#contenu"
    page.close()
