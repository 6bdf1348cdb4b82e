"""The sector map (outputs/maps.py and partials/sector_map.html), from the model alone."""

import dataclasses
import datetime as dt
import json
import math
import re
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import yaml
from jinja2 import Environment, FileSystemLoader

from building import DEMO_EPOCH, REPO
from clairvoie.labels import template_filters, template_globals
from clairvoie.model import load_model
from clairvoie.outputs.figure_lists import map_lists
from clairvoie.outputs.maps import (
    HEIGHT, PROJECT_TONES, REPORT_TONES, WIDTH, WORKS_TONES, SectorMap, sector_map,
)
from demo_reports import demo_reports, in_sector
from osm_extract import named_streets, sector_shape
from clairvoie.settings import ClairvoieSettings
from sites import load_site, project_yaml, write_site

PARIS = ZoneInfo("Europe/Paris")
DEMO_NOW = dt.datetime.fromtimestamp(int(DEMO_EPOCH), tz=PARIS)
SECTOR_IDS = sorted(p.stem for p in (REPO / "sectors").glob("*.yaml"))
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def load_demo():
    return load_model(ClairvoieSettings(site_root=str(REPO)), str(REPO / "content"), "Europe/Paris",
                      now=DEMO_NOW)


@pytest.fixture(scope="module")
def demo():
    return load_demo()


def render(sector_map_value, model):
    env = Environment(loader=FileSystemLoader(str(REPO / "themes/clairvoie/templates")),
                      autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(template_filters())
    env.globals.update(template_globals())
    lists = map_lists(model, model.sector(sector_map_value.sector_id)) if sector_map_value else {}
    return env.get_template("partials/sector_map.html").render(
        sector_map=sector_map_value, map_lists=lists, model=model, SITEURL="")


def path_points(path):
    """The (x, y) pairs of SVG path data made of M, L and Z commands."""
    values = [float(v) for v in NUMBER.findall(path)]
    return list(zip(values[::2], values[1::2]))


def inside_view(x, y):
    return 0 <= x <= WIDTH and 0 <= y <= HEIGHT


# --- the demo city -------------------------------------------------------------------
@pytest.mark.parametrize("sector_id", SECTOR_IDS)
def test_outline_lines_and_markers_stay_inside_the_view_box(demo, sector_id):
    m = sector_map(demo, sector_id)
    assert isinstance(m, SectorMap) and m.view_box == "0 0 800 600"
    assert m.outline
    drawn = path_points(m.outline) + [p for line in m.lines for p in path_points(line.path)]
    drawn += [(mk.x, mk.y) for mk in m.markers] + [(mk.anchor_x, mk.anchor_y) for mk in m.markers]
    for neighbour in m.neighbours:
        drawn += path_points(neighbour.path)
    assert drawn and all(inside_view(x, y) for x, y in drawn)
    # The sector fills the map: its outline spans most of the width or of the height.
    xs, ys = [x for x, _ in path_points(m.outline)], [y for _, y in path_points(m.outline)]
    assert max(xs) - min(xs) > 0.4 * WIDTH or max(ys) - min(ys) > 0.6 * HEIGHT


def test_multipolygon_sector_draws_two_outline_rings(demo):
    record = yaml.safe_load((REPO / "sectors/secteur-6.yaml").read_text(encoding="utf-8"))
    geojson = json.loads((REPO / "sectors" / record["geometry"]).read_text(encoding="utf-8"))
    assert geojson["type"] == "MultiPolygon" and len(geojson["coordinates"]) == 2
    m = sector_map(demo, "secteur-6")
    assert m.ring_count == 2
    assert m.outline.count("M") == 2 and m.outline.count("Z") == 2
    html = render(m, demo)
    assert 'fill-rule="evenodd"' in html
    assert "en 2 parties" in html


def test_a_sector_map_is_drawn_once_for_a_model_and_again_for_the_next(demo):
    """The sector's page and the interactive map's data (tiles) show one map: drawn once for a
    model. A new model (the next build's) draws its own: here with its projects gone."""
    drawn = sector_map(demo, "secteur-1")
    assert sector_map(demo, "secteur-1") is drawn and drawn.projects
    without_projects = dataclasses.replace(demo, projects=[])
    again = sector_map(without_projects, "secteur-1")
    assert again is not drawn and not again.projects
    assert sector_map(demo, "secteur-1") is drawn


def _demo_records(folder):
    for path in sorted((REPO / folder).glob("*.yaml")):
        yield path.stem, yaml.safe_load(path.read_text(encoding="utf-8"))


def _sector_bbox(sector_id):
    """West, south, east, north of a sector's geometry, read from its files."""
    record = yaml.safe_load((REPO / "sectors" / f"{sector_id}.yaml").read_text(encoding="utf-8"))
    geometry = record["geometry"]
    if isinstance(geometry, str):
        geometry = json.loads((REPO / "sectors" / geometry).read_text(encoding="utf-8"))
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    points = [p for polygon in polygons for ring in polygon for p in ring]
    return (min(p[0] for p in points), min(p[1] for p in points),
            max(p[0] for p in points), max(p[1] for p in points))


def expected_markers(sector_id):
    """Located projects and non-past located works orders of a sector, read from the YAML."""
    today = DEMO_NOW.date()
    projects = set()
    for project_id, data in _demo_records("content/projects"):
        location = data.get("location") or {}
        located = ("lat" in location and "lon" in location) or "geometry" in location
        if not located:
            continue
        if sector_id in data["sectors"]:
            projects.add(f"projets/{project_id}/")
        elif "all" in data["sectors"]:
            # City-wide: on the map of the sector whose outline's box holds it.
            assert "lat" in location, "the demo's city-wide projects are located by lat/lon"
            west, south, east, north = _sector_bbox(sector_id)
            if west <= location["lon"] <= east and south <= location["lat"] <= north:
                projects.add(f"projets/{project_id}/")
    works = set()
    # A works order without geometry is placed on its street when the extract has it in the sector.
    streets, outline = named_streets(), sector_shape(sector_id)
    for works_id, data in _demo_records("content/works"):
        end = data["end"]
        end = end.date() if isinstance(end, dt.datetime) else end
        located = data.get("geometry") or (
            data["street"] in streets and streets[data["street"]].intersects(outline))
        if sector_id in data["sectors"] and located and end >= today:
            works.add(f"travaux/{works_id}/")
    return projects, works


@pytest.mark.parametrize("sector_id", SECTOR_IDS)
def test_one_marker_per_located_project_and_current_located_works_order(demo, sector_id):
    projects, works = expected_markers(sector_id)
    m = sector_map(demo, sector_id)
    assert len(m.projects) == len(projects) and len(m.works) == len(works)
    assert {mk.url for mk in m.projects} == projects
    assert {mk.url for mk in m.works} == works
    assert all(mk.shape == "circle" and mk.tone in PROJECT_TONES for mk in m.projects)
    assert all(mk.shape == "square" and mk.tone in WORKS_TONES for mk in m.works)
    assert {item.tone for item in m.legend} == {mk.tone for mk in m.markers}


@pytest.mark.parametrize("sector_id", SECTOR_IDS)
def test_the_lists_under_a_map_name_its_markers_in_its_order_without_drawing_it(demo, sector_id, monkeypatch):
    """Every build knows each sector map's lists (long ones get pages): from the records alone."""
    import clairvoie.outputs.maps as maps

    fresh = load_demo()
    monkeypatch.setattr(maps, "_draw_sector_map", lambda *_: pytest.fail("the map was drawn"))
    lists = map_lists(fresh, fresh.sector(sector_id))
    monkeypatch.undo()
    drawn = sector_map(demo, sector_id)

    def words(marker):
        return marker.kind, marker.url, marker.title, marker.place, marker.tone, marker.label, marker.shape

    assert {kind: [words(m) for m in figure_list.rows] for kind, figure_list in lists.items()} == {
        kind: [words(m) for m in drawn.markers if m.kind == kind] for kind in ("project", "works", "report")}
    assert [figure_list.url for figure_list in lists.values()] == [
        f"secteurs/{sector_id}/listes/carte-{name}/" for name in ("projets", "travaux", "signalements")]


def test_demo_maps_show_every_kind_of_marker(demo):
    tones = {mk.tone for sector_id in SECTOR_IDS for mk in sector_map(demo, sector_id).markers}
    assert tones == set(PROJECT_TONES) | set(WORKS_TONES) | set(REPORT_TONES)


@pytest.mark.parametrize("sector_id", SECTOR_IDS)
def test_markers_do_not_hide_each_other(demo, sector_id):
    markers = sector_map(demo, sector_id).markers
    for i, a in enumerate(markers):
        for b in markers[i + 1:]:
            assert (a.x - b.x) ** 2 + (a.y - b.y) ** 2 >= 20 ** 2, (a.url, b.url)


def test_output_is_deterministic(demo):
    again = load_demo()
    for sector_id in SECTOR_IDS:
        first, second = sector_map(demo, sector_id), sector_map(again, sector_id)
        assert first == second
        assert render(first, demo) == render(second, again)


@pytest.mark.parametrize("sector_id", SECTOR_IDS)
def test_svg_is_small_rounded_and_self_contained(demo, sector_id):
    html = render(sector_map(demo, sector_id), demo)
    svg = re.search(r'<svg class="map".*?</svg>', html, re.S).group(0)
    assert len(svg.encode()) < 30_000
    assert not re.search(r"\d\.\d\d", svg)  # 0.1 px at most
    addresses = set(re.findall(r"https?://[^\s\"'<)]+", html)) - {"http://www.w3.org/2000/svg"}
    assert "<script" not in html and addresses <= {"https://www.openstreetmap.org/copyright"}
    assert re.search(r'<svg class="map"[^>]*role="group"[^>]*aria-labelledby="carte-' + sector_id, html)
    assert "Ce que montre la carte" in html


def test_every_marker_is_a_named_link_and_is_listed_in_words(demo):
    m = sector_map(demo, "secteur-1")
    html = render(m, demo)
    svg = re.search(r'<svg class="map".*?</svg>', html, re.S).group(0)
    after = html[html.index("</svg>\n  </div>"):]
    for mk in m.markers:
        link = f'<a class="map-marker tone-{mk.tone}" href="/{mk.url}"'
        assert link in svg
        assert f"<title>{mk.name}</title>".replace("'", "&#39;") in svg
        assert f'<a href="/{mk.url}">' in after  # the text alternative
    assert "Légende" in after


# --- small fixture cities ------------------------------------------------------------
SQUARE = "[[4.80, 45.70], [4.84, 45.70], [4.84, 45.73], [4.80, 45.73], [4.80, 45.70]]"


def sector_yaml(name, geometry=None):
    return f"name: {name}\n" + (f"geometry: {geometry}\n" if geometry else "")


def works_yaml(sector="secteur-1", geometry=None, start="2026-11-20", end="2026-12-20", extra=""):
    text = (f"reference: R-{start}-{end}\ntitle: Travaux\nsectors: [{sector}]\nkind: closure\n"
            f"street: Rue des Lilas\nstart: {start}\nend: {end}\n")
    return text + (f"geometry: {geometry}\n" if geometry else "") + extra


def test_polygon_with_a_hole_draws_both_rings(tmp_path):
    hole = "[[4.81, 45.71], [4.82, 45.71], [4.82, 45.72], [4.81, 45.72], [4.81, 45.71]]"
    model = load_site(write_site(tmp_path, {
        "sectors/secteur-1.yaml": sector_yaml("Un", f"{{type: Polygon, coordinates: [{SQUARE}, {hole}]}}"),
    }, with_sectors=False))
    m = sector_map(model, "secteur-1")
    assert m.ring_count == 2 and m.outline.count("Z") == 2
    assert m.markers == ()
    outer, inner = m.outline.split("Z")[:2]
    assert len(path_points(outer)) == 4 and len(path_points(inner)) == 4


def test_projection_keeps_the_aspect_ratio(tmp_path):
    model = load_site(write_site(tmp_path, {
        "sectors/secteur-1.yaml": sector_yaml("Un", f"{{type: Polygon, coordinates: [{SQUARE}]}}"),
    }, with_sectors=False))
    points = path_points(sector_map(model, "secteur-1").outline)
    width = max(x for x, _ in points) - min(x for x, _ in points)
    height = max(y for _, y in points) - min(y for _, y in points)
    ground = (0.04 * math.cos(math.radians(45.715))) / 0.03
    assert width / height == pytest.approx(ground, rel=0.01)
    assert height == pytest.approx(600 - 32 - 56, abs=0.2)  # the tall side fills the room


def test_sector_without_geometry_is_framed_by_its_markers(tmp_path):
    model = load_site(write_site(tmp_path, {
        "content/projects/a.yaml": project_yaml(location="location: {lat: 45.70, lon: 4.80}"),
        "content/projects/b.yaml": project_yaml(location="location: {lat: 45.72, lon: 4.83}"),
    }))
    m = sector_map(model, "secteur-1")
    assert m.outline == "" and m.ring_count == 0
    assert len(m.markers) == 2
    assert all(inside_view(mk.x, mk.y) for mk in m.markers)
    west, south, east, north = m.bbox
    assert west <= 4.80 and east >= 4.83 and south <= 45.70 and north >= 45.72


def test_lone_marker_gets_a_neighbourhood_around_it(tmp_path):
    model = load_site(write_site(tmp_path, {
        "content/projects/a.yaml": project_yaml(location="location: {lat: 45.70, lon: 4.80}"),
    }))
    m = sector_map(model, "secteur-1")
    (marker,) = m.markers
    assert (marker.x, marker.y) == pytest.approx((400, 600 - 56 - (600 - 32 - 56) / 2), abs=0.1)
    assert m.scale.label in ("50 m", "100 m", "200 m")


def test_no_geometry_and_nothing_located_means_no_map(tmp_path):
    model = load_site(write_site(tmp_path, {
        "content/projects/a.yaml": project_yaml(location="location: {address: Rue des Lilas}"),
        "content/works/w.yaml": works_yaml(),
    }))
    assert sector_map(model, "secteur-1") is None
    assert render(None, model).strip() == ""


def test_marker_outside_the_sector_widens_the_map_instead_of_being_clamped(tmp_path):
    model = load_site(write_site(tmp_path, {
        "sectors/secteur-1.yaml": sector_yaml("Un", f"{{type: Polygon, coordinates: [{SQUARE}]}}"),
        "content/projects/far.yaml": project_yaml(location="location: {lat: 45.715, lon: 4.90}"),
    }, with_sectors=False))
    m = sector_map(model, "secteur-1")
    assert m.bbox[2] >= 4.90
    (marker,) = m.markers
    outline_right = max(x for x, _ in path_points(m.outline))
    assert inside_view(marker.x, marker.y)
    assert marker.x > outline_right + 100  # where it is, not on the edge of the sector


def test_works_orders_tones_lines_and_past_ones(tmp_path):
    line = "{type: LineString, coordinates: [[4.80, 45.70], [4.82, 45.70], [4.82, 45.72]]}"
    point = "{type: Point, coordinates: [4.81, 45.71]}"
    model = load_site(write_site(tmp_path, {
        "content/works/active.yaml": works_yaml(geometry=line),
        "content/works/soon.yaml": works_yaml(geometry=point, start="2026-11-30", end="2026-12-02"),
        "content/works/later.yaml": works_yaml(geometry=point, start="2027-02-01", end="2027-02-02"),
        "content/works/cancelled.yaml": works_yaml(geometry=point, start="2026-12-01", end="2026-12-02",
                                                  extra="cancelled: Chantier reporté\n"),
        "content/works/past.yaml": works_yaml(geometry=point, start="2026-01-01", end="2026-01-02"),
        "content/works/nowhere.yaml": works_yaml(start="2026-11-01", end="2026-12-31"),
    }))
    m = sector_map(model, "secteur-1")
    tones = {mk.url: mk.tone for mk in m.markers}
    assert tones == {"travaux/active/": "works-active", "travaux/soon/": "works-soon",
                     "travaux/later/": "works-later", "travaux/cancelled/": "works-cancelled"}
    assert m.unlocated_works == 1
    assert [line.tone for line in m.lines] == ["works-active"]
    assert len(path_points(m.lines[0].path)) == 3
    # The marker of a line is half way along it (ground distance, as drawn).
    active = next(mk for mk in m.markers if mk.url == "travaux/active/")
    (x0, y0), (x1, y1), (x2, y2) = path_points(m.lines[0].path)
    legs = (abs(x1 - x0), abs(y2 - y1))  # an L-shaped street: east, then north
    assert legs[1] > legs[0] > 0
    half = sum(legs) / 2
    assert (active.anchor_x, active.anchor_y) == pytest.approx((x1, y1 - (half - legs[0])), abs=1)
    labels = {mk.tone: mk.label for mk in m.markers}
    assert labels["works-soon"] == "Travaux dans les 14 prochains jours"
    assert labels["works-cancelled"] == "Arrêté retiré"


def test_project_placed_by_its_geometry_when_it_has_no_lat_lon(tmp_path):
    model = load_site(write_site(tmp_path, {
        "sectors/secteur-1.yaml": sector_yaml("Un", f"{{type: Polygon, coordinates: [{SQUARE}]}}"),
        "content/projects/line.yaml": project_yaml(
            location="location: {geometry: {type: LineString, coordinates: [[4.80, 45.70], [4.84, 45.70]]}}"),
        "content/projects/area.yaml": project_yaml(
            location=f"location: {{geometry: {{type: Polygon, coordinates: [{SQUARE}]}}}}"),
    }, with_sectors=False))
    m = sector_map(model, "secteur-1")
    points = path_points(m.outline)
    left, right = min(x for x, _ in points), max(x for x, _ in points)
    top, bottom = min(y for _, y in points), max(y for _, y in points)
    anchors = {mk.url: (mk.anchor_x, mk.anchor_y) for mk in m.markers}
    assert anchors["projets/line/"] == pytest.approx(((left + right) / 2, bottom), abs=0.2)
    assert anchors["projets/area/"] == pytest.approx(((left + right) / 2, (top + bottom) / 2), abs=0.2)


def test_city_wide_project_shows_only_on_the_sector_it_lies_in(tmp_path):
    east = "[[4.84, 45.70], [4.88, 45.70], [4.88, 45.73], [4.84, 45.73], [4.84, 45.70]]"
    model = load_site(write_site(tmp_path, {
        "sectors/secteur-1.yaml": sector_yaml("Un", f"{{type: Polygon, coordinates: [{SQUARE}]}}"),
        "sectors/secteur-2.yaml": sector_yaml("Deux", f"{{type: Polygon, coordinates: [{east}]}}"),
        "content/projects/city.yaml": project_yaml(sectors="sectors: [all]",
                                                  location="location: {lat: 45.71, lon: 4.86}"),
    }, with_sectors=False))
    assert [mk.url for mk in sector_map(model, "secteur-2").markers] == ["projets/city/"]
    one = sector_map(model, "secteur-1")
    assert one.markers == () and one.unlocated_projects == 1


def test_points_closer_than_a_pixel_are_dropped_and_numbers_rounded(tmp_path):
    # 800 points along the bottom edge, 0.00005° apart: about 0.6 px each.
    bottom = ", ".join(f"[{4.80 + i * 0.00005:.5f}, 45.70]" for i in range(800))
    ring = f"[{bottom}, [4.84, 45.70], [4.84, 45.73], [4.80, 45.73], [4.80, 45.70]]"
    model = load_site(write_site(tmp_path, {
        "sectors/secteur-1.yaml": sector_yaml("Un", f"{{type: Polygon, coordinates: [{ring}]}}"),
    }, with_sectors=False))
    m = sector_map(model, "secteur-1")
    points = path_points(m.outline)
    assert 200 < len(points) < 500
    assert all(math.dist(a, b) >= 1 for a, b in zip(points, points[1:]))
    assert not re.search(r"\d\.\d\d", m.outline)


def test_neighbouring_sectors_are_drawn_for_context(demo):
    m = sector_map(demo, "secteur-1")
    ids = {n.sector_id for n in m.neighbours}
    assert "secteur-2" in ids and "secteur-1" not in ids
    labelled = [n for n in m.neighbours if n.label_x is not None]
    assert labelled and all(inside_view(n.label_x, n.label_y) for n in labelled)


# --- residents' reports ----------------------------------------------------------------
REPORT_SHAPES = {"report-overdue": "triangle", "report-open": "diamond", "report-resolved": "shield"}


def expected_report_markers(sector_id):
    """{url: tone} of the reports the sector's map shows, from the YAML alone."""
    return {r.url: r.tone for r in demo_reports()
            if r.tone and r.point and in_sector(r.point, sector_id)}


@pytest.mark.parametrize("sector_id", SECTOR_IDS)
def test_each_report_with_a_point_shows_with_the_shape_and_colour_of_its_state(demo, sector_id):
    expected = expected_report_markers(sector_id)
    m = sector_map(demo, sector_id)
    assert {mk.url: mk.tone for mk in m.reports} == expected
    assert all(mk.shape == REPORT_SHAPES[mk.tone] for mk in m.reports)
    # As many of each shape, with its tone's class, in the SVG as reports in that state.
    svg = re.search(r'<svg class="map".*?</svg>', render(m, demo), re.S).group(0)
    shape_path = {"triangle": 'd="M0-11.5L11 8.5H-11Z"', "diamond": 'd="M0-12L12 0L0 12L-12 0Z"',
                  "shield": 'd="M-9.5-10H9.5V2.5L0 11.5L-9.5 2.5Z"'}
    for tone, shape in REPORT_SHAPES.items():
        count = sum(1 for t in expected.values() if t == tone)
        drawn = re.findall(rf'<a class="map-marker tone-{tone}"[^>]*><title>[^<]*</title><path class="marker-shape" ([^/]*)/>', svg)
        assert drawn == [shape_path[shape]] * count, (sector_id, tone)


def test_demo_maps_show_the_three_states_of_reports_and_leave_old_ones_off(demo):
    shown = {mk.url for sector_id in SECTOR_IDS for mk in sector_map(demo, sector_id).reports}
    reports = demo_reports()
    for state in ("report-overdue", "report-open", "report-resolved"):
        assert any(r.tone == state for r in reports)
    old = [r for r in reports if r.stage == "resolved" and r.tone is None]
    ended = [r for r in reports if r.stage in ("closed", "duplicate")]
    assert old and ended
    assert not shown & {r.url for r in old + ended}
    assert shown == {r.url for r in reports if r.tone and r.point}


def test_report_shapes_are_their_own(demo):
    """Neither a report's state nor its kind is told by colour alone."""
    shapes = list(REPORT_SHAPES.values())
    assert len(set(shapes)) == 3 and not {"circle", "square"} & set(shapes)


def test_a_report_marker_names_its_number_its_kind_and_its_stage(demo):
    m = sector_map(demo, "secteur-1")
    by_number = {r.number: r for r in demo_reports()}
    stage_words = {"received": "Reçu", "acknowledged": "Pris en charge", "scheduled": "Intervention prévue",
                   "in_progress": "En cours", "resolved": "Résolu", "reopened": "Rouvert"}
    assert m.reports
    for mk in m.reports:
        report = by_number[mk.record.number]
        assert mk.name.startswith(f"Signalement : n° {report.number}, {report.service_name}, {report.street} — "
                                  f"{stage_words[report.stage]}")
        assert ("en retard de" in mk.name) == report.is_overdue
    # Overdue first, in words in the list under the map too.
    tones = [mk.tone for mk in m.reports]
    assert tones == sorted(tones, key=REPORT_TONES.index)
    html = render(m, demo)
    after = html[html.index("</svg>\n  </div>"):]
    assert "Signalements des habitants" in after and "Signalement en retard (triangle rouge)" in after
    for mk in m.reports:
        assert f'<a href="/{mk.url}">Signalement n° {mk.record.number}</a>' in after


def report_yaml(number, *stages, point="lat: 45.71\n  lon: 4.81", street="Rue des Lilas"):
    history = "".join(f"  - {stage}\n" for stage in stages)
    received = stages[0].split("date: ")[1].split(",")[0]
    return (f'number: "{number}"\nservice: nids\nreceived: {received}\n'
            f"location:\n  street: {street}\n  {point}\nhistory:\n{history}")


def test_the_edges_of_what_the_map_shows_of_reports(tmp_path):
    """Resolved 30 days ago: shown; 31 days ago: left off; closed, duplicate: left off; an open
    report without a point: counted, and sent to the street index; 90 days promised: overdue."""
    received = "{date: 2026-09-01T08:00, stage: received}"
    model = load_site(write_site(tmp_path, {
        "sectors/secteur-1.yaml": sector_yaml("Un", f"{{type: Polygon, coordinates: [{SQUARE}]}}"),
        "content/signalements/services.yaml": "services:\n  - code: nids\n    name: Nid-de-poule\n"
                                             "    commitment_days: 60\n",
        "content/signalements/r-1.yaml": report_yaml("R-1", received, "{date: 2026-10-25, stage: resolved}"),
        "content/signalements/r-2.yaml": report_yaml("R-2", received, "{date: 2026-10-24, stage: resolved}"),
        "content/signalements/r-3.yaml": report_yaml("R-3", received, "{date: 2026-10-01, stage: closed, reason: Rien}"),
        "content/signalements/r-4.yaml": report_yaml("R-4", received, "{date: 2026-10-01, stage: duplicate, duplicate_of: R-5}"),
        "content/signalements/r-5.yaml": report_yaml("R-5", received),
        "content/signalements/r-6.yaml": report_yaml(
            "R-6", "{date: 2026-11-20T08:00, stage: received}", point="section: au n°3",
            street="Rue du Four") + "sectors: [secteur-1]\n",
        "content/signalements/r-7.yaml": report_yaml(
            "R-7", "{date: 2026-11-20T08:00, stage: received}",
            "{date: 2026-11-21, stage: scheduled, expected: 2026-12-01}", point="lat: 45.72\n  lon: 4.83"),
    }, with_sectors=False))
    assert model.today == dt.date(2026, 11, 24)
    m = sector_map(model, "secteur-1")
    assert {mk.record.number: mk.tone for mk in m.reports} == {
        "R-5": "report-overdue", "R-7": "report-open", "R-1": "report-resolved"}
    assert [mk.record.number for mk in m.reports] == ["R-5", "R-7", "R-1"]  # overdue first
    assert m.unlocated_reports == 1
    html = unescape(render(m, model))
    assert "1 signalement en cours n'a pas d'emplacement précis : il est listé avec sa rue" in html
    assert '<a href="/rues/">l\'index des rues</a>' in html
    assert "1 en retard, 1 en cours de traitement, 1 résolu depuis moins de 30 jours" in html
    assert "Résolu le 25 octobre 2026" in m.reports_of("report-resolved")[0].name


def test_a_changed_report_renders_its_sectors_page_again_and_no_other(tmp_path):
    """The sector page (and its map) depends on its reports (incremental.PageSignatures)."""
    from clairvoie.incremental import PageSignatures

    east = "[[4.84, 45.70], [4.88, 45.70], [4.88, 45.73], [4.84, 45.73], [4.84, 45.70]]"
    root = write_site(tmp_path, {
        "sectors/secteur-1.yaml": sector_yaml("Un", f"{{type: Polygon, coordinates: [{SQUARE}]}}"),
        "sectors/secteur-2.yaml": sector_yaml("Deux", f"{{type: Polygon, coordinates: [{east}]}}"),
        "content/signalements/services.yaml": "services:\n  - code: nids\n    name: Nid-de-poule\n",
        "content/signalements/r-1.yaml": report_yaml("R-1", "{date: 2026-11-01T08:00, stage: received}"),
    }, with_sectors=False)
    theme = tmp_path / "theme"
    theme.mkdir()

    def signatures():
        model = load_site(root)
        pages = PageSignatures(model, {}, str(theme))
        return {s: pages.of("clairvoie_sector", model.views[s].records) for s in ("secteur-1", "secteur-2")}

    before = signatures()
    path = root / "content/signalements/r-1.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - {date: 2026-11-20, stage: resolved}\n",
                    encoding="utf-8")
    after = signatures()
    assert after["secteur-1"] != before["secteur-1"] and after["secteur-2"] == before["secteur-2"]
