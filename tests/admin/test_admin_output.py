"""/admin/ in the build: the configuration clairvoie admin-config prints, Clairvoie's page and
Decap CMS's files from npm; without the npm package, a site without /admin/ and a French line."""

from __future__ import annotations

import os
from pathlib import Path

from building import REPO, copy_demo_site, run_clairvoie, run_pelican
from clairvoie.outputs.admin import NODE_MODULES_VARIABLE

NODE_MODULES = Path(os.environ.get(NODE_MODULES_VARIABLE) or REPO / "node_modules")


def test_the_build_publishes_the_editor_with_the_generated_configuration(demo_output):
    admin = demo_output / "admin"
    printed = run_clairvoie(REPO, "admin-config")
    assert printed.returncode == 0, printed.stderr
    assert (admin / "config.yml").read_text("utf-8") == printed.stdout
    dist = NODE_MODULES / "decap-cms" / "dist"
    assert (admin / "decap-cms.js").read_bytes() == (dist / "decap-cms.js").read_bytes()
    chunks = {p.name for p in dist.glob("*.decap-cms.js")} | {p.name for p in dist.glob("*.wasm")}
    assert chunks and chunks <= {p.name for p in admin.iterdir()}
    assert not list(admin.glob("*.map"))
    assert '<html lang="fr">' in (admin / "index.html").read_text("utf-8")


def test_without_the_npm_package_the_site_is_built_without_the_editor(tmp_path, monkeypatch):
    site = copy_demo_site(tmp_path / "ville")
    monkeypatch.setenv(NODE_MODULES_VARIABLE, str(tmp_path / "nothing-installed"))
    result = run_pelican(site, tmp_path / "output")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "output" / "admin").exists()
    assert (tmp_path / "output" / "index.html").exists()
    assert "Decap CMS n'est pas installé" in result.stdout + result.stderr


def test_each_record_form_previews_a_page_the_build_makes(demo_output):
    """preview_path with a record's id is that record's page in the built site."""
    import yaml

    config = yaml.safe_load((demo_output / "admin" / "config.yml").read_text("utf-8"))
    for form in config["collections"]:
        if not form.get("preview_path"):
            continue
        ids = [p.stem for p in (REPO / form["folder"]).glob(f"*.{form['extension']}")]
        assert ids, form["name"]
        for record_id in ids:
            page = demo_output / form["preview_path"].replace("{{slug}}", record_id) / "index.html"
            assert page.is_file(), (form["name"], record_id)


def test_the_preview_pane_uses_the_stylesheet_of_the_pages(demo_output):
    """The editor's page names the theme's stylesheet for the preview, the same bytes as the
    fingerprinted one the pages link, and every editor form by name."""
    import re

    from clairvoie.admin import preview_names

    editor = (demo_output / "admin" / "index.html").read_text("utf-8")
    stylesheet = re.search(r'data-stylesheet="([^"]+)"', editor)[1]
    linked = re.search(r'<link rel="stylesheet" href="/?([^"]+)"', (demo_output / "index.html").read_text("utf-8"))[1]
    assert (demo_output / stylesheet).read_bytes() == (demo_output / linked).read_bytes()
    assert re.search(r'data-collections="([^"]+)"', editor)[1].split() == preview_names()
