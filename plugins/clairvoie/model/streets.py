"""The street index: every street with current or planned works, projects or open reports, A–Z.

Derived once from the model (``derive.py``) for /rues/ — the way to answer
"what is happening in my street" without JavaScript — and for search.
A works order names its street (``street``); a project names streets in its
address ("Rue des Lilas, du n°2 au n°48", "Centre-ville : rue de la République,
Grande Rue…") and through its works orders; a resident's report names its street.

Each street also knows where it is (``points``), from the records alone: the course of
its works orders and the points of its reports (rounded to about 100 m). "Près de chez
moi" looks for open reports around these points.

Each street has its page, /rues/<id>/ (``Street.id``): the id is the street's key (case,
accents, apostrophes and hyphens folded: "Rue de l'Écluse" → "rue-de-l-ecluse"), so two
spellings of one name are one street with one address, and two names never share one. A
street is known by its name only, as French addresses are (one name per street in a
commune): two streets of one name in two sectors are one entry whose page lists both
sectors, and a city with true homonyms (a commune nouvelle) writes them apart in its records
("Rue de l'Église (Saint-Aubin)"), as the Base Adresse Nationale does.
"""

from __future__ import annotations

import re
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .records import Project, Report, WorksOrder
from .words import fold, key

# Kinds of public ways, as French addresses write them (lower case).
STREET_TYPES = (
    "rue", "ruelle", "avenue", "boulevard", "place", "placette", "chemin", "quai", "route",
    "allée", "impasse", "cours", "montée", "square", "passage", "sentier", "esplanade",
    "parvis", "promenade", "rond-point", "faubourg", "venelle", "mail", "côte", "voie",
)
_PARTICLE = r"(?:de la |de l['’]|des |du |de |d['’]|à la |aux |la |le |les |l['’])?"
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ0-9][\w'’.]*(?:-[\w'’.]+)*"
_STREET = re.compile(
    r"(?<![\w-])(?:(?P<grande>(?i:grande?[- ]rue))(?![\w-])"
    r"|(?P<type>(?i:" + "|".join(sorted(STREET_TYPES, key=len, reverse=True)) + r"))\s+"
    r"(?P<name>" + "(?i:" + _PARTICLE + ")" + _NAME_WORD + r"(?: " + _NAME_WORD + r")*))"
)
_LEADING = re.compile(
    r"^(?:" + "|".join(key(t) for t in sorted(STREET_TYPES, key=len, reverse=True)) + r") "
    r"(?:(?:de la|de l|des|du|de|d|a la|aux|la|le|les|l) )?")
ACTIVE_PROJECT_STATUSES = ("in_progress", "suspended", "planned")
POINT_DECIMALS = 5  # about 1 m: a street's known points, (lat, lon)
# A street's page lists its reports resolved in the last this many days, as the maps show them.
RESOLVED_SHOWN_DAYS = 30
# /rues/ links to a page per letter, /rues/lettre-l/ ("lettre-0-9" for the rest); a street
# whose key would take one of these folders (a "Lettre L") gets "voie-" before its id.
LETTER_PAGE_PREFIX = "lettre-"
_LETTER_PAGE = re.compile(r"lettre-(?:[a-z]|0-9)")


def streets_in(text: str | None) -> list[str]:
    """Street names written in a free-text address, capitalised: "14 rue du Four" → ["Rue du Four"]."""
    found = []
    for match in _STREET.finditer(text or ""):
        name = match.group(0).strip()
        found.append(name[0].upper() + name[1:])
    return found


def sort_key(name: str) -> str:
    """A–Z by the street's own name: "Rue des Lilas" → "lilas", "Grande Rue" → "grande rue"."""
    plain = key(name)
    stripped = _LEADING.sub("", plain)
    return stripped or plain


@dataclass
class Street:
    name: str  # as written in the records, e.g. "Rue des Lilas"
    key: str  # "rue des lilas"
    works: list[WorksOrder] = field(default_factory=list)  # not over yet, active first
    projects: list[Project] = field(default_factory=list)  # planned, in progress or suspended
    reports: list[Report] = field(default_factory=list)  # open, most overdue first, then by number
    # (lat, lon) where the street is known to be, sorted: its works orders' courses, its reports' points
    points: tuple[tuple[float, float], ...] = ()
    # Resolved in the last RESOLVED_SHOWN_DAYS days (not duplicates), latest first: its page shows them.
    resolved_reports: list[Report] = field(default_factory=list)
    sector_ids: tuple[str, ...] = ()  # the sectors of its records, sorted

    @property
    def id(self) -> str:
        """Its page's folder under /rues/, stable while its name is: "rue-de-l-ecluse"."""
        return f"voie-{self.anchor}" if _LETTER_PAGE.fullmatch(self.anchor) else self.anchor

    @property
    def url(self) -> str:
        return f"rues/{self.id}/"

    @property
    def sort_key(self) -> str:
        return sort_key(self.name)

    @property
    def letter(self) -> str:
        first = fold(self.sort_key[:1]).upper()
        return first if first.isalpha() else "#"

    @property
    def letter_url(self) -> str:
        """The page of /rues/ listing the streets of its letter: "rues/lettre-l/" ("#": "lettre-0-9")."""
        return letter_url(self.letter)

    @property
    def anchor(self) -> str:
        """The fragment of the street on /rues/, e.g. "rue-des-lilas"."""
        return self.key.replace(" ", "-")

    @property
    def active_works(self) -> list[WorksOrder]:
        return [w for w in self.works if w.timing == "active" and not w.is_cancelled]

    @property
    def coming_works(self) -> list[WorksOrder]:
        return [w for w in self.works if w.timing in ("upcoming", "future") and not w.is_cancelled]

    @property
    def withdrawn_works(self) -> list[WorksOrder]:
        return [w for w in self.works if w.is_cancelled]

    @property
    def overdue_reports(self) -> list[Report]:
        return [r for r in self.reports if r.is_overdue]

    @property
    def is_active(self) -> bool:
        """Works under way today, or a project being built."""
        return bool(self.active_works) or any(p.status == "in_progress" for p in self.projects)


def letter_url(letter: str) -> str:
    return f"rues/{LETTER_PAGE_PREFIX}{letter.lower() if letter.isalpha() else '0-9'}/"


def _works_order(order: WorksOrder) -> tuple:
    rank = 0 if order.timing == "active" else 1
    if order.is_cancelled:
        rank = 2
    return rank, order.end_date if rank == 0 else order.start_date, order.id


def _project_order(project: Project) -> tuple:
    return ACTIVE_PROJECT_STATUSES.index(project.status), not project.is_late, fold(project.title), project.id


def _report_order(report: Report) -> tuple:
    return not report.is_overdue, -report.days_overdue, report.number


def _geometry_points(geometry: dict | None) -> list[tuple[float, float]]:
    """(lat, lon) of every position of a Point, LineString or their Multi forms."""
    kind, coordinates = (geometry or {}).get("type"), (geometry or {}).get("coordinates") or []
    if kind == "Point":
        positions = [coordinates]
    elif kind in ("MultiPoint", "LineString"):
        positions = coordinates
    elif kind == "MultiLineString":
        positions = [p for line in coordinates for p in line]
    else:
        positions = []  # an area: no course along a street
    return [(float(p[1]), float(p[0])) for p in positions]


def _street_points(street: Street, reports: list[Report]) -> tuple[tuple[float, float], ...]:
    points = [p for order in street.works for p in _geometry_points(order.geometry)]
    points += [r.point for r in reports if r.point is not None]
    return tuple(sorted({(round(lat, POINT_DECIMALS), round(lon, POINT_DECIMALS)) for lat, lon in points}))


def street_index(projects: list[Project], works: list[WorksOrder],
                 reports: Sequence[Report] = (), today: dt.date | None = None, kept: Any = None) -> list[Street]:
    """Every street with works not over yet, a current or planned project or an open report, A–Z;
    with ``today``, each street's reports resolved lately too. ``kept`` (derive.KeptDerivations):
    a street of the last build (same day) when it gathers the very same records."""
    streets: dict[str, Street] = {}

    def street(name: str) -> Street:
        found = streets.get(key(name))
        if found is None:
            found = streets[key(name)] = Street(name, key(name))
        return found

    for order in works:
        if order.timing != "past":
            street(order.street).works.append(order)
    for project in projects:
        if project.status not in ACTIVE_PROJECT_STATUSES:
            continue
        names = [*project.street_names, *(order.street for order in project.works if not order.is_cancelled)]
        for street_key in dict.fromkeys(key(n) for n in names):
            name = next(n for n in names if key(n) == street_key)
            street(name).projects.append(project)
    located: dict[str, list[Report]] = {}  # every report of a street locates it, open or not
    for report in reports:
        located.setdefault(key(report.street), []).append(report)
        if report.is_open:
            street(report.street).reports.append(report)
    finished = []
    for entry in streets.values():
        its_reports = located.get(entry.key, [])
        if kept is None:
            finished.append(_finished(entry, its_reports, today))
        else:
            finished.append(kept.made_of(
                ("street", entry.key, entry.name),
                (*entry.works, None, *entry.projects, None, *entry.reports, None, *its_reports),
                lambda entry=entry, its_reports=its_reports: _finished(entry, its_reports, today)))
    return sorted(finished, key=lambda s: (s.sort_key, s.key))


def _finished(entry: Street, located: list[Report], today: dt.date | None) -> Street:
    """The street with its records in order, its points and sectors; ``located``: every report
    of the street, open or not."""
    entry.works.sort(key=_works_order)
    entry.projects.sort(key=_project_order)
    entry.reports.sort(key=_report_order)
    entry.points = _street_points(entry, located)
    if today is not None:
        entry.resolved_reports = sorted(
            (r for r in located if r.is_resolved and r.resolved is not None
             and r.original is None and (today - r.resolved).days <= RESOLVED_SHOWN_DAYS),
            key=lambda r: (r.resolved, r.number), reverse=True)
    records = [*entry.works, *(p for p in entry.projects if not p.city_wide), *entry.reports,
               *entry.resolved_reports]
    entry.sector_ids = tuple(sorted({s for record in records for s in record.sector_ids}))
    return entry
