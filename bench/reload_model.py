"""Time loading the model twice in one process, one project's title edited between (pelican --autoreload).

    PYTHONPATH=plugins .venv/bin/python bench/reload_model.py /tmp/city-M [--profile] [--digest]

--digest prints a hash of each model's text (its repr), and of a third load after the edit with
nothing kept: the reload's must equal it, and the cold load's must equal another commit's.

The city must be a Git repository (the loader reads each record's history). Pelican's
articles are read before each load, outside the timing; the edit is undone at the end.
"""

from __future__ import annotations

import cProfile
import hashlib
import os
import re
import pstats
import sys
import time
from pathlib import Path

os.environ.setdefault("SOURCE_DATE_EPOCH", "1795521600")  # the synthetic cities' build date


def articles(settings):
    from pelican.generators import ArticlesGenerator
    from pelican.readers import Readers
    context = {**settings, "generated_content": {}, "static_links": set(), "static_content": {},
               "localsiteurl": settings["SITEURL"]}
    generator = ArticlesGenerator(context=context, settings=settings, path=settings["PATH"],
                                  theme=settings["THEME"], output_path="/tmp/unused")
    generator.readers = Readers(settings)
    generator.generate_context()
    return generator.articles


def main(city: str, *options: str) -> None:
    from pelican.settings import read_settings
    from clairvoie.model import load_model
    from clairvoie.settings import ClairvoieSettings

    os.chdir(city)
    settings = read_settings("pelicanconf.py", override={"CACHE_CONTENT": False})
    clairvoie_settings = ClairvoieSettings.from_pelican(settings)
    project = sorted(Path("content/projects").glob("*.yaml"))[0]
    original = project.read_text(encoding="utf-8")

    def timed(label: str):
        news = articles(settings)
        profiler = cProfile.Profile() if "--profile" in options else None
        cpu = time.process_time()
        if profiler:
            profiler.enable()
        model = load_model(clairvoie_settings, settings["PATH"], settings["TIMEZONE"], news)
        if profiler:
            profiler.disable()
        print(f"{label}: {time.process_time() - cpu:.2f} s CPU", flush=True)
        if "--digest" in options:
            text = re.sub(r" at 0x[0-9a-f]+", "", repr(model))  # Pelican's objects show their address
            print(f"  model digest {hashlib.sha256(text.encode()).hexdigest()[:16]} ({len(text):,} characters)")
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        return model

    try:
        timed("cold load")
        project.write_text(original.replace("title: ", "title: Modifié ", 1), encoding="utf-8")
        model = timed("reload after one title edited")
        assert any(p.title.startswith("Modifié ") for p in model.projects)
        if "--digest" in options:
            import clairvoie.model as model_module
            from clairvoie.model import history, plain_french
            model_module._parsed_files = model_module._ParsedFiles()
            if hasattr(model_module, "_BuiltRecords"):
                model_module._built_records = model_module._BuiltRecords()
            derive_module = sys.modules["clairvoie.model.derive"]  # the package's ``derive`` is the function
            if hasattr(derive_module, "KeptDerivations"):
                derive_module._kept = derive_module.KeptDerivations()
                derive_module._kept_announcements = derive_module.KeptDerivations()
            getattr(history, "_last_histories", {}).clear()
            plain_french._last_check.clear()
            timed("fresh load after the edit, nothing kept")
    finally:
        project.write_text(original, encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
