"""Residents' reports in the built demo city, checked against content/signalements/*.yaml.

Every fact is computed here from the YAML files (the stages, the overdue rule, the
duplicates), not from the model: a page that drifted from its record fails.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from html import unescape
from zoneinfo import ZoneInfo

import feedparser
import jsonschema
import pytest
import yaml

from building import DEMO_EPOCH, REPO, copy_demo_site, run_pelican

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.datetime.fromtimestamp(int(DEMO_EPOCH), PARIS).date()
REPORTS_DIR = REPO / "content/signalements"
# What residents read for each stage (docs/signalements.md).
WORDS = {"received": "Reçu", "acknowledged": "Pris en charge", "scheduled": "Intervention prévue",
         "in_progress": "En cours", "resolved": "Résolu", "closed": "Clos sans suite",
         "duplicate": "Déjà signalé", "reopened": "Rouvert"}
ENDING = ("resolved", "closed", "duplicate")
# The fields JSON Feed 1.1 requires (https://www.jsonfeed.org/version/1.1/), and those a reader shows.
JSON_FEED_1_1 = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string", "minLength": 1},
        "feed_url": {"type": "string"},
        "home_page_url": {"type": "string"},
        "items": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "required": ["id", "url", "title", "content_html", "date_published"],
            "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                           "content_html": {"type": "string"},
                           "date_published": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT.*[+-]\d\d:\d\d$"}},
        }},
    },
}


def text_of(html):
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).replace("\u00a0", " ")


def main_of(html):
    return html[html.index("<main"):html.index("</main>")]


def moment(value):
    """A stage's date as the page's <time datetime> writes it."""
    text = str(value)
    if len(text) <= 10:
        return dt.date.fromisoformat(text).isoformat()
    parsed = dt.datetime.fromisoformat(text)
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=PARIS)).isoformat()


def day_of(value):
    text = str(value)
    if len(text) <= 10:
        return dt.date.fromisoformat(text)
    parsed = dt.datetime.fromisoformat(text)
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=PARIS)).astimezone(PARIS).date()


def commitments():
    services = yaml.safe_load((REPORTS_DIR / "services.yaml").read_text(encoding="utf-8"))["services"]
    return {service["code"]: service.get("commitment_days") for service in services}


def demo_reports():
    found = {}
    for path in sorted(REPORTS_DIR.glob("*.yaml")):
        if path.name != "services.yaml":
            found[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return found


REPORTS = demo_reports()


def days_overdue(data, committed_days):
    """Days past due (0: not overdue), by the rule of docs/signalements-fiches.md."""
    history = data["history"]
    if history[-1]["stage"] in ENDING:
        return 0
    starts = [i for i, stage in enumerate(history) if stage["stage"] == "reopened"]
    last_round = history[starts[-1]:] if starts else history
    start = day_of(last_round[0]["date"]) if starts else day_of(data["received"])
    deadlines = [dt.date.fromisoformat(str(s["expected"])) for s in last_round
                 if s["stage"] == "scheduled" and s.get("expected")][-1:]
    if committed_days:
        deadlines.append(start + dt.timedelta(days=committed_days))
    if not deadlines:
        return 0
    return max(0, (TODAY - min(deadlines)).days)


def original_of(data):
    history = data["history"]
    starts = [i for i, stage in enumerate(history) if stage["stage"] == "reopened"]
    marked = [s for s in (history[starts[-1]:] if starts else history) if s["stage"] == "duplicate"]
    return str(marked[-1]["duplicate_of"]).lower() if marked else None


def page(output, number):
    return (output / "signalements" / number / "index.html").read_text(encoding="utf-8")


def test_the_demo_has_reports_of_every_kind_this_file_checks():
    committed = commitments()
    late = [n for n, d in REPORTS.items() if days_overdue(d, committed[d["service"]])]
    assert len(REPORTS) == 41
    assert late and len(late) < len(REPORTS)
    assert any(original_of(d) for d in REPORTS.values())


@pytest.mark.parametrize("number", sorted(REPORTS))
def test_report_page_shows_each_stage_its_delay_and_its_duplicates(demo_output, number):
    data = REPORTS[number]
    html = page(demo_output, number)
    main = main_of(html)
    assert f'<span class="report-number">{data["number"]}</span>' in main
    for index, stage in enumerate(data["history"]):
        step = re.search(rf'<li [^>]*id="etape-{index}"[^>]*>(.*?)</li>', main, re.DOTALL)
        assert step, (number, index)
        assert WORDS[stage["stage"]] in text_of(step.group(1)), (number, index)
        assert f'<time datetime="{moment(stage["date"])}">' in step.group(1), (number, index)
        if stage.get("note"):
            assert stage["note"] in unescape(step.group(1)), (number, index)
        if stage.get("reason"):
            assert stage["reason"] in unescape(step.group(1)), (number, index)
    late = days_overdue(data, commitments()[data["service"]])
    text = text_of(main)
    if late:
        assert f"En retard de {late} jour" in text, number
        assert 'id="retard"' in main
    else:
        assert "En retard de" not in text, number
        assert "en retard" not in text_of(re.sub(r'<div class="search-data".*?</div>', "", main, flags=re.DOTALL))
    original = original_of(data)
    if original:
        assert f"Déjà signalé : suivez le n° {original}" in text
        assert f'href="/signalements/{original}/"' in main
        assert f'href="/signalements/{number}/"' in main_of(page(demo_output, original)), (original, number)
    for other, other_data in REPORTS.items():
        if original_of(other_data) == number:
            assert f'href="/signalements/{other}/"' in main, (number, other)
    # Its street links to the street's page when the street has one (listed on a letter page of /rues/).
    street_link = re.search(r'href="/rues/([^"/#]+)/">([^<]+)</a>', main)
    listed = [entry for letter_page in sorted((demo_output / "rues").glob("lettre-*/index.html"))
              for entry in re.findall(r'<li class="street-entry[^"]*" id="[^"]+"><a href="/rues/([^"/]+)/">([^<]+)</a>',
                                      letter_page.read_text(encoding="utf-8"))]
    assert listed
    by_name = {unescape(name).lower(): street_id for street_id, name in listed}
    if data["location"]["street"].lower() in by_name:
        assert street_link and street_link.group(1) == by_name[data["location"]["street"].lower()], number
    else:
        assert street_link is None, number


@pytest.mark.parametrize("number", sorted(REPORTS))
def test_report_feed_has_one_entry_per_stage_and_one_for_its_delay(demo_output, number):
    data = REPORTS[number]
    late = days_overdue(data, commitments()[data["service"]])
    folder = demo_output / "signalements" / number
    atom = feedparser.parse((folder / "flux.atom").read_bytes())
    assert atom.bozo == 0, atom.get("bozo_exception")
    stage_ids = [f"tag:villebrune-sur-lise.fr,2026:signalements/{number}/{i}" for i in range(len(data["history"]))]
    ids = [entry.id for entry in atom.entries]
    delays = [entry for entry in atom.entries if "/retard/" in entry.id]
    assert [i for i in ids if "/retard/" not in i] == stage_ids[::-1]  # newest first
    assert len(ids) == len(stage_ids) + len(delays)
    if late:  # the current delay, dated its first late day (the report stayed open since)
        first_late_day = (TODAY - dt.timedelta(days=late - 1)).isoformat()
        assert delays and delays[0].id.endswith(f"/retard/{first_late_day}")
    for delay in delays:  # worded as the sector feeds and the newsletter word it
        assert delay.title.startswith(f"En retard — signalement n° {number}, ")
        assert delay.summary.startswith("Reçu le ") and "au plus tard le " in delay.summary \
            or "l'intervention était prévue le " in delay.summary
        sector_feeds = [feedparser.parse(p.read_bytes()) for p in (demo_output / "secteurs").glob("*/flux.atom")]
        same = [e for feed in sector_feeds for e in feed.entries if e.id == delay.id]
        assert all((e.title, e.summary) == (delay.title, delay.summary) for e in same)
    words = [entry.title.split(" — ")[0] for entry in atom.entries if "/retard/" not in entry.id]
    assert words == [WORDS[s["stage"]] for s in data["history"]][::-1]
    json_feed = json.loads((folder / "flux.json").read_text(encoding="utf-8"))
    jsonschema.validate(json_feed, JSON_FEED_1_1)
    assert [item["id"] for item in json_feed["items"]] == ids
    html = page(demo_output, number)
    for ext, media_type in (("atom", "application/atom+xml"), ("json", "application/feed+json")):
        assert re.search(rf'<link rel="alternate" type="{re.escape(media_type)}" title="[^"]+" '
                         rf'href="/signalements/{number}/flux.{ext}">', html)


def test_reports_index_lists_open_reports_overdue_first_and_the_figures(demo_output):
    committed = commitments()
    html = main_of((demo_output / "signalements" / "index.html").read_text(encoding="utf-8"))
    text = text_of(html)
    still_open = [n for n, d in REPORTS.items() if d["history"][-1]["stage"] not in ENDING]
    late = sorted((n for n in still_open if days_overdue(REPORTS[n], committed[REPORTS[n]["service"]])),
                  key=lambda n: (-days_overdue(REPORTS[n], committed[REPORTS[n]["service"]]), n))
    resolved = [n for n, d in REPORTS.items() if d["history"][-1]["stage"] == "resolved"
                and (TODAY - next(day_of(s["date"]) for s in d["history"][::-1] if s["stage"] == "resolved")).days < 30]
    assert f"{len(still_open)} signalements ouverts" in text
    assert f"{len(late)} signalements en retard" in text
    assert f"{len(resolved)} signalement" in text
    overdue_section = html[html.index('id="en-retard"'):html.index('id="deja-signale"')]
    assert re.findall(r'href="/signalements/([^/"]+)/"', overdue_section) == late[:20]  # the city's most overdue
    # Each sector's page: all its overdue reports, most overdue first; then its open reports,
    # street by street, overdue first in each street.
    sector_pages = sorted(re.findall(r'href="/(secteurs/[^/"]+/signalements/)"', html))
    assert len(sector_pages) == len(list((REPO / "sectors").glob("*.yaml")))
    seen = []
    for sector_page in sector_pages:
        part = main_of((demo_output / sector_page / "index.html").read_text(encoding="utf-8"))
        overdue = re.findall(r'href="/signalements/([^/"]+)/"', part[part.index('id="en-retard"'):part.index('id="deja-signale"')])
        assert overdue == [n for n in late if n in overdue] and len(overdue) == len(set(overdue))
        streets = main_of((demo_output / sector_page / "rues/index.html").read_text(encoding="utf-8"))
        for block in re.split(r"<section ", streets)[1:]:
            listed = re.findall(r'href="/signalements/([^/"]+)/"', block)
            flags = [n in late for n in listed]
            assert flags == sorted(flags, reverse=True), listed
            seen += listed
        seen += overdue
    for number in still_open:
        assert seen.count(number) >= 1 + (number in late)  # its street, and the overdue list if late
    assert set(seen) <= set(still_open)


def test_every_tracking_number_is_listed_by_month_and_in_the_form_list(demo_output):
    index = main_of((demo_output / "signalements/numeros/index.html").read_text(encoding="utf-8"))
    parts = re.findall(r'href="/(signalements/numeros/\d{4}-\d\d/(?:\d+/)?)"', index)
    assert parts  # each month's page, latest month first
    assert [p[21:28] for p in parts] == sorted((p[21:28] for p in parts), reverse=True)
    listed = []
    for part in parts:
        listing = main_of((demo_output / part / "index.html").read_text(encoding="utf-8"))
        in_part = re.findall(r'href="/signalements/(\d[^/"]*)/"', listing)  # the breadcrumb's left out
        assert in_part == sorted(in_part)  # by number within a month
        assert {(day_of(REPORTS[n]["received"]).year, day_of(REPORTS[n]["received"]).month) for n in in_part} \
            == {(int(part[21:25]), int(part[26:28]))}
        listed += in_part
    assert sorted(listed) == sorted(REPORTS)  # each number once
    numbers = json.loads((demo_output / "signalements/numeros.json").read_text(encoding="utf-8"))["numeros"]
    assert sorted(numbers) == sorted(REPORTS)


def personal_values():
    """What the demo export says about residents: none of it may reach the site."""
    requests = json.loads((REPO / "demo/open311/requests.json").read_text(encoding="utf-8"))
    updates = json.loads((REPO / "demo/open311/servicerequestupdates.json").read_text(encoding="utf-8"))
    values = set()
    for request in requests:
        for field in ("description", "first_name", "last_name", "email", "phone", "device_id", "account_id",
                      "media_url", "address_id", "address"):
            if request.get(field):
                values.add(str(request[field]))
        for field in ("lat", "long"):  # the exact position: only 3 decimals are published
            if request.get(field) is not None and len(str(request[field]).split(".")[-1]) > 3:
                values.add(str(request[field]))
    values |= {update["media_url"] for update in updates if update.get("media_url")}
    return sorted(values)


def site_texts(output):
    """Every file of the site as text, the search index's compressed files opened."""
    for path in sorted(output.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        yield path, data.decode("utf-8", "replace")


def test_no_personal_data_of_the_export_reaches_the_site(demo_output):
    values = personal_values()
    assert any("@" in v for v in values) and any(v.startswith("https://") for v in values)
    found = [(str(path.relative_to(demo_output)), value) for path, text in site_texts(demo_output)
             for value in values if value in text]
    assert found == []


def _files(output):
    """Inode and modification time of each page: a page kept by an incremental build keeps both."""
    return {str(path.relative_to(output)): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in output.rglob("index.html")}


def _name_on_scheduled_stage(path, field, value):
    text = path.read_text(encoding="utf-8")
    named = re.sub(r"(    stage: scheduled\n    expected: '[^']+'\n)", rf"\1    {field}: {value}\n", text, count=1)
    assert named != text
    path.write_text(named, encoding="utf-8")


def test_a_report_links_its_works_order_and_project_and_follows_their_changes(tmp_path):
    root = copy_demo_site(tmp_path / "site")
    reports = root / "content/signalements"
    _name_on_scheduled_stage(reports / "2026-004521.yaml", "works", "2026-ARR-0229")
    _name_on_scheduled_stage(reports / "2026-004527.yaml", "project", "eclairage-led-centre-ville")
    output = tmp_path / "output"
    assert run_pelican(root, output).returncode == 0
    with_works = main_of((output / "signalements/2026-004521/index.html").read_text(encoding="utf-8"))
    assert 'href="/travaux/arr-2026-0229-rue-de-l-industrie/"' in with_works
    with_project = main_of((output / "signalements/2026-004527/index.html").read_text(encoding="utf-8"))
    assert with_project.count('href="/projets/eclairage-led-centre-ville/"') == 2  # its stage, "Ce que la ville fait"
    before = _files(output)

    order = root / "content/works/arr-2026-0229-rue-de-l-industrie.yaml"
    order.write_text(order.read_text(encoding="utf-8").replace(
        "title: Circulation alternée rue de l'Industrie", "title: Circulation alternée (modifiée) rue de l'Industrie"),
        encoding="utf-8")
    result = run_pelican(root, output)
    assert result.returncode == 0, result.stderr
    after = _files(output)
    changed = {path for path in after if after[path] != before.get(path) and path.startswith("signalements/")}
    # The report naming the order; no other report page has new bytes (one rendered again with
    # the published bytes is the published file, Site.write).
    assert changed == {"signalements/2026-004521/index.html"}
    assert "(modifiée)" in (output / "signalements/2026-004521/index.html").read_text(encoding="utf-8")
