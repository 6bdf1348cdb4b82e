"""The glossary: the defaults Clairvoie ships (``lexique.yaml`` beside this module) and the
city's ``content/lexique.yaml``, read and checked like records.

An entry with ``remplacer_par`` is jargon the plain-French check (``plain_french.py``) warns
about; without it, the term cannot be avoided: /lexique/ explains it and pages link its first
use there (outputs/glossary_marks.py). A city's entry replaces the default of the same term.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from importlib import resources

from ..settings import ClairvoieSettings
from .load import load_yaml_file
from .problems import Problem
from .schema import schema_problems
from .words import fold

DEFAULT_GLOSSARY = "lexique.yaml"  # in this package
DUPLICATE_TERM = "« {term} » est déjà dans le lexique, ligne {line} : gardez une seule entrée"
NO_LETTER = "un terme doit contenir au moins une lettre"

# What may not come right before a use of a term: a letter, a figure or a hyphen (it would be
# part of a longer word); and forms of être and "chantier", after which "arrêté" is a past
# participle ("le chantier est arrêté"), not the noun the glossary explains.
_NOT_BEFORE = re.compile(r"(?:[\w-]|(?:^|\W)(?:est|sont|été|était|sera|chantier)\s)\Z", re.IGNORECASE)


@dataclass(frozen=True)
class GlossaryEntry:
    term: str  # as written in the glossary, e.g. "enrobé", "VRD"
    definition: str  # one plain sentence
    replace_with: str | None  # the plain words to use instead; None: a term that cannot be avoided
    file: str  # the glossary file, relative to the site root (the defaults: "clairvoie/model/lexique.yaml")
    line: int

    @property
    def is_jargon(self) -> bool:
        return self.replace_with is not None

    @property
    def anchor(self) -> str:
        """Its id on /lexique/: "maîtrise d'ouvrage" → "maitrise-d-ouvrage"."""
        return "-".join(re.findall(r"[a-z0-9]+", fold(self.term))) or "terme"

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The term, whole at its end; ``is_use`` says whether what comes before allows it."""
        return term_pattern(self.term)


def is_use(text: str, match: re.Match[str]) -> bool:
    """Whether a match of ``term_pattern`` is a use of the term: the start of a word, not a verb."""
    return _NOT_BEFORE.search(text[max(0, match.start() - 9):match.start()]) is None


def term_pattern(term: str) -> re.Pattern[str]:
    """Where a text may use a term (``is_use`` checks what comes before): plural allowed; case
    ignored unless the term is an abbreviation ("PLU" is not "plu"); accents kept ("PAVE" is not
    "pavé"), œ or oe, either apostrophe. The term comes first: the search starts from its letters."""
    term = unicodedata.normalize("NFC", term.strip())
    abbreviation = not any(c.islower() for c in term)
    parts = []
    for char in term:
        if char in "'’":
            parts.append("['’]")
        elif char.isspace():
            parts.append(r"\s+")
        elif char in "œŒ":
            parts.append("(?:œ|oe)")
        else:
            parts.append(re.escape(char))
    plural = "" if abbreviation or term[-1] in "sxz" else "(?:s|x)?"
    flags = 0 if abbreviation else re.IGNORECASE
    return re.compile(rf"{''.join(parts)}{plural}(?![\w-])", flags)

class TermFinder:
    """Every use of some glossary terms in a text: where two overlap, the one that starts first,
    then the longest, wins ("réfection de la chaussée" rather than "réfection")."""

    def __init__(self, entries: Iterable[GlossaryEntry]):
        self.entries = sorted(entries, key=lambda e: (-len(e.term), e.term))
        # A term's first word, looked for as a plain substring before its regular expression runs.
        self.needles = [(_first_word(e.term), e.pattern.flags & re.IGNORECASE) for e in self.entries]

    def finditer(self, text: str) -> Iterator[tuple[re.Match[str], GlossaryEntry]]:
        folded = text.casefold()
        found = []
        for index, ((needle, ignore_case), entry) in enumerate(zip(self.needles, self.entries)):
            if needle in (folded if ignore_case else text):
                found += [(match.start(), -len(match.group()), index, match)
                          for match in entry.pattern.finditer(text) if is_use(text, match)]
        end = 0
        for start, _, index, match in sorted(found, key=lambda f: f[:3]):
            if start >= end:
                end = match.end()
                yield match, self.entries[index]

    def uses(self, text: str) -> list[tuple[str, GlossaryEntry]]:
        """(the term as written, its entry), once per written form, in order."""
        return list(dict.fromkeys((match.group(), entry) for match, entry in self.finditer(text)))


def _first_word(term: str) -> str:
    """What every use of the term contains as it is: its first word (a plural only changes the
    end of the last), up to an œ (written oe too); case folded unless it is an abbreviation."""
    word = re.match(r"[^\W_]+", term)
    text = word.group() if word else term
    return (text if term.isupper() else text.casefold()).split("œ")[0]


def glossary_path(settings: ClairvoieSettings, content_path: str) -> str | None:
    """Absolute path of the city's glossary, or None when it has none."""
    if not settings.plain_french_glossary:
        return None
    path = os.path.normpath(os.path.join(content_path, settings.plain_french_glossary))
    return path if os.path.isfile(path) else None


def load_glossary(settings: ClairvoieSettings, content_path: str,
                  problems: list[Problem]) -> tuple[GlossaryEntry, ...]:
    """The defaults, then the city's entries (a city's entry replaces the default of its term),
    A–Z; problems are added to ``problems``."""
    default = resources.files(__package__).joinpath(DEFAULT_GLOSSARY)
    with resources.as_file(default) as default_path:
        entries = {fold(e.term): e for e in _read(str(default_path), "clairvoie/model/" + DEFAULT_GLOSSARY, problems)}
    path = glossary_path(settings, content_path)
    if path is not None:
        shown = os.path.relpath(path, settings.site_root).replace(os.sep, "/")
        entries.update((fold(e.term), e) for e in _read(path, shown, problems))
    return tuple(sorted(entries.values(), key=lambda e: (fold(e.term), e.term)))


def _read(path: str, shown: str, problems: list[Problem]) -> list[GlossaryEntry]:
    document = load_yaml_file(path, shown, problems)
    if document is None:
        return []
    found = schema_problems("glossary", document)
    problems += found
    if found:
        return []
    entries: list[GlossaryEntry] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(document.data["termes"]):
        line, _ = document.position(("termes", index, "terme"))
        term = unicodedata.normalize("NFC", item["terme"].strip())
        if not re.search(r"[^\W\d_]", term):
            problems.append(document.problem(("termes", index, "terme"), NO_LETTER))
            continue
        if fold(term) in seen:
            problems.append(document.problem(("termes", index, "terme"),
                                             DUPLICATE_TERM.format(term=term, line=seen[fold(term)])))
            continue
        seen[fold(term)] = line
        replace_with = item.get("remplacer_par")
        entries.append(GlossaryEntry(term, item["definition"].strip(),
                                     replace_with.strip() if replace_with else None, shown, line))
    return entries
