"""Text for a sign panel: transliterated, word-wrapped, abbreviated, and cut only as a last resort.

A panel shows ``lines`` lines of at most ``columns`` characters each, in one character set
(``ascii``, ``latin-1`` or ``utf-8``). ``fit`` turns a message, given as one or more wordings
from the richest to the shortest, into lines that respect all three, by these rules (the
staff documentation, docs/panneaux.md, explains them in French):

1. **Characters.** Every wording is put in the panel's character set (``transliterate``).
   ``utf-8`` keeps every letter and sign. ``latin-1`` keeps French accents (é, è, à, ç…)
   but makes typographic signs plain (’ → ', « » “ ” → ", – — → -, … → ...) and writes
   œ as oe, € as EUR; ``ascii`` does the same and also drops accents (NFKD: é → e,
   ç → c; ° → o). No character outside the charset is ever produced (an unknown one
   becomes ``?``). Tabs, line breaks and odd spaces become spaces.
2. **Wrapping.** Words are laid out greedily: a word goes on the current line when it fits,
   else it starts the next one. A no-break space keeps two words on the same line (it is
   written as an ordinary space); the space before : ; ! ? » € and after « is one, so that
   no line starts with a colon. A word longer than a whole
   line is cut after a hyphen when it has one, else with a "-" at the end of the line.
3. **Wordings.** The first wording that fits (wrapped in at most ``lines`` lines) is used.
4. **Abbreviations, only when needed.** When no wording fits, the words of ``ABBREVIATIONS``
   are abbreviated one entry at a time, in the table's order (all occurrences of the entry),
   and the wordings are tried again after each entry, until one fits.
5. **Ellipsis, last resort.** When even the shortest wording, fully abbreviated, does not
   fit, it keeps its first ``lines`` lines and the last one ends with an ellipsis ("…" in
   ``utf-8``, "..." otherwise), dropping the words (or letters) that do not fit beside it.

Everything here is a pure function of its arguments.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Sequence

CHARSETS = ("ascii", "latin-1", "utf-8")
NBSP = "\u00a0"  # glue: keeps two words on one line; written as a space

# (word, abbreviation), applied one entry at a time, in this order, only when needed.
# Whole words only, any case; a capital initial stays a capital ("Avenue" → "Av.").
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("avenue", "av."),
    ("boulevard", "bd"),
    ("place", "pl."),
    ("chemin", "ch."),
    ("impasse", "imp."),
    ("route", "rte"),
    ("allée", "all."),
    ("faubourg", "fg"),
    ("saint", "st"),
    ("sainte", "ste"),
    ("travaux", "trvx"),
    ("circulation", "circ."),
    ("stationnement", "stat."),
    ("interdit", "int."),
    ("interdite", "int."),
    ("alternée", "alt."),
    ("rétrécie", "rétr."),
    ("déviation", "dév."),
    ("réunion", "réu."),
    ("publique", "publ."),
    ("chantier", "chant."),
    ("fermeture", "ferm."),
    ("rénovation", "rénov."),
    ("réfection", "réf."),
    ("aménagement", "amgt"),
    ("assainissement", "assain."),
    ("éclairage", "écl."),
    ("renouvellement", "renouv."),
    ("réseau", "rés."),
    ("réseaux", "rés."),
    ("direction", "dir."),
    ("secteur", "sect."),
    ("numéro", "n°"),
    ("suspendu", "susp."),
    ("dépassé", "dép."),
    ("prévue", "prév."),
    ("jusqu'au", "jsq."),
    ("rue", "r."),
)

# Spaces and line breaks, whatever the charset: narrow no-break spaces glue like NBSP.
_SPACES = {
    "\u202f": NBSP, "\u2007": NBSP, "\u2060": NBSP,
    "\u2009": " ", "\u2002": " ", "\u2003": " ", "\t": " ", "\n": " ", "\r": " ",
}
# Typographic signs, made plain on ascii and latin-1 panels (utf-8 panels keep them).
_PLAIN_SIGNS = {
    "’": "'", "‘": "'", "‚": "'", "′": "'",
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "″": '"',
    "–": "-", "—": "-", "‑": "-", "‐": "-", "−": "-",
    "…": "...", "•": "-", "·": "-",
}
# Outside latin-1, said with latin-1 letters.
_LATIN1_SPELLING = {"œ": "oe", "Œ": "OE", "€": "EUR", "Ÿ": "Y", "ﬁ": "fi", "ﬂ": "fl",
                    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ı": "i", "Ŀ": "L", "ŀ": "l"}
# Latin-1 letters and signs ASCII lacks, and that NFKD does not reduce to ASCII.
_ASCII_SPELLING = {
    "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH",
    "°": "o", "º": "o", "ª": "a", "€": "EUR", "£": "GBP", "§": "S", "×": "x", "÷": "/",
    "¡": "!", "¿": "?", "¦": "|", "¬": "-", "±": "+/-", "µ": "u", "¶": "P", "©": "(c)", "®": "(R)",
    "¼": "1/4", "½": "1/2", "¾": "3/4", "¹": "1", "²": "2", "³": "3",
}


@dataclass(frozen=True)
class Fitted:
    """A message laid out on a panel."""

    lines: tuple[str, ...]
    abbreviated: bool = False  # some ABBREVIATIONS were applied
    truncated: bool = False  # ends with an ellipsis: the whole text did not fit

    @property
    def text(self) -> str:
        """The lines, one per line of text."""
        return "\n".join(self.lines)

    @property
    def status(self) -> str:
        """"full", "abbreviated" or "truncated": the ``fit`` of a message in the panel files."""
        if self.truncated:
            return "truncated"
        return "abbreviated" if self.abbreviated else "full"


# --- characters ---------------------------------------------------------------------------
def encodable(text: str, charset: str) -> bool:
    try:
        text.encode(charset)
    except UnicodeEncodeError:
        return False
    return True


def normalize(text: str) -> str:
    """NFC text with plain spaces (no-break ones kept as glue) and no control characters."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(_SPACES.get(char, char) for char in text)
    text = "".join(char for char in text if unicodedata.category(char) not in ("Cc", "Cf"))
    # French spacing: the signs that follow a space never start a line ("Lilas :").
    text = re.sub(r" +([:;!?»€])", NBSP + r"\1", text)
    return re.sub(r"« +", "«" + NBSP, text)


def transliterate(text: str, charset: str) -> str:
    """The text in the panel's character set; no-break spaces are kept (as glue)."""
    if charset not in CHARSETS:
        raise ValueError(f"jeu de caractères inconnu : {charset!r}")
    text = normalize(text)
    if charset == "utf-8":
        return text
    out: list[str] = []
    for char in text:
        if char in _PLAIN_SIGNS:
            out.append(_PLAIN_SIGNS[char])
        elif char == NBSP or encodable(char, charset):
            out.append(char)
        elif char in _LATIN1_SPELLING:
            out.append(_LATIN1_SPELLING[char])
        else:
            out.append(_decompose(char, "latin-1"))
    text = "".join(out)
    if charset == "latin-1":
        return text
    out = []
    for char in text:
        if char == NBSP or char.isascii():
            out.append(char)
        elif char in _ASCII_SPELLING:
            out.append(_ASCII_SPELLING[char])
        else:
            out.append(_decompose(char, "ascii"))
    return "".join(out)


def _decompose(char: str, charset: str) -> str:
    """The letter without its accents (NFKD), else "?"."""
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    base = "".join(_PLAIN_SIGNS.get(c, c) for c in base)
    return base if base and encodable(base, charset) else "?"


def ellipsis(charset: str) -> str:
    return "…" if charset == "utf-8" else "..."


# --- abbreviations ------------------------------------------------------------------------
def _pattern(word: str) -> re.Pattern[str]:
    spelled = re.escape(word).replace("'", "['’]")
    return re.compile(rf"(?<!\w){spelled}(?!\w)", re.IGNORECASE)


_PATTERNS = tuple((_pattern(word), short) for word, short in ABBREVIATIONS)


def _same_case(found: str, short: str) -> str:
    if found.isupper() and len(found) > 1:
        return short.upper()
    if found[0].isupper():
        return short[0].upper() + short[1:]
    return short


def abbreviate(text: str, entries: int | None = None) -> str:
    """The text with the first ``entries`` entries of ABBREVIATIONS applied (all: None)."""
    text = normalize(text)
    for pattern, short in _PATTERNS[:entries]:
        text = pattern.sub(lambda match, short=short: _same_case(match.group(0), short), text)
    return text


# --- wrapping -----------------------------------------------------------------------------
def _tokens(text: str) -> list[str]:
    """Words, a no-break space gluing two into one token."""
    return [token for token in text.split(" ") if token.strip(NBSP)]


def _cut(word: str, columns: int) -> list[str]:
    """A word longer than a line, in pieces: after a hyphen when possible, else with "-"."""
    pieces = []
    while len(word) > columns:
        glue = word.rfind(NBSP, 1, columns + 1)
        hyphen = word.rfind("-", 1, columns)
        if glue > 0:
            pieces.append(word[:glue])
            word = word[glue + 1:]
        elif hyphen > 0:
            pieces.append(word[:hyphen + 1])
            word = word[hyphen + 1:]
        elif columns > 1:
            pieces.append(word[:columns - 1] + "-")
            word = word[columns - 1:]
        else:
            pieces.append(word[:1])
            word = word[1:]
    if word.strip(NBSP):
        pieces.append(word)
    return pieces


def wrap(text: str, columns: int) -> list[str]:
    """Greedy word wrap: each line holds as many whole words as fit in ``columns``."""
    if columns < 1:
        raise ValueError("un panneau a au moins une colonne")
    lines: list[str] = []
    current = ""
    for token in _tokens(text):
        token = token.strip(NBSP)
        candidate = f"{current} {token}" if current else token
        if len(candidate) <= columns:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
        if len(token) <= columns:
            current = token
            continue
        *whole, rest = _cut(token, columns)
        lines.extend(whole)
        current = rest
    if current:
        lines.append(current)
    return [line.replace(NBSP, " ") for line in lines]


def _with_ellipsis(lines: list[str], max_lines: int, columns: int, charset: str) -> list[str]:
    kept = lines[:max_lines]
    mark = ellipsis(charset)
    if len(mark) > columns:
        mark = "." * columns
    last = kept[-1]
    while last and len(last.rstrip(" ,;:.-'\"") + mark) > columns:
        if " " in last:
            last = last.rsplit(" ", 1)[0]
        else:
            last = last[:-1]
    kept[-1] = (last.rstrip(" ,;:.-'\"") + mark).lstrip() or mark
    return kept


def _clean(text: str) -> str:
    return re.sub(r"[ ]+", " ", text).strip()


def fit(wordings: str | Sequence[str], lines: int, columns: int, charset: str) -> Fitted:
    """The first wording that fits the panel, abbreviated only when needed (see module doc)."""
    if isinstance(wordings, str):
        wordings = (wordings,)
    if not wordings:
        raise ValueError("un message a au moins une formulation")
    if lines < 1:
        raise ValueError("un panneau a au moins une ligne")
    tried: list[str] = []
    for entries in range(len(ABBREVIATIONS) + 1):
        for wording in wordings:
            text = _clean(transliterate(abbreviate(wording, entries), charset))
            if text in tried:
                continue
            tried.append(text)
            laid_out = wrap(text, columns)
            if len(laid_out) <= lines:
                original = _clean(transliterate(wording, charset))
                return Fitted(tuple(laid_out), abbreviated=text != original)
    shortest = _clean(transliterate(abbreviate(wordings[-1]), charset))
    laid_out = _with_ellipsis(wrap(shortest, columns), lines, columns, charset)
    original = _clean(transliterate(wordings[-1], charset))
    return Fitted(tuple(laid_out), abbreviated=shortest != original, truncated=True)


def check(fitted_lines: Iterable[str], lines: int, columns: int, charset: str) -> list[str]:
    """What is wrong with lines meant for a panel (empty: nothing)."""
    problems = []
    fitted_lines = list(fitted_lines)
    if len(fitted_lines) > lines:
        problems.append(f"{len(fitted_lines)} lignes pour {lines}")
    for line in fitted_lines:
        if len(line) > columns:
            problems.append(f"ligne de {len(line)} caractères pour {columns} : {line!r}")
        if not encodable(line, charset):
            problems.append(f"caractère hors de {charset} : {line!r}")
    return problems
