"""Residents' words for the records' terms: ``content/search/synonymes.yaml``.

Staff write one line per everyday word: ``lampadaire: éclairage public`` or
``trou: [chaussée, enrobé]``. A page that contains one of the terms is also
found by the word (outputs/search.py adds the word to the page's index entry,
never to the page itself). The file is read and checked like a record: every
problem is reported as ``file:line:column — word : message``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .. import messages
from ..settings import ClairvoieSettings
from .load import load_yaml_file
from .problems import Problem
from .schema import schema_problems
from .words import key

_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Synonym:
    word: str  # what residents type, e.g. "lampadaire"
    terms: tuple[str, ...]  # what the records say, e.g. ("éclairage public", "lanterne")
    line: int  # in the synonyms file


def synonyms_path(settings: ClairvoieSettings, content_path: str) -> str | None:
    """Absolute path of the synonyms file, or None when the site has none."""
    if not settings.search_synonyms:
        return None
    path = os.path.normpath(os.path.join(content_path, settings.search_synonyms))
    return path if os.path.isfile(path) else None


def load_synonyms(settings: ClairvoieSettings, content_path: str,
                  problems: list[Problem]) -> tuple[Synonym, ...]:
    """The synonyms, in file order; problems are added to ``problems``."""
    path = synonyms_path(settings, content_path)
    if path is None:
        return ()
    shown = os.path.relpath(path, settings.site_root).replace(os.sep, "/")
    document = load_yaml_file(path, shown, problems)
    if document is None:
        return ()
    before = len(problems)
    problems += schema_problems("synonyms", document)  # the shape; then what a schema cannot say
    synonyms: list[Synonym] = []
    seen: dict[str, int] = {}
    for word, value in document.data.items():
        line, _ = document.position((word,))
        terms = [((word,), value)] if isinstance(value, str) else [
            ((word, index), term) for index, term in enumerate(value if isinstance(value, list) else [])
            if isinstance(term, str)]
        word_key = key(word)
        if not _LETTER.search(word):
            problems.append(document.problem((word,), messages.SYNONYM_NO_LETTER))
            continue
        if word_key in seen:
            problems.append(document.problem((word,), messages.duplicate_synonym(word, seen[word_key])))
            continue
        seen[word_key] = line
        kept = []
        for where, term in terms:
            if not _LETTER.search(term):
                problems.append(document.problem(where, messages.SYNONYM_NO_LETTER))
            elif key(term) == word_key:
                problems.append(document.problem(where, messages.SYNONYM_SAME_AS_TERM))
            else:
                kept.append(term.strip())
        synonyms.append(Synonym(word.strip(), tuple(dict.fromkeys(kept)), line))
    return tuple(synonyms) if len(problems) == before else ()
