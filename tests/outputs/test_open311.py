"""Static Open311 GeoReport v2 (/open311/): read over HTTP as an Open311 application reads it,
checked against a strict reading of the specification (http://wiki.open311.org/GeoReport_v2/)
and against the YAML records themselves; nothing a resident wrote or gave is in it."""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from building import REPO, serve
from clairvoie.outputs import open311
from clairvoie.outputs.site import Site
from report_records import (
    PARIS, TODAY, day, days_overdue, due, expected, is_open, local, yaml_reports, yaml_services,
)
from sites import load_site, write_site

# The stages as residents read them: docs/signalements.md, « Les étapes, pour les habitants ».
STAGE_WORDS = {
    "received": "Reçu", "acknowledged": "Pris en charge", "scheduled": "Intervention prévue",
    "in_progress": "En cours", "resolved": "Résolu", "closed": "Clos sans suite", "duplicate": "Déjà signalé",
    "reopened": "Rouvert",
}

# --- a strict GeoReport v2 reader, from the specification --------------------------------
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)")
SERVICE_FIELDS = {  # name: (type, required)
    "service_code": (str, True), "service_name": (str, True), "description": (str, False),
    "metadata": (bool, True), "type": (str, True), "keywords": (str, False), "group": (str, False),
}
REQUEST_FIELDS = {
    "service_request_id": (str, True), "status": (str, True), "status_notes": (str, False),
    "service_name": (str, False), "service_code": (str, False), "description": (str, False),
    "agency_responsible": (str, False), "service_notice": (str, False),
    "requested_datetime": ("datetime", True), "updated_datetime": ("datetime", False),
    "expected_datetime": ("datetime", False), "address": (str, False), "address_id": (str, False),
    "zipcode": (str, False), "lat": (float, False), "long": (float, False), "media_url": (str, False),
}


def parse_datetime(text: str) -> dt.datetime:
    """W3C/ISO 8601 with its offset, as the specification's examples: 2010-04-14T06:37:38-08:00."""
    assert isinstance(text, str) and DATETIME.fullmatch(text), text
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert moment.utcoffset() is not None, text
    return moment


def check_fields(entry: dict, fields: dict) -> None:
    assert isinstance(entry, dict)
    assert set(entry) <= set(fields), set(entry) - set(fields)
    for name, (kind, required) in fields.items():
        if name not in entry:
            assert not required, name
            continue
        value = entry[name]
        if kind == "datetime":
            parse_datetime(value)
        elif kind is float:
            assert isinstance(value, (int, float)) and not isinstance(value, bool), name
        else:
            assert isinstance(value, kind), name


def check_services(document) -> None:
    assert isinstance(document, list) and document
    for service in document:
        check_fields(service, SERVICE_FIELDS)
        assert service["type"] in ("realtime", "batch", "blackbox")
    codes = [s["service_code"] for s in document]
    assert len(set(codes)) == len(codes)


def check_requests(document) -> None:
    assert isinstance(document, list)
    for request in document:
        check_fields(request, REQUEST_FIELDS)
        assert request["status"] in ("open", "closed")
        if "lat" in request or "long" in request:
            assert -90 <= request["lat"] <= 90 and -180 <= request["long"] <= 180


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        assert response.headers.get_content_type() == "application/json", url
        return json.loads(response.read().decode("utf-8"))


def listed(data: dict) -> bool:
    return is_open(data) or (TODAY - day(data["history"][-1]["date"])).days <= 90


# --- the demo city, over HTTP --------------------------------------------------------------
@pytest.fixture(scope="module")
def base(demo_output):
    with serve(demo_output, {".json": "application/json", ".xml": "text/xml"}) as url:
        yield url


def test_services_json_is_the_service_list_of_services_yaml(base):
    services = get_json(f"{base}/open311/v2/services.json")
    check_services(services)
    written = yaml_services()
    assert [s["service_code"] for s in services] == [s["code"] for s in written]
    for service, data in zip(services, written):
        assert service["service_name"] == data["name"]
        assert service["metadata"] is False and service["type"] == "realtime"
        assert service["keywords"] == ", ".join(data.get("keywords", []))
        assert service.get("group") == data.get("group")
        assert service["description"].startswith(data["name"])
        if data.get("commitment_days"):
            assert f"{data['commitment_days']} jours" in service["description"]


def test_every_report_has_its_own_request_with_the_records_facts(base):
    services = {s["code"]: s for s in yaml_services()}
    reports = yaml_reports()
    assert len(reports) == 41
    for number, data in reports.items():
        document = get_json(f"{base}/open311/v2/requests/{number}.json")
        check_requests(document)
        assert len(document) == 1, number
        request = document[0]
        assert request["service_request_id"] == number
        assert request["status"] == ("open" if is_open(data) else "closed"), number
        assert request["service_code"] == data["service"]
        assert request["service_name"] == services[data["service"]]["name"]
        assert request["address"] == data["location"]["street"]
        assert parse_datetime(request["requested_datetime"]) == local(data["received"])
        assert parse_datetime(request["updated_datetime"]) == local(data["history"][-1]["date"])
        assert (request["lat"], request["long"]) == (data["location"]["lat"], data["location"]["lon"])
        assert request.get("description") == data.get("public_summary")
        for absent in ("address_id", "zipcode", "media_url"):
            assert absent not in request


def test_status_notes_are_the_stage_in_words_and_staffs_note_and_say_when_overdue(base):
    commitments = {s["code"]: s.get("commitment_days") for s in yaml_services()}
    overdue = 0
    for number, data in yaml_reports().items():
        notes = get_json(f"{base}/open311/v2/requests/{number}.json")[0]["status_notes"]
        last = data["history"][-1]
        late = days_overdue(data, commitments)
        overdue += late > 0
        assert notes.startswith("En retard de ") is (late > 0), number
        if late:
            assert notes.startswith(f"En retard de {late} jour"), number
        assert STAGE_WORDS[last["stage"]] in notes, number
        for said in (last.get("note"), last.get("reason")):
            if said:
                assert said.rstrip(".") in notes, number
    assert overdue  # the demo city has overdue reports: they are not hidden


def test_expected_datetime_is_the_announced_date_else_the_commitment(base):
    commitments = {s["code"]: s.get("commitment_days") for s in yaml_services()}
    for number, data in yaml_reports().items():
        request = get_json(f"{base}/open311/v2/requests/{number}.json")[0]
        wanted = expected(data) or due(data, commitments)
        if wanted is None:
            assert "expected_datetime" not in request
        else:
            assert parse_datetime(request["expected_datetime"]) == local(wanted), number


def test_requests_json_lists_open_reports_and_those_updated_in_the_last_90_days(base):
    requests = get_json(f"{base}/open311/v2/requests.json")
    check_requests(requests)
    reports = yaml_reports()
    wanted = [n for n, data in reports.items() if listed(data)]
    assert sorted(r["service_request_id"] for r in requests) == sorted(wanted)
    assert len(wanted) < len(reports)  # the demo city has reports closed long ago
    order = [(parse_datetime(r["requested_datetime"]), r["service_request_id"]) for r in requests]
    assert order == sorted(order)
    for request in requests:
        number = request["service_request_id"]
        assert [request] == get_json(f"{base}/open311/v2/requests/{number}.json")


def test_discovery_names_the_endpoint_and_its_formats(base):
    discovery = get_json(f"{base}/open311/discovery.json")
    parse_datetime(discovery["changeset"])
    assert discovery["contact"] and discovery["key_service"]
    (endpoint,) = discovery["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["type"] == "production"
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    check_services(get_json(base + endpoint["url"] + "services.json"))


def xml_entries(url: str, root: str, item: str) -> list[dict[str, str]]:
    with urllib.request.urlopen(url, timeout=10) as response:
        tree = ET.fromstring(response.read())
    assert tree.tag == root
    assert all(element.tag == item for element in tree)
    return [{child.tag: child.text or "" for child in element} for element in tree]


def as_xml_text(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


@pytest.mark.parametrize("path,root,item", [
    ("services", "services", "service"),
    ("requests", "service_requests", "request"),
    ("requests/2026-004512", "service_requests", "request"),
])
def test_xml_says_what_json_says(base, path, root, item):
    entries = get_json(f"{base}/open311/v2/{path}.json")
    elements = xml_entries(f"{base}/open311/v2/{path}.xml", root, item)
    assert elements == [{k: as_xml_text(v) for k, v in entry.items()} for entry in entries]


def test_a_number_that_is_not_a_report_is_not_found(base):
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{base}/open311/v2/requests/2026-999999.json", timeout=10)
    assert error.value.code == 404


# --- privacy --------------------------------------------------------------------------------
def residents_data() -> set[str]:
    """What the request tool's export knows of residents (demo/open311/), never to publish."""
    export = json.loads((REPO / "demo/open311/requests.json").read_text(encoding="utf-8"))
    secrets = set()
    for request in export:
        for name in ("description", "email", "phone", "device_id", "account_id", "media_url",
                     "address_id", "address", "last_name"):
            if request.get(name):
                secrets.add(str(request[name]))
        if request.get("first_name") and request.get("last_name"):
            secrets.add(f"{request['first_name']} {request['last_name']}")
        for name in ("lat", "long"):  # the exact point: a door
            if isinstance(request.get(name), float) and len(repr(request[name]).split(".")[1]) > 3:
                secrets.add(repr(request[name]))
    return secrets


def published_files(demo_output: Path) -> list[Path]:
    return sorted(p for folder in ("open311", "opendata") for p in (demo_output / folder).rglob("*")
                  if p.is_file())


def test_no_residents_data_in_open311_nor_in_the_open_data(demo_output):
    secrets = residents_data()
    assert len(secrets) > 150
    first_names = {r["first_name"] for r in json.loads(
        (REPO / "demo/open311/requests.json").read_text(encoding="utf-8")) if r.get("first_name")}
    files = published_files(demo_output)
    assert len(files) > 80
    for path in files:
        text = path.read_text(encoding="utf-8")
        found = [secret for secret in secrets if secret in text]
        found += [name for name in first_names if re.search(rf"\b{re.escape(name)}\b", text)]
        assert not found, (path, found[:3])


def test_two_builds_write_the_same_bytes(tmp_path):
    """Pure function of the model: the same model writes the same files."""
    model = load_site(REPO)
    digests = []
    for name in ("a", "b"):
        open311.write_open311(model, Site.for_files(model, str(tmp_path / name), {"SITEURL": ""}))
        digests.append({p.relative_to(tmp_path / name): p.read_bytes()
                        for p in sorted((tmp_path / name).rglob("*")) if p.is_file()})
    assert digests[0] == digests[1] and len(digests[0]) == 2 * 41 + 6


# --- the 90-day rule, on a small town ------------------------------------------------------
def report_yaml(number: str, received: str, *stages: tuple[str, str]) -> str:
    history = "\n".join(f"  - date: {date}\n    stage: {stage}" for date, stage in stages)
    return (f'number: "{number}"\nservice: eclairage\nreceived: {received}\n'
            f"location:\n  street: Rue des Lilas\n  lat: 45.72\n  lon: 4.82\n"
            f"sectors: [secteur-1]\nhistory:\n  - date: {received}\n    stage: received\n{history}\n")


TOWN = {
    "content/signalements/services.yaml": """
        services:
          - code: eclairage
            name: Éclairage public en panne
    """,
    # Resolved 91 days before 2026-11-24: only at its own address.
    "content/signalements/2026-000001.yaml": report_yaml(
        "2026-000001", "2026-08-01T09:00", ("2026-08-25T10:00", "resolved")),
    # Resolved 90 days before: still listed.
    "content/signalements/2026-000002.yaml": report_yaml(
        "2026-000002", "2026-08-02T09:00", ("2026-08-26T10:00", "resolved")),
    # Open for a year: always listed; staff summed it up and named the service in charge.
    "content/signalements/2026-000003.yaml": report_yaml("2026-000003", "2025-11-20T09:00").replace(
        "history:", "public_summary: Lampadaire éteint au carrefour.\nhistory:") + (
        "  - date: 2025-11-21\n    stage: acknowledged\n    service_in_charge: Régie éclairage\n"),
}


def test_requests_json_leaves_out_reports_closed_more_than_90_days_ago(tmp_path):
    model = load_site(write_site(tmp_path / "town", TOWN))
    assert model.today == TODAY
    output = tmp_path / "output"
    open311.write_open311(model, Site.for_files(model, str(output), {"SITEURL": ""}))
    with serve(output, {".json": "application/json"}) as url:
        requests = get_json(f"{url}/open311/v2/requests.json")
        check_requests(requests)
        assert [r["service_request_id"] for r in requests] == ["2026-000003", "2026-000002"]
        assert [r["status"] for r in requests] == ["open", "closed"]
        (old,) = get_json(f"{url}/open311/v2/requests/2026-000001.json")
        assert old["status"] == "closed"
        assert parse_datetime(old["updated_datetime"]) == dt.datetime(2026, 8, 25, 10, tzinfo=PARIS)
        assert "expected_datetime" not in old and "service_notice" not in old
        assert "description" not in old and "agency_responsible" not in old
        (summed_up,) = get_json(f"{url}/open311/v2/requests/2026-000003.json")
        assert summed_up["description"] == "Lampadaire éteint au carrefour."
        assert summed_up["agency_responsible"] == "Régie éclairage"
        assert summed_up["status_notes"] == "Pris en charge."
        assert parse_datetime(summed_up["updated_datetime"]) == dt.datetime(2025, 11, 21, tzinfo=PARIS)
        check_services(get_json(f"{url}/open311/v2/services.json"))


def test_the_list_joined_from_each_requests_documents_is_the_one_written_at_once():
    """requests.json and .xml are joined from each report's own documents (kept between builds
    of one process): the bytes to_json and to_xml write, with and without kept documents; a
    report and its duplicate, which show the same records, keep their own documents."""
    from building import REPO
    from clairvoie import incremental
    from sites import load_site

    model = load_site(REPO)
    signatures = incremental.PageSignatures(model, {"SITEURL": ""}, str(REPO / "themes/clairvoie"))
    listed = open311.listed_requests(model)
    assert any(report.original in listed for report in listed)
    entries = [open311.request_entry(report, model.timezone) for report in listed]
    for build in range(2):
        incremental.KeptBetweenBuilds.new_build()
        for documents in (open311.RequestDocuments(model, signatures), open311.RequestDocuments(model, None)):
            assert documents.listed(listed) == (open311.to_json(entries),
                                                open311.to_xml("service_requests", "request", entries))
            assert documents.listed([]) == (open311.to_json([]), open311.to_xml("service_requests", "request", []))
            for report, entry in zip(listed, entries):
                assert documents.of(report)[0] == open311.to_json([entry])
