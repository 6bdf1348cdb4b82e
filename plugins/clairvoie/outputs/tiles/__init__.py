"""The interactive map (docs/carte-interactive.md): the city's vector tiles, MapLibre GL JS
and one small file per sector, all served by the site itself.

The tiles are made from the city's OpenStreetMap extract (setting ``osm_extract``, from
Pelican's PATH, the same file as the static maps' streets) by
Debian's ``tilemaker`` with Clairvoie's own configuration (``config.json``, ``process.lua``
beside this file: streets by importance with their names, water, parks), then turned into
one PMTiles file (``carte-interactive/ville.pmtiles``), which the browser reads by HTTP Range requests.
They are kept in ``<CACHE_PATH>/clairvoie-tiles/`` under the fingerprint of the extract and
of the configuration: a build makes them again only when one of them changed.

``carte-interactive/secteurs/<sector>.json`` gives the sector page's script (``js/carte-interactive.js``)
the sector's box, outline, works lines and markers: the same markers as the static map
(``maps.sector_map``), with their shape, tone, name and page, placed where their record is.
It is only written when the tiles are: the script shows a message instead of the map when
it is missing. Nothing here ever fails the build: without extract, tilemaker or MapLibre,
a warning in French, and the sector pages keep their static map.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
from importlib import resources
from typing import Any

from ...model.records import Model
from ..maps import MapMarker, sector_map
from ..site import Site

logger = logging.getLogger(__name__)

# Where npm puts the packages, from the site root; a test or a city may name another folder
# (the same variable as the online editor's, outputs/admin.py).
NODE_MODULES_VARIABLE = "CLAIRVOIE_NODE_MODULES"
TILES = "carte-interactive/ville.pmtiles"
LIBRARY = "carte-interactive/lib"
SECTOR_FILE = "carte-interactive/secteurs/{}.json"
CACHE_FOLDER = "clairvoie-tiles"  # in Pelican's CACHE_PATH
OWN_FILES = ("config.json", "process.lua")
EXTRACT_IN_WORK = "extrait.osm.pbf"  # tilemaker's input, linked in its working folder
# In the kept tiles' name, with the extract and OWN_FILES: how tilemaker is run (2: with the
# same relative names whatever the folders, so older kept tiles are made again).
RECIPE = b"2"
# What the browser loads, as npm installed it (package, path in the package); the worker's
# name is MapLibre's own (it finds it beside maplibre-gl.mjs), so no file is renamed.
LIBRARY_FILES = (
    ("maplibre-gl", "dist/maplibre-gl.mjs"),
    ("maplibre-gl", "dist/maplibre-gl-worker.mjs"),
    ("maplibre-gl", "dist/maplibre-gl.css"),
    ("maplibre-gl", "LICENSE.txt"),
    ("pmtiles", "dist/pmtiles.js"),  # BSD-3-Clause (its package.json)
)
# Labels without a font server: a style with no "glyphs" draws them with the browser's fonts
# from this version of MapLibre GL JS on.
MAPLIBRE_LOCAL_FONTS = (5, 11)
ATTRIBUTION = ('<a href="https://www.openstreetmap.org/copyright">© les contributeurs '
               "d’OpenStreetMap</a> (licence ODbL)")
PRECISION = 6  # decimals of degrees: about 10 cm


def write_tiles(model: Model, site: Site) -> None:
    extract = model.settings.osm_extract
    if not extract:
        return
    # Relative to Pelican's PATH, as the static maps read it (docs/cartes.md).
    extract_path = os.path.normpath(os.path.join(os.path.abspath(site.pelican_settings["PATH"]), extract))
    library = _library_files(model.settings.site_root)
    if library is None:
        return
    tiles = tiles_of(extract_path, cache_folder(model, site))
    if tiles is None:
        return
    with open(tiles, "rb") as stream:
        site.write(TILES, stream.read())
    for name, path in library.items():
        with open(path, "rb") as stream:
            site.write(f"{LIBRARY}/{name}", stream.read())
    for sector in model.sectors:
        # A piece, as the sector page that shows the same map: a rebuild draws again only the
        # sectors of the records that changed (each sector's map is most of this channel's time).
        site.write_piece(SECTOR_FILE.format(sector.id), "tiles:sector", model.views[sector.id].records,
                         lambda sector_id=sector.id: sector_json(model, sector_id))


def sector_json(model: Model, sector_id: str) -> str | None:
    data = sector_data(model, sector_id)
    return None if data is None else json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def cache_folder(model: Model, site: Site) -> str:
    return os.path.join(model.settings.site_root, site.pelican_settings["CACHE_PATH"], CACHE_FOLDER)


# --- the tiles ------------------------------------------------------------------------------
def tiles_of(extract_path: str, cache: str) -> str | None:
    """The PMTiles file of an extract: kept from an earlier build, or made now; None (and a
    warning) when it cannot be made."""
    try:
        with open(extract_path, "rb") as stream:
            extract = stream.read()
    except OSError as error:
        logger.warning("Carte interactive : l'extrait OpenStreetMap %s ne peut pas être lu (%s) ; "
                       "les pages gardent leur plan fixe, sans carte interactive. "
                       "Voir docs/carte-interactive.md.", extract_path, error.strerror or error)
        return None
    tilemaker = shutil.which("tilemaker")
    if tilemaker is None:
        logger.warning("Carte interactive : tilemaker n'est pas installé (paquet Debian « tilemaker », "
                       "make debian-packages) ; les pages gardent leur plan fixe, sans carte interactive.")
        return None
    own = resources.files(__package__)
    fingerprint = hashlib.sha256(RECIPE + extract)
    for name in OWN_FILES:
        fingerprint.update(own.joinpath(name).read_bytes())
    kept = os.path.join(cache, f"{fingerprint.hexdigest()[:32]}.pmtiles")
    if os.path.isfile(kept):
        return kept
    os.makedirs(cache, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as work, resources.as_file(own) as configuration:
        try:
            box = extract_box(extract_path)
            made = _make(tilemaker, extract_path, box, str(configuration), work)
        except Exception as error:  # osmium says RuntimeError; a broken file may raise others
            logger.warning("Carte interactive : les tuiles n'ont pas pu être faites à partir de %s (%s) ; "
                           "les pages gardent leur plan fixe, sans carte interactive.",
                           extract_path, _first_line(error))
            return None
        for old in os.listdir(cache):  # one city, one extract: the older tiles are of no use
            if old.endswith(".pmtiles"):
                os.remove(os.path.join(cache, old))
        os.replace(made, kept)
    return kept


def extract_box(extract_path: str) -> tuple[float, float, float, float]:
    """West, south, east, north: the extract's header's box, else the box of its nodes.
    Reading it is also what tells an unreadable extract (RuntimeError)."""
    import osmium  # only builds with an extract need it

    reader = osmium.io.Reader(extract_path, osmium.osm.osm_entity_bits.NOTHING)
    try:
        box = reader.header().box()
    finally:
        reader.close()
    if box.valid():
        return (box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)
    lons, lats = [], []
    for node in osmium.FileProcessor(extract_path, osmium.osm.NODE):
        lons.append(node.location.lon)
        lats.append(node.location.lat)
    if not lons:
        raise ValueError("aucun point dans l'extrait")
    return (min(lons), min(lats), max(lons), max(lats))


def _make(tilemaker: str, extract_path: str, box: tuple[float, float, float, float],
          configuration: str, work: str) -> str:
    from pmtiles.convert import mbtiles_to_pmtiles  # only builds with an extract need it

    mbtiles, pmtiles = os.path.join(work, "ville.mbtiles"), os.path.join(work, "ville.pmtiles")
    # tilemaker's tiles depend on the paths it is given, not only on the files (two checkouts of
    # one commit made different tiles): it is given the same names, in its working folder.
    for name in OWN_FILES:
        shutil.copyfile(os.path.join(configuration, name), os.path.join(work, name))
    os.symlink(os.path.abspath(extract_path), os.path.join(work, EXTRACT_IN_WORK))
    # One thread: the machine is shared with the build's other work, and the tiles are the
    # same whatever the number.
    command = [tilemaker, "--input", EXTRACT_IN_WORK, "--output", os.path.basename(mbtiles),
               "--config", "config.json", "--process", "process.lua",
               "--bbox", ",".join(f"{value:.7f}" for value in box), "--threads", "1"]
    # tilemaker writes its node store in its working folder: the temporary one.
    done = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0 or not os.path.isfile(mbtiles):
        raise RuntimeError(f"tilemaker a échoué : {_first_line(done.stderr or done.stdout)}")
    mbtiles_to_pmtiles(mbtiles, pmtiles, None)
    return pmtiles


def _first_line(text: Any) -> str:
    lines = [line for line in str(text).splitlines() if line.strip()]
    return lines[-1].strip() if lines else "raison inconnue"


# --- MapLibre GL JS and the PMTiles protocol --------------------------------------------------
def _library_files(site_root: str) -> dict[str, str] | None:
    """Published name → installed file; None (and a warning) when they are not installed."""
    folder = os.environ.get(NODE_MODULES_VARIABLE) or os.path.join(site_root, "node_modules")
    files = {os.path.basename(path): os.path.join(folder, package, *path.split("/"))
             for package, path in LIBRARY_FILES}
    files["LICENSE-maplibre-gl.txt"] = files.pop("LICENSE.txt")
    missing = sorted({package for package, path in LIBRARY_FILES
                      if not os.path.isfile(os.path.join(folder, package, *path.split("/")))})
    if missing:
        logger.warning("Carte interactive : %s (node_modules) ; les pages gardent leur plan fixe, sans carte "
                       "interactive. Lancez « make site » pour %s.",
                       f"{missing[0]} n'est pas installé" if len(missing) == 1
                       else f"{' et '.join(missing)} ne sont pas installés",
                       "l'installer" if len(missing) == 1 else "les installer")
        return None
    version = _version(os.path.join(folder, "maplibre-gl", "package.json"))
    if version < MAPLIBRE_LOCAL_FONTS:
        logger.warning("Carte interactive : MapLibre GL JS %s est trop ancien pour écrire les noms des rues "
                       "sans serveur de polices (%s ou plus) ; pas de carte interactive.",
                       ".".join(map(str, version)), ".".join(map(str, MAPLIBRE_LOCAL_FONTS)))
        return None
    return files


def _version(package_json: str) -> tuple[int, ...]:
    try:
        with open(package_json, encoding="utf-8") as stream:
            text = json.load(stream)["version"]
        return tuple(int(part) for part in text.split("-")[0].split("."))
    except (OSError, ValueError, KeyError):
        return (0,)


# --- one sector ------------------------------------------------------------------------------
def sector_data(model: Model, sector_id: str) -> dict[str, Any] | None:
    """What the sector's interactive map shows, beside the tiles; None: the sector has no map."""
    drawn = sector_map(model, sector_id)
    if drawn is None:
        return None
    sector = model.sector(sector_id)
    west, south, east, north = drawn.bbox
    lines = [{"type": "Feature", "properties": {"tone": line_tone},
              "geometry": {"type": "LineString", "coordinates": [_point(p) for p in part]}}
             for marker in drawn.markers if marker.kind == "works"
             for line_tone in (marker.tone,) for part in marker.course if len(part) > 1]
    return {
        "tiles": TILES,
        "bounds": [_degrees(west), _degrees(south), _degrees(east), _degrees(north)],
        "attribution": ATTRIBUTION,
        "outline": ({"type": "Feature", "properties": {}, "geometry": _rounded(sector.geometry)}
                    if sector.geometry else None),
        "lines": {"type": "FeatureCollection", "features": lines},
        "markers": [_marker(marker) for marker in drawn.markers],
    }


def _marker(marker: MapMarker) -> dict[str, Any]:
    return {"kind": marker.kind, "shape": marker.shape, "tone": marker.tone, "url": marker.url,
            "name": marker.name, "lngLat": _point(marker.point)}


def _degrees(value: float) -> float:
    return round(float(value), PRECISION)


def _point(point) -> list[float]:
    return [_degrees(point[0]), _degrees(point[1])]


def _rounded(geometry: Any) -> Any:
    if isinstance(geometry, dict):
        return {key: _rounded(value) for key, value in geometry.items()}
    if isinstance(geometry, (list, tuple)):
        return [_rounded(value) for value in geometry]
    return _degrees(geometry) if isinstance(geometry, float) else geometry
