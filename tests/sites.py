"""Small fixture cities written into a temporary folder, and the model loaded from them."""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

from clairvoie.model import load_model
from clairvoie.model.records import Model
from clairvoie.settings import ClairvoieSettings

PARIS = ZoneInfo("Europe/Paris")

SECTORS = {
    "sectors/secteur-1.yaml": "name: Secteur 1 – Centre\nshort_name: Centre\n",
    "sectors/secteur-2.yaml": "name: Secteur 2 – Les Hauts\nshort_name: Les Hauts\n",
}


def write_site(root: Path, files: dict[str, str], with_sectors: bool = True) -> Path:
    """Write files (path → text, dedented) under root; return root."""
    all_files = {**(SECTORS if with_sectors else {}), **files}
    for relative, text in all_files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (root / "content").mkdir(exist_ok=True)
    return root


def load_site(root: Path, today: dt.date = dt.date(2026, 11, 24), articles=()) -> Model:
    now = dt.datetime.combine(today, dt.time(12), tzinfo=PARIS)
    settings = ClairvoieSettings(site_root=str(root))
    return load_model(settings, str(root / "content"), "Europe/Paris", articles=articles, now=now)


def project_yaml(**overrides: str) -> str:
    """A valid project; keyword arguments replace whole top-level blocks."""
    blocks = {
        "title": "title: Réfection de la rue des Lilas",
        "sectors": "sectors: [secteur-1]",
        "category": "category: voirie",
        "summary": "summary: La chaussée de la rue des Lilas est refaite.",
        "status": "status: in_progress",
        "schedule": "schedule:\n  planned_start: 2026-03-01\n  planned_end: 2026-12-31",
    }
    blocks.update(overrides)
    return "\n".join(text for text in blocks.values() if text) + "\n"


class LoaderTooSlow(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float):
    """Interrupt a stuck loader instead of hanging the test run (main thread, POSIX)."""
    def interrupt(signum, frame):
        raise LoaderTooSlow(f"load_model took more than {seconds} s")
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
