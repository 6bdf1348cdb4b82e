"""Share a build's work between processes, one per CPU.

The model is built once; forked processes inherit it (and the compiled
templates) without copying or pickling, each does its share and writes its
files. What a share's work returns comes back to the parent (pickled): keep
it small (counts, names).
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class WorkFailed(RuntimeError):
    """A helper process failed; its traceback is in the message."""


def cpu_count() -> int:
    return len(os.sched_getaffinity(0))


def process_count(wanted: int, item_count: int, items_per_extra_process: int) -> int:
    """``wanted`` processes; 0: one per CPU, fewer when there is too little work to share."""
    if wanted:
        return max(1, min(wanted, item_count))
    return max(1, min(cpu_count(), item_count // items_per_extra_process + 1))


def _helper(work: Callable[[Sequence[Any]], Any], share: Sequence[Any], channel: Any) -> None:
    try:
        channel.send((True, work(share)))
    except BaseException:  # noqa: BLE001 — everything goes back to the parent, which raises
        channel.send((False, traceback.format_exc()))
        raise SystemExit(1)
    finally:
        channel.close()


def for_each(items: Sequence[Item], work: Callable[[Sequence[Item]], Result], processes: int,
             what: str) -> list[Result]:
    """Run ``work`` on every ``processes``-th item, here and in ``processes - 1`` forked helpers.

    Returns what each share's ``work`` returned, this process's first.
    """
    if processes <= 1:
        return [work(items)]
    fork = multiprocessing.get_context("fork")
    helpers = []
    for index in range(1, processes):
        receiving, sending = fork.Pipe(duplex=False)
        helper = fork.Process(target=_helper, args=(work, items[index::processes], sending), daemon=True)
        helper.start()
        sending.close()  # the helper's end: when it dies, receiving sees the end of the pipe
        helpers.append((helper, receiving))
    results = [work(items[0::processes])]
    failures = []
    for helper, receiving in helpers:
        try:
            succeeded, value = receiving.recv()
        except EOFError:
            succeeded, value = False, f"le processus {helper.pid} s'est arrêté sans rien dire"
        helper.join()
        if succeeded:
            results.append(value)
        else:
            failures.append(value)
    if failures:
        raise WorkFailed(f"Clairvoie : une partie {what} n'a pas pu être faite :\n" + "\n".join(failures))
    return results
