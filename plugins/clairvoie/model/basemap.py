"""The commune's OpenStreetMap extract, read once: streets, water, parks, railways.

The extract (``CLAIRVOIE_OSM_EXTRACT``, a ``.osm.pbf`` made with ``osmium extract``,
docs/cartes.md) is an input like the YAML records: read here with pyosmium, kept as
shapely geometries in (lon, lat), and handed to the maps (``outputs/maps.py``), which
ask for what lies in their frame (``Basemap.within``) and for a street by its name
(``Basemap.street``), to draw a works order along the street it names.

A missing or unreadable extract is not a problem of the records: the build goes on,
with a French warning (``Basemap.warning``) and maps that show the outlines only.
A file already read by this process with the same bytes is not parsed again.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import shapely
from shapely import STRtree, wkb
from shapely.geometry import MultiLineString, Point, box
from shapely.ops import linemerge, substring, unary_union

from .. import messages
from ..settings import ClairvoieSettings
from .words import key

# Ways drawn as streets, by importance: the class names the drawing (its width and grey).
ROAD_CLASS = {
    "motorway": "major", "trunk": "major", "primary": "major",
    "secondary": "secondary", "tertiary": "tertiary",
    "unclassified": "minor", "residential": "minor", "living_street": "minor",
    "pedestrian": "pedestrian", "service": "service", "track": "service",
}
ROAD_CLASSES = ("major", "secondary", "tertiary", "minor", "pedestrian", "service")  # most important first
WATERWAYS = ("river", "canal", "stream")
WATER = {("natural", "water"), ("waterway", "riverbank"), ("landuse", "reservoir"), ("landuse", "basin")}
GREEN = {("leisure", "park"), ("leisure", "garden"), ("leisure", "playground"), ("landuse", "grass"),
         ("landuse", "forest"), ("landuse", "meadow"), ("landuse", "recreation_ground"),
         ("landuse", "village_green"), ("landuse", "cemetery"), ("natural", "wood")}
SQUARES = {("highway", "pedestrian"), ("place", "square")}  # as areas: squares, forecourts
AREA_KINDS = ("water", "green", "square")  # simplified keeping their topology
WANTED_KEYS = ("highway", "waterway", "natural", "landuse", "leisure", "railway", "place")


@dataclass(frozen=True, eq=False)
class Feature:
    kind: str  # "road", "waterway", "rail" (lines); "water", "green", "square" (areas)
    style: str  # a road's class (ROAD_CLASSES), a waterway's kind; else the kind
    name: str | None
    geometry: Any  # shapely geometry, (lon, lat)
    bounds: tuple[float, float, float, float] = (0, 0, 0, 0)


@dataclass(frozen=True, eq=False)
class Basemap:
    """What the extract holds, or why there is nothing (``warning``)."""

    path: str  # as shown to staff, from the site root
    fingerprint: str  # of the file's bytes; "" when it could not be read
    features: tuple[Feature, ...] = ()
    warning: str = ""  # French, for the build's log; "" when the extract was read
    date: str = ""  # the extract's own date (its header's replication timestamp), if it says
    _streets: dict[str, tuple[Feature, ...]] = field(default_factory=dict, repr=False)

    def __bool__(self) -> bool:
        return bool(self.features)

    @cached_property
    def _index(self) -> STRtree:
        """The features' bounding boxes in a tree, built on the first map: each map then
        touches only the features near its frame, not the whole extract."""
        return STRtree([feature.geometry for feature in self.features])

    @cached_property
    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The features' geometries, bounds, whether each is a line, whether each is an area:
        as arrays, so that a map cuts and simplifies its features in a few calls to GEOS."""
        geometries = np.array([feature.geometry for feature in self.features], dtype=object)
        bounds = np.array([feature.bounds for feature in self.features], dtype=float).reshape(-1, 4)
        is_line = np.array([feature.geometry.geom_type == "LineString" for feature in self.features], dtype=bool)
        is_area = np.array([feature.kind in AREA_KINDS for feature in self.features], dtype=bool)
        return geometries, bounds, is_line, is_area

    def within(self, bbox: tuple[float, float, float, float], tolerance: float) -> list[Feature]:
        """The features crossing a frame (west, south, east, north), cut to it and simplified
        (``tolerance`` in degrees; areas keep their topology), in the extract's order."""
        frame = box(*bbox)
        west, south, east, north = bbox
        positions = np.sort(self._index.query(frame))  # boxes touching the frame's
        geometries, bounds, is_line, is_area = (array[positions] for array in self._arrays)
        # A line wholly inside the frame is what cutting it would give back, the same line (checked).
        inside = (is_line & (west < bounds[:, 0]) & (bounds[:, 2] < east)
                  & (south < bounds[:, 1]) & (bounds[:, 3] < north))
        parts = geometries.copy()
        parts[~inside] = shapely.intersection(geometries[~inside], frame)
        kept = ~shapely.is_empty(parts)
        simplified = np.empty_like(parts)
        for areas in (False, True):
            chosen = kept & (is_area == areas)
            simplified[chosen] = shapely.simplify(parts[chosen], tolerance, preserve_topology=areas)
        kept[kept] = ~shapely.is_empty(simplified[kept])
        return [Feature(feature.kind, feature.style, feature.name, part, feature.bounds)
                for feature, part in zip((self.features[p] for p in positions[kept].tolist()),
                                         simplified[kept].tolist())]

    def street(self, name: str) -> Any | None:
        """The course of the street so named (case and accents ignored), merged; None if absent."""
        parts = self._streets.get(key(name))
        if not parts:
            return None
        union = unary_union([p.geometry for p in parts])
        return linemerge(union) if isinstance(union, MultiLineString) else union

    def street_near(self, name: str, point: tuple[float, float], half_length: float) -> Any | None:
        """The stretch of the named street around a point (lon, lat): ``half_length`` degrees
        (of latitude, about) each side of the point's nearest spot; None if the street is absent
        or farther than that from the point."""
        course = self.street(name)
        if course is None:
            return None
        spot = Point(point)
        lines = list(course.geoms) if isinstance(course, MultiLineString) else [course]
        line = min(lines, key=lambda candidate: candidate.distance(spot))
        if line.distance(spot) > half_length:
            return None
        at = line.project(spot)
        return substring(line, max(at - half_length, 0), min(at + half_length, line.length))


def extract_path(settings: ClairvoieSettings, content_path: str) -> str | None:
    """Absolute path of the extract, or None when the site has set none."""
    if not settings.osm_extract:
        return None
    return os.path.normpath(os.path.join(content_path, settings.osm_extract))


_read: dict[str, Basemap] = {}  # by fingerprint: what this process has parsed already


def load_basemap(settings: ClairvoieSettings, content_path: str) -> Basemap | None:
    """The extract, read; a Basemap with a warning when it cannot be; None when none is set."""
    path = extract_path(settings, content_path)
    if path is None:
        return None
    shown = os.path.relpath(path, settings.site_root).replace(os.sep, "/")
    try:
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError:
        return Basemap(shown, "", warning=messages.osm_extract_missing(shown))
    fingerprint = hashlib.blake2b(data, digest_size=16).hexdigest()
    if fingerprint not in _read:
        try:
            features, date = _parse(path)
        except Exception as error:  # osmium says RuntimeError, a broken file may raise others
            return Basemap(shown, "", warning=messages.osm_extract_unreadable(shown, str(error)))
        if not features:
            return Basemap(shown, fingerprint, warning=messages.osm_extract_empty(shown))
        streets: dict[str, list[Feature]] = {}
        for feature in features:
            if feature.kind == "road" and feature.name:
                streets.setdefault(key(feature.name), []).append(feature)
        _read.clear()  # one extract per site: keep the last one only
        _read[fingerprint] = Basemap(shown, fingerprint, tuple(features), date=date,
                                     _streets={k: tuple(v) for k, v in streets.items()})
    return _read[fingerprint]


def _parse(path: str) -> tuple[list[Feature], str]:
    import osmium  # here: only a build with an extract pays for importing it

    factory = osmium.geom.WKBFactory()
    processor = (osmium.FileProcessor(path, osmium.osm.NODE | osmium.osm.WAY | osmium.osm.AREA)
                 .with_locations().with_areas().with_filter(osmium.filter.KeyFilter(*WANTED_KEYS)))
    features = []
    for item in processor:
        if item.is_node():  # read for the ways' locations only
            continue
        tags = {tag.k: tag.v for tag in item.tags}
        if item.is_area():
            kind = _area_kind(tags)
            if kind:
                features.append(_feature(kind, kind, tags, wkb.loads(factory.create_multipolygon(item), hex=True)))
            continue
        if tags.get("area") == "yes" or len(item.nodes) < 2:
            continue
        kind, style = _line_kind(tags)
        if kind:
            try:
                geometry = wkb.loads(factory.create_linestring(item), hex=True)
            except RuntimeError:  # a way whose nodes are all in one place, or missing from the cut
                continue
            features.append(_feature(kind, style, tags, geometry))
    date = osmium.io.Reader(path, osmium.osm.NOTHING).header().get("osmosis_replication_timestamp", "")
    return features, date


def _feature(kind: str, style: str, tags: dict[str, str], geometry: Any) -> Feature:
    return Feature(kind, style, tags.get("name") or None, geometry, tuple(geometry.bounds))


def _line_kind(tags: dict[str, str]) -> tuple[str, str] | tuple[None, None]:
    highway = tags.get("highway", "").removesuffix("_link")
    if highway in ROAD_CLASS:
        return "road", ROAD_CLASS[highway]
    if tags.get("waterway") in WATERWAYS:
        return "waterway", tags["waterway"]
    if tags.get("railway") == "rail" and tags.get("service") is None:
        return "rail", "rail"
    return None, None


def _area_kind(tags: dict[str, str]) -> str | None:
    pairs = set(tags.items())
    if pairs & WATER:
        return "water"
    if pairs & GREEN:
        return "green"
    if pairs & SQUARES:
        return "square"
    return None
