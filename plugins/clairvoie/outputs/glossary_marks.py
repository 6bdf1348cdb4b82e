"""The first use of each glossary term that cannot be avoided ("arrêté", "concertation"…), in a
page's main content, becomes a link to its explanation on /lexique/ — no JavaScript needed.

Staff text and the site's own labels are marked alike: the page's rendered ``<main>`` is
read as tags and text. Text inside links, headings, navigation, ``<dfn>``, ``<abbr>``, code,
form controls and hidden elements (or marked ``data-lexique-ignore``) is left as it is: a link
cannot hold a link, a heading stays a heading.
"""

from __future__ import annotations

import re
from html import unescape

from markupsafe import escape

from ..model.glossary import GlossaryEntry, TermFinder

GLOSSARY_PAGE = "lexique/"
_SKIPPED = frozenset({"a", "abbr", "dfn", "code", "pre", "kbd", "samp", "script", "style", "button", "label",
                      "option", "select", "textarea", "h1", "h2", "h3", "h4", "h5", "h6", "svg", "template",
                      "title", "summary", "nav"})
_TAG = re.compile(r"<(/?)([a-zA-Z][-a-zA-Z0-9]*)([^>]*)>|<!--.*?-->", re.DOTALL)
# Hidden, or marked ``data-lexique-ignore`` (the glossary's own entries: no entry links to itself).
_HIDDEN = re.compile(r"\s(?:hidden|data-lexique-ignore)(?:[\s=/]|$)")


class GlossaryMarks:
    """Marks pages for one glossary and one site address."""

    def __init__(self, glossary: tuple[GlossaryEntry, ...], site_url: str):
        self.finder = TermFinder(entry for entry in glossary if not entry.is_jargon)
        self.page_url = f"{site_url.rstrip('/')}/{GLOSSARY_PAGE}"

    def mark(self, html: str) -> str:
        """The page with the first use of each term in its <main> linked to the term's entry."""
        start, end = html.find("<main"), html.rfind("</main>")
        if start < 0 or end < start:
            return html
        # The terms the region holds (in its tags too, maybe): the only ones looked for in its text.
        present = {entry.term: entry for _, entry in self.finder.finditer(html[start:end])}
        if not present:
            return html  # most pages: no term at all, found without reading the tags
        return html[:start] + self._mark_region(html[start:end], TermFinder(present.values())) + html[end:]

    def mark_file(self, path: str) -> None:
        with open(path, encoding="utf-8") as stream:
            html = stream.read()
        marked = self.mark(html)
        if marked != html:
            with open(path, "w", encoding="utf-8") as stream:
                stream.write(marked)

    def _mark_region(self, region: str, finder: TermFinder) -> str:
        parts: list[str] = []
        marked: set[str] = set()
        skipped: list[str] = []  # the open skipped elements (tag names), innermost last
        position = 0
        for tag in _TAG.finditer(region):
            text = region[position:tag.start()]
            parts += [self._text(text, finder, marked) if not skipped else text, tag.group()]
            position = tag.end()
            if len(marked) == len(finder.entries):
                break  # every term linked once: the rest stays as it is
            closing, name = tag.group(1), (tag.group(2) or "").lower()
            if not name:
                continue  # a comment
            if closing:
                if skipped and skipped[-1] == name:
                    skipped.pop()
            elif not tag.group(3).rstrip().endswith("/") and (
                    name in _SKIPPED or _HIDDEN.search(tag.group(3)) or (skipped and skipped[-1] == name)):
                skipped.append(name)  # the same tag inside a skipped element: counted, to find its end
        else:
            text = region[position:]
            parts.append(self._text(text, finder, marked) if not skipped else text)
            return "".join(parts)
        return "".join(parts) + region[position:]

    def _text(self, raw: str, finder: TermFinder, marked: set[str]) -> str:
        """A text node, with the first use of each term not marked yet in the page linked."""
        if not raw.strip():
            return raw
        text = unescape(raw)
        links = []
        for match, entry in finder.finditer(text):
            if entry.term not in marked:
                marked.add(entry.term)
                links.append((match.start(), match.end(), entry))
        if not links:
            return raw
        out, position = [], 0
        for start, end, entry in links:
            out += [str(escape(text[position:start])),
                    f'<a class="terme-lexique" href="{self.page_url}#{entry.anchor}">{escape(text[start:end])}</a>']
            position = end
        out.append(str(escape(text[position:])))
        return "".join(out)
