"""The lists behind the transparency figures, on pages of their own when long (issue 15).

The demo city's lists are all short: its pages keep them (tests/site/test_transparency.py).
Here the demo city is built with lists of more than 2 rows moved to pages of 3 rows, so that
every kind of list is split, and read as a resident follows it: from the figure's link, page
after page. The expected rows are the model's own lists, which test_transparency.py checks
against the YAML records.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from building import LONG_LISTS_SPLIT as SPLIT
from building import REPO, copy_demo_site, run_pelican
from html_checker import nu_errors
from clairvoie.labels import BAD_NEWS_ANCHOR
from sites import load_site

# Statuses in addresses: French words, never the records' codes (in_progress…).
SLUGS = {"in_progress": "en-cours", "planned": "prevus", "suspended": "suspendus",
         "completed": "termines", "cancelled": "annules"}
RECORD_LINK = re.compile(r'href="/((?:projets|travaux|reunions|signalements)/[\w-]+/)"')


@pytest.fixture
def split_output(demo_output_with_long_lists_split):
    return demo_output_with_long_lists_split


def expected_lists(model, sector) -> dict[str, tuple[list[str], bool]]:
    """Each list's record addresses, in the order the figure gives them, and whether it is a ranking."""
    card = model.views[sector.id].scorecard if sector else model.scorecard
    reports = model.views[sector.id].report_figures if sector else model.report_figures
    lists = {f"projets-{SLUGS[status]}": (projects, False) for status, projects in card.projects_by_status.items()}
    lists |= {"en-retard": (card.late, False), "termines-en-retard": (card.completed_late, False),
              "retards": (card.delayed, True), "depassements": (card.overruns, False),
              "travaux-du-mois": (card.works_this_month, False), "reunions-tenues": (card.meetings_held, False),
              "signalements-en-retard": (reports.overdue, True), "signalements-en-cours": (reports.open, False),
              "signalements-regles": ([r.report for r in reports.resolution.resolutions], True),
              "regles-dans-le-delai": (reports.within_commitment, False),
              "regles-apres-le-delai": (reports.beyond_commitment, False),
              "regles-30-jours": ([r.report for r in reports.resolved_recently.resolutions], False)}
    for month in reports.months:
        lists[f"recus-{month.month:%Y-%m}"] = (month.received, False)
        lists[f"regles-{month.month:%Y-%m}"] = ([r.report for r in month.resolved.resolutions], False)
    return {name: ([record.url for record in records], ordered) for name, (records, ordered) in lists.items()}


def main_of(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def follow(output: Path, first_url: str) -> list[tuple[str, str]]:
    """A list's pages from its first, by the « Pages de la liste » links: (address, page's HTML)."""
    first = (output / first_url / "index.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav aria-label="Pages de la liste">(.*?)</nav>', first, re.S)
    urls = re.findall(r'href="/([^"]+)"', nav[1]) if nav else [first_url]
    assert urls[0] == first_url
    return [(url, (output / url / "index.html").read_text(encoding="utf-8")) for url in urls]


@pytest.mark.parametrize("scope", ["city", "first sector", "bad news"])
def test_a_long_list_is_linked_from_its_figure_and_its_pages_show_every_row_once_in_order(split_output, scope):
    model = load_site(REPO)
    sector = model.sectors[0] if scope == "first sector" else None
    if scope == "bad news":  # /ce-qui-ne-va-pas/, « Les mêmes, par nature »
        scope_path = "ce-qui-ne-va-pas/"
        lists = {BAD_NEWS_ANCHOR[kind]: ([item.url for item in items], False)
                 for kind, items in model.bad_news_summary.by_kind.items()}
    else:
        scope_path = f"transparence/{sector.id}/" if sector else "transparence/"
        lists = expected_lists(model, sector)
    figures_page = main_of((split_output / scope_path / "index.html").read_text(encoding="utf-8"))
    long_lists = {name: value for name, value in lists.items() if len(value[0]) > 2}
    # Lists of projects, of reports, of resolutions, of bad news and rankings are split: not a vacuous pass.
    assert {"en-retard", "suspendus"} <= set(long_lists) if scope == "bad news" else {
        "projets-en-cours", "signalements-en-cours", "retards"} <= set(long_lists)
    if scope == "city":
        assert "signalements-regles" in long_lists

    for name, (urls, ordered) in lists.items():
        folder = split_output / scope_path / "listes" / name
        if name not in long_lists:
            assert not folder.exists(), name  # a short list stays on the figure's page
            continue
        assert f'href="/{scope_path}listes/{name}/"' in figures_page, name
        pages = follow(split_output, f"{scope_path}listes/{name}/")
        assert len(pages) == -(-len(urls) // 3), name
        shown = []
        for rank, (url, html) in enumerate(pages, start=1):
            rows = main_of(html).split('aria-label="Pages de la liste"')[-1]
            rows = rows[:rows.rindex("Retour à la page")]
            page_urls = RECORD_LINK.findall(rows)
            assert 1 <= len(page_urls) <= 3, (url, page_urls)
            if ordered:  # a ranking goes on from the page before
                assert f'<ol start="{3 * (rank - 1) + 1}">' in rows, url
            assert f'href="/{scope_path}#' in html  # back to the figure
            shown += page_urls
        assert shown == urls, name
    # The short lists' rows are still on the figure's page.
    short_urls = {url for name, (urls, _) in lists.items() if name not in long_lists for url in urls}
    assert short_urls <= set(RECORD_LINK.findall(figures_page))


def test_the_figures_pages_shrink_and_their_figures_stay(split_output, demo_output):
    for page in ["transparence/index.html", *(str(p.relative_to(demo_output))
                                               for p in (demo_output / "transparence").glob("*/index.html"))]:
        whole, split = ((out / page).read_text(encoding="utf-8") for out in (demo_output, split_output))
        figures = re.compile(r'<span class="figure">(.*?)</span>|<h[23] id="[^"]+">(.*?)</h[23]>'
                             r'|<caption>(.*?)</caption>')
        assert figures.findall(split) == figures.findall(whole), page
        assert len(split) < len(whole), page


def test_the_bad_news_cards_go_on_page_after_page_latest_first_counted_on_the_first(split_output, demo_output):
    model = load_site(REPO)
    pages, url = [], "ce-qui-ne-va-pas/"
    while url:
        html = main_of((split_output / url / "index.html").read_text(encoding="utf-8"))
        pages.append(html)
        following = re.search(r'<a href="/(ce-qui-ne-va-pas/\d+/)">La suite de la liste', html)
        url = following and following[1]
    assert len(pages) == -(-len(model.bad_news) // 5) > 2
    cards = [re.findall(r'<h3 class="card-title"><a href="/([^"]+)"', html) for html in pages]
    assert all(1 <= len(page) <= 5 for page in cards)
    assert sum(cards, []) == [item.url for item in model.bad_news]  # every card once, latest first
    # The first page says the counts and the lists by kind, as the whole page did; the others go on.
    whole = main_of((demo_output / "ce-qui-ne-va-pas/index.html").read_text(encoding="utf-8"))
    counts = re.compile(r'<ul class="news-counts">.*?</ul>', re.S)
    assert counts.findall(pages[0]) == counts.findall(whole) != []
    assert all('id="par-nature"' not in html and not counts.search(html) for html in pages[1:])
    assert all(f"sur {len(model.bad_news)}" in html for html in pages[1:])


CARD_LINK = re.compile(r'<h3 class="card-title"><a href="/([^"]+)"')


def test_every_sectors_bad_news_go_on_from_its_page_page_after_page(split_output):
    """A sector's page shows its latest bad news (then its overdue reports), the rest on
    secteurs/<id>/ce-qui-ne-va-pas/2/…, each card once, in the list's order."""
    model = load_site(REPO)
    split = [sector for sector in model.sectors if _sectors_bad_news_in_parts(split_output, model, sector) > 1]
    assert split  # not a vacuous pass


def _sectors_bad_news_in_parts(split_output, model, sector) -> int:
    view = model.views[sector.id]
    expected = [item.url for item in view.bad_news] + [report.url for report in view.overdue_reports]
    page = main_of((split_output / sector.url / "index.html").read_text(encoding="utf-8"))
    detail = page[page.index('id="le-detail"'):page.index('id="signalements"')]
    pages = [detail]
    following = re.search(r'<a href="/([^"]+)">La suite de la liste', detail)
    while following:
        html = main_of((split_output / following[1] / "index.html").read_text(encoding="utf-8"))
        assert following[1].startswith(f"{sector.url}ce-qui-ne-va-pas/")
        pages.append(html)
        following = re.search(r'<a href="/([^"]+)">La suite de la liste', html)
    assert len(pages) == max(1, -(-len(expected) // 5))
    cards = [CARD_LINK.findall(html) for html in pages]
    assert all(len(page_cards) <= 5 for page_cards in cards)
    assert sum(cards, []) == expected
    if len(pages) > 1:  # said on the sector's page and on the next ones
        assert f"Les 5 entrées les plus récentes sur {len(expected)}" in pages[0]
        assert f"sur {len(expected)}" in pages[1] and sector.name in pages[1]
    return len(pages)


def test_a_sectors_long_project_lists_lead_to_their_pages(split_output):
    model = load_site(REPO)
    slugs = {"in_progress": "en-cours", "planned": "prevus", "suspended": "suspendus",
             "completed": "termines", "cancelled": "annules"}
    linked = 0
    for sector in model.sectors:
        page = main_of((split_output / sector.url / "index.html").read_text(encoding="utf-8"))
        section = page[page.index('id="projets"'):page.index('id="reunions"')]
        for status, projects in model.views[sector.id].projects_by_status.items():
            if not projects:
                continue
            part = section[section.index(f'id="projets-{status}"'):]
            part = part[:part.find("<h3", 1) if "<h3" in part[1:] else len(part)]
            if len(projects) > 2:  # the list's own page, which lists them all
                linked += 1
                assert f'href="/{sector.url}projets/{slugs[status]}/"' in part
                assert 'class="card' not in part
                own = (split_output / sector.url / "projets" / slugs[status] / "index.html").read_text(encoding="utf-8")
                assert all(f'href="/{project.url}"' in own for project in projects)
            else:
                assert all(f'href="/{project.url}"' in part for project in projects)
    assert linked


MAP_LISTS = {"carte-projets": "projets placés sur la carte",
             "carte-travaux": "arrêtés de travaux en cours ou à venir placés sur la carte",
             "carte-signalements": "signalements placés sur la carte"}
MAP_ROWS = re.compile(r'<ul class="map-list">(.*?)</ul>', re.S)
# A glossary term is linked where a page first says it (glossary_marks.py): on the sector page or on the list's.
GLOSSARY_LINK = re.compile(r'<a class="terme-lexique" href="[^"]*">(.*?)</a>')


def _rows(html: str) -> list[str]:
    return [GLOSSARY_LINK.sub(r"\1", row) for row in re.findall(r"<li>.*?</li>", MAP_ROWS.search(html)[1])]


def _map_list_rows(html: str, list_id: str) -> list[str]:
    """The rows under a sector's map of one kind, on a sector page whose list stays there."""
    return _rows(html[html.index(f'<h4 id="{list_id}">'):])


def test_a_sectors_long_map_lists_lead_to_their_pages_with_the_same_rows(split_output, demo_output):
    """« Ce que montre la carte »: a list of more markers than the limit leaves the sector page for
    secteurs/<id>/listes/carte-…/, page after page, each row as the sector page showed it."""
    model = load_site(REPO)
    moved = 0
    for sector in model.sectors:
        whole = (demo_output / sector.url / "index.html").read_text(encoding="utf-8")
        split = (split_output / sector.url / "index.html").read_text(encoding="utf-8")
        for list_id, title in MAP_LISTS.items():
            if f'<h4 id="{list_id}">' not in whole:
                assert not (split_output / sector.url / "listes" / list_id).exists()
                continue
            rows = _map_list_rows(whole, list_id)
            assert f'<h4 id="{list_id}">' in split  # the map's groups link to it
            if len(rows) <= 2:
                assert _map_list_rows(split, list_id) == rows
                continue
            moved += 1
            count = re.escape(f"{len(rows)} {title}")
            assert re.search(rf'<h4 id="{list_id}">[^<]*</h4>\n  <p><a href="/{sector.url}listes/{list_id}/">Les '
                             rf'{count}</a>( \(\d+ pages\))?, avec leur adresse et leur état\.</p>', split), list_id
            pages = follow(split_output, f"{sector.url}listes/{list_id}/")
            assert len(pages) == -(-len(rows) // 3)
            shown = []
            for url, html in pages:
                assert f"<h1>{len(rows)} {title} : {sector.name}</h1>" in html
                assert f'La liste derrière la carte de la page <a href="/{sector.url}#{list_id}">' in html
                shown += _rows(main_of(html))
            assert shown == rows, (sector.id, list_id)
    assert moved >= 10  # projects, works orders and reports, in several sectors: not a vacuous pass


def test_the_list_pages_are_valid_html(split_output):
    pages = sorted([*split_output.glob("transparence/**/listes/**/index.html"),
                    *split_output.glob("secteurs/*/listes/**/index.html"),
                    *split_output.glob("ce-qui-ne-va-pas/**/index.html"),
                    *split_output.glob("secteurs/*/index.html"),
                    *split_output.glob("secteurs/*/ce-qui-ne-va-pas/*/index.html")])
    assert len(pages) > 50
    errors = nu_errors(pages, root=split_output)
    assert not errors, f"{len(errors)} errors:\n" + "\n".join(errors)


def _tree(output: Path) -> dict[str, str]:
    return {str(p.relative_to(output)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(output.rglob("*")) if p.is_file()}


def test_editing_a_project_renders_again_only_the_list_pages_that_show_it(tmp_path):
    root = copy_demo_site(tmp_path / "site")
    output = tmp_path / "output"
    assert run_pelican(root, output, extra_settings=SPLIT).returncode == 0
    model = load_site(root)
    project = next(p for p in model.projects if p.is_late)
    path = root / project.source.path
    text = path.read_text(encoding="utf-8")
    edited = re.sub(r"(?m)^title: (['\"]?)(.*?)\1$", r"title: \1\2 (titre modifié)\1", text, count=1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    # The lists' pages, and the bad news's cards after the first page, which counts them all.
    lists = sorted([*output.glob("transparence/**/listes/**/index.html"),
                    *output.glob("secteurs/*/listes/**/index.html"),
                    *output.glob("ce-qui-ne-va-pas/*/**/index.html"),
                    *output.glob("secteurs/*/ce-qui-ne-va-pas/**/index.html")])
    before = {page: (page.stat().st_ino, page.stat().st_mtime_ns) for page in lists}
    assert run_pelican(root, output, extra_settings=SPLIT).returncode == 0

    showing = {page for page in lists if f'href="/{project.url}"' in page.read_text(encoding="utf-8")}
    redone = {page for page in lists if (page.stat().st_ino, page.stat().st_mtime_ns) != before[page]}
    assert showing and redone == showing
    assert all("(titre modifié)" in page.read_text(encoding="utf-8") for page in showing)
    full = tmp_path / "full"
    assert run_pelican(root, full, extra_settings=SPLIT).returncode == 0
    assert _tree(output) == _tree(full)
    shutil.rmtree(full)
