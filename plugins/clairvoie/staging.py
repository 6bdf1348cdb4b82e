"""Write each build beside the output folder; put it in place only when the build succeeds.

A failed build (invalid records, a template error, an image with metadata) therefore
leaves the previous site exactly as it was.

Two ways of putting a build in place:

- **swapped whole** (a process's first build: ``make site``, ``make publish``, CI): the
  build writes a complete site into the staging folder (files kept from the previous build
  hard-linked there), which replaces the output folder by one rename;
- **written in place** (a rebuild in the same process: ``pelican --autoreload``, each save
  in ``clairvoie serve``): the staging folder gets only what this build writes; the files
  kept from the previous build stay where they are, untouched, and are never linked nor
  walked. Once the build has succeeded, its new files are moved into the output folder one
  by one and the files it no longer makes are removed. A large city's preview then costs
  what changed, not a folder and a link per page. It needs the list of the output folder's
  files, which only the process that put that folder in place knows for sure: so a first
  build, or a folder replaced since by another process, is swapped whole.

One build at a time per output folder: a build holds ``<output>.clairvoie-lock`` (an advisory
``flock``, released by the system when its process ends) from ``begin`` to ``finish`` or
``discard``. A second process building into the same folder (``make site`` beside
``make serve``, a server left running) is refused with a French message instead of emptying
the first one's staging folder under it.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from . import incremental, messages

logger = logging.getLogger(__name__)

STAGING_SUFFIX = ".clairvoie-new"
RETIRED_SUFFIX = ".clairvoie-old"
LOCK_SUFFIX = ".clairvoie-lock"


class BuildInProgress(RuntimeError):
    """Another process is building into this output folder: this build does not start."""

    exitcode = 1

    def __init__(self, output_path: str, holder: str):
        self.output_path, self.holder = output_path, holder
        super().__init__(self.summary())

    def summary(self) -> str:
        return messages.build_in_progress(self.output_path, self.holder)


@dataclass(frozen=True)
class _Published:
    """An output folder this process put in place: its identity and its files (site paths)."""

    identity: tuple[int, int]  # st_dev, st_ino: another process's build replaces the folder
    files: frozenset[str]


@dataclass
class _InPlace:
    """A build written in place: the published files it keeps as they are."""

    published: _Published
    kept: set[str] = field(default_factory=set)
    process: int = field(default_factory=os.getpid)  # the build's own: only it may add to ``kept``


@dataclass
class _StagedBuild:
    """What this process knows of one build in its staging folder, from ``begin`` to ``finish``."""

    # What to do once the folder is in place (e.g. save the page signatures).
    on_success: list[Callable[[], None]] = field(default_factory=list)
    # The files (site paths) the build knows to be settled: linked to the published file, or
    # written with other bytes than its. ``keep_unchanged`` compares only the others.
    settled: set[str] = field(default_factory=set)
    in_place: _InPlace | None = None  # None: swapped whole
    walked: "incremental.StagedFiles | None" = None  # by ``keep_unchanged``


_published: dict[str, _Published] = {}  # by output folder
_builds: dict[str, _StagedBuild] = {}  # by staging folder
_locks: dict[str, int] = {}  # by output folder: the open lock file this process holds


def final_output_path(pelican: Any) -> str:
    return os.path.abspath(pelican.settings["OUTPUT_PATH"])


def begin(pelican: Any) -> None:
    """Point Pelican at a fresh, empty staging folder for this run."""
    final = final_output_path(pelican)
    _lock(final)
    staging = final + STAGING_SUFFIX
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    published = _published.get(final)
    in_place = (published is not None and published.identity == _identity(final)
                and pelican.settings.get("CLAIRVOIE_INCREMENTAL", True))
    _builds[staging] = _StagedBuild(in_place=_InPlace(published) if in_place else None)
    pelican.output_path = staging


def final_path_of(output_path: str) -> str | None:
    """The output folder a staging folder will replace; None when not staging."""
    if not output_path.endswith(STAGING_SUFFIX):
        return None
    return output_path.removesuffix(STAGING_SUFFIX)


def writes_in_place(output_path: str) -> bool:
    """True when this build's staging folder gets only its new files (a rebuild in this process)."""
    return _in_place(output_path) is not None


def _in_place(output_path: str) -> _InPlace | None:
    build = _builds.get(output_path)
    return build.in_place if build is not None else None


def on_success(output_path: str, action: Callable[[], None]) -> None:
    """Run ``action`` once this staging folder is in place."""
    _builds.setdefault(output_path, _StagedBuild()).on_success.append(action)


def settled(output_path: str, save_as: str) -> None:
    """The build knows whether this file is the published one: ``finish`` need not compare it."""
    _builds.setdefault(output_path, _StagedBuild()).settled.add(save_as)


def keep_published(output_path: str, save_as: str) -> bool:
    """Keep the published file of that name as this build's; False when there is none (or,
    written in place, when called from a helper process: the caller writes the file).

    Swapped whole, the file is hard-linked into the staging folder; written in place, it is
    left where it is."""
    final = final_path_of(output_path)
    if final is None:
        return False
    in_place = _in_place(output_path)
    if in_place is not None:
        # A helper process's ``kept`` would die with it, and the file be removed as no longer
        # made: there the file is written, and the walk after the build finds it unchanged.
        if os.getpid() != in_place.process or not os.path.isfile(os.path.join(final, save_as)):
            return False
        in_place.kept.add(save_as)
    elif not incremental.link_previous(final, output_path, save_as):
        return False
    settled(output_path, save_as)
    return True


def keep_published_folder(output_path: str, folder: str) -> bool:
    """Keep every published file under ``folder`` (a site path: "pagefind") as this build's;
    False when a file cannot be kept (the caller then stops).

    Written in place, the process's own list of the published files names them: the folder is
    left as it is, without a look at each of its files (a large city's search bundle has one
    per page); only the folder itself must still be there."""
    final = final_path_of(output_path)
    if final is None:
        return False
    in_place = _in_place(output_path)
    if in_place is not None and os.getpid() == in_place.process:
        prefix = folder.rstrip("/") + "/"
        files = [save_as for save_as in in_place.published.files if save_as.startswith(prefix)]
        if not files or not os.path.isdir(os.path.join(final, folder)):
            return False
        in_place.kept.update(files)
        _builds[output_path].settled.update(files)
        return True
    for parent, _, names in os.walk(os.path.join(final, folder)):
        shown = _site_path(os.path.relpath(parent, final))
        for name in names:
            if not keep_published(output_path, f"{shown}/{name}"):
                return False
    return True


def built_path(output_path: str, save_as: str) -> str:
    """Where this build's file of that name is, to read it: the staging folder's, or, written
    in place, the published one it keeps."""
    staged = os.path.join(output_path, save_as)
    in_place = _in_place(output_path)
    if in_place is not None and save_as in in_place.kept and not os.path.exists(staged):
        return os.path.join(final_path_of(output_path), save_as)
    return staged


def discard(output_path: str) -> None:
    """Drop a failed run's staging folder; the previous output stays untouched."""
    if output_path.endswith(STAGING_SUFFIX):
        _builds.pop(output_path, None)
        shutil.rmtree(output_path, ignore_errors=True)
        _unlock(output_path.removesuffix(STAGING_SUFFIX))


def _lock(final: str) -> None:
    """Hold the output folder's lock for this build, or refuse to start (``BuildInProgress``).

    Kept when this process already holds it: a build of its that failed before ``discard``."""
    if final in _locks:
        return
    os.makedirs(os.path.dirname(final), exist_ok=True)
    descriptor = os.open(final + LOCK_SUFFIX, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(descriptor, 64).decode("ascii", "replace").strip()
        os.close(descriptor)
        raise BuildInProgress(final, holder) from None
    os.ftruncate(descriptor, 0)
    os.write(descriptor, str(os.getpid()).encode("ascii"))  # named in the other process's message
    _locks[final] = descriptor


@contextlib.contextmanager
def held(final: str) -> Iterator[bool]:
    """Hold the output folder's lock while writing into it after a build (a preview's PDFs):
    False while another process builds there, which then writes those files itself."""
    try:
        _lock(final)
    except BuildInProgress:
        yield False
        return
    try:
        yield True
    finally:
        _unlock(final)


def _unlock(final: str) -> None:
    descriptor = _locks.pop(final, None)
    if descriptor is not None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)  # also for helper processes forked with it
        os.close(descriptor)


def _identity(folder: str) -> tuple[int, int] | None:
    try:
        status = os.stat(folder)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _remove_in_background(folder: str) -> None:
    """Delete the replaced site while Pelican reports: it is out of the way already.

    A new name first (``<folder>-<pid>-…``), so that the next build's own retired folder cannot
    meet it. The thread is not a daemon: a one-off build waits for it before exiting. The
    folders a killed process left half removed go with it (``_abandoned``).
    """
    doomed = []
    if os.path.isdir(folder):
        doomed.append(f"{folder}-{os.getpid()}-{threading.get_ident()}-{time.monotonic_ns()}")
        os.rename(folder, doomed[0])
    doomed += _abandoned(folder)
    if doomed:
        threading.Thread(target=lambda: [shutil.rmtree(path, ignore_errors=True) for path in doomed],
                         name="clairvoie-remove-old-output").start()


def _abandoned(retired: str) -> list[str]:
    """The renamed retired folders (``<retired>-<pid>-…``) whose process has ended: killed
    (Ctrl-C in ``make serve``) before its thread had removed them."""
    parent, name = os.path.split(retired)
    prefix = name + "-"
    try:
        names = os.listdir(parent)
    except OSError:
        return []
    found = []
    for entry in sorted(names):
        pid = entry[len(prefix):].split("-", 1)[0] if entry.startswith(prefix) else ""
        if pid.isdigit() and not _is_running(int(pid)):
            found.append(os.path.join(parent, entry))
    return found


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # no signal sent: only whether the process exists
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's, or not a process number: not ours to remove
    return True


def keep_unchanged(pelican: Any) -> "incremental.StagedFiles | None":
    """Keep the published file for each staged file with the same bytes (before the check of
    images: a file that is the published one was checked when it was published). Returns every
    staged file, for that check (one walk of the build's folders); None when not staged."""
    final, staging = final_output_path(pelican), pelican.output_path
    if staging == final:
        return None
    build = _builds.setdefault(staging, _StagedBuild())
    settled_files, build.settled = build.settled, set()  # not needed after the walk
    with incremental.collector_paused():  # the list of files lives until the check of images
        walked = incremental.walk_staged(staging, final if os.path.isdir(final) else None,
                                         settled_files, in_place=build.in_place is not None)
    logger.debug("Clairvoie : %d fichiers inchangés gardés tels quels sur %d comparés", walked.kept, walked.compared)
    build.walked = walked
    return walked


def finish(pelican: Any) -> None:
    """Put the finished staging folder in place, once ``keep_unchanged`` has walked it."""
    final = final_output_path(pelican)
    staging = pelican.output_path
    if staging == final:
        return
    if staging not in _builds or _builds[staging].walked is None:
        keep_unchanged(pelican)
    build = _builds.pop(staging)
    if build.in_place is not None:
        files = _write_in_place(final, staging, build.walked, build.in_place)
    else:
        files = _swap_whole(pelican, final, staging, build.walked)
    _published[final] = _Published(_identity(final), files)
    pelican.output_path = final
    try:
        for action in build.on_success:
            action()
    finally:
        _unlock(final)


def _site_path(relative: str) -> str:
    return relative.replace(os.sep, "/")


def _swap_whole(pelican: Any, final: str, staging: str, staged: "incremental.StagedFiles") -> frozenset[str]:
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
    return frozenset(_site_path(file.relative) for file in staged.files)


def _write_in_place(final: str, staging: str, staged: "incremental.StagedFiles", in_place: _InPlace) -> frozenset[str]:
    """Remove the published files this build no longer makes, then move its new files in."""
    files = frozenset(in_place.kept | {_site_path(file.relative) for file in staged.files})
    _published.pop(final, None)  # until done: interrupted, the next build swaps whole
    gone = sorted(in_place.published.files - files)
    for save_as in gone:
        _remove_with_empty_folders(final, save_as)
    moved = 0
    for file in staged.files:
        if file.published is None:  # else the published file itself
            target = os.path.join(final, file.relative)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.replace(file.path, target)
            moved += 1
    shutil.rmtree(staging, ignore_errors=True)
    logger.info("Clairvoie : %d fichiers mis en place, %d retirés, %d gardés tels quels", moved, len(gone),
                len(files) - moved)
    return files


def _remove_with_empty_folders(final: str, save_as: str) -> None:
    """Remove a published file, and its folders left empty (a full build would not have them)."""
    path = os.path.join(final, *save_as.split("/"))
    try:
        os.unlink(path)
    except FileNotFoundError:
        return
    folder = os.path.dirname(path)
    while folder != final:
        try:
            os.rmdir(folder)
        except OSError:  # not empty
            return
        folder = os.path.dirname(folder)
