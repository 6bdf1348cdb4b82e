"""Markers are spread with a grid of placed markers: the same spots as comparing each
spot with every marker already placed, in near-linear time."""

import math
import random

from clairvoie.outputs import maps

RESERVED = ((16, 556, 200, 592), (768, 10, 788, 56))


def spread_by_every_pair(points, reserved):
    placed = []
    for point in points:
        def is_free(spot):
            return (all(math.dist(spot, other) >= maps.SPACING for other in placed)
                    and (spot == point or all(maps._box_distance(box, spot) > maps.SPACING / 2 for box in reserved)))
        placed.append(next((c for c in maps._candidates(point) if is_free(c)), point))
    return placed


def test_the_grid_gives_the_spots_every_pair_gives():
    pick = random.Random(3)
    for _ in range(60):
        count, scatter = pick.choice([1, 8, 60, 250]), pick.choice([4, 30, 120, 400])
        x, y = pick.uniform(0, maps.WIDTH), pick.uniform(0, maps.HEIGHT)
        points = [(round(min(maps.WIDTH, max(0, pick.gauss(x, scatter))), 1),
                   round(min(maps.HEIGHT, max(0, pick.gauss(y, scatter))), 1)) for _ in range(count)]
        points += points[:count // 3]  # records at the very same place
        assert maps.spread(points, RESERVED) == spread_by_every_pair(points, RESERVED)
