"""Facts that depend on the build date, computed once for every output.

"Today" is the build date: ``SOURCE_DATE_EPOCH`` when set (reproducible
builds), else the clock, in the site's time zone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from typing import Any, Callable
from zoneinfo import ZoneInfo

from ..settings import ClairvoieSettings
from .records import (
    ACTIVE_STATUSES, PROJECT_STATUSES, BadNews, BadNewsSummary, Meeting, MeetingFile, Model, NewsItem, Project,
    ProjectFile, Records, Report, Sector, SectorView, Service, WorksOrder, WorksOrderFile, by_sector_id,
    resolved_within, title_key,
)
from .announcements import announcements
from .report_figures import report_figures
from .reports import derive_reports, most_overdue_first, reports_by_street
from .scorecard import scorecard
from .streets import street_index, streets_in
from .timeline import replannings, timeline

WEEK_DAYS = 7  # « réglés cette semaine »: the panels' line


def build_date(timezone: ZoneInfo, environ: dict[str, str] | None = None) -> dt.datetime:
    environ = os.environ if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=timezone)
    return dt.datetime.now(tz=timezone)


def current_planned_end(project: ProjectFile) -> dt.date:
    """The latest re-planned end (by update date), else the original one."""
    moves = replannings(project)
    return moves[-1].new_end if moves else project.schedule.planned_end


def last_budget(project: ProjectFile) -> float | None:
    overruns = [u for u in sorted(project.updates, key=lambda u: (u.date, u.index))
                if u.new_budget is not None]
    if overruns:
        return overruns[-1].new_budget
    return project.budget.planned if project.budget else None


def progress(project: ProjectFile) -> int | None:
    if project.declared_progress is not None:
        return project.declared_progress
    if project.milestones:
        done = sum(1 for m in project.milestones if m.done)
        return round(100 * done / len(project.milestones))
    if project.status == "completed":
        return 100
    if project.status == "planned":
        return 0
    return None


def lateness(project: ProjectFile, end: dt.date, today: dt.date) -> tuple[bool, int]:
    """Whether the project is late, and by how many days against its original end.

    Late: still planned or in progress with today past the current planned
    ``end``, or any ``delay`` update. The days count from the original planned
    end to the real end (completed), to today (still running past its
    current end) or to the current planned end (re-planned, not yet due).
    """
    overdue = project.status in ACTIVE_STATUSES and today > end
    late = overdue or any(u.kind == "delay" for u in project.updates)
    if not late:
        return False, 0
    if project.status == "completed" and project.schedule.actual_end:
        reference = project.schedule.actual_end
    elif overdue:
        reference = today
    else:
        reference = end
    return True, max(0, (reference - project.schedule.planned_end).days)


def works_timing(order: WorksOrderFile, today: dt.date, upcoming_days: int) -> str:
    if order.end_date < today:
        return "past"
    if order.start_date <= today:
        return "active"
    if (order.start_date - today).days <= upcoming_days:
        return "upcoming"
    return "future"


def meeting_is_upcoming(meeting: MeetingFile, now: dt.datetime) -> bool:
    end = meeting.end
    if isinstance(end, dt.datetime):
        return end >= now
    return end >= now.date()


def project_bad_news(project: Project) -> BadNews | None:
    """One entry per project in trouble, carrying every reason given."""
    if not project.has_bad_news:
        return None
    if project.status == "cancelled":
        kind = "cancelled"
    elif project.status == "suspended":
        kind = "suspended"
    elif project.is_late:
        kind = "late"
    else:
        kind = "over_budget"
    negative = project.negative_updates
    reasons = tuple(dict.fromkeys(u.reason for u in negative if u.reason))
    date = negative[0].date if negative else project.current_planned_end
    return BadNews(kind, date, project.title, project.url, reasons, project=project)


def works_bad_news(order: WorksOrder) -> BadNews:
    return BadNews("works_cancelled", order.start_date, order.title, order.url,
                   (order.cancelled_reason,), works=order)


class KeptDerivations:
    """The records the last build of this process derived, by the written record they came from.

    A rebuild (``pelican --autoreload``, ``clairvoie serve``) gets the same written record
    objects for every unchanged file (model/__init__.py, ``_BuiltRecords``): a derived record
    whose written record, build day and tied records are all the same objects is the same
    derived record, and is taken as it is instead of being derived again. A new build day or
    other settings derive everything again. Each entry holds its written record, so that no
    other object can take its id while the entry lives.
    """

    def __init__(self) -> None:
        self._conditions: tuple[Any, ...] | None = None
        self._previous: dict[int, tuple[Any, Any]] = {}
        self._current: dict[int, tuple[Any, Any]] = {}

    def new_build(self, *conditions: Any) -> None:
        """Start a build: what the last one derived is kept only under the same conditions."""
        self._previous = self._current if conditions == self._conditions else {}
        self._current, self._conditions = {}, conditions

    def previous(self, written: Any) -> Any:
        """What the last build derived from this very written record; None if nothing."""
        entry = self._previous.get(id(written))
        return entry[1] if entry is not None and entry[0] is written else None

    def keep(self, written: Any, derived: Any) -> Any:
        self._current[id(written)] = (written, derived)
        return derived

    def made_of(self, key: tuple[Any, ...], inputs: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """What the last build made under ``key`` (compared by value) of the very same ``inputs``
        (compared by identity: records that point at each other cannot be compared by value),
        else ``make()``; kept for the next build either way."""
        entry = self._previous.get(key)
        same = entry is not None and len(entry[0]) == len(inputs) and all(a is b for a, b in zip(entry[0], inputs))
        made = entry[1] if same and entry[1] is not None else make()
        self._current[key] = (inputs, made)
        return made


_kept = KeptDerivations()  # derived records, by written record
_kept_announcements = KeptDerivations()  # a derived record's own announcements, by derived record


def derive(records: Records, now: dt.datetime, settings: ClairvoieSettings, timezone: str) -> Model:
    """The whole model: every derived fact computed here, once; nothing changes it afterwards."""
    today = now.astimezone(ZoneInfo(timezone)).date()  # the site's day, whatever zone ``now`` is given in
    # Not ``now``: the clock's, at each build of clairvoie serve. The kinds of report: a service's
    # name or commitment is in every report's figures.
    for kept in (_kept, _kept_announcements):
        kept.new_build(today, timezone, settings.upcoming_works_days, repr(records.services))
    projects, works = _projects_and_works(records, today, settings.upcoming_works_days)
    meetings = [_meeting(m, now) for m in records.meetings]

    kept_news = _kept_announcements  # a record's bad news: the same object while the record is
    project_news = [n for n in (kept_news.made_of(("bad_news", "project", p.id), (p,), lambda p=p: project_bad_news(p))
                                for p in projects) if n]
    works_news = [kept_news.made_of(("bad_news", "works", w.id), (w,), lambda w=w: works_bad_news(w))
                  for w in works if w.is_cancelled and w.timing != "past"]
    bad_news = _newest_first(project_news + works_news)
    upcoming_meetings, past_meetings = _split_meetings(meetings)
    reports = derive_reports(records.reports, records.services, works, projects, today, _kept)
    by_sector = [by_sector_id(kind) for kind in (projects, works, meetings, reports)]
    return Model(
        now=now, today=today, timezone=timezone, categories=settings.categories,
        sectors=records.sectors, projects=projects, works=works, meetings=meetings, news=records.news,
        settings=settings, synonyms=records.synonyms, glossary=records.glossary,
        plain_french=records.plain_french, basemap=records.basemap, bad_news=bad_news,
        bad_news_summary=BadNewsSummary.of(bad_news),
        upcoming_meetings=upcoming_meetings, past_meetings=past_meetings,
        scorecard=scorecard(projects, works, meetings, today),
        announcements=announcements(records.news, projects, works, ZoneInfo(timezone), now,
                                    reports, records.sectors, _kept_announcements),
        streets=street_index(projects, works, reports, today, _kept),
        services=records.services, reports=reports, open_reports=[r for r in reports if r.is_open],
        overdue_reports=most_overdue_first(reports),
        reports_by_street=reports_by_street(reports),
        report_figures=report_figures(reports, records.services, today, records.sectors),
        views={
            sector.id: _sector_view(sector, records.news, bad_news, today, settings.sector_news_count,
                                    records.services, *(grouped.get(sector.id, []) for grouped in by_sector))
            for sector in records.sectors
        },
    )


def _projects_and_works(records: Records, today: dt.date,
                        upcoming_days: int) -> tuple[list[Project], list[WorksOrder]]:
    """Projects and their works orders, which point at each other.

    A project of the last build is kept when its file is unchanged and so are its orders, all
    of them and only them (its ``works`` lists them); an order is kept when its file and its
    project are.
    """
    orders_by_project: dict[str, list[WorksOrderFile]] = {}
    for order in records.works:
        orders_by_project.setdefault(order.project_id, []).append(order)
    projects, made = [], set()
    for written in records.projects:
        project = _kept.previous(written)
        if project is not None:
            orders = [_kept.previous(order) for order in orders_by_project.get(written.id, ())]
            if any(order is None or order.project is not project for order in orders) or \
                    len(orders) != len(project.works):
                project = None
        if project is None:
            project = _project(written, today)
            made.add(id(project))
        projects.append(_kept.keep(written, project))
    by_id = {p.id: p for p in projects}
    works = []
    for written in records.works:
        project = by_id.get(written.project_id)
        order = _kept.previous(written)
        if order is None or order.project is not project:
            order = WorksOrder(**_written(written), timing=works_timing(written, today, upcoming_days),
                               project=project)
        works.append(_kept.keep(written, order))
    orders_of: dict[int, list[WorksOrder]] = {}
    for order in works:
        if order.project is not None:
            orders_of.setdefault(id(order.project), []).append(order)
    for project in projects:
        if id(project) in made:  # a kept project has the very same orders
            # Projects and their orders point at each other, and frozen records cannot both be
            # made with the other given: the one tie, made here before anything reads the model.
            object.__setattr__(project, "works", tuple(sorted(
                orders_of.get(id(project), ()), key=lambda w: (w.start_date, w.id))))
    return projects, works


def _meeting(written: MeetingFile, now: dt.datetime) -> Meeting:
    """A meeting; the last build's when its file is unchanged and it is still (or no longer) upcoming."""
    is_upcoming = meeting_is_upcoming(written, now)
    meeting = _kept.previous(written)
    if meeting is None or meeting.is_upcoming != is_upcoming:
        meeting = Meeting(**_written(written), is_upcoming=is_upcoming)
    return _kept.keep(written, meeting)


def _written(record: Any) -> dict[str, Any]:
    """What a record's file says (a ``ProjectFile``…), as the fields of the record outputs see."""
    return {field.name: getattr(record, field.name) for field in dataclasses.fields(record)}


def _project(written: ProjectFile, today: dt.date) -> Project:
    end = current_planned_end(written)
    budget = last_budget(written)
    spent = written.budget.spent if written.budget else None
    over_budget = bool(spent is not None and budget is not None and spent > budget)
    is_late, days_late = lateness(written, end, today)
    return Project(
        **_written(written), current_planned_end=end, is_replanned=end != written.schedule.planned_end,
        progress=progress(written), is_late=is_late,
        days_late=days_late, last_budget=budget, is_over_budget=over_budget,
        overrun_amount=(spent - budget) if over_budget else 0, timeline=timeline(written, end, today),
        works=(),  # tied to its orders in derive(), as soon as they are made
        street_names=tuple(streets_in(written.location.address if written.location else None)),
    )


def _newest_first(items: list[BadNews]) -> list[BadNews]:
    return sorted(items, key=lambda n: (n.date, n.url), reverse=True)


def _split_meetings(meetings: list[Meeting]) -> tuple[list[Meeting], list[Meeting]]:
    """Upcoming meetings soonest first, past ones latest first."""
    def chronological(meeting: Meeting) -> tuple[str, str]:
        return str(meeting.start), meeting.id
    upcoming = sorted((m for m in meetings if m.is_upcoming), key=chronological)
    past = sorted((m for m in meetings if not m.is_upcoming), key=chronological, reverse=True)
    return upcoming, past


def _sector_view(sector: Sector, news: list[NewsItem], bad_news: list[BadNews], today: dt.date,
                 news_count: int, services: list[Service], projects: list[Project], works: list[WorksOrder],
                 meetings: list[Meeting], reports: list[Report]) -> SectorView:
    news = [n for n in news if n.city_wide or sector.id in n.sector_ids]
    bad_news = [n for n in bad_news if sector.id in (n.project.sector_ids if n.project else n.works.sector_ids)]
    # What the sector's records make (sorted lists, figures): the last build's when they are the
    # very same records (the news are Pelican's objects, new at each build: they are not in it).
    selected = _kept.made_of(("sector_view", sector.id), (sector, *projects, None, *works, None, *meetings, None,
                                                          *reports, None, *bad_news),
                             lambda: _sector_selections(bad_news, today, services, projects, works, meetings, reports))
    return SectorView(
        sector=sector,
        news=news[:news_count],
        # Its reports too: the sector's map shows them (a changed report renders the page again).
        records=[*projects, *works, *meetings, *news, *reports],
        reports=reports,
        **selected,
    )


def _sector_selections(bad_news: list[BadNews], today: dt.date, services: list[Service], projects: list[Project],
                       works: list[WorksOrder], meetings: list[Meeting], reports: list[Report]) -> dict[str, Any]:
    upcoming_meetings, past_meetings = _split_meetings(meetings)
    return {
        "bad_news": bad_news,
        "bad_news_summary": BadNewsSummary.of(bad_news),
        "projects_by_status": {status: sorted((p for p in projects if p.status == status), key=title_key)
                               for status in PROJECT_STATUSES},
        "active_works": sorted((w for w in works if w.timing == "active" and not w.is_cancelled),
                               key=lambda w: (w.end_date, w.id)),
        "upcoming_works": sorted((w for w in works if w.timing == "upcoming" and not w.is_cancelled),
                                 key=lambda w: (w.start_date, w.id)),
        "upcoming_meetings": upcoming_meetings,
        "past_meetings": past_meetings,
        "scorecard": scorecard(projects, works, meetings, today),
        "open_reports": [r for r in reports if r.is_open],
        "overdue_reports": most_overdue_first(reports),
        "report_figures": report_figures(reports, services, today),
        "resolved_this_week": resolved_within(reports, today, WEEK_DAYS),
    }
