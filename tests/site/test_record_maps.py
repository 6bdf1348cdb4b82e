"""A project's and a works order's own map (/projets/<id>/, /travaux/<id>/): the record on the
streets around it, from the city's OpenStreetMap extract; no map for a record without a place.
Expectations come from the YAML and from the extract read on its own (osm_extract.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
import yaml
from shapely.geometry import Point, shape

from building import DEMO_EPOCH, REPO
from osm_extract import DEMO_EXTRACT, named_streets
from sites import load_site, project_yaml, write_site

SVG = "{http://www.w3.org/2000/svg}"
MAP = re.compile(r'<svg class="map".*?</svg>', re.S)
CREDIT = "© les contributeurs d'OpenStreetMap"
COPYRIGHT = "https://www.openstreetmap.org/copyright"
MAX_MAP_BYTES = 150 * 1024
TODAY = dt.datetime.fromtimestamp(int(DEMO_EPOCH), tz=ZoneInfo("Europe/Paris")).date()
NEAR_DEGREES = 0.0009  # about 100 m north–south (70 m east–west): well inside a record's map


def demo_records(folder):
    for path in sorted((REPO / "content" / folder).glob("*.yaml")):
        yield path.stem, yaml.safe_load(path.read_text(encoding="utf-8"))


def project_point(data) -> Point | None:
    location = data.get("location") or {}
    return Point(location["lon"], location["lat"]) if "lat" in location and "lon" in location else None


def located(data) -> bool:
    location = data.get("location") or {}
    return project_point(data) is not None or "geometry" in location


def page_map(page) -> tuple[str, ET.Element] | None:
    found = MAP.search(page.read_text(encoding="utf-8"))
    return (found.group(0), ET.fromstring(found.group(0))) if found else None


def texts(svg):
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def check_drawing(svg_text, svg):
    """What every record's map carries: the extract's streets, the ODbL credit, the size cap."""
    assert len(svg_text.encode()) <= MAX_MAP_BYTES
    roads = [p for p in svg.iter(f"{SVG}path") if "map-road" in p.get("class", "").split()]
    assert roads and all(p.get("d", "").startswith("M") for p in roads)
    assert COPYRIGHT in next(t for t in texts(svg) if CREDIT in t)
    markers = [g for g in svg.iter() if "map-marker" in g.get("class", "").split()]
    assert len(markers) == 1  # the record itself, not a link to the page one is on
    assert markers[0].tag == f"{SVG}g" and markers[0].find(f"{SVG}title").text
    return markers[0]


def test_each_located_project_has_its_map_with_the_streets_its_address_names(demo_output):
    streets = named_streets()
    mapped = 0
    for project_id, data in demo_records("projects"):
        if not located(data):
            continue
        svg_text, svg = page_map(demo_output / "projets" / project_id / "index.html")
        check_drawing(svg_text, svg)
        mapped += 1
        point, address = project_point(data), (data["location"].get("address") or "").casefold()
        if point is None:
            continue
        # The extract's streets the address names and that pass by the project: written on its map.
        own = {name for name, course in streets.items()
               if name.casefold() in address and course.distance(point) < NEAR_DEGREES}
        assert own <= set(texts(svg)), (project_id, own - set(texts(svg)))
    assert mapped


def test_a_project_without_a_place_has_no_map_and_its_page_still_says_where(demo_output):
    unlocated = [project_id for project_id, data in demo_records("projects") if not located(data)]
    assert unlocated, "the demo has projects of the whole city, without a place"
    for project_id in unlocated:
        html = (demo_output / "projets" / project_id / "index.html").read_text(encoding="utf-8")
        assert MAP.search(html) is None and "record-map" not in html
        assert '<h2 id="lieu">Lieu</h2>' in html


def test_each_works_order_has_its_map_with_its_street_named_and_drawn_along_it(demo_output):
    streets = named_streets()
    for order_id, data in demo_records("works"):
        name, geometry = data["street"], data.get("geometry")
        course = streets.get(name)
        if geometry is None and course is None:
            continue  # placed by nothing: no map (test below)
        svg_text, svg = page_map(demo_output / "travaux" / order_id / "index.html")
        marker = check_drawing(svg_text, svg)
        end = data["end"].date() if isinstance(data["end"], dt.datetime) else data["end"]
        over = end < TODAY and not data.get("cancelled")  # works over: their own tone, on their page only
        assert ("tone-works-past" in marker.get("class")) == over, order_id
        if course is not None and (geometry is None or course.distance(shape(geometry)) < NEAR_DEGREES):
            assert name in texts(svg), order_id
        lines = [p for p in svg.iter(f"{SVG}path") if "map-line" in p.get("class", "").split()]
        if course is not None or geometry["type"] != "Point":
            assert lines, order_id  # the works' course: along the street, or its own line


# --- the model: where the map comes from -------------------------------------------------------
SECTOR = ('{"type": "Polygon", "coordinates": [[[4.835, 45.728], [4.866, 45.731], [4.869, 45.744], '
          '[4.866, 45.76], [4.835, 45.76], [4.835, 45.728]]]}')


def works_yaml(reference, street, geometry=""):
    return f"""\
        reference: {reference}
        title: Travaux {street}
        sectors: [secteur-1]
        kind: closure
        street: {street}
        {geometry}
        start: 2026-11-01
        end: 2026-12-31
        issued_by: Le Maire
        signed: 2026-10-20
        """


@pytest.fixture(scope="module")
def small_city(tmp_path_factory):
    root = write_site(tmp_path_factory.mktemp("city"), {
        "sectors/secteur-1.yaml": f"name: Secteur 1 – Centre-ville\nshort_name: Centre-ville\ngeometry: {SECTOR}\n",
        "content/works/sans-trace.yaml": works_yaml("2026-ARR-0001", "Grande Rue"),
        "content/works/rue-absente.yaml": works_yaml("2026-ARR-0002", "Rue Qui N'Existe Pas"),
        "content/works/au-point.yaml": works_yaml(
            "2026-ARR-0003", "Grande Rue", "geometry: {type: Point, coordinates: [4.85, 45.745]}"),
        "content/projects/sans-lieu.yaml": project_yaml(),
        "content/projects/au-four.yaml": project_yaml(
            location="location:\n  address: 14 rue du Four\n  lat: 45.75046\n  lon: 4.8473"),
    }, with_sectors=False)
    (root / "content/osm").mkdir(parents=True)
    shutil.copy(DEMO_EXTRACT, root / "content/osm/commune.osm.pbf")
    return load_site(root)


def test_a_works_order_is_drawn_along_its_street_and_one_the_extract_cannot_place_has_no_map(small_city):
    from clairvoie.outputs.maps import works_map

    orders = {order.id: order for order in small_city.works}
    grande_rue = named_streets()["Grande Rue"]
    for order_id in ("sans-trace", "au-point"):
        drawn = works_map(small_city, orders[order_id])
        (marker,) = drawn.markers
        assert marker.course and all(grande_rue.distance(Point(p)) < 1e-6 for part in marker.course for p in part)
        assert "Grande Rue" in [name.text for name in drawn.base.names]
    assert works_map(small_city, orders["rue-absente"]) is None


def test_a_project_map_is_centred_on_it_at_street_level_and_one_without_place_has_none(small_city):
    from clairvoie.outputs.maps import project_map

    projects = {project.id: project for project in small_city.projects}
    assert project_map(small_city, projects["sans-lieu"]) is None
    drawn = project_map(small_city, projects["au-four"])
    west, south, east, north = drawn.bbox
    assert abs((west + east) / 2 - 4.8473) < 1e-9 and abs((south + north) / 2 - 45.75046) < 1e-9
    assert north - south < 0.01  # about a kilometre at most: the streets around, not the sector
    assert int(drawn.scale.label.split()[0]) <= 200 and drawn.scale.label.endswith(" m")
    assert "Rue du Four" in [name.text for name in drawn.base.names]


def test_a_new_extract_makes_the_project_and_works_pages_again(small_city):
    from clairvoie.incremental import PageSignatures
    from clairvoie.model.basemap import Basemap

    theme = str(REPO / "themes/clairvoie")
    changed = dataclasses.replace(small_city, basemap=Basemap(small_city.basemap.path, "another extract"))
    before, after = PageSignatures(small_city, {}, theme), PageSignatures(changed, {}, theme)
    for template, record in (("clairvoie_project", small_city.projects[0]), ("clairvoie_works", small_city.works[0])):
        assert before.of(template, [record]) != after.of(template, [record])
        assert before.of(template, [record]) == PageSignatures(small_city, {}, theme).of(template, [record])
