"""What a rebuild in one process spends signing its pages (incremental.PageSignatures.of).

    .venv/bin/python bench/sign_rebuild.py bench/work/city-M-1 [--without-same-values]

Loads the city's model twice in one process, as `clairvoie serve` rebuilds it, and signs every page
of ``pages.pages_of`` after each load; prints the second signing's CPU time and how many pages it
signed afresh (their records' keys sorted and hashed) rather than took from the first.
``--without-same-values`` makes ``incremental.same_value`` give each value as it comes, as before
commit a4bf609: what an index shows and a report's link to /rues/ are then new objects at each
build, and nearly every page is signed afresh. Run it twice each way: the machine's noise shows.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("SOURCE_DATE_EPOCH", "1795521600")  # the synthetic cities' build date


def main(city: Path, same_values: bool) -> None:
    os.chdir(city)
    from pelican.settings import read_settings

    from clairvoie import incremental
    from clairvoie.model import load_model
    from clairvoie.outputs.pages import pages_of
    from clairvoie.outputs.site import Site
    from clairvoie.settings import ClairvoieSettings

    settings = read_settings("pelicanconf.py")
    clairvoie_settings = ClairvoieSettings.from_pelican(settings)
    site = Site("", "ville.example")
    if not same_values:
        incremental.same_value = lambda value: value

    def signed() -> tuple[float, int, int]:
        model = load_model(clairvoie_settings, settings["PATH"], settings.get("TIMEZONE", "Europe/Paris"), articles=[])
        signatures = incremental.PageSignatures(model, settings, settings["THEME"])
        pages = list(pages_of(model, site))
        start = time.process_time()
        for page in pages:
            signatures.of(page.template, page.depends_on)
        return time.process_time() - start, sum(signatures.signed_afresh.values()), len(pages)

    signed()  # the first build of the process: every page signed afresh
    seconds, afresh, total = signed()
    print(f"second build: {total} pages signed in {seconds:.2f} s of CPU, {afresh} of them afresh")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve(), "--without-same-values" not in sys.argv[2:])
