"""Profile incremental rebuilds as `pelican --autoreload` runs them: several builds in one process.

    .venv/bin/python bench/profile_rebuild.py [--output FOLDER] bench/work/city-L-1 \
        content/projects/<file>.yaml [content/signalements/<number>.yaml …]

The first build runs as usual; then, for each record named, the record is edited (its
first `title:` gets a prefix; a record without a title, a residents' report, gets a
`public_summary:`), a build runs under pyinstrument, and the record is restored. Each
rebuild's profile is printed and written next to the city (profile-rebuild-<n>.txt), with
a table of the seconds spent in each step (the model, each channel, the file comparison
and swap), the parts named in DETAILS and the garbage collector's time; the output goes
to bench/work/out-profile-<city>, or to ``--output FOLDER``: the folder of an earlier build of
the same code and settings (``bench/run.py``'s ``bench/work/out-autoreload``), so that the first
build keeps every page instead of making them all, which takes half an hour at L.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("SOURCE_DATE_EPOCH", "1795521600")  # the synthetic cities' build date
REPO = Path(__file__).resolve().parent.parent
# The repository's npm packages, as bench/run.py's builds have them: the output keeps its interactive map.
os.environ.setdefault("CLAIRVOIE_NODE_MODULES", str(REPO / "node_modules"))

# Functions whose time is a step of the build (the first one met on a call path counts).
STEPS = (
    "read_file", "build_model", "write_fingerprinted_assets", "write_pages", "write_search_pages",
    "write_newsletter_archive", "write_photos", "write_search_index", "copy_documents",
    "write_opendata", "write_open311", "write_feeds", "write_calendars", "write_podcast",
    "write_panels", "write_navigation", "write_nearby", "write_paper", "publish_stripped_originals",
    "keep_unchanged", "refuse_images_with_metadata", "wait", "finish",
)
# Parts of a step shown besides it (their time is in their step's too): the fixed costs of a rebuild.
DETAILS = ("pages_of", "_pages_to_render", "keep_published")


def edited(text: str) -> str:
    """The record with a visible change: its title, else its public summary."""
    if "\ntitle: " in f"\n{text}":
        return text.replace("title: ", "title: Modifié ", 1)
    if "\npublic_summary: " in text:
        return text.replace("\npublic_summary: ", "\npublic_summary: Modifié ", 1)
    return text.rstrip("\n") + "\npublic_summary: Fuite réparée, résumé modifié pour le profil.\n"


def seconds_in(names: tuple[str, ...], frame, found: dict[str, float]) -> dict[str, float]:
    """Seconds in each of ``names`` wherever it is met in pyinstrument's call tree (one met inside
    another counts in the outer): STEPS, the build's steps; DETAILS, what they are made of."""
    if frame.function in names:
        found[frame.function] = found.get(frame.function, 0.0) + frame.time
        return found
    for child in frame.children:
        seconds_in(names, child, found)
    return found


class CollectorTime:
    """Seconds the garbage collector ran, measured by its callbacks (the profile spreads them
    over whatever Python code was running when a collection started)."""

    def __init__(self) -> None:
        self.seconds, self.collections, self._started = 0.0, 0, 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.collections += 1


def main(city: str, *records: str, output: Path | None = None) -> None:
    import pyinstrument
    from pelican import Pelican
    from pelican.settings import read_settings

    logging.basicConfig(format="%(name)s: %(message)s")
    logging.getLogger("clairvoie").setLevel(logging.INFO)  # « N pages faites », what was kept
    city_path = Path(city).resolve()
    os.chdir(city_path)
    output = output or REPO / "bench" / "work" / f"out-profile-{city_path.name}"
    settings = read_settings("pelicanconf.py", override={
        "OUTPUT_PATH": str(output), "THEME": str(REPO / "themes" / "clairvoie"),
        # As docs/reconstruction.md asks of `pelican --autoreload`: rebuilds index only their pages.
        "CLAIRVOIE_SEARCH_PREVIEW": True})
    pelican = Pelican(settings)
    started = time.perf_counter()
    pelican.run()
    print(f"first build: {time.perf_counter() - started:.1f} s", flush=True)

    tables = []
    for number, record in enumerate(records, start=1):
        path = Path(record)
        original = path.read_text(encoding="utf-8")
        path.write_text(edited(original), encoding="utf-8")
        profiler = pyinstrument.Profiler()
        collector = CollectorTime()
        gc.callbacks.append(collector)
        try:
            profiler.start()
            started, cpu = time.perf_counter(), time.process_time()
            pelican.run()
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        finally:
            profiler.stop()
            gc.callbacks.remove(collector)
            path.write_text(original, encoding="utf-8")
        text = profiler.output_text(unicode=False, color=False)
        (city_path / f"profile-rebuild-{number}.txt").write_text(text, encoding="utf-8")
        print(text)
        root = profiler.last_session.root_frame()
        tables.append((record, wall, cpu, seconds_in(STEPS, root, {}), seconds_in(DETAILS, root, {}), collector))
    for record, wall, cpu, steps, details, collector in tables:
        print(f"\nrebuild after editing {record}: {wall:.1f} s wall, {cpu:.1f} s CPU (main process)")
        for name, seconds in sorted(steps.items(), key=lambda item: -item[1]):
            print(f"  {seconds:7.2f} s  {name}")
        for name in DETAILS:
            print(f"  {details.get(name, 0.0):7.2f} s  (of which) {name}")
        print(f"  {collector.seconds:7.2f} s  (spread over the steps) garbage collection, "
              f"{collector.collections} collections")
    # The last edit restored: one more build puts the output back as the sources say.
    pelican.run()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    chosen = None
    if arguments[:1] == ["--output"]:
        chosen, arguments = Path(arguments[1]).resolve(), arguments[2:]  # before main() moves to the city
    main(*arguments, output=chosen)
