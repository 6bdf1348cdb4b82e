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
import hashlib
import json
import math
import os
import re
import sys

import osmium
import yaml
from shapely.geometry import LineString, MultiLineString, Point, Polygon, box, shape
from shapely.ops import unary_union

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join(ROOT, "content", "osm", "commune.osm.pbf")
DATE = "2026-12-06T00:00:00Z"  # the date the demo extract stands for (content/osm/source.yaml)
METRES_PER_DEGREE = 111_320
K = math.cos(math.radians(45.73))  # ground length of a degree of longitude, here

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
def metres(dx: float, dy: float) -> tuple[float, float]:
    """A ground offset in metres as (lon, lat) degrees."""
    return dx / METRES_PER_DEGREE / K, dy / METRES_PER_DEGREE


def seeded(name: str, salt: str = "") -> float:
    """A number in [0, 1) that depends on the name only: the same town every run."""
    return int(hashlib.sha256((salt + name).encode()).hexdigest()[:8], 16) / 2**32


def course(name: str, exact: list, near: list, reach_m: float) -> list[tuple[float, float]]:
    """The street's course: through its exact points (else its approximate ones), in the
    order of their main axis, extended at both ends."""
    points = list(dict.fromkeys(exact)) or list(dict.fromkeys(near))
    if not points:
        return []
    if len(points) == 1:
        angle = seeded(name) * math.pi
        (x, y), (dx, dy) = points[0], metres(reach_m * math.cos(angle), reach_m * math.sin(angle))
        return [(x - dx, y - dy), (x, y), (x + dx, y + dy)]
    cx = sum(p[0] for p in points) / len(points)
    cy = sum(p[1] for p in points) / len(points)
    # Main axis (in metres): the direction of largest spread.
    sxx = sum(((p[0] - cx) * K) ** 2 for p in points)
    syy = sum((p[1] - cy) ** 2 for p in points)
    sxy = sum((p[0] - cx) * K * (p[1] - cy) for p in points)
    angle = 0.5 * math.atan2(2 * sxy, sxx - syy)
    ux, uy = math.cos(angle), math.sin(angle)
    points.sort(key=lambda p: ((p[0] - cx) * K * ux + (p[1] - cy) * uy, p))
    ordered = [points[0]]
    for point in points[1:]:
        if math.dist(((point[0] - ordered[-1][0]) * K, point[1] - ordered[-1][1]), (0, 0)) * METRES_PER_DEGREE > 2:
            ordered.append(point)
    if len(ordered) == 1:
        return course(name, ordered, [], reach_m)
    return [extended(ordered[1], ordered[0], reach_m), *ordered, extended(ordered[-2], ordered[-1], reach_m)]


def extended(a, b, length_m: float):
    """The point length_m beyond b, on the line from a to b."""
    dx, dy = (b[0] - a[0]) * K, b[1] - a[1]
    norm = math.hypot(dx, dy) or 1
    ox, oy = metres(dx / norm * length_m, dy / norm * length_m)
    return (b[0] + ox, b[1] + oy)


HIGHWAY_OF_TYPE = (
    (r"^(Route|Boulevard)\b", "primary"),
    (r"^(Avenue|Cours|Quai)\b|^Grande Rue$", "secondary"),
    (r"^Rue (de la République|Jean-Jaurès|Victor-Hugo|Pasteur)$|^Montée\b", "tertiary"),
    (r"^Chemin de Halage$", "track"),
    (r"^Chemin\b", "unclassified"),
    (r"^(Allée|Impasse)\b", "living_street"),
    (r"^Rue\b", "residential"),
)

# How far a street runs beyond its last known point, by importance (metres).
REACH_M = {"primary": 700, "secondary": 500, "tertiary": 400}

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


def square(center, half_m: float):
    (x, y), (dx, dy) = center, metres(half_m, half_m)
    return [(x - dx, y - dy), (x + dx, y - dy), (x + dx, y + dy), (x - dx, y + dy), (x - dx, y - dy)]


def filler_streets(area, avoid) -> list[list[tuple[float, float]]]:
    """A loose grid of unnamed streets, 230 m apart, bent a little, inside the town."""
    west, south, east, north = area.bounds
    step_x, step_y = metres(230, 230)
    lines = []
    x = west + step_x / 2
    while x < east:
        wobble = (seeded(f"{x:.5f}", "v") - 0.5) * step_x * 0.4
        lines.append(LineString([(x, south), (x + wobble, (south + north) / 2), (x, north)]))
        x += step_x
    y = south + step_y / 2
    while y < north:
        wobble = (seeded(f"{y:.5f}", "h") - 0.5) * step_y * 0.4
        lines.append(LineString([(west, y), ((west + east) / 2, y + wobble), (east, y)]))
        y += step_y
    inside = area.buffer(-0.0004).difference(avoid)
    kept = []
    for line in lines:
        part = line.intersection(inside)
        parts = part.geoms if isinstance(part, MultiLineString) else [part]
        kept += [list(p.coords) for p in parts if isinstance(p, LineString) and p.length > 0.002]
    return kept


# --- writing -----------------------------------------------------------------------------------
class Writer:
    def __init__(self, path: str):
        if os.path.exists(path):
            os.remove(path)
        header = osmium.io.Header()
        header.set("generator", "clairvoie demo/osm/make_extract.py")
        header.set("osmosis_replication_timestamp", DATE)
        self.writer = osmium.SimpleWriter(path, header=header)
        self.nodes: dict[tuple[float, float], int] = {}
        self.pending_nodes: list = []
        self.ways: list = []
        self.next_node = self.next_way = 1

    def node(self, point, tags=None) -> int:
        key = (round(point[0], 7), round(point[1], 7))
        if key in self.nodes and not tags:
            return self.nodes[key]
        node_id = self.next_node
        self.next_node += 1
        self.nodes.setdefault(key, node_id)
        self.pending_nodes.append(osmium.osm.mutable.Node(
            id=node_id, location=key, tags=tags or {}, version=1, timestamp=DATE, changeset=1))
        return node_id

    def way(self, points, tags) -> None:
        refs = [self.node(p) for p in points]
        refs = [r for i, r in enumerate(refs) if i == 0 or r != refs[i - 1]]
        if len(refs) < 2:
            return
        self.ways.append(osmium.osm.mutable.Way(
            id=self.next_way, nodes=refs, tags=tags, version=1, timestamp=DATE, changeset=1))
        self.next_way += 1

    def close(self) -> None:
        for node in self.pending_nodes:  # nodes first, then ways: as osmium sorts a file
            self.writer.add_node(node)
        for way in self.ways:
            self.writer.add_way(way)
        self.writer.close()


def main() -> None:
    area = sectors_area()
    streets = streets_of_records()
    writer = Writer(OUTPUT)

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
        if name.startswith("Place ") or name.startswith("Square "):
            continue
        highway = next((kind for pattern, kind in HIGHWAY_OF_TYPE if re.search(pattern, name)), "residential")
        points = PLACED_BY_HAND.get(name) or course(name, streets[name]["exact"], streets[name]["near"],
                                                    REACH_M.get(highway, 320))
        writer.way(points, {"highway": highway, "name": name})
    for name in sorted(streets):
        if not name.startswith("Place "):
            continue
        points = list(dict.fromkeys(streets[name]["exact"])) or list(dict.fromkeys(streets[name]["near"]))
        hull = MultiLineString([[p, p] for p in points]).convex_hull.buffer(0.0005, quad_segs=2)
        writer.way(list(hull.exterior.coords), {"highway": "pedestrian", "area": "yes", "name": name})

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
