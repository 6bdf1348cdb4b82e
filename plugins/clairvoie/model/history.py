"""Each record's change history, read from the content repository's Git log.

Residents can see when a status or a date was changed, and the commit
message saying why. Only the date and the message are kept: never an author
name or e-mail. Without Git (or outside a repository) histories are empty.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass

RECORD_SEPARATOR, FIELD_SEPARATOR = "\x1e", "\x1f"
# The histories read for the last commit seen (site root, folders, top, HEAD): a build in the
# same process (pelican --autoreload) reads the log again only after a commit.
_last_histories: dict[tuple[str, tuple[str, ...], str, str], dict[str, tuple[Change, ...]]] = {}


@dataclass(frozen=True)
class Change:
    date: dt.datetime
    message: str  # the commit's subject line


def record_histories(site_root: str, folders: list[str]) -> dict[str, tuple[Change, ...]]:
    """Changes by file path relative to site_root, newest first; {} without Git."""
    try:
        top, head = _git(site_root, "rev-parse", "--show-toplevel", "HEAD").splitlines()[:2]
        key = (site_root, tuple(folders), top, head)
        if key in _last_histories:  # the same commit, the same log (pelican --autoreload)
            return _last_histories[key]
        log = _git(site_root, "log", "--no-renames", "--name-only",
                   f"--format={RECORD_SEPARATOR}%cI{FIELD_SEPARATOR}%s", "--", *folders)
    except (OSError, ValueError, subprocess.CalledProcessError):
        return {}
    histories: dict[str, list[Change]] = {}
    shown_folders: dict[str, str] = {}  # relpath() once per folder, not once per file and commit
    for entry in log.split(RECORD_SEPARATOR)[1:]:
        header, _, names = entry.partition("\n")
        date, _, subject = header.partition(FIELD_SEPARATOR)
        change = Change(dt.datetime.fromisoformat(date), subject.strip())
        for name in filter(None, (n.strip() for n in names.splitlines())):
            folder, _, file_name = name.rpartition("/")
            if folder not in shown_folders:
                shown = os.path.relpath(os.path.join(top, folder), site_root).replace(os.sep, "/")
                shown_folders[folder] = "" if shown == "." else shown + "/"
            histories.setdefault(shown_folders[folder] + file_name, []).append(change)
    _last_histories.clear()
    _last_histories[key] = {path: tuple(changes) for path, changes in histories.items()}
    return _last_histories[key]


def _git(cwd: str, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True, encoding="utf-8", timeout=120).stdout
