"""The CPU time of each phase of a build: the model, each channel, the swap.

Each phase counts the CPU of the build's main thread while it runs, plus what
ran beside it: its helper processes (``parallel.py``, counted once they have
ended, which is before the phase returns) and the process's other threads. A
channel may leave work going on while the next ones run (the search index:
Pagefind's process, read by a thread); while it does, the other threads' CPU
and the child processes that end are its own, not the running phase's.

At the end of a build the phases are logged (one line, in French) and written to
``<CACHE_PATH>/clairvoie-phases.json`` for ``make bench`` (``bench/run.py``):
``{"phases": [{"name", "cpu_seconds", "wall_seconds"}, ...], "cpu_seconds": <the
process's own CPU and its ended children's since the build began (``new_build``: Pelican's
get_generators), the first build of a process since the process began>}``. What is not in a phase
(Python's start-up, Pelican's own articles) is the build's total less their sum.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import resource
import time
from collections.abc import Iterator
from typing import Any

logger = logging.getLogger(__name__)

PHASES_FILE = "clairvoie-phases.json"  # in Pelican's CACHE_PATH


def _process_total() -> float:
    """The process's own CPU and its ended children's, in seconds."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _clocks() -> tuple[float, float, float]:
    """(this thread's CPU, the whole process's CPU, the ended children's CPU), in seconds."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.thread_time(), time.process_time(), children.ru_utime + children.ru_stime


class Phases:
    """The phases of one build, in the order they ran (a name met again adds to its first place)."""

    def __init__(self, started: float = 0.0) -> None:
        self.started = started  # the process's total CPU when the build began
        self.cpu: dict[str, float] = {}
        self.wall: dict[str, float] = {}
        self._background: list[str] = []  # phases whose work goes on beside the main thread

    def _add(self, name: str, cpu: float, wall: float = 0.0) -> None:
        self.cpu[name] = self.cpu.get(name, 0.0) + cpu
        self.wall[name] = self.wall.get(name, 0.0) + wall

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Count what runs inside the ``with`` block (in the main thread) to ``name``."""
        thread, process, children = _clocks()
        started = time.perf_counter()
        try:
            yield
        finally:
            thread_end, process_end, children_end = _clocks()
            own = thread_end - thread
            beside = (process_end - process) - own + (children_end - children)
            self._add(name, own, time.perf_counter() - started)
            # Work left going on by an earlier phase is the earliest such phase's.
            self._add(self._background[0] if self._background else name, beside)

    def in_background(self, name: str) -> None:
        """From now on, threads and ended child processes work for ``name`` (until ``background_done``)."""
        self._background.append(name)

    def background_done(self, name: str) -> None:
        if name in self._background:
            self._background.remove(name)

    def as_json(self) -> dict[str, Any]:
        return {
            "phases": [{"name": name, "cpu_seconds": round(cpu, 3), "wall_seconds": round(self.wall[name], 3)}
                       for name, cpu in self.cpu.items()],
            "cpu_seconds": round(_process_total() - self.started, 3),
        }

    def report(self, cache_folder: str) -> None:
        """Log the phases in one line and write them to ``<cache_folder>/clairvoie-phases.json``."""
        summary = self.as_json()
        logger.info("Clairvoie : temps de calcul par étape : %s ; en tout %s s",
                    " ; ".join(f"{p['name']} {_seconds_fr(p['cpu_seconds'])} s" for p in summary["phases"]),
                    _seconds_fr(summary["cpu_seconds"]))
        try:
            os.makedirs(cache_folder, exist_ok=True)
            temporary = os.path.join(cache_folder, f"{PHASES_FILE}.{os.getpid()}.tmp")
            with open(temporary, "w", encoding="utf-8") as stream:
                json.dump(summary, stream, indent=1)
            os.replace(temporary, os.path.join(cache_folder, PHASES_FILE))
        except OSError as error:  # a measure, never a reason to fail a build
            logger.warning("Clairvoie : temps par étape non écrits (%s)", error)


def _seconds_fr(seconds: float) -> str:
    return f"{seconds:.1f}".replace(".", ",")


# The build under way (one at a time in a process: pelican --autoreload runs them one after another).
current = Phases()
_builds = 0


def new_build() -> Phases:
    """A build begins: the first of the process counts from the process's start (Python, Pelican's
    start-up), the others (pelican --autoreload) from now, not the process's whole life."""
    global current, _builds
    current = Phases(_process_total() if _builds else 0.0)
    _builds += 1
    return current
