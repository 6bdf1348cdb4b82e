"""What residents read on each page of the demo city, checked against the records."""

import re
from html import unescape

import pytest
import yaml

from building import REPO
from clairvoie.labels import date_fr, hours_fr
from clairvoie.model.opening_hours import parse as parse_hours
from clairvoie.fingerprints import FINGERPRINT_PATTERN


def text_of(html):
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def record(folder, record_id):
    return yaml.safe_load((REPO / folder / f"{record_id}.yaml").read_text(encoding="utf-8"))


def projects_with(predicate):
    found = []
    for path in sorted((REPO / "content/projects").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if predicate(data):
            found.append((path.stem, data))
    return found




def test_project_with_two_delays_shows_both_reasons_and_both_end_dates(demo_output):
    twice = projects_with(lambda d: sum(u["kind"] == "delay" for u in d.get("updates", [])) >= 2)
    assert twice
    project_id, data = twice[0]
    page = text_of((demo_output / "projets" / project_id / "index.html").read_text())
    delays = sorted((u for u in data["updates"] if u["kind"] == "delay"), key=lambda u: str(u["date"]))
    for delay in delays:
        assert delay["reason"] in page
    assert date_fr(data["schedule"]["planned_end"]) in page
    assert date_fr(delays[-1]["new_planned_end"]) in page
    assert "En retard" in page


def test_sector_page_puts_bad_news_first_and_lists_every_troubled_project(demo_output):
    for sector_path in sorted((REPO / "sectors").glob("*.yaml")):
        sector_id = sector_path.stem
        html = (demo_output / "secteurs" / sector_id / "index.html").read_text()
        main = html[html.index("<main"):]
        headings = re.findall(r"<h2[^>]*>(.*?)</h2>", main)
        assert headings[0] == "Ce qui ne va pas comme prévu", sector_id
        bad_news = main[:main.index('id="travaux-en-cours"')]
        for project_id, data in projects_with(
                lambda d: sector_id in d["sectors"] or d["sectors"] == ["all"]):
            troubled = data["status"] in ("suspended", "cancelled") or any(
                u["kind"] == "delay" for u in data.get("updates", []))
            if troubled:
                assert f'href="/projets/{project_id}/"' in bad_news, (sector_id, project_id)


def test_suspended_and_cancelled_projects_show_their_reason(demo_output):
    for project_id, data in projects_with(lambda d: d["status"] in ("suspended", "cancelled")):
        page = text_of((demo_output / "projets" / project_id / "index.html").read_text())
        reasons = [u["reason"] for u in data["updates"] if u["kind"] in ("suspension", "cancellation")]
        assert reasons and all(r in page for r in reasons), project_id


def test_cancelled_works_order_says_so_with_its_reason(demo_output):
    for path in sorted((REPO / "content/works").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "cancelled" in data:
            page = text_of((demo_output / "travaux" / path.stem / "index.html").read_text())
            assert "Arrêté retiré" in page and data["cancelled"] in page


def test_works_order_page_shows_street_dates_hours_and_project(demo_output):
    path = next(p for p in sorted((REPO / "content/works").glob("*.yaml"))
                if {"hours", "project", "section"} <= set(yaml.safe_load(p.read_text())))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    html = (demo_output / "travaux" / path.stem / "index.html").read_text()
    page = text_of(html)
    assert data["street"] in page and data["section"] in page
    assert hours_fr(parse_hours(data["hours"])) in page and data["hours"] not in page  # words, not code
    assert data["reference"] in page
    assert f'href="/projets/{data["project"]}/"' in html


@pytest.mark.parametrize("level,expected", [
    ("inform", "ne le modifie pas"),
    ("consult", "La décision finale reste aux élus"),
    ("concert", "vos propositions peuvent le changer"),
    ("codecide", "Vous décidez avec les élus"),
])
def test_meeting_page_explains_what_residents_can_decide(demo_output, level, expected):
    path = next(p for p in sorted((REPO / "content/events").glob("*.yaml"))
                if yaml.safe_load(p.read_text())["participation"] == level)
    page = text_of((demo_output / "reunions" / path.stem / "index.html").read_text())
    assert expected in page


def test_every_page_has_a_breadcrumb_except_home(demo_output):
    editor = demo_output / "admin"  # the editor's application (issue 16), not a page residents read
    for page in demo_output.rglob("index.html"):
        if editor in page.parents:
            continue
        html = page.read_text()
        has_breadcrumb = 'aria-label="Fil d\'Ariane"' in html or "aria-label=\"Fil d&#39;Ariane\"" in html
        assert has_breadcrumb == (page != demo_output / "index.html"), page


def test_pages_stay_small(demo_output):
    pages = list(demo_output.rglob("*.html"))
    assert max(p.stat().st_size for p in pages) < 100_000
    # Each stylesheet once: the fingerprinted copies (outputs/assets.py) repeat the same bytes.
    css = [p for p in (demo_output / "theme").rglob("*.css") if not re.search(FINGERPRINT_PATTERN + "$", p.name)]
    # 38 kB with the reports' step line, map markers, « Près de chez moi », the phone's first
    # screen and the maps' streets (about 9 kB gzipped); the interactive map's own sheet is
    # loaded only when a resident asks for it.
    assert sum(p.stat().st_size for p in css) < 38_000


def test_each_replanning_is_listed_with_its_reason_and_dates(demo_output):
    for project_id, data in projects_with(lambda d: any(u["kind"] == "delay" for u in d.get("updates", []))):
        html = (demo_output / "projets" / project_id / "index.html").read_text()
        replannings = html[html.index('id="reports"'):html.index('id="chronologie"')]
        items = re.findall(r"<li>(.*?)</li>", replannings, re.S)
        delays = sorted((u for u in data["updates"] if u["kind"] == "delay"), key=lambda u: str(u["date"]))
        assert len(items) == len(delays), project_id
        previous = data["schedule"]["planned_end"]
        for item, delay in zip(items, delays):
            text = text_of(item)
            assert date_fr(delay["date"]) in text and date_fr(delay["new_planned_end"]) in text
            assert date_fr(previous) in text and delay["reason"].rstrip(".") in text
            previous = delay["new_planned_end"]


def test_a_project_ends_in_the_same_words_on_its_card_and_in_search(demo_output):
    """One wording (labels.project_when): the list's card and the search result agree,
    a suspended project's included."""
    # The lists of each sector's projects by status (/projets/ counts them): a city-wide project is
    # on every sector's list, with the same card.
    cards = sorted({card for listing in sorted(demo_output.glob("secteurs/*/projets/*/index.html"))
                    for card in re.findall(r'<li class="card project.*?<a href="[^"]*/projets/([^/]+)/">.*?'
                                           r'<p class="muted">(.*?)</p>', listing.read_text(encoding="utf-8"), re.S)})
    assert len(cards) == len(projects_with(lambda data: True))
    suspended = {project_id for project_id, data in projects_with(lambda d: d["status"] == "suspended")}
    assert suspended
    for project_id, card in cards:
        page = (demo_output / "projets" / project_id / "index.html").read_text(encoding="utf-8")
        in_search = unescape(re.search(r'data-pagefind-meta="dates">(.*?)</span>', page).group(1))
        on_card = unescape(" ".join(re.sub(r"<[^>]+>", "", card).split())).split(" — ")[0]
        assert in_search.split(", en retard de ")[0] == on_card, project_id
        if project_id in suspended:
            assert on_card.startswith("Chantier suspendu ; la fin était prévue le "), project_id


# --- residents' reports on sector and home pages ------------------------------------------
def reports_count(open_count, overdue_count):
    late = {0: "aucun en retard", 1: "dont 1 en retard"}.get(overdue_count, f"dont {overdue_count} en retard")
    return f"{open_count} signalements en cours, {late}"


def test_sector_pages_count_open_and_overdue_reports_and_list_the_overdue_among_bad_news(demo_output):
    from test_transparency import REPORTS, SECTORS, report_sectors, report_state

    for sector_id in SECTORS:
        mine = [d for d in REPORTS.values() if sector_id in report_sectors(d)]
        states = {d["number"].lower(): report_state(d) for d in mine}
        open_count = sum(1 for is_open, _, _ in states.values() if is_open)
        overdue = {number for number, (_, late, _) in states.items() if late}
        html = (demo_output / "secteurs" / sector_id / "index.html").read_text()
        main = html[html.index("<main"):]
        bad_news = main[:main.index('id="signalements"')]
        assert set(re.findall(r'href="/signalements/([\w-]+)/"', bad_news)) == overdue, sector_id
        assert bad_news.count("Signalement en retard") == len(overdue)
        if overdue:  # as prominent as a late project: the same cards, in the same list
            assert 'class="card bad-news tone-late"' in bad_news and "Rien à signaler" not in bad_news
        counts = main[main.index('id="signalements"'):main.index('id="en-chiffres"')]
        link = f'<a href="/signalements/#{sector_id}">{reports_count(open_count, len(overdue))}</a>'
        assert link in counts, (sector_id, counts)


def test_home_page_counts_reports_city_wide_and_by_sector(demo_output):
    from test_transparency import REPORTS, SECTORS, report_sectors, report_state

    html = (demo_output / "index.html").read_text()
    section = html[html.index('id="signalements"'):html.index('id="secteurs"')]
    states = [report_state(d) for d in REPORTS.values()]
    city = reports_count(sum(1 for s in states if s[0]), sum(1 for s in states if s[1]))
    assert f'<a href="/signalements/">{city}</a>' in section
    for sector_id in SECTORS:
        mine = [report_state(d) for d in REPORTS.values() if sector_id in report_sectors(d)]
        count = reports_count(sum(1 for s in mine if s[0]), sum(1 for s in mine if s[1]))
        assert f'<a href="/signalements/#{sector_id}">{count}</a>' in section, sector_id
    bad_news = html[html.index('id="mauvaises-nouvelles"'):html.index('id="signalements"')]
    overdue = sum(1 for s in states if s[1])
    assert f"{overdue} signalements d'habitants en retard" in text_of(bad_news)
