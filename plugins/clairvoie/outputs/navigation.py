"""Feeds for navigation apps: Waze for Cities (CIFS) and GeoJSON of the works under way.

Written to ``/navigation/``:

- ``waze-cifs.json`` and ``waze-cifs.xml``: the Closure and Incident Feed Specification
  (CIFS) of Waze for Cities, one incident per works order that is not over, not withdrawn
  and has a ``geometry``: ``ROAD_CLOSED`` (subtype ``ROAD_CLOSED_CONSTRUCTION``) for a
  closure, ``HAZARD`` for every other kind (subtype ``HAZARD_ON_ROAD_LANE_CLOSED`` when a
  lane is taken: lane restriction, alternating traffic; else ``HAZARD_ON_ROAD_CONSTRUCTION``).
  The polyline is "lat lon lat lon …" (GeoJSON says lon, lat: swapped here) in the order the
  record draws it, which CIFS reads as the direction of the traffic affected; ``direction``
  is ``ONE_DIRECTION`` for ``direction: one``, else ``BOTH_DIRECTIONS``. Times are ISO 8601
  with the site's offset, to the second; a date alone starts at 00:00:00 and ends at
  23:59:59. ``schedule`` gives each weekday's hours when ``hours`` is in the
  ``opening_hours`` subset the model reads (``model/opening_hours.py``): "HH:MM-HH:MM[,…]"
  by weekday, a range past midnight carried to the next day; it is left out for ``24/7``
  (always) and for hours outside the subset, which the description then quotes as written.
- ``travaux-actifs.geojson``: a FeatureCollection of the orders active on the build date
  (not withdrawn) that have a geometry.

An order without geometry cannot go into these feeds: the build says so (a warning naming
each order, in French), and the panels page lists them too, so none is silently dropped.

Everything is a pure function of the model; files are sorted by order id.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from .. import incremental
from ..labels import DIRECTION, WORKS_KIND, date_fr, hours_fr
from ..model.opening_hours import WeeklyHours
from ..model.records import Model, WorksOrder
from .geo import usable_lines
from .roadworks import ACTIVE_GEOJSON, CIFS_JSON, CIFS_XML, FOLDER, in_feed, orders_without_geometry
from .site import Site, absolute

CIFS_XSD = "http://www.gstatic.com/road-incidents/cifsv2.xsd"
DESCRIPTION_LIMIT = 500  # characters; the rest is on the order's page

logger = logging.getLogger(__name__)

# (type, subtype) by works kind.
CIFS_TYPES = {
    "closure": ("ROAD_CLOSED", "ROAD_CLOSED_CONSTRUCTION"),
    "lane_restriction": ("HAZARD", "HAZARD_ON_ROAD_LANE_CLOSED"),
    "alternating_traffic": ("HAZARD", "HAZARD_ON_ROAD_LANE_CLOSED"),
}
CIFS_OTHER = ("HAZARD", "HAZARD_ON_ROAD_CONSTRUCTION")
CIFS_DIRECTION = {"one": "ONE_DIRECTION", "both": "BOTH_DIRECTIONS"}


# --- opening hours ------------------------------------------------------------------------
CIFS_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY = 24 * 60


def weekly(hours: WeeklyHours) -> dict[int, list[tuple[int, int]]]:
    """Minutes from midnight by weekday (0 = Monday); a range past midnight goes on the next day."""
    if hours.continuous:
        return {day: [(0, DAY)] for day in range(7)}
    week: dict[int, list[tuple[int, int]]] = {day: [] for day in range(7)}
    for slot in hours.slots:
        start, end = slot.time.start, slot.time.end
        for day in slot.days:
            week[day].append((start, min(end, DAY)))
            if end > DAY:
                week[(day + 1) % 7].append((0, end - DAY))
    merged: dict[int, list[tuple[int, int]]] = {}
    for day, spans in week.items():
        for start, end in sorted(spans):
            if merged.get(day) and start <= merged[day][-1][1]:
                merged[day][-1] = (merged[day][-1][0], max(end, merged[day][-1][1]))
            else:
                merged.setdefault(day, []).append((start, end))
    return merged


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def cifs_schedule(hours: WeeklyHours) -> dict[str, str]:
    """CIFS ``schedule``: "HH:MM-HH:MM[,…]" by weekday name; 24:00 is written 23:59."""
    days = weekly(hours)
    return {CIFS_DAYS[day]: ",".join(f"{_clock(start)}-{_clock(min(end, DAY - 1))}"
                                     for start, end in days[day])
            for day in range(7) if day in days}


# --- what goes in the feeds ------------------------------------------------------------------
def polyline(line: list[tuple[float, float]]) -> str:
    """CIFS polyline: "lat lon lat lon …", six decimals."""
    return " ".join(f"{lat:.6f} {lon:.6f}" for lon, lat in line)


def _instant(value: dt.date | dt.datetime, timezone: ZoneInfo, end: bool) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone)
    return dt.datetime.combine(value, dt.time(23, 59, 59) if end else dt.time(), tzinfo=timezone)


def iso(value: dt.date | dt.datetime, timezone: ZoneInfo, end: bool = False) -> str:
    """ISO 8601 with the offset, to the second: 2026-11-30T07:30:00+01:00."""
    return _instant(value, timezone, end).isoformat(timespec="seconds")


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


def description(order: WorksOrder, url: str = "") -> str:
    """What the order does, in French, for drivers; the page's address when it is absolute."""
    where = order.street + (f" ({order.section})" if order.section else "")
    kind = WORKS_KIND[order.kind]
    title = order.title.rstrip(" .")
    lead = f"{title}." if kind.casefold() in title.casefold() else f"{kind} : {title}."
    parts = [lead, f"Lieu : {where}."]
    period = f"Du {date_fr(order.start)} au {date_fr(order.end)}"
    if order.weekly_hours is not None:
        period += f", horaires : {hours_fr(order.weekly_hours)}"
    parts.append(period + ".")
    if order.direction in DIRECTION:
        parts.append(f"Circulation concernée {DIRECTION[order.direction]}.")
    detour = str(Markup(order.detour_html).striptags()).strip() if order.detour_html else ""
    if detour:
        parts.append(f"Déviation : {detour}")
    parts.append(f"Arrêté n° {order.reference}.")
    text = _shorten(" ".join(parts), DESCRIPTION_LIMIT)
    if url.startswith(("http://", "https://")):
        text += f" Détails : {url}"
    return text


def incidents(model: Model, site_url: str) -> list[dict[str, Any]]:
    """CIFS incidents, by order id (one per line of a multi-line geometry)."""
    timezone = ZoneInfo(model.timezone)
    return [item for order in sorted((o for o in model.works if in_feed(o)), key=lambda o: o.id)
            for item in order_incidents(order, timezone, site_url)]


def order_incidents(order: WorksOrder, timezone: ZoneInfo, site_url: str) -> list[dict[str, Any]]:
    """One order's CIFS incidents (one per line of a multi-line geometry)."""
    items = []
    lines = usable_lines(order.geometry)
    cifs_type, subtype = CIFS_TYPES.get(order.kind, CIFS_OTHER)
    hours = order.weekly_hours
    for index, line in enumerate(lines, start=1):
        incident: dict[str, Any] = {
            "id": order.id if len(lines) == 1 else f"{order.id}-{index}",
            "type": cifs_type,
            "subtype": subtype,
            "polyline": polyline(line),
            "street": order.street,
            "direction": CIFS_DIRECTION.get(order.direction or "", "BOTH_DIRECTIONS"),
            "starttime": iso(order.start, timezone),
            "endtime": iso(order.end, timezone, end=True),
            "description": description(order, absolute(site_url, order.url)),
        }
        if order.signed:
            incident["creationtime"] = iso(order.signed, timezone)
        if hours is not None and not hours.continuous:
            schedule = cifs_schedule(hours)
            if schedule:
                incident["schedule"] = schedule
        items.append(incident)
    return items


def cifs_xml(items: list[dict[str, Any]]) -> str:
    """The same incidents in CIFS XML."""
    root = ET.Element("incidents", {
        "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
        "xsi:noNamespaceSchemaLocation": CIFS_XSD,
    })
    for item in items:
        incident = ET.SubElement(root, "incident", {"id": item["id"]})
        for key in ("type", "subtype", "polyline", "street", "direction", "starttime", "endtime",
                    "creationtime", "description"):
            if key in item:
                ET.SubElement(incident, key).text = item[key]
        if "schedule" in item:
            schedule = ET.SubElement(incident, "schedule")
            for day, value in item["schedule"].items():
                ET.SubElement(schedule, day).text = value
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def active_geojson(model: Model, site_url: str) -> dict[str, Any]:
    """The orders active on the build date (not withdrawn) that have a geometry."""
    timezone = ZoneInfo(model.timezone)
    features = [active_feature(order, timezone, site_url) for order in sorted(model.works, key=lambda o: o.id)]
    return {"type": "FeatureCollection", "features": [feature for feature in features if feature is not None]}


def active_feature(order: WorksOrder, timezone: ZoneInfo, site_url: str) -> dict[str, Any] | None:
    """An order's feature in travaux-actifs.geojson; None when it is not active or has no geometry."""
    if order.timing != "active" or order.is_cancelled or not order.geometry:
        return None
    return {
        "type": "Feature",
        "id": order.id,
        "geometry": order.geometry,
        "properties": {
            "id": order.id,
            "reference": order.reference,
            "title": order.title,
            "kind": order.kind,
            "kind_label": WORKS_KIND[order.kind],
            "street": order.street,
            "section": order.section,
            "start": iso(order.start, timezone),
            "end": iso(order.end, timezone, end=True),
            "hours": order.hours,
            "direction": order.direction,
            "sectors": list(order.sector_ids),
            "url": absolute(site_url, order.url),
        },
    }


# --- the files joined from each order's texts -------------------------------------------------
# Each order's texts, kept for the next build in the same process (pelican --autoreload)
# while the order, the date and the settings are unchanged.
_kept_orders = incremental.KeptBetweenBuilds()
_CIFS_XML_TAIL = "\n</incidents>\n"


@dataclass(frozen=True)
class OrderTexts:
    incidents: tuple[str, ...]  # each incident as waze-cifs.json writes it (indented two levels)
    incidents_xml: tuple[str, ...]  # each <incident> as waze-cifs.xml writes it
    feature: str | None  # its feature in travaux-actifs.geojson (compact)


def _order_texts(order: WorksOrder, timezone: ZoneInfo, site_url: str) -> OrderTexts:
    items = order_incidents(order, timezone, site_url) if in_feed(order) else []
    # json.dumps escapes line breaks inside strings: every line of an item moves two levels in.
    incidents_json = tuple("  " + json.dumps(item, ensure_ascii=False, indent=1).replace("\n", "\n  ")
                           for item in items)
    incidents_xml = []
    for item in items:
        alone = cifs_xml([item])
        incidents_xml.append(alone[alone.index("\n <incident ") + 2:-len(_CIFS_XML_TAIL)])
    feature = active_feature(order, timezone, site_url)
    return OrderTexts(incidents_json, tuple(incidents_xml),
                      None if feature is None else json.dumps(feature, ensure_ascii=False, separators=(",", ":")))


def navigation_files(model: Model, site_url: str,
                     signatures: "incremental.PageSignatures | None" = None) -> dict[str, str]:
    """The three files' texts by name, joined from each order's texts (kept between builds of
    one process with the build's signatures): the bytes the functions above would write."""
    timezone = ZoneInfo(model.timezone)
    texts = []
    for order in sorted(model.works, key=lambda o: o.id):
        if signatures is None:
            texts.append(_order_texts(order, timezone, site_url))
        else:
            key = (signatures.of("navigation", [order]), site_url)
            texts.append(_kept_orders.get(key, lambda order=order: _order_texts(order, timezone, site_url)))
    incidents_json = [item for text in texts for item in text.incidents]
    incidents_xml = [item for text in texts for item in text.incidents_xml]
    features = [text.feature for text in texts if text.feature is not None]
    if incidents_xml:
        empty = cifs_xml([])  # the root element, written <incidents … /> when empty
        cifs = empty[:-len(" />\n")] + ">\n " + "\n ".join(incidents_xml) + _CIFS_XML_TAIL
    else:
        cifs = cifs_xml([])
    return {
        CIFS_JSON: ('{\n "incidents": [\n' + ",\n".join(incidents_json) + "\n ]\n}\n") if incidents_json
        else json.dumps({"incidents": []}, ensure_ascii=False, indent=1) + "\n",
        CIFS_XML: cifs,
        ACTIVE_GEOJSON: '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}\n",
    }


# --- the output ----------------------------------------------------------------------------
def report_missing_geometry(model: Model) -> list[WorksOrder]:
    """The build report: a warning naming every order the feeds leave out for lack of a tracé."""
    missing = orders_without_geometry(model)
    if missing:
        names = " ; ".join(f"{o.reference} « {o.title} » ({o.source.path})" for o in missing)
        logger.warning(
            "Flux de navigation (Waze, GeoJSON) : %d arrêté(s) sans tracé (geometry) n'y "
            "figure(nt) pas : %s. Ajoutez un tracé à la fiche pour les y publier.",
            len(missing), names)
    return missing


def write_navigation(model: Model, site: Site) -> None:
    for name, text in navigation_files(model, site.url, site.signatures).items():
        site.write(f"{FOLDER}/{name}", text)
    report_missing_geometry(model)
