"""The interactive map's tiles (outputs/tiles/): Debian's tilemaker run for real on a small
extract written with pyosmium, the PMTiles file read back with the pmtiles package, kept
between builds by the extract's fingerprint; and each sector's file for the page's script."""

import datetime as dt
import gzip
import logging
import math
import os
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pmtiles.reader import MmapSource, Reader
from pmtiles.tile import TileType

from building import DEMO_EPOCH, REPO
from clairvoie.model import load_model
from clairvoie.outputs import tiles
from clairvoie.outputs.maps import sector_map
from clairvoie.publish.policy import content_type
from clairvoie.settings import ClairvoieSettings
from synthetic_osm_extract import ACROSS, ALONG, EAST, NORTH, SOUTH, WEST, write_extract

needs_tilemaker = pytest.mark.skipif(shutil.which("tilemaker") is None,
                                     reason="Debian's tilemaker is not installed (make debian-packages)")
CONFIG = REPO / "plugins/clairvoie/outputs/tiles/config.json"


@pytest.fixture(scope="module")
def demo_model():
    now = dt.datetime.fromtimestamp(int(DEMO_EPOCH), tz=ZoneInfo("Europe/Paris"))
    return load_model(ClairvoieSettings(site_root=str(REPO)), str(REPO / "content"), "Europe/Paris", now=now)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiles")
    extract = write_extract(folder / "ville.osm.pbf")
    return extract, folder / "cache", tiles.tiles_of(str(extract), str(folder / "cache"))


def read(path):
    stream = open(path, "rb")
    reader = Reader(MmapSource(stream))
    return stream, reader


def tile_of(lon, lat, zoom):
    """The slippy-map tile (x, y) holding a point, from the Web Mercator formulas."""
    n = 2 ** zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def fitting_zoom(bbox, width_px=800):
    """The zoom at which a box's width fills about width_px (256 px tiles), as the map opens."""
    west, _, east, _ = bbox
    return math.floor(math.log2(360 * width_px / 256 / (east - west)))


@needs_tilemaker
def test_one_pmtiles_file_with_vector_tiles_over_the_extract(made):
    _, _, path = made
    assert path is not None and path.endswith(".pmtiles")
    stream, reader = read(path)
    with stream:
        header = reader.header()
        config = __import__("json").loads(CONFIG.read_text(encoding="utf-8"))["settings"]
        assert header["tile_type"] == TileType.MVT
        assert (header["min_zoom"], header["max_zoom"]) == (config["minzoom"], config["maxzoom"])
        # The extract's own box (its header), to 1e-7 degree.
        assert (header["min_lon_e7"], header["min_lat_e7"], header["max_lon_e7"], header["max_lat_e7"]) == (
            round(WEST * 1e7), round(SOUTH * 1e7), round(EAST * 1e7), round(NORTH * 1e7))
        assert "OpenStreetMap" in reader.metadata()["attribution"]


@needs_tilemaker
def test_every_demo_sector_has_tiles_at_the_zoom_its_map_opens_with(made, demo_model):
    _, _, path = made
    stream, reader = read(path)
    with stream:
        max_zoom = reader.header()["max_zoom"]
        for sector in demo_model.sectors:
            bbox = sector_map(demo_model, sector.id).bbox
            zoom = min(fitting_zoom(bbox), max_zoom)
            centre = ((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
            tile = reader.get(zoom, *tile_of(*centre, zoom))
            assert tile is not None, (sector.id, zoom)
            data = gzip.decompress(tile)
            assert b"street" in data  # the layer of streets (its name is in the tile)


@needs_tilemaker
def test_the_streets_keep_their_names_in_the_deepest_tiles(made):
    _, _, path = made
    stream, reader = read(path)
    with stream:
        zoom = reader.header()["max_zoom"]
        # Where the first west-east street crosses the first south-north one.
        lat = SOUTH + (NORTH - SOUTH) * 1 / (len(ACROSS) + 1)
        lon = WEST + (EAST - WEST) * 1 / (len(ALONG) + 1)
        data = gzip.decompress(reader.get(zoom, *tile_of(lon, lat, zoom)))
        assert ACROSS[0][0].encode() in data and ALONG[0][0].encode() in data


@needs_tilemaker
def test_an_unchanged_extract_keeps_its_tiles_a_changed_one_gets_new_ones(tmp_path):
    extract, cache = write_extract(tmp_path / "ville.osm.pbf"), tmp_path / "cache"
    first = tiles.tiles_of(str(extract), str(cache))
    made_at = os.stat(first).st_mtime_ns
    assert tiles.tiles_of(str(extract), str(cache)) == first
    assert os.stat(first).st_mtime_ns == made_at  # not made again

    write_extract(extract, with_box=False)  # other bytes: the box is no longer in the header
    second = tiles.tiles_of(str(extract), str(cache))
    assert second != first and os.path.isfile(second)
    assert not os.path.exists(first)  # the older tiles are dropped
    stream, reader = read(second)
    with stream:  # the box read from the extract's nodes instead
        header = reader.header()
        assert header["min_lon_e7"] == round(WEST * 1e7) and header["max_lat_e7"] == round(NORTH * 1e7)


def test_a_missing_extract_gives_a_french_warning_and_no_tiles(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        assert tiles.tiles_of(str(tmp_path / "absent.osm.pbf"), str(tmp_path / "cache")) is None
    assert "l'extrait OpenStreetMap" in caplog.text and "ne peut pas être lu" in caplog.text
    assert "sans carte interactive" in caplog.text


@needs_tilemaker
def test_an_unreadable_extract_gives_a_french_warning_and_no_tiles(tmp_path, caplog):
    extract = tmp_path / "ville.osm.pbf"
    extract.write_bytes(b"ceci n'est pas un extrait OpenStreetMap" * 10)
    with caplog.at_level(logging.WARNING):
        assert tiles.tiles_of(str(extract), str(tmp_path / "cache")) is None
    assert "les tuiles n'ont pas pu être faites" in caplog.text
    assert not list((tmp_path / "cache").glob("*.pmtiles"))


def test_without_tilemaker_a_french_warning_and_no_tiles(tmp_path, caplog, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine where Debian's package is not installed
    extract = write_extract(tmp_path / "ville.osm.pbf")
    with caplog.at_level(logging.WARNING):
        assert tiles.tiles_of(str(extract), str(tmp_path / "cache")) is None
    assert "tilemaker n'est pas installé" in caplog.text


def test_without_the_npm_packages_a_french_warning_names_what_is_missing(tmp_path, caplog, monkeypatch):
    modules = tmp_path / "node_modules"
    monkeypatch.setenv(tiles.NODE_MODULES_VARIABLE, str(modules))
    with caplog.at_level(logging.WARNING):
        assert tiles._library_files(str(tmp_path)) is None
    assert "maplibre-gl et pmtiles ne sont pas installés (node_modules)" in caplog.text
    assert "« make site » pour les installer" in caplog.text
    for package, path in tiles.LIBRARY_FILES:
        if package == "maplibre-gl":
            (modules / package / path).parent.mkdir(parents=True, exist_ok=True)
            (modules / package / path).write_text("", encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert tiles._library_files(str(tmp_path)) is None
    assert "pmtiles n'est pas installé (node_modules)" in caplog.text and "pour l'installer" in caplog.text


def test_each_sector_file_carries_the_static_maps_markers(demo_model):
    for sector in demo_model.sectors:
        drawn = sector_map(demo_model, sector.id)
        data = tiles.sector_data(demo_model, sector.id)
        assert [(m["kind"], m["shape"], m["tone"], m["url"], m["name"]) for m in data["markers"]] == [
            (m.kind, m.shape, m.tone, m.url, m.name) for m in drawn.markers]
        west, south, east, north = data["bounds"]
        for marker in data["markers"]:
            lon, lat = marker["lngLat"]
            assert west <= lon <= east and south <= lat <= north, marker["name"]
        # A project placed by its coordinates is drawn exactly there.
        for marker, shown in zip(drawn.markers, data["markers"]):
            location = marker.record.location if marker.kind == "project" else None
            if location is not None and location.lat is not None:
                assert shown["lngLat"] == [round(location.lon, 6), round(location.lat, 6)]
        # The works orders' courses are the static map's (drawn along their street when the
        # extract knows it, else as their geometry says): the same lines, in the same tones.
        assert sorted(f["properties"]["tone"] for f in data["lines"]["features"]) == sorted(
            line.tone for line in drawn.lines)
        assert data["tiles"] == tiles.TILES and "OpenStreetMap" in data["attribution"]


def test_the_published_library_is_sent_with_a_type_browsers_run_as_a_module():
    for name in ("maplibre-gl.mjs", "maplibre-gl-worker.mjs", "pmtiles.js"):
        assert content_type(f"{tiles.LIBRARY}/{name}") == "text/javascript; charset=utf-8"


@needs_tilemaker
def test_the_same_extract_makes_the_same_bytes(made, tmp_path):
    """Two builds publish the same file (SOURCE_DATE_EPOCH builds are byte-identical)."""
    extract, _, first = made
    again = tiles.tiles_of(str(extract), str(tmp_path / "other-cache"))
    with open(first, "rb") as one, open(again, "rb") as other:
        assert one.read() == other.read()


@needs_tilemaker
def test_the_same_files_make_the_same_tiles_whatever_their_folders(tmp_path):
    """Two checkouts of one commit, in folders of other names, publish the same tiles: tilemaker
    made other tiles of the demo's extract when given its configuration from another folder."""
    made_bytes = set()
    for length in range(1, 9):
        folder = tmp_path / ("c" * length)
        folder.mkdir()
        for own in tiles.OWN_FILES:
            shutil.copyfile(Path(tiles.__file__).parent / own, folder / own)
        extract = folder / "commune.osm.pbf"
        shutil.copyfile(REPO / "content/osm/commune.osm.pbf", extract)
        work = tmp_path / f"work-{length}"
        work.mkdir()
        made = tiles._make(shutil.which("tilemaker"), str(extract), tiles.extract_box(str(extract)), str(folder),
                           str(work))
        made_bytes.add(Path(made).read_bytes())
    assert len(made_bytes) == 1
