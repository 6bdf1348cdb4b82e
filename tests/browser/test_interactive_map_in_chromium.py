"""« Carte interactive » in a real browser: the demo city built with a small OpenStreetMap
extract (tests/osm_extract.py) by the real command and Debian's tilemaker, served by a server
answering Range requests with 206, as the city's host must; Chromium draws the map with
WebGL (SwiftShader, no GPU needed)."""

import io
import json
import shutil
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image

from building import CHROMIUM, CHROMIUM_ARGS, REPO, run_pelican
from synthetic_osm_extract import write_extract
from range_server import serve_with_ranges

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which("tilemaker") is None,
                                 reason="Debian's tilemaker is not installed (make debian-packages)")]

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
SECTOR_IDS = sorted(p.stem for p in (REPO / "sectors").glob("*.yaml"))
# WebGL without a GPU: Chromium's software renderer.
WEBGL_ARGS = [arg for arg in CHROMIUM_ARGS if arg != "--disable-gpu"] + [
    "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
SHOWN = "Carte interactive affichée"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("carte-interactive")
    extract = write_extract(folder / "ville.osm.pbf")
    output = folder / "output"
    result = run_pelican(REPO, output, extra_settings={"CLAIRVOIE_OSM_EXTRACT": str(extract),
                                                       "CACHE_PATH": str(folder / "cache")})
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="module")
def served(built):
    with serve_with_ranges(built) as (url, ranges):
        yield url, ranges


@pytest.fixture(scope="module")
def webgl_browser(playwright):
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=WEBGL_ARGS)
    yield chromium
    chromium.close()


def open_page(browser, url, sector_id):
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    requests, responses = [], []
    page.on("request", lambda request: requests.append((request.method, request.url)))
    page.on("response", lambda response: responses.append((response.status, response.url)))
    page.goto(f"{url}/secteurs/{sector_id}/")
    page.wait_for_selector("#carte-interactive:not([hidden]) button", timeout=20_000)
    return page, requests, responses


def open_map(page):
    page.click("#carte-interactive button")
    page.wait_for_function(
        "text => document.querySelector('.interactive-map-status').textContent.startsWith(text)",
        arg=SHOWN, timeout=120_000)


@pytest.mark.parametrize("sector_id", SECTOR_IDS)
def test_the_map_opens_from_the_site_alone_drawn_with_the_static_maps_markers(webgl_browser, served,
                                                                              built, sector_id):
    url, _ = served
    page, requests, responses = open_page(webgl_browser, url, sector_id)
    # Before the button is pressed: one HEAD request for the sector's file, nothing else of the map.
    map_requests = [(method, address) for method, address in requests if "/carte-interactive/" in address]
    assert map_requests == [("HEAD", f"{url}/carte-interactive/secteurs/{sector_id}.json")]
    static_names = page.eval_on_selector_all("svg.map a.map-marker title", "titles => titles.map(t => t.textContent)")
    list_links = page.locator(".sector-map .map-list a").count()

    open_map(page)

    origin = urlsplit(url)
    elsewhere = [address for _, address in requests
                 if (urlsplit(address).scheme, urlsplit(address).netloc) != (origin.scheme, origin.netloc)
                 and not address.startswith("data:")]
    assert elsewhere == []
    # The tiles are read in pieces: every answer for them is a 206.
    tile_answers = [status for status, address in responses if address.endswith("/carte-interactive/ville.pmtiles")]
    assert tile_answers and set(tile_answers) == {206}
    assert any(address.endswith("/carte-interactive/lib/maplibre-gl.mjs") for _, address in requests)

    # The canvas is drawn: background, streets, outline… not one flat colour. Markers (HTML)
    # are hidden for the shot, so only what WebGL drew counts.
    page.add_style_tag(content=".interactive-marker { visibility: hidden; }")
    shot = Image.open(io.BytesIO(page.locator(".interactive-map-view canvas").screenshot())).convert("RGB")
    colours = shot.getcolors(maxcolors=1 << 20)
    assert len(colours) >= 10
    biggest = max(count for count, _ in colours)
    assert biggest < 0.97 * shot.width * shot.height  # not a blank background

    # The same markers as the static map, each a link named as there.
    sector = json.loads((built / f"carte-interactive/secteurs/{sector_id}.json").read_text(encoding="utf-8"))
    names = page.eval_on_selector_all(".interactive-marker", "links => links.map(a => a.getAttribute('aria-label'))")
    assert sorted(names) == sorted(static_names) == sorted(m["name"] for m in sector["markers"])
    hrefs = page.eval_on_selector_all(".interactive-marker", "links => links.map(a => a.getAttribute('href'))")
    assert sorted(hrefs) == sorted(f"{url}/{m['url']}" for m in sector["markers"])
    symbols = page.eval_on_selector_all(".interactive-marker", "links => links.map(a => [...a.querySelector('g').classList])")
    assert sorted(s[1] for s in symbols) == sorted(f"tone-{m['tone']}" for m in sector["markers"])
    # The static plan is put aside, the list beside it stays.
    assert page.locator(".sector-map .map-frame").is_hidden()
    assert page.locator(".sector-map .map-list a").count() == list_links > 0
    assert page.get_attribute("#carte-interactive button", "aria-pressed") == "true"
    page.close()


def test_markers_are_reached_with_the_keyboard_and_the_plan_comes_back(webgl_browser, served):
    url, _ = served
    page, _, _ = open_page(webgl_browser, url, SECTOR_IDS[0])
    open_map(page)
    page.focus("#carte-interactive button")
    reached = None
    for _ in range(8):  # the map's canvas and zoom buttons first, then the markers
        page.keyboard.press("Tab")
        reached = page.evaluate("document.activeElement.classList.contains('interactive-marker')"
                                " && document.activeElement.getAttribute('aria-label')")
        if reached:
            break
    assert reached
    page.click("#carte-interactive button")
    assert page.locator(".sector-map .map-frame").is_visible()
    assert page.locator(".interactive-map-view").is_hidden()
    assert page.get_attribute("#carte-interactive button", "aria-pressed") == "false"
    open_map(page)  # and back to the map drawn before
    assert page.locator(".interactive-map-view").is_visible()
    assert page.locator(".sector-map .map-frame").is_hidden()
    page.close()


def test_axe_finds_no_violation_with_the_map_open(webgl_browser, served):
    url, _ = served
    page, _, _ = open_page(webgl_browser, url, SECTOR_IDS[1])
    open_map(page)
    results = Axe().run(page, options=WCAG_21_AA)
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                  for v in results.response["violations"]]
    assert violations == []
    page.close()


def test_without_javascript_the_static_plan_alone(webgl_browser, served):
    url, _ = served
    context = webgl_browser.new_context(java_script_enabled=False)
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{url}/secteurs/{SECTOR_IDS[0]}/")
    assert page.locator("#carte-interactive").is_hidden()
    assert page.locator(".sector-map svg.map").is_visible()
    assert not [address for address in requests if "/carte-interactive/" in address]
    context.close()
