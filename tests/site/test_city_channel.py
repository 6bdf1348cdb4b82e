"""A city adds a channel as a plugin of its own, through Clairvoie's signals (docs/ajouter-un-canal.md)."""

from __future__ import annotations

import shutil
import textwrap

from building import REPO, run_pelican
from sites import project_yaml, write_site

# Like the example of docs/ajouter-un-canal.md, with every signal and a pending work.
PLUGIN = '''
import os

from clairvoie import signals
from clairvoie.outputs.site import AlternateLink

seen = {}


def remember(model):
    seen["sectors"] = len(model.sectors)


def announce(model, sector_id):
    return [AlternateLink("text/plain", "Les projets en texte", "chantiers.txt")] if sector_id is None else []


class Later:
    def __init__(self, site):
        self.site = site

    def wait(self):
        self.site.write("plus-tard.txt", "fini\\n")


def write_chantiers(model, site):
    pages_first = os.path.exists(os.path.join(site.output_path, "index.html"))
    lines = [f"{project.title} : {site.absolute(project.url)}" for project in model.projects]
    site.write("chantiers.txt", "\\n".join([*lines, f"secteurs={seen['sectors']} pages={pages_first}", ""]))
    return Later(site)


def written(model, site):
    site.write("fini.txt", str(os.path.exists(os.path.join(site.output_path, "plus-tard.txt"))))


def register():
    signals.clairvoie_model_ready.connect(remember)
    signals.clairvoie_get_alternate_links.connect(announce)
    signals.clairvoie_write_outputs.connect(write_chantiers)
    signals.clairvoie_outputs_written.connect(written)
'''


def test_a_city_plugin_adds_a_channel_through_the_signals(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(REPO / "themes", site / "themes")
    write_site(site, {"content/projects/lilas.yaml": project_yaml()})
    (site / "ville").mkdir()
    (site / "ville" / "chantiers_en_texte.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    conf = (REPO / "pelicanconf.py").read_text(encoding="utf-8")
    conf = conf.replace('PLUGINS = ["clairvoie"]', 'PLUGIN_PATHS = ["ville"]\nPLUGINS = ["clairvoie", "chantiers_en_texte"]')
    assert "chantiers_en_texte" in conf
    (site / "pelicanconf.py").write_text(conf, encoding="utf-8")

    result = run_pelican(site, site / "output")

    assert result.returncode == 0, result.stderr
    output = site / "output"
    # After the built-in channels (the pages exist), with the model of clairvoie_model_ready.
    assert (output / "chantiers.txt").read_text(encoding="utf-8") == (
        "Réfection de la rue des Lilas : /projets/lilas/\nsecteurs=2 pages=True\n")
    assert (output / "plus-tard.txt").read_text() == "fini\n"  # its pending work was waited for
    assert (output / "fini.txt").read_text() == "True"  # clairvoie_outputs_written comes after it
    home = (output / "index.html").read_text(encoding="utf-8")
    assert 'type="text/plain"' in home and "chantiers.txt" in home
