"""Merge what an export says into the report records, only ever adding.

A record is created once from its request; afterwards the import only adds stages:
the tool's later states (FixMyStreet's updates, then the request's current state)
become stages when they say something new. Nothing is deleted, and what staff wrote by
hand (``public_summary``, a stage's ``works`` or ``project``, a reworded note) is kept,
because the import starts from the record as it is on disk.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from . import messages
from .incoming import Export, IncomingReport, IncomingService, IncomingUpdate
from .stages import StageMapping

DATE_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"  # local time, as every date of the records
DEFAULT_CLOSED_REASON = "Demande classée sans suite."
# The fields that tell one stage from the next of the same kind.
STAGE_DETAILS = ("note", "expected", "reason", "duplicate_of", "service_in_charge")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]")

ProblemAt = Callable[[str, str], None]  # (field, message)


def local_text(moment: datetime) -> str:
    return moment.strftime(DATE_TIME_FORMAT)


def new_record(report: IncomingReport, system: str) -> dict[str, Any]:
    location: dict[str, Any] = {"street": report.street}
    if report.lat is not None and report.lon is not None:
        location.update(lat=report.lat, lon=report.lon)
    return {
        "number": report.number,
        "service": report.service,
        "received": local_text(report.received),
        "location": location,
        "history": [{"date": local_text(report.received), "stage": "received"}],
        "source": {"system": system, "id": report.number},
    }


class Merger:
    def __init__(self, mapping: StageMapping, known_numbers: set[str], export: Export):
        self.mapping = mapping
        self.known_numbers = known_numbers  # in lower case: the export's and content/signalements/'s
        self.export = export  # its field names, for problems

    def stage(self, status: str, moment: datetime, note: str, report: IncomingReport | None,
              number: str, problem: ProblemAt) -> dict[str, Any] | None:
        """The stage a state of the tool means, or None (and a problem) when it cannot be made."""
        rule = self.mapping.rule_for(status)
        if rule is None:
            problem(self.export.name_of("status"), messages.unknown_status(status, self.mapping.known_states()))
            return None
        stage: dict[str, Any] = {"date": local_text(moment), "stage": rule.stage}
        if rule.stage == "scheduled":
            if report is None or report.expected is None:
                problem(self.export.name_of("expected"), messages.scheduled_without_date(status))
                return None
            stage["expected"] = report.expected.date().isoformat()
        elif rule.stage == "closed":
            stage["reason"] = note or rule.reason or DEFAULT_CLOSED_REASON
            note = ""  # the note is the reason: said once
        elif rule.stage == "duplicate":
            original = self._original_of(report, note, number)
            if not original:
                problem(self.export.name_of("duplicate_of"), messages.duplicate_without_original(status))
                return None
            if original.lower() not in self.known_numbers:
                problem(self.export.name_of("duplicate_of"), messages.unknown_original(original))
                return None
            stage["duplicate_of"] = original
        elif rule.stage == "acknowledged" and report is not None and report.agency:
            stage["service_in_charge"] = report.agency
        if note:
            stage["note"] = note
        return stage

    def _original_of(self, report: IncomingReport | None, note: str, number: str) -> str:
        if report is not None and report.duplicate_of:
            return report.duplicate_of
        cited = (word for word in _WORD.findall(note) if word.lower() != number.lower())
        return next((word for word in cited if word.lower() in self.known_numbers), "")

    def merged(self, record: dict[str, Any], report: IncomingReport | None, updates: list[IncomingUpdate],
               problem_of: Callable[[str, int, str], ProblemAt]) -> tuple[dict[str, Any], int]:
        """The record with the stages the updates and the request's state add; how many."""
        record = copy.deepcopy(record)
        history = record["history"]
        number = str(record.get("number", report.number if report else ""))
        # (stage, whether it is news however like the one before it): each FixMyStreet update
        # is a step staff took; the request's own state is one only when it says something new.
        candidates = []
        for update in sorted(updates, key=lambda u: (u.updated, u.update_id)):
            candidates.append((self.stage(update.status, update.updated, update.note, report, number,
                                          problem_of(update.file, update.entry, number)), True))
        if report is not None:
            candidates.append((self.stage(report.status, report.updated or report.received, report.note, report,
                                          number, problem_of(report.file, report.entry, number)), False))
        added = 0
        for stage, each_is_news in candidates:
            stage = again_received(history, stage)
            if stage is not None and not already_there(history, stage) and (each_is_news or is_news(history, stage)):
                history.append(stage)
                added += 1
        if added:
            history.sort(key=lambda s: str(s.get("date", "")) if isinstance(s, dict) else "")
        return record, added


ENDED = ("resolved", "closed", "duplicate")


def again_received(history: list[Any], stage: dict[str, Any] | None) -> dict[str, Any] | None:
    """The stage "received" is the first one only. Later, the tool saying "open" again means
    the report was reopened when its last stage ended it; else, with a note, that the
    service has it in hand (acknowledged); else nothing new."""
    if stage is None or stage["stage"] != "received" or not history:
        return stage
    before = [s for s in history if isinstance(s, dict) and str(s.get("date", "")) <= stage["date"]]
    if before and before[-1].get("stage") in ENDED:
        return {**stage, "stage": "reopened"}
    if stage.get("note") and before:
        return {**stage, "stage": "acknowledged"}
    return None if before else stage


def already_there(history: list[Any], stage: dict[str, Any]) -> bool:
    """A stage of that kind at that date: imported before (an import is told by its date)."""
    return any(isinstance(s, dict) and str(s.get("date")) == stage["date"] and s.get("stage") == stage["stage"]
               for s in history)


def is_news(history: list[Any], stage: dict[str, Any]) -> bool:
    """The request's state changes the stage, or says something the stage before it did
    not (a new note, a new expected date…)."""
    before = [s for s in history if isinstance(s, dict) and str(s.get("date", "")) <= stage["date"]]
    if not before or before[-1].get("stage") != stage["stage"]:
        return True
    return any(stage.get(detail) and stage.get(detail) != before[-1].get(detail) for detail in STAGE_DETAILS)


def merged_services(existing: list[Any], incoming: tuple[IncomingService, ...] | None) -> list[Any]:
    """services.yaml's list, with the export's names, groups and keywords; what staff
    added (``commitment_days``…) and services the export no longer lists are kept."""
    services = copy.deepcopy(existing)
    by_code = {s.get("code"): s for s in services if isinstance(s, dict)}
    for service in incoming or ():
        entry = by_code.get(service.code)
        if entry is None:
            entry = by_code[service.code] = {"code": service.code}
            services.append(entry)
        entry["name"] = service.name
        for name, value in (("group", service.group), ("keywords", list(service.keywords))):
            if value:
                entry[name] = value
    return sorted(services, key=lambda s: str(s.get("code", "")) if isinstance(s, dict) else "")
