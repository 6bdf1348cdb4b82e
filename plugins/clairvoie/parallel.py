"""Share a build's work between processes, one per CPU.

The model is built once; forked processes inherit it (and the compiled
templates) without copying or pickling, each does its share and writes its
files. Nothing comes back but an exit status: work given to these helpers
must only write files.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")


class WorkFailed(RuntimeError):
    """A helper process failed; its traceback was printed on standard error."""


def cpu_count() -> int:
    return len(os.sched_getaffinity(0))


def process_count(wanted: int, item_count: int, items_per_extra_process: int) -> int:
    """``wanted`` processes; 0: one per CPU, fewer when there is too little work to share."""
    if wanted:
        return max(1, min(wanted, item_count))
    return max(1, min(cpu_count(), item_count // items_per_extra_process + 1))


def for_each(items: Sequence[Item], work: Callable[[Sequence[Item]], Any], processes: int,
             what: str) -> None:
    """Run ``work`` on every ``processes``-th item here and in ``processes - 1`` forked helpers."""
    if processes <= 1:
        work(items)
        return
    fork = multiprocessing.get_context("fork")
    helpers = [fork.Process(target=work, args=(items[index::processes],), daemon=True)
               for index in range(1, processes)]
    for helper in helpers:
        helper.start()
    try:
        work(items[0::processes])
    finally:
        for helper in helpers:
            helper.join()
    if any(helper.exitcode != 0 for helper in helpers):
        raise WorkFailed(f"Clairvoie : une partie de {what} n'a pas pu être faite (voir l'erreur ci-dessus)")
