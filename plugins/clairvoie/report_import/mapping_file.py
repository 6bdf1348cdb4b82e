"""The mapping file (``--mapping``): how a city's request tool names its states and columns.

::

    stages:            # the tool's state: Clairvoie's stage (stages.py)
      EN_ATTENTE: acknowledged
    columns:           # Clairvoie's field: the CSV column (csv_export.py)
      number: "N° de suivi"
    delimiter: ";"     # CSV only; absent: guessed from the header line
    system: gmao       # source.system written in the records (default: open311, or csv)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..model.load import load_yaml_file
from ..model.problems import Problem
from . import messages
from .csv_export import DEFAULT_COLUMNS, CsvFormat
from .problems import ImportProblem
from .stages import DEFAULT_MAPPING, StageMapping, mapping_with

SECTIONS = ("stages", "columns", "delimiter", "system")


@dataclass(frozen=True)
class ImportMapping:
    stages: StageMapping = DEFAULT_MAPPING
    csv: CsvFormat = field(default_factory=CsvFormat)
    system: str = ""  # "": the export's format name


def load_mapping(path: str, problems: list[ImportProblem]) -> ImportMapping:
    yaml_problems: list[Problem] = []
    document = load_yaml_file(os.path.abspath(path), path, yaml_problems)
    problems.extend(ImportProblem(path, None, "", p.field, f"ligne {p.line} : {p.message}") for p in yaml_problems)
    if document is None:
        return ImportMapping()

    def report(field_name: str, message: str) -> None:
        line, _ = document.position(tuple(field_name.split(".")))
        problems.append(ImportProblem(path, None, "", field_name, f"ligne {line} : {message}"))

    for name in document.data:
        if name not in SECTIONS:
            report(str(name), messages.mapping_unknown_section(str(name), SECTIONS))
    data = document.data
    stages = mapping_with(data["stages"], report) if "stages" in data else DEFAULT_MAPPING
    return ImportMapping(stages, _csv_format(data, report), _text(data.get("system"), "system", report))


def _csv_format(data: dict, report) -> CsvFormat:  # noqa: ANN001 (report: callable(field, message))
    columns = dict(DEFAULT_COLUMNS)
    section = data.get("columns", {})
    if not isinstance(section, dict):
        report("columns", messages.MAPPING_NOT_A_MAPPING)
        section = {}
    for name, column in section.items():
        if name not in DEFAULT_COLUMNS:
            report(f"columns.{name}", messages.mapping_unknown_column_field(str(name), DEFAULT_COLUMNS))
        elif not isinstance(column, str) or not column.strip():
            report(f"columns.{name}", messages.not_text(column))
        else:
            columns[name] = column.strip()
    delimiter = _text(data.get("delimiter"), "delimiter", report)
    if len(delimiter) > 1:
        report("delimiter", messages.MAPPING_BAD_DELIMITER)
        delimiter = ""
    return CsvFormat(columns, delimiter)


def _text(value: object, name: str, report) -> str:  # noqa: ANN001
    if value is None:
        return ""
    if not isinstance(value, str):
        report(name, messages.not_text(value))
        return ""
    return value if name == "delimiter" else value.strip()
