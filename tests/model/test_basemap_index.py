"""Basemap.within asks a spatial index for the features near a frame: it must give what
cutting every feature of the extract to the frame gives, in the extract's order."""

import random

from shapely.geometry import box

from clairvoie.model.basemap import Basemap, _parse
from osm_extract import DEMO_EXTRACT


def cut_one_by_one(features, frame, tolerance):
    """Every feature cut to the frame, no index, no shortcut."""
    kept = []
    for feature in features:
        part = feature.geometry.intersection(box(*frame))
        if part.is_empty:
            continue
        part = part.simplify(tolerance, preserve_topology=feature.kind in ("water", "green", "square"))
        if not part.is_empty:
            kept.append((feature.kind, feature.style, feature.name, part.wkb))
    return kept


def test_within_gives_what_cutting_every_feature_gives():
    features, _ = _parse(str(DEMO_EXTRACT))
    basemap = Basemap("content/osm/commune.osm.pbf", "x", tuple(features))
    west = min(f.bounds[0] for f in features)
    south = min(f.bounds[1] for f in features)
    east = max(f.bounds[2] for f in features)
    north = max(f.bounds[3] for f in features)
    width, height = east - west, north - south
    frames = [(west, south, east, north), (east + 1, north + 1, east + 2, north + 2)]  # all; none
    draw = random.Random(20)
    for _ in range(30):
        size = draw.uniform(0.05, 0.6)
        x, y = draw.uniform(west - width * 0.2, east), draw.uniform(south - height * 0.2, north)
        frames.append((x, y, x + width * size, y + height * size * 0.75))
    seen = 0
    for frame in frames:
        tolerance = (frame[3] - frame[1]) / 600
        got = [(f.kind, f.style, f.name, f.geometry.wkb) for f in basemap.within(frame, tolerance)]
        assert got == cut_one_by_one(features, frame, tolerance)
        seen += len(got)
    assert seen > len(features)  # the frames did catch features, some of them cut
