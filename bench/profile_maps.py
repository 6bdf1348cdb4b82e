"""What the static maps cost at one size: every sector's and street's map computed from a
synthetic city's model, with its OpenStreetMap extract and without (outlines only).

    PYTHONPATH=$PWD/plugins .venv/bin/python bench/profile_maps.py bench/work/city-M-1

CPU seconds of this process (time.process_time), one process, no helper: reading the model
(the extract included), then outputs/maps.py's sector_map for every sector, street_map for
every street, project_map for every project and works_map for every works order, as the pages
channel calls them (the templates only write the paths out); then, the extract's indexes warm, what
every build pays to know the lists under the sector maps (maps.sector_map_records, each sector's).

    ... bench/profile_maps.py bench/work/city-M-1 --digests /tmp/maps-before.txt

also writes, for every map drawn with the extract, its kind, its record's id and the sha256 of
its ``repr`` (every field the templates read): a change meant to make the maps cheaper must
leave this file byte for byte as it was (``cmp`` the files of two commits).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("SOURCE_DATE_EPOCH", "1795521600")  # the synthetic cities' build date


def main(argv: list[str]) -> int:
    digests = Path(argv[argv.index("--digests") + 1]).resolve() if "--digests" in argv else None
    city = Path(argv[0]).resolve()
    os.chdir(city)
    from clairvoie.model import load_model
    from clairvoie.outputs import maps
    from clairvoie.outputs.maps import _select_sector_records, project_map, sector_map, street_map, works_map
    from clairvoie.pelican_sources import published_articles, read_pelican_settings
    from clairvoie.settings import ClairvoieSettings

    pelican_settings = read_pelican_settings("pelicanconf.py")
    articles = published_articles(pelican_settings)
    base = ClairvoieSettings.from_pelican(pelican_settings)
    print(f"{city.name}: CPU seconds (one process)")
    print(f"{'':26}{'model':>8}{'sector maps':>13}{'street maps':>13}{'project maps':>14}{'works maps':>12}"
          f"{'map lists':>11}   maps drawn")
    for label, extract in (("with the extract", base.osm_extract), ("without (outlines)", "")):
        settings = dataclasses.replace(base, osm_extract=extract)
        started = time.process_time()
        model = load_model(settings, pelican_settings["PATH"], pelican_settings["TIMEZONE"], articles)
        model_cpu = time.process_time() - started
        started = time.process_time()
        sectors = [sector_map(model, sector.id) for sector in model.sectors]
        sectors_cpu = time.process_time() - started
        started = time.process_time()
        streets = [street_map(model, street) for street in model.streets]
        streets_cpu = time.process_time() - started
        started = time.process_time()
        projects = [project_map(model, project) for project in model.projects]
        projects_cpu = time.process_time() - started
        started = time.process_time()
        works = [works_map(model, order) for order in model.works]
        works_cpu = time.process_time() - started
        maps._grouped_by_sector = maps._DrawnOnce()  # the one pass over the city's records counted too
        started = time.process_time()  # what every build pays to know the lists under the sector maps
        for sector in model.sectors:
            _select_sector_records(model, sector.id)
        lists_cpu = time.process_time() - started
        drawn = sum(m is not None for m in sectors + streets + projects + works)
        if digests and extract:
            with open(digests, "w", encoding="utf-8") as out:
                for kind, records, drawings in (("sector", model.sectors, sectors), ("street", model.streets, streets),
                                                ("project", model.projects, projects), ("works", model.works, works)):
                    for record, drawing in zip(records, drawings):
                        out.write(f"{kind} {record.id} {hashlib.sha256(repr(drawing).encode()).hexdigest()}\n")
        print(f"{label:26}{model_cpu:8.1f}{sectors_cpu:13.1f}{streets_cpu:13.1f}{projects_cpu:14.1f}{works_cpu:12.1f}"
              f"{lists_cpu:11.2f}   "
              f"{drawn} ({len(sectors)} sectors, {len(streets)} streets, {len(projects)} projects, "
              f"{len(works)} works orders)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
