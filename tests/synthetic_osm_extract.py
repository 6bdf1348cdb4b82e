"""A small OpenStreetMap extract over the demo city, written with pyosmium for tests.

A grid of named streets of several importances across the demo sectors' area, a river
with its water area, a park: enough for tilemaker to make every layer of Clairvoie's
tiles (outputs/tiles/). The bounding box is written in the file's header when ``with_box``.
"""

from __future__ import annotations

from pathlib import Path

import osmium

# The demo sectors lie within this box (west, south, east, north).
WEST, SOUTH, EAST, NORTH = 4.795, 45.695, 4.92, 45.765
# (name, highway) of the streets running west-east, then south-north.
ACROSS = [("Avenue de la Gare", "primary"), ("Rue Victor-Hugo", "secondary"),
          ("Rue des Lilas", "residential"), ("Grande Rue", "tertiary"),
          ("Rue Jean-Jaurès", "residential"), ("Cours Gambetta", "secondary")]
ALONG = [("Rue Pasteur", "residential"), ("Boulevard des Cheminots", "primary"),
         ("Rue du Moulin", "residential"), ("Avenue des Tilleuls", "tertiary"),
         ("Rue de la République", "secondary"), ("Chemin des Vignes", "unclassified")]
RIVER = "La Lise"
PARK = "Parc de la Tête-d'Or"


def write_extract(path: Path, with_box: bool = True) -> Path:
    header = osmium.io.Header()
    if with_box:
        header.add_box(osmium.osm.Box(osmium.osm.Location(WEST, SOUTH), osmium.osm.Location(EAST, NORTH)))
    writer = osmium.SimpleWriter(str(path), header=header, overwrite=True)
    nodes: list[tuple[int, float, float]] = []
    ways: list[tuple[list[int], dict[str, str]]] = []

    def node(lon: float, lat: float) -> int:
        nodes.append((len(nodes) + 1, round(lon, 6), round(lat, 6)))
        return len(nodes)

    def line(points, tags):
        ways.append(([node(lon, lat) for lon, lat in points], tags))

    def area(points, tags):
        ids = [node(lon, lat) for lon, lat in points]
        ways.append((ids + [ids[0]], tags))

    for i, (name, kind) in enumerate(ACROSS):
        lat = SOUTH + (NORTH - SOUTH) * (i + 1) / (len(ACROSS) + 1)
        line([(WEST + (EAST - WEST) * t / 8, lat) for t in range(9)], {"highway": kind, "name": name})
    for i, (name, kind) in enumerate(ALONG):
        lon = WEST + (EAST - WEST) * (i + 1) / (len(ALONG) + 1)
        line([(lon, SOUTH + (NORTH - SOUTH) * t / 8) for t in range(9)], {"highway": kind, "name": name})
    bend = [(WEST + (EAST - WEST) * t / 10, SOUTH + 0.012 + 0.004 * (t % 2)) for t in range(11)]
    line(bend, {"waterway": "river", "name": RIVER})
    area(bend + [(lon, lat - 0.003) for lon, lat in reversed(bend)], {"natural": "water", "name": RIVER})
    middle_lon, middle_lat = (WEST + EAST) / 2, (SOUTH + NORTH) / 2
    area([(middle_lon - 0.008, middle_lat - 0.005), (middle_lon + 0.008, middle_lat - 0.005),
          (middle_lon + 0.008, middle_lat + 0.005), (middle_lon - 0.008, middle_lat + 0.005)],
         {"leisure": "park", "name": PARK})

    for ident, lon, lat in nodes:
        writer.add_node(osmium.osm.mutable.Node(id=ident, location=(lon, lat), version=1,
                                                timestamp="2026-11-01T00:00:00Z"))
    for ident, (refs, tags) in enumerate(ways, start=1):
        writer.add_way(osmium.osm.mutable.Way(id=ident, nodes=refs, tags=tags, version=1,
                                              timestamp="2026-11-01T00:00:00Z"))
    writer.close()
    return path
