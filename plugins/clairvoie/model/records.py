"""The typed records of a Clairvoie site, as renderers see them.

Records are built once from validated YAML (see ``build.py``) and are frozen.
A project, works order or meeting is first what its file says (``ProjectFile``…);
``derive.py`` makes the record outputs see (``Project``…) with every fact that depends
on the build date or on other records given at once, and the whole ``Model``, so that
no renderer recomputes them and no record exists half-made.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from .opening_hours import WeeklyHours
from .words import key

PROJECT_STATUSES = ("planned", "in_progress", "suspended", "completed", "cancelled")
ACTIVE_STATUSES = ("planned", "in_progress")
NEGATIVE_UPDATE_KINDS = ("delay", "cost_overrun", "suspension", "cancellation")
# Status code shared by every output: on time, late, stopped or done.
STATUS_TONE = {
    "planned": "on-time",
    "in_progress": "on-time",
    "suspended": "stopped",
    "completed": "done",
    "cancelled": "stopped",
}
PARTICIPATION_LEVELS = ("inform", "consult", "concert", "codecide")
WORKS_KINDS = (
    "closure", "lane_restriction", "parking_ban", "detour",
    "alternating_traffic", "noise", "other",
)

# A residents' report's stages (content/signalements/), and those that end it.
REPORT_STAGES = (
    "received", "acknowledged", "scheduled", "in_progress",
    "resolved", "closed", "duplicate", "reopened",
)
REPORT_ENDING_STAGES = ("resolved", "closed", "duplicate")
# The usual way of a report, from reception to repair: what its page shows as still to come.
REPORT_PATH = ("received", "acknowledged", "scheduled", "in_progress", "resolved")
POINT_DECIMALS = 3  # a report's point is kept to about 100 m: a stretch of street


def by_sector_id(records: list[Any]) -> dict[str, list[Any]]:
    """Each sector's records in the given order: one pass, not one per sector."""
    grouped: dict[str, list[Any]] = {}
    for record in records:
        for sector_id in set(record.sector_ids):
            grouped.setdefault(sector_id, []).append(record)
    return grouped


def title_key(record: Any) -> tuple[str, str]:
    """Alphabetical order as French readers expect it: accents do not push "Éclairage" last."""
    plain = unicodedata.normalize("NFKD", record.title).encode("ascii", "ignore").decode().casefold()
    return plain, record.id


@dataclass(frozen=True)
class Source:
    """Where a record was written: for messages, history and incremental builds."""

    path: str  # relative to the site root, e.g. "content/projects/lilas.yaml"
    line: int = 1
    column: int = 1
    history: tuple[Any, ...] = ()  # history.Change, newest first (from Git)
    digest: str = ""  # hash of the file's bytes: what incremental.py compares between builds


@dataclass(frozen=True)
class Contact:
    service: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class Panel:
    id: str
    name: str
    lines: int
    columns: int
    charset: str  # "ascii", "latin-1" or "utf-8"
    sector_id: str


@dataclass(frozen=True)
class Sector:
    id: str
    name: str
    short_name: str
    description_html: Markup
    communes: tuple[str, ...]
    geometry: dict[str, Any] | None
    contact: Contact | None
    panels: tuple[Panel, ...]
    source: Source

    @property
    def url(self) -> str:
        return f"secteurs/{self.id}/"


@dataclass(frozen=True)
class Schedule:
    planned_start: dt.date
    planned_end: dt.date
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None


@dataclass(frozen=True)
class Budget:
    planned: float | None = None
    spent: float | None = None


@dataclass(frozen=True)
class Location:
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    geometry: dict[str, Any] | None = None


@dataclass(frozen=True)
class Milestone:
    date: dt.date
    title: str
    done: bool


@dataclass(frozen=True)
class Update:
    project_id: str
    index: int  # position in the file, stable across edits of the text
    date: dt.date
    kind: str
    title: str
    body_html: Markup
    reason: str | None = None
    new_planned_end: dt.date | None = None
    new_budget: float | None = None

    @property
    def is_negative(self) -> bool:
        return self.kind in NEGATIVE_UPDATE_KINDS


@dataclass(frozen=True)
class Rendition:
    """One published size of an image, written by the images output (outputs/images.py)."""

    width: int
    height: int
    url: str  # JPEG, relative to the site root, e.g. "photos/lilas/avant-960.jpg"
    webp_url: str | None = None  # the same size in WebP, e.g. "photos/lilas/avant-960.webp"


@dataclass(frozen=True)
class Photo:
    file: str  # relative to content/
    alt: str
    caption: str | None
    stage: str | None  # "before", "during", "after"
    source_path: str  # absolute path of the original (never modified)
    renditions: tuple[Rendition, ...] = ()

    @property
    def default(self) -> Rendition:
        return self.renditions[len(self.renditions) // 2]

    @property
    def largest(self) -> Rendition:
        return self.renditions[-1]


@dataclass(frozen=True)
class Document:
    title: str
    href: str  # absolute URL, or site path of a published copy
    source_path: str | None = None  # absolute path of the file in content/, if any

    @property
    def is_file(self) -> bool:
        return self.source_path is not None


@dataclass(frozen=True)
class ProjectFile:
    """What a project's file says, built and checked by build.py; derive.py makes the ``Project``."""

    id: str
    title: str
    sector_ids: tuple[str, ...]  # resolved: "all" becomes every sector
    city_wide: bool
    category: str
    summary: str
    description_html: Markup
    status: str
    participation: str | None
    location: Location | None
    budget: Budget | None
    schedule: Schedule
    milestones: tuple[Milestone, ...]
    updates: tuple[Update, ...]  # newest first
    photos: tuple[Photo, ...]
    documents: tuple[Document, ...]
    contact: Contact | None
    source: Source
    declared_progress: int | None = None

    @property
    def url(self) -> str:
        return f"projets/{self.id}/"

    @property
    def social_card(self) -> Rendition:
        """The 1200×630 picture social networks show for a shared link (outputs/images.py)."""
        return Rendition(1200, 630, f"cartes/projets/{self.id}.jpg")

    @property
    def negative_updates(self) -> tuple[Update, ...]:
        return tuple(u for u in self.updates if u.is_negative)


@dataclass(frozen=True, kw_only=True)
class Project(ProjectFile):
    """A project as outputs see it: its file and every fact derive.py computes, given at once."""

    progress: int | None
    current_planned_end: dt.date
    is_replanned: bool  # its current planned end is not the original one
    is_late: bool
    days_late: int
    last_budget: float | None
    is_over_budget: bool
    overrun_amount: float
    timeline: Any  # timeline.Timeline
    # Its works orders, by start then id; they point back at it (derive.py ties the two).
    works: tuple["WorksOrder", ...]
    # The streets its address names ("14 rue du Four" → "Rue du Four"): the street index and the maps.
    street_names: tuple[str, ...] = ()

    @property
    def tone(self) -> str:
        """The one status code of every output: late wins over the status."""
        return "late" if self.is_late else STATUS_TONE[self.status]

    @property
    def has_bad_news(self) -> bool:
        return (
            self.is_late
            or self.is_over_budget
            or self.status in ("suspended", "cancelled")
        )


@dataclass(frozen=True)
class WorksOrderFile:
    """What a works order's file says, built and checked by build.py; derive.py makes the
    ``WorksOrder``."""

    id: str
    reference: str
    title: str
    sector_ids: tuple[str, ...]
    kind: str
    street: str
    section: str | None
    geometry: dict[str, Any] | None
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime
    hours: str | None  # as typed: open data and navigation feeds carry it; people read labels.hours_fr
    weekly_hours: WeeklyHours | None  # ``hours`` read once (opening_hours.py); None if absent or unread
    direction: str | None
    detour_html: Markup
    project_id: str | None
    issued_by: str | None
    signed: dt.date | None
    document: Document | None
    cancelled_reason: str | None
    source: Source

    @property
    def url(self) -> str:
        return f"travaux/{self.id}/"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_reason is not None

    @property
    def start_date(self) -> dt.date:
        return self.start.date() if isinstance(self.start, dt.datetime) else self.start

    @property
    def end_date(self) -> dt.date:
        return self.end.date() if isinstance(self.end, dt.datetime) else self.end


@dataclass(frozen=True, kw_only=True)
class WorksOrder(WorksOrderFile):
    """A works order as outputs see it: its file and the facts derive.py computes, given at once."""

    timing: str  # "past", "active", "upcoming" (soon) or "future"
    project: Project | None


@dataclass(frozen=True)
class MeetingFile:
    """What a meeting's file says, built and checked by build.py; derive.py makes the ``Meeting``."""

    id: str
    title: str
    sector_ids: tuple[str, ...]
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date
    place: str
    participation: str | None
    description_html: Markup
    registration_url: str | None
    source: Source

    @property
    def url(self) -> str:
        return f"reunions/{self.id}/"


@dataclass(frozen=True, kw_only=True)
class Meeting(MeetingFile):
    """A meeting as outputs see it: its file and the fact derive.py computes."""

    is_upcoming: bool


@dataclass(frozen=True)
class Service:
    """A kind of residents' report (an Open311 "service"), from services.yaml."""

    code: str
    name: str
    group: str | None
    commitment_days: int | None  # the handling time the city commits to
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class ReportStage:
    """One stage of a report's history, as written (build.py)."""

    number: str  # the report's tracking number
    index: int  # position in the history, from 0
    date: dt.date | dt.datetime
    day: dt.date  # its day in the site's time zone
    stage: str  # one of REPORT_STAGES
    note: str | None  # public, written by staff (plain text)
    service_in_charge: str | None = None  # acknowledged
    expected: dt.date | None = None  # scheduled
    works_reference: str | None = None  # scheduled: a works order's reference
    project_id: str | None = None  # scheduled
    reason: str | None = None  # closed, reopened
    duplicate_of: str | None = None  # duplicate: another report's number


@dataclass(frozen=True)
class ReportFile:
    """What a report's file says, built and checked by build.py; derive.py makes the ``Report``.

    The point a file may give places the report in its sectors; it is kept rounded to
    ``POINT_DECIMALS`` (about 100 m), so that nothing finer than the street can be published.
    """

    id: str  # the file name: the number in lower case
    number: str  # as given to the resident, e.g. "2026-004512"
    service_code: str
    received: dt.datetime
    received_day: dt.date  # in the site's time zone
    street: str
    section: str | None
    point: tuple[float, float] | None  # (lat, lon), rounded: the street, never the door
    sector_ids: tuple[str, ...]  # as written, or found from the point (``sectors_from_point``)
    sectors_from_point: bool
    public_summary: str | None  # plain text
    history: tuple[ReportStage, ...]  # oldest first
    source_system: str | None  # the request tool (Open311 export)
    source_id: str | None  # its service_request_id
    source: Source

    @property
    def url(self) -> str:
        return f"signalements/{self.id}/"

    @property
    def save_as(self) -> str:
        return f"signalements/{self.id}/index.html"


@dataclass(frozen=True)
class OverduePeriod:
    """A round of a report that went past its due day while still open (reports.py)."""

    since: dt.date  # its first overdue day: the day after ``due``, unless it was closed then
    due: dt.date
    expected: dt.date | None  # the round's expected date, when one was given


@dataclass(frozen=True, kw_only=True)
class Report(ReportFile):
    """A report as outputs see it: its file and every fact derive.py computes, given at once.

    A reopening starts a new round: what is expected, the commitment and the resolution
    count from the last ``reopened`` stage (the days to resolve from ``received``).
    """

    service: Service
    current_stage: ReportStage  # the last one
    is_open: bool  # not resolved, closed or a duplicate (``reopened`` opens it again)
    is_resolved: bool
    resolved: dt.date | None  # the first ``resolved`` day of the last round
    days_to_resolve: int | None  # received → resolved, in days; None while not resolved
    expected: dt.date | None  # the last ``scheduled`` stage's date of the last round
    due: dt.date | None  # the earlier of ``expected`` and the service's commitment
    is_overdue: bool  # open and past ``due``
    days_overdue: int  # days past ``due``; 0 when not overdue
    # Each round that went past its due day while open, oldest first: the last one is the
    # current lateness when ``is_overdue``; the others stay, as news that was told.
    overdue_periods: tuple[OverduePeriod, ...]
    original: Report | None  # the report a duplicate points to
    duplicates: tuple[str, ...]  # numbers of the reports marked duplicates of this one, sorted
    works: tuple["WorksOrder", ...]  # the works orders its stages name, in their order
    projects: tuple["Project", ...]  # the projects its stages name, in their order

    @property
    def stage(self) -> str:
        return self.current_stage.stage

    @property
    def has_bad_news(self) -> bool:
        """An overdue report is negative news, as a late project is."""
        return self.is_overdue

    @property
    def service_in_charge(self) -> str | None:
        """The service the last ``acknowledged`` stage naming one put in charge."""
        return next((s.service_in_charge for s in reversed(self.history) if s.service_in_charge), None)

    @property
    def stages_to_come(self) -> tuple[str, ...]:
        """The stages of ``REPORT_PATH`` an open report has not reached yet in its round
        (a reopening starts again after ``received``); none once it is closed."""
        if not self.is_open:
            return ()
        starts = [i for i, stage in enumerate(self.history) if stage.stage == "reopened"]
        round_stages = self.history[starts[-1]:] if starts else self.history
        reached = max((REPORT_PATH.index(s.stage) for s in round_stages if s.stage in REPORT_PATH), default=0)
        return REPORT_PATH[reached + 1:]


@dataclass(frozen=True)
class Episode:
    """The sound of a podcast episode (an article with ``Audio:``), as read from the file."""

    file: str  # relative to content/, e.g. "media/point-travaux-1.mp3" (from "Audio:")
    source_path: str  # absolute path of the file in content/
    length: int  # bytes of the published sound, its tags cut out (sound_tags.py)
    duration: float  # seconds
    mime_type: str  # "audio/mpeg"
    number: int | None = None  # "Episode:"
    season: int | None = None  # "Season:"

    @property
    def url(self) -> str:
        """The published copy, relative to the site root (the same path as in content/)."""
        return self.file


@dataclass(frozen=True)
class NewsItem:
    """A Markdown article (Pelican's) tied to sectors."""

    article: Any  # pelican.contents.Article
    sector_ids: tuple[str, ...]
    city_wide: bool
    episode: Episode | None = None  # when the article is a podcast episode
    digest: str | None = None  # the hash of the article's file (None: not read), for incremental builds

    @property
    def title(self) -> str:
        return self.article.title

    @property
    def url(self) -> str:
        return self.article.url

    @property
    def date(self) -> dt.datetime:
        return self.article.date


@dataclass(frozen=True)
class BadNews:
    """One piece of negative news, derived from the records.

    ``kind`` is one of: late, over_budget, suspended, cancelled (project
    states) or works_cancelled. Reasons come from the records' updates.
    """

    kind: str
    date: dt.date
    title: str
    url: str
    reasons: tuple[str, ...]
    project: Project | None = None
    works: WorksOrder | None = None

    @property
    def record(self) -> "Project | WorksOrder":
        """The project or works order it is about."""
        return self.project or self.works  # type: ignore[return-value]


# What the bad news is summed up by, in the order residents read the counts.
BAD_NEWS_COUNTED = ("late", "suspended", "cancelled", "over_budget", "works_cancelled")


@dataclass(frozen=True)
class BadNewsSummary:
    """The bad-news list counted by what went wrong: under each of ``BAD_NEWS_COUNTED``, the
    entries of that very list (in its order) that say so. A project late and over budget is
    one entry of the list and counts under both: no count hides another."""

    by_kind: dict[str, list[BadNews]]

    @classmethod
    def of(cls, bad_news: list[BadNews]) -> "BadNewsSummary":
        def says(item: BadNews, kind: str) -> bool:
            project = item.project
            if kind == "works_cancelled":
                return item.works is not None
            if project is None:
                return False
            if kind == "late":
                return project.is_late
            if kind == "over_budget":
                return project.is_over_budget
            return project.status == kind  # suspended, cancelled
        return cls({kind: [item for item in bad_news if says(item, kind)] for kind in BAD_NEWS_COUNTED})


def resolved_within(reports: list[Report], today: dt.date, days: int) -> list[Report]:
    """The reports resolved in the last ``days`` days (today included), latest first."""
    since = today - dt.timedelta(days=days)
    return sorted((r for r in reports if r.resolved is not None and r.resolved > since),
                  key=lambda r: (r.resolved, r.number), reverse=True)


@dataclass(frozen=True)
class SectorView:
    """Everything a sector's outputs show, selected once by derive.py."""

    sector: Sector
    bad_news: list[BadNews]
    bad_news_summary: BadNewsSummary  # the same list, counted by what went wrong
    projects_by_status: dict[str, list[Project]]
    active_works: list[WorksOrder]
    upcoming_works: list[WorksOrder]
    upcoming_meetings: list[Meeting]
    past_meetings: list[Meeting]
    news: list[NewsItem]
    scorecard: Any  # scorecard.Scorecard
    # Every record of the sector (projects, works orders, meetings, news, residents'
    # reports): what its pages may show, and so what they depend on (outputs/pages.py,
    # incremental builds).
    records: list[Any]
    # Its residents' reports, by number; the open ones; the overdue ones, most overdue first.
    reports: list[Report]
    open_reports: list[Report]
    overdue_reports: list[Report]
    report_figures: Any  # report_figures.ReportFigures
    resolved_this_week: list[Report]  # resolved in the last 7 days (today included), latest first

    @property
    def projects(self) -> list[Project]:
        return [p for ps in self.projects_by_status.values() for p in ps]

    @property
    def late_count(self) -> int:
        return sum(1 for p in self.projects if p.is_late)

    @property
    def in_progress_count(self) -> int:
        return len(self.projects_by_status["in_progress"])


@dataclass(frozen=True)
class Records:
    """What the files say, built and checked (model/__init__.py), before derive.py."""

    sectors: list[Sector]
    projects: list[ProjectFile]
    works: list[WorksOrderFile]
    meetings: list[MeetingFile]
    news: list[NewsItem]
    synonyms: tuple[Any, ...]  # synonyms.Synonym: residents' words for the records' terms
    services: list[Service]  # as in services.yaml
    reports: list[ReportFile]
    glossary: tuple[Any, ...] = ()  # glossary.GlossaryEntry: the shipped and the city's, A–Z
    plain_french: tuple[Any, ...] = ()  # problems.Problem: the plain-French remarks on staff texts
    basemap: Any = None  # basemap.Basemap: the commune's OpenStreetMap extract; None: none set


@dataclass(frozen=True)
class Model:
    """The one validated model every output reads, whole when built (derive.py)."""

    now: dt.datetime  # the build moment (derive.build_date), in the site's time zone
    today: dt.date
    timezone: str
    categories: tuple[str, ...]
    sectors: list[Sector]
    projects: list[Project]
    works: list[WorksOrder]
    meetings: list[Meeting]
    news: list[NewsItem]
    settings: Any  # ClairvoieSettings the outputs render with
    views: dict[str, SectorView]
    bad_news: list[BadNews]  # city-wide
    bad_news_summary: BadNewsSummary  # the same list, counted by what went wrong
    upcoming_meetings: list[Meeting]  # soonest first
    past_meetings: list[Meeting]  # latest first
    scorecard: Any  # scorecard.Scorecard of the whole city
    announcements: list[Any]  # announcements.Announcement, newest first
    synonyms: tuple[Any, ...]  # synonyms.Synonym: residents' words for the records' terms
    streets: list[Any]  # streets.Street, A–Z
    services: list[Service]  # as in services.yaml
    reports: list[Report]  # by number
    open_reports: list[Report]  # by number
    overdue_reports: list[Report]  # city-wide, most overdue first (negative news)
    # Each street's reports by number, under its key (words.key: case and accents ignored).
    reports_by_street: dict[str, list[Report]]
    report_figures: Any  # report_figures.ReportFigures of the whole city, with each sector's times
    glossary: tuple[Any, ...] = ()  # glossary.GlossaryEntry: the shipped and the city's, A–Z (/lexique/)
    plain_french: tuple[Any, ...] = ()  # problems.Problem: the plain-French remarks (plain_french.py), sorted
    # basemap.Basemap: the streets, water and parks the maps draw (empty, with a warning, when the
    # extract could not be read); None when the site sets no extract.
    basemap: Any = None

    def sector(self, sector_id: str) -> Sector:
        return self._sectors_by_id[sector_id]

    def project(self, project_id: str) -> Project:
        return self._projects_by_id[project_id]

    def report(self, number: str) -> Report | None:
        """The report of a tracking number, as a resident types it (case ignored)."""
        wanted = number.strip().lower()
        return next((r for r in self.reports if r.id == wanted), None)

    def announcements_of(self, sector_id: str | None) -> list[Any]:
        """The announcements a sector's channels carry (None: the city's), newest first
        (``Announcement.concerns``)."""
        return self._announcements_by_scope.get(sector_id, [])

    def reports_of_street(self, street: str) -> list[Report]:
        return self.reports_by_street.get(key(street), [])

    def street_entry(self, street: str) -> Any | None:
        """The street's entry of the street index (/rues/), if it has one (case and accents ignored)."""
        return self._streets_by_key.get(key(street))

    # Looked up from every page (links.html names each record's sectors) and for every record:
    # a scan of the list each time was seconds of every build at size M. Made once, when first
    # asked, from the lists the model is built with (never changed afterwards).
    @functools.cached_property
    def _sectors_by_id(self) -> dict[str, Sector]:
        return {sector.id: sector for sector in self.sectors}

    @functools.cached_property
    def _announcements_by_scope(self) -> dict[str | None, list[Any]]:
        """``announcements_of`` for every scope, in one pass: not the whole list once per sector."""
        scopes: dict[str | None, list[Any]] = {None: [], **{sector.id: [] for sector in self.sectors}}
        every_sector = list(scopes)[1:]
        for announcement in self.announcements:
            if announcement.in_city_channels:
                scopes[None].append(announcement)
            for sector_id in every_sector if announcement.city_wide else dict.fromkeys(announcement.sector_ids):
                if sector_id in scopes:
                    scopes[sector_id].append(announcement)
        return scopes

    @functools.cached_property
    def _projects_by_id(self) -> dict[str, Project]:
        return {project.id: project for project in self.projects}

    @functools.cached_property
    def _streets_by_key(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for entry in self.streets:
            found.setdefault(entry.key, entry)  # the first of a key, as the list gives them
        return found

    def reports_resolved_within(self, days: int) -> list[Report]:
        """The reports resolved in the last ``days`` days (today included), latest first."""
        return resolved_within(self.reports, self.today, days)

    def contact_for(self, record: Any) -> Any | None:
        """Who residents contact about a project or works order: the project's contact, else its
        first sector's (a city-wide project has no sector contact)."""
        project = record if isinstance(record, Project) else getattr(record, "project", None)
        if project is not None and project.contact:
            return project.contact
        if project is not None and project.city_wide:
            return None
        sector_ids = record.sector_ids
        return self.sector(sector_ids[0]).contact if sector_ids else None

    def news_for(self, article: Any) -> NewsItem | None:
        """The news item of one of Pelican's articles (its sectors, mainly)."""
        return next((n for n in self.news if n.article is article), None)
