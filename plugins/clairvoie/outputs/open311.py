"""Static Open311 GeoReport v2: the residents' reports, read-only, for Open311 applications.

Written to ``/open311/`` (http://wiki.open311.org/GeoReport_v2/), in JSON and XML:

- ``v2/services.json``: the kinds of report (GET Service List);
- ``v2/requests.json``: the open reports and those updated in the last ``RECENT_DAYS`` days
  (GET Service Requests), by reception then number;
- ``v2/requests/<service_request_id>.json``: every report, a list of one request, as GET
  Service Request returns it;
- ``discovery.json``: GeoReport v2 discovery, naming the endpoint ``v2/``.

A static site answers no query: filters (``service_code``, ``status``, dates…) are the
client's to apply. What a request says is what the site's pages say, never more: its
``description`` is the ``public_summary`` staff wrote (none: no description), its notes
are the current stage's words and staff's public note, its address the street, its point
the model's rounded one. Nothing a resident wrote or gave (words, name, contact, photo,
door number) is in the model, so nothing of it can be written here.

A pure function of the model (dates: the records' and ``model.now``), so two builds with the
same ``SOURCE_DATE_EPOCH`` are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from typing import Any
from zoneinfo import ZoneInfo

from .. import incremental
from ..labels import commitment_fr, report_overdue_sentence, report_stage_text
from ..model.records import Model, Report, Service
from .site import Site

FOLDER = "open311"
ENDPOINT = f"{FOLDER}/v2"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
RECENT_DAYS = 90  # requests.json lists closed reports updated this recently
FORMATS = (("json", "application/json"), ("xml", "text/xml"))


# --- values ------------------------------------------------------------------------------
def moment(value: dt.date | dt.datetime, timezone: str) -> str:
    """ISO 8601 with the offset, as GeoReport v2 wants; a date is its day's start, local time."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(), tzinfo=ZoneInfo(timezone))
    return value.isoformat()


def without_empty(entry: dict[str, Any]) -> dict[str, Any]:
    """A field the city has no value for is left out, as the specification allows."""
    return {name: value for name, value in entry.items() if value is not None and value != ""}


def service_entry(service: Service) -> dict[str, Any]:
    commitment = commitment_fr(service)
    return without_empty({
        "service_code": service.code,
        "service_name": service.name,
        "description": f"{service.name}. {commitment}" if commitment else service.name,
        "metadata": False,  # no extra attributes: a static site takes no request
        "type": "realtime",
        "keywords": ", ".join(service.keywords),
        "group": service.group,
    })


def status_notes(report: Report) -> str:
    """The current stage in words and staff's public note; an overdue report says so first."""
    stage = report_stage_text(report.current_stage)
    overdue = report_overdue_sentence(report)
    return f"{overdue} {stage}" if overdue else stage


def request_entry(report: Report, timezone: str) -> dict[str, Any]:
    # expected_datetime: the date the city announced, else the end of its commitment.
    expected = report.expected or report.due
    lat, lon = report.point if report.point else (None, None)
    return without_empty({
        "service_request_id": report.number,
        "status": "open" if report.is_open else "closed",
        "status_notes": status_notes(report),
        "service_name": report.service.name,
        "service_code": report.service_code,
        "description": report.public_summary,  # staff's words; never the resident's
        "agency_responsible": report.service_in_charge,
        "service_notice": commitment_fr(report.service),
        "requested_datetime": moment(report.received, timezone),
        "updated_datetime": moment(report.current_stage.date, timezone),
        "expected_datetime": moment(expected, timezone) if expected else None,
        "address": report.street,
        "lat": lat,
        "long": lon,
    })


def is_listed(report: Report, today: dt.date) -> bool:
    """In requests.json: open, or updated in the last RECENT_DAYS days."""
    return report.is_open or (today - report.current_stage.day).days <= RECENT_DAYS


def listed_requests(model: Model) -> list[Report]:
    reports = [report for report in model.reports if is_listed(report, model.today)]
    return sorted(reports, key=lambda r: (r.received, r.number))


def discovery(model: Model, site: Site) -> dict[str, Any]:
    changeset = model.now.isoformat()
    return {
        "changeset": changeset,
        "contact": f"{site.publisher} — {site.url}" if site.has_absolute_urls else site.publisher,
        "key_service": "Aucune clé : ce point d'accès est en lecture seule.",
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": site.absolute(f"{ENDPOINT}/"),
            "changeset": changeset,
            "type": "production",
            "formats": [media_type for _, media_type in FORMATS],
        }],
    }


# --- serialisations -----------------------------------------------------------------------
def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _xml_element(name: str, value: Any) -> ET.Element:
    element = ET.Element(name)
    if isinstance(value, dict):
        element.extend(_xml_element(key, item) for key, item in value.items())
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = str(value)
    return element


def to_xml(root: str, item: str, entries: list[dict[str, Any]]) -> str:
    """GeoReport v2 XML: <services><service>…, <service_requests><request>…"""
    tree = ET.Element(root)
    tree.extend(_xml_element(item, entry) for entry in entries)
    ET.indent(tree, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(tree, encoding="unicode") + "\n"


def discovery_xml(document: dict[str, Any]) -> str:
    tree = ET.Element("discovery")
    tree.extend(_xml_element(name, document[name]) for name in ("changeset", "contact", "key_service"))
    endpoints = ET.SubElement(tree, "endpoints")
    for endpoint in document["endpoints"]:
        element = _xml_element("endpoint", {k: v for k, v in endpoint.items() if k != "formats"})
        formats = ET.SubElement(element, "formats")
        formats.extend(_xml_element("format", media_type) for media_type in endpoint["formats"])
        endpoints.append(element)
    ET.indent(tree, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(tree, encoding="unicode") + "\n"


def write_both(site: Site, stem: str, entries: list[dict[str, Any]], root: str, item: str) -> None:
    site.write(f"{stem}.json", to_json(entries))
    site.write(f"{stem}.xml", to_xml(root, item, entries))


# --- each request's documents, and the list joined from them ------------------------------
REQUESTS_ROOT, REQUEST_ITEM = "service_requests", "request"
_JSON_HEAD, _JSON_TAIL = "[\n", "\n]\n"
_XML_HEAD = f'<?xml version="1.0" encoding="utf-8"?>\n<{REQUESTS_ROOT}>\n '
_XML_TAIL = f"\n</{REQUESTS_ROOT}>\n"

# Each report's request documents, kept for the next build in the same process
# (pelican --autoreload) while the report, what it names, the date and the settings are unchanged.
_kept_requests = incremental.KeptBetweenBuilds()


class RequestDocuments:
    """GET Service Request's documents of each report (JSON, XML: a list of one request), made
    once; requests.json and .xml are joined from the same texts, as ``to_json`` and ``to_xml``
    would write them (the list's items indented one level, one after the other)."""

    def __init__(self, model: Model, signatures: "incremental.PageSignatures | None"):
        self.model, self.signatures = model, signatures

    def of(self, report: Report) -> tuple[str, str]:
        def make() -> tuple[str, str]:
            entry = [request_entry(report, self.model.timezone)]
            return to_json(entry), to_xml(REQUESTS_ROOT, REQUEST_ITEM, entry)
        if self.signatures is None:
            return make()
        # The report's number too: a report and its duplicate show the same records.
        return _kept_requests.get((report.number, self.signatures.of("open311:request", self.shown(report))), make)

    def shown(self, report: Report) -> list[Any]:
        return incremental.report_and_tied(self.model, report)

    def listed(self, reports: list[Report]) -> tuple[str, str]:
        """requests.json and requests.xml of these reports."""
        if not reports:
            return to_json([]), to_xml(REQUESTS_ROOT, REQUEST_ITEM, [])
        documents = [self.of(report) for report in reports]
        json_items = [text[len(_JSON_HEAD):-len(_JSON_TAIL)] for text, _ in documents]
        xml_items = [text[len(_XML_HEAD):-len(_XML_TAIL)] for _, text in documents]
        return (_JSON_HEAD + ",\n".join(json_items) + _JSON_TAIL,
                _XML_HEAD + "\n ".join(xml_items) + _XML_TAIL)


# --- the output ----------------------------------------------------------------------------
def write_open311(model: Model, site: Site) -> None:
    write_both(site, f"{ENDPOINT}/services", [service_entry(s) for s in model.services],
               "services", "service")
    documents = RequestDocuments(model, site.signatures)
    listed_json, listed_xml = documents.listed(listed_requests(model))
    site.write(f"{ENDPOINT}/requests.json", listed_json)
    site.write(f"{ENDPOINT}/requests.xml", listed_xml)
    for report in model.reports:
        # A piece: kept from the last build while the report (and what it names) is unchanged.
        stem, shown = f"{ENDPOINT}/requests/{report.number}", documents.shown(report)
        site.write_piece(f"{stem}.json", "open311:request:json", shown,
                         lambda report=report: documents.of(report)[0])
        site.write_piece(f"{stem}.xml", "open311:request:xml", shown,
                         lambda report=report: documents.of(report)[1])
    document = discovery(model, site)
    site.write(f"{FOLDER}/discovery.json", to_json(document))
    site.write(f"{FOLDER}/discovery.xml", discovery_xml(document))
