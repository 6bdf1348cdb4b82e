"""Copy to a web server's folder with rsync (over SSH, to an rsync daemon, or locally).

A web server sets no headers from a file copy: the cache table goes along as the
server's configuration, written at the site's root (``policy.SERVER_FILES``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Callable

from . import PublishFailed, Report, describe_deletion, describe_upload, in_upload_order, site_files
from .policy import SERVER_FILES, apache_htaccess, netlify_headers, nginx_snippet

RSYNC_OPTIONS = [
    "--recursive", "--links", "--times",
    # Creates the target folder, and its parents if needed.
    "--mkpath",
    # By content, not by date: every build writes every file anew.
    "--checksum",
    # Readable by the web server whatever the build machine's umask.
    "--chmod=D755,F644",
    # Changed files are put in place together at the end of each pass.
    "--delay-updates",
    # One line per change: "<itemized change> <path>".
    "--out-format=%i %n",
]


def write_server_files(output: str, base_path: str) -> None:
    paths = [path for path in site_files(output) if path not in SERVER_FILES]
    for name, text in (("_headers", netlify_headers(paths, base_path)),
                       (".htaccess", apache_htaccess(base_path)),
                       ("nginx-cache.conf", nginx_snippet(base_path))):
        with open(os.path.join(output, name), "w", encoding="utf-8") as stream:
            stream.write(text)


def _run(arguments: list[str], say: Callable[[str], None], report: Report, stdin: str = "") -> None:
    result = subprocess.run(arguments, input=stdin, capture_output=True, text=True)
    if result.returncode != 0:
        raise PublishFailed(f"rsync a échoué (code {result.returncode}) : {result.stderr.strip()}")
    for line in result.stdout.splitlines():
        change, _, path = line.partition(" ")
        if change == "*deleting":
            say(describe_deletion(path.strip()))
            report.deleted += 1
        elif change[:2] in ("<f", ">f"):  # a file sent; not a folder, nor only a new date
            say(describe_upload(path))
            report.uploaded += 1


def publish_with_rsync(output: str, target: str, base_path: str, dry_run: bool,
                       say: Callable[[str], None]) -> Report:
    rsync = shutil.which("rsync")
    if rsync is None:
        raise PublishFailed("La commande rsync manque : installez le paquet Debian « rsync » "
                            "(sudo apt-get install rsync), ou lancez « make publish », qui l'installe.")
    write_server_files(output, base_path)
    report = Report()
    options = [rsync, *RSYNC_OPTIONS, *(["--dry-run"] if dry_run else [])]
    source = output.rstrip("/") + "/"
    paths = site_files(output)
    first, _ = in_upload_order(paths)
    if not dry_run:  # a dry first pass would change nothing, so the second one lists it all
        _run([*options, "--files-from=-", source, target], say, report, stdin="\n".join(first) + "\n")
    _run([*options, "--delete-after", source, target], say, report)
    report.unchanged = len(paths) - report.uploaded
    return report
