"""A CSV export of the request tool: one line per request, its columns named in a mapping.

The default column names are Open311's, so that a tool exporting its Open311 fields as
CSV needs no mapping; a city renames them in the mapping file's ``columns`` section::

    columns:
      number: "N° de suivi"
      received: "Date de la demande"
    delimiter: ";"

docs/signalements.md lists every column and what becomes of it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import tzinfo

from . import messages
from .incoming import EntryReader, IncomingReport, EntryCodes, personal_words, read_report
from .open311 import REQUEST_FIELDS
from .problems import ImportProblem

# Clairvoie's field: the default column, named as Open311 names the field (the first name when
# Open311 has two); then the resident's own data, read only to take it out of the notes, never written.
DEFAULT_COLUMNS = {
    **{field: names.split("|")[0] for field, names in REQUEST_FIELDS.items()},
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "phone": "phone",
}
REQUIRED_COLUMNS = ("number", "service", "received", "status", "address")
PERSONAL_COLUMNS = ("first_name", "last_name", "email", "phone")


@dataclass(frozen=True)
class CsvFormat:
    columns: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLUMNS))
    delimiter: str = ""  # "": the one of ";" "," or tab the header line uses most


def _delimiter(header_line: str, wanted: str) -> str:
    if wanted:
        return wanted
    return max((";", ",", "\t"), key=header_line.count)


def _rows(text: str, file: str, delimiter: str, problems: list[ImportProblem]):
    """(line number, row) of every data line; stops at a line csv cannot read."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield reader.line_num, row
    except csv.Error as error:
        problems.append(ImportProblem(file, reader.line_num, "", "", messages.not_csv(str(error))))


def read_csv(text: str, file: str, csv_format: CsvFormat, zone: tzinfo, entry_codes: list[EntryCodes],
             problems: list[ImportProblem]) -> list[IncomingReport]:
    text = text.lstrip("\ufeff")
    delimiter = _delimiter(text.split("\n", 1)[0], csv_format.delimiter)
    rows = _rows(text, file, delimiter, problems)
    first = next(rows, None)
    if first is None:
        problems.append(ImportProblem(file, None, "", "", messages.EMPTY_CSV))
        return []
    header = [cell.strip() for cell in first[1]]
    missing = [csv_format.columns[name] for name in REQUIRED_COLUMNS if csv_format.columns[name] not in header]
    for column in missing:
        problems.append(ImportProblem(file, None, "", column, messages.missing_column(column, header)))
    if missing:
        return []
    reports = []
    for line, row in rows:
        fields = dict(zip(header, (cell for cell in row)))
        private = personal_words(fields, tuple(csv_format.columns[name] for name in PERSONAL_COLUMNS))
        report = read_report(EntryReader(file, line, fields, problems, zone), csv_format.columns, private,
                             entry_codes)
        if report is not None:
            reports.append(report)
    return reports
