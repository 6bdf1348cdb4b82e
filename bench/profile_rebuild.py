"""Profile an incremental rebuild as `pelican --autoreload` runs it: two builds in one process.

    .venv/bin/python bench/profile_rebuild.py bench/work/city-L-1 content/projects/<file>.yaml

The first build runs as usual; then the record's first `title:` gets a prefix, the
second build runs under pyinstrument, and the record is restored. The profile is
printed and written next to the city (profile-rebuild.txt); the output goes to
bench/work/out-profile-<city>.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("SOURCE_DATE_EPOCH", "1795521600")  # the synthetic cities' build date

REPO = Path(__file__).resolve().parent.parent


def main(city: str, record: str) -> None:
    import pyinstrument
    from pelican import Pelican
    from pelican.settings import read_settings

    city_path = Path(city).resolve()
    os.chdir(city_path)
    output = REPO / "bench" / "work" / f"out-profile-{city_path.name}"
    settings = read_settings("pelicanconf.py", override={
        "OUTPUT_PATH": str(output), "THEME": str(REPO / "themes" / "clairvoie")})
    pelican = Pelican(settings)
    started = time.perf_counter()
    pelican.run()
    print(f"first build: {time.perf_counter() - started:.1f} s", flush=True)

    path = Path(record)
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("title: ", "title: Modifié ", 1), encoding="utf-8")
    profiler = pyinstrument.Profiler()
    try:
        profiler.start()
        started = time.perf_counter()
        pelican.run()
        print(f"rebuild: {time.perf_counter() - started:.1f} s", flush=True)
    finally:
        profiler.stop()
        path.write_text(original, encoding="utf-8")
    text = profiler.output_text(unicode=False, color=False)
    (city_path / "profile-rebuild.txt").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main(*sys.argv[1:3])
