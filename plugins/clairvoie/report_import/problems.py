"""What is wrong with an export, said where staff can find it: the file, the entry, the field."""

from __future__ import annotations

from dataclasses import dataclass

from . import messages


@dataclass(frozen=True, order=True)
class ImportProblem:
    file: str  # the export file (or record file) as given on the command line
    entry: int | None  # 1-based position of the entry in the file (a CSV row: its line); None: the file
    entry_id: str  # the entry's tracking number when it has one, else ""
    field: str  # e.g. "status"; "" for the whole entry
    message: str  # in French, for communications staff

    def __str__(self) -> str:
        return messages.problem_line(self.file, self.entry, self.entry_id, self.field, self.message)


class ImportFailed(Exception):
    """Raised with every problem of an export, before anything is written."""

    exitcode = 1

    def __init__(self, problems: list[ImportProblem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.entry or 0, p.field, p.message))
        super().__init__(messages.import_stopped(len(self.problems)))

    def report(self) -> str:
        return "\n".join(str(p) for p in self.problems) + "\n" + str(self)
