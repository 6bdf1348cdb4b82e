"""Run the real build (Pelican's own command) the way staff and CI do."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import json
import os
import socket
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# 2026-11-24 12:00 UTC: the demo city's content is written around this date.
DEMO_EPOCH = "1795521600"
# The cache of encoded images several builds share (imaging.SHARED_CACHE_VARIABLE); conftest.py sets it.
SHARED_CACHE = "CLAIRVOIE_SHARED_CACHE"


# The figures' lists of more than 2 rows on pages of their own, 3 rows each, and the bad news's
# cards 5 a page: every kind of list split in the demo city (outputs/figure_lists.py, pages.py;
# their defaults keep the demo's pages whole).
LONG_LISTS_SPLIT = {"CLAIRVOIE_FIGURE_LIST_INLINE_ROWS": 2, "CLAIRVOIE_FIGURE_LIST_ROWS_PER_PAGE": 3,
                    "CLAIRVOIE_MAP_LIST_ROWS_PER_PAGE": 3,
                    "CLAIRVOIE_BAD_NEWS_CARDS_PER_PAGE": 5}


def run_pelican(site_root: Path, output: Path, epoch: str = DEMO_EPOCH,
                settings: str = "pelicanconf.py", verbose: bool = False,
                extra_settings: dict | None = None, own_cache_only: bool = False) -> subprocess.CompletedProcess:
    """Pelican's command; ``verbose`` adds -v, for the build's INFO lines; ``extra_settings``
    override pelicanconf.py's (Pelican's -e NAME=JSON); ``own_cache_only``: without the session's
    shared image cache, for tests that count what the build's own cache spared."""
    # COLUMNS: Pelican's log lines are not wrapped, so that tests can read them
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "COLUMNS": "1000"}
    if own_cache_only:
        env.pop(SHARED_CACHE, None)
    extra = [f"{name}={json.dumps(value)}" for name, value in (extra_settings or {}).items()]
    return subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", settings, "-o", str(output),
         *(["-v"] if verbose else []), *(["-e", *extra] if extra else [])],
        cwd=site_root, env=env, capture_output=True, text=True, timeout=600,
    )


def run_clairvoie(site_root: Path, *args: str, epoch: str = DEMO_EPOCH) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    return subprocess.run([sys.executable, "-m", "clairvoie.cli", *args], cwd=site_root, env=env,
                          capture_output=True, text=True, timeout=600)


def copy_demo_site(target: Path) -> Path:
    """The demo city's sources (not its output) in a folder a test may change."""
    for name in ("content", "sectors", "themes"):
        shutil.copytree(REPO / name, target / name)
    shutil.copy(REPO / "pelicanconf.py", target / "pelicanconf.py")
    return target


def theme_asset_url(relative_path: str) -> str:
    """The address pages use for a theme file: its fingerprinted name (outputs/assets.py)."""
    from clairvoie.fingerprints import fingerprinted_name

    data = (REPO / "themes/clairvoie/static" / relative_path).read_bytes()
    return "/theme/" + fingerprinted_name(relative_path, data)


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file's SHA-256 and modification time, by relative path."""
    digest = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = hashlib.sha256(path.read_bytes()).hexdigest()
            digest[str(path.relative_to(folder))] = f"{data} {path.stat().st_mtime_ns}"
    return digest


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path, content_types: dict[str, str] | None = None) -> Iterator[str]:
    """Serve a built site on loopback; yield its base URL.

    ``content_types`` maps file extensions to the MIME types a real server
    would send (e.g. {".rss": "application/xml"}).
    """
    handler_class = type("Handler", (_QuietHandler,), {
        "extensions_map": {**_QuietHandler.extensions_map, **(content_types or {})}})
    handler = functools.partial(handler_class, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False
