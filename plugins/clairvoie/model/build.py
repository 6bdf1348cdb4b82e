"""Turn YAML documents into records, checking what a schema cannot on the way.

Each ``build_*`` function checks that sector and project ids exist, that files
are there, that dates are in order, that geometries and Markdown can be
published. It also runs on documents the schema refused, with the refused
values taken out (``YamlDocument.without``), so that one build reports every
problem of a file: a builder therefore reads fields with ``.get`` and checks a
value only when it is there. A record built from such a document is dropped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import opening_hours as osm_opening_hours  # OpenStreetMap's parser (opening-hours-py)
import shapely
from markupsafe import Markup
from PIL import Image, UnidentifiedImageError

from .. import messages
from ..markup import markdown_problems, markdown_to_html
from ..settings import ClairvoieSettings
from . import opening_hours
from .geometry import ANY_TYPE, SECTOR_TYPES, WORKS_TYPES, CityOutline, geometry_problems
from .load import FieldPath, YamlDocument, format_field_path
from .problems import Problem
from .records import (
    Budget, Contact, Document, Location, MeetingFile, Milestone, Panel, Photo, ProjectFile,
    POINT_DECIMALS, Rendition, ReportFile, ReportStage, Schedule, Sector, Service, Source, Update,
    WorksOrderFile,
)

CITY_WIDE = "all"
# The folder of the long lists beside the figures' pages (transparence/listes/, outputs/figure_lists.py).
LISTS_FOLDER = "listes"
# A sector of these ids would mean something else: every sector (a record's « sectors: all »), or
# the lists' folder beside transparence/<sector>/.
RESERVED_SECTOR_IDS = (CITY_WIDE, LISTS_FOLDER)
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
    city: CityOutline | None = None  # the sectors' outlines, once sectors are built
    sector_shapes: dict[str, Any] = field(default_factory=dict)  # each outline (shapely), by sector id
    works_references: list[str] = field(default_factory=list)  # of every works order file
    service_codes: list[str] | None = None  # of services.yaml; None: no readable services.yaml
    report_ids: list[str] = field(default_factory=list)  # every report file's name (its number, lower case)
    # Other files the record being built reads (photos, documents, GeoJSON): what keeps it valid.
    read_files: list[str] = field(default_factory=list)

    def report(self, document: YamlDocument, field_path: FieldPath, message: str) -> None:
        self.problems.append(document.problem(field_path, message))

    # The names above as sets, to check a name (the lists are sorted, for the messages' suggestions).
    @property
    def known_projects(self) -> frozenset[str]:
        return self._as_set("project_ids")

    @property
    def known_works_references(self) -> frozenset[str]:
        return self._as_set("works_references")

    @property
    def known_report_ids(self) -> frozenset[str]:
        return self._as_set("report_ids")

    def _as_set(self, name: str) -> frozenset[str]:
        names = getattr(self, name)
        kept = self.__dict__.get(f"_set_of_{name}")
        if kept is None or kept[0] is not names:  # the list may be given after the context is made
            kept = self.__dict__[f"_set_of_{name}"] = (names, frozenset(names))
        return kept[1]


def is_slug(text: str) -> bool:
    return bool(_SLUG.match(text))


def _source(document: YamlDocument) -> Source:
    return Source(document.path)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _date_or_datetime(text: str | None, timezone: ZoneInfo) -> dt.date | dt.datetime | None:
    if not text:
        return None
    if len(text) <= 10:
        return dt.date.fromisoformat(text)
    moment = dt.datetime.fromisoformat(text.replace(" ", "T"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone)


def _contact(data: dict[str, Any] | None) -> Contact | None:
    return Contact(**data) if data else None


def _markdown(document: YamlDocument, ctx: BuildContext, path: FieldPath, text: str | None) -> Markup:
    """A Markdown field as HTML; what it may not carry (raw HTML, script links…) is reported."""
    for problem in markdown_problems(text):
        ctx.report(document, path, problem.message)
    return markdown_to_html(text)


def _items(data: dict[str, Any], name: str) -> list[tuple[int, dict[str, Any]]]:
    """The (index, item) pairs of a list of blocks; items the schema refused are left out."""
    return [(index, item) for index, item in enumerate(data.get(name) or []) if isinstance(item, dict)]


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


def _resolve_sector_ids(sectors: list[str] | None, ctx: BuildContext) -> tuple[tuple[str, ...], bool]:
    if sectors == [CITY_WIDE]:
        return tuple(ctx.sector_ids), True
    return tuple(dict.fromkeys(sectors or [])), False


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
def resolve_geometry(document: YamlDocument, ctx: BuildContext, path: FieldPath, value: Any,
                     base_dir: str, base_name: str, allowed_types: tuple[str, ...]) -> dict[str, Any] | None:
    """Inline GeoJSON geometry, or the geometry read from a .geojson file, once checked."""
    if isinstance(value, dict):
        found = geometry_problems(value, allowed_types, ctx.city)
        for problem in found:
            ctx.report(document, path + problem.at, problem.message)
        return None if found else {"type": value["type"], "coordinates": value["coordinates"]}
    if not isinstance(value, str):
        return None
    file_path = os.path.normpath(os.path.join(base_dir, value))
    ctx.read_files.append(file_path)
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
    if geometry is None:
        ctx.report(document, path, messages.bad_geojson(value, messages.BAD_COORDINATES))
        return None
    found = geometry_problems(geometry, allowed_types, ctx.city)
    for problem in found:
        where = format_field_path(problem.at)
        ctx.report(document, path, messages.bad_geojson(value, f"{where} : {problem.message}"))
    return None if found else {"type": geometry["type"], "coordinates": geometry["coordinates"]}


def _geometry_of(geojson: Any) -> dict[str, Any] | None:
    """Accept a bare geometry, a Feature, or a FeatureCollection of one feature."""
    if not isinstance(geojson, dict):
        return None
    if geojson.get("type") == "Feature":
        return _geometry_of(geojson.get("geometry"))
    if geojson.get("type") == "FeatureCollection":
        features = geojson.get("features") or []
        return _geometry_of(features[0]) if len(features) == 1 else None
    return geojson if "coordinates" in geojson and "type" in geojson else None


# --- files -----------------------------------------------------------------------------
def _content_file(ctx: BuildContext, relative: str) -> str | None:
    path = os.path.normpath(os.path.join(ctx.content_path, relative))
    ctx.read_files.append(path)
    if path.startswith(ctx.content_path + os.sep) and os.path.isfile(path):
        return path
    return None


def _document_link(document: YamlDocument, ctx: BuildContext, path: FieldPath,
                   title: str, target: str | None, is_url: bool) -> Document | None:
    if not isinstance(target, str):
        return None
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
    if not isinstance(data.get("file"), str):
        return None
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
    return Photo(data["file"], data.get("alt"), data.get("caption"), data.get("stage"), source_path, renditions)


def _rotated(image: Image.Image) -> bool:
    return image.getexif().get(0x0112, 1) in (5, 6, 7, 8)


# --- records -------------------------------------------------------------------------------
def build_sector(document: YamlDocument, ctx: BuildContext) -> Sector:
    data = document.data
    if document.record_id in RESERVED_SECTOR_IDS:
        ctx.problems.append(Problem(document.path, 1, 1, "", messages.reserved_sector_id(document.record_id)))
    panels = tuple(
        Panel(p.get("id"), p.get("name"), p.get("lines"), p.get("columns"), p.get("charset"), document.record_id)
        for _, p in _items(data, "panels")
    )
    # A sector's outline is not checked against the city: it draws the city.
    geometry = resolve_geometry(document, dataclasses.replace(ctx, city=None), ("geometry",), data.get("geometry"),
                                ctx.settings.sectors_dir(), "sectors", SECTOR_TYPES)
    return Sector(
        id=document.record_id,
        name=data.get("name"),
        short_name=data.get("short_name") or data.get("name"),
        description_html=_markdown(document, ctx, ("description",), data.get("description")),
        communes=tuple(data.get("communes") or []),
        geometry=geometry,
        contact=_contact(data.get("contact")),
        panels=panels,
        source=_source(document),
    )


def build_project(document: YamlDocument, ctx: BuildContext) -> ProjectFile:
    data = document.data
    project_id = document.record_id
    category = data.get("category")
    if isinstance(category, str) and category not in ctx.settings.categories:
        ctx.report(document, ("category",), messages.unknown_category(category, ctx.settings.categories))
    schedule_data = data.get("schedule") or {}
    schedule = Schedule(*(_date(schedule_data.get(k)) for k in
                          ("planned_start", "planned_end", "actual_start", "actual_end")))
    _check_order(document, ctx, ("schedule",), schedule.planned_start, schedule.planned_end,
                 "planned_start", "planned_end")
    _check_order(document, ctx, ("schedule",), schedule.actual_start, schedule.actual_end,
                 "actual_start", "actual_end")
    updates = []
    for index, item in _items(data, "updates"):
        update = Update(
            project_id=project_id, index=index, date=_date(item.get("date")), kind=item.get("kind"),
            title=item.get("title"),
            body_html=_markdown(document, ctx, ("updates", index, "body"), item.get("body")),
            reason=item.get("reason"), new_planned_end=_date(item.get("new_planned_end")),
            new_budget=item.get("new_budget"),
        )
        if update.new_planned_end and schedule.planned_start and update.new_planned_end < schedule.planned_start:
            ctx.report(document, ("updates", index, "new_planned_end"), messages.NEW_END_BEFORE_START)
        updates.append(update)
    updates.sort(key=lambda u: (u.date or dt.date.min, u.index), reverse=True)

    location = None
    if isinstance(data.get("location"), dict):
        loc = data["location"]
        location = Location(
            address=loc.get("address"), lat=loc.get("lat"), lon=loc.get("lon"),
            geometry=resolve_geometry(document, ctx, ("location", "geometry"), loc.get("geometry"),
                                      ctx.content_path, "content", ANY_TYPE),
        )
    used_names: set[str] = set()
    photos = [_photo(document, ctx, ("photos", i), p, project_id, used_names) for i, p in _items(data, "photos")]
    documents = [
        _document_link(document, ctx, ("documents", i, "url" if "url" in d else "file"),
                       d.get("title"), d.get("url") or d.get("file"), "url" in d)
        for i, d in _items(data, "documents")
    ]
    sector_ids, city_wide = _resolve_sector_ids(data.get("sectors"), ctx)
    budget = data.get("budget")
    return ProjectFile(
        id=project_id,
        title=data.get("title"),
        sector_ids=sector_ids,
        city_wide=city_wide,
        category=category,
        summary=data.get("summary"),
        description_html=_markdown(document, ctx, ("description",), data.get("description")),
        status=data.get("status"),
        participation=data.get("participation"),
        location=location,
        budget=Budget(budget.get("planned"), budget.get("spent")) if isinstance(budget, dict) else None,
        schedule=schedule,
        milestones=tuple(sorted(
            (Milestone(_date(m.get("date")), m.get("title"), bool(m.get("done", False)))
             for _, m in _items(data, "milestones")), key=lambda m: m.date or dt.date.min)),
        updates=tuple(updates),
        photos=tuple(p for p in photos if p),
        documents=tuple(d for d in documents if d),
        contact=_contact(data.get("contact")),
        source=_source(document),
        declared_progress=data.get("progress"),
    )


def build_works_order(document: YamlDocument, ctx: BuildContext) -> WorksOrderFile:
    data = document.data
    start = _date_or_datetime(data.get("start"), ctx.timezone)
    end = _date_or_datetime(data.get("end"), ctx.timezone)
    _check_order(document, ctx, (), start, end, "start", "end")
    project_id = data.get("project")
    if project_id is not None and project_id not in ctx.known_projects:
        ctx.report(document, ("project",), messages.unknown_project(project_id, ctx.project_ids))
        project_id = None
    signed_document = None
    target = data.get("document")
    if isinstance(target, str):
        signed_document = _document_link(document, ctx, ("document",), f"Arrêté n° {data.get('reference')}",
                                         target, target.startswith(("http://", "https://")))
    cancelled = data.get("cancelled")
    if isinstance(cancelled, dict):  # also accepted: "cancelled: {reason: …}"
        cancelled = cancelled.get("reason")
    sector_ids, _ = _resolve_sector_ids(data.get("sectors"), ctx)
    hours = data.get("hours")
    weekly_hours = opening_hours.parse(hours)
    if isinstance(hours, str) and not osm_opening_hours.validate(hours):
        ctx.report(document, ("hours",), messages.unreadable_hours(hours))
    elif isinstance(hours, str) and weekly_hours is None:  # valid for OpenStreetMap, but no sentence says it
        ctx.report(document, ("hours",), messages.hours_not_worded(hours))
    return WorksOrderFile(
        id=document.record_id,
        reference=str(data.get("reference")),
        title=data.get("title"),
        sector_ids=sector_ids,
        kind=data.get("kind"),
        street=data.get("street"),
        section=data.get("section"),
        geometry=resolve_geometry(document, ctx, ("geometry",), data.get("geometry"),
                                  ctx.content_path, "content", WORKS_TYPES),
        start=start,
        end=end,
        hours=hours,
        weekly_hours=weekly_hours,
        direction=data.get("direction"),
        detour_html=_markdown(document, ctx, ("detour",), data.get("detour")),
        project_id=project_id,
        issued_by=data.get("issued_by"),
        signed=_date(data.get("signed")),
        document=signed_document,
        cancelled_reason=cancelled,
        source=_source(document),
    )


def build_meeting(document: YamlDocument, ctx: BuildContext) -> MeetingFile:
    data = document.data
    start = _date_or_datetime(data.get("start"), ctx.timezone)
    end = _date_or_datetime(data.get("end"), ctx.timezone)
    _check_order(document, ctx, (), start, end, "start", "end")
    sector_ids, _ = _resolve_sector_ids(data.get("sectors"), ctx)
    return MeetingFile(
        id=document.record_id,
        title=data.get("title"),
        sector_ids=sector_ids,
        start=start,
        end=end,
        place=data.get("place"),
        participation=data.get("participation"),
        description_html=_markdown(document, ctx, ("description",), data.get("description")),
        registration_url=data.get("registration_url"),
        source=_source(document),
    )


# --- residents' reports ---------------------------------------------------------------------
# Fields a stage may carry besides date, stage and note, and the stages they go with.
_STAGE_FIELDS = {
    "service_in_charge": ("acknowledged",),
    "expected": ("scheduled",),
    "works": ("scheduled",),
    "project": ("scheduled",),
    "reason": ("closed", "reopened"),
    "duplicate_of": ("duplicate",),
}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<!\d)(?:\+33 ?|0)[1-9](?:[ .-]?\d{2}){4}(?!\d)")


def build_services(document: YamlDocument, ctx: BuildContext) -> list[Service]:
    """The kinds of report of services.yaml; a code written twice is reported."""
    services: list[Service] = []
    lines: dict[str, int] = {}
    for index, item in _items(document.data, "services"):
        code = item.get("code")
        if not isinstance(code, str):
            continue
        if code in lines:
            ctx.report(document, ("services", index, "code"), messages.duplicate_service(code, lines[code]))
            continue
        lines[code] = document.position(("services", index, "code"))[0]
        services.append(Service(code=code, name=item.get("name"), group=item.get("group"),
                                commitment_days=item.get("commitment_days"),
                                keywords=tuple(item.get("keywords") or ())))
    return services


def _plain_text(document: YamlDocument, ctx: BuildContext, path: FieldPath, text: Any) -> str | None:
    """A public plain-text field: no HTML, nothing personal (an e-mail address, a telephone number)."""
    if not isinstance(text, str):
        return None
    html = next((problem.typed for problem in markdown_problems(text) if problem.typed.startswith("<")), None)
    if html is not None:
        ctx.report(document, path, messages.html_in_plain_text(html))
    if _EMAIL.search(text) or _PHONE.search(text):
        ctx.report(document, path, messages.PERSONAL_DATA_REFUSED)
    return text


def _day(value: dt.date | dt.datetime, timezone: ZoneInfo) -> dt.date:
    return value.astimezone(timezone).date() if isinstance(value, dt.datetime) else value


def _is_before(value: dt.date | dt.datetime, other: dt.date | dt.datetime, timezone: ZoneInfo) -> bool:
    """Instants if both have a time; else days (a stage dated by its day only is not before a time that day)."""
    if isinstance(value, dt.datetime) and isinstance(other, dt.datetime):
        return value < other
    return _day(value, timezone) < _day(other, timezone)


def _report_sector_ids(document: YamlDocument, ctx: BuildContext,
                       point: Any) -> tuple[tuple[str, ...], bool]:
    """The sectors as written, else those whose outline holds the point; (ids, found from the point)."""
    data = document.data
    location = data.get("location") if isinstance(data.get("location"), dict) else {}
    if "sectors" in data:
        return tuple(dict.fromkeys(s for s in data.get("sectors") or [] if isinstance(s, str))), False
    if point is None and ("lat" in location or "lon" in location):
        return (), True  # the point was refused: its problem is reported
    found = tuple(sector_id for sector_id, outline in sorted(ctx.sector_shapes.items())
                  if point is not None and outline.covers(point))
    if not found:
        line, column = document.position(("location",))
        message = (messages.REPORT_SECTOR_UNKNOWN_AT_POINT if point is not None
                   else messages.REPORT_SECTOR_UNKNOWN_WITHOUT_POINT)
        ctx.problems.append(Problem(document.path, line, column, "sectors", message))
    return found, True


def _report_point(document: YamlDocument, ctx: BuildContext, location: dict[str, Any]) -> Any:
    """The report's point (shapely, longitude first), once checked; None if absent or refused."""
    lat, lon = location.get("lat"), location.get("lon")
    if not (_is_coordinate(lat) and _is_coordinate(lon)):
        return None
    if not -90 <= lat <= 90:
        ctx.report(document, ("location", "lat"), messages.latitude_out_of_range(lat, lon))
        return None
    if not -180 <= lon <= 180:
        ctx.report(document, ("location", "lon"), messages.longitude_out_of_range(lon))
        return None
    point = shapely.Point(lon, lat)
    if ctx.city is not None:
        message = ctx.city.placement_problem(point, swapped=messages.POINT_LAT_LON_SWAPPED,
                                             far=messages.point_far_from_city)
        if message:
            ctx.report(document, ("location", "lat"), message)
            return None
    return point


def _is_coordinate(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _report_stage(document: YamlDocument, ctx: BuildContext, number: str, index: int,
                  item: dict[str, Any]) -> ReportStage | None:
    path: FieldPath = ("history", index)
    stage = item.get("stage")
    for name, stages in _STAGE_FIELDS.items():
        if name in item and stage is not None and stage not in stages:
            ctx.report(document, path + (name,), messages.field_not_for_stage(name, stages))
    works = item.get("works")
    if isinstance(works, str) and works not in ctx.known_works_references:
        ctx.report(document, path + ("works",), messages.unknown_works_order(works, ctx.works_references))
    project_id = item.get("project")
    if isinstance(project_id, str) and project_id not in ctx.known_projects:
        ctx.report(document, path + ("project",), messages.unknown_project(project_id, ctx.project_ids))
    duplicate_of = item.get("duplicate_of")
    if isinstance(duplicate_of, str):
        if duplicate_of.lower() == document.record_id:
            ctx.report(document, path + ("duplicate_of",), messages.REPORT_DUPLICATE_OF_ITSELF)
        elif duplicate_of.lower() not in ctx.known_report_ids:
            ctx.report(document, path + ("duplicate_of",), messages.unknown_report(duplicate_of, ctx.report_ids))
    note = _plain_text(document, ctx, path + ("note",), item.get("note"))
    reason = _plain_text(document, ctx, path + ("reason",), item.get("reason"))
    date = _date_or_datetime(item.get("date"), ctx.timezone)
    if date is None or stage is None:
        return None
    return ReportStage(
        number=number, index=index, date=date, day=_day(date, ctx.timezone), stage=stage, note=note,
        service_in_charge=item.get("service_in_charge"), expected=_date(item.get("expected")),
        works_reference=works, project_id=project_id, reason=reason, duplicate_of=duplicate_of,
    )


def build_report(document: YamlDocument, ctx: BuildContext) -> ReportFile:
    data = document.data
    number = data.get("number")
    if isinstance(number, str) and number.lower() != document.record_id:
        ctx.report(document, ("number",), messages.number_not_file_name(number, document.record_id + ".yaml"))
    service_code = data.get("service")
    if isinstance(service_code, str) and ctx.service_codes is not None and service_code not in ctx.service_codes:
        ctx.report(document, ("service",), messages.unknown_service(service_code, ctx.service_codes))
    received = _date_or_datetime(data.get("received"), ctx.timezone)
    history: list[ReportStage] = []
    for index, item in _items(data, "history"):
        stage = _report_stage(document, ctx, str(number), index, item)
        if stage is None:
            continue
        if received is not None and _is_before(stage.date, received, ctx.timezone):
            ctx.report(document, ("history", index, "date"), messages.stage_before(item["date"], "la réception"))
        elif history and _is_before(stage.date, history[-1].date, ctx.timezone):
            ctx.report(document, ("history", index, "date"),
                       messages.stage_before(item["date"], f"l'étape précédente ({history[-1].stage})"))
        history.append(stage)
    location = data.get("location") if isinstance(data.get("location"), dict) else {}
    point = _report_point(document, ctx, location)
    sector_ids, from_point = _report_sector_ids(document, ctx, point)
    source = data.get("source") if isinstance(data.get("source"), dict) else {}
    return ReportFile(
        id=document.record_id,
        number=number,
        service_code=service_code,
        received=received,
        received_day=_day(received, ctx.timezone) if received is not None else None,
        street=location.get("street"),
        section=location.get("section"),
        point=(round(point.y, POINT_DECIMALS), round(point.x, POINT_DECIMALS)) if point is not None else None,
        sector_ids=sector_ids,
        sectors_from_point=from_point,
        public_summary=_plain_text(document, ctx, ("public_summary",), data.get("public_summary")),
        history=tuple(history),
        source_system=source.get("system"),
        source_id=source.get("id"),
        source=_source(document),
    )
