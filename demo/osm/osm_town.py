"""Drawing a plausible town in OpenStreetMap's format, with pyosmium: shared by the demo
city's extract (demo/osm/make_extract.py) and the benchmark's cities (bench/make_city.py).

Everything is deterministic: the same streets and points give the same file, byte for byte
(numbers drawn from names by ``seeded``, never from a random generator).
"""

from __future__ import annotations

import hashlib
import math
import os
import re

import osmium
from shapely.geometry import LineString, MultiLineString

METRES_PER_DEGREE = 111_320
K = math.cos(math.radians(45.73))  # ground length of a degree of longitude, around Lyon's latitude


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


def highway_of(name: str) -> str:
    """OpenStreetMap's highway=* of a street, from its type (Boulevard, Rue…)."""
    return next((kind for pattern, kind in HIGHWAY_OF_TYPE if re.search(pattern, name)), "residential")


def is_square(name: str) -> bool:
    return name.startswith(("Place ", "Square "))


def square(center, half_m: float):
    (x, y), (dx, dy) = center, metres(half_m, half_m)
    return [(x - dx, y - dy), (x + dx, y - dy), (x + dx, y + dy), (x - dx, y + dy), (x - dx, y - dy)]


def place_outline(points) -> list[tuple[float, float]]:
    """A small pedestrian square around the points a "Place …" is known by."""
    hull = MultiLineString([[p, p] for p in points]).convex_hull.buffer(0.0005, quad_segs=2)
    return list(hull.exterior.coords)


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


class Writer:
    """An .osm.pbf written in one go: nodes (shared where ways meet) then ways, as osmium sorts a file."""

    def __init__(self, path: str, generator: str, date: str):
        if os.path.exists(path):
            os.remove(path)
        header = osmium.io.Header()
        header.set("generator", generator)
        header.set("osmosis_replication_timestamp", date)  # the extract's date, as the build reads it
        self.writer = osmium.SimpleWriter(path, header=header)
        self.date = date
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
            id=node_id, location=key, tags=tags or {}, version=1, timestamp=self.date, changeset=1))
        return node_id

    def way(self, points, tags) -> None:
        refs = [self.node(p) for p in points]
        refs = [r for i, r in enumerate(refs) if i == 0 or r != refs[i - 1]]
        if len(refs) < 2:
            return
        self.ways.append(osmium.osm.mutable.Way(
            id=self.next_way, nodes=refs, tags=tags, version=1, timestamp=self.date, changeset=1))
        self.next_way += 1

    def close(self) -> None:
        for node in self.pending_nodes:
            self.writer.add_node(node)
        for way in self.ways:
            self.writer.add_way(way)
        self.writer.close()
