"""collector.py: a rebuild in one process collects the last builds' cycles fully only once the
frozen objects have grown enough; until then they wait, frozen, and the build walks only its own."""

from __future__ import annotations

import gc
import weakref

from clairvoie.collector import CycleCollector


class Record:
    """A record of a model, pointing at another that points back (a project and its order)."""

    def __init__(self) -> None:
        self.other = Order(self)


class Order:
    def __init__(self, record: Record) -> None:
        self.record = record


def build(collector: CycleCollector, kept_alive: list) -> weakref.ref:
    """One build: its model, a cycle, alive until the next build replaces it."""
    collector.build_starts()
    model = Record()
    kept_alive[:] = [model]
    collector.model_built()
    return weakref.ref(model)


def test_the_last_builds_cycles_wait_frozen_until_the_frozen_objects_grew_enough():
    collector = CycleCollector(growth=1.5)
    alive: list = []
    gc.unfreeze()
    try:
        first = build(collector, alive)  # the process's first build: a full collection
        frozen = gc.get_freeze_count()
        assert frozen > 0 and first() is not None
        second = build(collector, alive)  # the first model is now a cycle of garbage, frozen
        assert first() is not None and second() is not None
        gc.collect()  # no collection frees a frozen object
        assert first() is not None
        third = build(collector, alive)
        assert first() is not None and second() is not None, "little growth: no full collection yet"

        grown = [[] for _ in range(frozen)]  # the process's frozen objects double
        build(collector, alive)  # frozen at its end: the next build collects fully
        assert first() is not None
        build(collector, alive)
        assert first() is None and second() is None and third() is None
        assert len(grown) == frozen
    finally:
        gc.unfreeze()
        gc.collect()


def test_a_first_build_collects_fully_and_freezes():
    gc.unfreeze()
    garbage = Record()
    left = weakref.ref(garbage)
    del garbage
    try:
        build(CycleCollector(), [])
        assert left() is None and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
