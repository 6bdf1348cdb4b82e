"""The maps' OpenStreetMap background, in the built site: streets, the names residents know,
the ODbL credit; and a missing or broken extract, which must never fail a build."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from building import DEMO_EPOCH, REPO, run_clairvoie, run_pelican
from clairvoie.outputs.maps import sector_map
from osm_extract import DEMO_EXTRACT, named_streets, sector_shape
from sites import load_site, write_site

SVG = "{http://www.w3.org/2000/svg}"
MAP = re.compile(r'<svg class="map".*?</svg>', re.S)
SECTOR_IDS = sorted(p.stem for p in (REPO / "sectors").glob("*.yaml"))
CREDIT = "© les contributeurs d'OpenStreetMap"
COPYRIGHT = "https://www.openstreetmap.org/copyright"
MAX_MAP_BYTES = 150 * 1024
TODAY = dt.datetime.fromtimestamp(int(DEMO_EPOCH), tz=ZoneInfo("Europe/Paris")).date()


def as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def works_in_progress(sector_id: str) -> set[str]:
    """Streets of the sector's works orders in force on the build date, not withdrawn, from the YAML."""
    streets = set()
    for path in sorted((REPO / "content/works").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if (sector_id in data["sectors"] and not data.get("cancelled")
                and as_date(data["start"]) <= TODAY <= as_date(data["end"])):
            streets.add(data["street"])
    return streets


def sector_svg(output: Path, sector_id: str) -> ET.Element:
    html = (output / "secteurs" / sector_id / "index.html").read_text(encoding="utf-8")
    return ET.fromstring(MAP.search(html).group(0))


def texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def test_the_demo_extract_is_small_dated_licensed_and_names_every_street_of_the_works():
    assert DEMO_EXTRACT.stat().st_size < 1024 * 1024
    source = yaml.safe_load((DEMO_EXTRACT.parent / "source.yaml").read_text(encoding="utf-8"))
    assert source["file"] == DEMO_EXTRACT.name and "ODbL" in source["licence"]
    assert CREDIT in source["attribution"] and isinstance(source["date"], dt.date)
    streets = named_streets()
    for path in sorted((REPO / "content/works").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        name = data["street"]
        if name.startswith("Place "):
            continue  # squares are areas, not ways
        assert name in streets, name
        geometry = data.get("geometry")
        if geometry and geometry["type"] == "Point":  # a works order's point lies on its street
            from shapely.geometry import Point
            assert streets[name].distance(Point(geometry["coordinates"])) < 1e-6, path.name


@pytest.mark.parametrize("sector_id", SECTOR_IDS)
def test_sector_map_has_streets_the_names_of_the_works_streets_and_the_credit(demo_output, sector_id):
    svg = sector_svg(demo_output, sector_id)
    roads = [p for p in svg.iter(f"{SVG}path") if "map-road" in classes(p)]
    assert roads and all(p.get("d", "").startswith("M") for p in roads)
    written = texts(svg)
    in_progress = works_in_progress(sector_id)
    # The streets of the works orders in progress that the extract has in the sector.
    streets, outline = named_streets(), sector_shape(sector_id)
    expected = {s for s in in_progress if s not in streets or streets[s].intersects(outline)}
    assert expected, "every demo sector has works in progress on the build date"
    assert expected <= set(written), expected - set(written)
    credit = next(t for t in written if CREDIT in t)
    assert COPYRIGHT in credit  # the address as text: it prints


def test_a_street_map_draws_the_extract_its_street_named_and_the_credit(demo_output):
    html = (demo_output / "rues" / "rue-des-lilas" / "index.html").read_text(encoding="utf-8")
    svg = ET.fromstring(MAP.search(html).group(0))
    roads = [p for p in svg.iter(f"{SVG}path") if "map-road" in classes(p)]
    assert roads and all(p.get("d", "").startswith("M") for p in roads)
    written = texts(svg)
    assert "Rue des Lilas" in written
    assert COPYRIGHT in next(t for t in written if CREDIT in t)


def test_every_map_of_the_site_is_at_most_150_kb(demo_output):
    maps = 0
    for page in demo_output.rglob("*.html"):
        for svg in MAP.findall(page.read_text(encoding="utf-8")):
            maps += 1
            assert len(svg.encode()) <= MAX_MAP_BYTES, page
    assert maps >= len(SECTOR_IDS)


def test_the_page_credits_openstreetmap_under_the_map_with_the_extract_date(demo_output):
    html = (demo_output / "secteurs" / SECTOR_IDS[0] / "index.html").read_text(encoding="utf-8")
    source = yaml.safe_load((DEMO_EXTRACT.parent / "source.yaml").read_text(encoding="utf-8"))
    credit = re.search(r'<p class="map-source">(.*?)</p>', html, re.S).group(1)
    assert f'<a href="{COPYRIGHT}">' in credit and "ODbL" in credit
    assert str(source["date"].year) in credit


# --- no extract, or a broken one: a warning, the outlines, a site ------------------------------
OUTLINE = json.dumps({"type": "Polygon", "coordinates": [[[4.835, 45.728], [4.866, 45.731], [4.869, 45.744],
                                                          [4.866, 45.76], [4.835, 45.76], [4.835, 45.728]]]})
SMALL_CITY = {
    "sectors/secteur-1.yaml": f"name: Secteur 1 – Centre-ville\nshort_name: Centre-ville\ngeometry: {OUTLINE}\n",
    "content/works/grande-rue.yaml": """\
        reference: 2026-ARR-0001
        title: Réfection de la Grande Rue
        sectors: [secteur-1]
        kind: closure
        street: Grande Rue
        geometry: {type: Point, coordinates: [4.85, 45.745]}
        start: 2026-11-01
        end: 2026-12-31
        issued_by: Le Maire
        signed: 2026-10-20
        """,
}


def small_city(root: Path, extract: bytes | None) -> Path:
    write_site(root, SMALL_CITY, with_sectors=False)
    shutil.copytree(REPO / "themes", root / "themes")
    shutil.copy(REPO / "pelicanconf.py", root / "pelicanconf.py")
    if extract is not None:
        (root / "content/osm").mkdir(parents=True)
        (root / "content/osm/commune.osm.pbf").write_bytes(extract)
    return root


def test_with_a_broken_extract_the_build_warns_in_french_and_maps_show_the_outline(tmp_path):
    said = "extrait OpenStreetMap illisible"
    site = small_city(tmp_path / "site", b"\x00\x00\x00\x0dOSMHeader cut short" * 3)
    built = run_pelican(site, tmp_path / "output")
    assert built.returncode == 0, built.stderr
    log = built.stdout + built.stderr
    assert said in log and "content/osm/commune.osm.pbf" in log and "Traceback" not in log
    assert "les cartes sont publiées sans les rues" in log
    svg = sector_svg(tmp_path / "output", "secteur-1")
    paths = [classes(p) for p in svg.iter(f"{SVG}path")]
    assert {"map-sector"} in paths  # the outline, as before
    assert not any(c & {"map-road", "map-water", "map-green", "map-sector-edge"} for c in paths)
    assert not any(CREDIT in t for t in texts(svg))  # nothing of OpenStreetMap shown, nothing to credit
    assert len([a for a in svg.iter(f"{SVG}a") if "map-marker" in classes(a)]) == 1


def test_the_model_reads_the_extract_for_real_and_a_broken_one_leaves_it_empty_with_a_reason(tmp_path):
    site = small_city(tmp_path / "good", DEMO_EXTRACT.read_bytes())
    model = load_site(site)
    assert model.basemap and model.basemap.warning == ""
    grande_rue = model.basemap.street("grande rue")  # case and accents ignored, as /rues/
    assert grande_rue is not None and grande_rue.equals(named_streets()["Grande Rue"])
    broken = small_city(tmp_path / "broken", b"not a pbf")
    model = load_site(broken)
    assert not model.basemap and "illisible" in model.basemap.warning
    assert sector_map(model, "secteur-1").base is None
    missing = load_site(small_city(tmp_path / "missing", None))
    assert not missing.basemap and missing.basemap.warning.startswith(
        "content/osm/commune.osm.pbf : extrait OpenStreetMap introuvable ; les cartes sont publiées sans les rues")
    assert sector_map(missing, "secteur-1").base is None and sector_map(missing, "secteur-1").outline


def test_a_new_extract_makes_every_page_again_and_the_same_bytes_do_not(tmp_path):
    import dataclasses

    from clairvoie.incremental import common_fingerprint
    from clairvoie.model.basemap import Basemap

    model = load_site(small_city(tmp_path / "site", DEMO_EXTRACT.read_bytes()))
    again = load_site(tmp_path / "site")
    theme = str(REPO / "themes/clairvoie")
    first = common_fingerprint(model, {}, theme)
    assert common_fingerprint(again, {}, theme) == first  # unchanged extract: pages kept
    changed = dataclasses.replace(model, basemap=Basemap(model.basemap.path, "another extract"))
    assert common_fingerprint(changed, {}, theme) != first


def test_validate_says_the_extract_is_missing_but_the_records_are_valid(tmp_path):
    site = small_city(tmp_path / "site", None)
    result = run_clairvoie(site, "validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Toutes les fiches sont valides")
    assert "content/osm/commune.osm.pbf : extrait OpenStreetMap introuvable" in result.stderr
