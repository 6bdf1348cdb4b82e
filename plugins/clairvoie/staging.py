"""Write each build beside the output folder; swap it in only when the build succeeds.

A failed build (invalid records, a template error) therefore leaves the
previous site exactly as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from typing import Any, Callable

from . import incremental

logger = logging.getLogger(__name__)

STAGING_SUFFIX = ".clairvoie-new"
RETIRED_SUFFIX = ".clairvoie-old"

# What to do once a staging folder has been swapped in (e.g. save the page signatures).
_on_success: dict[str, list[Callable[[], None]]] = {}
# By staging folder, the files (site paths) the build knows to be settled: linked to the published
# file, or written with other bytes than its. ``finish`` compares only the others.
_settled: dict[str, set[str]] = {}


def final_output_path(pelican: Any) -> str:
    return os.path.abspath(pelican.settings["OUTPUT_PATH"])


def begin(pelican: Any) -> None:
    """Point Pelican at a fresh, empty staging folder for this run."""
    staging = final_output_path(pelican) + STAGING_SUFFIX
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    _on_success.pop(staging, None)
    _settled.pop(staging, None)
    pelican.output_path = staging


def final_path_of(output_path: str) -> str | None:
    """The output folder a staging folder will replace; None when not staging."""
    if not output_path.endswith(STAGING_SUFFIX):
        return None
    return output_path.removesuffix(STAGING_SUFFIX)


def on_success(output_path: str, action: Callable[[], None]) -> None:
    """Run ``action`` once this staging folder is in place."""
    _on_success.setdefault(output_path, []).append(action)


def settled(output_path: str, save_as: str) -> None:
    """The build knows whether this file is the published one: ``finish`` need not compare it."""
    _settled.setdefault(output_path, set()).add(save_as)


def discard(output_path: str) -> None:
    """Drop a failed run's staging folder; the previous output stays untouched."""
    if output_path.endswith(STAGING_SUFFIX):
        _on_success.pop(output_path, None)
        _settled.pop(output_path, None)
        shutil.rmtree(output_path, ignore_errors=True)


def _remove_in_background(folder: str) -> None:
    """Delete the replaced site while Pelican reports: it is out of the way already.

    A new name first, so that the next build's own retired folder cannot meet it.
    The thread is not a daemon: a one-off build waits for it before exiting.
    """
    if not os.path.isdir(folder):
        return
    doomed = f"{folder}-{os.getpid()}-{threading.get_ident()}-{time.monotonic_ns()}"
    os.rename(folder, doomed)
    threading.Thread(target=shutil.rmtree, args=(doomed,), kwargs={"ignore_errors": True},
                     name="clairvoie-remove-old-output").start()


def keep_unchanged(pelican: Any) -> "incremental.StagedFiles | None":
    """Link each staged file identical to the published one to it (before the check of images:
    a file that is the published one was checked when it was published). Returns every staged
    file, for that check (one walk of the build's folders); None when the build is not staged."""
    final, staging = final_output_path(pelican), pelican.output_path
    if staging == final:
        return None
    with incremental.collector_paused():  # the list of files lives until the check of images
        walked = incremental.walk_staged(staging, final if os.path.isdir(final) else None,
                                         _settled.pop(staging, set()))
    logger.debug("Clairvoie : %d fichiers inchangés gardés tels quels sur %d comparés", walked.kept, walked.compared)
    return walked


def finish(pelican: Any) -> None:
    """Replace the output folder with the finished staging folder (``keep_unchanged`` done)."""
    final = final_output_path(pelican)
    staging = pelican.output_path
    _settled.pop(staging, None)
    if staging == final:
        return
    retired = final + RETIRED_SUFFIX
    shutil.rmtree(retired, ignore_errors=True)
    if os.path.isdir(final):
        for name in pelican.settings.get("OUTPUT_RETENTION", []):
            kept, target = os.path.join(final, name), os.path.join(staging, name)
            if os.path.exists(kept) and not os.path.exists(target):
                shutil.move(kept, target)
        os.rename(final, retired)
    os.rename(staging, final)
    _remove_in_background(retired)
    pelican.output_path = final
    for action in _on_success.pop(staging, []):
        action()
