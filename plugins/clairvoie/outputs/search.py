"""Search: the /recherche/ and /rues/ pages, the suggestion vocabulary, and the Pagefind index.

The index is built by Pagefind (installed from PyPI with its binary) through its
Python API, after every page is written and before the build is swapped in
(``staging.py``): this output runs last. It indexes the project, works order,
meeting, news and sector pages — never the lists — from the parts their
templates mark ``data-pagefind-body``, with the metadata and filters the
templates declare (``partials/search_data.html``).

Residents' words (``content/search/synonymes.yaml``) are added to the index
entry of every page that uses one of the matching terms, in a copy of the page
given to Pagefind only: the published page never shows them, and no screen
reader reads them. Readers never see them in results either: the search page
shows each page's own summary, not Pagefind's excerpt.

A failed index stops the build like an invalid record: nothing is published.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import logging
import os
import re
import subprocess
import sys
import tempfile
from html import escape, unescape
from html.parser import HTMLParser
from typing import Any

from .. import messages, staging
from ..model.records import Model
from ..model.words import contains_phrase, fold, words
from .pagefind_order import sort_bundle_quietly

logger = logging.getLogger(__name__)

# Pagefind's folder in the published site, and the suggestion vocabulary's file.
BUNDLE_DIR = "pagefind"
VOCABULARY_FILE = "recherche/vocabulaire.txt"
# How much an added resident's word counts (data-pagefind-weight, 0–10; ordinary text counts 1):
# when its term is in the page's title (the page is about it), and when it is only in the text.
TITLE_SYNONYM_WEIGHT = "5"
SYNONYM_WEIGHT = "0.5"
# Longest time Pagefind may take (seconds); it indexes the demo city in about one.
INDEX_TIMEOUT = 600
# Filter values of the search page (partials/search_data.html gives pages the same ones).
TYPES = ("Projet", "Arrêté de travaux", "Réunion", "Actualité", "Secteur")
STATUSES = ("En cours", "À venir", "En retard", "Suspendu", "Terminé", "Annulé")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr", "param"}


class SearchIndexFailed(Exception):
    """Pagefind could not index the site: the build stops, the previous site stays online."""

    exitcode = 1

    def __init__(self, detail: str):
        self.detail = detail
        super().__init__(self.summary())

    def summary(self) -> str:
        return messages.search_index_failed(self.detail)


# --- the pages ----------------------------------------------------------------------------
def indexed_pages(model: Model) -> list[str]:
    """Output paths of every page search finds: sectors, projects, works orders, meetings, news."""
    records = [*model.sectors, *model.projects, *model.works, *model.meetings]
    return [f"{record.url}index.html" for record in records] + [item.article.save_as for item in model.news]


def write_search_pages(model: Model, generator: Any, writer: Any) -> None:
    """/recherche/ (the search page) and /rues/ (the street index)."""
    for save_as, template, variables in (
        ("recherche/index.html", "clairvoie_search",
         {"search_types": TYPES, "search_statuses": STATUSES, "search_bundle": BUNDLE_DIR,
          "search_vocabulary": VOCABULARY_FILE}),
        ("rues/index.html", "clairvoie_streets", {}),
    ):
        writer.write_file(save_as, generator.get_template(template), generator.context,
                          relative_urls=False, page_name=save_as.removesuffix("index.html"), **variables)


# --- residents' words -------------------------------------------------------------------------
class _IndexedText(HTMLParser):
    """The text Pagefind indexes: inside data-pagefind-body, outside data-pagefind-ignore."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, in body, ignored)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        body, ignored = self.stack[-1][1:] if self.stack else (False, False)
        if tag in _VOID:
            return
        self.stack.append((tag, body or "data-pagefind-body" in names,
                           ignored or "data-pagefind-ignore" in names))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][1] and not self.stack[-1][2]:
            self.parts.append(data)


def indexed_text(html: str) -> str:
    parser = _IndexedText()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)


def residents_words(text: str, synonyms: tuple[Any, ...]) -> list[str]:
    """The residents' words whose terms the text uses, in the file's order."""
    page_words = words(text)
    found = []
    for synonym in synonyms:
        if any(contains_phrase(page_words, words(term)) for term in synonym.terms):
            found.append(synonym.word)
    return found


_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.DOTALL)


def with_residents_words(html: str, synonyms: tuple[Any, ...]) -> str:
    """The page as Pagefind reads it: the residents' words for its terms, as one more indexed region.

    The region closes the page's <body>, apart from the page's own headings and
    text: it changes neither the title nor the words the page is ranked on first.
    """
    found = residents_words(indexed_text(html), synonyms)
    end = html.rfind("</body>")
    if not found or end < 0:
        return html
    title = _H1.search(html)
    in_title = set(residents_words(unescape(re.sub(r"<[^>]+>", " ", title.group(1))), synonyms)) if title else set()
    paragraphs = [(TITLE_SYNONYM_WEIGHT, [w for w in found if w in in_title]),
                  (SYNONYM_WEIGHT, [w for w in found if w not in in_title])]
    added = "".join(f'<p data-pagefind-weight="{weight}">{escape(" ; ".join(group))}</p>'
                    for weight, group in paragraphs if group)
    return html[:end] + "<div data-pagefind-body>" + added + "</div>\n" + html[end:]


# --- "Vouliez-vous dire …" ----------------------------------------------------------------------
_META = re.compile(r'data-pagefind-meta="[a-z_]+">([^<]*)<')


def meta_text(html: str) -> str:
    """The text of the metadata a page declares (searchable by Pagefind too)."""
    return " ".join(_META.findall(html))


def vocabulary(texts: list[str]) -> list[str]:
    """The site's own words, as written, most frequent first: every word search knows.

    The search page (themes/clairvoie/static/js/recherche.js) takes a query word it
    does not find here for a typo, and proposes the closest word of this list. Words
    shorter than four letters are left out: the page never corrects them.
    """
    counts: collections.Counter[str] = collections.Counter()
    spellings: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for text in texts:
        for written in re.findall(r"[^\W\d_]+", unescape(text)):
            if len(written) < 4:
                continue
            folded = fold(written)
            counts[folded] += 1
            spellings[folded][written.lower()] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [spellings[folded].most_common(1)[0][0] for folded, _ in ranked]


# --- the index ------------------------------------------------------------------------------------
def write_search_index(model: Model, generator: Any, writer: Any) -> None:
    """Index the written pages with Pagefind into <output>/pagefind/; stop the build if it fails."""
    output = os.path.abspath(generator.output_path)
    pages = indexed_pages(model)
    texts: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="clairvoie-recherche-") as site:
            for save_as in pages:
                with open(os.path.join(output, save_as), encoding="utf-8") as stream:
                    html = stream.read()
                indexed = with_residents_words(html, model.synonyms)
                texts += [indexed_text(indexed), meta_text(indexed)]
                target = os.path.join(site, save_as)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "w", encoding="utf-8") as stream:
                    stream.write(indexed)
            run_pagefind(site, os.path.join(output, BUNDLE_DIR), len(pages))
        with open(os.path.join(output, VOCABULARY_FILE), "w", encoding="utf-8") as stream:
            stream.write("".join(word + "\n" for word in vocabulary(texts)))
    except SearchIndexFailed as error:
        _stop(generator, error)
    except OSError as error:
        _stop(generator, SearchIndexFailed(f"{error.strerror} : {error.filename}"), error)


def _stop(generator: Any, error: SearchIndexFailed, cause: Exception | None = None) -> None:
    """Say why in one plain line, drop the unfinished build, stop (the previous site stays)."""
    print(error.summary(), file=sys.stderr)
    staging.discard(generator.output_path)
    raise error from cause


def run_pagefind(site: str, bundle: str, expected_pages: int) -> None:
    """Index every HTML file of ``site`` into ``bundle`` with Pagefind's Python API."""
    from pagefind.service import get_executable

    executable = get_executable()
    if executable is None:
        raise SearchIndexFailed(messages.pagefind_missing())
    try:
        check = subprocess.run([str(executable), "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SearchIndexFailed(messages.pagefind_broken(str(error))) from error
    if check.returncode != 0:
        detail = (check.stderr or check.stdout).strip().splitlines()
        raise SearchIndexFailed(messages.pagefind_broken(
            f"{executable} --version : code {check.returncode}" + (f", {detail[-1]}" if detail else "")))
    try:
        indexed = _in_own_loop(_index(site, bundle))
    except SearchIndexFailed:
        raise
    except asyncio.TimeoutError as error:
        raise SearchIndexFailed(f"Pagefind n'a pas fini en {INDEX_TIMEOUT} secondes") from error
    except Exception as error:  # Pagefind's service reports its errors as plain exceptions
        raise SearchIndexFailed(f"Pagefind : {error.args[0] if error.args else error}") from error
    if indexed != expected_pages:
        raise SearchIndexFailed(messages.pages_not_indexed(indexed, expected_pages))
    for name in ("pagefind.js", "pagefind-entry.json"):
        if not os.path.isfile(os.path.join(bundle, name)):
            raise SearchIndexFailed(f"Pagefind n'a pas écrit {BUNDLE_DIR}/{name}")
    problem = sort_bundle_quietly(bundle)
    if problem:
        logger.warning("Recherche : l'index de Pagefind n'a pas pu être mis en ordre (%s) ; deux "
                       "constructions des mêmes sources n'en donneront pas les mêmes octets.", problem)


async def _index(site: str, bundle: str) -> int:
    from pagefind.index import IndexConfig, PagefindIndex

    config = IndexConfig(force_language="fr", output_path=bundle)

    async def work() -> int:
        async with PagefindIndex(config=config) as index:  # writes the bundle when leaving
            result = await index.add_directory(site)
        return int(result.get("page_count", 0))

    return await asyncio.wait_for(work(), timeout=INDEX_TIMEOUT)


def _in_own_loop(coroutine: Any) -> Any:
    """Run a coroutine to its end, also when the caller already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
