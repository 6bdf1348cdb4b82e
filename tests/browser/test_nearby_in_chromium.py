"""« Près de chez moi » in Chromium, JavaScript on: a street chosen in the list, or the position
Playwright gives (asked only on the button press), finds the open reports within 100 m that
Python finds by haversine from the demo's YAML; nothing leaves the site; axe-core finds no
WCAG 2.1 AA violation on /rues/ nor on a sector map with reports; without JavaScript the block
says where to look. The report markers' colours stand out from the map (3:1)."""

import datetime as dt
import unicodedata
from urllib.parse import urlsplit

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe

from building import REPO
from clairvoie.outputs.nearby import cell_of
from demo_reports import TODAY, demo_reports, haversine_m

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
RADIUS_M = 100
# Reports of the street itself, of other streets nearby (Rue des Halles), none (Hôtel-de-Ville).
STREETS = ("Rue du Four", "Rue de l'Écluse", "Chemin du Lavoir", "Place du Marché", "Rue des Halles",
           "Place de l'Hôtel-de-Ville")


def plain(name):
    folded = unicodedata.normalize("NFD", name.replace("’", "'")).encode("ascii", "ignore").decode()
    return " ".join(folded.lower().split())


def street_points(street):
    """Where a street is, from the YAML: the course of its works orders that are not over,
    and the points of its reports (any state)."""
    points = []
    for path in sorted((REPO / "content/works").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        end = data["end"].date() if isinstance(data["end"], dt.datetime) else data["end"]
        if plain(data["street"]) != plain(street) or end < TODAY or "geometry" not in data:
            continue
        geometry = data["geometry"]
        positions = [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
        points += [(p[1], p[0]) for p in positions]
    points += [r.point for r in demo_reports() if plain(r.street) == plain(street) and r.point]
    return points


def expected_near(points):
    """Open reports within the radius of any point: overdue first, then the nearest."""
    found = []
    for report in demo_reports():
        if report.is_open and report.point:
            distance = min(haversine_m(p, report.point) for p in points)
            if distance <= RADIUS_M:
                found.append((not report.is_overdue, distance, report.number, report))
    return [item[3] for item in sorted(found, key=lambda item: item[:3])]


def outside_requests(page, site_url):
    outside = []
    page.on("request", lambda request: urlsplit(request.url).hostname != urlsplit(site_url).hostname
            and outside.append(request.url))
    return outside


def results(page):
    page.wait_for_function("() => /à moins de|n'ont pas pu|pas connue/"
                           ".test(document.getElementById('proximite-statut').textContent)")
    links = page.eval_on_selector_all("#proximite-liste li", """items => items.map(li => [
        li.querySelector('a').getAttribute('href'), li.textContent])""")
    return links, page.inner_text("#proximite-statut")


def assert_items_say_it(items, reports):
    assert [href for href, _ in items] == [f"/{r.url}" for r in reports]
    for (_, text), report in zip(items, reports):
        assert report.number in text and report.service_name in text and report.street in text
        assert ("en retard de" in text) == report.is_overdue
        assert ("Signalement en retard" in text) == report.is_overdue


def test_a_street_chosen_in_the_list_finds_the_open_reports_within_100_m(browser, site_url):
    page = browser.new_page()
    outside = outside_requests(page, site_url)
    page.goto(f"{site_url}/rues/")
    assert page.is_hidden("#proximite-sans-js") and page.is_visible("#proximite")
    seen_any = seen_other_street = seen_none = False
    for street in STREETS:
        expected = expected_near(street_points(street))
        page.select_option("#proximite-rue", label=street)
        page.evaluate("document.getElementById('proximite-statut').textContent = ''")
        page.click("text=Voir les signalements autour de cette rue")
        items, status = results(page)
        assert_items_say_it(items, expected)
        if expected:
            assert status.startswith(f"{len(expected)} signalement")
            overdue = sum(r.is_overdue for r in expected)
            assert (f"dont {overdue} en retard" in status) == (overdue > 0)
        else:
            assert status.startswith("Aucun signalement en cours à moins de 100 m")
        seen_any |= bool(expected)
        seen_none |= not expected
        seen_other_street |= any(plain(r.street) != plain(street) for r in expected)
    assert seen_any and seen_none and seen_other_street  # the radius reaches past the street itself
    assert page.get_attribute("#proximite-statut", "aria-live") == "polite"
    assert outside == []
    page.close()


@pytest.mark.parametrize("position, found", [((45.7515, 4.8846), True), ((45.7455, 4.8495), True),
                                             ((45.7000, 4.7000), False)])
def test_the_residents_position_is_asked_on_the_button_only_and_finds_the_same(browser, site_url, position, found):
    context = browser.new_context(geolocation={"latitude": position[0], "longitude": position[1]},
                                  permissions=["geolocation"])
    context.add_init_script("""
        window.positionAsked = 0;
        const original = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);
        navigator.geolocation.getCurrentPosition = (...args) => { window.positionAsked++; return original(...args); };
    """)
    page = context.new_page()
    outside = outside_requests(page, site_url)
    requested = []
    page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    page.goto(f"{site_url}/rues/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.positionAsked") == 0
    page.click("#proximite-position")
    items, status = results(page)
    assert page.evaluate("window.positionAsked") == 1
    expected = expected_near([position])
    assert bool(expected) == found
    assert_items_say_it(items, expected)
    assert "de l'endroit où vous êtes" in status
    # The position went nowhere: only the site's own files were asked for, none carrying it.
    assert outside == []
    assert all(str(position[0]) not in path and str(position[1]) not in path for path in requested)
    context.close()


def test_without_javascript_the_block_says_where_to_look(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}/rues/")
    assert page.is_visible("#proximite-sans-js") and page.is_hidden("#proximite")
    link = page.locator("#proximite-sans-js a")
    assert link.get_attribute("href") == "#rues-par-lettre"
    assert page.locator("#rues-par-lettre").count() == 1
    context.close()


def axe_violations(page):
    results = Axe().run(page, options=WCAG_21_AA)
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]


def test_axe_finds_nothing_on_the_streets_page_with_results_shown(browser, site_url):
    page = browser.new_page()
    page.goto(f"{site_url}/rues/")
    page.select_option("#proximite-rue", label="Rue de l'Écluse")
    page.click("text=Voir les signalements autour de cette rue")
    items, _ = results(page)
    assert items
    assert axe_violations(page) == []
    page.close()


def contrast(a, b):
    def luminance(rgb):
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rgb(css):
    return tuple(int(part) for part in css.removeprefix("rgb(").removesuffix(")").split(","))


def test_a_sector_page_with_report_markers_passes_axe_and_its_colours_stand_out(browser, site_url):
    page = browser.new_page()
    outside = outside_requests(page, site_url)
    page.goto(f"{site_url}/secteurs/secteur-2/")
    for tone in ("report-overdue", "report-open", "report-resolved"):
        assert page.locator(f"svg.map a.map-marker.tone-{tone}").count() > 0, tone
    assert axe_violations(page) == []
    ground = rgb(page.eval_on_selector("svg.map .map-ground", "e => getComputedStyle(e).fill"))
    sector = rgb(page.eval_on_selector("svg.map .map-sector", "e => getComputedStyle(e).fill"))
    for tone in ("report-overdue", "report-open", "report-resolved"):
        fill = rgb(page.eval_on_selector(f"svg.map a.tone-{tone} .marker-shape", "e => getComputedStyle(e).fill"))
        assert contrast(fill, ground) >= 3 and contrast(fill, sector) >= 3, (tone, fill)
        # The white glyph inside stands out from the fill too.
        assert contrast(fill, (255, 255, 255)) >= 3, tone
    assert outside == []
    page.close()


def test_a_cell_gone_since_the_index_was_cached_counts_as_empty_and_a_failure_is_said(browser, site_url):
    page = browser.new_page()
    page.goto(f"{site_url}/rues/")
    expected = expected_near(street_points("Rue des Halles"))
    gone = {cell_of(*expected[0].point)}
    page.route("**/signalements/proximite/*.json",
               lambda route: route.fulfill(status=404) if any(f"/{c}.json" in route.request.url for c in gone)
               else route.continue_())
    page.select_option("#proximite-rue", label="Rue des Halles")
    page.click("text=Voir les signalements autour de cette rue")
    items, status = results(page)
    in_gone = {r.number for r in expected if cell_of(*r.point) in gone}
    assert in_gone
    assert [href for href, _ in items] == [f"/{r.url}" for r in expected if r.number not in in_gone]
    if not items:  # not a failure: the cell is empty now
        assert status.startswith("Aucun signalement en cours")
    page.close()
    page = browser.new_page()  # a fresh page: the index is not kept yet
    page.route("**/signalements/proximite/index.json", lambda route: route.abort())
    page.goto(f"{site_url}/rues/")
    page.select_option("#proximite-rue", label="Rue des Halles")
    page.click("text=Voir les signalements autour de cette rue")
    items, status = results(page)
    assert items == [] and status.startswith("Les signalements n'ont pas pu être chargés")
    page.close()
