"""The static maps: a sector's, a street's, a project's or a works order's own (``sector_map``,
``street_map``, ``project_map``, ``works_map``), each an inline SVG computed from the model alone.

No tiles, no script, no request to a third party: the sector's outline, its
neighbours' outlines for context, the lines of its works orders and one
marker per located project, works order or resident's report, each a link to its page. The
template ``partials/sector_map.html`` renders a ``SectorMap`` together with a
legend and a list of every marker (the map's text alternative; on pages of its own
when long, ``figure_lists.map_lists``, which knows the markers from ``sector_map_records``
without drawing the map).

Projection: equirectangular around the middle latitude of the bounding box
(longitudes shrunk by cos(latitude)), fitted with a margin into a fixed
``0 0 800 600`` viewBox, aspect preserved, north up. Coordinates are rounded
to 0.1 px and points closer than 1 px to the previous one are dropped, so the
output is small and deterministic.

Marker tones (class ``tone-<tone>``; every tone also has its own glyph, so
colour is never the only cue):

=================  ========  ===========================================
tone               shape     meaning
=================  ========  ===========================================
on-time            circle    project planned or in progress, on time
late               circle    project late (``Project.tone``)
stopped            circle    project suspended or cancelled
done               circle    project completed
works-active       square    works order in force today
works-soon         square    works order starting within the
                             ``upcoming_works_days`` setting
works-later        square    works order starting later
works-cancelled    square    works order withdrawn (not yet past)
works-past         square    works order over (its own page's map only)
report-overdue     triangle  report open and overdue (red, "!")
report-open        diamond   report open, not overdue (orange, "…")
report-resolved    shield    report resolved in the last
                             ``RESOLVED_SHOWN_DAYS`` days (green, ✓)
=================  ========  ===========================================

Residents' reports use the workshops' colours — green resolved, orange being
handled, red overdue — each with its own shape, none a circle or a square, so that
neither the state nor the kind is told by colour alone. A report shows where its
point is (rounded to about 100 m). Reports resolved longer ago than
``RESOLVED_SHOWN_DAYS`` are left off (the map shows what is going on), as are the
reports closed without action and the duplicates (their original shows instead).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, NamedTuple, Sequence

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.ops import unary_union

from ..incremental import collector_paused
from ..labels import date_fr, days_fr, project_status_fr, report_state_fr
from ..model.basemap import ROAD_CLASSES
from ..model.records import Model, Project, Report, WorksOrder, by_sector_id
from ..model.words import key

WIDTH = 800
HEIGHT = 600
MARGIN = 32  # room for a marker drawn on the edge of the bounding box
BOTTOM_MARGIN = 56  # and for the scale bar under the map
MIN_SPAN_DEGREES = 0.004  # about 300 m: a lone marker still gets a neighbourhood
MIN_STEP_PX = 1.0  # simplification: points closer than this to the last kept one are dropped
METRES_PER_DEGREE = 111_320

PROJECT_TONES = ("on-time", "late", "stopped", "done")
WORKS_TONES = ("works-active", "works-soon", "works-later", "works-cancelled")  # what sector maps show
WORKS_PAST = "works-past"  # an order over: on its own page's map only
REPORT_TONES = ("report-overdue", "report-open", "report-resolved")
SHAPE = {"project": "circle", "works": "square"}
REPORT_SHAPE = {"report-overdue": "triangle", "report-open": "diamond", "report-resolved": "shield"}
RESOLVED_SHOWN_DAYS = 30  # a report resolved longer ago than this is left off the map
# Order of the legend and of the projects in the list: as on the sector page.
STATUS_ORDER = ("in_progress", "planned", "suspended", "completed", "cancelled")
TIMING_ORDER = ("active", "upcoming", "future")
WORKS_TONE_OF_TIMING = {"active": "works-active", "upcoming": "works-soon", "future": "works-later",
                        "past": WORKS_PAST}

Point = tuple[float, float]  # (x, y) in the viewBox, or (lon, lat) before projection


@dataclass(frozen=True)
class MapMarker:
    kind: str  # "project", "works" or "report"
    shape: str  # "circle" (projects), "square" (works orders), REPORT_SHAPE (reports)
    x: float  # where the marker is drawn (moved aside when it would hide another one)
    y: float
    url: str  # relative to the site root, e.g. "projets/lilas/"
    title: str  # the record's title
    place: str | None  # address, or street and section
    tone: str  # one of PROJECT_TONES or WORKS_TONES
    label: str  # the record's state, in French: "En cours, en retard", "Travaux en cours"…
    anchor_x: float = 0  # where the record is; a leader line joins it to a moved marker
    anchor_y: float = 0
    record: Any = field(default=None, compare=False, repr=False)  # Project, WorksOrder or Report
    # Where the record is, (lon, lat), and the course drawn under it (works orders: along their
    # street when the extract knows it): what the interactive map shows too (outputs/tiles/).
    point: Point = (0.0, 0.0)
    course: tuple[tuple[Point, ...], ...] = ()
    grouped: bool = False  # drawn within a MarkerGroup (a crowded sector's map), listed all the same

    @property
    def moved(self) -> bool:
        return (self.x, self.y) != (self.anchor_x, self.anchor_y)

    @property
    def name(self) -> str:
        """The accessible name of the marker's link."""
        kind = MARKER_KIND[self.kind]
        place = f", {self.place}" if self.place else ""
        return f"{kind} : {self.title}{place} — {self.label}"


@dataclass(frozen=True)
class MarkerGroup:
    """Ordinary markers of one tone close together on a crowded sector's map, drawn as one
    symbol with their count, a link to the list of them under the map."""

    kind: str
    shape: str
    tone: str
    x: float
    y: float
    count: int
    anchor_x: float  # the middle of the grouped records
    anchor_y: float
    list_id: str  # the id of the list under the map that names each of them

    @property
    def moved(self) -> bool:
        return (self.x, self.y) != (self.anchor_x, self.anchor_y)

    @property
    def name(self) -> str:
        """The accessible name of the group's link."""
        return f"{self.count} {GROUP_NAME[self.tone]} à cet endroit : voir la liste sous la carte"


@dataclass(frozen=True)
class MapLine:
    """The course of a works order (LineString), drawn under its marker."""

    path: str  # SVG path data
    tone: str


@dataclass(frozen=True)
class Neighbour:
    """Another sector, drawn for context, clipped to the map."""

    sector_id: str
    path: str
    label: str
    label_x: float | None  # None: too little of it shows to carry a label
    label_y: float | None


@dataclass(frozen=True)
class LegendItem:
    kind: str
    shape: str
    tone: str
    label: str


@dataclass(frozen=True)
class ScaleBar:
    length_px: float
    label: str  # "200 m", "1 km"


@dataclass(frozen=True)
class SectorMap:
    sector_id: str
    sector_name: str
    outline: str  # SVG path data, one subpath per ring (fill-rule evenodd); "" without geometry
    ring_count: int
    neighbours: tuple[Neighbour, ...]
    lines: tuple[MapLine, ...]
    markers: tuple[MapMarker, ...]
    legend: tuple[LegendItem, ...]
    scale: ScaleBar
    bbox: tuple[float, float, float, float]  # west, south, east, north (degrees)
    unlocated_projects: int  # projects of the sector that the map cannot show
    unlocated_works: int  # non-past works orders of the sector without geometry
    unlocated_reports: int = 0  # open reports of the sector without a point
    base: "MapBase | None" = None  # streets, water, parks from the OpenStreetMap extract
    width: int = WIDTH
    height: int = HEIGHT
    groups: tuple[MarkerGroup, ...] = ()  # ordinary markers grouped on a crowded sector's map

    @property
    def drawn_markers(self) -> tuple[MapMarker, ...]:
        """The markers drawn one by one (not in a group)."""
        return tuple(m for m in self.markers if not m.grouped)

    @property
    def line_paths(self) -> tuple[tuple[str, str], ...]:
        """(tone, path data) of the works' courses, one path per tone: what the map draws."""
        by_tone: dict[str, list[str]] = {}
        for line in self.lines:
            by_tone.setdefault(line.tone, []).append(line.path)
        return tuple((tone, "".join(paths)) for tone, paths in by_tone.items())

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def projects(self) -> tuple[MapMarker, ...]:
        return tuple(m for m in self.markers if m.kind == "project")

    @property
    def works(self) -> tuple[MapMarker, ...]:
        return tuple(m for m in self.markers if m.kind == "works")

    @property
    def reports(self) -> tuple[MapMarker, ...]:
        """Overdue first, then open, then resolved (REPORT_TONES), each by number."""
        return tuple(m for m in self.markers if m.kind == "report")

    def reports_of(self, tone: str) -> tuple[MapMarker, ...]:
        return tuple(m for m in self.reports if m.tone == tone)

    @property
    def resolved_shown_days(self) -> int:
        return RESOLVED_SHOWN_DAYS


class _Placed(NamedTuple):
    kind: str  # "project", "works" or "report"
    record: Any  # Project, WorksOrder or Report
    point: Point  # (lon, lat) of its marker
    lines: list[list[Point]] | None  # (lon, lat) lines drawn under it; None: not yet looked for


# --- public entry point -----------------------------------------------------------
class _DrawnOnce:
    """Maps drawn once for a model: the sector's page and the interactive map's data (tiles)
    show the same sector map, and drawing it is most of what a rebuild spends on either.
    Forgotten with the model (a build's), so a new build never sees an old one's maps."""

    def __init__(self) -> None:
        self._by_model: dict[int, dict[Any, Any]] = {}

    def get(self, model: Model, key: Any, draw: Callable[[], Any]) -> Any:
        drawn = self._by_model.get(id(model))
        if drawn is None:
            drawn = self._by_model[id(model)] = {}
            weakref.finalize(model, self._by_model.pop, id(model), None)
        if key not in drawn:
            drawn[key] = draw()
        return drawn[key]


_sector_maps = _DrawnOnce()
_sector_records = _DrawnOnce()


def sector_map(model: Model, sector_id: str) -> SectorMap | None:
    """The map of one sector, or None when there is nothing to place on it (drawn once a build)."""
    return _sector_maps.get(model, sector_id, lambda: _draw_sector_map(model, sector_id))


@dataclass(frozen=True)
class SectorMapRecords:
    """What a sector's map shows, before any drawing: the records it places, in the order of
    its lists, and how many of the sector's it cannot place. Cheap enough for every build to
    know the lists under each map (their length decides whether they have pages of their own)."""

    placed: tuple[_Placed, ...]  # a works order with a geometry: its point, its lines found when drawn
    outline_rings: tuple[tuple[Point, ...], ...]
    unlocated_projects: int
    unlocated_works: int
    unlocated_reports: int
    listed: dict[str, tuple[MapMarker, ...]]  # by kind: each marker as its list names it (no position)


def sector_map_records(model: Model, sector_id: str) -> SectorMapRecords:
    """The records of one sector's map (once a build, shared by its drawing and its lists)."""
    return _sector_records.get(model, sector_id, lambda: _select_sector_records(model, sector_id))


def _select_sector_records(model: Model, sector_id: str) -> SectorMapRecords:
    sector = model.sector(sector_id)
    outline_rings = polygon_rings(sector.geometry) if sector.geometry else []
    geometry_points = [p for ring in outline_rings for p in ring]
    outline_bbox = _bbox(geometry_points) if geometry_points else None

    placed: list[_Placed] = []
    unlocated_projects = unlocated_works = 0
    for project in _sector_projects(model, sector_id):
        point = project_anchor(project)
        if point is not None and project.city_wide and outline_bbox and not _inside(point, outline_bbox):
            point = None  # a city-wide project shows on the map of the sector it lies in only
        if point is None:
            unlocated_projects += 1
        else:
            placed.append(_Placed("project", project, point, []))
    area = shape(sector.geometry) if sector.geometry else None
    for order in _sector_works(model, sector_id):
        if order.geometry is not None:  # placed: along its street when drawn, else as given
            placed.append(_Placed("works", order, geometry_anchor(order.geometry), None))
            continue
        on_street = _along_street(model.basemap, order, area)  # its whole street in the sector, or nowhere
        if on_street is None:
            unlocated_works += 1
        else:
            placed.append(_Placed("works", order, *on_street))
    unlocated_reports = 0
    for report in _sector_reports(model, sector_id):
        if report.point is None:
            unlocated_reports += report.is_open
        else:
            placed.append(_Placed("report", report, (report.point[1], report.point[0]), []))
    listed: dict[str, list[MapMarker]] = {kind: [] for kind in LIST_ID}
    for item in placed:
        listed[item.kind].append(_marker(item, model))
    return SectorMapRecords(tuple(placed), tuple(tuple(ring) for ring in outline_rings), unlocated_projects,
                            unlocated_works, unlocated_reports,
                            {kind: tuple(markers) for kind, markers in listed.items()})


@collector_paused()  # a map's many small tuples would set off full collections of the whole model
def _draw_sector_map(model: Model, sector_id: str) -> SectorMap | None:
    sector = model.sector(sector_id)
    records = sector_map_records(model, sector_id)
    outline_rings = records.outline_rings
    geometry_points = [p for ring in outline_rings for p in ring]
    placed = [_on_its_street(model.basemap, item) if item.lines is None else item for item in records.placed]
    if not geometry_points and not placed:
        return None
    # Whatever is placed widens the map: a marker is never clamped to the sector's box.
    every_point = geometry_points + [item.point for item in placed] + [
        p for item in placed for line in item.lines for p in line]
    projection = Projection.fitted(_bbox(every_point))

    scale = _scale_bar(projection)
    base = model.basemap or None  # an extract that could not be read: outlines only
    reserved = _reserved_boxes(scale, credit=base is not None)
    markers, lines = _markers_and_lines(placed, projection, reserved, model)
    groups: list[MarkerGroup] = []
    if len(markers) > MAX_SINGLE_MARKERS:
        markers, groups = _grouped(markers, reserved)
    spots = [(m.x, m.y) for m in markers if not m.grouped] + [(g.x, g.y) for g in groups]
    works_streets = [item.record.street for item in placed if item.kind == "works"]
    outline = rings_path(projection, outline_rings)
    neighbours = _neighbours(model, sector_id, projection, spots, reserved)
    budget = _base_budget(markers, groups, lines, neighbours, outline)

    return SectorMap(
        sector_id=sector.id,
        sector_name=sector.name,
        outline=outline,
        ring_count=sum(1 for ring in outline_rings if _ring_points(projection, ring)),
        neighbours=tuple(neighbours),
        lines=tuple(lines),
        markers=tuple(markers),
        legend=_legend(markers, model),
        scale=scale,
        bbox=projection.bbox,
        unlocated_projects=records.unlocated_projects,
        unlocated_works=records.unlocated_works,
        unlocated_reports=records.unlocated_reports,
        base=map_base(base, projection, works_streets, spots, reserved, budget=budget) if base else None,
        groups=tuple(groups),
    )


MAP_BYTES = 150_000  # a sector's map, its SVG markup, at most (issue 20: 150 KB)


def _base_budget(markers: Sequence[MapMarker], groups: Sequence["MarkerGroup"], lines: Sequence[MapLine],
                 neighbours: Sequence[Neighbour], outline: str) -> int:
    """What is left for the streets, water and parks (characters of path data) once the rest of
    the map is counted, generously (the template's markup around each piece, escaped titles):
    the markers come first, the background gets what remains, at most BASE_BUDGET."""
    rest = (12_000  # title, description, ground, scale, north arrow, credit, street names
            + sum(int(len(m.name) * 1.15) + len(m.url) + 300 for m in markers if not m.grouped)
            + 420 * len(groups)
            + sum(2 * len(line.path) for line in lines) + 200
            + sum(len(n.path) + 120 for n in neighbours)
            + 2 * len(outline) + 200)
    return max(0, min(BASE_BUDGET, MAP_BYTES - rest))


# --- a crowded sector: ordinary markers grouped ----------------------------------------
MAX_SINGLE_MARKERS = 150  # beyond, the map would be a heap of symbols and over 150 KB
GROUP_CELL_PX = 100.0  # ordinary markers of one tone whose records lie in one such square
# Never grouped: the bad news (late, suspended or cancelled projects, withdrawn works orders,
# overdue reports) each keep their own symbol, so that none hides in a count.
BAD_NEWS_TONES = ("late", "stopped", "works-cancelled", "report-overdue")


def _never_grouped(marker: MapMarker) -> bool:
    """Bad news by its tone, or a project's other bad news (over budget while on time)."""
    return marker.tone in BAD_NEWS_TONES or (marker.kind == "project" and marker.record is not None
                                             and marker.record.has_bad_news)
GROUP_NAME = {
    "on-time": "projets dans les temps", "done": "projets terminés",
    "works-active": "arrêtés de travaux en cours", "works-soon": "arrêtés de travaux prochains",
    "works-later": "arrêtés de travaux prévus plus tard",
    "report-open": "signalements en cours de traitement", "report-resolved": "signalements résolus",
}
LIST_ID = {"project": "carte-projets", "works": "carte-travaux", "report": "carte-signalements"}


def _grouped(markers: Sequence[MapMarker], reserved: Sequence[Box]
             ) -> tuple[list[MapMarker], list[MarkerGroup]]:
    """Ordinary markers of one tone whose records lie in one GROUP_CELL_PX square, two or
    more, become one group at their middle; the markers left alone and the groups are
    spread again from where their records are (bad news first: they keep their places)."""
    cells: dict[tuple[str, str, int, int], list[int]] = {}
    for position, marker in enumerate(markers):
        if not _never_grouped(marker):
            cell = (marker.kind, marker.tone, math.floor(marker.anchor_x / GROUP_CELL_PX),
                    math.floor(marker.anchor_y / GROUP_CELL_PX))
            cells.setdefault(cell, []).append(position)
    grouped = {position for members in cells.values() if len(members) > 1 for position in members}
    alone = sorted((position for position in range(len(markers)) if position not in grouped),
                   key=lambda position: not _never_grouped(markers[position]))
    groups_of = [members for members in cells.values() if len(members) > 1]
    middles = [(round(sum(markers[p].anchor_x for p in members) / len(members), 1),
                round(sum(markers[p].anchor_y for p in members) / len(members), 1)) for members in groups_of]
    spots = spread([(markers[p].anchor_x, markers[p].anchor_y) for p in alone] + middles, reserved)
    moved = dict(zip(alone, spots))
    result = [dataclasses.replace(marker, x=moved[position][0], y=moved[position][1]) if position in moved
              else dataclasses.replace(marker, x=marker.anchor_x, y=marker.anchor_y, grouped=True)
              for position, marker in enumerate(markers)]
    groups = [MarkerGroup(kind=markers[members[0]].kind, shape=markers[members[0]].shape,
                          tone=markers[members[0]].tone, x=x, y=y, count=len(members),
                          anchor_x=middle[0], anchor_y=middle[1], list_id=LIST_ID[markers[members[0]].kind])
              for members, middle, (x, y) in zip(groups_of, middles, spots[len(alone):])]
    return result, groups


def _markers_and_lines(placed: Sequence[_Placed], projection: "Projection", reserved: Sequence["Box"],
                       model: Model) -> tuple[list[MapMarker], list[MapLine]]:
    """A marker per placed record, moved aside where it would hide another, and the lines under them."""
    anchors = [projection(item.point) for item in placed]
    markers, lines = [], []
    for item, anchor, (x, y) in zip(placed, anchors, spread(anchors, reserved)):
        marker = _marker(item, model, x, y, anchor)
        markers.append(marker)
        paths = (line_path(projection, part) for part in item.lines)
        lines += [MapLine(path, marker.tone) for path in paths if path]
    return markers, lines


def _marker(item: _Placed, model: Model, x: float = 0.0, y: float = 0.0, anchor: Point = (0.0, 0.0)) -> MapMarker:
    """A placed record's marker: drawn at (x, y) for its anchor; at 0, 0 as the lists name it."""
    record = item.record
    tone, label = _tone_and_label(item.kind, record, model)
    return MapMarker(
        kind=item.kind, shape=REPORT_SHAPE.get(tone, SHAPE.get(item.kind, "")), x=x, y=y,
        url=record.url, title=_title(item.kind, record), place=_marker_place(item.kind, record),
        tone=tone, label=label, anchor_x=anchor[0], anchor_y=anchor[1], record=record,
        point=item.point, course=tuple(tuple(part) for part in item.lines or ()),
    )


def _on_its_street(basemap: Any, item: _Placed) -> _Placed:
    """A works order with a geometry, drawn along its street when the extract knows the stretch."""
    order = item.record
    on_street = _along_street(basemap, order, None)  # the area serves only orders without geometry
    if on_street is not None:
        return _Placed("works", order, *on_street)
    return _Placed("works", order, item.point, line_parts(order.geometry))


def _tone_and_label(kind: str, record: Any, model: Model) -> tuple[str, str]:
    if kind == "project":
        return _project_tone(record), _project_label(record)
    if kind == "works":
        return _works_tone(record), _works_label(record, model)
    resolved = f" le {date_fr(record.resolved)}" if record.is_resolved else ""
    return _report_tone(record), report_state_fr(record) + resolved


def _title(kind: str, record: Any) -> str:
    """A report has no title: its tracking number and its kind name it."""
    return f"n° {record.number}, {record.service.name}" if kind == "report" else record.title


def _marker_place(kind: str, record: Any) -> str | None:
    if kind == "project":
        return _place(record)
    return _street(record)


# --- selection --------------------------------------------------------------------
def _sector_projects(model: Model, sector_id: str) -> list[Project]:
    projects = _by_sector(model)[sector_id][0]
    return sorted(projects, key=lambda p: (STATUS_ORDER.index(p.status), p.title, p.id))


def _sector_works(model: Model, sector_id: str) -> list[WorksOrder]:
    """Works orders of the sector that are not over: in force today, soon or later."""
    works = _by_sector(model)[sector_id][1]
    return sorted(works, key=lambda w: (TIMING_ORDER.index(w.timing), w.start_date, w.id))


_grouped_by_sector = _DrawnOnce()


def _by_sector(model: Model) -> dict[str, tuple[list[Project], list[WorksOrder]]]:
    """Each sector's projects, and its works orders not over, in one pass over the city's records
    (every build lists each sector map's markers: one pass per sector was most of it at size L)."""
    def grouped() -> dict[str, tuple[list[Project], list[WorksOrder]]]:
        projects = by_sector_id(model.projects)
        works = by_sector_id([order for order in model.works if order.timing in TIMING_ORDER])
        return {sector.id: (projects.get(sector.id, []), works.get(sector.id, [])) for sector in model.sectors}
    return _grouped_by_sector.get(model, None, grouped)


def _sector_reports(model: Model, sector_id: str) -> list[Report]:
    """Open reports of the sector, and those resolved in the last RESOLVED_SHOWN_DAYS days:
    overdue first (most overdue first), then open, then resolved, each by number."""
    shown = [r for r in model.views[sector_id].reports if r.is_open or _recently_resolved(r, model)]
    return sorted(shown, key=lambda r: (REPORT_TONES.index(_report_tone(r)), -r.days_overdue, r.number))


def _recently_resolved(report: Report, model: Model) -> bool:
    return report.is_resolved and (model.today - report.resolved).days <= RESOLVED_SHOWN_DAYS


def _report_tone(report: Report) -> str:
    if report.is_overdue:
        return "report-overdue"
    return "report-open" if report.is_open else "report-resolved"


def _project_tone(project: Project) -> str:
    return project.tone


def _works_tone(order: WorksOrder) -> str:
    return "works-cancelled" if order.is_cancelled else WORKS_TONE_OF_TIMING[order.timing]


def _project_label(project: Project) -> str:
    return project_status_fr(project)


def _works_label(order: WorksOrder, model: Model) -> str:
    return WORKS_TONE_LABEL[_works_tone(order)].format(days=_upcoming_days(model))


def _upcoming_days(model: Model) -> int:
    return model.settings.upcoming_works_days


def _place(project: Project) -> str | None:
    return project.location.address if project.location else None


def _street(record: WorksOrder | Report) -> str:
    return f"{record.street}, {record.section}" if record.section else record.street


WORKS_TONE_LABEL = {
    "works-active": "Travaux en cours",
    "works-soon": "Travaux dans les {days} prochains jours",
    "works-later": "Travaux prévus plus tard",
    "works-cancelled": "Arrêté retiré",
    "works-past": "Travaux terminés",
}
LEGEND_LABEL = {
    "on-time": "Projet dans les temps",
    "late": "Projet en retard",
    "stopped": "Projet suspendu ou annulé",
    "done": "Projet terminé",
    **{tone: text for tone, text in WORKS_TONE_LABEL.items()},
    "report-overdue": "Signalement en retard (triangle rouge)",
    "report-open": "Signalement en cours de traitement (losange orange)",
    "report-resolved": "Signalement résolu depuis moins de {resolved_days} (écusson vert)",
}
MARKER_KIND = {"project": "Projet", "works": "Arrêté de travaux", "report": "Signalement"}


def _legend(markers: Sequence[MapMarker], model: Model) -> tuple[LegendItem, ...]:
    """One entry per tone shown on the map, projects first."""
    shown = {m.tone for m in markers}
    items = [LegendItem("project", SHAPE["project"], tone, LEGEND_LABEL[tone])
             for tone in PROJECT_TONES if tone in shown]
    items += [LegendItem("works", SHAPE["works"], tone,
                         LEGEND_LABEL[tone].format(days=_upcoming_days(model)))
              for tone in (*WORKS_TONES, WORKS_PAST) if tone in shown]
    items += [LegendItem("report", REPORT_SHAPE[tone], tone,
                         LEGEND_LABEL[tone].format(resolved_days=days_fr(RESOLVED_SHOWN_DAYS)))
              for tone in REPORT_TONES if tone in shown]
    return tuple(items)


# --- geometry (longitude, latitude) -------------------------------------------------
def polygon_rings(geometry: dict[str, Any]) -> list[list[Point]]:
    """Every ring (outer boundaries and holes) of a Polygon or MultiPolygon."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    return [[(float(p[0]), float(p[1])) for p in ring] for polygon in polygons for ring in polygon]


def line_parts(geometry: dict[str, Any]) -> list[list[Point]]:
    """The lines to draw for a works order's geometry (none for points)."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "LineString":
        return [[(float(p[0]), float(p[1])) for p in coordinates]]
    if kind == "MultiLineString":
        return [[(float(p[0]), float(p[1])) for p in line] for line in coordinates]
    if kind in ("Polygon", "MultiPolygon"):
        return polygon_rings(geometry)
    return []


def project_anchor(project: Project) -> Point | None:
    """Where a project's marker goes: lat/lon, else the middle of its geometry."""
    location = project.location
    if location is None:
        return None
    if location.lat is not None and location.lon is not None:
        return (float(location.lon), float(location.lat))
    if location.geometry:
        return geometry_anchor(location.geometry)
    return None


def geometry_anchor(geometry: dict[str, Any]) -> Point:
    """A point, the first of several points, the middle of a line, a polygon's centroid."""
    kind, coordinates = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        return (float(coordinates[0]), float(coordinates[1]))
    if kind == "MultiPoint":
        return (float(coordinates[0][0]), float(coordinates[0][1]))
    if kind in ("LineString", "MultiLineString"):
        lines = line_parts(geometry)
        return _line_midpoint(max(lines, key=_ground_length))
    outers = [polygon[0] for polygon in ([coordinates] if kind == "Polygon" else coordinates)]
    largest = max(([(float(p[0]), float(p[1])) for p in ring] for ring in outers),
                  key=lambda ring: abs(_signed_area(ring)))
    return _centroid(largest)


def _ground_length(line: Sequence[Point]) -> float:
    k = math.cos(math.radians(line[0][1]))
    return sum(math.hypot((b[0] - a[0]) * k, b[1] - a[1]) for a, b in zip(line, line[1:]))


def _line_midpoint(line: Sequence[Point]) -> Point:
    """The point halfway along a line (ground distance, cos(latitude) corrected)."""
    k = math.cos(math.radians(line[0][1]))
    half = _ground_length(line) / 2
    for a, b in zip(line, line[1:]):
        step = math.hypot((b[0] - a[0]) * k, b[1] - a[1])
        if step >= half and step > 0:
            t = half / step
            return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
        half -= step
    return line[0]


def _signed_area(ring: Sequence[Point]) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, list(ring[1:]) + [ring[0]])) / 2


def _centroid(ring: Sequence[Point]) -> Point:
    area = _signed_area(ring)
    if abs(area) < 1e-15:
        return (sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))
    pairs = list(zip(ring, list(ring[1:]) + [ring[0]]))
    cx = sum((a[0] + b[0]) * (a[0] * b[1] - b[0] * a[1]) for a, b in pairs) / (6 * area)
    cy = sum((a[1] + b[1]) * (a[0] * b[1] - b[0] * a[1]) for a, b in pairs) / (6 * area)
    return (cx, cy)


def _bbox(points: Iterable[Point]) -> tuple[float, float, float, float]:
    points = list(points)
    return (min(p[0] for p in points), min(p[1] for p in points),
            max(p[0] for p in points), max(p[1] for p in points))


def _inside(point: Point, bbox: tuple[float, float, float, float]) -> bool:
    return bbox[0] <= point[0] <= bbox[2] and bbox[1] <= point[1] <= bbox[3]


# --- projection -----------------------------------------------------------------------
@dataclass(frozen=True)
class Projection:
    """Equirectangular, fitted to a bounding box; north up."""

    west: float
    north: float
    k: float  # cos(middle latitude): ground length of a degree of longitude
    scale: float  # px per degree of latitude
    x0: float
    y0: float
    bbox: tuple[float, float, float, float]

    @classmethod
    def fitted(cls, bbox: tuple[float, float, float, float], min_span: float = MIN_SPAN_DEGREES) -> "Projection":
        west, south, east, north = bbox
        k = math.cos(math.radians((south + north) / 2))
        # A bounding box too small (one marker, a short street) is widened around its centre.
        if (east - west) * k < min_span:
            middle, half = (west + east) / 2, min_span / k / 2
            west, east = middle - half, middle + half
        if north - south < min_span:
            middle = (south + north) / 2
            south, north = middle - min_span / 2, middle + min_span / 2
        ground_width, ground_height = (east - west) * k, north - south
        room_width, room_height = WIDTH - 2 * MARGIN, HEIGHT - MARGIN - BOTTOM_MARGIN
        scale = min(room_width / ground_width, room_height / ground_height)
        x0 = MARGIN + (room_width - ground_width * scale) / 2
        y0 = MARGIN + (room_height - ground_height * scale) / 2
        return cls(west, north, k, scale, x0, y0, (west, south, east, north))

    def __call__(self, point: Point) -> Point:
        lon, lat = point
        return (round(self.x0 + (lon - self.west) * self.k * self.scale, 1),
                round(self.y0 + (self.north - lat) * self.scale, 1))

    def many(self, coordinates: Any) -> list[Point]:
        """``[self(p) for p in coordinates]`` for an (n, 2) numpy array of (lon, lat)."""
        xs, ys = self.many_xy(coordinates)
        return list(zip(xs, ys))

    def many_xy(self, coordinates: Any) -> tuple[list[float], list[float]]:
        """The x and the y of ``self.many(coordinates)``, apart."""
        return (rounded_tenths(self.x0 + (coordinates[:, 0] - self.west) * self.k * self.scale),
                rounded_tenths(self.y0 + (self.north - coordinates[:, 1]) * self.scale))

    @property
    def metres_per_px(self) -> float:
        return METRES_PER_DEGREE / self.scale

    def inverse(self, x: float, y: float) -> Point:
        return (self.west + (x - self.x0) / (self.k * self.scale), self.north - (y - self.y0) / self.scale)

    @property
    def frame(self) -> tuple[float, float, float, float]:
        """The whole viewBox in degrees: west, south, east, north."""
        (west, north), (east, south) = self.inverse(0, 0), self.inverse(WIDTH, HEIGHT)
        return (west, south, east, north)


def rounded_tenths(values: np.ndarray) -> list[float]:
    """``[round(v, 1) for v in values]``, the same floats, for a numpy array. Python rounds the
    exact value half-even to a decimal and reads it back: numpy's rint of ``v * 10``, divided by
    10, gives that float wherever the product is not within a hair of a half (its error is far
    smaller); the few values that close are rounded by ``round`` itself."""
    tenths = values * 10
    rounded = (np.rint(tenths) / 10).tolist()
    for position in np.flatnonzero(np.abs(tenths - np.floor(tenths) - 0.5) < 1e-6).tolist():
        rounded[position] = round(float(values[position]), 1)
    return rounded


def _ring_points(projection: Projection, ring: Sequence[Point]) -> list[Point]:
    """A closed ring in px, simplified, without its closing point; [] when it collapses."""
    return _ring_points_px([projection(p) for p in ring])


def _ring_points_px(points: Sequence[Point]) -> list[Point]:
    """_ring_points of a ring already projected (px)."""
    points = _simplified(points)
    if len(points) > 1 and points[0] == points[-1]:
        points = points[:-1]
    while len(points) > 2 and math.dist(points[-1], points[0]) < MIN_STEP_PX:
        points = points[:-1]
    return points if len(points) >= 3 else []


def _simplified(points: Sequence[Point]) -> list[Point]:
    """Drop points closer than 1 px to the last kept one; the line still ends where it ends."""
    kept: list[Point] = []
    for point in points:
        if not kept or math.dist(point, kept[-1]) >= MIN_STEP_PX:
            kept.append(point)
    if len(points) > 1 and kept[-1] != points[-1]:
        if len(kept) > 1:
            kept[-1] = points[-1]
        else:
            kept.append(points[-1])
    return kept


def rings_path(projection: Projection, rings: Iterable[Sequence[Point]]) -> str:
    """SVG path data: one closed subpath per ring."""
    return "".join(_subpath(points, closed=True)
                   for points in (_ring_points(projection, ring) for ring in rings) if points)


def line_path(projection: Projection, line: Sequence[Point]) -> str:
    return _line_path_px([projection(p) for p in line])


def _line_path_px(points: Sequence[Point]) -> str:
    """SVG path data of a line already projected (px)."""
    points = _simplified(points)
    return _subpath(points, closed=False) if len(points) >= 2 else ""


def _subpath(points: Sequence[Point], closed: bool) -> str:
    """``M x y L x y x y…[Z]``, each number as ``number`` writes it: formatted at 0.1 px all at
    once, then the useless ".0" and the sign of a zero taken off the whole string."""
    head, *rest = points
    text = f"M{'%.1f %.1f' % head}L{' '.join(['%.1f %.1f' % point for point in rest])}{'Z' if closed else ''}"
    return _NEGATIVE_ZERO.sub("0", _USELESS_ZERO.sub("", text))


_USELESS_ZERO = re.compile(r"\.0(?![0-9])")  # "12.0" → "12" (every number has one decimal here)
_NEGATIVE_ZERO = re.compile(r"(?<![0-9.])-0(?![0-9.])")  # "-0" → "0"


def _pair(point: Point) -> str:
    return f"{number(point[0])} {number(point[1])}"


def number(value: float) -> str:
    """0.1 px precision, no useless zero: 12, 12.5, -3.2."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# --- markers that would hide each other ----------------------------------------------
SPACING = 22.0  # px between marker centres: markers are 20 px wide
EDGE = 14.0  # a moved marker stays this far inside the viewBox
Box = tuple[float, float, float, float]  # left, top, right, bottom in px


def spread(points: Sequence[Point], reserved: Sequence[Box] = ()) -> list[Point]:
    """Positions where no marker hides another: the first keeps its place, a later one
    too close to an earlier one moves to the nearest free spot on rings around it
    (never onto the scale bar or the north arrow)."""
    placed: list[Point] = []
    # Placed markers by grid cell of SPACING px: a marker closer than SPACING to a spot
    # lies in the spot's cell or one of its 8 neighbours, so each check stays local.
    cells: dict[tuple[int, int], list[Point]] = {}

    def is_free(spot: Point, point: Point) -> bool:
        column, row = _cell(spot)
        for near_column in (column - 1, column, column + 1):
            for near_row in (row - 1, row, row + 1):
                for other in cells.get((near_column, near_row), ()):
                    if math.dist(spot, other) < SPACING:
                        return False
        return spot == point or all(_box_distance(box, spot) > SPACING / 2 for box in reserved)

    for point in points:
        spot = next((c for c in _candidates(point) if is_free(c, point)), point)
        placed.append(spot)
        cells.setdefault(_cell(spot), []).append(spot)
    return placed


def _cell(point: Point) -> tuple[int, int]:
    return math.floor(point[0] / SPACING), math.floor(point[1] / SPACING)


# Offsets of the spots tried around a marker: rings of 6, 12… spots, each starting straight above.
_RING_OFFSETS = tuple(
    (ring * SPACING * math.cos(angle), ring * SPACING * math.sin(angle))
    for ring in range(1, 8) for angle in (-math.pi / 2 + 2 * math.pi * step / (6 * ring) for step in range(6 * ring)))


def _candidates(point: Point) -> Iterable[Point]:
    yield point
    for dx, dy in _RING_OFFSETS:
        x, y = round(point[0] + dx, 1), round(point[1] + dy, 1)
        if EDGE <= x <= WIDTH - EDGE and EDGE <= y <= HEIGHT - EDGE:
            yield (x, y)


# --- context: neighbouring sectors, scale ------------------------------------------
def _neighbours(model: Model, sector_id: str, projection: Projection,
                markers: Sequence[Point], reserved: Sequence[Box]) -> list[Neighbour]:
    """Other sectors' outlines, clipped to the map, labelled where enough of them shows."""
    neighbours = []
    for other in model.sectors:
        if other.id == sector_id or not other.geometry:
            continue
        clipped = (_clip([projection(p) for p in ring]) for ring in polygon_rings(other.geometry))
        rings = [r for r in (_simplified(c) for c in clipped if len(c) >= 3) if len(r) >= 3]
        if not rings:
            continue
        largest = max(rings, key=lambda r: abs(_signed_area(r)))
        label = other.short_name or other.name
        big_enough = abs(_signed_area(largest)) >= MIN_LABELLED_AREA_PX
        spot = _label_spot(label, largest, markers, reserved) if big_enough else None
        label_x, label_y = spot if spot else (None, None)
        neighbours.append(Neighbour(
            sector_id=other.id,
            path="".join(_subpath(r, closed=True) for r in rings),
            label=label,
            label_x=label_x, label_y=label_y,
        ))
    return neighbours


MIN_LABELLED_AREA_PX = 12_000  # a neighbour showing less than this carries no name
LABEL_CHAR_PX = 10.0  # width of a character of a 17 px label, generously
LABEL_HEIGHT_PX = 22.0
# Places tried for a label, nearest to the centroid first.
LABEL_OFFSETS = sorted(((dx, dy) for dx in range(-150, 151, 30) for dy in range(-120, 121, 15)),
                       key=lambda d: (math.hypot(*d), d))


def _label_spot(label: str, ring: Sequence[Point], markers: Sequence[Point],
                reserved: Sequence[Box]) -> Point | None:
    """Where a neighbour's name fits: inside it, inside the map, clear of every marker,
    of the scale bar and of the north arrow."""
    half_width = len(label) * LABEL_CHAR_PX / 2
    cx, cy = _centroid(ring)
    for dx, dy in LABEL_OFFSETS:
        x, y = round(cx + dx, 1), round(cy + dy, 1)  # y: the text's baseline, box above it
        box = (x - half_width, y - LABEL_HEIGHT_PX + 4, x + half_width, y + 6)  # as _neighbour_label_box
        fits = 4 <= box[0] and box[2] <= WIDTH - 4 and 4 <= box[1] and box[3] <= HEIGHT - 4
        corners = ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3]))
        if (fits and all(_in_ring(c, ring) for c in corners)
                and all(_box_distance(box, m) > 14 for m in markers)
                and not any(_overlap(box, other) for other in reserved)):
            return (x, y)
    return None


def _neighbour_label_box(neighbour: Neighbour) -> Box:
    """The box _label_spot kept clear for a neighbour's name."""
    half_width = len(neighbour.label) * LABEL_CHAR_PX / 2
    x, y = neighbour.label_x, neighbour.label_y
    return (x - half_width, y - LABEL_HEIGHT_PX + 4, x + half_width, y + 6)


def _in_ring(point: Point, ring: Sequence[Point]) -> bool:
    """Even-odd rule."""
    x, y = point
    inside = False
    for a, b in zip(ring, list(ring[1:]) + [ring[0]]):
        if (a[1] > y) != (b[1] > y) and x < a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]):
            inside = not inside
    return inside


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _box_distance(box: Box, point: Point) -> float:
    dx = max(box[0] - point[0], 0, point[0] - box[2])
    dy = max(box[1] - point[1], 0, point[1] - box[3])
    return math.hypot(dx, dy)


def _clip(ring: Sequence[Point]) -> list[Point]:
    """Sutherland–Hodgman clipping of a ring to the viewBox."""
    edges = (
        (lambda p: p[0] >= 0, lambda a, b: _cut_x(a, b, 0)),
        (lambda p: p[0] <= WIDTH, lambda a, b: _cut_x(a, b, WIDTH)),
        (lambda p: p[1] >= 0, lambda a, b: _cut_y(a, b, 0)),
        (lambda p: p[1] <= HEIGHT, lambda a, b: _cut_y(a, b, HEIGHT)),
    )
    points = list(ring)
    for inside, cut in edges:
        if not points:
            break
        result: list[Point] = []
        for current, previous in zip(points, [points[-1]] + points[:-1]):
            if inside(current):
                if not inside(previous):
                    result.append(cut(previous, current))
                result.append(current)
            elif inside(previous):
                result.append(cut(previous, current))
        points = result
    return [(round(x, 1), round(y, 1)) for x, y in points]


def _cut_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + (b[1] - a[1]) * t)


def _cut_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + (b[0] - a[0]) * t, y)


# The template draws the scale bar from (24, HEIGHT - 18), the north arrow around
# (WIDTH - 22, 30) and the OpenStreetMap credit in the bottom right corner: keep these
# numbers and partials/sector_map.html together.
CREDIT_BOX = (WIDTH - 420, HEIGHT - 26, WIDTH - 4, HEIGHT - 4)


def _reserved_boxes(scale: ScaleBar, credit: bool = False) -> tuple[Box, ...]:
    scale_box = (16, HEIGHT - 44, 24 + scale.length_px + 66, HEIGHT - 8)
    north_box = (WIDTH - 32, 10, WIDTH - 12, 56)
    return (scale_box, north_box, CREDIT_BOX) if credit else (scale_box, north_box)


NICE_LENGTHS = (20, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 50_000)


def _scale_bar(projection: Projection) -> ScaleBar:
    """The longest round length that fits in 160 px."""
    per_px = projection.metres_per_px
    length = max((m for m in NICE_LENGTHS if m / per_px <= 160), default=NICE_LENGTHS[0])
    label = f"{length // 1000} km" if length >= 1000 and length % 1000 == 0 else (
        f"{length / 1000:g} km".replace(".", ",") if length >= 1000 else f"{length} m")
    return ScaleBar(round(length / per_px, 1), label)


# --- a street's map (/rues/<id>/) -------------------------------------------------------
@collector_paused()
def street_map(model: Model, street: Any) -> SectorMap | None:
    """The map of one street (model/streets.py ``Street``), centred on its records: its works
    orders not over yet, its projects, its open and lately resolved reports, the sectors
    around for context; None when none of them is located."""
    placed: list[_Placed] = []
    unlocated_projects = unlocated_works = unlocated_reports = 0
    for project in street.projects:
        point = project_anchor(project)
        if point is None:
            unlocated_projects += 1
        else:
            placed.append(_Placed("project", project, point, []))
    for order in street.works:
        if order.geometry is None:
            unlocated_works += 1
        else:
            placed.append(_Placed("works", order, geometry_anchor(order.geometry), line_parts(order.geometry)))
    reports = sorted([*street.reports, *street.resolved_reports],
                     key=lambda r: (REPORT_TONES.index(_report_tone(r)), -r.days_overdue, r.number))
    for report in reports:
        if report.point is None:
            unlocated_reports += report.is_open
        else:
            placed.append(_Placed("report", report, (report.point[1], report.point[0]), []))
    if not placed:
        return None
    projection = Projection.fitted(_bbox([item.point for item in placed]
                                         + [p for item in placed for line in item.lines for p in line]))
    scale = _scale_bar(projection)
    base = model.basemap or None  # an extract that could not be read: no streets drawn
    reserved = _reserved_boxes(scale, credit=base is not None)
    markers, lines = _markers_and_lines(placed, projection, reserved, model)
    return SectorMap(
        sector_id=street.id, sector_name=street.name, outline="", ring_count=0,
        neighbours=tuple(_neighbours(model, "", projection, [(m.x, m.y) for m in markers], reserved)),
        lines=tuple(lines), markers=tuple(markers), legend=_legend(markers, model), scale=scale,
        bbox=projection.bbox, unlocated_projects=unlocated_projects, unlocated_works=unlocated_works,
        unlocated_reports=unlocated_reports,
        base=map_base(base, projection, [street.name], [(m.x, m.y) for m in markers], reserved) if base else None)


# --- a project's or a works order's own map (/projets/<id>/, /travaux/<id>/) -------------------
RECORD_SPAN_DEGREES = 0.004  # about 450 m north–south, 650 m across: the streets around, at street level


@collector_paused()
def project_map(model: Model, project: Project) -> SectorMap | None:
    """The map of a project's place, centred on it at street level, the streets its address
    names written on it; None when the project has no place (a whole city's, a sector's)."""
    point = project_anchor(project)
    if point is None:
        return None
    return _record_map(model, _Placed("project", project, point, []), project.street_names)


@collector_paused()
def works_map(model: Model, order: WorksOrder) -> SectorMap | None:
    """The map of a works order, centred on it at street level and drawn along its street as
    the sector maps draw it (in its sectors when it has no geometry of its own); None when
    neither its geometry nor the extract places it."""
    areas = [shape(s.geometry) for s in model.sectors if s.id in order.sector_ids and s.geometry]
    on_street = _along_street(model.basemap, order, unary_union(areas) if areas else None)
    if on_street is not None:
        placed = _Placed("works", order, *on_street)
    elif order.geometry is not None:
        placed = _Placed("works", order, geometry_anchor(order.geometry), line_parts(order.geometry))
    else:
        return None
    return _record_map(model, placed, [order.street])


def _record_map(model: Model, item: _Placed, street_names: Sequence[str]) -> SectorMap:
    """One record's marker on the streets around it, every street named where it fits."""
    projection = Projection.fitted(_bbox([item.point, *(p for line in item.lines for p in line)]),
                                   RECORD_SPAN_DEGREES)
    scale = _scale_bar(projection)
    base = model.basemap or None  # an extract that could not be read: the sectors' outlines only
    reserved = _reserved_boxes(scale, credit=base is not None)
    markers, lines = _markers_and_lines([item], projection, reserved, model)
    spots = [(m.x, m.y) for m in markers]
    neighbours = _neighbours(model, "", projection, spots, reserved)
    # Street names keep clear of the sectors' names too: at street level one of them is near the record.
    named = [*reserved, *(_neighbour_label_box(n) for n in neighbours if n.label_x is not None)]
    return SectorMap(
        sector_id=item.record.id, sector_name=item.record.title, outline="", ring_count=0,
        neighbours=tuple(neighbours), lines=tuple(lines), markers=tuple(markers),
        legend=_legend(markers, model), scale=scale, bbox=projection.bbox, unlocated_projects=0,
        unlocated_works=0,
        base=map_base(base, projection, street_names, spots, named, every_street=True) if base else None)


# --- the OpenStreetMap background: streets, water, parks, names -------------------------
WORKS_STRETCH_DEGREES = 0.0006  # about 65 m each side of a works order's point, along its street
BASE_BUDGET = 100_000  # characters of path data at most: the map stays under 150 KB
SIMPLIFY_PX = 0.8
STREET_LABEL_CLASSES = ("major", "secondary", "tertiary")  # named on every map; others if works there
LABEL_FONT_PX = {"major": 14, "secondary": 14}  # else 13 (template: .map-names)
LABEL_MIN_GAP = 4.0


@dataclass(frozen=True)
class PlaceName:
    """A name written on the map, rotated along its street (degrees, clockwise)."""

    text: str
    x: float
    y: float
    angle: float
    kind: str  # "street", "main-street", "water", "green", "square"


@dataclass(frozen=True)
class MapBase:
    """What the OpenStreetMap extract shows in the map's frame, as SVG path data."""

    greens: str
    waters: str  # areas
    waterways: tuple[tuple[str, str], ...]  # (style, path): river, canal, stream
    rails: str
    squares: str
    roads: tuple[tuple[str, str], ...]  # (class, path), least important first: drawn under
    names: tuple[PlaceName, ...]
    date: dt.date | None  # the extract's date, as its header says it


def _along_street(basemap: Any, order: WorksOrder, area: Any
                  ) -> tuple[Point, list[list[Point]]] | None:
    """Where a works order lies on the street it names, from the extract: the stretch of the
    street around its point, or the whole street in ``area`` (shapely: its sector or sectors)
    when it has no geometry. None: keep the order's own geometry (a line is drawn as given)."""
    if not basemap:
        return None
    kind = order.geometry["type"] if order.geometry else None
    if kind == "Point":
        point = (float(order.geometry["coordinates"][0]), float(order.geometry["coordinates"][1]))
        stretch = basemap.street_near(order.street, point, WORKS_STRETCH_DEGREES)
        return (point, _lines_of(stretch)) if stretch is not None and not stretch.is_empty else None
    if kind is not None:
        return None
    course = basemap.street(order.street)
    if course is not None and area is not None:
        course = course.intersection(area)
    lines = _lines_of(course) if course is not None else []
    if not lines:
        return None
    return _line_midpoint(max(lines, key=_ground_length)), lines


def _lines_of(geometry: Any) -> list[list[Point]]:
    """The (lon, lat) lines of a shapely line, multi-line or collection; points dropped."""
    if geometry is None or geometry.is_empty:
        return []
    if geometry.geom_type == "LineString":
        return [[(float(x), float(y)) for x, y in geometry.coords]] if len(geometry.coords) >= 2 else []
    if hasattr(geometry, "geoms"):
        return [line for part in geometry.geoms for line in _lines_of(part)]
    return []


class _InPx(dict):
    """Each feature's lines in px, projected once (for its path and the names written along
    it) and only when asked for: the classes of streets left out for size never are. A feature
    asked for brings its whole class ((kind, style) among ``features``), projected in one array."""

    def __init__(self, projection: Projection, features: Sequence[Any] = ()) -> None:
        super().__init__()
        self.projection = projection
        self.classes: dict[tuple[str, str], list[Any]] = {}
        for feature in features:
            self.classes.setdefault((feature.kind, feature.style), []).append(feature)

    def __missing__(self, feature: Any) -> list[list[Point]]:
        same_class = self.classes.get((feature.kind, feature.style), [])
        batch = same_class if any(other is feature for other in same_class) else [feature]
        for other, lines in zip(batch, _many_lines_in_px([f.geometry for f in batch], self.projection)):
            self[other] = lines
        return self[feature]


def _many_lines_in_px(geometries: Sequence[Any], projection: Projection) -> list[list[list[Point]]]:
    """Each geometry's lines in px (``[[projection(p) for p in line] for line in _lines_of(g)]``),
    every coordinate read and projected as one array: the same arithmetic, the same numbers."""
    owners, lines = [], []
    simple = shapely.get_type_id(np.array(geometries, dtype=object)) == LINE_STRING_TYPE_ID
    for owner, (geometry, is_simple) in enumerate(zip(geometries, simple.tolist())):
        for line in ([geometry] if is_simple else _line_strings(geometry)):
            owners.append(owner)
            lines.append(line)
    found: list[list[list[Point]]] = [[] for _ in geometries]
    if not lines:
        return found
    coordinates, line_of = shapely.get_coordinates(lines, return_index=True)
    xs, ys = projection.many_xy(coordinates)
    start = 0
    for owner, count in zip(owners, np.bincount(line_of, minlength=len(lines)).tolist()):
        if count >= 2:  # an empty line has none
            found[owner].append(list(zip(xs[start:start + count], ys[start:start + count])))
        start += count
    return found


LINE_STRING_TYPE_ID = 1  # shapely.get_type_id of a LineString


def _line_strings(geometry: Any) -> list[Any]:
    """The lines of a shapely line, multi-line or collection, as ``_lines_of`` finds them."""
    if geometry.is_empty:
        return []
    if geometry.geom_type == "LineString":
        return [geometry]
    if hasattr(geometry, "geoms"):
        return [line for part in geometry.geoms for line in _line_strings(part)]
    return []


def _polygon_rings(geometry: Any) -> list[Any]:
    """Every ring (outer boundaries and holes) of a shapely polygon or multipolygon."""
    if geometry.is_empty:
        return []
    if geometry.geom_type == "Polygon":
        return [geometry.exterior, *geometry.interiors]
    if hasattr(geometry, "geoms"):
        return [ring for part in geometry.geoms for ring in _polygon_rings(part)]
    return []


def _many_polygon_rings_in_px(geometries: Iterable[Any], projection: Projection) -> list[list[Point]]:
    """Every ring of the geometries in turn, in px, read and projected as one array."""
    rings = [ring for geometry in geometries for ring in _polygon_rings(geometry)]
    if not rings:
        return []
    coordinates, ring_of = shapely.get_coordinates(rings, return_index=True)
    xs, ys = projection.many_xy(coordinates)
    found, start = [], 0
    for count in np.bincount(ring_of, minlength=len(rings)).tolist():
        found.append(list(zip(xs[start:start + count], ys[start:start + count])))
        start += count
    return found


def map_base(basemap: Any, projection: Projection, works_streets: Sequence[str],
             markers: Sequence[Point], reserved: Sequence[Box], every_street: bool = False,
             budget: int = BASE_BUDGET) -> MapBase:
    """The extract's features in the map's frame, clipped, simplified, projected; the names of
    the main streets and of the streets with works (``works_streets``, always written), and of the
    other streets too if ``every_street``, where they fit. Within ``budget`` characters of path
    data: water and railways, then the main streets, the parks and squares, the small streets,
    as long as each fits."""
    frame = projection.frame
    features = basemap.within(frame, SIMPLIFY_PX / projection.scale)
    in_px = _InPx(projection, features)

    def areas(kind: str) -> str:
        rings = (_ring_points_px(ring) for ring in _many_polygon_rings_in_px(
            (f.geometry for f in features if f.kind == kind), projection))
        return "".join(_subpath(points, closed=True) for points in rings if points)

    def lines(selected: Iterable[Any]) -> str:
        return "".join(_line_path_px(points) for f in selected for points in in_px[f])

    greens, waters, squares = areas("green"), areas("water"), areas("square")
    waterways = tuple((style, path) for style in ("river", "canal", "stream")
                      if (path := lines(f for f in features if f.kind == "waterway" and f.style == style)))
    rails = lines(f for f in features if f.kind == "rail")
    used = len(waters) + len(rails) + sum(len(p) for _, p in waterways)

    def fits(path: str) -> bool:
        nonlocal used
        if used + len(path) > budget:
            return False
        used += len(path)
        return True

    roads, left_out = [], set()
    for road_class in ROAD_CLASSES:  # the most important first, while the budget lasts
        if road_class == ROAD_CLASSES[3]:  # after the main streets: parks and squares, if they fit
            if not fits(greens):
                greens, left_out = "", left_out | {"green"}
            if not fits(squares):
                squares, left_out = "", left_out | {"square"}
        path = lines(f for f in features if f.kind == "road" and f.style == road_class)
        if not fits(path):
            break
        if path:
            roads.append((road_class, path))
    else:
        road_class = ""
    if road_class in ROAD_CLASSES[:3]:  # the budget ran out before the parks and squares were tried
        greens, squares, left_out = "", "", {"green", "square"}
    drawn_classes = {road_class for road_class, _ in roads}
    named = [f for f in features if f.kind not in left_out]
    names = _place_names(named, projection, works_streets, markers, reserved, drawn_classes, every_street,
                         in_px)
    return MapBase(greens=greens, waters=waters, waterways=waterways, rails=rails, squares=squares,
                   roads=tuple(reversed(roads)), names=tuple(names), date=_date(basemap.date))


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _place_names(features: Sequence[Any], projection: Projection, works_streets: Sequence[str],
                 markers: Sequence[Point], reserved: Sequence[Box], drawn_classes: set[str],
                 every_street: bool, in_px: "_InPx") -> list[PlaceName]:
    """Names, most wanted first: the streets of the map's works orders (always written), the
    main streets, the water, the squares and parks, then (``every_street``) the small streets;
    each once, where it hides nothing. ``in_px``: each feature's lines, projected."""
    wanted = {key(street) for street in works_streets}
    by_name: dict[str, list[Any]] = {}
    for feature in features:
        if feature.name and (feature.kind != "road" or feature.style in drawn_classes):
            by_name.setdefault(feature.name, []).append(feature)

    def rank_of(name: str) -> tuple[int, str]:
        kinds = {(f.kind, f.style) for f in by_name[name]}
        if key(name) in wanted:
            return 0, name
        for position, road_class in enumerate(STREET_LABEL_CLASSES, start=1):
            if ("road", road_class) in kinds:
                return position, name
        if any(k == "water" or k == "waterway" for k, _ in kinds):
            return 4, name
        if any(k in ("square", "green") for k, _ in kinds):
            return 5, name
        return (6 if every_street and any(k == "road" for k, _ in kinds) else 9), name

    rank = {name: rank_of(name) for name in by_name}
    taken: list[Box] = [*reserved, *((x - 12, y - 12, x + 12, y + 12) for x, y in markers)]
    grid = _BoxGrid(taken)
    names = []
    for name in sorted(by_name, key=rank.__getitem__):
        order = rank[name][0]
        if order == 9:
            continue
        group = by_name[name]
        style = group[0].style
        kind = ("main-street" if style in ("major", "secondary") else "street") if group[0].kind == "road" else (
            "water" if group[0].kind in ("water", "waterway") else group[0].kind)
        font = LABEL_FONT_PX.get(style, 13) if group[0].kind == "road" else 13
        width = len(name) * font * 0.56
        # The smallest box a name of this size takes, whatever its angle: a spot where even that
        # one does not fit is passed over before its angle is computed.
        half = min(width / 2 + LABEL_MIN_GAP, font * 0.6 + LABEL_MIN_GAP / 2) * (1 - 1e-9)

        def blocked(x: float, y: float) -> bool:
            core = (x - half, y - half, x + half, y + half)
            return not (2 <= core[0] and core[2] <= WIDTH - 2 and 2 <= core[1] and core[3] <= HEIGHT - 2
                        ) or grid.overlaps(core)

        chosen = None
        for x, y, angle in _label_candidates(group, projection, width, in_px, blocked):
            box_ = _rotated_box(x, y, angle, width, font)
            inside = 2 <= box_[0] and box_[2] <= WIDTH - 2 and 2 <= box_[1] and box_[3] <= HEIGHT - 2
            if inside and not grid.overlaps(box_):
                chosen = (x, y, angle, box_)
                break
        candidates = list(_label_candidates(group, projection, width, in_px)) if chosen is None and order == 0 else []
        if candidates:  # a street with works is always named:
            def hidden(spot: tuple[float, float, float]) -> float:  # where it hides the least
                box_ = _rotated_box(*spot, width, font)
                return sum(_overlap_area(box_, other) for other in taken)
            x, y, angle = min(candidates, key=hidden)
            chosen = (x, y, angle, _rotated_box(x, y, angle, width, font))
        if chosen is None:
            continue
        x, y, angle, box_ = chosen
        taken.append(box_)
        grid.add(box_)
        names.append(PlaceName(name, x, y, angle, kind))
    return names


def _label_candidates(group: Sequence[Any], projection: Projection, width: float,
                      in_px: "_InPx", blocked: Callable[[float, float], bool] | None = None
                      ) -> Iterable[tuple[float, float, float]]:
    """Spots for a name: along its longest lines (middle first, then further along), level for areas.
    ``in_px``: each feature's lines, projected; ``blocked``: spots (x, y) known not to fit, skipped."""
    pieces = []
    for feature in group:
        if feature.kind in ("green", "water", "square") and feature.geometry.geom_type != "LineString":
            c = feature.geometry.representative_point()
            pieces.append((0.0, [projection((c.x, c.y))], []))
            continue
        for points in in_px[feature]:
            steps = [math.dist(a, b) for a, b in zip(points, points[1:])]  # walked again for each spot
            pieces.append((sum(steps), points, steps))
    pieces.sort(key=lambda piece: -piece[0])
    for length, points, steps in pieces[:4]:
        if len(points) == 1:
            for dx, dy in ((0, 0), (0, -18), (0, 18), (-40, 0), (40, 0)):
                x, y = round(points[0][0] + dx, 1), round(points[0][1] + dy, 1)
                if blocked is None or not blocked(x, y):
                    yield x, y, 0.0
            continue
        for fraction in (0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9):
            x, y = _point_at(points, steps, length * fraction)
            if blocked is not None and blocked(round(x, 1), round(y, 1)):
                continue
            a = _point_at(points, steps, max(length * fraction - width / 2, 0))
            b = _point_at(points, steps, min(length * fraction + width / 2, length))
            angle = math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))
            if angle > 90:
                angle -= 180
            elif angle <= -90:
                angle += 180
            if length < width * 0.8:  # too short to write along: level, beside it
                angle = 0.0
            yield round(x, 1), round(y, 1), round(angle, 1)


class _BoxGrid:
    """Boxes filed by the cells of a grid they cover: whether a box overlaps one of them
    is asked of the few in its own cells, not of every box taken."""

    CELL = 64.0

    def __init__(self, boxes: Iterable[Box]) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = {}
        for box_ in boxes:
            self.add(box_)

    def _cells(self, box_: Box) -> Iterable[tuple[int, int]]:
        for column in range(math.floor(box_[0] / self.CELL), math.floor(box_[2] / self.CELL) + 1):
            for row in range(math.floor(box_[1] / self.CELL), math.floor(box_[3] / self.CELL) + 1):
                yield column, row

    def add(self, box_: Box) -> None:
        for cell in self._cells(box_):
            self.cells.setdefault(cell, []).append(box_)

    def overlaps(self, box_: Box) -> bool:
        """Whether ``box_`` overlaps a box filed here (as ``_overlap``, written out: asked often)."""
        left, top, right, bottom = box_
        cells = self.cells
        for column in range(math.floor(left / self.CELL), math.floor(right / self.CELL) + 1):
            for row in range(math.floor(top / self.CELL), math.floor(bottom / self.CELL) + 1):
                for other in cells.get((column, row), ()):
                    if left < other[2] and other[0] < right and top < other[3] and other[1] < bottom:
                        return True
        return False


def _point_at(points: Sequence[Point], steps: Sequence[float], distance: float) -> Point:
    """The point ``distance`` px along a line; ``steps``: the lengths of its segments."""
    for position, step in enumerate(steps):
        if step >= distance and step > 0:
            a, b = points[position], points[position + 1]
            t = distance / step
            return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
        distance -= step
    return points[-1]


def _overlap_area(a: Box, b: Box) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _rotated_box(x: float, y: float, angle: float, width: float, font: float) -> Box:
    """The upright box around a name of ``width`` px centred on (x, y), turned by ``angle``."""
    radians = math.radians(angle)
    half_w, half_h = width / 2 + LABEL_MIN_GAP, font * 0.6 + LABEL_MIN_GAP / 2
    dx = abs(half_w * math.cos(radians)) + abs(half_h * math.sin(radians))
    dy = abs(half_w * math.sin(radians)) + abs(half_h * math.cos(radians))
    return (x - dx, y - dy, x + dx, y + dy)
