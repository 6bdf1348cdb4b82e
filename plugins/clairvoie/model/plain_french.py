"""The plain-French check: remarks on every text staff write (docs/francais-simple.md).

For each title, summary, description, update, reason, detour, note and news article:
- a sentence of more than ``LONG_SENTENCE_WORDS`` words (Yoast's French threshold);
- a text of at least ``MIN_SENTENCES_FOR_SHARE`` sentences where more than a quarter are that long;
- each use of a glossary term that has ``remplacer_par``, with the plain words to use;
- a text of at least ``MIN_WORDS_FOR_SCORE`` words whose French Flesch score (Kandel & Moles,
  computed by textstat) is under the setting ``CLAIRVOIE_PLAIN_FRENCH_MIN_SCORE``.

Remarks never stop a build unless ``CLAIRVOIE_PLAIN_FRENCH_STRICT`` is true; each one is a
``Problem`` (file:line:column — field : message), like the records' problems.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import unescape
from typing import Any

from ..markup import markdown_to_html
from .glossary import GlossaryEntry, TermFinder
from .load import YamlDocument, format_field_path
from .problems import Problem

LONG_SENTENCE_WORDS = 20  # Yoast: a French sentence of more than 20 words is long
LONG_SENTENCES_SHARE = 0.25  # Yoast: at most a quarter of a text's sentences may be long
MIN_SENTENCES_FOR_SHARE = 4  # below this, each long sentence is already named on its own
MIN_WORDS_FOR_SCORE = 30  # a score on a title or a short sentence says nothing
QUOTED_WORDS = 8  # a long sentence is named by its first words

# The staff-written texts of each kind of record: (field path, "*" for every item; Markdown?).
TEXT_FIELDS: dict[str, tuple[tuple[tuple[str, ...], bool], ...]] = {
    "sector": ((("description",), True),),
    "project": ((("title",), False), (("summary",), False), (("description",), True),
                (("milestones", "*", "title"), False), (("updates", "*", "title"), False),
                (("updates", "*", "body"), True), (("updates", "*", "reason"), False),
                (("photos", "*", "alt"), False), (("photos", "*", "caption"), False),
                (("documents", "*", "title"), False)),
    "works": ((("title",), False), (("detour",), True), (("cancelled",), False),  # the reason, or:
              (("cancelled", "reason"), False)),
    "meeting": ((("title",), False), (("description",), True)),
    "report": ((("public_summary",), False), (("history", "*", "note"), False),
               (("history", "*", "reason"), False)),
}


# The remarks' wording (French, for staff), beside the thresholds it names.
def long_sentence(words: int, start: str) -> str:
    return (f"phrase de {words} mots (plus de {LONG_SENTENCE_WORDS}) : « {start} » — "
            "coupez-la en phrases plus courtes")


def many_long_sentences(long: int, total: int) -> str:
    return (f"{long} phrases sur {total} ont plus de {LONG_SENTENCE_WORDS} mots (plus du quart) : "
            "raccourcissez-en")


def jargon(written: str, entry: GlossaryEntry) -> str:
    return f"« {written} » est du jargon : écrivez plutôt « {entry.replace_with} »"


def hard_to_read(score: float, threshold: float) -> str:
    level = "très difficile" if score < 50 else "difficile"
    shown = f"{score:.0f}".replace("-", "−")
    return (f"texte {level} à lire (score de lisibilité {shown} sur 100, en dessous de {threshold:g}) : "
            "des phrases plus courtes et des mots plus simples le rendront plus facile")


def summary(count: int) -> str:
    if count == 0:
        return "Aucune remarque de français simple."
    if count == 1:
        return "1 remarque de français simple (docs/francais-simple.md)."
    return f"{count} remarques de français simple (docs/francais-simple.md)."


@dataclass(frozen=True)
class StaffText:
    """One text written by staff, and where it is written."""

    file: str  # relative to the site root
    line: int
    column: int
    field: str  # e.g. "updates[2].body"
    text: str
    markdown: bool
    # The file line of the text's first line is ``line + lines_before``: 1 for a YAML block
    # ("description: |", the text starts below), 0 in an article; -1: the text has one line in
    # the file whatever its length (a folded YAML value), every remark is at ``line``.
    lines_before: int = -1


def document_texts(kind: str, document: YamlDocument) -> Iterator[StaffText]:
    """The staff-written texts of a record file, with their positions."""
    for pattern, is_markdown in TEXT_FIELDS.get(kind, ()):
        for path, value in _values(document.data, pattern, ()):
            if isinstance(value, str) and value.strip():
                line, column = document.position(path)
                yield StaffText(document.path, line, column, format_field_path(path), value, is_markdown,
                                1 if "\n" in value.rstrip("\n") else -1)


def _values(data: Any, pattern: tuple[str, ...], path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if not pattern:
        yield path, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        for index, item in enumerate(data if isinstance(data, list) else []):
            yield from _values(item, rest, path + (index,))
    elif isinstance(data, dict) and head in data:
        yield from _values(data[head], rest, path + (head,))


_HEADER = re.compile(r"^([A-Za-z][\w-]*)\s*:\s?(.*)$")


def article_texts(article: Any, site_root: str) -> Iterator[StaffText]:
    """A Markdown article's title, summary and paragraphs, each at its line."""
    path = article.source_path
    shown = os.path.relpath(path, site_root).replace(os.sep, "/")
    try:
        with open(path, encoding="utf-8") as stream:
            lines = stream.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return
    header_end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    for number, line in enumerate(lines[:header_end], 1):
        header = _HEADER.match(line)
        if header and header[1].lower() in ("title", "summary") and header[2].strip():
            yield StaffText(shown, number, 1, header[1], header[2], header[1].lower() == "summary")
    paragraph: list[str] = []
    start = 0
    for number, line in enumerate([*lines[header_end:], ""], header_end + 1):
        if line.strip():
            start = start or number
            paragraph.append(line)
        elif paragraph:
            yield StaffText(shown, start, 1, "texte", "\n".join(paragraph), True, 0)
            paragraph, start = [], 0


class PlainFrench:
    """The check for one glossary and one threshold; a text's remarks are worked out once."""

    def __init__(self, glossary: tuple[GlossaryEntry, ...], min_score: float):
        self.glossary = glossary
        self.jargon = [entry for entry in glossary if entry.is_jargon]
        self.min_score = min_score
        self.terms = TermFinder(self.jargon)
        self._remarks: dict[tuple[str, bool], tuple[str, ...]] = {}
        # id(document) → (the document, its kind, its remarks): see check()
        self.by_document: dict[int, tuple[YamlDocument, str, list[Problem]]] = {}

    def remarks(self, texts: Iterable[StaffText]) -> list[Problem]:
        found: list[Problem] = []
        for text in texts:
            located = self._remarks.get((text.text, text.markdown))
            if located is None:
                located = self._remarks[(text.text, text.markdown)] = self.located_remarks(text.text, text.markdown)
            found += [Problem(text.file, text.line + text.lines_before + offset, 1, text.field, message)
                      if offset and text.lines_before >= 0 else
                      Problem(text.file, text.line, text.column, text.field, message)
                      for offset, message in located]
        return found

    def text_remarks(self, text: str, is_markdown: bool) -> tuple[str, ...]:
        return tuple(message for _, message in self.located_remarks(text, is_markdown))

    def located_remarks(self, text: str, is_markdown: bool) -> tuple[tuple[int, str], ...]:
        """Each remark, with the line of the text it is about (0: the first)."""
        plain = plain_text(text, is_markdown)
        sentences = split_sentences(plain)
        remarks = []
        counts = [word_count(sentence) for sentence in sentences]
        cursor = 0
        for sentence, count in zip(sentences, counts):
            first_word = _FIRST_WORD.search(sentence)
            found = re.search(rf"(?<![^\W_]){re.escape(first_word.group())}", text[cursor:]) if first_word else None
            cursor += found.start() if found else 0
            if count > LONG_SENTENCE_WORDS:
                remarks.append((text.count("\n", 0, cursor),
                                long_sentence(count, " ".join(sentence.split()[:QUOTED_WORDS]) + "…")))
        long = sum(1 for count in counts if count > LONG_SENTENCE_WORDS)
        if len(sentences) >= MIN_SENTENCES_FOR_SHARE and long > LONG_SENTENCES_SHARE * len(sentences):
            remarks.append((0, many_long_sentences(long, len(sentences))))
        for written, entry in self.terms.uses(plain):
            remarks.append((text.count("\n", 0, max(text.find(written), 0)), jargon(written, entry)))
        if sum(counts) >= MIN_WORDS_FOR_SCORE:
            score = flesch_score(" ".join(_ended(s) for s in sentences))
            if score < self.min_score:
                remarks.append((0, hard_to_read(score, self.min_score)))
        return tuple(dict.fromkeys(remarks))


_FIRST_WORD = re.compile(r"[^\W_]+")


_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|tr|pre|td|th)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def plain_text(text: str, is_markdown: bool) -> str:
    """The words a reader reads: Markdown rendered, each paragraph, list item or heading apart."""
    text = unicodedata.normalize("NFC", text)
    if not is_markdown:
        return text.strip()
    html = _BLOCK_END.sub("\n\n", str(markdown_to_html(text)))
    return unescape(_TAG.sub("", html)).strip()


_SENTENCE_END = re.compile(r"(?<=[.!?…])[»\"”)]*\s+(?=[«\"“(]?\s*[A-ZÀ-ÖØ-Þ0-9])")


def split_sentences(plain: str) -> list[str]:
    """Sentences: cut after . ! ? … before a capital or a figure, and at every paragraph or item."""
    sentences = []
    for block in re.split(r"\n\s*\n", plain):
        block = " ".join(block.split())
        sentences += [s.strip() for s in _SENTENCE_END.split(block) if word_count(s)]
    return sentences


_WORD = re.compile(r"\S*[^\W_]\S*")


def word_count(sentence: str) -> int:
    """Words as Yoast counts them: what spaces separate ("l'avenue" is one word), with a letter or figure."""
    return len(_WORD.findall(sentence))


def _ended(sentence: str) -> str:
    return sentence if sentence.rstrip("»\"”) ").endswith((".", "!", "?", "…")) else sentence + "."


def flesch_score(text: str) -> float:
    """The French Flesch score of Kandel & Moles (207 − 1.015 × words per sentence − 73.6 ×
    syllables per word), as textstat computes it for French."""
    import textstat  # about a second to import (nltk): only when a text is long enough to score

    textstat.set_lang("fr")
    return float(textstat.flesch_reading_ease(text))


_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")
# The check of the last build, kept for the next one in the same process (clairvoie serve).
_last_check: list[PlainFrench] = []


def check(documents: dict[str, list[YamlDocument]], articles: Iterable[Any], glossary: tuple[GlossaryEntry, ...],
          min_score: float, site_root: str, kept_for_article: Any = None) -> tuple[Problem, ...]:
    """Every remark on the texts of these record files (by kind) and Markdown articles, sorted.

    ``kept_for_article(article, checker, make)``: an article's remarks kept from the last build
    (model/__init__.py keeps them by the file's hash), else ``make()``."""
    checker = next((c for c in _last_check if c.glossary == glossary and c.min_score == min_score), None)
    if checker is None:
        checker = PlainFrench(glossary, min_score)
        _last_check[:] = [checker]
    found: list[Problem] = []
    # A record file's remarks, by document: one unchanged since the last build is the same object.
    kept, checker.by_document = checker.by_document, {}
    for kind, kind_documents in documents.items():
        for document in kind_documents:
            entry = kept.get(id(document))
            if entry is None or entry[0] is not document or entry[1] != kind:
                entry = (document, kind, checker.remarks(document_texts(kind, document)))
            checker.by_document[id(document)] = entry
            found += entry[2]
    for article in articles:
        if article.source_path.lower().endswith(_MARKDOWN_SUFFIXES):
            def make(article: Any = article) -> list[Problem]:
                return checker.remarks(article_texts(article, site_root))
            found += kept_for_article(article, checker, make) if kept_for_article else make()
    return tuple(sorted(set(found)))
