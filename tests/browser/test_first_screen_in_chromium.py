"""A resident's first screen on a phone (390 × 844, Chromium): without scrolling, the home page
shows the city's bad news summed up, every sector and the way to one's street, and a sector page
its own bad news summed up and its next works. Positions are measured in the page; the counts
are computed again here, from the YAML records, by the spec's rules."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe

from building import REPO
from demo_reports import TODAY, demo_reports, in_sector as point_in_sector

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
HEADER_MAX_PX = 160
UPCOMING_WORKS_DAYS = 14
NEGATIVE_UPDATES = ("delay", "cost_overrun", "suspension", "cancellation")  # settings.py's default, which the demo keeps
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
# Each count of the summary, as residents read it (0 and 1 singular).
COUNT_WORDS = {
    "late": r"projets? en retard",
    "suspended": r"projets? suspendus?",
    "cancelled": r"projets? annulés?",
    "over_budget": r"budgets? dépassés?",
    "works_withdrawn": r"arrêtés? de travaux retirés?",
    "reports_overdue": r"signalements? d'habitants en retard",
}


def load(folder):
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((REPO / folder).glob("*.yaml")) if p.stem != "services"}


PROJECTS, WORKS, SECTORS = load("content/projects"), load("content/works"), sorted(load("sectors"))
REPORTS = load("content/signalements")


def day(value):
    return value.date() if isinstance(value, dt.datetime) else value


def in_sector(record, sector):
    return sector is None or sector in record["sectors"] or record["sectors"] == ["all"]


def updates(p, kind):
    return sorted((u for u in p.get("updates", []) if u["kind"] == kind), key=lambda u: str(u["date"]))


def is_late(p):
    delays = updates(p, "delay")
    end = delays[-1]["new_planned_end"] if delays else p["schedule"]["planned_end"]
    return bool(delays) or (p["status"] in ("planned", "in_progress") and TODAY > end)


def is_over_budget(p):
    overruns = [u for u in updates(p, "cost_overrun") if u.get("new_budget") is not None]
    budget = overruns[-1]["new_budget"] if overruns else p.get("budget", {}).get("planned")
    spent = p.get("budget", {}).get("spent")
    return spent is not None and budget is not None and spent > budget


def report_sectors(data):
    if data.get("sectors"):
        return data["sectors"]
    location = data["location"]
    return [s for s in SECTORS if "lat" in location and point_in_sector((location["lat"], location["lon"]), s)]


def expected_counts(sector=None):
    """What the summary says, from the records: a project counts under every trouble it has."""
    projects = [p for p in PROJECTS.values() if in_sector(p, sector)]
    overdue = {r.number for r in demo_reports() if r.is_overdue}
    return {
        "late": sum(1 for p in projects if is_late(p)),
        "suspended": sum(1 for p in projects if p["status"] == "suspended"),
        "cancelled": sum(1 for p in projects if p["status"] == "cancelled"),
        "over_budget": sum(1 for p in projects if is_over_budget(p)),
        "works_withdrawn": sum(1 for w in WORKS.values() if in_sector(w, sector) and "cancelled" in w
                               and day(w["end"]) >= TODAY),
        "reports_overdue": sum(1 for d in REPORTS.values() if str(d["number"]) in overdue
                               and (sector is None or sector in report_sectors(d))),
    }


def expected_next_works(sector):
    """Works orders in force today or starting within the next days, not withdrawn."""
    return {stem for stem, w in WORKS.items() if in_sector(w, sector) and "cancelled" not in w
            and day(w["end"]) >= TODAY and (day(w["start"]) - TODAY).days <= UPCOMING_WORKS_DAYS}


def bottom_in_page(locator):
    """The element's bottom edge from the top of the page (not of the viewport), in CSS pixels."""
    return locator.evaluate("e => e.getBoundingClientRect().bottom + window.scrollY")


def summary_counts(page):
    """Each count of the summary: its kind, number, link and bottom edge in the page."""
    found = {}
    for item in page.locator(".news-counts a").all():
        text = re.sub(r"\s+", " ", item.inner_text()).strip()
        kinds = [kind for kind, words in COUNT_WORDS.items() if re.fullmatch(rf"\d+ {words}", text)]
        assert len(kinds) == 1, text
        assert kinds[0] not in found, text
        found[kinds[0]] = (int(text.split(" ")[0]), item.get_attribute("href"), bottom_in_page(item))
    return found


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


def test_the_home_page_answers_on_the_first_screen(phone, site_url):
    page = phone
    page.goto(site_url + "/")
    assert page.evaluate("window.scrollY") == 0
    counts = summary_counts(page)
    expected = expected_counts()
    assert {kind: number for kind, (number, _, _) in counts.items()} == expected
    assert any(expected.values())  # not a vacuous pass: the demo city has bad news
    for kind, (_, href, bottom) in counts.items():
        assert href, kind
        assert bottom <= PHONE["height"], (kind, bottom)
    for sector_id in SECTORS:
        link = page.locator(f"main a[href='/secteurs/{sector_id}/']").first
        assert link.is_visible(), sector_id
        assert bottom_in_page(link) <= PHONE["height"], sector_id
    street = page.locator("main a[href='/rues/']", has_text="Ce qui se passe dans ma rue")
    assert bottom_in_page(street) <= PHONE["height"]
    whole_list = page.locator("main a[href='/ce-qui-ne-va-pas/']")
    assert bottom_in_page(whole_list) <= PHONE["height"]


def test_each_count_of_the_home_page_leads_to_a_list_of_as_many(phone, site_url):
    page = phone
    page.goto(site_url + "/")
    counts = summary_counts(page)
    for kind, (number, href, _) in counts.items():
        if kind == "reports_overdue":  # the reports' own page, its list of the most overdue
            page.goto(site_url + href)
            assert page.locator("#en-retard").count() == 1
            continue
        path, anchor = href.split("#")
        assert path == "/ce-qui-ne-va-pas/", kind
        page.goto(site_url + href)
        heading = page.locator(f"#{anchor}")
        assert heading.inner_text().startswith(f"{number} "), kind
        listed = heading.locator("xpath=following-sibling::*[1][self::ul]/li")
        assert listed.count() == number, kind


def expected_bad_news_order():
    """The list's order, by the spec's rule: newest first, a project by its latest negative
    update (else its current planned end), a withdrawn works order by its start; then by address."""
    dated = []
    for stem, p in PROJECTS.items():
        if is_late(p) or is_over_budget(p) or p["status"] in ("suspended", "cancelled"):
            negative = [u["date"] for u in p.get("updates", []) if u["kind"] in NEGATIVE_UPDATES]
            delays = updates(p, "delay")
            end = delays[-1]["new_planned_end"] if delays else p["schedule"]["planned_end"]
            dated.append((max(negative) if negative else end, f"/projets/{stem}/"))
    for stem, w in WORKS.items():
        if "cancelled" in w and day(w["end"]) >= TODAY:
            dated.append((day(w["start"]), f"/travaux/{stem}/"))
    return [url for _, url in sorted(dated, reverse=True)]


def test_the_whole_list_keeps_every_piece_of_bad_news_in_its_order(site_url, phone):
    """Nothing negative is left out of /ce-qui-ne-va-pas/, newest first as the home page had it."""
    page = phone
    page.goto(site_url + "/ce-qui-ne-va-pas/")
    linked = page.locator("#toute-la-liste ~ ul.cards h3 a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    expected = expected_bad_news_order()
    assert linked == expected
    assert f"({len(expected)})" in page.locator("#toute-la-liste").inner_text()
    page.goto(site_url + "/")
    assert page.locator("main a[href='/ce-qui-ne-va-pas/']").inner_text().endswith(f"({len(expected)})")


@pytest.mark.parametrize("sector_id", SECTORS)
def test_a_sector_page_sums_up_its_bad_news_and_next_works_on_the_first_screen(phone, site_url, sector_id):
    page = phone
    page.goto(site_url + f"/secteurs/{sector_id}/")
    counts = summary_counts(page)
    assert {kind: number for kind, (number, _, _) in counts.items()} == expected_counts(sector_id)
    for kind, (_, href, bottom) in counts.items():
        assert href == "#le-detail", kind
        assert bottom <= PHONE["height"], (kind, bottom)
    expected = expected_next_works(sector_id)
    shown = page.locator(".next-works a")
    if expected:
        assert 1 <= shown.count() <= 3
        hrefs = {a.split("/")[2] for a in shown.evaluate_all("links => links.map(a => a.getAttribute('href'))")}
        assert hrefs <= expected
        # The first two (a long address may push the third and the link to them all lower).
        for link in shown.all()[:2]:
            assert bottom_in_page(link) <= PHONE["height"], link.inner_text()
    else:
        assert shown.count() == 0
    # Then the detail: the cards of the whole list, below.
    assert page.locator("#le-detail").count() == 1


def test_the_demo_has_next_works_in_some_sector():
    assert any(expected_next_works(sector_id) for sector_id in SECTORS)


@pytest.mark.parametrize("path", ["/", f"/secteurs/{SECTORS[0]}/", "/ce-qui-ne-va-pas/"])
def test_axe_finds_no_violation_on_a_phone_menu_closed_and_open(phone, site_url, path):
    page = phone
    page.goto(site_url + path)
    for state in ("closed", "open"):
        if state == "open":
            page.click(".site-menu > summary")
        results = Axe().run(page, options=WCAG_21_AA)
        violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                      for v in results.response["violations"]]
        assert violations == [], state


@pytest.mark.parametrize("path", ["/", f"/secteurs/{SECTORS[0]}/"])
def test_without_javascript_the_phone_menu_opens_and_the_header_stays_short(browser, site_url, path):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + path)
    header = page.locator("header.site-header")
    assert header.bounding_box()["height"] <= HEADER_MAX_PX
    projects = page.locator("nav.site-nav a[href='/projets/']")
    assert not projects.is_visible()  # folded under "Menu"
    assert page.locator("form.site-search input[type=search]").is_visible()
    page.click(".site-menu > summary")
    links = page.locator("nav.site-nav a")
    assert links.count() >= 7
    assert all(link.is_visible() for link in links.all())
    projects.click()
    assert page.url.endswith("/projets/")
    context.close()


def test_on_a_wide_screen_the_navigation_is_open_without_a_menu_button(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "/")
    assert not page.locator(".site-menu > summary").is_visible()
    assert all(link.is_visible() for link in page.locator("nav.site-nav a").all())
    assert page.locator("header.site-header").bounding_box()["height"] <= HEADER_MAX_PX
    context.close()
