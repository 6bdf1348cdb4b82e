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
