"""Scorecard figures equal those recomputed here, independently, from the demo YAML."""

import datetime as dt
import re
from html import unescape

import pytest
import yaml

from building import DEMO_EPOCH, REPO

TODAY = dt.datetime.fromtimestamp(int(DEMO_EPOCH), dt.timezone.utc).date()


def load(folder):
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((REPO / folder).glob("*.yaml"))}


PROJECTS, WORKS, MEETINGS = load("content/projects"), load("content/works"), load("content/events")
SECTORS = sorted(load("sectors"))


def in_sector(record, sector):
    return sector is None or sector in record["sectors"] or record["sectors"] == ["all"]


def current_end(p):
    delays = sorted((u for u in p.get("updates", []) if u["kind"] == "delay"), key=lambda u: str(u["date"]))
    return delays[-1]["new_planned_end"] if delays else p["schedule"]["planned_end"]


def is_late(p):
    active = p["status"] in ("planned", "in_progress")
    return (active and TODAY > current_end(p)) or any(u["kind"] == "delay" for u in p.get("updates", []))


# The build instant in local (Paris) time: 12:00 UTC is 13:00 in November.
NOW_LOCAL = dt.datetime.fromtimestamp(int(DEMO_EPOCH), dt.timezone(dt.timedelta(hours=1))).replace(tzinfo=None)


def is_over(end):
    return end < NOW_LOCAL if isinstance(end, dt.datetime) else end < NOW_LOCAL.date()


def as_date(value):
    return value.date() if isinstance(value, dt.datetime) else value


def expected_figures(sector):
    projects = [p for p in PROJECTS.values() if in_sector(p, sector)]
    late_now = [p for p in projects if p["status"] in ("planned", "in_progress") and is_late(p)]
    completed = [p for p in projects if p["status"] == "completed"]
    on_time = [p for p in completed if not is_late(p)
               and (p["schedule"].get("actual_end") is None or p["schedule"]["actual_end"] <= p["schedule"]["planned_end"])]
    rate = f"{round(100 * len(on_time) / len(completed))} %" if completed else "–"

    def last_budget(p):
        overruns = sorted((u for u in p.get("updates", []) if u["kind"] == "cost_overrun"), key=lambda u: str(u["date"]))
        return overruns[-1]["new_budget"] if overruns else p.get("budget", {}).get("planned")
    overruns = [p for p in projects
                if any(u["kind"] == "cost_overrun" for u in p.get("updates", []))
                or (p.get("budget", {}).get("spent") is not None and last_budget(p) is not None
                    and p["budget"]["spent"] > last_budget(p))]
    month_start = TODAY.replace(day=1)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    works = [w for w in WORKS.values() if in_sector(w, sector) and "cancelled" not in w
             and as_date(w["start"]) < next_month and as_date(w["end"]) >= month_start]
    held = [m for m in MEETINGS.values() if in_sector(m, sector) and is_over(m["end"])]
    return [str(len(late_now)), rate, str(len(overruns)), str(len(works)), str(len(held))]


def shown_figures(html):
    figures = [unescape(f).strip() for f in re.findall(r'<span class="figure">(.*?)</span>', html)]
    late, rate, _delay, overruns, works, meetings = figures[:6]
    return [late, rate, overruns, works, meetings]


@pytest.mark.parametrize("sector", [None, *SECTORS])
def test_scorecard_figures_match_the_records(demo_output, sector):
    page = demo_output / "transparence" / (f"{sector}/" if sector else "") / "index.html"
    assert shown_figures(page.read_text()) == expected_figures(sector)


@pytest.mark.parametrize("sector", SECTORS)
def test_sector_page_shows_the_same_figures(demo_output, sector):
    sector_html = (demo_output / "secteurs" / sector / "index.html").read_text()
    assert shown_figures(sector_html) == expected_figures(sector)


def test_status_breakdown_table_matches_the_records(demo_output):
    html = (demo_output / "transparence" / "index.html").read_text()
    table = html[html.index("Nombre de projets par état"):]
    rows = re.findall(r'<tr><th scope="row"><a href="#etat-(\w+)">.*?</a></th><td>(\d+)</td></tr>', table)
    expected = {s: sum(1 for p in PROJECTS.values() if p["status"] == s)
                for s in ("planned", "in_progress", "suspended", "completed", "cancelled")}
    assert {status: int(n) for status, n in rows} == expected


def test_every_figure_links_to_a_list_on_the_page(demo_output):
    for page in [demo_output / "transparence/index.html", *(demo_output / "transparence").glob("*/index.html")]:
        html = page.read_text()
        for anchor in re.findall(r'href="/transparence/(?:[\w-]+/)?#([\w-]+)"', html):
            assert f'id="{anchor}"' in html, (page, anchor)


# --- residents' reports -------------------------------------------------------------------
# Recomputed here from content/signalements/*.yaml with the rule of the spec: a report is
# open until resolved, closed or a duplicate (a reopening opens it again and starts a new
# round); it is overdue when open and today is past the earlier of its round's last expected
# date and the round's start plus its service's commitment_days.
from shapely.geometry import Point, shape  # noqa: E402

ENDING = ("resolved", "closed", "duplicate")
SERVICES = {s["code"]: s for s in yaml.safe_load(
    (REPO / "content/signalements/services.yaml").read_text(encoding="utf-8"))["services"]}
REPORTS = {stem: data for stem, data in load("content/signalements").items() if stem != "services"}


def sector_shape(sector_id):
    geometry = yaml.safe_load((REPO / "sectors" / f"{sector_id}.yaml").read_text(encoding="utf-8"))["geometry"]
    if isinstance(geometry, str):
        geometry = yaml.safe_load((REPO / "sectors" / geometry).read_text(encoding="utf-8"))
    return shape(geometry)


SHAPES = {sector_id: sector_shape(sector_id) for sector_id in SECTORS}


def day_of(value):
    return dt.date.fromisoformat(str(value)[:10])  # written in local time


def report_sectors(data):
    if data.get("sectors"):
        return data["sectors"]
    point = Point(data["location"]["lon"], data["location"]["lat"])
    return [sector_id for sector_id, outline in SHAPES.items() if outline.intersects(point)]


def report_state(data):
    """(open, overdue, days to resolve or None) by the spec's rule, as of TODAY."""
    history = data["history"]
    starts = [i for i, stage in enumerate(history) if stage["stage"] == "reopened"]
    current = history[starts[-1]:] if starts else history
    is_open = history[-1]["stage"] not in ENDING
    start = day_of(current[0]["date"]) if starts else day_of(data["received"])
    deadlines = [day_of(s["expected"]) for s in current if s["stage"] == "scheduled"][-1:]
    commitment = SERVICES[data["service"]].get("commitment_days")
    if commitment:
        deadlines.append(start + dt.timedelta(days=commitment))
    overdue = is_open and bool(deadlines) and TODAY > min(deadlines)
    resolved = next((day_of(s["date"]) for s in current if s["stage"] == "resolved"), None)
    days = (resolved - day_of(data["received"])).days if history[-1]["stage"] == "resolved" else None
    return is_open, overdue, days


def reports_in(sector):
    return [d for d in REPORTS.values() if sector is None or sector in report_sectors(d)]


def open_and_overdue(sector):
    states = [report_state(d) for d in reports_in(sector)]
    return sum(1 for s in states if s[0]), sum(1 for s in states if s[1])


def numbers_linked(html):
    return set(re.findall(r'href="/signalements/([\w-]+)/"', html))


def section(html, anchor, end_tag="</section>"):
    start = html.index(f'id="{anchor}"')
    return html[start:html.index(end_tag, start)]


def test_the_demo_has_reports_open_and_overdue_in_several_sectors():
    assert len(REPORTS) == 41
    counts = {sector: open_and_overdue(sector) for sector in SECTORS}
    assert sum(1 for _, overdue in counts.values() if overdue) >= 3, counts


@pytest.mark.parametrize("sector", [None, *SECTORS])
def test_open_and_overdue_reports_match_the_records(demo_output, sector):
    page = demo_output / "transparence" / (f"{sector}/" if sector else "") / "index.html"
    html = page.read_text()
    open_count, overdue_count = open_and_overdue(sector)
    figures = [unescape(f).strip() for f in re.findall(r'<span class="figure">(.*?)</span>', html)]
    assert figures[6] == str(overdue_count)
    part = section(html, "signalements-en-cours", "<h3")
    text = unescape(re.sub(r"<[^>]+>", "", part))
    assert f"{open_count} signalements en cours" in text
    overdue_list = part[part.index("<details>"):part.index("</details>")] if overdue_count else ""
    expected = {n.lower() for n, d in ((d["number"], d) for d in reports_in(sector)) if report_state(d)[1]}
    assert numbers_linked(overdue_list) == expected


@pytest.mark.parametrize("sector", [None, *SECTORS])
def test_median_and_90th_percentile_by_nearest_rank_match_the_records(demo_output, sector):
    page = demo_output / "transparence" / (f"{sector}/" if sector else "") / "index.html"
    html = page.read_text()
    first = TODAY.year * 12 + TODAY.month - 1 - 11  # the twelve months, today's included
    since = dt.date(first // 12, first % 12 + 1, 1)
    days = sorted(report_state(d)[2] for d in reports_in(sector)
                  if report_state(d)[2] is not None and day_of(d["received"]) + dt.timedelta(
                      days=report_state(d)[2]) >= since)
    text = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", section(html, "signalements-delais", "<table"))))
    if len(days) > 1:
        median, ninety = days[-(-len(days) // 2) - 1], days[-(-9 * len(days) // 10) - 1]
        assert f"en {median} jours ou moins" in text and f"en {ninety} jours ou moins" in text, text
    elif days:
        assert f"Un seul signalement a été réglé en douze mois, en {days[0]} jours" in text
    else:
        assert "Aucun signalement n'a été réglé" in text


def test_every_report_figure_names_reports_that_exist(demo_output):
    numbers = {d["number"].lower() for d in REPORTS.values()}
    for page in [demo_output / "transparence/index.html", *(demo_output / "transparence").glob("*/index.html")]:
        linked = numbers_linked(section(page.read_text(), "signalements"))
        assert linked and linked <= numbers, page


def test_tables_of_reports_have_captions_and_header_scopes(demo_output):
    html = section((demo_output / "transparence/index.html").read_text(), "signalements")
    tables = re.findall(r"<table.*?</table>", html, re.S)
    assert len(tables) == 4
    for table in tables:
        assert "<caption>" in table and 'scope="col"' in table and 'scope="row"' in table
