"""One import: read every input, plan every file, and write only when nothing is wrong."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from ..model.load import load_yaml_file
from ..model.problems import Problem
from . import messages
from .csv_export import read_csv
from .incoming import Export, IncomingReport, IncomingUpdate, EntryCodes
from .mapping_file import ImportMapping, load_mapping
from .merge import Merger, merged_services, new_record
from .open311 import REQUEST_FIELDS, read_requests, read_services, read_updates
from .problems import ImportFailed, ImportProblem
from .writer import RECORD_HEADER, SERVICES_HEADER, replace_files, to_yaml

SERVICES_FILE = "services.yaml"
FORMATS = ("open311", "csv")


@dataclass(frozen=True)
class Existing:
    """content/signalements/ as it is: each record by its file name, and services.yaml's list."""

    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    files: dict[str, bytes]  # file name in the folder: its new content (only files that change)
    new: int
    updated: int
    stages_added: int
    unchanged: int
    services: int


@dataclass(frozen=True)
class ImportResult:
    plan: Plan
    written: tuple[str, ...]

    def summary(self) -> str:
        plan = self.plan
        return messages.imported(plan.new, plan.updated, plan.stages_added, plan.unchanged, plan.services)


def _read_text(path: str, problems: list[ImportProblem]) -> str:
    try:
        with open(path, "rb") as stream:
            return stream.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(ImportProblem(path, None, "", "", messages.NOT_UTF8))
    except OSError as error:
        problems.append(ImportProblem(path, None, "", "", messages.unreadable_file(error)))
    return ""


def read_export(requests_text: str, requests_file: str, *, export_format: str = "open311",
                services: tuple[str, str] | None = None, updates: tuple[str, str] | None = None,
                mapping: ImportMapping = ImportMapping(), zone: tzinfo = ZoneInfo("Europe/Paris"),
                problems: list[ImportProblem]) -> Export:
    """Every input's entries; ``services`` and ``updates`` are (text, file name) pairs."""
    entry_codes: list[EntryCodes] = []
    if export_format == "csv":
        reports, private = read_csv(requests_text, requests_file, mapping.csv, zone, entry_codes, problems), {}
    else:
        reports, private = read_requests(requests_text, requests_file, zone, entry_codes, problems)
    services_read = read_services(*services, problems) if services else None
    updates_read = read_updates(updates[0], updates[1], zone, private, problems) if updates else []
    names = mapping.csv.columns if export_format == "csv" else REQUEST_FIELDS
    return Export(tuple(reports), tuple(entry_codes), tuple(updates_read),
                  None if services_read is None else tuple(services_read), mapping.system or export_format,
                  dict(names))


def read_existing(folder: str, problems: list[ImportProblem]) -> Existing:
    existing = Existing()
    if not os.path.isdir(folder):
        return existing
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".yaml"):
            continue
        shown = os.path.join(folder, name)
        yaml_problems: list[Problem] = []
        document = load_yaml_file(os.path.join(folder, name), shown, yaml_problems)
        problems.extend(ImportProblem(shown, None, "", p.field, messages.existing_record_unreadable(
            f"ligne {p.line} : {p.message}")) for p in yaml_problems)
        if document is None:
            continue
        if name == SERVICES_FILE:
            services = document.data.get("services", [])
            if isinstance(services, list):
                existing.services.extend(services)
            else:
                problems.append(ImportProblem(shown, None, "", "services", messages.EXISTING_SERVICES_NOT_A_LIST))
        elif isinstance(document.data.get("history"), list):
            existing.records[name] = document.data
        else:
            problems.append(ImportProblem(shown, None, "", "history", messages.EXISTING_HISTORY_NOT_A_LIST))
    return existing


def _problem_at(problems: list[ImportProblem]) -> Callable[[str, int, str], Callable[[str, str], None]]:
    def at(file: str, entry: int, number: str) -> Callable[[str, str], None]:
        return lambda field_name, message: problems.append(ImportProblem(file, entry, number, field_name, message))
    return at


def _check_entries(export: Export, known_services: set[str], existing: Existing, mapping: ImportMapping,
                   problems: list[ImportProblem]) -> None:
    """What no single entry can tell: numbers used twice, unknown services and states,
    updates of reports nobody knows."""
    first_entry: dict[str, int] = {}
    for report in export.reports:
        key = report.number.lower()
        if key in first_entry:
            problems.append(ImportProblem(report.file, report.entry, report.number, export.name_of("number"),
                                          messages.duplicate_number(first_entry[key])))
        first_entry.setdefault(key, report.entry)
    for use in export.entry_codes:
        if use.code and use.code not in known_services:
            problems.append(ImportProblem(use.file, use.entry, use.number, export.name_of("service"),
                                          messages.unknown_service(use.code, known_services)))
        if use.status and mapping.stages.rule_for(use.status) is None:
            problems.append(ImportProblem(use.file, use.entry, use.number, export.name_of("status"),
                                          messages.unknown_status(use.status, mapping.stages.known_states())))
    for update in export.updates:
        if update.number.lower() not in first_entry and f"{update.number.lower()}.yaml" not in existing.records:
            problems.append(ImportProblem(update.file, update.entry, update.number, "service_request_id",
                                          messages.update_of_unknown_report(update.number)))


def plan_import(export: Export, existing: Existing, mapping: ImportMapping, problems: list[ImportProblem]) -> Plan:
    """The files the export changes, as bytes; problems added for what cannot be merged."""
    services = merged_services(existing.services, export.services)
    known_services = {str(s.get("code")) for s in services if isinstance(s, dict)}
    _check_entries(export, known_services, existing, mapping, problems)
    known_numbers = {str(r.get("number", name[:-5])).lower() for name, r in existing.records.items()}
    known_numbers |= {report.number.lower() for report in export.reports}
    merger = Merger(mapping.stages, known_numbers, export)
    updates_of: dict[str, list[IncomingUpdate]] = {}
    for update in export.updates:
        updates_of.setdefault(f"{update.number.lower()}.yaml", []).append(update)
    reports_of: dict[str, IncomingReport] = {f"{r.number.lower()}.yaml": r for r in export.reports}
    files: dict[str, bytes] = {}
    new = updated = stages_added = 0
    for name in sorted(set(reports_of) | set(updates_of)):
        report, before = reports_of.get(name), existing.records.get(name)
        if before is None and report is None:
            continue  # an update of an unknown report: already a problem
        start = before if before is not None else new_record(report, export.system)
        record, added = merger.merged(start, report, updates_of.get(name, []), _problem_at(problems))
        if before is None or record != before:
            files[name] = to_yaml(record, RECORD_HEADER)
            new += before is None
            updated += before is not None
            stages_added += added
    if export.services is not None and services != existing.services:
        files[SERVICES_FILE] = to_yaml({"services": services}, SERVICES_HEADER)
    unchanged = len(set(existing.records) - set(files))
    return Plan(files, new, updated, stages_added, unchanged, len(known_services))


def import_reports(folder: str, requests_path: str, *, services_path: str | None = None,
                   updates_path: str | None = None, export_format: str = "open311",
                   mapping_path: str | None = None, timezone: str = "Europe/Paris") -> ImportResult:
    """Merge an export into ``folder``; raises ImportFailed, with every problem, before writing anything."""
    problems: list[ImportProblem] = []
    mapping = load_mapping(mapping_path, problems) if mapping_path else ImportMapping()
    texts = {path: _read_text(path, problems) for path in (requests_path, services_path, updates_path) if path}
    if problems:  # a file that cannot be read, or a broken mapping: its entries would only add noise
        raise ImportFailed(problems)
    export = read_export(
        texts[requests_path], requests_path, export_format=export_format, mapping=mapping, zone=ZoneInfo(timezone),
        services=(texts[services_path], services_path) if services_path else None,
        updates=(texts[updates_path], updates_path) if updates_path else None, problems=problems)
    existing = read_existing(folder, problems)
    plan = plan_import(export, existing, mapping, problems)
    if problems:
        raise ImportFailed(problems)
    replace_files(folder, plan.files)
    return ImportResult(plan, tuple(sorted(plan.files)))
