"""Open data of the demo city: CSV, GeoJSON, the data.json catalogue and the documentation page,
checked against the YAML records themselves."""

import csv
import datetime as dt
import io
import json
import re
from html import unescape

import pytest
import yaml

from building import REPO
from report_records import (
    day, days_overdue, due, expected, local, resolved, yaml_reports, yaml_services,
)
from clairvoie.outputs import geo, opendata
from clairvoie.settings import ClairvoieSettings

PROJECT_HEADER = [
    "id", "url", "title", "sectors", "category", "status", "summary", "participation", "address",
    "lat", "lon", "planned_start", "planned_end", "current_planned_end", "actual_start",
    "actual_end", "progress", "is_late", "days_late", "budget_planned", "last_budget", "spent",
    "is_over_budget", "overrun_amount", "last_update_date", "negative_update_count",
]
WORKS_HEADER = [
    "id", "url", "reference", "title", "sectors", "kind", "street", "section", "start", "end",
    "hours", "horaires", "direction", "project", "issued_by", "signed", "timing", "cancelled",
    "cancelled_reason", "lat", "lon",
]
REPORT_HEADER = [
    "number", "url", "service", "service_name", "street", "sectors", "received", "stage", "expected",
    "due", "resolved", "days_to_resolve", "is_overdue", "days_overdue", "lat", "lon",
]
NEGATIVE = {"delay", "cost_overrun", "suspension", "cancellation"}
GEOMETRY_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2,
                  "Polygon": 2, "MultiPolygon": 3}
DEMO_TODAY = "2026-11-24"  # DEMO_EPOCH, in Europe/Paris
FILES = ("projets.csv", "projets.geojson", "travaux.csv", "travaux.geojson", "signalements.csv",
         "signalements.geojson")


def records(folder):
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((REPO / folder).glob("*.yaml"))}


def sector_ids():
    return sorted(p.stem for p in (REPO / "sectors").glob("*.yaml"))


def read_csv(demo_output, name):
    data = (demo_output / "opendata" / name).read_bytes()
    text = data.decode("utf-8")
    return data, list(csv.DictReader(io.StringIO(text, newline="")))


def read_json(demo_output, name):
    return json.loads((demo_output / "opendata" / name).read_text(encoding="utf-8"))


def positions(coordinates):
    if coordinates and not isinstance(coordinates[0], list):
        yield coordinates
    else:
        for part in coordinates:
            yield from positions(part)


def demo_area():
    """The sectors' bounding box (lon, lat), with a small margin."""
    points = []
    for path in sorted((REPO / "sectors").glob("*.yaml")):
        geometry = yaml.safe_load(path.read_text(encoding="utf-8")).get("geometry")
        if isinstance(geometry, str):
            geojson = json.loads((REPO / "sectors" / geometry).read_text(encoding="utf-8"))
            geometry = geojson.get("geometry", geojson) if geojson["type"] == "Feature" else geojson
            if geometry["type"] == "FeatureCollection":
                geometry = geometry["features"][0]["geometry"]
        if geometry:
            points += list(positions(geometry["coordinates"]))
    assert points
    margin = 0.02
    return (min(p[0] for p in points) - margin, max(p[0] for p in points) + margin,
            min(p[1] for p in points) - margin, max(p[1] for p in points) + margin)


def chronological(updates):
    return sorted(updates, key=lambda u: str(u["date"]))


def number(text):
    assert re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text), text
    return float(text)


def as_csv(value):
    """A GeoJSON property as the CSV writes it."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


# --- CSV ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name,folder,header", [
    ("projets.csv", "content/projects", PROJECT_HEADER),
    ("travaux.csv", "content/works", WORKS_HEADER),
])
def test_csv_has_the_documented_header_and_one_row_per_record_sorted_by_id(
        demo_output, name, folder, header):
    data, rows = read_csv(demo_output, name)
    assert not data.startswith(b"\xef\xbb\xbf")  # plain UTF-8, no BOM
    assert b"\r\n" not in data and data.endswith(b"\n")
    assert data.decode("utf-8").splitlines()[0] == ",".join(header)
    assert [r["id"] for r in rows] == sorted(records(folder))
    for row in rows:
        assert list(row) == header and None not in row.values()


def test_module_columns_are_the_documented_ones():
    assert [c.name for c in opendata.PROJECT_COLUMNS] == PROJECT_HEADER
    assert [c.name for c in opendata.WORKS_COLUMNS] == WORKS_HEADER
    assert [c.name for c in opendata.REPORT_COLUMNS] == REPORT_HEADER
    for column in opendata.PROJECT_COLUMNS + opendata.WORKS_COLUMNS + opendata.REPORT_COLUMNS:
        assert column.description and column.type


def test_project_rows_match_their_records(demo_output):
    _, rows = read_csv(demo_output, "projets.csv")
    for row in rows:
        data = records("content/projects")[row["id"]]
        assert row["url"] == f"/projets/{row['id']}/"
        assert row["title"] == data["title"] and row["summary"] == data["summary"]
        assert row["status"] == data["status"] and row["category"] == data["category"]
        expected_sectors = sector_ids() if data["sectors"] == ["all"] else data["sectors"]
        assert sorted(row["sectors"].split(";")) == sorted(expected_sectors)
        assert row["participation"] == (data.get("participation") or "")
        schedule = data["schedule"]
        for key in ("planned_start", "planned_end", "actual_start", "actual_end"):
            assert row[key] == (schedule[key].isoformat() if schedule.get(key) else ""), key
        location = data.get("location") or {}
        assert row["address"] == (location.get("address") or "")
        if "lat" in location:
            assert number(row["lat"]) == location["lat"] and number(row["lon"]) == location["lon"]
        budget = data.get("budget") or {}
        for key, column in (("planned", "budget_planned"), ("spent", "spent")):
            assert (number(row[column]) if row[column] else None) == budget.get(key)
        for key in ("is_late", "is_over_budget"):
            assert row[key] in ("true", "false")
        for key in ("lat", "lon", "progress", "days_late", "last_budget", "overrun_amount"):
            if row[key]:
                number(row[key])  # plain numbers: no spaces, no thousands separators


def test_project_derived_facts_are_consistent_with_the_records(demo_output):
    _, rows = read_csv(demo_output, "projets.csv")
    today = dt.date.fromisoformat(DEMO_TODAY)
    seen_late = seen_over = 0
    for row in rows:
        data = records("content/projects")[row["id"]]
        updates = chronological(data.get("updates", []))
        delays = [u for u in updates if u["kind"] == "delay"]
        current_end = delays[-1]["new_planned_end"] if delays else data["schedule"]["planned_end"]
        assert row["current_planned_end"] == current_end.isoformat()
        overdue = data["status"] in ("planned", "in_progress") and today > current_end
        assert row["is_late"] == ("true" if delays or overdue else "false"), row["id"]
        if row["is_late"] == "false":
            assert row["days_late"] == "0"
        overruns = [u for u in updates if u["kind"] == "cost_overrun"]
        budget = data.get("budget") or {}
        last = overruns[-1]["new_budget"] if overruns else budget.get("planned")
        assert (number(row["last_budget"]) if row["last_budget"] else None) == last
        spent = budget.get("spent")
        over = spent is not None and last is not None and spent > last
        assert row["is_over_budget"] == ("true" if over else "false"), row["id"]
        assert number(row["overrun_amount"]) == (spent - last if over else 0)
        assert int(row["negative_update_count"]) == sum(u["kind"] in NEGATIVE for u in updates)
        assert row["last_update_date"] == (max(str(u["date"]) for u in updates) if updates else "")
        seen_late += delays != []
        seen_over += over
    assert seen_late and seen_over  # the demo city has both kinds of bad news


def test_works_rows_match_their_records(demo_output):
    _, rows = read_csv(demo_output, "travaux.csv")
    cancelled = 0
    for row in rows:
        data = records("content/works")[row["id"]]
        assert row["url"] == f"/travaux/{row['id']}/"
        assert row["reference"] == str(data["reference"]) and row["street"] == data["street"]
        assert row["kind"] == data["kind"] and row["sectors"].split(";") == data["sectors"]
        assert row["project"] == (data.get("project") or "")
        assert row["hours"] == (data.get("hours") or "")  # for machines, as written
        assert bool(row["horaires"]) == bool(data.get("hours"))  # for people, in French
        assert not re.search(r"\b(Mo|Tu|We|Th|Fr|Sa|Su|PH)\b|\d\d:\d\d", row["horaires"]), row["horaires"]
        for key in ("start", "end"):
            # Date-times carry their offset: 2025-06-03T19:00:00+02:00.
            assert row[key].startswith(data[key].isoformat()), key
            dt.datetime.fromisoformat(row[key])
        assert row["signed"] == (data["signed"].isoformat() if data.get("signed") else "")
        assert row["cancelled"] == ("true" if "cancelled" in data else "false")
        assert row["cancelled_reason"] == (data.get("cancelled") or "")
        cancelled += "cancelled" in data
        assert row["timing"] in ("past", "active", "upcoming", "future")
        geometry = data.get("geometry")
        if isinstance(geometry, dict):
            lon, lat = next(positions(geometry["coordinates"]))[:2]
            assert (number(row["lon"]), number(row["lat"])) == (lon, lat)
        elif geometry is None:
            assert row["lat"] == row["lon"] == ""
    assert cancelled


def test_works_timing_follows_the_build_date(demo_output):
    _, rows = read_csv(demo_output, "travaux.csv")
    today = DEMO_TODAY
    for row in rows:
        start, end = row["start"][:10], row["end"][:10]
        if end < today:
            assert row["timing"] == "past", row["id"]
        elif start <= today:
            assert row["timing"] == "active", row["id"]
        else:
            assert row["timing"] in ("upcoming", "future"), row["id"]


# --- GeoJSON -----------------------------------------------------------------------------
@pytest.mark.parametrize("name,folder,header", [
    ("projets", "content/projects", PROJECT_HEADER),
    ("travaux", "content/works", WORKS_HEADER),
])
def test_geojson_is_a_feature_collection_of_every_record_inside_the_demo_area(
        demo_output, name, folder, header):
    collection = read_json(demo_output, f"{name}.geojson")
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert [f["id"] for f in features] == sorted(records(folder))
    west, east, south, north = demo_area()
    located = 0
    for feature in features:
        assert feature["type"] == "Feature"
        assert list(feature["properties"]) == header
        assert feature["properties"]["id"] == feature["id"]
        geometry = feature["geometry"]
        if geometry is None:
            continue
        located += 1
        assert geometry["type"] in GEOMETRY_DEPTH
        coordinates = geometry["coordinates"]
        depth = GEOMETRY_DEPTH[geometry["type"]]
        for _ in range(depth):
            assert isinstance(coordinates, list) and coordinates
            coordinates = coordinates[0]
        for lon, lat in (p[:2] for p in positions(geometry["coordinates"])):
            assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lon, lat))
            assert west <= lon <= east and south <= lat <= north, (feature["id"], lon, lat)
    assert located > len(features) / 2


def test_geojson_geometry_is_the_records_own(demo_output):
    projects = {f["id"]: f for f in read_json(demo_output, "projets.geojson")["features"]}
    for project_id, data in records("content/projects").items():
        location = data.get("location") or {}
        geometry = projects[project_id]["geometry"]
        if isinstance(location.get("geometry"), dict):
            assert geometry == location["geometry"]
        elif "lat" in location and "geometry" not in location:
            assert geometry == {"type": "Point", "coordinates": [location["lon"], location["lat"]]}
        elif not location.get("geometry"):
            assert geometry is None
    works = {f["id"]: f for f in read_json(demo_output, "travaux.geojson")["features"]}
    for works_id, data in records("content/works").items():
        if isinstance(data.get("geometry"), dict):
            assert works[works_id]["geometry"] == data["geometry"]
        elif "geometry" not in data:
            assert works[works_id]["geometry"] is None


@pytest.mark.parametrize("name", ["projets", "travaux"])
def test_geojson_properties_are_typed_and_say_what_the_csv_says(demo_output, name):
    features = read_json(demo_output, f"{name}.geojson")["features"]
    _, rows = read_csv(demo_output, f"{name}.csv")
    assert len(rows) == len(features)
    for feature, row in zip(features, rows):
        properties = feature["properties"]
        assert isinstance(properties["sectors"], list)
        for key in ("is_late", "is_over_budget", "cancelled"):
            if key in properties:
                assert isinstance(properties[key], bool)
        for key in ("lat", "lon", "progress", "days_late", "budget_planned", "last_budget",
                    "spent", "overrun_amount", "negative_update_count"):
            if properties.get(key) is not None:
                assert isinstance(properties[key], (int, float))
        assert {k: as_csv(v) for k, v in properties.items()} == row


def test_cancelled_works_and_late_projects_are_flagged_in_geojson(demo_output):
    works = {f["id"]: f["properties"] for f in read_json(demo_output, "travaux.geojson")["features"]}
    for works_id, data in records("content/works").items():
        assert works[works_id]["cancelled"] is ("cancelled" in data)
    projects = {f["id"]: f["properties"] for f in read_json(demo_output, "projets.geojson")["features"]}
    for project_id, data in records("content/projects").items():
        if any(u["kind"] == "delay" for u in data.get("updates", [])):
            assert projects[project_id]["is_late"] is True


# --- residents' reports ---------------------------------------------------------------------
def test_reports_csv_has_one_row_per_report_by_number(demo_output):
    data, rows = read_csv(demo_output, "signalements.csv")
    assert data.decode("utf-8").splitlines()[0] == ",".join(REPORT_HEADER)
    reports = yaml_reports()
    assert [r["number"] for r in rows] == sorted(reports, key=str.lower)
    assert len(rows) == 41
    for row in rows:
        assert list(row) == REPORT_HEADER and None not in row.values()


def test_report_rows_match_their_records(demo_output):
    _, rows = read_csv(demo_output, "signalements.csv")
    reports = yaml_reports()
    services = {s["code"]: s for s in yaml_services()}
    commitments = {code: s.get("commitment_days") for code, s in services.items()}
    seen = {"overdue": 0, "resolved": 0}
    for row in rows:
        data = reports[row["number"]]
        assert row["url"] == f"/signalements/{row['number'].lower()}/"
        assert row["service"] == data["service"]
        assert row["service_name"] == services[data["service"]]["name"]
        assert row["street"] == data["location"]["street"]
        if "sectors" in data:
            assert row["sectors"].split(";") == data["sectors"]
        else:  # found from the point, inside the city
            assert row["sectors"] and set(row["sectors"].split(";")) <= set(sector_ids())
        assert dt.datetime.fromisoformat(row["received"]) == local(data["received"])
        assert row["stage"] == data["history"][-1]["stage"]
        for column, value in (("expected", expected(data)), ("due", due(data, commitments)),
                              ("resolved", resolved(data))):
            assert row[column] == (value.isoformat() if value else ""), (row["number"], column)
        end = resolved(data)
        assert row["days_to_resolve"] == (str((end - day(data["received"])).days) if end else "")
        late = days_overdue(data, commitments)
        assert (row["is_overdue"], row["days_overdue"]) == ("true" if late else "false", str(late))
        assert (number(row["lat"]), number(row["lon"])) == (data["location"]["lat"], data["location"]["lon"])
        seen["overdue"] += late > 0
        seen["resolved"] += end is not None
    assert all(seen.values()), seen  # bad news and good news alike


def test_reports_geojson_is_points_at_the_rounded_position(demo_output):
    collection = read_json(demo_output, "signalements.geojson")
    _, rows = read_csv(demo_output, "signalements.csv")
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert [f["id"] for f in features] == [r["number"].lower() for r in rows]
    west, east, south, north = demo_area()
    for feature, row in zip(features, rows):
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        assert geometry["type"] == "Point" and len(geometry["coordinates"]) == 2
        lon, lat = geometry["coordinates"]
        for value in (lon, lat):
            assert isinstance(value, float) and len(repr(value).split(".")[1]) <= 3, value
        assert west <= lon <= east and south <= lat <= north
        properties = feature["properties"]
        assert list(properties) == REPORT_HEADER
        assert (properties["lat"], properties["lon"]) == (lat, lon)
        assert isinstance(properties["is_overdue"], bool) and isinstance(properties["days_overdue"], int)
        assert isinstance(properties["sectors"], list)
        assert {k: as_csv(v) for k, v in properties.items()} == row


# --- catalogue ----------------------------------------------------------------------------
def test_data_json_is_a_project_open_data_catalogue_of_existing_files(demo_output):
    catalogue = read_json(demo_output, "data.json")
    assert catalogue["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert len(catalogue["dataset"]) == 3
    downloads = []
    for dataset in catalogue["dataset"]:
        for key in ("title", "description", "keyword", "modified", "publisher", "identifier",
                    "accessLevel", "license", "distribution"):
            assert dataset[key], key
        assert dataset["modified"] == DEMO_TODAY
        assert dataset["accessLevel"] == "public"
        assert dataset["license"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
        assert dataset["publisher"]["name"] == "Ville de Villebrune-sur-Lise"  # AUTHOR in pelicanconf.py
        for distribution in dataset["distribution"]:
            assert distribution["mediaType"] in ("text/csv", "application/geo+json")
            assert distribution["format"] and distribution["title"]
            url = distribution["downloadURL"]
            assert (demo_output / url.lstrip("/")).is_file(), url
            downloads.append(url)
    assert sorted(downloads) == sorted(f"/opendata/{f}" for f in FILES)
    assert len({d["identifier"] for d in catalogue["dataset"]}) == 3


def test_urls_are_absolute_when_siteurl_is_set():
    from clairvoie.model import load_model

    model = load_model(ClairvoieSettings(site_root=str(REPO)), str(REPO / "content"), "Europe/Paris",
                       now=dt.datetime(2026, 11, 24, 13, tzinfo=dt.timezone.utc))
    site = "https://www.example.fr"
    dataset = next(d for d in opendata.DATASETS if d.id == "projets")
    rows = list(csv.DictReader(io.StringIO(opendata.to_csv(dataset, model, site))))
    assert all(r["url"] == f"{site}/projets/{r['id']}/" for r in rows)
    catalogue = opendata.catalogue(model, site + "/", "Ville")
    for entry in catalogue["dataset"]:
        assert entry["landingPage"] == f"{site}/opendata/"
        assert all(d["downloadURL"].startswith(f"{site}/opendata/") for d in entry["distribution"])


def test_value_formats():
    assert opendata.csv_value(1450000.0) == "1450000"
    assert opendata.csv_value(12.5) == "12.5"
    assert opendata.csv_value(True) == "true" and opendata.csv_value(None) == ""
    assert opendata.csv_value(["secteur-1", "secteur-2"]) == "secteur-1;secteur-2"
    assert opendata.json_value(1450000.0) == 1450000
    assert geo.first_position({"type": "LineString", "coordinates": [[4.8, 45.7], [4.9, 45.8]]}) \
        == (4.8, 45.7)
    assert geo.first_position(None) is None
    assert opendata.size_fr(999) == "999\u00a0octets"
    assert opendata.size_fr(20378) == "20,4\u00a0ko"


# --- the page -----------------------------------------------------------------------------
def test_opendata_page_documents_every_column_and_links_every_file(demo_output):
    html = (demo_output / "opendata" / "index.html").read_text(encoding="utf-8")
    main = html[html.index("<main"):html.index("</main>")]
    assert len(re.findall(r"<h1[ >]", html)) == 1
    tables = re.findall(r"<table.*?</table>", main, re.S)
    assert len(tables) == 3
    for table, header in zip(tables, (PROJECT_HEADER, WORKS_HEADER, REPORT_HEADER)):
        names = re.findall(r'<th scope="row"><code>([a-z_]+)</code></th>', table)
        assert names == header
    text = re.sub(r"[ \t\n]+", " ", unescape(re.sub(r"<[^>]+>", "", main)))
    for name in FILES:
        assert f'href="/opendata/{name}"' in main
        size = opendata.size_fr((demo_output / "opendata" / name).stat().st_size)
        file_format = "CSV" if name.endswith(".csv") else "GeoJSON"
        assert f"{name} — {file_format}, {size}" in text, name
    assert 'href="/opendata/data.json"' in main
    for path in ("/open311/v2/services.json", "/open311/v2/requests.json", "/open311/discovery.json"):
        assert f'href="{path}"' in main
        assert (demo_output / path.lstrip("/")).is_file(), path
    assert opendata.LICENSE_URL in main


def test_every_page_links_to_the_open_data(demo_output):
    for page in ("index.html", "projets/index.html", "travaux/index.html"):
        assert 'href="/opendata/"' in (demo_output / page).read_text(encoding="utf-8"), page


def test_french_documentation_lists_every_column():
    doc = (REPO / "docs" / "donnees-ouvertes.md").read_text(encoding="utf-8")
    projects = doc[doc.index("### Projets et chantiers"):doc.index("### Arrêtés de travaux")]
    works = doc[doc.index("### Arrêtés de travaux"):doc.index("### Signalements des habitants")]
    reports = doc[doc.index("### Signalements des habitants"):]
    reports = reports[:reports.index("\n## ")]
    for section, header in ((projects, PROJECT_HEADER), (works, WORKS_HEADER), (reports, REPORT_HEADER)):
        assert re.findall(r"^\| `([a-z_]+)` \|", section, re.M) == header


def test_files_made_from_each_records_kept_row_are_those_made_at_once(tmp_path):
    """write_opendata joins each record's row and feature, kept between builds of one process;
    the bytes are those of to_csv and to_geojson, in a first build and in the next one, which
    takes them from what the first kept."""
    from clairvoie import incremental
    from sites import load_site

    model = load_site(REPO)
    signatures = incremental.PageSignatures(model, {"SITEURL": ""}, str(REPO / "themes/clairvoie"))
    for build in range(2):
        incremental.KeptBetweenBuilds.new_build()
        for rows in (opendata.RecordRows("https://ville.example", signatures),
                     opendata.RecordRows("https://ville.example", None)):
            for dataset in opendata.DATASETS:
                files = rows.files(dataset, model)
                assert files["csv"] == opendata.to_csv(dataset, model, "https://ville.example")
                assert files["geojson"] == opendata.dumps(
                    opendata.to_geojson(dataset, model, "https://ville.example"), compact=True)
    kept = opendata.RecordRows("https://ville.example", signatures).files(opendata.DATASETS[0], model)
    assert len(kept["csv"].splitlines()) == len(model.projects) + 1
