"""Issue 19, item 1: opening hours are worded in French on every channel a person reads, the
same way everywhere; OpenStreetMap's code stays only where a machine reads it (open data's
``hours`` column, the navigation feeds)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import feedparser
import pytest
import yaml
from icalendar import Calendar

from building import REPO, copy_demo_site, run_clairvoie
from clairvoie.labels import hours_fr
from clairvoie.model.newsletter_issues import issue_from_json
from clairvoie.model.opening_hours import parse
from clairvoie.newsletter.render import Site, render

# The code as a person would see it: "Mo-Fr 08:00", "We,Sa 05:00", "PH off", "08:00-12:00", "24/7".
OSM_TOKEN = re.compile(r"\b(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:[-,](?:Mo|Tu|We|Th|Fr|Sa|Su))*\s+\d\d:\d\d"
                       r"|\bPH off\b|\b\d\d:\d\d-\d\d:\d\d\b|\b24/7\b")
# Pages that document the code for the people who reuse the data or write the records.
DOCUMENTING_THE_CODE = ("opendata/",)


# --- the wording itself: a table of expected sentences --------------------------------------------
@pytest.mark.parametrize("text, french", [
    ("Mo-Fr 08:00-12:00,13:30-16:30", "du lundi au vendredi, de 8 h à 12 h et de 13 h 30 à 16 h 30"),
    ("Mo-Fr 08:00-12:00,13:30-16:30; Sa 09:00-12:00; PH off",
     "du lundi au vendredi, de 8 h à 12 h et de 13 h 30 à 16 h 30 ; le samedi, de 9 h à 12 h ; "
     "sauf les jours fériés"),
    ("Sa 09:00-12:00", "le samedi, de 9 h à 12 h"),
    ("We,Sa 05:00-14:00", "le mercredi et le samedi, de 5 h à 14 h"),
    ("Mo-Fr 08:00-17:00; PH off", "du lundi au vendredi, de 8 h à 17 h ; sauf les jours fériés"),
    ("Mo-Th 22:00-05:00", "du lundi au jeudi, de 22 h à 5 h le lendemain"),
    ("Mo,Tu 21:30-06:15", "le lundi et le mardi, de 21 h 30 à 6 h 15 le lendemain"),
    ("Sa,Su", "le samedi et le dimanche, toute la journée"),
    ("24/7", "jour et nuit, 7 jours sur 7"),
])
def test_hours_are_worded_in_plain_french(text, french):
    assert hours_fr(parse(text)) == french


# --- an independent reading of the demo's hours, to know what each page must say -----------------
DAYS = {"Mo": "lundi", "Tu": "mardi", "We": "mercredi", "Th": "jeudi", "Fr": "vendredi", "Sa": "samedi",
        "Su": "dimanche"}


def _clock(text: str) -> str:
    hour, minute = (int(part) for part in text.split(":"))
    return f"{hour} h {minute:02d}" if minute else f"{hour} h"


def expected_french(osm: str) -> str:
    """The demo's forms only: one day rule (a range or a list), time ranges, "; PH off", "24/7"."""
    if osm == "24/7":
        return "jour et nuit, 7 jours sur 7"
    rule, _, rest = osm.partition(";")
    days, times = rule.split(" ")
    if "-" in days:
        first, last = days.split("-")
        said_days = f"du {DAYS[first]} au {DAYS[last]}"
    else:
        said_days = " et ".join(f"le {DAYS[d]}" for d in days.split(","))
    ranges = []
    for span in times.split(","):
        start, end = span.split("-")
        ranges.append(f"de {_clock(start)} à {_clock(end)}" + (" le lendemain" if end < start else ""))
    holidays = " ; sauf les jours fériés" if rest.strip() == "PH off" else ""
    return f"{said_days}, {' et '.join(ranges)}{holidays}"


def demo_works() -> dict[str, dict]:
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted((REPO / "content/works").glob("*.yaml"))}


class _Text(HTMLParser):
    """The text a person reads: no script, no style, no attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def page_texts(output):
    """(path, text) of every page a person reads (not those documenting the codes)."""
    for path in sorted(output.rglob("*.html")):
        relative = path.relative_to(output).as_posix()
        if not relative.startswith(DOCUMENTING_THE_CODE):
            yield relative, path.read_text(encoding="utf-8")


def test_the_demo_has_hours_of_every_form_this_file_checks():
    hours = {data.get("hours") for data in demo_works().values()} - {None}
    assert any("PH off" in h for h in hours) and any(h.endswith("-05:00") for h in hours)
    assert any("," in h.split(" ")[-1] for h in hours if " " in h) and "24/7" in hours


def test_no_page_shows_the_code_and_each_works_page_says_its_hours(demo_output):
    shown = [(relative, m.group()) for relative, html in page_texts(demo_output)
             for m in OSM_TOKEN.finditer(text_of(html))]
    assert shown == []
    for work_id, data in demo_works().items():
        if data.get("hours"):
            page = text_of((demo_output / "travaux" / work_id / "index.html").read_text(encoding="utf-8"))
            assert f"Horaires {expected_french(data['hours'])}" in page, work_id


def test_no_feed_entry_shows_the_code(demo_output):
    checked = 0
    for path in sorted([*demo_output.rglob("*.rss"), *demo_output.rglob("*.atom"),
                        *demo_output.rglob("flux.json")]):
        feed = feedparser.parse(path.read_bytes()) if path.suffix != ".json" else None
        entries = feed.entries if feed is not None else json.loads(path.read_text(encoding="utf-8"))["items"]
        for entry in entries:
            if feed is not None:
                texts = [entry.get("title", ""), entry.get("summary", "")] + [
                    text_of(c.value) for c in entry.get("content", [])]
            else:
                texts = [entry.get("title", ""), entry.get("summary", ""), text_of(entry.get("content_html", ""))]
            for text in texts:
                assert not OSM_TOKEN.search(text), (path.relative_to(demo_output), text)
            checked += 1
    assert checked > 100
    said = " ".join(text_of(p.read_text(encoding="utf-8")) for p in demo_output.glob("secteurs/*/flux.atom"))
    assert "Horaires : du lundi au vendredi, de " in said


def test_no_calendar_description_shows_the_code(demo_output):
    works = demo_works()
    described = 0
    for path in sorted(demo_output.rglob("*.ics")):
        for event in Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            description = str(event.get("description", ""))
            assert not OSM_TOKEN.search(description), (path.name, description)
            page = re.search(r"/travaux/([^/\s]+)/", description)  # « Page : /travaux/<id>/ »
            work_id = page.group(1) if page else None
            if work_id in works and works[work_id].get("hours") and works[work_id]["hours"] != "24/7":
                assert f"Horaires : {expected_french(works[work_id]['hours'])}" in description, work_id
                described += 1
    assert described


def test_open_data_keeps_the_code_for_machines(demo_output):
    text = (demo_output / "opendata" / "travaux.csv").read_text(encoding="utf-8")
    assert "Mo-Fr 08:00-17:00; PH off" in text
    assert "du lundi au vendredi, de 8 h à 17 h ; sauf les jours fériés" in text


def test_newsletter_parts_and_archive_word_the_hours(tmp_path):
    site = copy_demo_site(tmp_path / "site")  # no letter yet: each sector's first is prepared
    result = run_clairvoie(site, "newsletter", "build")
    assert result.returncode == 0, result.stderr
    letters = sorted((site / "newsletters").rglob("[0-9]*.json"))
    assert letters
    target = Site(url="https://www.villebrune-sur-lise.fr", name="Villebrune-sur-Lise",
                  domain="villebrune-sur-lise.fr", sender="Ville <lettre@villebrune-sur-lise.fr>",
                  unsubscribe_url="https://www.villebrune-sur-lise.fr/desinscription/",
                  unsubscribe_email="desinscription@villebrune-sur-lise.fr",
                  template_dirs=(str(REPO / "themes/clairvoie/templates"),))
    hours_said = 0
    for path in letters:
        body = render(issue_from_json(json.loads(path.read_text(encoding="utf-8"))), target)
        for part in (text_of(body.html), body.text):
            assert not OSM_TOKEN.search(part), (path.relative_to(site), OSM_TOKEN.search(part).group())
        hours_said += "Horaires : du " in body.text
    assert hours_said


def test_the_committed_demo_letters_word_the_hours():
    """The demo's archive is rendered from these stored letters."""
    for path in sorted((REPO / "newsletters").rglob("[0-9]*.json")):
        text = path.read_text(encoding="utf-8")
        assert not OSM_TOKEN.search(text), path.relative_to(REPO)


def test_hours_outside_what_french_can_say_stop_the_build(tmp_path):
    site = copy_demo_site(tmp_path / "site")
    order = next(p for p in sorted((site / "content/works").glob("*.yaml"))
                 if "hours:" in p.read_text(encoding="utf-8"))
    text = order.read_text(encoding="utf-8")
    order.write_text(re.sub(r"(?m)^hours:.*$", 'hours: "Mo-Fr sunrise-sunset"', text), encoding="utf-8")
    result = run_clairvoie(site, "validate")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    said = result.stdout + result.stderr
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("hours:"))
    assert f"{order.name}:{line}" in said and "hours" in said and "trop complexes" in said, said


# --- the same rule for every other code ----------------------------------------------------------
RECORD_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|\b(?:planned|completed|suspended|cancelled|codecide|"
                         r"acknowledged|scheduled|resolved|reopened|duplicate|closure)\b")


def test_no_enum_value_or_field_name_is_shown_where_a_sentence_is_expected(demo_output):
    shown = [(relative, m.group()) for relative, html in page_texts(demo_output)
             for m in RECORD_CODE.finditer(text_of(re.sub(r"<code>.*?</code>", "", html, flags=re.S)))]
    assert shown == []
