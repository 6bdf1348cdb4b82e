"""Figures of residents' reports (signalements), for a sector or the whole city, as of the
build date. Each figure keeps the reports that justify it, so that pages can list them.

Definitions, shown to residents and staff (docs/signalements.md, « Les chiffres »):

- the period: the last twelve months, from the first day of the month eleven months before
  today's to today (today's month is counted so far);
- a report is *received* in the month of its reception, whatever became of it (duplicates
  and reports closed without action included); it is *resolved* in the month of its
  ``resolved`` day: only reports resolved now count, a reopened one again once resolved;
- days to resolve: ``days_to_resolve`` (reception → resolution) of the reports resolved in
  the period;
- median and 90th percentile, by the *nearest rank*: the n durations sorted, the p-th
  percentile is the k-th, k = ⌈p × n / 100⌉. At least p % of the reports took that many
  days or fewer, and the figure is the duration of a real report, which the page names;
- kept commitment: among the reports resolved in the period whose service has
  ``commitment_days``, those resolved in that many days or fewer;
- the oldest open reports: the ten open reports received first;
- resolved lately: resolved in the last ``RECENT_DAYS`` days, today included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .records import Report, Sector, Service
from .reports import most_overdue_first, resolved_as_of
from .scorecard import MONTHS_OF_HISTORY, month_start

RECENT_DAYS = 30
OLDEST_SHOWN = 10
MEDIAN, PERCENTILE_90 = 50, 90

T = TypeVar("T")


def nearest_rank(count: int, percent: int) -> int:
    """The 1-based rank of the ``percent``-th percentile among ``count`` sorted values."""
    return max(1, -(-percent * count // 100))


@dataclass(frozen=True)
class Resolution:
    """A report resolved on ``day``, ``days`` after its reception."""

    report: Report
    day: dt.date
    days: int


@dataclass(frozen=True)
class ResolutionTimes:
    """Resolved reports and how long they took; ``key``/``name``: a service's or a sector's."""

    resolutions: tuple[Resolution, ...]  # quickest first (days, then number)
    median: Resolution | None  # the one at the median's rank: its days are the figure
    percentile_90: Resolution | None
    key: str = ""
    name: str = ""

    @property
    def count(self) -> int:
        return len(self.resolutions)

    @property
    def reports(self) -> tuple[Report, ...]:
        return tuple(resolution.report for resolution in self.resolutions)

    @property
    def median_days(self) -> int | None:
        return self.median.days if self.median else None

    @property
    def percentile_90_days(self) -> int | None:
        return self.percentile_90.days if self.percentile_90 else None


def resolution_times(resolutions: Sequence[Resolution], key: str = "", name: str = "") -> ResolutionTimes:
    ordered = tuple(sorted(resolutions, key=lambda r: (r.days, r.report.number)))

    def at(percent: int) -> Resolution | None:
        return ordered[nearest_rank(len(ordered), percent) - 1] if ordered else None
    return ResolutionTimes(ordered, at(MEDIAN), at(PERCENTILE_90), key, name)


def resolution_now(report: Report) -> Resolution | None:
    if report.resolved is None:
        return None
    return Resolution(report, report.resolved, report.days_to_resolve)


@dataclass(frozen=True)
class MonthOfReports:
    month: dt.date  # its first day
    received: tuple[Report, ...]  # by number
    resolved: ResolutionTimes  # resolved that month


@dataclass(frozen=True)
class ReportFigures:
    today: dt.date
    since: dt.date  # the period's first day
    months: tuple[MonthOfReports, ...]  # the period's twelve months, oldest first
    resolution: ResolutionTimes  # every report resolved in the period
    by_service: tuple[ResolutionTimes, ...]  # services that have reports here, as in services.yaml
    by_sector: tuple[ResolutionTimes, ...]  # the city's figures only: each sector's
    within_commitment: tuple[Report, ...]  # by number
    beyond_commitment: tuple[Report, ...]  # by number
    oldest_open: tuple[Report, ...]  # received first
    open: tuple[Report, ...]  # by number
    overdue: tuple[Report, ...]  # most overdue first
    recent_since: dt.date  # the first day of the last RECENT_DAYS days
    resolved_recently: ResolutionTimes

    @property
    def commitment_count(self) -> int:
        return len(self.within_commitment) + len(self.beyond_commitment)

    @property
    def commitment_rate(self) -> float | None:
        return len(self.within_commitment) / self.commitment_count if self.commitment_count else None


def resolved_between(resolutions: Sequence[Resolution], first: dt.date, last: dt.date) -> list[Resolution]:
    """Those whose resolution day is from ``first`` to ``last``, in their order."""
    return [r for r in resolutions if first <= r.day <= last]


def month_end(month: dt.date) -> dt.date:
    return month_start(month, -1) - dt.timedelta(days=1)


def grouped(items: Iterable[T], keys_of: Callable[[T], Iterable[Hashable]]) -> dict[Hashable, list[T]]:
    """The items under each of their keys, in their order: one pass for all the keys."""
    groups: dict[Hashable, list[T]] = {}
    for item in items:
        for key in keys_of(item):
            groups.setdefault(key, []).append(item)
    return groups


def months_of_reports(reports: Sequence[Report], resolved: Sequence[Resolution], since: dt.date,
                      today: dt.date) -> tuple[MonthOfReports, ...]:
    """The period's months, oldest first: what each received, and which of ``resolved`` (the
    period's resolutions) it resolved."""
    received = grouped((r for r in reports if since <= r.received_day <= today),
                       lambda report: (month_start(report.received_day),))
    resolved_in = grouped(resolved, lambda resolution: (month_start(resolution.day),))
    months = (month_start(today, back) for back in range(MONTHS_OF_HISTORY - 1, -1, -1))
    return tuple(
        MonthOfReports(month, tuple(received.get(month, ())), resolution_times(resolved_in.get(month, ())))
        for month in months)


def resolved_in_month_as_of_its_end(reports: Sequence[Report], month: dt.date) -> ResolutionTimes:
    """The reports resolved in ``month`` as their histories stood on its last day: what a
    summary of the month says once it is over, and keeps saying whatever happens next."""
    last = month_end(month)
    resolutions = []
    for report in reports:
        day = resolved_as_of(report, last)
        if day is not None and day >= month:
            resolutions.append(Resolution(report, day, (day - report.received_day).days))
    return resolution_times(resolutions)


def report_figures(reports: list[Report], services: list[Service], today: dt.date,
                   sectors: Sequence[Sector] = ()) -> ReportFigures:
    """The figures of these reports (a sector's, or the city's with its ``sectors``)."""
    since = month_start(today, MONTHS_OF_HISTORY - 1)
    # Each report's resolution is worked out once, here; every figure selects among them.
    resolutions = [r for r in map(resolution_now, reports) if r is not None]
    resolved = resolved_between(resolutions, since, today)
    by_service = grouped(resolved, lambda resolution: (resolution.report.service_code,))
    by_sector = grouped(resolved, lambda resolution: set(resolution.report.sector_ids))
    service_codes = {r.service_code for r in reports}
    with_commitment = [r for r in resolved if r.report.service.commitment_days]
    open_reports = [r for r in reports if r.is_open]
    recent_since = today - dt.timedelta(days=RECENT_DAYS - 1)
    return ReportFigures(
        today=today, since=since,
        months=months_of_reports(reports, resolved, since, today),
        resolution=resolution_times(resolved),
        by_service=tuple(resolution_times(by_service.get(s.code, ()), s.code, s.name)
                         for s in services if s.code in service_codes),
        by_sector=tuple(resolution_times(by_sector.get(s.id, ()), s.id, s.name) for s in sectors),
        within_commitment=tuple(r.report for r in with_commitment if r.days <= r.report.service.commitment_days),
        beyond_commitment=tuple(r.report for r in with_commitment if r.days > r.report.service.commitment_days),
        oldest_open=tuple(sorted(open_reports, key=lambda r: (r.received, r.number))[:OLDEST_SHOWN]),
        open=tuple(open_reports),
        overdue=tuple(most_overdue_first(reports)),
        recent_since=recent_since,
        resolved_recently=resolution_times(resolved_between(resolutions, recent_since, today)),
    )
