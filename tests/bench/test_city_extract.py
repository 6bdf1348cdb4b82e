"""The benchmark's cities carry an OpenStreetMap extract (bench/make_city.py, content/osm/), so that
`make bench` measures what the maps' streets and the tiles cost: read here with pyosmium on its own.

No timing here: performance figures live in `make bench`, never in a test.
"""

import dataclasses
import datetime as dt
import hashlib
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import osmium
import pytest
import yaml
from osm_extract import named_streets
from shapely.geometry import Point

from building import REPO, run_pelican

sys.path.insert(0, str(REPO / "bench"))

import make_city as city_module  # noqa: E402
from make_city import BUILD_EPOCH, SIZES, make_city  # noqa: E402

EXTRACT = Path("content") / "osm" / "commune.osm.pbf"
SVG = "{http://www.w3.org/2000/svg}"
CREDIT = "© les contributeurs d'OpenStreetMap"


def records(folder: Path) -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.yaml"))]


def named_squares(path: Path) -> set[str]:
    """Names of the extract's pedestrian areas (a "Place …" is drawn as one, not as a line)."""
    return {way.tags["name"] for way in osmium.FileProcessor(str(path), osmium.osm.WAY)
            if way.tags.get("area") == "yes" and "name" in way.tags}


def trace_points(geometry: dict | None) -> list[tuple[float, float]]:
    if not geometry:
        return []
    if geometry["type"] == "Point":
        return [tuple(geometry["coordinates"])]
    return [tuple(point) for point in geometry["coordinates"]]


@pytest.fixture(scope="module")
def small_city(tmp_path_factory):
    return make_city("S", 1, tmp_path_factory.mktemp("bench-osm") / "city")


def test_the_extract_is_dated_licensed_and_names_every_street_the_records_use(small_city):
    path = small_city / EXTRACT
    source = yaml.safe_load((path.parent / "source.yaml").read_text(encoding="utf-8"))
    assert source["file"] == path.name and "ODbL" in source["licence"]
    assert CREDIT in source["attribution"] and isinstance(source["date"], dt.date)
    header = osmium.io.Reader(str(path), osmium.osm.NOTHING).header()
    assert header.get("osmosis_replication_timestamp").startswith(source["date"].isoformat())

    streets, squares = named_streets(path), named_squares(path)
    works = records(small_city / "content" / "works")
    reports = [r for r in records(small_city / "content" / "signalements") if "number" in r]
    projects = records(small_city / "content" / "projects")
    used = ({w["street"] for w in works} | {r["location"]["street"] for r in reports}
            | {p["location"]["address"].split(",")[0] for p in projects})
    assert len(used) > 50
    for name in sorted(used):
        assert name in (squares if name.startswith("Place ") else streets), name


def test_a_works_orders_trace_lies_on_its_street(small_city):
    streets = named_streets(small_city / EXTRACT)
    checked = 0
    for order in records(small_city / "content" / "works"):
        if order["street"].startswith("Place "):
            continue
        for lon, lat in trace_points(order.get("geometry")):
            assert streets[order["street"]].distance(Point(lon, lat)) < 1e-6, order["reference"]
            checked += 1
    assert checked > 50


def test_the_extract_is_the_same_for_one_seed_and_another_for_another(tmp_path, small_city):
    def digest(city: Path) -> str:
        return hashlib.sha256((city / EXTRACT).read_bytes()).hexdigest()

    assert digest(make_city("S", 1, tmp_path / "again")) == digest(small_city)
    assert digest(make_city("S", 2, tmp_path / "other")) != digest(small_city)


def test_writing_the_extract_changes_no_other_file(tmp_path, small_city):
    class WithoutExtract(city_module.CityWriter):
        def write_extract(self) -> None:
            pass

    WithoutExtract(dataclasses.replace(SIZES["S"]), 1, tmp_path / "bare", REPO).run()
    bare = {p.relative_to(tmp_path / "bare"): p.read_bytes() for p in (tmp_path / "bare").rglob("*") if p.is_file()}
    full = {p.relative_to(small_city): p.read_bytes() for p in small_city.rglob("*") if p.is_file()}
    assert {name for name in full if name not in bare} == {EXTRACT, EXTRACT.parent / "source.yaml"}
    assert all(full[name] == data for name, data in bare.items())


def test_the_built_citys_sector_maps_draw_its_streets(small_city, tmp_path):
    output = tmp_path / "output"
    result = run_pelican(small_city, output, epoch=BUILD_EPOCH)
    assert result.returncode == 0, result.stderr
    assert "OpenStreetMap" not in result.stderr  # no warning about the extract
    sectors = sorted(p.stem for p in (small_city / "sectors").glob("*.yaml"))
    assert len(sectors) == SIZES["S"].sectors
    for sector_id in sectors:
        html = (output / "secteurs" / sector_id / "index.html").read_text(encoding="utf-8")
        drawn = [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", html, re.S) if "map-base" in svg]
        assert drawn, sector_id
        roads = [p for svg in drawn for p in svg.iter(f"{SVG}path") if "map-road" in p.get("class", "").split()]
        assert roads and all(p.get("d", "").startswith("M") for p in roads), sector_id
        assert any(CREDIT in "".join(t.itertext()) for svg in drawn for t in svg.iter(f"{SVG}text")), sector_id
