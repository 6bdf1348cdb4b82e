"""The street names' collision check files taken boxes on a grid: it must answer as a
check against every box would."""

import random

from clairvoie.outputs.maps import _BoxGrid, _overlap


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
