"""Facts that depend on the build date, computed once for every output.

"Today" is the build date: ``SOURCE_DATE_EPOCH`` when set (reproducible
builds), else the clock, in the site's time zone.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any
from zoneinfo import ZoneInfo

from .records import (
    ACTIVE_STATUSES, PROJECT_STATUSES, BadNews, Meeting, Model, Project, SectorView, WorksOrder,
    title_key,
)
from .announcements import announcements
from .scorecard import scorecard
from .streets import street_index
from .timeline import replannings, timeline


def build_date(timezone: ZoneInfo, environ: dict[str, str] | None = None) -> dt.datetime:
    environ = os.environ if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=timezone)
    return dt.datetime.now(tz=timezone)


def current_planned_end(project: Project) -> dt.date:
    """The latest re-planned end (by update date), else the original one."""
    moves = replannings(project)
    return moves[-1].new_end if moves else project.schedule.planned_end


def last_budget(project: Project) -> float | None:
    overruns = [u for u in sorted(project.updates, key=lambda u: (u.date, u.index))
                if u.new_budget is not None]
    if overruns:
        return overruns[-1].new_budget
    return project.budget.planned if project.budget else None


def progress(project: Project) -> int | None:
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


def lateness(project: Project, today: dt.date) -> tuple[bool, int]:
    """Whether the project is late, and by how many days against its original end.

    Late: still planned or in progress with today past the current planned
    end, or any ``delay`` update. The days count from the original planned
    end to the real end (completed), to today (still running past its
    current end) or to the current planned end (re-planned, not yet due).
    """
    end = project.current_planned_end
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


def works_timing(order: WorksOrder, today: dt.date, upcoming_days: int) -> str:
    if order.end_date < today:
        return "past"
    if order.start_date <= today:
        return "active"
    if (order.start_date - today).days <= upcoming_days:
        return "upcoming"
    return "future"


def meeting_is_upcoming(meeting: Meeting, now: dt.datetime) -> bool:
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


def derive(model: Model, now: dt.datetime, upcoming_works_days: int, news_count: int) -> None:
    """Fill in every derived fact of the model, in place."""
    today = now.date()
    model.today = today
    projects_by_id = {p.id: p for p in model.projects}
    for project in model.projects:
        project.current_planned_end = current_planned_end(project)
        project.progress = progress(project)
        project.is_late, project.days_late = lateness(project, today)
        project.last_budget = last_budget(project)
        spent = project.budget.spent if project.budget else None
        project.is_over_budget = bool(spent is not None and project.last_budget is not None
                                      and spent > project.last_budget)
        project.overrun_amount = (spent - project.last_budget) if project.is_over_budget else 0
        project.timeline = timeline(project, today)
        project.works = []
    for order in model.works:
        order.timing = works_timing(order, today, upcoming_works_days)
        order.project = projects_by_id.get(order.project_id) if order.project_id else None
        if order.project:
            order.project.works.append(order)
    for project in model.projects:
        project.works.sort(key=lambda w: (w.start_date, w.id))
    for meeting in model.meetings:
        meeting.is_upcoming = meeting_is_upcoming(meeting, now)

    project_news = [n for n in map(project_bad_news, model.projects) if n]
    works_news = [works_bad_news(w) for w in model.works if w.is_cancelled and w.timing != "past"]
    model.bad_news = _newest_first(project_news + works_news)
    model.upcoming_meetings, model.past_meetings = _split_meetings(model.meetings)
    model.scorecard = scorecard(model.projects, model.works, model.meetings, today)
    model.announcements = announcements(model, now)
    model.streets = street_index(model)
    projects, works, meetings = map(_by_sector, (model.projects, model.works, model.meetings))
    model.views = {
        sector.id: _sector_view(model, sector.id, news_count, projects.get(sector.id, []),
                                works.get(sector.id, []), meetings.get(sector.id, []))
        for sector in model.sectors
    }


def _newest_first(items: list[BadNews]) -> list[BadNews]:
    return sorted(items, key=lambda n: (n.date, n.url), reverse=True)


def _split_meetings(meetings: list[Meeting]) -> tuple[list[Meeting], list[Meeting]]:
    """Upcoming meetings soonest first, past ones latest first."""
    def chronological(meeting: Meeting) -> tuple[str, str]:
        return str(meeting.start), meeting.id
    upcoming = sorted((m for m in meetings if m.is_upcoming), key=chronological)
    past = sorted((m for m in meetings if not m.is_upcoming), key=chronological, reverse=True)
    return upcoming, past


def _by_sector(records: list[Any]) -> dict[str, list[Any]]:
    """Each sector's records in the model's order: one pass, not one per sector."""
    grouped: dict[str, list[Any]] = {}
    for record in records:
        for sector_id in set(record.sector_ids):
            grouped.setdefault(sector_id, []).append(record)
    return grouped


def _sector_view(model: Model, sector_id: str, news_count: int, projects: list[Project],
                 works: list[WorksOrder], meetings: list[Meeting]) -> SectorView:
    upcoming_meetings, past_meetings = _split_meetings(meetings)
    news = [n for n in model.news if n.city_wide or sector_id in n.sector_ids]
    by_status = {status: sorted((p for p in projects if p.status == status), key=title_key)
                 for status in PROJECT_STATUSES}
    return SectorView(
        sector=model.sector(sector_id),
        bad_news=[n for n in model.bad_news
                  if sector_id in (n.project.sector_ids if n.project else n.works.sector_ids)],
        projects_by_status=by_status,
        active_works=sorted((w for w in works if w.timing == "active" and not w.is_cancelled),
                            key=lambda w: (w.end_date, w.id)),
        upcoming_works=sorted((w for w in works if w.timing == "upcoming" and not w.is_cancelled),
                              key=lambda w: (w.start_date, w.id)),
        upcoming_meetings=upcoming_meetings,
        past_meetings=past_meetings,
        news=news[:news_count],
        scorecard=scorecard(projects, works, meetings, model.today),
        records=[*projects, *works, *meetings, *news],
    )
