"""Figures of a sector's (or the city's) record, computed from the model, never typed.

Definitions, shown to residents on the transparency pages:
- a completed project is *on time* when it is not late and ended no later
  than its original planned end;
- delays are the ``days_late`` of the projects that are late now or were
  late (a ``delay`` update);
- works orders *this month* are those, not withdrawn, whose dates overlap
  the build date's calendar month;
- meetings *held* are the meetings already over.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .records import PROJECT_STATUSES, Meeting, Project, WorksOrder, title_key

MONTHS_OF_HISTORY = 12


@dataclass(frozen=True)
class MonthOnTime:
    month: dt.date  # first day of the month
    completed: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.completed if self.completed else None


@dataclass
class Scorecard:
    projects_by_status: dict[str, list[Project]]
    late: list[Project]
    completed_on_time: list[Project]
    completed_late: list[Project]
    delayed: list[Project]  # every project with days of delay, worst first
    budget_planned: float
    budget_current: float
    spent: float
    overruns: list[Project]
    works_this_month: list[WorksOrder]
    meetings_held: list[Meeting]
    monthly_on_time: list[MonthOnTime] = field(default_factory=list)

    @property
    def project_count(self) -> int:
        return sum(len(projects) for projects in self.projects_by_status.values())

    @property
    def on_time_rate(self) -> float | None:
        completed = len(self.completed_on_time) + len(self.completed_late)
        return len(self.completed_on_time) / completed if completed else None

    @property
    def average_delay_days(self) -> float | None:
        if not self.delayed:
            return None
        return sum(p.days_late for p in self.delayed) / len(self.delayed)

    @property
    def worst_delay(self) -> Project | None:
        return self.delayed[0] if self.delayed else None


def completed_on_time(project: Project) -> bool:
    end = project.schedule.actual_end
    return not project.is_late and (end is None or end <= project.schedule.planned_end)


def month_start(day: dt.date, months_back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def _overlaps_month(order: WorksOrder, month: dt.date) -> bool:
    next_month = month_start(month, -1)
    return order.start_date < next_month and order.end_date >= month


def monthly_on_time(completed: list[Project], today: dt.date) -> list[MonthOnTime]:
    """On-time rate of projects completed in each of the last twelve months, oldest first."""
    months = []
    for back in range(MONTHS_OF_HISTORY - 1, -1, -1):
        month = month_start(today, back)
        ended = [p for p in completed
                 if p.schedule.actual_end and month_start(p.schedule.actual_end) == month]
        months.append(MonthOnTime(month, len(ended), sum(1 for p in ended if completed_on_time(p))))
    return months


def scorecard(projects: list[Project], works: list[WorksOrder], meetings: list[Meeting],
              today: dt.date) -> Scorecard:
    by_title = sorted(projects, key=title_key)
    completed = [p for p in by_title if p.status == "completed"]
    this_month = month_start(today)
    return Scorecard(
        projects_by_status={s: [p for p in by_title if p.status == s] for s in PROJECT_STATUSES},
        late=[p for p in by_title if p.is_late and p.status in ("planned", "in_progress")],
        completed_on_time=[p for p in completed if completed_on_time(p)],
        completed_late=[p for p in completed if not completed_on_time(p)],
        delayed=sorted((p for p in by_title if p.days_late > 0), key=lambda p: -p.days_late),
        budget_planned=sum(p.budget.planned or 0 for p in by_title if p.budget),
        budget_current=sum(p.last_budget or 0 for p in by_title),
        spent=sum(p.budget.spent or 0 for p in by_title if p.budget),
        overruns=[p for p in by_title if p.is_over_budget or any(u.kind == "cost_overrun" for u in p.updates)],
        works_this_month=sorted((w for w in works if not w.is_cancelled and _overlaps_month(w, this_month)),
                                key=lambda w: (w.start_date, w.id)),
        meetings_held=sorted((m for m in meetings if not m.is_upcoming),
                             key=lambda m: (str(m.start), m.id), reverse=True),
        monthly_on_time=monthly_on_time(completed, today),
    )
