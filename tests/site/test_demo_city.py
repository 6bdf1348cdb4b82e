"""The demo city builds into every public URL of the spec, with working links."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from building import REPO, theme_asset_url


def record_ids(folder: str) -> list[str]:
    return sorted(p.stem for p in (REPO / folder).rglob("*.yaml"))


def test_demo_city_has_the_promised_size():
    assert len(record_ids("sectors")) == 6
    assert len(record_ids("content/projects")) >= 40
    assert len(record_ids("content/works")) >= 60
    assert len(record_ids("content/events")) >= 8
    assert len(list((REPO / "content").rglob("*.md"))) >= 12
    projects = [yaml.safe_load(p.read_text()) for p in (REPO / "content/projects").glob("*.yaml")]
    assert {p["status"] for p in projects} == {"planned", "in_progress", "suspended", "completed", "cancelled"}
    kinds = {u["kind"] for p in projects for u in p.get("updates", [])}
    assert kinds == {"progress", "info", "decision", "resumption", "completion",
                     "delay", "cost_overrun", "suspension", "cancellation"}
    communes = [yaml.safe_load(p.read_text()).get("communes", []) for p in (REPO / "sectors").glob("*.yaml")]
    assert any(len(c) >= 2 for c in communes)


def test_every_record_has_its_page(demo_output):
    assert (demo_output / "index.html").is_file()
    for folder, prefix in (("sectors", "secteurs"), ("content/projects", "projets"),
                           ("content/works", "travaux"), ("content/events", "reunions")):
        for record_id in record_ids(folder):
            assert (demo_output / prefix / record_id / "index.html").is_file(), (prefix, record_id)


def test_home_links_to_every_sector(demo_output):
    home = (demo_output / "index.html").read_text()
    for sector_id in record_ids("sectors"):
        assert f'href="/secteurs/{sector_id}/"' in home


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.targets.append(value)
            if name == "srcset" and value:
                self.targets += [part.strip().split(" ")[0] for part in value.split(",")]


def test_no_broken_internal_links(demo_output):
    broken = []
    pages = list(demo_output.rglob("*.html"))
    assert len(pages) > 100
    # Until the reports' own pages are built (issue 14, another branch), the links /rues/ and
    # the maps make to them are the only ones allowed to wait; once any is built, all must be.
    report_pages_built = any((demo_output / "signalements").glob("*/index.html"))
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text())
        for target in parser.targets:
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or target.startswith(("#", "mailto:", "tel:")):
                continue
            path = unquote(parts.path)
            resolved = demo_output / path.lstrip("/") if path.startswith("/") else page.parent / path
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not report_pages_built and re.fullmatch(r"/signalements/[0-9a-z-]+/", path):
                continue
            if not resolved.exists():
                broken.append(f"{page.relative_to(demo_output)} → {target}")
    assert broken == []


def test_pages_are_french_and_make_no_third_party_requests(demo_output):
    for page in demo_output.rglob("*.html"):
        html = page.read_text()
        assert '<html lang="fr"' in html, page
        # JavaScript only for search, « Près de chez moi » on /rues/, the tracking-number
        # shortcut on /signalements/ (the form works without it) and the « Carte interactive »
        # button of sector pages (the static plan stays without it): their own scripts, and
        # nothing else anywhere.
        own = {demo_output / "recherche" / "index.html": "js/recherche.js",
               demo_output / "rues" / "index.html": "js/proximite.js",
               demo_output / "signalements" / "index.html": "js/suivi.js"}.get(page)
        if page.name == "index.html" and page.parent.parent == demo_output / "secteurs":
            own = "js/carte-interactive.js"
        scripts = [f'<script type="module" src="{theme_asset_url(own)}">'] if own else []
        if page == demo_output / "admin" / "index.html":  # the online editor, copied into the site
            assert re.findall(r'<script src="([^"]+)"[^>]*>', html) == ["clairvoie-admin.js", "decap-cms.js"]
            assert len(re.findall(r"<script[^>]*>", html)) == 2, page
        else:
            assert re.findall(r"<script[^>]*>", html) == scripts, page
        for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', html):
            # Outbound links are fine; embedded resources (src) are not.
            assert f'src="{url}"' not in html, (page, url)
        assert not re.search(r'<link[^>]+href="https?://(?!www\.villebrune)', html), page


def test_dates_are_written_in_french(demo_output):
    html = (demo_output / "index.html").read_text() + "".join(
        p.read_text() for p in (demo_output / "projets").glob("*/index.html"))
    assert re.search(r"\b(1er|[0-9]{1,2}) (janvier|février|mars|avril|mai|juin|juillet|août|"
                     r"septembre|octobre|novembre|décembre) 20[0-9]{2}\b", html)
    assert not re.search(r"\b20[0-9]{2}-[0-9]{2}-[0-9]{2}\b(?![^<]*>)", html.replace('datetime="', 'x="'))
