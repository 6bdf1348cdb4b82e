"""Sign panels (outputs/panels/): text fitting, message choice, the published files and previews."""

import datetime as dt
import json
import os
import re
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import yaml
from hypothesis import given, settings, strategies as st
from PIL import Image

from building import DEMO_EPOCH, REPO, run_pelican
from demo_reports import TODAY, demo_reports, in_sector
from clairvoie.model import load_model
from clairvoie.outputs.panels import SCHEMA_NAME, dumps, schema, schema_bytes
from clairvoie.outputs.panels.compose import (
    KIND_ORDER, messages, panel_document, short_date, street_in_sentence,
)
from clairvoie.outputs.panels.fit import (
    ABBREVIATIONS, NBSP, abbreviate, check, encodable, fit, transliterate, wrap,
)
from clairvoie.outputs.panels.preview import draw_panel, glyph, image_size, png_bytes
from clairvoie.settings import ClairvoieSettings
from sites import load_site, project_yaml, write_site

PARIS = ZoneInfo("Europe/Paris")
DEMO_NOW = dt.datetime.fromtimestamp(int(DEMO_EPOCH), tz=PARIS)
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def declared_panels():
    """(sector id, panel) from the sectors' YAML, as written."""
    for path in sorted((REPO / "sectors").glob("*.yaml")):
        for panel in yaml.safe_load(path.read_text(encoding="utf-8")).get("panels") or []:
            yield path.stem, panel


@pytest.fixture(scope="module")
def demo():
    return load_model(ClairvoieSettings(site_root=str(REPO)), str(REPO / "content"), "Europe/Paris",
                      now=DEMO_NOW)


def panel_files(output):
    return sorted(p for p in (output / "panneaux").glob("*.json") if p.name != SCHEMA_NAME)


# --- fitting: wrapping ---------------------------------------------------------------------
def test_short_text_is_kept_as_it_is():
    fitted = fit("Rue des Lilas fermée", 2, 20, "utf-8")
    assert fitted.lines == ("Rue des Lilas fermée",)
    assert fitted.status == "full"


def test_words_are_wrapped_greedily():
    assert wrap("Rue des Lilas : route fermée jusqu'au 26/02", 16) == [
        "Rue des Lilas :", "route fermée", "jusqu'au 26/02"]
    assert wrap("a bb ccc dddd", 6) == ["a bb", "ccc", "dddd"]


def test_a_colon_never_starts_a_line():
    # The space before ":" is a no-break one: "Lilas :" moves down as a whole.
    lines = wrap(transliterate("Fermeture rue des Lilas : chaussée", "utf-8"), 23)
    assert lines == ["Fermeture rue des", "Lilas : chaussée"]
    assert not any(line.startswith(":") for line in lines)
    assert all(NBSP not in line for line in lines)


def test_a_long_compound_word_is_cut_after_its_hyphens():
    assert wrap("Saint-Aubin-des-Prés", 10) == ["Saint-", "Aubin-des-", "Prés"]


def test_a_long_word_without_hyphen_is_cut_with_a_hyphen():
    assert wrap("Anticonstitutionnellement voté", 10) == ["Anticonst-", "itutionne-", "llement", "voté"]


# --- fitting: abbreviations ------------------------------------------------------------------
def test_abbreviations_only_when_needed():
    assert fit("Avenue du Plateau", 1, 20, "utf-8").lines == ("Avenue du Plateau",)
    fitted = fit("Avenue du Plateau fermée", 1, 21, "utf-8")
    assert fitted.lines == ("Av. du Plateau fermée",)
    assert fitted.status == "abbreviated"


def test_abbreviations_are_applied_in_the_table_order_and_stop_when_it_fits():
    # "avenue" comes before "circulation": only the first is needed here.
    fitted = fit("Circulation alternée avenue des Marronniers", 2, 20, "utf-8")
    assert fitted.lines == ("Circulation alternée", "av. des Marronniers")
    words = [word for word, _ in ABBREVIATIONS]
    assert words.index("avenue") < words.index("circulation")


def test_abbreviations_keep_case_and_match_whole_words_only():
    assert abbreviate("AVENUE Boulevard rue") == "AV. Bd r."
    assert abbreviate("Saint-Aubin") == "St-Aubin"
    assert abbreviate("placement, emplacement, places") == "placement, emplacement, places"
    assert abbreviate("Stationnement interdit jusqu’au 3/12") == "Stat. int. jsq. 3/12"


def test_the_first_wording_that_fits_wins_before_any_abbreviation():
    wordings = ["Route fermée avenue du Plateau jusqu'au 26/02", "Route fermée avenue du Plateau"]
    # Three lines: the shorter wording fits as written, rather than the longer one abbreviated.
    fitted = fit(wordings, 3, 16, "utf-8")
    assert fitted.lines == ("Route fermée", "avenue du", "Plateau") and fitted.status == "full"
    # Two lines: abbreviations are needed.
    fitted = fit(wordings, 2, 16, "utf-8")
    assert fitted.lines == ("Route fermée av.", "du Plateau") and fitted.status == "abbreviated"
    # Four lines: the richest wording.
    assert fit(wordings, 4, 16, "utf-8").lines == ("Route fermée", "avenue du", "Plateau jusqu'au", "26/02")


# --- fitting: characters ---------------------------------------------------------------------
def test_ascii_strips_accents_and_typography():
    assert transliterate("Élagage à l’Hôtel-de-Ville « œuvre » – n°2 … 5 €", "ascii") == \
        "Elagage a l'Hotel-de-Ville \"" + NBSP + "oeuvre" + NBSP + "\" - no2 ... 5" + NBSP + "EUR"


def test_latin1_keeps_french_accents_but_not_typography():
    text = transliterate("Élagage à l’Hôtel-de-Ville « cœur » — ça…", "latin-1")
    assert text.replace(NBSP, " ") == "Élagage à l'Hôtel-de-Ville \" coeur \" - ça..."
    text.encode("latin-1")


def test_utf8_keeps_everything():
    text = "Élagage à l’Hôtel « cœur » — ça…"
    assert transliterate(text, "utf-8").replace(NBSP, " ") == text


def test_unknown_characters_never_leave_the_charset():
    for charset in ("ascii", "latin-1"):
        text = transliterate("Łódź 北京 ✓ ½", charset)
        assert encodable(text, charset)
    assert transliterate("Łódź", "ascii") == "Lodz"


def test_ellipsis_when_nothing_fits():
    long = "Réaménagement complet de la place de l'Hôtel-de-Ville et de ses abords immédiats"
    ascii_fit = fit(long, 2, 16, "ascii")
    assert ascii_fit.truncated and ascii_fit.status == "truncated"
    assert ascii_fit.lines[-1].endswith("...")
    assert len(ascii_fit.lines) == 2 and all(len(line) <= 16 for line in ascii_fit.lines)
    utf8_fit = fit(long, 2, 16, "utf-8")
    assert utf8_fit.lines[-1].endswith("…") and not utf8_fit.lines[-1].endswith("...")
    assert all(len(line) <= 16 for line in utf8_fit.lines)


def test_ellipsis_on_a_single_long_word():
    fitted = fit("Anticonstitutionnellement", 1, 8, "latin-1")
    assert fitted.lines == ("Antic...",)


def test_check_names_what_is_wrong():
    assert check(["abc", "de"], 2, 3, "ascii") == []
    problems = check(["abcd", "é", "x"], 2, 3, "ascii")
    assert len(problems) == 3


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(1, 6), st.integers(8, 40), st.sampled_from(["ascii", "latin-1", "utf-8"]))
def test_any_text_fits_any_panel(text, lines, columns, charset):
    fitted = fit([text, text[:20]], lines, columns, charset)
    assert check(fitted.lines, lines, columns, charset) == []
    assert all(line == line.strip() for line in fitted.lines)


# --- messages ----------------------------------------------------------------------------------
def test_short_dates_and_streets():
    today = dt.date(2026, 11, 24)
    assert short_date(dt.date(2026, 2, 3), today) == "03/02"
    assert short_date(dt.date(2027, 2, 3), today) == "03/02/2027"
    assert street_in_sentence("Rue des Lilas") == "rue des Lilas"
    assert street_in_sentence("Grande Rue") == "Grande Rue"


def test_every_demo_panel_is_ordered_by_priority(demo):
    for sector in demo.sectors:
        for panel in sector.panels:
            items = messages(demo, panel, "", 14, 10)
            priorities = [m.priority for m in items]
            assert priorities == sorted(priorities), panel.id
            assert len(items) <= 10
            assert len({m.id for m in items}) == len(items)


def test_a_sector_with_bad_news_shows_it_first(demo):
    view = demo.views["secteur-4"]
    assert view.bad_news
    panel = demo.sector("secteur-4").panels[0]
    items = messages(demo, panel, "", 14, 10)
    assert items[0].priority == 1
    assert items[0].id == f"projet-{view.bad_news[0].project.id}"
    assert [m.priority for m in items].count(1) == len(view.bad_news)


def test_bad_news_is_never_pushed_out(demo):
    panel = demo.sector("secteur-1").panels[0]
    items = messages(demo, panel, "", 14, 3)
    assert len(items) == 3 and {m.priority for m in items} == {1}


def test_active_closures_come_before_other_works(demo):
    panel = demo.sector("secteur-1").panels[0]
    works = [m for m in messages(demo, panel, "", 14, 50) if m.priority == 2]
    ranks = [KIND_ORDER.index(m.kind) for m in works]
    assert ranks == sorted(ranks)
    assert works[0].kind == "closure"


def test_validity_says_when_to_show_a_message(demo):
    for sector in demo.sectors:
        for panel in sector.panels:
            for message in messages(demo, panel, "", 14, 50):
                assert ISO_WITH_OFFSET.match(message.valid_from)
                if message.valid_until is not None:
                    assert ISO_WITH_OFFSET.match(message.valid_until)
                    assert dt.datetime.fromisoformat(message.valid_until) >= \
                        dt.datetime.fromisoformat(message.valid_from)
                if message.priority == 2:  # active today: valid now
                    now = DEMO_NOW
                    assert dt.datetime.fromisoformat(message.valid_from) <= now
                    assert now <= dt.datetime.fromisoformat(message.valid_until)


def test_a_withdrawn_order_and_a_late_project_are_bad_news(tmp_path):
    site = write_site(tmp_path, {
        "sectors/secteur-1.yaml": """
            name: Secteur 1 – Centre
            short_name: Centre
            panels:
              - id: panneau-test
                name: Place de l'Église
                lines: 2
                columns: 20
                charset: ascii
        """,
        "content/projects/lilas.yaml": project_yaml(schedule=(
            "schedule:\n  planned_start: 2026-01-05\n  planned_end: 2026-06-30")),
        "content/works/arr-1.yaml": """
            reference: 2026-ARR-0001
            title: Fermeture de la rue des Lilas
            sectors: [secteur-1]
            kind: closure
            street: Rue des Lilas
            start: 2026-12-01
            end: 2026-12-04
            cancelled: Le chantier est reporté.
        """,
        "content/works/arr-2.yaml": """
            reference: 2026-ARR-0002
            title: Stationnement interdit rue Haute
            sectors: [secteur-1]
            kind: parking_ban
            street: Rue Haute
            start: 2026-11-20
            end: 2026-11-30
        """,
    })
    model = load_site(site)
    panel = model.sector("secteur-1").panels[0]
    items = messages(model, panel, "https://ville.example", 14, 10)
    # Bad news newest first: the withdrawal (dated by the order's start) before the late project.
    assert [(m.priority, m.id) for m in items] == [
        (1, "arrete-retire-arr-1"), (1, "projet-lilas"), (2, "travaux-arr-2")]
    late = next(m for m in items if m.id == "projet-lilas")
    assert late.valid_until is None  # late past its planned end: until further notice
    assert late.url == "https://ville.example/projets/lilas/"
    withdrawn = next(m for m in items if m.id == "arrete-retire-arr-1")
    assert withdrawn.valid_from == "2026-12-01T00:00:00+01:00"  # no signature date: its start
    assert withdrawn.valid_until == "2026-12-04T23:59:59+01:00"
    assert withdrawn.fitted.lines[0].startswith("Annule")
    for message in items:
        assert check(message.fitted.lines, 2, 20, "ascii") == []
    document = panel_document(model, panel, items)
    jsonschema.Draft202012Validator(schema()).validate(json.loads(dumps(document)))


def test_a_project_finished_late_says_so(tmp_path):
    site = write_site(tmp_path, {
        "sectors/secteur-1.yaml": """
            name: Secteur 1 – Centre
            panels:
              - id: panneau-test
                name: Place de l'Église
                lines: 4
                columns: 24
                charset: utf-8
        """,
        "content/projects/lilas.yaml": project_yaml(
            status="status: completed",
            schedule=("schedule:\n  planned_start: 2026-01-05\n  planned_end: 2026-06-30\n"
                      "  actual_start: 2026-01-05\n  actual_end: 2026-09-10"),
            updates=("updates:\n  - date: 2026-05-04\n    kind: delay\n    title: Retard\n"
                     "    body: Les pluies.\n    reason: Intempéries.\n    new_planned_end: 2026-08-31")),
    })
    model = load_site(site)
    items = messages(model, model.sector("secteur-1").panels[0], "", 14, 10)
    assert [m.id for m in items] == ["projet-lilas"]
    assert items[0].fitted.lines[0] == "Terminé avec 72 jours de"
    assert " ".join(items[0].fitted.lines).startswith("Terminé avec 72 jours de retard : Réfection")
    assert items[0].valid_from == "2026-05-04T00:00:00+02:00"


# --- previews -------------------------------------------------------------------------------------
def test_preview_is_a_fixed_grid_and_deterministic():
    image = draw_panel(["Rue des Lilas :", "route fermée"], 3, 16)
    assert image.size == image_size(3, 16)
    assert png_bytes(image) == png_bytes(draw_panel(["Rue des Lilas :", "route fermée"], 3, 16))
    assert png_bytes(image) != png_bytes(draw_panel(["Rue des Lilas :", "route fermee"], 3, 16))


def test_preview_draws_letters_outside_latin1():
    for char in "œ’…€":
        assert glyph(char).getbbox() is not None, char
    assert glyph(" ").getbbox() is None


# --- the published files ----------------------------------------------------------------------------
def test_published_schema_is_the_package_schema(demo_output):
    published = (demo_output / "panneaux" / SCHEMA_NAME).read_bytes()
    assert published == schema_bytes()
    jsonschema.Draft202012Validator.check_schema(json.loads(published))


def test_every_declared_panel_has_a_valid_file(demo_output):
    published = json.loads((demo_output / "panneaux" / SCHEMA_NAME).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        published, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    declared = dict((panel["id"], (sector_id, panel)) for sector_id, panel in declared_panels())
    assert len(declared) == 5
    files = panel_files(demo_output)
    assert sorted(p.stem for p in files) == sorted(declared)
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        validator.validate(data)
        sector_id, panel = declared[path.stem]
        assert data["panel"] == {"id": panel["id"], "name": panel["name"], "lines": panel["lines"],
                                 "columns": panel["columns"], "charset": panel["charset"],
                                 "sector": sector_id}
        for message in data["messages"]:
            assert check(message["lines"], panel["lines"], panel["columns"], panel["charset"]) == [], \
                (path.name, message["id"])
            assert message["text"] == "\n".join(message["lines"])
            assert message["text"].encode(panel["charset"])


def test_panel_files_are_sorted_and_carry_no_build_time(demo_output):
    for path in panel_files(demo_output):
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        assert text == json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
        priorities = [m["priority"] for m in data["messages"]]
        assert priorities == sorted(priorities)
        assert not re.search(r'"(generated|updated|built|build_date|timestamp)', text)


def test_sector_with_bad_news_has_a_priority_one_message_first(demo_output):
    data = json.loads((demo_output / "panneaux" / "panneau-mairie-annexe-les-hauts.json").read_text())
    assert data["messages"][0]["priority"] == 1
    assert data["messages"][0]["kind"] in ("late", "over_budget", "suspended", "cancelled", "works_cancelled")


def test_ascii_and_latin1_panels_show_no_character_outside_their_set(demo_output):
    seen = set()
    for path in panel_files(demo_output):
        data = json.loads(path.read_text(encoding="utf-8"))
        charset = data["panel"]["charset"]
        seen.add(charset)
        for message in data["messages"]:
            assert encodable(message["text"], charset)
            if charset != "utf-8":
                assert not set(message["text"]) & set("’«»–—…œ€")
    assert seen == {"ascii", "latin-1", "utf-8"}


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.links = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        if tag == "a":
            self.links.append(attrs.get("href"))


def test_preview_page_shows_every_message_with_its_text(demo_output):
    page = _Images()
    page.feed((demo_output / "panneaux" / "index.html").read_text(encoding="utf-8"))
    sources = {image["src"]: image for image in page.images}
    for path in panel_files(demo_output):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert f"/panneaux/{path.name}" in page.links
        for message in data["messages"]:
            src = f"/panneaux/apercus/{data['panel']['id']}/{message['id']}.png"
            assert src in sources
            assert sources[src]["alt"] == " ".join(message["lines"])
            with Image.open(demo_output / src.lstrip("/")) as image:
                assert image.size == image_size(data["panel"]["lines"], data["panel"]["columns"])
                assert (int(sources[src]["width"]), int(sources[src]["height"])) == image.size
    assert "/panneaux/schema.json" in page.links


def test_preview_page_lists_orders_the_navigation_feeds_leave_out(demo_output):
    html = (demo_output / "panneaux" / "index.html").read_text(encoding="utf-8")
    assert "2026-ARR-0624" in html
    assert 'href="/travaux/arr-2026-0624-rue-victor-hugo/"' in html


def test_rebuilding_leaves_panel_files_byte_identical(demo_output, demo_output_again):
    again = demo_output_again
    before = {p.relative_to(demo_output): p.read_bytes() for p in (demo_output / "panneaux").rglob("*")
              if p.is_file() and p.suffix in (".json", ".png")}
    after = {p.relative_to(again): p.read_bytes() for p in (again / "panneaux").rglob("*")
             if p.is_file() and p.suffix in (".json", ".png")}
    assert before.keys() == after.keys() and len(before) > 5
    assert before == after
    # Built again into the same folder: unchanged files keep their time (ETag from mtime).
    times = {p: os.stat(again / p).st_mtime_ns for p in after}
    os.utime(again / "panneaux" / "schema.json", ns=(1_000_000_000, 1_000_000_000))
    result = run_pelican(REPO, again)
    assert result.returncode == 0, result.stderr
    assert os.stat(again / "panneaux" / "schema.json").st_mtime_ns == 1_000_000_000
    for path in after:
        if path.name != "schema.json":
            assert os.stat(again / path).st_mtime_ns == times[path], path


def test_a_later_build_changes_only_what_changed(demo_output, demo_output_a_year_later):
    """A year later the messages differ: the file is a function of the build date, too."""
    later = demo_output_a_year_later
    name = "panneau-mairie-annexe-les-hauts.json"
    assert (later / "panneaux" / name).read_bytes() != (demo_output / "panneaux" / name).read_bytes()


def test_each_panel_says_its_sectors_reports_resolved_this_week_and_overdue(demo_output):
    """One line per sector, the overdue count beside the good one, counted from the YAML."""
    reports = demo_reports()
    shown = 0
    for sector_id, panel in declared_panels():
        mine = [r for r in reports if r.point and in_sector(r.point, sector_id)]
        overdue = sum(r.is_overdue for r in mine)
        resolved = sum(r.resolved is not None and (TODAY - r.resolved).days < 7 for r in mine)
        data = json.loads((demo_output / "panneaux" / f"{panel['id']}.json").read_text(encoding="utf-8"))
        lines = [m for m in data["messages"] if m["priority"] == 5]
        if not overdue and not resolved:
            assert lines == [], panel["id"]
            continue
        shown += 1
        assert len(lines) == 1 and lines[0]["id"] == f"signalements-{sector_id}", panel["id"]
        assert lines[0]["valid_from"].startswith(TODAY.isoformat())
        assert lines[0]["valid_until"].startswith(TODAY.isoformat())
        text = " ".join(lines[0]["text"].split())
        assert f"{overdue} en retard" in text, (panel["id"], text)
        assert (f"{resolved} " in text) if resolved else ("aucun" in text), (panel["id"], text)
        assert len(data["messages"]) <= 10  # it takes a works or meeting message's place
    assert shown >= 3  # the demo has sectors with overdue reports


def test_the_reports_line_counts_what_was_resolved_in_the_last_seven_days():
    reports = [r for r in demo_reports() if r.resolved and r.point]
    last = max(r.resolved for r in reports)
    now = dt.datetime.combine(last + dt.timedelta(days=3), dt.time(9), tzinfo=PARIS)
    model = load_model(ClairvoieSettings(site_root=str(REPO)), str(REPO / "content"), "Europe/Paris", now=now)
    counted = 0
    for sector_id, panel in declared_panels():
        resolved = sum(in_sector(r.point, sector_id) and 0 <= (now.date() - r.resolved).days < 7
                       for r in reports)
        line = [m for m in messages(model, model.sector(sector_id).panels[0], "", 14, 10) if m.priority == 5]
        if resolved:
            counted += 1
            text = " ".join(line[0].fitted.text.split())
            assert re.match(rf"(Signalements : )?{resolved} (signalements? )?r[ée]gl", text) and "en retard" in text, text
    assert counted
