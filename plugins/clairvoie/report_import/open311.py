"""Open311 GeoReport v2 exports: ``requests.json``, ``services.json``, and FixMyStreet's
``servicerequestupdates.json`` (one entry per state change, with staff's public text).

Each reader takes the file's text and returns what it could read, adding an
``ImportProblem`` for each wrong entry; it never raises on what the file holds.
"""

from __future__ import annotations

import json
from datetime import tzinfo
from typing import Any

from . import messages, privacy
from .incoming import (SERVICE_CODE_PATTERN, EntryReader, IncomingReport, IncomingService, IncomingUpdate, EntryCodes, keywords_of,
                       personal_words, read_report)
from .problems import ImportProblem

REQUEST_FIELDS = {
    "number": "service_request_id|token",  # token: a request not yet given its id
    "service": "service_code",
    "received": "requested_datetime",
    "updated": "updated_datetime",
    "status": "status",
    "note": "status_notes",
    "address": "address",
    "lat": "lat",
    "lon": "long",
    "expected": "expected_datetime",
    "duplicate_of": "duplicate_of",  # not Open311: some tools add it; else a number cited in the note
    "service_in_charge": "agency_responsible",
}
# Some servers wrap the list in an object.
_WRAPPERS = ("service_requests", "services", "service_request_updates", "request_updates")


def parse_entries(text: str, file: str, what: str, problems: list[ImportProblem]) -> list[Any]:
    """The JSON list of a file; [] and a problem when it is not one."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(ImportProblem(file, None, "", "", messages.not_json(error.lineno, error.colno, error.msg)))
        return []
    except (ValueError, RecursionError) as error:  # digits beyond Python's limit, nesting too deep
        problems.append(ImportProblem(file, None, "", "", messages.not_json(1, 1, type(error).__name__)))
        return []
    if isinstance(data, dict) and len(data) == 1 and next(iter(data)) in _WRAPPERS:
        data = next(iter(data.values()))
    if not isinstance(data, list):
        problems.append(ImportProblem(file, None, "", "", messages.not_a_list(what)))
        return []
    return data


def _entries(text: str, file: str, what: str, problems: list[ImportProblem]):
    for index, entry in enumerate(parse_entries(text, file, what, problems), 1):
        if isinstance(entry, dict):
            yield index, entry
        else:
            problems.append(ImportProblem(file, index, "", "", messages.NOT_AN_OBJECT))


def read_requests(text: str, file: str, zone: tzinfo, entry_codes: list[EntryCodes], problems: list[ImportProblem]
                  ) -> tuple[list[IncomingReport], dict[str, tuple[str, ...]]]:
    """The requests, and each one's personal words (to take them out of its updates too)."""
    reports, private = [], {}
    for index, entry in _entries(text, file, "demandes", problems):
        words = personal_words(entry)
        report = read_report(EntryReader(file, index, entry, problems, zone), REQUEST_FIELDS, words, entry_codes)
        if report is not None:
            reports.append(report)
            private[report.number.lower()] = words
    return reports, private


def read_services(text: str, file: str, problems: list[ImportProblem]) -> list[IncomingService]:
    services = []
    for index, entry in _entries(text, file, "services", problems):
        reader = EntryReader(file, index, entry, problems)  # services have no dates
        before = len(problems)
        code = reader.text("service_code", required=True)
        reader.entry_id = code
        if code and not SERVICE_CODE_PATTERN.fullmatch(code):
            reader.problem("service_code", messages.bad_service_code(code))
        name = reader.text("service_name", required=True)
        group = reader.text("group")
        keywords = keywords_of(reader.text("keywords"))
        if len(problems) == before:
            services.append(IncomingService(code, name, group, keywords))
    return services


def read_updates(text: str, file: str, zone: tzinfo, private: dict[str, tuple[str, ...]],
                 problems: list[ImportProblem]) -> list[IncomingUpdate]:
    updates = []
    for index, entry in _entries(text, file, "mises à jour", problems):
        reader = EntryReader(file, index, entry, problems, zone)
        before = len(problems)
        number = reader.number("service_request_id")
        update_id = reader.text("update_id", required=True)
        status = reader.text("status", required=True)
        updated = reader.moment("updated_datetime", required=True)
        note = privacy.public_text(reader.text("description"), private.get(number.lower(), ()))
        if len(problems) == before and updated is not None:
            updates.append(IncomingUpdate(file, index, update_id, number, status, updated, note))
    return updates
