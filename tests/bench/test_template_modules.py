"""Clairvoie's pages import the theme's shared macros once per build, not once per page.

Imported with context, a Jinja module is made again at every render; imported without,
it is made once and kept. Clairvoie's templates therefore import links.html,
partials/reports.html and partials/report_figures.html without context, and the
generator gives them SITEURL and model as globals. That the pages say the same is
checked by every test of the built site; this checks the caching itself.
"""

import re

import pytest
from pelican.settings import read_settings

from building import REPO
from clairvoie.generator import ClairvoieGenerator
from clairvoie.labels import template_filters, template_globals

TEMPLATES = REPO / "themes" / "clairvoie" / "templates"
SHARED = ("links.html", "partials/reports.html", "partials/report_figures.html")
IMPORT = re.compile(r'\{%-?\s*import\s+"([^"]+)"\s+as\s+\w+(\s+with context)?\s*-?%\}')


def test_clairvoie_templates_import_the_shared_macros_without_context():
    imports = {path.name: IMPORT.findall(path.read_text(encoding="utf-8"))
               for path in TEMPLATES.glob("*.html")}
    ours = {name: found for name, found in imports.items() if name.startswith("clairvoie_")}
    assert any(source == "links.html" for found in ours.values() for source, _ in found)
    for name, found in ours.items():
        assert not [source for source, context in found if context], name
    # Pelican's own pages (articles) may have a relative SITEURL: they keep their context.
    for name in ("article.html", "index.html", "page.html"):
        assert ("links.html", " with context") in imports[name], name


@pytest.fixture
def generator(tmp_path):
    settings = read_settings(str(REPO / "pelicanconf.py"),
                             override={"PATH": str(REPO / "content"), "THEME": str(REPO / "themes" / "clairvoie")})
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}), **template_filters()}
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), **template_globals()}
    return ClairvoieGenerator(context={"SITEURL": "https://ville.example"}, settings=settings,
                              path=settings["PATH"], theme=settings["THEME"], output_path=str(tmp_path))


def test_each_shared_module_is_made_once_for_every_page(generator):
    generator.env.globals.update(SITEURL="https://ville.example", model=None)  # as generate_output does
    page = generator.get_template("clairvoie_works")
    modules = []
    for number in range(3):  # three pages, each with its own variables
        context = page.new_context({"SITEURL": "https://ville.example", "order": number, "page_name": str(number)})
        modules.append([generator.env.get_template(name)._get_default_module(context) for name in SHARED])
    assert all(made == modules[0] for made in modules)
    assert all(a is b for a, b in zip(modules[0], modules[1]))
    breadcrumb = modules[0][0].breadcrumb([("Travaux", "travaux/"), ("Rue du Lavoir", "")])
    assert '<a href="https://ville.example/">Accueil</a>' in breadcrumb
    assert '<a href="https://ville.example/travaux/">Travaux</a>' in breadcrumb


def test_the_template_globals_keys_are_the_chainmaps(generator):
    template = generator.get_template("clairvoie_works")
    maps = template.globals.maps
    expected = list(dict.fromkeys(key for mapping in reversed(maps) for key in mapping))
    assert list(template.globals.keys()) == list(iter(template.globals)) == expected
    generator.env.globals["ADDED_LATER"] = 1  # still a view of the environment's globals
    assert "ADDED_LATER" in template.globals.keys()
    assert not generator.env.auto_reload
