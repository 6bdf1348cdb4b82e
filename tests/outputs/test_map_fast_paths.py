"""What makes the maps cheap must not change them: the street names' collision check files
taken boxes on a grid, and must answer as a check against every box would; path data is
formatted all at once, and must read as each number written by ``number``; points are
projected and rounded as arrays, and must be the numbers of ``Projection`` point by point."""

import random

import numpy as np
from shapely.geometry import GeometryCollection, LineString, MultiLineString, Point, Polygon

from clairvoie.outputs.maps import (Projection, _BoxGrid, _lines_of, _many_lines_in_px, _overlap, _subpath,
                                    number, rounded_tenths)


def random_box(draw):
    x, y = draw.uniform(-100, 900), draw.uniform(-100, 700)
    return (x, y, x + draw.uniform(0, 200), y + draw.uniform(0, 60))


def test_the_grid_answers_as_every_box_would():
    draw = random.Random(7)
    taken = [random_box(draw) for _ in range(40)]
    grid = _BoxGrid(taken[:20])
    for box in taken[20:]:
        grid.add(box)
    answers = []
    for _ in range(2000):
        box = random_box(draw)
        answers.append(grid.overlaps(box))
        assert answers[-1] == any(_overlap(box, other) for other in taken)
    assert any(answers) and not all(answers)


def test_path_data_reads_as_each_number_written_one_by_one():
    draw = random.Random(11)
    for _ in range(20_000):
        values = [-0.0, 0.0, -0.04, 0.04, 0, 800, -12.96, draw.uniform(-900, 900), draw.uniform(-1, 1)]
        points = [(round(draw.choice(values), 1), round(draw.choice(values), 1))
                  for _ in range(draw.randint(1, 6))]
        closed = draw.random() < 0.5
        head, *rest = points
        expected = (f"M{number(head[0])} {number(head[1])}L"
                    + " ".join(f"{number(x)} {number(y)}" for x, y in rest) + ("Z" if closed else ""))
        assert _subpath(points, closed) == expected


def test_numbers_rounded_as_an_array_are_those_round_gives():
    draw = random.Random(5)
    values = [draw.uniform(-900, 900) for _ in range(50_000)] + [draw.uniform(-1, 1) for _ in range(5_000)]
    values += [k / 100 for k in range(-2_000, 2_000)] + [k / 20 + 1e-13 for k in range(-400, 400)]
    values += [0.0, -0.0, -0.04, 0.05, 0.15, 0.25, 2.675, 1e-9, -1e-9]
    rounded = rounded_tenths(np.array(values))
    assert [repr(v) for v in rounded] == [repr(round(v, 1)) for v in values]  # repr: -0.0 is not 0.0


def test_lines_projected_as_one_array_are_those_projected_point_by_point():
    projection = Projection.fitted((4.80, 45.70, 4.90, 45.76))
    draw = random.Random(3)

    def line(count):
        return LineString([(draw.uniform(4.8, 4.9), draw.uniform(45.7, 45.76)) for _ in range(count)])

    geometries = [line(2), line(7), LineString(), MultiLineString([line(3), line(4)]),
                  GeometryCollection([Point(4.85, 45.73), line(5), MultiLineString([line(2)])]),
                  Polygon([(4.81, 45.71), (4.82, 45.71), (4.82, 45.72)]), line(30)]
    expected = [[[projection(p) for p in part] for part in _lines_of(g)] for g in geometries]
    assert _many_lines_in_px(geometries, projection) == expected
    assert sum(map(len, expected)) == 7  # the lines of the lines, of the multi-line and of the collection
