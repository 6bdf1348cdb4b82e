"""List pages split into parts a resident can load: /travaux/ by sector and month (issue 15).

Every record stays linked from a list page; no list page grows with the whole city; editing
one works order renders again only the month pages that show it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from building import copy_demo_site, run_pelican
from sites import load_site

MAX_LIST_PAGE_BYTES = 200_000
TODAY = dt.date(2026, 11, 24)  # the demo city's build date


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def links_of(page: Path) -> set[str]:
    """The site paths a page links to, as folders ("travaux/x/"), fragments dropped."""
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return {href.split("#")[0].lstrip("/") for href in parser.hrefs
            if href.startswith("/") and not href.startswith("//")}


def main_of(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    return html[html.index("<main"):html.index("</main>")]


def list_pages(output: Path) -> list[Path]:
    """The list pages: every page that is not one record's own page, found by following the
    links of the list pages from /travaux/, /projets/, /signalements/, /secteurs/ and the home page."""
    model_pages = re.compile(r"^(projets|travaux|reunions)/[^/]+/$|^signalements/\d")
    seen: set[str] = set()
    todo = ["", "travaux/", "projets/", "signalements/", "signalements/numeros/", "secteurs/", "rues/"]
    found = []
    while todo:
        folder = todo.pop()
        if folder in seen:
            continue
        seen.add(folder)
        page = output / folder / "index.html"
        if not page.is_file():
            continue
        found.append(page)
        todo += [link for link in links_of(page) if link.endswith("/") and not model_pages.match(link)
                 and link.startswith(("travaux/", "projets/", "signalements/", "secteurs/", "rues/"))]
    return found


def test_every_record_page_is_linked_from_a_list_page(demo_output):
    model = load_site(Path(__file__).resolve().parents[2])
    linked = set().union(*(links_of(page) for page in list_pages(demo_output)))
    records = [*model.works, *model.projects, *model.reports]
    assert len(records) > 50  # the demo city's: not a vacuous pass
    missing = [record.url for record in records if record.url not in linked]
    assert missing == []


def test_travaux_lists_each_sector_this_month_first_and_every_order_is_in_each_of_its_months(demo_output):
    model = load_site(Path(__file__).resolve().parents[2])
    index = main_of(demo_output / "travaux/index.html")
    for sector in model.sectors:
        assert f'href="/{sector.url}travaux/"' in index, sector.id
    months_page = demo_output / model.sectors[0].url / "travaux/index.html"
    months = main_of(months_page)
    assert '<h2 id="ce-mois-ci">Ce mois-ci</h2>' in months
    this_month = f'{model.sectors[0].url}travaux/{TODAY:%Y-%m}/'
    assert months.index(f'href="/{this_month}"') < months.index('id="mois-passes"')  # current month first
    for order in model.works:
        month, last = order.start_date.replace(day=1), order.end_date.replace(day=1)
        while month <= last:
            for sector_id in order.sector_ids:
                part = demo_output / f"secteurs/{sector_id}/travaux/{month:%Y-%m}/index.html"
                assert f'href="/{order.url}"' in main_of(part), (order.id, part)
            month = (month + dt.timedelta(days=31)).replace(day=1)


def test_withdrawn_works_orders_are_said_on_their_month_and_counted_on_the_index(demo_output):
    model = load_site(Path(__file__).resolve().parents[2])
    order = next(o for o in model.works if o.is_cancelled and o.timing != "past")
    sector = order.sector_ids[0]
    part = main_of(demo_output / f"secteurs/{sector}/travaux/{order.start_date:%Y-%m}/index.html")
    card = part[part.index(f'href="/{order.url}"') - 400:part.index(f'href="/{order.url}"')]
    assert "Arrêté retiré" in card
    assert "retiré" in part[:part.index('aria-label="Mois du secteur"')]  # said in the lead, before the list
    assert re.search(r"dont <span class=\"badge tone-stopped\">.*?\d+ retirés?</span>",
                     main_of(demo_output / f"secteurs/{sector}/travaux/index.html"))


PROJECT_STATUS_SLUGS = {"in_progress": "en-cours", "planned": "prevus", "suspended": "suspendus",
                        "completed": "termines", "cancelled": "annules"}


def test_projets_counts_each_sector_by_status_and_every_project_is_on_its_sectors_pages(demo_output):
    model = load_site(Path(__file__).resolve().parents[2])
    index = main_of(demo_output / "projets/index.html")
    for project in model.projects:
        for sector_id in project.sector_ids:  # a city-wide project: every sector's
            part = f"secteurs/{sector_id}/projets/{PROJECT_STATUS_SLUGS[project.status]}/"
            assert f'href="/{part}"' in index, part
            assert f'href="/{project.url}"' in main_of(demo_output / part / "index.html"), (project.id, part)
    late = [p for p in model.projects if p.is_late]
    assert late and f"{len(late)} en retard" in index  # bad news counted on the index, as before
    suspended = next(p for p in model.projects if p.status == "suspended")
    part = main_of(demo_output / f"secteurs/{suspended.sector_ids[0]}/projets/suspendus/index.html")
    assert "<h1>Projets suspendus : " in part


def _files(output: Path) -> dict[str, tuple[int, int]]:
    return {str(path.relative_to(output)): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in output.rglob("*") if path.is_file()}


def test_editing_one_works_order_renders_again_only_its_months_among_the_works_lists(tmp_path):
    root = copy_demo_site(tmp_path / "site")
    output = tmp_path / "output"
    assert run_pelican(root, output).returncode == 0
    model = load_site(root)
    order = next(o for o in model.works if o.start_date.replace(day=1) != o.end_date.replace(day=1)
                 and len(o.sector_ids) == 1)
    path = root / order.source.path
    text = path.read_text(encoding="utf-8")
    edited = re.sub(r"(?m)^title: (['\"]?)(.*?)\1$", r"title: \1\2 (titre modifié)\1", text, count=1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    before = _files(output)
    assert run_pelican(root, output).returncode == 0
    after = _files(output)
    changed = {p for p in after if after[p] != before.get(p)}

    sector = order.sector_ids[0]
    own_months = {f"secteurs/{sector}/travaux/{m:%Y-%m}/index.html"
                  for m in {order.start_date.replace(day=1), order.end_date.replace(day=1)}}
    works_lists = {p for p in after if p == "travaux/index.html" or re.match(r"secteurs/[^/]+/travaux/", p)}
    assert own_months <= changed
    changed_lists = changed & works_lists
    assert "travaux/index.html" not in changed_lists  # its counts did not change
    assert f"secteurs/{sector}/travaux/index.html" not in changed_lists
    assert all(p.startswith(f"secteurs/{sector}/travaux/") for p in changed_lists), changed_lists
    months = sorted(p for p in works_lists if p.startswith(f"secteurs/{sector}/travaux/2"))
    assert len(changed_lists) < len(months)  # not every month of the sector
    assert "(titre modifié)" in (output / f"secteurs/{sector}/travaux/{order.start_date:%Y-%m}/index.html").read_text()


@pytest.fixture(scope="module")
def crowded_city(tmp_path_factory):
    """A city whose single /travaux/, /projets/, /signalements/, /signalements/numeros/,
    /actualites/ and /transparence/ pages would each weigh over 200 kB (they did before they were split)."""
    import sys

    from building import REPO

    sys.path.insert(0, str(REPO / "bench"))
    from make_city import CityWriter, Size

    root = tmp_path_factory.mktemp("crowded") / "city"
    root.mkdir()
    CityWriter(Size(sectors=2, projects=400, works=1000, articles=600, meetings=2, panels=1, photos=1, reports=2500),
               1, root, REPO).run()
    # The list pages do not depend on the maps' background: without the extract, the build
    # skips drawing 2,000 street-level maps (their cost is measured by make bench).
    shutil.rmtree(root / "content" / "osm")
    output = root / "output"
    result = run_pelican(root, output)
    assert result.returncode == 0, result.stderr
    return output


@pytest.mark.parametrize("index, parts", [
    ("travaux/index.html", "secteurs/*/travaux/**/index.html"),
    ("projets/index.html", "secteurs/*/projets/*/index.html"),
    ("signalements/numeros/index.html", "signalements/numeros/*/**/index.html"),
    ("signalements/index.html", "secteurs/*/signalements/**/index.html"),
    ("actualites/index.html", "actualites/page/*/index.html"),
    ("rues/index.html", "rues/*/index.html"),  # the letters' pages and the streets' own
    ("transparence/index.html", "transparence/*/**/index.html"),  # the figures' pages and their long lists'
    ("ce-qui-ne-va-pas/index.html", "ce-qui-ne-va-pas/*/**/index.html"),  # its cards, its lists by kind
    ("secteurs/index.html", "secteurs/*/listes/**/index.html"),  # what each sector's map shows, in words
])
def test_no_list_page_of_a_crowded_city_exceeds_200_kb(crowded_city, index, parts):
    pages = [crowded_city / index, *crowded_city.glob(parts)]
    assert len(pages) > 4  # more than one page for a sector's open reports, street by street, too
    # Their records on one page would weigh more: the split is what keeps each page small.
    assert sum(page.stat().st_size for page in pages) > MAX_LIST_PAGE_BYTES
    too_big = {str(page.relative_to(crowded_city)): page.stat().st_size for page in pages
               if page.stat().st_size > MAX_LIST_PAGE_BYTES}
    assert too_big == {}
