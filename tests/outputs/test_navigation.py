"""Navigation feeds (outputs/navigation.py): Waze CIFS and GeoJSON of active works, checked
against the works orders' YAML."""

import datetime as dt
import json
import logging
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import yaml

from building import DEMO_EPOCH, REPO, copy_demo_site, run_pelican
from clairvoie.model import load_model
from clairvoie.outputs import navigation
from clairvoie.labels import hours_fr, hours_short_fr
from clairvoie.model.opening_hours import parse as parse_hours
from clairvoie.outputs.navigation import cifs_schedule, polyline, write_navigation
from clairvoie.outputs.roadworks import orders_without_geometry
from clairvoie.outputs.site import Site
from clairvoie.settings import ClairvoieSettings

PARIS = ZoneInfo("Europe/Paris")
DEMO_NOW = dt.datetime.fromtimestamp(int(DEMO_EPOCH), tz=PARIS)
TODAY = DEMO_NOW.date()
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
REQUIRED = ("id", "type", "subtype", "polyline", "street", "starttime", "endtime", "direction",
            "description")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def works_yaml():
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((REPO / "content/works").glob("*.yaml"))}


def day_of(value):
    return value.date() if isinstance(value, dt.datetime) else value


def not_over(order):
    return day_of(order["end"]) >= TODAY and not order.get("cancelled")


@pytest.fixture(scope="module")
def demo():
    return load_model(ClairvoieSettings(site_root=str(REPO)), str(REPO / "content"), "Europe/Paris",
                      now=DEMO_NOW)


@pytest.fixture(scope="module")
def cifs(demo_output):
    data = json.loads((demo_output / "navigation" / "waze-cifs.json").read_text(encoding="utf-8"))
    return {incident["id"]: incident for incident in data["incidents"]}


def pairs(text):
    numbers = [float(n) for n in text.split()]
    return list(zip(numbers[::2], numbers[1::2]))


# --- CIFS ------------------------------------------------------------------------------------
def test_every_closure_with_geometry_is_in_the_feed_with_the_required_fields(cifs):
    closures = {i: w for i, w in works_yaml().items()
                if w["kind"] == "closure" and w.get("geometry") and not_over(w)}
    assert len(closures) >= 3
    for order_id, order in closures.items():
        incident = cifs[order_id]
        for field in REQUIRED:
            assert incident.get(field), (order_id, field)
        assert incident["type"] == "ROAD_CLOSED"
        assert incident["subtype"] == "ROAD_CLOSED_CONSTRUCTION"
        assert incident["street"] == order["street"]
        assert incident["direction"] == {"one": "ONE_DIRECTION"}.get(order.get("direction"), "BOTH_DIRECTIONS")


def test_polylines_are_lat_lon_in_the_order_of_the_record(cifs):
    checked = 0
    for order_id, order in works_yaml().items():
        geometry = order.get("geometry")
        if order_id not in cifs or not isinstance(geometry, dict):
            continue
        coordinates = geometry["coordinates"]
        if geometry["type"] == "Point":
            coordinates = [coordinates]
        expected = [(lat, lon) for lon, lat in coordinates]  # GeoJSON is lon, lat
        got = pairs(cifs[order_id]["polyline"])
        assert len(got) == len(expected), order_id
        for (lat, lon), (want_lat, want_lon) in zip(got, expected):
            assert lat == pytest.approx(want_lat, abs=1e-6) and lon == pytest.approx(want_lon, abs=1e-6)
            assert 45 < lat < 46 and 4 < lon < 5  # the demo city, near Lyon: not swapped
        checked += 1
    assert checked >= 30


def test_the_feed_holds_every_order_not_over_and_not_withdrawn_that_has_a_geometry(cifs):
    orders = works_yaml()
    expected = {i for i, w in orders.items() if w.get("geometry") and not_over(w)}
    assert set(cifs) == expected
    withdrawn = {i for i, w in orders.items() if w.get("cancelled")}
    past = {i for i, w in orders.items() if day_of(w["end"]) < TODAY}
    assert withdrawn and past
    assert not (withdrawn | past) & set(cifs)


def test_incident_fields_are_well_formed(cifs):
    kinds = {i: w["kind"] for i, w in works_yaml().items()}
    for incident_id, incident in cifs.items():
        for field in REQUIRED:
            assert incident.get(field), (incident_id, field)
        assert ISO_WITH_OFFSET.match(incident["starttime"]) and ISO_WITH_OFFSET.match(incident["endtime"])
        assert dt.datetime.fromisoformat(incident["endtime"]) > dt.datetime.fromisoformat(incident["starttime"])
        assert dt.datetime.fromisoformat(incident["endtime"]) >= DEMO_NOW.replace(hour=0, minute=0, second=0)
        assert incident["direction"] in ("BOTH_DIRECTIONS", "ONE_DIRECTION")
        kind = kinds[incident_id]
        if kind == "closure":
            assert (incident["type"], incident["subtype"]) == ("ROAD_CLOSED", "ROAD_CLOSED_CONSTRUCTION")
        else:
            assert incident["type"] == "HAZARD"
            assert incident["subtype"] in ("HAZARD_ON_ROAD_CONSTRUCTION", "HAZARD_ON_ROAD_LANE_CLOSED")
        assert "Arrêté n°" in incident["description"]
        for day, hours in incident.get("schedule", {}).items():
            assert day in DAYS
            assert re.match(r"^\d{2}:\d{2}-\d{2}:\d{2}(,\d{2}:\d{2}-\d{2}:\d{2})*$", hours)


def test_schedule_comes_from_the_hours(cifs):
    orders = works_yaml()
    with_hours = [i for i in cifs if orders[i].get("hours") == "Mo-Fr 08:00-17:00"]
    assert with_hours
    for incident_id in with_hours:
        assert cifs[incident_id]["schedule"] == {day: "08:00-17:00" for day in DAYS[:5]}
    always = [i for i in cifs if orders[i].get("hours") == "24/7"]
    for incident_id in always:
        assert "schedule" not in cifs[incident_id]


def test_dates_alone_cover_whole_days():
    order = SimpleNamespace(start=dt.date(2026, 12, 2), end=dt.date(2026, 12, 3))
    assert navigation.iso(order.start, PARIS) == "2026-12-02T00:00:00+01:00"
    assert navigation.iso(order.end, PARIS, end=True) == "2026-12-03T23:59:59+01:00"
    summer = dt.datetime(2026, 7, 1, 7, 30, tzinfo=PARIS)
    assert navigation.iso(summer, PARIS, end=True) == "2026-07-01T07:30:00+02:00"


def test_xml_feed_holds_the_same_incidents(demo_output, cifs):
    root = ET.parse(demo_output / "navigation" / "waze-cifs.xml").getroot()
    assert root.tag == "incidents"
    ids = [incident.get("id") for incident in root.findall("incident")]
    assert ids == sorted(cifs)
    for element in root.findall("incident"):
        incident = cifs[element.get("id")]
        for field in ("type", "subtype", "polyline", "street", "starttime", "endtime", "direction"):
            assert element.findtext(field) == incident[field]


def test_polyline_swaps_geojson_order():
    assert polyline([(4.8885, 45.73889), (4.88999, 45.73909)]) == "45.738890 4.888500 45.739090 4.889990"


# --- hours ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, french, schedule", [
    ("Mo-Fr 07:30-17:30", "lun.-ven. 7h30-17h30", {d: "07:30-17:30" for d in DAYS[:5]}),
    ("We,Sa 05:00-14:00", "mer., sam. 5h-14h", {"wednesday": "05:00-14:00", "saturday": "05:00-14:00"}),
    ("Mo-Fr 08:00-12:00,14:00-17:00", "lun.-ven. 8h-12h, 14h-17h",
     {d: "08:00-12:00,14:00-17:00" for d in DAYS[:5]}),
    ("Mo-Th 21:00-05:00", "lun.-jeu. 21h-5h",
     {"monday": "21:00-23:59", "tuesday": "00:00-05:00,21:00-23:59",
      "wednesday": "00:00-05:00,21:00-23:59", "thursday": "00:00-05:00,21:00-23:59",
      "friday": "00:00-05:00"}),
    ("Mo-Fr 08:00-17:00; PH off", "lun.-ven. 8h-17h, sauf fériés", {d: "08:00-17:00" for d in DAYS[:5]}),
])
def test_hours_in_short_french_and_as_a_cifs_schedule(text, french, schedule):
    """The short form is the panels' last resort; the CIFS schedule is for machines."""
    hours = parse_hours(text)
    assert hours_short_fr(hours) == french
    assert cifs_schedule(hours) == schedule


def test_the_description_words_the_hours_as_the_site_does():
    assert parse_hours("Mo-Fr sunrise-sunset") is None  # the build refuses it (test_plain_hours.py)
    assert hours_fr(None) is None and hours_short_fr(None) is None
    order = SimpleNamespace(street="Rue Haute", section=None, title="Travaux rue Haute", kind="other",
                            start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 2),
                            hours="Mo-Th 21:00-05:00", weekly_hours=parse_hours("Mo-Th 21:00-05:00"),
                            direction=None, detour_html="", reference="2026-ARR-9")
    said = navigation.description(order)
    assert "horaires : du lundi au jeudi, de 21 h à 5 h le lendemain" in said and "21:00" not in said


# --- GeoJSON of active works -------------------------------------------------------------------------
def test_active_works_geojson(demo_output):
    data = json.loads((demo_output / "navigation" / "travaux-actifs.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    orders = works_yaml()
    expected = {i for i, w in orders.items()
                if w.get("geometry") and not w.get("cancelled")
                and day_of(w["start"]) <= TODAY <= day_of(w["end"])}
    assert {f["id"] for f in data["features"]} == expected and expected
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"] == orders[feature["id"]]["geometry"]
        assert feature["properties"]["reference"] == str(orders[feature["id"]]["reference"])
        assert ISO_WITH_OFFSET.match(feature["properties"]["start"])


# --- orders without geometry: the build report ---------------------------------------------------------
def test_orders_without_geometry_are_named_in_a_warning(demo, tmp_path, caplog):
    missing = orders_without_geometry(demo)
    assert [o.reference for o in missing] == ["2026-ARR-0624"]
    site = Site.for_files(demo, str(tmp_path), {"SITEURL": ""})
    with caplog.at_level(logging.WARNING, logger="clairvoie.outputs.navigation"):
        write_navigation(demo, site)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "2026-ARR-0624" in message and "content/works/arr-2026-0624-rue-victor-hugo.yaml" in message
    assert "sans tracé" in message
    assert (tmp_path / "navigation" / "waze-cifs.json").is_file()


def test_the_build_report_names_orders_without_geometry(tmp_path):
    site = copy_demo_site(tmp_path / "site")
    order = site / "content/works/arr-2026-0423-avenue-du-pont-neuf.yaml"
    text = order.read_text(encoding="utf-8")
    start, end = text.index("geometry:"), text.index("start:")
    order.write_text(text[:start] + text[end:], encoding="utf-8")
    result = run_pelican(site, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    report = result.stderr + result.stdout
    assert "2026-ARR-0624" in report and "2026-ARR-0423" in report
    data = json.loads((tmp_path / "out" / "navigation" / "waze-cifs.json").read_text(encoding="utf-8"))
    assert "arr-2026-0423-avenue-du-pont-neuf" not in {i["id"] for i in data["incidents"]}


def test_absolute_page_addresses_with_siteurl(demo, tmp_path):
    items = navigation.incidents(demo, "https://www.villebrune-sur-lise.fr")
    assert all("Détails : https://www.villebrune-sur-lise.fr/travaux/" in i["description"] for i in items)
    assert all("Détails" not in i["description"] for i in navigation.incidents(demo, ""))


def test_files_joined_from_each_orders_kept_texts_are_those_written_at_once(tmp_path):
    """write_navigation joins each order's incidents and feature, kept between builds of one
    process: the bytes json.dumps, cifs_xml and active_geojson write for the whole city, in a
    first build and in the next one, which takes them from what the first kept; and for no order."""
    from clairvoie import incremental
    from clairvoie.outputs import navigation
    from sites import load_site, write_site

    def written_at_once(model, url):
        items = navigation.incidents(model, url)
        return {navigation.CIFS_JSON: json.dumps({"incidents": items}, ensure_ascii=False, indent=1) + "\n",
                navigation.CIFS_XML: navigation.cifs_xml(items),
                navigation.ACTIVE_GEOJSON: json.dumps(navigation.active_geojson(model, url), ensure_ascii=False,
                                                      separators=(",", ":")) + "\n"}

    model = load_site(REPO)
    url = "https://ville.example"
    items = navigation.incidents(model, url)
    assert any("schedule" in item for item in items) and navigation.active_geojson(model, url)["features"]
    signatures = incremental.PageSignatures(model, {"SITEURL": ""}, str(REPO / "themes/clairvoie"))
    for build in range(2):
        incremental.KeptBetweenBuilds.new_build()
        assert navigation.navigation_files(model, url, signatures) == written_at_once(model, url)
    assert navigation.navigation_files(model, url) == written_at_once(model, url)
    empty = load_site(write_site(tmp_path, {}))
    assert navigation.navigation_files(empty, url) == written_at_once(empty, url)
