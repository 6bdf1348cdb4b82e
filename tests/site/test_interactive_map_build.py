"""The interactive map in a real build of a small city: made with an extract and kept for the
next build; a missing or unreadable extract never fails the build (a French warning, the
static plan alone)."""

import shutil

import pytest

from building import REPO, run_pelican
from synthetic_osm_extract import write_extract
from sites import project_yaml, write_site

LOCATION = "location:\n  address: 3 rue des Lilas\n  lat: 45.74\n  lon: 4.85"
needs_tilemaker = pytest.mark.skipif(shutil.which("tilemaker") is None,
                                     reason="Debian's tilemaker is not installed (make debian-packages)")


@pytest.fixture
def city(tmp_path, monkeypatch):
    site = tmp_path / "site"
    shutil.copytree(REPO / "themes", site / "themes")
    write_site(site, {"content/projects/lilas.yaml": project_yaml(location=LOCATION)})
    shutil.copy(REPO / "pelicanconf.py", site / "pelicanconf.py")
    # MapLibre GL JS as npm installed it for the repository.
    monkeypatch.setenv("CLAIRVOIE_NODE_MODULES", str(REPO / "node_modules"))
    return site


def build(site, extract):
    """``extract``: from Pelican's PATH (content/), as the setting is."""
    return run_pelican(site, site / "output", extra_settings={"CLAIRVOIE_OSM_EXTRACT": extract})


@needs_tilemaker
def test_the_tiles_are_published_and_kept_for_the_next_build(city):
    (city / "content" / "osm").mkdir()
    write_extract(city / "content" / "osm" / "ville.osm.pbf")
    first = build(city, "osm/ville.osm.pbf")
    assert first.returncode == 0, first.stderr
    output = city / "output"
    published = (output / "carte-interactive/ville.pmtiles").read_bytes()
    kept = list((city / "cache" / "clairvoie-tiles").glob("*.pmtiles"))
    assert len(kept) == 1 and kept[0].read_bytes() == published
    assert (output / "carte-interactive/secteurs/secteur-1.json").is_file()
    assert not (output / "carte-interactive/secteurs/secteur-2.json").exists()  # nothing to place there: no map
    assert (output / "carte-interactive/lib/maplibre-gl.mjs").is_file() and (output / "carte-interactive/lib/pmtiles.js").is_file()
    page = (output / "secteurs/secteur-1/index.html").read_text(encoding="utf-8")
    assert 'id="carte-interactive"' in page and "Carte interactive" in page
    made_at = kept[0].stat().st_mtime_ns

    second = build(city, "osm/ville.osm.pbf")
    assert second.returncode == 0, second.stderr
    assert kept[0].stat().st_mtime_ns == made_at  # the extract did not change: no new tiles
    assert (output / "carte-interactive/ville.pmtiles").read_bytes() == published


@pytest.mark.parametrize("extract_bytes", [None, b"pas un extrait"], ids=["missing", "unreadable"])
def test_without_a_usable_extract_the_build_goes_on_with_the_static_plan(city, extract_bytes):
    if extract_bytes is not None:
        (city / "content" / "osm").mkdir()
        (city / "content" / "osm" / "ville.osm.pbf").write_bytes(extract_bytes)
    result = build(city, "osm/ville.osm.pbf")
    assert result.returncode == 0, result.stderr
    log = result.stdout + result.stderr
    assert "Carte interactive :" in log and "sans carte interactive" in log
    output = city / "output"
    assert not (output / "carte-interactive/ville.pmtiles").exists()
    assert not (output / "carte-interactive/secteurs").exists()
    page = (output / "secteurs/secteur-1/index.html").read_text(encoding="utf-8")
    assert 'class="map"' in page  # the static plan
