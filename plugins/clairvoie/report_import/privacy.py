"""What of a report may be published: the street, a point at street level, staff's notes
without the personal data they may hold. docs/signalements.md states the same rules."""

from __future__ import annotations

import re
from collections.abc import Iterable

# 3 decimals of a degree: about 110 m north-south and 80 m east-west in France, a stretch
# of street, never a door.
COORDINATE_DECIMALS = 3
REMOVED = "[…]"  # what stands where personal data was taken out of a note

# The words a French street name starts with ("12 bis rue des Lilas": "rue des Lilas").
STREET_TYPES = (
    "allée", "allées", "avenue", "bd", "boulevard", "chaussée", "chemin", "cité", "clos", "cours",
    "domaine", "esplanade", "faubourg", "hameau", "impasse", "lotissement", "mail", "montée",
    "parc", "parvis", "passage", "passerelle", "place", "placette", "pont", "port", "promenade",
    "quai", "quartier", "résidence", "rond-point", "route", "rue", "ruelle", "sente", "sentier",
    "square", "traverse", "venelle", "voie", "grande rue", "grand-rue", "av.", "av",
)
_STREET_START = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(word) for word in sorted(STREET_TYPES, key=len, reverse=True)) + r")(?![\w-])",
    re.IGNORECASE)
_ABBREVIATIONS = {"av": "Avenue", "av.": "Avenue", "bd": "Boulevard"}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_EMAIL_SPELLED = re.compile(r"[\w.+-]+\s*(?:\(at\)|\[at\]| at | arobase )\s*[\w-]+(?:\s*(?:\.|\(dot\)| point )\s*[\w-]+)+",
                            re.IGNORECASE)
# A French phone number (06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78, 0033…) or any
# international one (+ and 8 digits or more); tracking numbers (2026-000123) and dates stay.
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?[1-9]|0[1-9])(?:[\s.\-]?\d{2}){4}(?!\w)"
                    r"|(?<![\w+])\+\d(?:[\s.\-]?\d){7,14}(?!\w)")
# A civility and the capitalised words after it: "M. Dupont", "Mme Anne-Marie Martin".
_CIVILITY = re.compile(
    r"\b(?:M\.|MM\.|Mme|Mmes|Mlle|Mr|Mrs|Ms|Dr|Me|Monsieur|Madame|Mademoiselle|Docteur|Maître)\s+"
    r"(?:[A-ZÀ-ÖØ-Þ][\w'’-]*\.?\s*){1,3}")
_SPACES = re.compile(r"\s+")
_POSTCODE_AND_AFTER = re.compile(r"\s\d{5}(?!\w).*$")  # "rue X 69990 Villebrune": the town goes too


def rounded(coordinate: float) -> float:
    return round(coordinate, COORDINATE_DECIMALS)


def street_of(address: str) -> str | None:
    """The street of an address, from its street-type word on: no house number, no
    postcode, no town, no "chez M. Dupont" before it; None when no street is named."""
    for part in address.split(","):
        found = _STREET_START.search(part)
        if found:
            first_word = found.group(1)
            rest = _POSTCODE_AND_AFTER.sub("", part[found.end():])
            first_word = _ABBREVIATIONS.get(first_word.lower(), first_word)
            street = _SPACES.sub(" ", public_text(first_word + rest, ())).strip(" .-;:")
            return street[:1].upper() + street[1:]
    return None


def public_text(text: str, personal_words: Iterable[str]) -> str:
    """Staff's text without e-mail addresses, phone numbers, a civility and the name after
    it, nor the resident's own name, e-mail or phone as the request tool recorded them."""
    cleaned = _EMAIL.sub(REMOVED, text)
    cleaned = _EMAIL_SPELLED.sub(REMOVED, cleaned)
    cleaned = _PHONE.sub(REMOVED, cleaned)
    cleaned = _CIVILITY.sub(REMOVED + " ", cleaned)
    for word in sorted({w.strip() for w in personal_words if len(w.strip()) >= 2}, key=len, reverse=True):
        cleaned = re.sub(r"(?<!\w)" + re.escape(word) + r"(?!\w)", REMOVED, cleaned, flags=re.IGNORECASE)
    return _SPACES.sub(" ", cleaned).strip()


def personal_words_of(*values: str) -> tuple[str, ...]:
    """The resident's own data, word by word too ("Jean Dupont": also "Jean", "Dupont")."""
    words = set()
    for value in values:
        value = value.strip()
        if value:
            words.add(value)
            words.update(part for part in re.split(r"[\s,;]+", value) if len(part) >= 3)
    return tuple(sorted(words))
