"""The maps are drawn with the cyclic garbage collector paused (a full collection walks the
whole model, and a map's many small tuples set them off), and leave it as they found it."""

import gc

import pytest

from clairvoie.outputs.maps import collection_paused, project_map, sector_map, street_map, works_map


def test_the_four_maps_are_drawn_with_the_collector_paused():
    for draw in (sector_map, street_map, project_map, works_map):
        assert hasattr(draw, "__wrapped__"), draw  # as the pages channel calls them


def test_the_collector_is_paused_while_drawing_and_enabled_again_after():
    seen = []
    drawing = collection_paused(lambda: seen.append(gc.isenabled()) or "map")
    assert gc.isenabled()
    assert drawing() == "map"
    assert seen == [False]
    assert gc.isenabled()


def test_a_failing_map_enables_the_collector_again():
    def broken():
        raise ValueError("no map")
    with pytest.raises(ValueError):
        collection_paused(broken)()
    assert gc.isenabled()


def test_a_collector_already_paused_stays_paused():
    seen = []
    gc.disable()
    try:
        collection_paused(lambda: seen.append(gc.isenabled()))()
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False]
