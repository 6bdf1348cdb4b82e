"""Python's cycle collector across the builds of one process (``pelican --autoreload``,
``clairvoie serve``).

The model and Pelican's content live until a build ends: once the model is built, every
object is frozen (``gc.freeze``), so that the collections the rest of the build runs do not
walk them again and again. What a build froze and the next one no longer uses (the records it
derived again, Pelican's articles, its pages' contexts) is freed by reference counting unless it
is part of a cycle (a project and its works orders point at each other); cycles need a full
collection, which walks every object of the process: seconds of each preview at size L.

So a rebuild collects fully only once the frozen objects have grown by ``growth`` since the
last full collection; until then it collects only what it made itself (the young generations),
and the cycles of the last builds wait, their memory bounded by that growth.
"""

from __future__ import annotations

import gc


class CycleCollector:
    def __init__(self, growth: float = 1.25) -> None:
        self.growth = growth
        self._frozen_after_full: int | None = None  # None: no build yet in this process
        self._full = True

    def build_starts(self) -> None:
        """Before a build: thaw what the last builds froze when it is time for a full collection."""
        frozen = gc.get_freeze_count()
        self._full = self._frozen_after_full is None or frozen > self.growth * self._frozen_after_full
        if self._full:
            gc.unfreeze()  # the last builds' cycles may be collected now

    def model_built(self) -> None:
        """Once the model is built: collect (fully, or what this build made), then freeze."""
        gc.collect(2 if self._full else 1)
        gc.freeze()
        if self._full:
            self._frozen_after_full = gc.get_freeze_count()


across_builds = CycleCollector()
