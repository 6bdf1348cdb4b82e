"""Theme files are published under names made of their content, and pages link those names."""

import re

from building import REPO, copy_demo_site, run_pelican, theme_asset_url
from clairvoie.fingerprints import fingerprinted_name

CSS = "themes/clairvoie/static/css/clairvoie.css"


def stylesheet_of(page):
    return re.search(r'<link rel="stylesheet" href="([^"]+)">', page.read_text()).group(1)


def test_pages_link_the_fingerprinted_files_that_exist(demo_output):
    href = stylesheet_of(demo_output / "index.html")
    assert re.fullmatch(r"/theme/css/clairvoie\.[0-9a-f]{10}\.css", href)
    assert href == theme_asset_url("css/clairvoie.css")
    assert (demo_output / href.lstrip("/")).read_bytes() == (REPO / CSS).read_bytes()
    script = re.search(r'<script type="module" src="([^"]+)">', (demo_output / "recherche/index.html").read_text())
    assert (demo_output / script.group(1).lstrip("/")).read_bytes() == \
        (REPO / "themes/clairvoie/static/js/recherche.js").read_bytes()


def test_every_theme_file_has_its_fingerprinted_copy_and_keeps_its_plain_name(demo_output):
    static = REPO / "themes/clairvoie/static"
    for source in static.rglob("*.*"):
        relative = source.relative_to(static).as_posix()
        assert (demo_output / "theme" / relative).read_bytes() == source.read_bytes()
        assert (demo_output / "theme" / fingerprinted_name(relative, source.read_bytes())).is_file()


def test_a_changed_stylesheet_gets_a_new_name_that_every_page_links(tmp_path, demo_output):
    site = copy_demo_site(tmp_path / "site")
    css = site / CSS
    css.write_text(css.read_text() + "\n.nouveau { color: #17324f; }\n")
    result = run_pelican(site, site / "output")
    assert result.returncode == 0, result.stderr
    new_href = stylesheet_of(site / "output/index.html")
    assert new_href != stylesheet_of(demo_output / "index.html")
    assert (site / "output" / new_href.lstrip("/")).read_bytes() == css.read_bytes()
    assert {stylesheet_of(page) for page in (site / "output").rglob("*.html")
            if "stylesheet" in page.read_text()} == {new_href}
