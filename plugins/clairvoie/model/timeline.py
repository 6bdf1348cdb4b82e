"""A project's timeline: planned against actual dates, every re-planning, milestones, today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .records import ACTIVE_STATUSES, ProjectFile


@dataclass(frozen=True)
class Replanning:
    """One ``delay`` update: the end moved from ``previous_end`` to ``new_end``."""

    date: dt.date
    previous_end: dt.date
    new_end: dt.date
    reason: str | None

    @property
    def days(self) -> int:
        return (self.new_end - self.previous_end).days


@dataclass(frozen=True)
class TimelineEvent:
    date: dt.date
    kind: str  # planned_start, actual_start, milestone, replanned, today, planned_end, actual_end
    title: str | None = None  # a milestone's or re-planning's text
    done: bool | None = None  # milestones
    position: float = 0.0  # percent along the timeline


@dataclass(frozen=True)
class Bar:
    left: float  # percent
    width: float  # percent


@dataclass(frozen=True)
class Timeline:
    first: dt.date
    last: dt.date
    replannings: tuple[Replanning, ...]
    events: tuple[TimelineEvent, ...]  # chronological
    planned: Bar
    actual: Bar | None  # None for a project that never started
    today: float | None  # percent, when today is inside the span


def replannings(project: ProjectFile) -> tuple[Replanning, ...]:
    moves = []
    end = project.schedule.planned_end
    for update in sorted(project.updates, key=lambda u: (u.date, u.index)):
        if update.new_planned_end is not None:
            moves.append(Replanning(update.date, end, update.new_planned_end, update.reason))
            end = update.new_planned_end
    return tuple(moves)


def timeline(project: ProjectFile, end: dt.date, today: dt.date) -> Timeline:
    """``end``: the project's current planned end (derive.py)."""
    schedule = project.schedule
    moves = replannings(project)
    actual_start = schedule.actual_start
    if schedule.actual_end:
        actual_end = schedule.actual_end
    elif project.status in ACTIVE_STATUSES and actual_start:
        actual_end = max(end, today)
    else:
        actual_end = end if actual_start else None

    dates = [schedule.planned_start, schedule.planned_end, end]
    dates += [d for d in (actual_start, actual_end) if d]
    dates += [m.date for m in project.milestones]
    first, last = min(dates), max(dates)
    span = max((last - first).days, 1)

    def at(day: dt.date) -> float:
        return round(100 * (day - first).days / span, 1)

    def bar(start: dt.date, stop: dt.date) -> Bar:
        return Bar(at(start), max(round(at(stop) - at(start), 1), 0.5))

    events = [TimelineEvent(schedule.planned_start, "planned_start", position=at(schedule.planned_start))]
    if actual_start:
        events.append(TimelineEvent(actual_start, "actual_start", position=at(actual_start)))
    events += [TimelineEvent(m.date, "milestone", m.title, m.done, at(m.date)) for m in project.milestones]
    events += [TimelineEvent(r.date, "replanned", r.reason, position=at(min(max(r.date, first), last)))
               for r in moves]
    events.append(TimelineEvent(schedule.planned_end, "planned_end", position=at(schedule.planned_end)))
    if schedule.actual_end:
        events.append(TimelineEvent(schedule.actual_end, "actual_end", position=at(schedule.actual_end)))
    today_position = at(today) if first <= today <= last else None
    if today_position is not None:
        events.append(TimelineEvent(today, "today", position=today_position))
    order = {kind: i for i, kind in enumerate(
        ("planned_start", "actual_start", "milestone", "replanned", "today", "planned_end", "actual_end"))}
    events.sort(key=lambda e: (e.date, order[e.kind]))
    return Timeline(
        first=first, last=last, replannings=moves, events=tuple(events),
        planned=bar(schedule.planned_start, schedule.planned_end),
        actual=bar(actual_start, actual_end) if actual_start and actual_end else None,
        today=today_position,
    )
