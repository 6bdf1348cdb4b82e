"""Make the demo city's OpenStreetMap extract, once: content/osm/commune.osm.pbf.

Villebrune-sur-Lise does not exist, so no `osmium extract` can cut it out of a regional
extract (what a real city does: docs/cartes.md). This script draws a small, plausible
town inside the demo sectors' outlines, with the street names the demo records use
(works orders, residents' reports, projects' addresses), so that every demo map is a
real map:

- each named street runs through the points and lines its records give (a works order's
  line is part of its street, a works order's point lies on it), extended a little at
  both ends; a street known by one point only gets a short straight course;
- "Place …" records become small pedestrian squares around their points;
- the river la Lise, a railway through the station, parks, the cemetery and a few
  landmarks; a loose grid of unnamed residential streets fills the rest.

Run it again only when the demo records move (it is deterministic):

    .venv/bin/python demo/osm/make_extract.py

The result is committed with content/osm/source.yaml (source, date, licence).
"""

from __future__ import annotations

import glob
import json
import os
import sys

import yaml
from osm_town import REACH_M, Writer, course, filler_streets, highway_of, is_square, place_outline, square
from shapely.geometry import LineString, Polygon, shape
from shapely.ops import unary_union

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join(ROOT, "content", "osm", "commune.osm.pbf")
DATE = "2026-12-06T00:00:00Z"  # the date the demo extract stands for (content/osm/source.yaml)

sys.path.insert(0, os.path.join(ROOT, "plugins"))
from clairvoie.model.streets import streets_in  # noqa: E402  (the same street parser as the site)


# --- what the records say ---------------------------------------------------------------
def load_yaml(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def geometry_of(value):
    if isinstance(value, str):  # a file next to the records, e.g. geo/….geojson
        with open(os.path.join(ROOT, "content", value), encoding="utf-8") as handle:
            return json.load(handle)
    return value


def line_coordinates(geometry) -> list[list[tuple[float, float]]]:
    if not geometry:
        return []
    kind, coordinates = geometry["type"], geometry["coordinates"]
    if kind == "LineString":
        return [[tuple(p) for p in coordinates]]
    if kind == "MultiLineString":
        return [[tuple(p) for p in line] for line in coordinates]
    return []


def point_coordinates(geometry) -> list[tuple[float, float]]:
    if not geometry:
        return []
    if geometry["type"] == "Point":
        return [tuple(geometry["coordinates"])]
    if geometry["type"] == "MultiPoint":
        return [tuple(p) for p in geometry["coordinates"]]
    return []


def streets_of_records() -> dict[str, dict[str, list]]:
    """Per street name: its exact points ("exact": works orders' and single-street
    projects' geometries) and its approximate ones ("near": addresses' lat/lon, reports)."""
    streets: dict[str, dict[str, list]] = {}

    def add(name: str, kind: str, points) -> None:
        entry = streets.setdefault(name, {"exact": [], "near": []})
        entry[kind] += [(round(p[0], 6), round(p[1], 6)) for p in points]

    for path in sorted(glob.glob(os.path.join(ROOT, "content", "works", "*.yaml"))):
        record = load_yaml(path)
        geometry = record.get("geometry")
        points = point_coordinates(geometry) + [p for line in line_coordinates(geometry) for p in line]
        add(record["street"], "exact", points)
    for path in sorted(glob.glob(os.path.join(ROOT, "content", "projects", "*.yaml"))):
        location = load_yaml(path).get("location") or {}
        names = streets_in(location.get("address"))
        if len(names) != 1:
            for name in names:
                add(name, "near", [])
            continue
        geometry = geometry_of(location.get("geometry"))
        add(names[0], "exact", [p for line in line_coordinates(geometry) for p in line])
        if location.get("lat") is not None:
            add(names[0], "near", [(location["lon"], location["lat"])])
    for path in sorted(glob.glob(os.path.join(ROOT, "content", "signalements", "*.yaml"))):
        location = load_yaml(path).get("location") or {}
        if location.get("street") and location.get("lat") is not None:
            add(location["street"], "near", [(location["lon"], location["lat"])])
    return streets


def sectors_area():
    polygons = []
    for path in sorted(glob.glob(os.path.join(ROOT, "sectors", "*.yaml"))):
        geometry = load_yaml(path).get("geometry")
        if isinstance(geometry, str):  # a GeoJSON file beside the sector's
            with open(os.path.join(os.path.dirname(path), geometry), encoding="utf-8") as handle:
                geometry = json.load(handle)
        polygons.append(shape(geometry))
    return unary_union(polygons)


# --- drawing the town ----------------------------------------------------------------------
# Streets the records name without saying where: placed by hand, near what they serve.
PLACED_BY_HAND = {
    # The detour of the Grande Rue (arr-2026-0219): parallel to it, to the west.
    "Rue Victor-Hugo": [(4.8405, 45.7425), (4.8408, 45.7455), (4.8412, 45.7485)],
}


def river_course():
    """La Lise: from the north, along the quai (35 m east of it), then south-east under the
    Pont-Neuf, and out of town to the south-east."""
    return [(4.8766, 45.7625), (4.8763, 45.7575), (4.8762, 45.7555), (4.8752, 45.7505),
            (4.8745, 45.7470), (4.8744, 45.7440), (4.8765, 45.7410), (4.8820, 45.7395),
            (4.8900, 45.7380), (4.8960, 45.7340), (4.8990, 45.7280), (4.9040, 45.7200),
            (4.9100, 45.7120), (4.9180, 45.7020)]


def main() -> None:
    area = sectors_area()
    streets = streets_of_records()
    writer = Writer(OUTPUT, "clairvoie demo/osm/make_extract.py", DATE)

    river = LineString(river_course())
    parks = {
        "Parc des Bords de Lise": Polygon(square((4.8830, 45.7510), 110)),
        "Square des Cheminots": Polygon(square((4.8093, 45.7108), 50)),
        "Jardin du Moulin": Polygon(square((4.8715, 45.7490), 70)),
        "Parc des Tilleuls": Polygon(square((4.8530, 45.7150), 120)),
    }
    cemetery = Polygon(square((4.8142, 45.7550), 80))
    railway = LineString([(4.800, 45.7165), (4.8150, 45.7145), (4.8400, 45.7120), (4.8660, 45.7080),
                          (4.9000, 45.7060)])
    avoid = unary_union([river.buffer(0.0004), railway.buffer(0.0002), cemetery, *parks.values()])

    for line in filler_streets(area, avoid):
        writer.way(line, {"highway": "residential"})
    writer.way(list(railway.coords), {"railway": "rail", "name": "Ligne de Lyon à Saint-Aubin"})
    writer.way(list(river.coords), {"waterway": "river", "name": "la Lise"})
    writer.way(list(river.buffer(0.00022, cap_style="flat").exterior.coords),
               {"natural": "water", "water": "river", "name": "la Lise"})
    for name, polygon in parks.items():
        writer.way(list(polygon.exterior.coords), {"leisure": "park", "name": name})
    writer.way(list(cemetery.exterior.coords), {"landuse": "cemetery", "name": "Cimetière des Hauts"})

    for name in sorted(streets):
        if is_square(name):
            continue
        highway = highway_of(name)
        points = PLACED_BY_HAND.get(name) or course(name, streets[name]["exact"], streets[name]["near"],
                                                    REACH_M.get(highway, 320))
        writer.way(points, {"highway": highway, "name": name})
    for name in sorted(streets):
        if not name.startswith("Place "):
            continue
        points = list(dict.fromkeys(streets[name]["exact"])) or list(dict.fromkeys(streets[name]["near"]))
        writer.way(place_outline(points), {"highway": "pedestrian", "area": "yes", "name": name})

    landmarks = [
        ((4.8560, 45.7053), {"amenity": "townhall", "name": "Hôtel de ville"}),
        ((4.8519, 45.7446), {"amenity": "marketplace", "name": "Halles"}),
        ((4.8152, 45.7140), {"railway": "station", "name": "Gare de Villebrune"}),
        ((4.8845, 45.7527), {"waterway": "lock_gate", "name": "Écluse de la Lise"}),
        ((4.8728, 45.7478), {"man_made": "watermill", "name": "Ancien moulin"}),
        ((4.8235, 45.7060), {"leisure": "stadium", "name": "Stade municipal"}),
    ]
    for point, tags in landmarks:
        writer.node(point, tags)
    writer.close()
    print(f"{OUTPUT}: {os.path.getsize(OUTPUT)} bytes, {writer.next_way - 1} ways")


if __name__ == "__main__":
    main()
