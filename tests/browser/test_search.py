"""Search through the real page in headless Chromium: quality, cost, accessibility, suggestions.

Every query of tests/search_queries.yaml is typed into /recherche/ of the demo city, as a
resident would, in a fresh browser (nothing cached): the expected page must be among the
first five results for at least 90 % of them (success@5). The test prints success@1,
success@5 and, per query, the bytes the search downloaded and the time to the first result.
"""

from __future__ import annotations

import functools
import http.server
import statistics
import threading
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe

from building import _QuietHandler

pytestmark = pytest.mark.browser

QUERIES = yaml.safe_load((Path(__file__).parent.parent / "search_queries.yaml").read_text(encoding="utf-8"))
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
SUCCESS_AT_5 = 0.9
MEDIAN_QUERY_BYTES = 150_000  # issue 15: Pagefind's own default fetched 209 kB


def wait_for_answer(page, query):
    """Until the live region tells the outcome of this query."""
    page.wait_for_function(
        """q => { const s = document.getElementById('resultats-statut');
                  return s.textContent.includes('« ' + q + ' »') && !s.hasAttribute('aria-busy'); }""",
        arg=" ".join(query.split()), timeout=15000)


def result_links(page, count=5):
    return page.eval_on_selector_all("#resultats-liste .card-title a",
                                     f"links => links.slice(0, {count}).map(a => a.getAttribute('href'))")


class _NothingCached(_QuietHandler):
    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


@pytest.fixture(scope="module")
def first_visit_url(demo_output):
    """The demo city served with "Cache-Control: no-store": every search is a first visit."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_NothingCached, directory=str(demo_output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def is_search_file(url):
    """What the search fetches: Pagefind's bundle and the suggestion vocabulary (whole or by letter)."""
    path = urlsplit(url).path
    return path.startswith(("/pagefind/", "/recherche/vocabulaire/")) or path == "/recherche/vocabulaire.txt"


class Resident:
    """One browser tab, used for every query; nothing is cached between them."""

    def __init__(self, browser, site_url):
        self.site_url = site_url
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.outside, self.transfers = [], []
        self.context.on("request", lambda request: urlsplit(request.url).hostname != "127.0.0.1"
                        and self.outside.append(request.url))
        self.context.on("requestfinished", self._count)  # the page's and its search worker's

    def _count(self, request):
        if is_search_file(request.url):
            # Chromium reports no body size for a worker's script: the body itself is measured.
            response = request.response()
            body = len(response.body()) if response else 0
            self.transfers.append(body + request.sizes()["responseHeadersSize"])

    def ask(self, query):
        """Type the query into /recherche/: the five first links, the bytes the search fetched
        (Pagefind and the vocabulary; the page itself aside) and the milliseconds from Enter
        to the first result."""
        page = self.page
        page.goto(self.site_url + "/recherche/")
        self.transfers = []
        page.fill("#recherche-mots", query)
        page.press("#recherche-mots", "Enter")
        wait_for_answer(page, query)
        page.wait_for_load_state("networkidle")  # every response of this query counted
        first = page.evaluate("""() => {
            const start = performance.getEntriesByName('recherche:debut')[0];
            const shown = performance.getEntriesByName('recherche:premier-resultat')[0];
            return start && shown ? shown.startTime - start.startTime : null; }""")
        return result_links(page), sum(self.transfers), first


@pytest.fixture(scope="module")
def answers(browser, first_visit_url):
    resident = Resident(browser, first_visit_url)
    found = [(entry, *resident.ask(entry["q"])) for entry in QUERIES]
    resident.context.close()
    assert resident.outside == []
    return found


def test_query_set_is_written_in_residents_words():
    assert len(QUERIES) >= 60
    kinds = {entry["kind"] for entry in QUERIES}
    assert {"street", "everyday", "typo", "accents"} <= kinds
    for entry in QUERIES:
        assert entry["page"].startswith("/") and entry["page"].endswith("/"), entry


def test_expected_pages_exist(demo_output):
    missing = [e["page"] for e in QUERIES if not (demo_output / e["page"].strip("/") / "index.html").is_file()]
    assert missing == []


def success(answers, within):
    return sum(1 for entry, links, *_ in answers if entry["page"] in links[:within]) / len(answers)


def test_residents_find_the_page_they_look_for(answers, capsys):
    at_1, at_5 = success(answers, 1), success(answers, 5)
    held_out = [answer for answer in answers if answer[0].get("held_out")]
    transfers = [size for *_, size, _ in answers]
    firsts = [ms for *_, ms in answers if ms is not None]
    with capsys.disabled():
        print(f"\nRecherche : {len(answers)} requêtes ; success@1 = {at_1:.2f} ; success@5 = {at_5:.2f}")
        print(f"  dont {len(held_out)} écrites après le réglage du classement : success@1 = "
              f"{success(held_out, 1):.2f} ; success@5 = {success(held_out, 5):.2f}")
        print(f"Octets téléchargés par la recherche (navigateur neuf) : médiane {statistics.median(transfers):.0f}, "
              f"min {min(transfers)}, max {max(transfers)}")
        print(f"Temps jusqu'au premier résultat (ms) : médiane {statistics.median(firsts):.0f}, "
              f"max {max(firsts):.0f}")
        for entry, links, size, ms in answers:
            rank = links.index(entry["page"]) + 1 if entry["page"] in links else "-"
            shown = f"{ms:.0f} ms" if ms is not None else "aucun résultat"
            print(f"  [{rank}] {entry['kind']:<8} {entry['q']!r:<42} {size:>7} octets  {shown}")
    missed = [(entry["q"], entry["page"], links) for entry, links, *_ in answers if entry["page"] not in links]
    assert at_5 >= SUCCESS_AT_5, missed


def test_a_first_query_fetches_little(answers):
    """Median over the residents' queries of what a fresh browser downloads for search: small
    index chunks, and the vocabulary of the query's first letters, not the whole one."""
    transfers = [size for *_, size, _ in answers]
    assert statistics.median(transfers) <= MEDIAN_QUERY_BYTES, sorted(transfers)


def test_search_page_with_results_passes_axe(browser, site_url):
    page = browser.new_page()
    page.goto(site_url + "/recherche/?q=chaussee")
    wait_for_answer(page, "chaussee")
    assert page.locator("#resultats-liste li").count() > 0
    results = Axe().run(page, options=WCAG_21_AA)
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                  for v in results.response["violations"]]
    assert violations == []
    page.close()


def test_results_show_type_sector_status_and_dates(browser, site_url):
    page = browser.new_page()
    page.goto(site_url + "/recherche/?q=" + quote("médiathèque"))
    wait_for_answer(page, "médiathèque")
    card = page.locator("#resultats-liste li", has=page.locator("a[href='/projets/mediatheque-des-deux-rives-extension/']"))
    text = card.inner_text()
    assert "Projet" in text and "Secteur 2" in text and "en retard" in text and "Fin prévue le" in text
    assert card.locator(".badge.tone-late").count() == 1  # late is shown as late
    assert page.locator("#resultats-statut").get_attribute("role") == "status"
    page.close()


def test_a_typo_gets_a_suggestion_that_finds_the_page(browser, site_url):
    page = browser.new_page()
    page.goto(site_url + "/recherche/")
    page.fill("#recherche-mots", "lampadère gare")
    page.press("#recherche-mots", "Enter")
    wait_for_answer(page, "lampadère gare")
    suggestion = page.locator("#resultats-suggestion a")
    assert "Vouliez-vous dire" in page.locator("#resultats-suggestion").inner_text()
    assert suggestion.inner_text() == "lampadaire gare"
    suggestion.focus()
    page.keyboard.press("Enter")  # followed with the keyboard alone
    wait_for_answer(page, "lampadaire gare")
    assert "/projets/eclairage-led-la-gare/" in result_links(page)
    assert page.url.endswith("?q=lampadaire+gare")
    page.close()


def test_query_and_filters_are_kept_in_the_address(browser, site_url):
    page = browser.new_page()
    page.goto(site_url + "/recherche/?q=eclairage&type=Projet&statut=En+cours")
    wait_for_answer(page, "eclairage")
    assert page.input_value("#recherche-mots") == "eclairage"
    assert page.is_checked("input[name=type][value=Projet]")
    links = result_links(page, 50)
    assert links and all(link.startswith("/projets/") for link in links)
    assert "/projets/eclairage-led-la-gare/" in links
    assert "/projets/eclairage-led-centre-ville/" not in links  # completed, not "En cours"
    page.check("input[name=type][value='Arrêté de travaux']")
    page.wait_for_function("location.search.includes('Arr%C3%AAt%C3%A9')")
    assert "type=Projet" in page.url and "q=eclairage" in page.url
    page.close()


def test_search_is_usable_with_the_keyboard_alone(browser, site_url):
    page = browser.new_page()
    page.goto(site_url + "/")
    page.focus("#recherche-site")  # the box in every page's header
    page.keyboard.type("piscine")
    page.keyboard.press("Enter")
    page.wait_for_url("**/recherche/?q=piscine")
    wait_for_answer(page, "piscine")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#resultats-liste') !== null"):
            break
    target = page.evaluate("document.activeElement.getAttribute('href')")
    assert target.startswith("/")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == site_url + target
    page.close()


def test_without_javascript_the_box_leads_to_the_street_index(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "/")
    page.fill("#recherche-site", "rue des lilas")
    page.press("#recherche-site", "Enter")
    page.wait_for_url("**/recherche/?q=rue+des+lilas")
    assert page.locator("#recherche-sans-js").is_visible()
    page.click("#recherche-sans-js a[href='/rues/']")
    assert page.url.endswith("/rues/")
    page.click("#rues-par-lettre a[href='/rues/lettre-l/']")  # the letter's streets, then the street's page
    assert page.locator("#rue-des-lilas").is_visible()
    page.click("#rue-des-lilas a")
    assert page.url.endswith("/rues/rue-des-lilas/")
    assert page.locator("h1").inner_text() == "Rue des Lilas"
    context.close()
