"""What makes the maps cheap must not change them: the street names' collision check files
taken boxes on a grid, and must answer as a check against every box would; path data is
formatted all at once, and must read as each number written by ``number``."""

import random

from clairvoie.outputs.maps import _BoxGrid, _overlap, _subpath, number


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
