"""A problem found in the records, and the error that stops a build."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str  # relative to the site root
    line: int
    column: int
    field: str  # e.g. "updates[2].reason"; "" for the whole file
    message: str  # in French, for the people who edit the records

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        if self.field:
            return f"{where} — {self.field} : {self.message}"
        return f"{where} — {self.message}"


class InvalidRecords(Exception):
    """Raised when records have problems; carries all of them."""

    exitcode = 1

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(self.summary())

    def summary(self) -> str:
        from .. import messages

        return messages.build_stopped(len(self.problems))

    def report(self) -> str:
        return "\n".join(str(p) for p in self.problems) + "\n" + self.summary()
