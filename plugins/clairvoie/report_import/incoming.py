"""What an export says, once read: the same values whether it came as Open311 JSON or CSV.

Personal data is read only to be removed from staff's notes, then dropped: what is kept
here may be published, so nothing later can write it by mistake.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from typing import Any

from . import messages, privacy
from .problems import ImportProblem

# A tracking number becomes a file name: letters and digits in groups joined by single dashes
# (as report.schema.json says), so no slash, no dot, nothing a shell or Git minds.
NUMBER_PATTERN = re.compile(r"(?=.{1,64}$)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
# A service code, as services.schema.json says: kept as the request tool writes it (Open311
# tools use "StreetLight", "pot_hole", "001"); it names the report's kind in every record.
SERVICE_CODE_PATTERN = re.compile(r"(?=.{1,64}$)[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*")
RESERVED_NUMBERS = {"services"}  # services.yaml is not a report
_FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2})[:h](\d{2})(?::(\d{2}))?)?")


@dataclass(frozen=True)
class IncomingService:
    code: str
    name: str
    group: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class IncomingReport:
    """One request, already reduced to what may be published (privacy.py)."""

    file: str
    entry: int
    number: str
    service: str
    received: datetime
    updated: datetime | None
    status: str
    note: str  # staff's status note, personal data removed
    street: str
    lat: float | None  # rounded to street level
    lon: float | None
    expected: datetime | None
    duplicate_of: str
    agency: str  # the service in charge (Open311 agency_responsible)


@dataclass(frozen=True)
class IncomingUpdate:
    file: str
    entry: int
    update_id: str
    number: str
    status: str
    updated: datetime
    note: str  # staff's public update, personal data removed


@dataclass(frozen=True)
class EntryCodes:
    """A request's service code and state, kept even when the request has other problems,
    so that an unknown code or state is reported with them, in the same run."""

    file: str
    entry: int
    number: str
    code: str
    status: str


@dataclass(frozen=True)
class Export:
    reports: tuple[IncomingReport, ...]
    entry_codes: tuple[EntryCodes, ...]
    updates: tuple[IncomingUpdate, ...]
    services: tuple[IncomingService, ...] | None  # None: no services file given
    system: str  # source.system of the records, e.g. "open311"
    fields: dict[str, str] = field(default_factory=dict)  # Clairvoie's name: the export's, for problems

    def name_of(self, name: str) -> str:
        return self.fields.get(name, name).split("|")[0]


def parse_datetime(value: str, zone: tzinfo) -> datetime | None:
    """ISO 8601 (Open311) or a French spreadsheet's 03/09/2026 08:15; no offset: local time."""
    text = value.strip()
    french = _FRENCH_DATE.fullmatch(text)
    try:
        if french:
            day, month, year, hour, minute, second = (int(part or 0) for part in french.groups())
            moment = datetime(year, month, day, hour, minute, second)
        else:
            moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    try:
        return moment.astimezone(zone)
    except (OverflowError, ValueError):
        return None


class EntryReader:
    """Reads the fields of one entry, adding a problem for each wrong one (never raising)."""

    def __init__(self, file: str, entry: int, fields: dict[str, Any], problems: list[ImportProblem],
                 zone: tzinfo = timezone.utc):
        self.file, self.entry, self.fields, self.problems, self.zone = file, entry, fields, problems, zone
        self.entry_id = ""

    def problem(self, field: str, message: str) -> None:
        self.problems.append(ImportProblem(self.file, self.entry, self.entry_id, field, message))

    def text(self, name: str, required: bool = False) -> str:
        value = self.fields.get(name)
        if isinstance(value, bool) or value is None:
            value = ""
        if isinstance(value, int):  # many tools give ids and codes as JSON numbers
            value = str(value)
        if not isinstance(value, str):
            self.problem(name, messages.not_text(value))
            return ""
        value = value.strip()
        if required and not value:
            self.problem(name, messages.missing_field(name))
        return value

    def moment(self, name: str, required: bool = False) -> datetime | None:
        value = self.text(name, required)
        if not value:
            return None
        moment = parse_datetime(value, self.zone)
        if moment is None:
            self.problem(name, messages.bad_datetime(value))
        return moment

    def coordinate(self, name: str, low: float, high: float) -> float | None:
        value = self.fields.get(name)
        if value is None or value == "":
            return None
        number: float | None = None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            try:
                number = float(value.strip().replace(",", "."))
            except ValueError:
                number = None
        if number is None or not math.isfinite(number) or not low <= number <= high:
            self.problem(name, messages.bad_coordinate(value, low, high))
            return None
        return number

    def number(self, *names: str) -> str:
        """The tracking number: the first of ``names`` given; it names the entry in every problem."""
        for name in names:
            value = self.text(name)
            if value:
                if not NUMBER_PATTERN.fullmatch(value) or value.lower() in RESERVED_NUMBERS:
                    self.problem(name, messages.bad_number(value))
                    return ""
                self.entry_id = value
                return value
        self.problem(names[0], messages.NUMBER_MISSING if len(names) > 1 else messages.missing_field(names[0]))
        return ""


def keywords_of(text: str) -> tuple[str, ...]:
    """Open311's keywords: one comma-separated string."""
    return tuple(word.strip() for word in text.split(",") if word.strip())


# The resident's own data in a request: read only to take it out of staff's notes.
PERSONAL_FIELDS = ("first_name", "last_name", "name", "email", "phone", "account_id", "device_id")


def personal_words(fields: dict[str, Any], names: tuple[str, ...] = PERSONAL_FIELDS) -> tuple[str, ...]:
    return privacy.personal_words_of(*(str(fields.get(name)) for name in names
                                       if isinstance(fields.get(name), (str, int)) and not isinstance(fields.get(name), bool)))


def read_report(reader: EntryReader, names: dict[str, str], private: tuple[str, ...],
                entry_codes: list[EntryCodes]) -> IncomingReport | None:
    """One request whose fields are named by ``names`` (Clairvoie's name: the export's)."""
    before = len(reader.problems)
    number = reader.number(*names["number"].split("|"))
    service = reader.text(names["service"], required=True)
    received = reader.moment(names["received"], required=True)
    updated = reader.moment(names["updated"])
    status = reader.text(names["status"], required=True)
    entry_codes.append(EntryCodes(reader.file, reader.entry, reader.entry_id, service, status))
    note = privacy.public_text(reader.text(names["note"]), private)
    address = reader.text(names["address"])
    street = privacy.street_of(address)
    if street is None:
        reader.problem(names["address"], messages.NO_STREET)
    lat = reader.coordinate(names["lat"], -90, 90)
    lon = reader.coordinate(names["lon"], -180, 180)
    if (lat is None) != (lon is None) and len(reader.problems) == before:
        reader.problem(names["lat"], messages.LAT_WITHOUT_LONG)
    expected = reader.moment(names["expected"])
    duplicate_of = reader.text(names["duplicate_of"])
    agency = privacy.public_text(reader.text(names["service_in_charge"]), private)
    if len(reader.problems) > before or received is None or street is None:
        return None
    return IncomingReport(
        reader.file, reader.entry, number, service, received, updated, status, note, street,
        None if lat is None else privacy.rounded(lat), None if lon is None else privacy.rounded(lon),
        expected, duplicate_of, agency)
