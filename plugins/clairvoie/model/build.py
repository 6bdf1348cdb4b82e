"""Turn schema-valid YAML documents into records, checking references on the way.

Each ``build_*`` function receives one document whose shape the JSON Schema
has already checked, so it only checks what a schema cannot: that sector and
project ids exist, that files are there, that dates are in order.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, UnidentifiedImageError

from .. import messages
from ..markup import markdown_to_html
from ..settings import ClairvoieSettings
from .load import FieldPath, YamlDocument
from .problems import Problem
from .records import (
    Budget, Contact, Document, Location, Meeting, Milestone, Panel, Photo, Project,
    Rendition, Schedule, Sector, Source, Update, WorksOrder,
)

CITY_WIDE = "all"
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class BuildContext:
    """What building a record may look at besides its own document."""

    settings: ClairvoieSettings
    content_path: str  # absolute
    timezone: ZoneInfo
    sector_ids: list[str]
    project_ids: list[str]
    problems: list[Problem]

    def report(self, document: YamlDocument, field_path: FieldPath, message: str) -> None:
        self.problems.append(document.problem(field_path, message))


def is_slug(text: str) -> bool:
    return bool(_SLUG.match(text))


def _source(document: YamlDocument) -> Source:
    return Source(document.path)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _date_or_datetime(text: str, timezone: ZoneInfo) -> dt.date | dt.datetime:
    if len(text) <= 10:
        return dt.date.fromisoformat(text)
    moment = dt.datetime.fromisoformat(text.replace(" ", "T"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone)


def _contact(data: dict[str, Any] | None) -> Contact | None:
    return Contact(**data) if data else None


def check_sector_ids(document: YamlDocument, ctx: BuildContext, allow_city_wide: bool) -> None:
    """Report unknown sector ids; safe on documents that failed the schema."""
    data = document.data
    sectors = data.get("sectors") if isinstance(data, dict) else None
    if not isinstance(sectors, list):
        return
    for index, sector_id in enumerate(sectors):
        if not isinstance(sector_id, str):
            continue
        if sector_id == CITY_WIDE:
            if not allow_city_wide:
                ctx.report(document, ("sectors", index), messages.ALL_SECTORS_NOT_HERE)
            elif len(sectors) > 1:
                ctx.report(document, ("sectors", index), messages.ALL_SECTORS_ALONE)
        elif sector_id not in ctx.sector_ids:
            ctx.report(document, ("sectors", index), messages.unknown_sector(sector_id, ctx.sector_ids))


def _resolve_sector_ids(sectors: list[str], ctx: BuildContext) -> tuple[tuple[str, ...], bool]:
    if sectors == [CITY_WIDE]:
        return tuple(ctx.sector_ids), True
    return tuple(dict.fromkeys(sectors)), False


def _check_order(document: YamlDocument, ctx: BuildContext, path: FieldPath,
                 start: Any, end: Any, start_name: str, end_name: str) -> None:
    if start is None or end is None:
        return
    if _instant(end, ctx.timezone) < _instant(start, ctx.timezone):
        ctx.report(document, path + (end_name,), messages.ends_before_start(end_name, start_name))


def _instant(value: dt.date | dt.datetime, timezone: ZoneInfo) -> dt.datetime:
    """A date counts from its local midnight; date-times keep their own offset."""
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(), tzinfo=timezone)


# --- geometry ---------------------------------------------------------------------
_POSITION_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2,
                   "Polygon": 2, "MultiPolygon": 3}


def _valid_coordinates(kind: str, coordinates: Any) -> bool:
    def check(value: Any, depth: int) -> bool:
        if depth == 0:
            return (isinstance(value, list) and len(value) in (2, 3)
                    and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
                    and -180 <= value[0] <= 180 and -90 <= value[1] <= 90)
        return isinstance(value, list) and len(value) > 0 and all(check(v, depth - 1) for v in value)
    return kind in _POSITION_DEPTH and check(coordinates, _POSITION_DEPTH[kind])


def resolve_geometry(document: YamlDocument, ctx: BuildContext, path: FieldPath,
                     value: Any, base_dir: str, base_name: str) -> dict[str, Any] | None:
    """Inline GeoJSON geometry, or the geometry read from a .geojson file."""
    if value is None:
        return None
    if isinstance(value, dict):
        if not _valid_coordinates(value.get("type", ""), value.get("coordinates")):
            ctx.report(document, path, messages.BAD_COORDINATES)
            return None
        return {"type": value["type"], "coordinates": value["coordinates"]}
    file_path = os.path.normpath(os.path.join(base_dir, value))
    if not file_path.startswith(base_dir + os.sep) or not os.path.isfile(file_path):
        missing = messages.missing_sector_file if base_name == "sectors" else messages.missing_file
        ctx.report(document, path, missing(value))
        return None
    try:
        with open(file_path, encoding="utf-8") as stream:
            geojson = json.load(stream)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        ctx.report(document, path, messages.bad_geojson(value, str(error)))
        return None
    geometry = _geometry_of(geojson)
    if geometry is None or not _valid_coordinates(geometry.get("type", ""), geometry.get("coordinates")):
        ctx.report(document, path, messages.bad_geojson(value, messages.BAD_COORDINATES))
        return None
    return {"type": geometry["type"], "coordinates": geometry["coordinates"]}


def _geometry_of(geojson: Any) -> dict[str, Any] | None:
    """Accept a bare geometry, a Feature, or a FeatureCollection of one feature."""
    if not isinstance(geojson, dict):
        return None
    if geojson.get("type") == "Feature":
        return _geometry_of(geojson.get("geometry"))
    if geojson.get("type") == "FeatureCollection":
        features = geojson.get("features") or []
        return _geometry_of(features[0]) if len(features) == 1 else None
    return geojson if "coordinates" in geojson else None


# --- files -----------------------------------------------------------------------------
def _content_file(ctx: BuildContext, relative: str) -> str | None:
    path = os.path.normpath(os.path.join(ctx.content_path, relative))
    if path.startswith(ctx.content_path + os.sep) and os.path.isfile(path):
        return path
    return None


def _document_link(document: YamlDocument, ctx: BuildContext, path: FieldPath,
                   title: str, target: str, is_url: bool) -> Document | None:
    if is_url:
        return Document(title, target)
    source_path = _content_file(ctx, target)
    if source_path is None:
        ctx.report(document, path, messages.missing_file(target))
        return None
    return Document(title, "/" + os.path.relpath(source_path, ctx.content_path).replace(os.sep, "/"),
                    source_path)


def _photo(document: YamlDocument, ctx: BuildContext, path: FieldPath,
           data: dict[str, Any], project_id: str, used_names: set[str]) -> Photo | None:
    source_path = _content_file(ctx, data["file"])
    if source_path is None:
        ctx.report(document, path + ("file",), messages.missing_file(data["file"]))
        return None
    try:
        with Image.open(source_path) as image:
            width, height = image.size
            if _rotated(image):  # published photos are turned upright
                width, height = height, width
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        ctx.report(document, path + ("file",), messages.not_an_image(data["file"]))
        return None
    name = re.sub(r"[^a-z0-9]+", "-", os.path.splitext(os.path.basename(data["file"]))[0].lower()).strip("-") or "photo"
    while name in used_names:
        name += "-bis"
    used_names.add(name)
    # Every configured width the original can give without enlarging it, and at least one.
    widths = [w for w in ctx.settings.photo_widths if w < width] + [min(width, max(ctx.settings.photo_widths))]
    stem = f"photos/{project_id}/{name}"
    renditions = tuple(
        Rendition(w, max(1, round(height * w / width)), f"{stem}-{w}.jpg", f"{stem}-{w}.webp")
        for w in sorted(set(widths))
    )
    return Photo(data["file"], data["alt"], data.get("caption"), data.get("stage"), source_path, renditions)


def _rotated(image: Image.Image) -> bool:
    return image.getexif().get(0x0112, 1) in (5, 6, 7, 8)


# --- records -------------------------------------------------------------------------------
def build_sector(document: YamlDocument, ctx: BuildContext) -> Sector:
    data = document.data
    panels = tuple(
        Panel(p["id"], p["name"], p["lines"], p["columns"], p["charset"], document.record_id)
        for p in data.get("panels", [])
    )
    geometry = resolve_geometry(document, ctx, ("geometry",), data.get("geometry"),
                                ctx.settings.sectors_dir(), "sectors")
    return Sector(
        id=document.record_id,
        name=data["name"],
        short_name=data.get("short_name") or data["name"],
        description_html=markdown_to_html(data.get("description")),
        communes=tuple(data.get("communes", [])),
        geometry=geometry,
        contact=_contact(data.get("contact")),
        panels=panels,
        source=_source(document),
    )


def build_project(document: YamlDocument, ctx: BuildContext) -> Project:
    data = document.data
    project_id = document.record_id
    if data["category"] not in ctx.settings.categories:
        ctx.report(document, ("category",), messages.unknown_category(data["category"], ctx.settings.categories))
    schedule = Schedule(*(_date(data["schedule"].get(k)) for k in
                          ("planned_start", "planned_end", "actual_start", "actual_end")))
    _check_order(document, ctx, ("schedule",), schedule.planned_start, schedule.planned_end,
                 "planned_start", "planned_end")
    _check_order(document, ctx, ("schedule",), schedule.actual_start, schedule.actual_end,
                 "actual_start", "actual_end")
    updates = []
    for index, item in enumerate(data.get("updates", [])):
        update = Update(
            project_id=project_id, index=index, date=_date(item["date"]), kind=item["kind"],
            title=item["title"], body_html=markdown_to_html(item.get("body")),
            reason=item.get("reason"), new_planned_end=_date(item.get("new_planned_end")),
            new_budget=item.get("new_budget"),
        )
        if update.new_planned_end and update.new_planned_end < schedule.planned_start:
            ctx.report(document, ("updates", index, "new_planned_end"), messages.NEW_END_BEFORE_START)
        updates.append(update)
    updates.sort(key=lambda u: (u.date, u.index), reverse=True)

    location = None
    if "location" in data:
        loc = data["location"]
        location = Location(
            address=loc.get("address"), lat=loc.get("lat"), lon=loc.get("lon"),
            geometry=resolve_geometry(document, ctx, ("location", "geometry"), loc.get("geometry"),
                                      ctx.content_path, "content"),
        )
    used_names: set[str] = set()
    photos = [_photo(document, ctx, ("photos", i), p, project_id, used_names)
              for i, p in enumerate(data.get("photos", []))]
    documents = [
        _document_link(document, ctx, ("documents", i, "url" if "url" in d else "file"),
                       d["title"], d.get("url") or d["file"], "url" in d)
        for i, d in enumerate(data.get("documents", []))
    ]
    sector_ids, city_wide = _resolve_sector_ids(data["sectors"], ctx)
    budget = data.get("budget")
    return Project(
        id=project_id,
        title=data["title"],
        sector_ids=sector_ids,
        city_wide=city_wide,
        category=data["category"],
        summary=data["summary"],
        description_html=markdown_to_html(data.get("description")),
        status=data["status"],
        participation=data.get("participation"),
        location=location,
        budget=Budget(budget.get("planned"), budget.get("spent")) if budget else None,
        schedule=schedule,
        milestones=tuple(sorted(
            (Milestone(_date(m["date"]), m["title"], bool(m.get("done", False)))
             for m in data.get("milestones", [])), key=lambda m: m.date)),
        updates=tuple(updates),
        photos=tuple(p for p in photos if p),
        documents=tuple(d for d in documents if d),
        contact=_contact(data.get("contact")),
        source=_source(document),
        declared_progress=data.get("progress"),
    )


def build_works_order(document: YamlDocument, ctx: BuildContext) -> WorksOrder:
    data = document.data
    start = _date_or_datetime(data["start"], ctx.timezone)
    end = _date_or_datetime(data["end"], ctx.timezone)
    _check_order(document, ctx, (), start, end, "start", "end")
    project_id = data.get("project")
    if project_id is not None and project_id not in ctx.project_ids:
        ctx.report(document, ("project",), messages.unknown_project(project_id, ctx.project_ids))
        project_id = None
    signed_document = None
    if "document" in data:
        target = data["document"]
        signed_document = _document_link(document, ctx, ("document",), f"Arrêté n° {data['reference']}",
                                         target, target.startswith(("http://", "https://")))
    cancelled = data.get("cancelled")
    if isinstance(cancelled, dict):  # also accepted: "cancelled: {reason: …}"
        cancelled = cancelled["reason"]
    sector_ids, _ = _resolve_sector_ids(data["sectors"], ctx)
    return WorksOrder(
        id=document.record_id,
        reference=str(data["reference"]),
        title=data["title"],
        sector_ids=sector_ids,
        kind=data["kind"],
        street=data["street"],
        section=data.get("section"),
        geometry=resolve_geometry(document, ctx, ("geometry",), data.get("geometry"),
                                  ctx.content_path, "content"),
        start=start,
        end=end,
        hours=data.get("hours"),
        direction=data.get("direction"),
        detour_html=markdown_to_html(data.get("detour")),
        project_id=project_id,
        issued_by=data.get("issued_by"),
        signed=_date(data.get("signed")),
        document=signed_document,
        cancelled_reason=cancelled,
        source=_source(document),
    )


def build_meeting(document: YamlDocument, ctx: BuildContext) -> Meeting:
    data = document.data
    start = _date_or_datetime(data["start"], ctx.timezone)
    end = _date_or_datetime(data["end"], ctx.timezone)
    _check_order(document, ctx, (), start, end, "start", "end")
    sector_ids, _ = _resolve_sector_ids(data["sectors"], ctx)
    return Meeting(
        id=document.record_id,
        title=data["title"],
        sector_ids=sector_ids,
        start=start,
        end=end,
        place=data["place"],
        participation=data.get("participation"),
        description_html=markdown_to_html(data.get("description")),
        registration_url=data.get("registration_url"),
        source=_source(document),
    )
