"""HTML or script typed into any text field never runs on a resident's screen.

Plain-text fields are shown as typed, escaped, on every channel. Markdown
fields may not carry HTML at all (tests/site/test_markdown_rule.py); here they
carry it as Markdown code, which shows it as text too.
"""

import html
import json
import shutil
from html.parser import HTMLParser
from urllib.parse import urlsplit

import feedparser
import pytest
from axe_playwright_python.sync_playwright import Axe

from building import REPO, run_pelican, serve, theme_asset_url
from html_checker import nu_errors
from sites import write_site

pytestmark = pytest.mark.browser

ATTACK = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 1">'
# Hours are worded in French from their parsed form only: a comment (where an attack could ride)
# stops the build (test_hours_carrying_an_attack_stop_the_build), so these are plain hours.
HOURS = "Mo-Fr 08:00-17:00"
HOURS_ATTACK = "Mo-Fr 08:00-17:00 \"<script>window.pwned = 1</script><img src=x onerror='window.pwned = 1'>\""
MARKDOWN_ATTACK = f'Le texte **montre** du code : `{ATTACK}` et `<a href="#" onclick="window.pwned=1">a</a>`'

FILES = {
    "sectors/secteur-1.yaml": f"""
        name: 'Secteur 1 {ATTACK}'
        short_name: 'Centre {ATTACK}'
        description: '{MARKDOWN_ATTACK}'
        contact: {{service: '{ATTACK}', email: 'a@b.fr'}}
        panels: [{{id: panneau-1, name: 'Place {ATTACK}', lines: 4, columns: 20, charset: latin-1}}]
        """,
    "content/projects/p.yaml": f"""
        title: 'Projet {ATTACK}'
        sectors: [secteur-1]
        category: voirie
        summary: '{ATTACK}'
        description: '{MARKDOWN_ATTACK}'
        status: in_progress
        location: {{address: '{ATTACK}'}}
        schedule: {{planned_start: 2026-01-01, planned_end: 2026-12-31}}
        milestones: [{{date: 2026-02-01, title: '{ATTACK}', done: true}}]
        updates:
          - {{date: 2026-05-01, kind: delay, title: '{ATTACK}', body: '{MARKDOWN_ATTACK}', reason: '{ATTACK}', new_planned_end: 2027-01-31}}
        documents: [{{title: '{ATTACK}', url: 'https://example.org/doc.pdf'}}]
        """,
    "content/works/w.yaml": f"""
        reference: '2026-ARR-{ATTACK}'
        title: 'Travaux {ATTACK}'
        sectors: [secteur-1]
        kind: closure
        street: 'Rue {ATTACK}'
        section: '{ATTACK}'
        start: 2026-11-20
        end: 2026-12-20
        hours: '{HOURS}'
        detour: '{MARKDOWN_ATTACK}'
        project: p
        cancelled: '{ATTACK}'
        """,
    "content/events/m.yaml": f"""
        title: 'Réunion {ATTACK}'
        sectors: [secteur-1]
        start: 2026-12-01T18:00:00
        end: 2026-12-01T20:00:00
        place: '{ATTACK}'
        participation: consult
        description: '{MARKDOWN_ATTACK}'
        """,
    "content/actualites/a.md": f"""
        Title: Actualité piégée
        Date: 2026-11-01 10:00
        Summary: `{ATTACK}`
        Sectors: secteur-1

        {MARKDOWN_ATTACK}
        """,
}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("hostile")
    shutil.copytree(REPO / "themes", site / "themes")
    shutil.copy(REPO / "pelicanconf.py", site / "pelicanconf.py")
    write_site(site, FILES, with_sectors=False)
    result = run_pelican(site, site / "output")
    assert result.returncode == 0, result.stderr
    return site / "output"


def test_hours_carrying_an_attack_stop_the_build(tmp_path):
    """The OSM syntax allows a quoted comment; no sentence says it, so the build refuses it."""
    shutil.copytree(REPO / "themes", tmp_path / "themes")
    shutil.copy(REPO / "pelicanconf.py", tmp_path / "pelicanconf.py")
    files = dict(FILES)
    files = {name: text.replace(f"hours: '{HOURS}'", "hours: '" + HOURS_ATTACK.replace("'", "''") + "'")
             for name, text in files.items()}
    assert files != FILES
    write_site(tmp_path, files, with_sectors=False)
    result = run_pelican(tmp_path, tmp_path / "output")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "hours" in result.stderr and "trop complexes" in result.stderr
    assert not (tmp_path / "output" / "index.html").exists()


class _ActiveMarkup(HTMLParser):
    """Collects what a browser would run: script elements, on* handlers, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.found.append(f"{tag} {dict(attrs).get('src')}")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")


def test_no_script_reaches_the_html(hostile_site):
    pages = list(hostile_site.rglob("*.html"))
    assert len(pages) >= 5
    for page in pages:
        parser = _ActiveMarkup()
        parser.feed(page.read_text())
        script = {hostile_site / "recherche/index.html": "js/recherche.js",
                  hostile_site / "rues/index.html": "js/proximite.js"}.get(page)
        own = [f"script {theme_asset_url(script)}"] if script else []
        assert parser.found == own, page  # search's and « Près de chez moi »'s own scripts, nothing else
    # The text itself is kept, shown as text.
    assert "&lt;script&gt;window.pwned" in (hostile_site / "projets/p/index.html").read_text()


def test_nothing_runs_in_the_browser(hostile_site, browser):
    page = browser.new_page()
    with serve(hostile_site) as base:
        for path in ("/", "/secteurs/secteur-1/", "/projets/p/", "/travaux/w/", "/reunions/m/",
                     "/actualites/actualite-piegee/"):
            assert page.goto(base + path).status == 200, path
            page.wait_for_load_state("load")
            assert page.evaluate("window.pwned") is None, path
    page.close()


def test_search_results_show_text_as_text(hostile_site, browser):
    page = browser.new_page()
    with serve(hostile_site) as base:
        page.goto(base + "/recherche/?q=projet")
        page.wait_for_selector("#resultats-liste .card-title a")
        assert "<script>" in page.inner_text("#resultats-liste")
        assert page.evaluate("window.pwned") is None
    page.close()


HOSTILE_PAGES = ("/", "/secteurs/secteur-1/", "/projets/p/", "/travaux/w/", "/reunions/m/",
                 "/actualites/actualite-piegee/", "/panneaux/")
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}


def test_every_hostile_page_passes_the_nu_checker(hostile_site):
    """No element loses a required attribute (an <img> without alt, an <a> without href)."""
    assert nu_errors(sorted(hostile_site.rglob("*.html")), root=hostile_site) == []


def test_axe_finds_nothing_on_hostile_pages(hostile_site, browser):
    page = browser.new_page()
    outside = []
    page.on("request", lambda r: urlsplit(r.url).hostname != "127.0.0.1" and outside.append(r.url))
    with serve(hostile_site) as base:
        for path in HOSTILE_PAGES:
            assert page.goto(base + path).status == 200, path
            violations = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                          for v in Axe().run(page, options=WCAG_21_AA).response["violations"]]
            assert violations == [], path
    assert outside == []
    page.close()


def test_feeds_carry_the_text_as_typed(hostile_site):
    """Feed readers show what staff typed, as text: RSS descriptions (read as HTML) are escaped,
    Atom summaries are text, JSON Feed's HTML escapes it."""
    feeds = hostile_site / "secteurs/secteur-1"
    for name in ("flux.rss", "flux.atom"):
        parsed = feedparser.parse(feeds / name)
        assert not parsed.bozo, name
        works = next(e for e in parsed.entries if e.link.endswith("/travaux/w/") and e.title.startswith("Travaux"))
        assert works.title == f"Travaux {ATTACK}", name
        if works.summary_detail.type == "text/html":  # RSS: HTML that shows the text, runs nothing
            assert "<script" not in works.summary and "<img" not in works.summary, name
            shown = html.unescape(works.summary)
        else:
            shown = works.summary
        assert f"Rue {ATTACK}" in shown, name  # as typed, not half-cleaned into <img src="x">
    items = json.loads((feeds / "flux.json").read_text())["items"]
    works = next(i for i in items if i["title"] == f"Travaux {ATTACK}")
    assert works["summary"].startswith(f"Rue {ATTACK}")
    assert "&lt;script&gt;" in works["content_html"] and "<script" not in works["content_html"]


def test_panels_carry_the_text_as_typed(hostile_site):
    """A sign shows characters, not HTML: the typed text, wrapped, neither cleaned nor escaped."""
    messages = json.loads((hostile_site / "panneaux/panneau-1.json").read_text())["messages"]
    late = next(m for m in messages if m["kind"] == "late")
    assert " ".join(late["lines"]).startswith("En retard : Projet <script>window.pwned = 1</script><img")
