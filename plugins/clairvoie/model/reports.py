"""Residents' reports (signalements): the facts derived from their stages and the build date.

A report is open until a ``resolved``, ``closed`` or ``duplicate`` stage; a ``reopened``
stage opens it again and starts a new round: what is expected, the service's commitment
and the resolution count from the round's start (the report's reception, else its last
reopening). The days to resolve count from the reception. A report is overdue when it is
open and today is past its due day: the earlier of its round's last ``expected`` date and
the round's start plus the service's ``commitment_days``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from .records import (
    REPORT_ENDING_STAGES, OverduePeriod, Project, Report, ReportFile, ReportStage, Service, WorksOrder,
)
from .streets import sort_key
from .words import key


def current_round(history: tuple[ReportStage, ...]) -> tuple[ReportStage, ...]:
    """The stages from the last reopening on (all of them if never reopened)."""
    starts = [i for i, stage in enumerate(history) if stage.stage == "reopened"]
    return history[starts[-1]:] if starts else history


def rounds(history: tuple[ReportStage, ...]) -> list[tuple[ReportStage, ...]]:
    """The history cut at each reopening: the first round, then one per ``reopened`` stage."""
    starts = [0, *(i for i, stage in enumerate(history) if stage.stage == "reopened" and i > 0)]
    return [history[start:end] for start, end in zip(starts, [*starts[1:], len(history)])]


def original_number(report: ReportFile) -> str | None:
    """The number (lower case) of the report this one duplicates, in its current round."""
    marked = [s for s in current_round(report.history) if s.stage == "duplicate" and s.duplicate_of]
    return marked[-1].duplicate_of.lower() if marked else None


def due_day(report: ReportFile, service: Service) -> tuple[dt.date | None, dt.date | None]:
    """(the current round's last expected date, the day the report is due)."""
    return round_due(report, current_round(report.history), service)


def round_due(report: ReportFile, stages: tuple[ReportStage, ...],
              service: Service) -> tuple[dt.date | None, dt.date | None]:
    """(a round's last expected date, the day it was due)."""
    expected = next((s.expected for s in reversed(stages) if s.stage == "scheduled" and s.expected), None)
    start = stages[0].day if stages and stages[0].stage == "reopened" else report.received_day
    committed = start + dt.timedelta(days=service.commitment_days) if service.commitment_days else None
    deadlines = [day for day in (expected, committed) if day is not None]
    return expected, (min(deadlines) if deadlines else None)


def resolved_as_of(report: ReportFile, day: dt.date) -> dt.date | None:
    """The day the report was resolved, as its history stood at the end of ``day`` (None: it
    was not resolved then): what ``Report.resolved`` said that day."""
    known = tuple(stage for stage in report.history if stage.day <= day)
    if not known or known[-1].stage != "resolved":
        return None
    return next(stage.day for stage in current_round(known) if stage.stage == "resolved")


def overdue_periods(report: ReportFile, service: Service, today: dt.date) -> tuple[OverduePeriod, ...]:
    """Each round that went past its due day while open, by ``today``, oldest first.

    The round's first overdue day is the day after its due day if the report was open
    then, else the first later day of the round on which a stage opened it again.
    """
    periods = []
    for stages in rounds(report.history):
        expected, due = round_due(report, stages, service)
        since = _first_open_day_after(stages, due, today) if due is not None else None
        if since is not None:
            periods.append(OverduePeriod(since=since, due=due, expected=expected))
    return tuple(periods)


def _first_open_day_after(stages: tuple[ReportStage, ...], due: dt.date, today: dt.date) -> dt.date | None:
    first = due + dt.timedelta(days=1)
    in_effect = [stage for stage in stages if stage.day <= first][-1:]
    later = [stage for stage in stages if stage.day > first]
    for day, stage in [*((first, s) for s in in_effect), *((s.day, s) for s in later)]:
        if day > today:
            return None
        if stage.stage not in REPORT_ENDING_STAGES:
            return day
    return None


def derive_reports(files: list[ReportFile], services: list[Service], works: list[WorksOrder],
                   projects: list[Project], today: dt.date, kept: Any = None) -> list[Report]:
    """Every report, by number, each with its original (checked when loading: no loops).

    ``kept`` (derive.KeptDerivations): a report the last build derived from the same written
    report is taken as it is when its service is the same and it is tied to the very same
    original, duplicates, works orders and projects.
    """
    by_code = {service.code: service for service in services}
    by_reference = {order.reference: order for order in works}
    by_project_id = {project.id: project for project in projects}
    by_id = {report.id: report for report in files}
    originals = {report.id: original_number(report) for report in files}
    duplicates: dict[str, list[str]] = {}
    for report in files:
        original = originals[report.id]
        if original is not None:
            duplicates.setdefault(original, []).append(report.number)
    made: dict[str, Report] = {}

    def make(written: ReportFile) -> Report:
        if written.id not in made:
            original = originals[written.id]
            service = by_code[written.service_code]
            tied = {
                "original": make(by_id[original]) if original is not None else None,
                "duplicates": tuple(sorted(duplicates.get(written.id, ()))),
                "works": tuple(by_reference[reference] for reference in dict.fromkeys(
                    s.works_reference for s in written.history if s.works_reference)),
                "projects": tuple(by_project_id[project_id] for project_id in dict.fromkeys(
                    s.project_id for s in written.history if s.project_id)),
            }
            report = kept.previous(written) if kept is not None else None
            if report is None or not _tied_alike(report, service, tied):
                report = _report(written, service, today, **tied)
            made[written.id] = kept.keep(written, report) if kept is not None else report
        return made[written.id]

    return sorted((make(report) for report in files), key=lambda r: r.number)


def _tied_alike(report: Report, service: Service, tied: dict[str, Any]) -> bool:
    """Whether a report of the last build has this service and is tied to these very records."""
    return (report.service == service and report.original is tied["original"]
            and report.duplicates == tied["duplicates"]
            and _same_objects(report.works, tied["works"]) and _same_objects(report.projects, tied["projects"]))


def _same_objects(these: tuple[Any, ...], those: tuple[Any, ...]) -> bool:
    return len(these) == len(those) and all(a is b for a, b in zip(these, those))


def _report(written: ReportFile, service: Service, today: dt.date, **tied: Any) -> Report:
    current = written.history[-1]
    is_open = current.stage not in REPORT_ENDING_STAGES
    resolved = next((s.day for s in current_round(written.history) if s.stage == "resolved"), None)
    resolved = resolved if current.stage == "resolved" else None
    expected, due = due_day(written, service)
    is_overdue = is_open and due is not None and today > due
    return Report(
        **{f.name: getattr(written, f.name) for f in dataclasses.fields(written)},
        service=service, current_stage=current, is_open=is_open, is_resolved=current.stage == "resolved",
        resolved=resolved, days_to_resolve=(resolved - written.received_day).days if resolved else None,
        expected=expected, due=due, is_overdue=is_overdue,
        days_overdue=(today - due).days if is_overdue else 0,
        overdue_periods=overdue_periods(written, service, today), **tied,
    )


def most_overdue_first(reports: list[Report]) -> list[Report]:
    return sorted((r for r in reports if r.is_overdue), key=lambda r: (-r.days_overdue, r.number))


def reports_by_street(reports: list[Report]) -> dict[str, list[Report]]:
    """Each street's reports, by number, under the street's key (case and accents ignored)."""
    streets: dict[str, list[Report]] = {}
    for report in reports:
        streets.setdefault(key(report.street), []).append(report)
    return streets


def overdue_first(reports: list[Report]) -> list[Report]:
    """Overdue reports first (most overdue first), then the others by number: a resident
    checking "is it already reported?" sees the bad news before the rest."""
    return sorted(reports, key=lambda r: (not r.is_overdue, -r.days_overdue, r.number))


def open_reports_by_street(reports: list[Report]) -> list[tuple[str, list[Report]]]:
    """Each street with open reports (its name as first written), A–Z as /rues/ sorts
    streets, with its open reports overdue first."""
    streets: dict[str, list[Report]] = {}
    for report in reports:
        if report.is_open:
            streets.setdefault(key(report.street), []).append(report)
    named = [(found[0].street, overdue_first(found)) for found in streets.values()]
    return sorted(named, key=lambda item: (sort_key(item[0]), key(item[0])))
