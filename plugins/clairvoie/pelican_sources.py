"""What the commands read through Pelican outside a build: its settings, the published articles.

Shared by ``cli.py`` and ``newsletter/commands.py``, so that ``clairvoie validate`` and
``clairvoie newsletter`` see the records exactly as a build does.
"""

from __future__ import annotations


def read_pelican_settings(settings_file: str) -> dict:
    from pelican.settings import read_settings

    return read_settings(settings_file)


def published_articles(pelican_settings: dict) -> list:
    """The articles Pelican itself would publish, read by Pelican's own generators: the static
    files are listed too, so that the articles' {static} links resolve as in a build."""
    from pelican.generators import ArticlesGenerator, StaticGenerator

    context = pelican_settings.copy()
    context.update(generated_content={}, static_links=set(), static_content={},
                   localsiteurl=pelican_settings["SITEURL"])
    generators = [kind(context=context, settings=pelican_settings, path=pelican_settings["PATH"],
                       theme=pelican_settings["THEME"], output_path=pelican_settings["OUTPUT_PATH"])
                  for kind in (ArticlesGenerator, StaticGenerator)]
    for generator in generators:
        generator.generate_context()
    return generators[0].articles
