"""Words as search compares them: lower case, no accents, apostrophes and hyphens as spaces.

Search matches "eclairage" with "éclairage" and "Jean Jaures" with "Jean-Jaurès";
streets, synonyms and the suggestion vocabulary all compare words this way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """"Éclairage Public" → "eclairage public" (œ → oe, æ → ae)."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The folded words of a text: "Rue de l'Église, n°3" → ["rue", "de", "l", "eglise", "n", "3"]."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=1 << 16)  # street names and services repeat across thousands of records
def key(text: str) -> str:
    """One spelling for comparison: "Rue Jean-Jaurès" and "rue jean jaures" → "rue jean jaures"."""
    return " ".join(words(text))


def singular(word: str) -> str:
    """A crude French singular, enough to match "lampadaires" with "lampadaire", "réseaux" with "réseau"."""
    if len(word) > 3 and (word.endswith("x") or word.endswith("s") and not word.endswith("ss")):
        return word[:-1]
    return word


def contains_phrase(haystack: list[str], phrase: list[str]) -> bool:
    """Whether the folded words of a phrase appear in a row, plurals aside."""
    if not phrase:
        return False
    wanted = [singular(w) for w in phrase]
    size = len(wanted)
    plain = [singular(w) for w in haystack]
    first = wanted[0]
    return any(plain[i] == first and plain[i:i + size] == wanted
               for i in range(len(plain) - size + 1))
