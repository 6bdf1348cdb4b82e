"""The demo's OpenStreetMap extract, read here with pyosmium on its own (not through the model),
so that the maps' tests compare the maps with what the extract says."""

import json

import osmium
import yaml
from shapely.geometry import LineString, shape
from shapely.ops import unary_union

from building import REPO

DEMO_EXTRACT = REPO / "content" / "osm" / "commune.osm.pbf"


def named_streets(path=DEMO_EXTRACT):
    """{name: shapely geometry} of the extract's named highway ways."""
    lines = {}
    for way in osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations():
        if way.is_way() and "highway" in way.tags and "name" in way.tags and way.tags.get("area") != "yes":
            coords = [(n.lon, n.lat) for n in way.nodes]
            lines.setdefault(way.tags["name"], []).append(LineString(coords))
    return {name: unary_union(parts) for name, parts in lines.items()}


def sector_shape(sector_id):
    data = yaml.safe_load((REPO / "sectors" / f"{sector_id}.yaml").read_text(encoding="utf-8"))
    geometry = data["geometry"]
    if isinstance(geometry, str):
        geometry = json.loads((REPO / "sectors" / geometry).read_text(encoding="utf-8"))
    return shape(geometry)
