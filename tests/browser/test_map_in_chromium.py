"""The sector map in a real browser: axe-core (WCAG 2.1 A and AA) finds nothing, every marker
is a named link to a real page of the demo city, it reflows, and nothing is fetched elsewhere.

The map partial is rendered here from the real theme (its macros, its stylesheet) into a
minimal page for each demo sector, so this test does not depend on where the sector page
places the map.
"""

import datetime as dt
import shutil
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from jinja2 import Environment, FileSystemLoader
from markupsafe import escape

from building import DEMO_EPOCH, REPO, serve
from clairvoie.labels import template_filters, template_globals
from clairvoie.model import load_model
from clairvoie.outputs.figure_lists import map_lists
from clairvoie.outputs.maps import sector_map
from clairvoie.settings import ClairvoieSettings

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
THEME = REPO / "themes/clairvoie"
SECTOR_IDS = sorted(p.stem for p in (REPO / "sectors").glob("*.yaml"))

PAGE = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Carte — {name}</title>
<link rel="stylesheet" href="/theme/css/clairvoie.css">
</head>
<body>
<main id="contenu">
  <div class="wrap">
<h1>{name}</h1>
{map}
  </div>
</main>
</body>
</html>
"""


@pytest.fixture(scope="module")
def demo_model():
    now = dt.datetime.fromtimestamp(int(DEMO_EPOCH), tz=ZoneInfo("Europe/Paris"))
    return load_model(ClairvoieSettings(site_root=str(REPO)), str(REPO / "content"), "Europe/Paris",
                      now=now)


@pytest.fixture(scope="module")
def map_pages(tmp_path_factory, demo_model):
    """One page per demo sector holding only the rendered map partial."""
    folder = tmp_path_factory.mktemp("maps")
    (folder / "theme/css").mkdir(parents=True)
    shutil.copy(THEME / "static/css/clairvoie.css", folder / "theme/css/clairvoie.css")
    env = Environment(loader=FileSystemLoader(str(THEME / "templates")), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(template_filters())
    env.globals.update(template_globals())
    partial = env.get_template("partials/sector_map.html")
    maps = {}
    for sector in demo_model.sectors:
        maps[sector.id] = sector_map(demo_model, sector.id)
        html = partial.render(sector_map=maps[sector.id], map_lists=map_lists(demo_model, sector), model=demo_model,
                              SITEURL="")
        (folder / sector.id).mkdir()
        (folder / sector.id / "index.html").write_text(
            PAGE.format(name=escape(sector.name), map=html), encoding="utf-8")
    return folder, maps, demo_model


@pytest.fixture(scope="module")
def map_url(map_pages):
    with serve(map_pages[0]) as url:
        yield url


@pytest.mark.parametrize("sector_id", SECTOR_IDS)
def test_axe_finds_no_wcag_21_aa_violation_on_the_map(browser, map_url, sector_id):
    page = browser.new_page()
    outside = []
    page.on("request", lambda request: urlsplit(request.url).hostname != "127.0.0.1"
            and outside.append(request.url))
    response = page.goto(f"{map_url}/{sector_id}/")
    assert response.status == 200
    assert page.locator("svg.map a.map-marker").count() > 0
    # The stylesheet applies: markers are coloured, not the default black.
    fill = page.eval_on_selector("svg.map .marker-shape", "e => getComputedStyle(e).fill")
    assert fill not in ("rgb(0, 0, 0)", "")
    results = Axe().run(page, options=WCAG_21_AA)
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                  for v in results.response["violations"]]
    assert violations == []
    assert outside == []
    assert page.locator("script").count() == 0
    page.close()


@pytest.mark.parametrize("sector_id", SECTOR_IDS)
def test_every_marker_is_a_named_link_to_a_page_of_the_demo_city(browser, map_url, map_pages,
                                                                 demo_output, sector_id):
    markers = map_pages[1][sector_id].markers
    page = browser.new_page()
    page.goto(f"{map_url}/{sector_id}/")
    in_map = page.eval_on_selector_all("svg.map a", "links => links.map(a => a.getAttribute('href'))")
    in_list = page.eval_on_selector_all(".map-list a", "links => links.map(a => a.getAttribute('href'))")
    assert len(in_map) == len(markers) > 0
    assert sorted(in_map) == sorted(in_list)  # the text alternative lists every marker
    reports = {f"/{mk.url}" for mk in markers if mk.kind == "report"}
    for href in in_map:
        assert href.startswith("/") and href.endswith("/")
        if href in reports:  # a report's page (/signalements/<number>/) is another channel's
            assert href in {f"/{r.url}" for r in map_pages[2].reports}, href
            continue
        assert (demo_output / href.strip("/") / "index.html").is_file(), href
    # Screen readers get each marker's name from its <title>.
    for marker in markers:
        link = page.locator("svg.map").get_by_role("link", name=marker.name, exact=True)
        assert link.count() == 1, marker.name
    page.close()


def test_markers_are_reached_by_keyboard(browser, map_url):
    page = browser.new_page()
    page.goto(f"{map_url}/{SECTOR_IDS[0]}/")
    page.keyboard.press("Tab")  # the page's first link is the map's first marker
    first_marker = page.eval_on_selector("svg.map a", "a => a.getAttribute('href')")
    focused = page.evaluate("[document.activeElement.getAttribute('href'),"
                            " !!document.activeElement.closest('svg.map')]")
    assert focused == [first_marker, True]
    # A visible focus: the marker's outline changes colour.
    stroke = page.eval_on_selector("svg.map a:focus .marker-shape", "e => getComputedStyle(e).stroke")
    assert stroke == "rgb(192, 90, 0)"
    page.close()


def test_map_fits_a_narrow_phone_screen(browser, map_url):
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto(f"{map_url}/{SECTOR_IDS[0]}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    box = page.locator("svg.map").bounding_box()
    assert box["width"] <= 320 and box["height"] == pytest.approx(box["width"] * 600 / 800, abs=2)
    page.close()
