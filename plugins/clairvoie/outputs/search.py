"""Search: the /recherche/ page, the suggestion vocabulary, and the Pagefind index.

The index is built by Pagefind (installed from PyPI with its binary) in its
service process, after every page is written and before the build is swapped in
(``staging.py``): this output runs last. It indexes the project, works order,
meeting, news, sector, street and residents' report pages — never the lists — from the parts their
templates mark ``data-pagefind-body``, with the metadata and filters the
templates declare (``partials/search_data.html``). Pagefind gets the pages one by
one, in the order of their addresses, and hands the bundle over in memory: this
module puts it in order, checks it whole, then writes it, the same bytes from one
build, machine or file system to the next.

Residents' words (``content/search/synonymes.yaml``) are added to the index
entry of every page that uses one of the matching terms, in a copy of the page
given to Pagefind only: the published page never shows them, and no screen
reader reads them. Readers never see them in results either: the search page
shows each page's own summary, not Pagefind's excerpt. That copy also leaves out
the header and footer Pagefind would parse for nothing, and each page is read
once, by a regular expression, for the words it gives the index.

A preview rebuild (``CLAIRVOIE_SEARCH_PREVIEW``, set by ``clairvoie serve``; docs/reconstruction.md)
keeps the published full bundle as it is and indexes only the pages that changed since it was
made into a small second bundle (PREVIEW_DIR), with the list of the full index's pages it
replaces: the search page merges it (Pagefind's mergeIndex) and sets those pages aside. What
the full bundle was made of is kept in the cache (``FullIndexState``). Any other build makes the
full index, and no preview bundle.

A failed index stops the build like an invalid record: nothing is published.
"""

from __future__ import annotations

import base64
import collections
import concurrent.futures
import contextlib
import gzip
import hashlib
import itertools
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from html import escape, unescape
from html.parser import HTMLParser
from typing import Any

from .. import incremental, messages, staging
from ..labels import SEARCH_STATUSES
from ..model.records import Model
from ..model.words import fold, singular, words
from .pagefind_order import ENTRY, SIGNATURE, sort_files_quietly
from .pagefind_order import problems as bundle_problems
from .site import Site

logger = logging.getLogger(__name__)

# Pagefind's folder in the published site, and the suggestion vocabulary's file.
BUNDLE_DIR = "pagefind"
VOCABULARY_FILE = "recherche/vocabulaire.txt"
# The same words by first letter (recherche/vocabulaire/a.txt …, "autres" for the rest): the
# search page checks a query's words in their letters' lists, a few kB, and loads the whole
# vocabulary only to correct a word the site does not have (recherche.js finds the folder
# from VOCABULARY_FILE: the same name without ".txt").
VOCABULARY_BY_LETTER = VOCABULARY_FILE.removesuffix(".txt") + "/"
OTHER_LETTERS = "autres"
# How much an added resident's word counts (data-pagefind-weight, 0–10; ordinary text counts 1):
# when its term is in the page's title (the page is about it), and when it is only in the text.
TITLE_SYNONYM_WEIGHT = "5"
SYNONYM_WEIGHT = "0.5"
# The preview's small bundle and its list of the full index's pages it replaces (preview rebuilds only).
PREVIEW_DIR = "recherche-apercu"
PREVIEW_LIST = f"{PREVIEW_DIR}/remplacees.json"
# The setting that makes rebuilds previews: True, the rebuilds after a process's first build
# (pelican --autoreload); PREVIEW_ALWAYS, this build (clairvoie serve, one process a build).
PREVIEW_SETTING = "CLAIRVOIE_SEARCH_PREVIEW"
PREVIEW_ALWAYS = "toujours"
# What the published full bundle was made of, in Pelican's CACHE_PATH (one per output folder).
FULL_INDEX_STATE_FILE = "clairvoie-search-{output}.json"
FULL_INDEX_STATE_VERSION = 1
# Pagefind's own search interfaces: the search page (recherche.js) uses Pagefind's JavaScript API only.
UNUSED_BUNDLE_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                       "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
# Pagefind cuts its word index into chunks of about this many word positions (its own default:
# 20,000, tens of kB each); a query downloads the list of every chunk and the chunks of its words.
# The sum is least near CHUNK_FACTOR × √positions (measured on the demo city's queries, issue 15):
# small chunks for a small city, larger ones as the list of chunks grows. Pagefind 1.5 reads
# the size from an environment variable it calls unstable; without it, it cuts as it used to.
CHUNK_SIZE_VARIABLE = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"
CHUNK_FACTOR = 2
SMALLEST_CHUNK, LARGEST_CHUNK = 400, 20_000
# Longest time Pagefind's service may run (seconds); it indexes the demo city in about one.
INDEX_TIMEOUT = 600
# Filter values of the search page (partials/search_data.html gives pages the same ones;
# the status filters are labels.SEARCH_STATUSES).
REPORT_TYPE = "Signalement"  # offered only when the city publishes residents' reports
TYPES = ("Projet", "Arrêté de travaux", "Réunion", "Actualité", "Secteur", REPORT_TYPE)
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
    """Output paths of every page search finds: sectors, projects, works orders, meetings, news,
    residents' reports, streets (found by their names), and the glossary (found by an entry's plain words)."""
    records = [*model.sectors, *model.projects, *model.works, *model.meetings, *model.streets]
    return ([f"{record.url}index.html" for record in records] + [item.article.save_as for item in model.news]
            + [report.save_as for report in model.reports] + ["lexique/index.html"])  # pages.py writes it


def write_search_pages(model: Model, site: Site) -> None:
    """/recherche/ (the search page); /rues/ and the street pages are pages.py's."""
    preview = _preview_of(site)
    for save_as, template, variables in (
        ("recherche/index.html", "clairvoie_search",
         {"search_types": TYPES if model.reports else tuple(t for t in TYPES if t != REPORT_TYPE), "search_statuses": SEARCH_STATUSES, "search_bundle": BUNDLE_DIR,
          "search_vocabulary": VOCABULARY_FILE, "search_preview": PREVIEW_DIR if preview else None}),
    ):
        site.render(save_as, template, **variables)


# --- the preview's small index --------------------------------------------------------------------
@dataclass
class FullIndexState:
    """What the published full bundle was made of: for each address, a digest of what Pagefind
    got of the page and the page's id in the bundle (its fragment's name, the id of Pagefind's
    results), with a digest of the bundle's entry file to know the bundle is still that one."""

    path: str
    entry: str
    pages: dict[str, list[str]]

    @classmethod
    def file_for(cls, cache_path: str, final_path: str) -> str:
        name = hashlib.blake2b(os.path.abspath(final_path).encode("utf-8"), digest_size=6).hexdigest()
        return os.path.join(cache_path, FULL_INDEX_STATE_FILE.format(output=name))

    @classmethod
    def published(cls, cache_path: str, final_path: str) -> "FullIndexState | None":
        """The state of the bundle published in ``final_path``, or None (no bundle, no state, or
        another bundle than the one the state describes: a preview then makes the full index)."""
        path = cls.file_for(cache_path, final_path)
        try:
            with open(path, encoding="utf-8") as stream:
                saved = json.load(stream)
            with open(os.path.join(final_path, BUNDLE_DIR, ENTRY), "rb") as stream:
                entry = _bytes_digest(stream.read())
        except (OSError, ValueError):
            return None
        if (not isinstance(saved, dict) or saved.get("version") != FULL_INDEX_STATE_VERSION
                or saved.get("output") != os.path.abspath(final_path) or saved.get("entry") != entry):
            return None
        return cls(path, entry, saved.get("pages", {}))

    def save(self, final_path: str) -> None:
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        temporary = self.path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as stream:
            json.dump({"version": FULL_INDEX_STATE_VERSION, "output": os.path.abspath(final_path),
                       "entry": self.entry, "pages": self.pages}, stream, sort_keys=True)
        os.replace(temporary, self.path)


def _bytes_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _page_digest(html: str) -> str:
    return _bytes_digest(html.encode("utf-8", "surrogatepass"))


def page_ids(files: dict[str, bytes]) -> dict[str, str]:
    """Each address's page id in a bundle: the name of its fragment (Pagefind lists its pages
    in its own order, not the order it got them), read from the fragment."""
    ids = {}
    for name, data in files.items():
        if name.startswith("fragment/") and name.endswith(".pf_fragment"):
            content = gzip.decompress(data)
            ids[json.loads(content[len(SIGNATURE):])["url"]] = name.removeprefix("fragment/").removesuffix(".pf_fragment")
    return ids


_PREVIEW_KEY = "clairvoie_search_preview"  # this build's decision, in Pelican's context
_builds_in_process = [0]


def _preview_of(site: Site) -> "FullIndexState | None":
    """The published full index this build previews against, or None: this build makes the full
    index. Decided once a build (the search page says where the small index is)."""
    if _PREVIEW_KEY in site.context:
        return site.context[_PREVIEW_KEY]
    wanted = site.pelican_settings.get(PREVIEW_SETTING, False)
    rebuild = _builds_in_process[0] > 0
    _builds_in_process[0] += 1
    final = staging.final_path_of(site.output_path) if site.output_path else None
    preview = None
    if final is not None and (wanted == PREVIEW_ALWAYS or (wanted is True and rebuild)):
        preview = FullIndexState.published(site.pelican_settings.get("CACHE_PATH", "cache"), final)
    site.context[_PREVIEW_KEY] = preview
    return preview


# --- the text Pagefind indexes ------------------------------------------------------------------
# A start tag (name, attributes, "/" when self-closing), an end tag or the doctype, with the text
# before it: all that the pages of this build are made of.
_TEXT_AND_TAG = re.compile(
    r"""([^<]*)<(?:(/?)([a-zA-Z][-.a-zA-Z0-9:_]*)"""
    r"""((?:\s+[a-zA-Z_:][-.:\w]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(/?)>|!(?i:doctype)[^>]*>)""")
_TAG = re.compile(_TEXT_AND_TAG.pattern.removeprefix("([^<]*)"))
_ATTRIBUTE_NAME = re.compile(r"""\s+([a-zA-Z_:][-.:\w]*)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


def indexed_text(html: str) -> str:
    """The text Pagefind indexes: inside data-pagefind-body, outside data-pagefind-ignore.

    Pages hold only plain tags and text, which one regular expression reads
    several times faster than html.parser; anything else (a script, a comment,
    a stray "<") is read by html.parser, which gives the same text.
    """
    text = _plain_indexed_text(html)
    if text is None:
        parser = _IndexedText()
        parser.feed(html)
        parser.close()
        text = " ".join(parser.parts)
    return text


def _plain_indexed_text(html: str) -> str | None:
    """indexed_text() read as html.parser would; None when the page is not plain tags and text."""
    tokens = _TEXT_AND_TAG.findall(html)
    if html.count("<") != len(tokens):  # a "<" that starts no plain tag
        return None
    stack: list[tuple[str, bool, bool]] = []  # (tag, in body, ignored), as _IndexedText
    parts: list[str] = []
    collecting = False
    for text, closing, tag, attributes, self_closing in tokens:
        if collecting and text:
            parts.append(unescape(text))
        if not tag or self_closing:  # the doctype; <x/> opens and closes at once
            continue
        tag = tag.lower()
        if closing:
            for index in range(len(stack) - 1, -1, -1):
                if stack[index][0] == tag:
                    del stack[index:]
                    collecting = bool(stack) and stack[-1][1] and not stack[-1][2]
                    break
            continue
        if tag in ("script", "style"):  # raw text, not plain text
            return None
        if tag in _VOID:
            continue
        body, ignored = stack[-1][1:] if stack else (False, False)
        if "data-pagefind-" in attributes:
            names = {name.lower() for name in _ATTRIBUTE_NAME.findall(attributes)}
            body = body or "data-pagefind-body" in names
            ignored = ignored or "data-pagefind-ignore" in names
        stack.append((tag, body, ignored))
        collecting = body and not ignored
    tail = html[_TAG.match(html, html.rfind("<")).end():] if tokens else html
    if collecting and tail:
        parts.append(unescape(tail))
    return " ".join(parts)


class _IndexedText(HTMLParser):
    """indexed_text() for any page, as html.parser reads it."""

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


# --- residents' words -------------------------------------------------------------------------
class ResidentsWords:
    """The residents' words (content/search/synonymes.yaml), each term's words folded once."""

    def __init__(self, synonyms: tuple[Any, ...]):
        self.synonyms = [(synonym.word, [[singular(w) for w in words(term)] for term in synonym.terms])
                         for synonym in synonyms]

    def found_in(self, text: str) -> list[str]:
        """The residents' words whose terms the text uses, in the file's order.

        As model.words.contains_phrase, with the page's words and the terms' words folded once.
        """
        if not self.synonyms:
            return []
        plain = [singular(w) for w in words(text)]
        present = set(plain)
        return [word for word, terms in self.synonyms
                if any(term and term[0] in present and _in_a_row(plain, term) for term in terms)]


def _in_a_row(plain: list[str], phrase: list[str]) -> bool:
    size, first = len(phrase), phrase[0]
    return any(plain[i] == first and plain[i:i + size] == phrase for i in range(len(plain) - size + 1))


_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.DOTALL)


def residents_region(html: str, found: list[str], residents: ResidentsWords) -> tuple[str, list[str]]:
    """The region that gives Pagefind a page's residents' words, and its text.

    The words whose term is in the page's title (the page is about it) weigh more
    than the others.
    """
    title = _H1.search(html)
    in_title = set(residents.found_in(unescape(re.sub(r"<[^>]+>", " ", title.group(1))))) if title else set()
    groups = [(weight, " ; ".join(group)) for weight, group in (
        (TITLE_SYNONYM_WEIGHT, [w for w in found if w in in_title]),
        (SYNONYM_WEIGHT, [w for w in found if w not in in_title])) if group]
    region = "".join(f'<p data-pagefind-weight="{weight}">{escape(text)}</p>' for weight, text in groups)
    return "<div data-pagefind-body>" + region + "</div>\n", [text for _, text in groups]


def page_for_pagefind(html: str, residents: ResidentsWords) -> tuple[str, str]:
    """The page as Pagefind reads it, and the text Pagefind indexes from it.

    The residents' words for the page's terms are one more indexed region, which
    closes the page's <body>, apart from the page's own headings and text: it
    changes neither the title nor the words the page is ranked on first.
    """
    text = indexed_text(html)
    found = residents.found_in(text)
    page = without_surroundings(html)
    end = page.rfind("</body>")
    if not found or end < 0:
        return page, text
    region, region_texts = residents_region(html, found, residents)
    return page[:end] + region + page[end:], " ".join(filter(None, [text, *region_texts]))


_BODY_START = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_REGION_START = re.compile(r"<([a-zA-Z][-\w]*)\s[^>]*?\bdata-pagefind-body\b[^>]*>")
# What Pagefind reads outside the indexed region: its attributes, the title and image it falls back on.
_READ_BY_PAGEFIND = re.compile(r"data-pagefind|<h1|<img", re.IGNORECASE)


def without_surroundings(html: str) -> str:
    """The page without the parts of <body> around its one indexed region (header, menus,
    footer: a fifth of the HTML Pagefind parses) when Pagefind reads nothing in them."""
    body, region = _BODY_START.search(html), _REGION_START.search(html)
    close = html.rfind("</body>")
    if not body or not region or close < 0 or html.count("data-pagefind-body") != 1:
        return html
    region_end = _element_end(html, region.group(1), region.start())
    if region_end is None or not body.end() <= region.start() < region_end <= close:
        return html
    if (_READ_BY_PAGEFIND.search(html, body.end(), region.start())
            or _READ_BY_PAGEFIND.search(html, region_end, close)):
        return html
    return html[:body.end()] + html[region.start():region_end] + html[close:]


def _element_end(html: str, tag: str, start: int) -> int | None:
    """Where the element whose start tag is at ``start`` ends (after its end tag), or None."""
    depth = 0
    for found in re.compile(rf"<(/?){re.escape(tag)}[\s/>]", re.IGNORECASE).finditer(html, start):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            end = html.find(">", found.start())
            return None if end < 0 else end + 1
    return None


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
    # Each spelling once, in the order of its first use (the tie-break of most_common below).
    written_counts = collections.Counter(itertools.chain.from_iterable(
        _written_words.get(text, lambda: _words_written(text)) for text in texts))
    counts: collections.Counter[str] = collections.Counter()
    spellings: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for written, count in written_counts.items():
        folded = fold(written)
        counts[folded] += count
        spellings[folded][written.lower()] += count
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [spellings[folded].most_common(1)[0][0] for folded, _ in ranked]


def _words_written(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]{4,}", unescape(text))


# Each page's words, kept between builds of one process: a preview counts only its changed pages'.
_written_words = incremental.KeptBetweenBuilds()


def vocabulary_by_letter(vocabulary: list[str]) -> dict[str, list[str]]:
    """The vocabulary's words by the first letter of their folded form (a–z, or OTHER_LETTERS),
    most frequent first in each list, as in the whole vocabulary."""
    letters: dict[str, list[str]] = {}
    for word in vocabulary:
        first = fold(word)[:1]
        letters.setdefault(first if "a" <= first <= "z" else OTHER_LETTERS, []).append(word)
    return dict(sorted(letters.items()))


# --- the index ------------------------------------------------------------------------------------
def write_search_index(model: Model, site: Site) -> "PendingIndex":
    """Start indexing the written pages with Pagefind into <output>/pagefind/.

    Pagefind works in its own process while the other outputs are written; the
    returned ``PendingIndex`` waits for it and stops the build if it failed.
    """
    started = time.perf_counter()
    output = site.output_path
    pages = indexed_pages(model)
    residents = ResidentsWords(model.synonyms)
    texts: list[str] = []
    for_pagefind: list[tuple[str, str]] = []
    digests: dict[str, str] = {}  # by address, of what Pagefind gets
    signed = site.context.get(incremental.PAGES_SIGNED, {})
    try:
        synonyms = repr(model.synonyms)
        for save_as in pages:
            # What was made of a page is taken again, in one process (pelican --autoreload), for
            # the same page: of the same signature (its bytes follow from it: incremental.py), or,
            # for a page without one (Pelican's news), the same file (inode, time and size).
            signature = signed.get(save_as)
            if signature is not None:
                key = (save_as, signature, synonyms)
            else:
                status = os.stat(site.built_path(save_as))
                key = (save_as, status.st_ino, status.st_mtime_ns, status.st_size, synonyms)
            indexed, text, meta, digest = _kept_pages.get(
                key, lambda save_as=save_as: _page_and_texts(site.built_path(save_as), residents))
            texts += [text, meta]
            for_pagefind.append((page_url(save_as), indexed))
            digests[page_url(save_as)] = digest
    except OSError as error:
        _stop(output, SearchIndexFailed(f"{error.strerror} : {error.filename}"), error)
    final = staging.final_path_of(output)
    preview = _preview_of(site)
    if preview is not None and final is not None:
        try:
            return _write_preview_index(site, final, preview, for_pagefind, digests, texts, started)
        except OSError as error:
            _stop(output, SearchIndexFailed(f"{error.strerror} : {error.filename}"), error)

    def full_index() -> FullIndexState | None:
        files = run_pagefind(for_pagefind, len(pages), index_chunk_size(texts))
        write_bundle(site, files)
        if final is None:
            return None
        try:
            ids = page_ids(files)
        except (KeyError, TypeError, ValueError, OSError, EOFError) as error:
            logger.warning("Recherche : l'index publié ne pourra pas servir aux aperçus (%s)", error)
            return None
        return FullIndexState(FullIndexState.file_for(site.pelican_settings.get("CACHE_PATH", "cache"), final),
                              _bytes_digest(files[ENTRY]),
                              {url: [digests[url], ids[url]] for url, _html in for_pagefind})

    indexing = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="clairvoie-pagefind")
    pagefind = indexing.submit(full_index)
    indexing.shutdown(wait=False)
    if final is not None:  # what a preview compares with, once this bundle is the published one
        staging.on_success(output, lambda: pagefind.result() and pagefind.result().save(final))
    return PendingIndex(site, pagefind, texts, len(pages), started)


def _write_preview_index(site: Site, final: str, full: FullIndexState, for_pagefind: list[tuple[str, str]],
                         digests: dict[str, str], texts: list[str], started: float) -> "PendingIndex":
    """Keep the published full bundle; index only the pages that differ from what it was made
    of into PREVIEW_DIR, and list the full index's pages they replace (or that are gone)."""
    output = site.output_path
    changed = [(url, html) for url, html in for_pagefind if full.pages.get(url, [""])[0] != digests[url]]
    current = {url for url, _ in for_pagefind}
    replaced = sorted({url for url, _ in changed if url in full.pages} | {url for url in full.pages if url not in current})
    if not staging.keep_published_folder(output, BUNDLE_DIR):
        raise FileNotFoundError(2, "fichier de l'index publié disparu", os.path.join(final, BUNDLE_DIR))
    listing = {"adresses": replaced, "ecartees": [full.pages[url][1] for url in replaced], "pages": len(changed)}

    def small_index() -> None:
        if changed:
            write_bundle(site, run_pagefind(changed, len(changed)), PREVIEW_DIR)
        site.write(PREVIEW_LIST, json.dumps(listing, ensure_ascii=False, indent=1, sort_keys=True) + "\n")

    indexing = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="clairvoie-pagefind")
    pagefind = indexing.submit(small_index)
    indexing.shutdown(wait=False)
    return PendingIndex(site, pagefind, texts, len(changed), started, preview_of=len(full.pages))


_WORD = re.compile(r"\w+")


def index_chunk_size(texts: list[str]) -> int:
    """The size of Pagefind's index chunks for pages of these texts (CHUNK_FACTOR).

    Pagefind counts a position for each word written, and one for each page a word is on:
    about twice the words written.
    """
    positions = 2 * sum(len(_WORD.findall(text)) for text in texts)
    return max(SMALLEST_CHUNK, min(LARGEST_CHUNK, round(CHUNK_FACTOR * positions ** 0.5)))


def page_url(save_as: str) -> str:
    """The address Pagefind gives a page written at ``save_as`` ("projets/x/index.html" → "/projets/x/")."""
    return "/" + (save_as[:-len("index.html")] if save_as.endswith("/index.html") else save_as)


# What Pagefind gets of each page, and its texts, kept between builds of one process.
_kept_pages = incremental.KeptBetweenBuilds()


def _page_and_texts(path: str, residents: ResidentsWords) -> tuple[str, str, str, str]:
    """What Pagefind gets of the page, its text, its metadata's text, and the digest of the first."""
    with open(path, encoding="utf-8") as stream:
        html = stream.read()
    indexed, text = page_for_pagefind(html, residents)
    return indexed, text, meta_text(html), _page_digest(indexed)


@dataclass
class PendingIndex:
    """Pagefind at work; ``wait()`` finishes the index (the suggestions' vocabulary) or stops the build."""

    site: Site
    pagefind: concurrent.futures.Future
    texts: list[str]
    page_count: int
    started: float
    preview_of: int | None = None  # a preview: the pages of the published full index

    def wait(self) -> None:
        output = self.site.output_path
        try:
            self.pagefind.result()
            words = vocabulary(self.texts)
            self.site.write(VOCABULARY_FILE, "".join(word + "\n" for word in words))
            for letter, group in vocabulary_by_letter(words).items():
                self.site.write(f"{VOCABULARY_BY_LETTER}{letter}.txt", "".join(word + "\n" for word in group))
        except SearchIndexFailed as error:
            _stop(output, error)
        except OSError as error:
            _stop(output, SearchIndexFailed(f"{error.strerror} : {error.filename}"), error)
        seconds = f"{time.perf_counter() - self.started:.1f}".replace(".", ",")
        if self.preview_of is not None:
            logger.info("Recherche : aperçu, %s pages indexées à nouveau en %s s (l'index complet de %s pages "
                        "reste publié)", _count(self.page_count), seconds, _count(self.preview_of))
        else:
            logger.info("Recherche : index Pagefind de %s pages en %s s", _count(self.page_count), seconds)


def _count(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def _stop(output: str, error: SearchIndexFailed, cause: Exception | None = None) -> None:
    """Say why in one plain line, drop the unfinished build, stop (the previous site stays)."""
    print(error.summary(), file=sys.stderr)
    staging.discard(output)
    raise error from cause


def run_pagefind(pages: str | list[tuple[str, str]], expected_pages: int,
                 chunk_size: int | None = None) -> dict[str, bytes]:
    """Index the pages with Pagefind's service: the checked bundle, in order, by path inside it.

    ``pages`` are (address, HTML) pairs, or a folder whose HTML files are read. Pagefind
    numbers pages in the order it gets them, and every word index lists page numbers:
    they are given one by one, sorted by address. (Given a folder, Pagefind numbers
    them in the order the file system lists them, which differs from one machine or
    file system to the next.) ``chunk_size``: the size of the word index's chunks
    (``index_chunk_size``), or Pagefind's own.

    The bundle is asked for in memory (GetFiles) and written by ``write_bundle``, not by
    Pagefind's WriteFiles: the service answers that one before its writes reach the disk,
    and closing it (a SIGTERM) drops what it has not written yet, leaving empty files
    when the machine is busy.
    """
    from pagefind.service import get_executable

    if isinstance(pages, str):
        pages = pages_in_folder(pages)
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
    with _PagefindService(str(executable), chunk_size) as service:
        index_id = service.request({"type": "NewIndex", "config": {"force_language": "fr"}},
                                   "NewIndex").get("index_id")
        answers = service.requests([{"type": "AddFile", "index_id": index_id, "file_path": None, "url": url,
                                     "file_contents": html} for url, html in sorted(pages)], "IndexedFile")
        indexed = len({answer.get("page_url") for answer in answers})
        if indexed != expected_pages:
            raise SearchIndexFailed(messages.pages_not_indexed(indexed, expected_pages))
        answer = service.request({"type": "GetFiles", "index_id": index_id}, "GetFiles")
    try:
        files = {file["path"]: base64.b64decode(file["content"], validate=True) for file in answer["files"]}
    except (KeyError, TypeError, ValueError) as error:
        raise SearchIndexFailed(f"Pagefind a rendu un index illisible ({error})") from error
    for name in UNUSED_BUNDLE_FILES:  # Pagefind makes them all; nothing lets it skip them
        files.pop(name, None)
    files, problem = sort_files_quietly(files)
    if problem:
        logger.warning("Recherche : l'index de Pagefind n'a pas pu être mis en ordre (%s) ; deux "
                       "constructions des mêmes sources n'en donneront pas les mêmes octets.", problem)
    found = bundle_problems(files, expected_pages)
    if found:
        raise SearchIndexFailed("index de Pagefind incomplet : " + " ; ".join(found[:3])
                                + (f" (et {len(found) - 3} autres problèmes)" if len(found) > 3 else ""))
    return files


def pages_in_folder(folder: str) -> list[tuple[str, str]]:
    """The (address, HTML) pairs of every HTML file under ``folder``."""
    pages = []
    for parent, _, names in os.walk(folder):
        for name in names:
            if name.endswith(".html"):
                path = os.path.join(parent, name)
                with open(path, encoding="utf-8") as stream:
                    pages.append((page_url(os.path.relpath(path, folder).replace(os.sep, "/")), stream.read()))
    return pages


def write_bundle(site: Site, files: dict[str, bytes], folder: str = BUNDLE_DIR) -> None:
    """Write the checked bundle into a new folder, the entry file last, and check each file's size."""
    bundle = os.path.join(site.output_path, folder)
    root = os.path.realpath(bundle)
    shutil.rmtree(bundle, ignore_errors=True)  # no file of another build left in it
    for name in files:
        if not os.path.realpath(os.path.join(bundle, name)).startswith(root + os.sep):
            raise SearchIndexFailed(f"Pagefind a nommé un fichier hors de {folder}/ : {name}")
    for name in sorted(files, key=lambda name: (name == ENTRY, name)):
        site.write(f"{folder}/{name}", files[name])
    for name, data in files.items():
        size = os.path.getsize(site.built_path(f"{folder}/{name}"))
        if size != len(data):
            raise SearchIndexFailed(f"{folder}/{name} : {size} octets écrits sur {len(data)}")


class _PagefindService:
    """Pagefind's service process (``pagefind --service``), spoken to one request at a time.

    The protocol is the one of Pagefind's Python package (base64 JSON messages, each
    ending with a comma), without its 2 MiB limit on one answer: GetFiles returns the
    whole bundle. The process is stopped after INDEX_TIMEOUT seconds, and on leaving.
    """

    def __init__(self, executable: str, chunk_size: int | None = None):
        self.executable = executable
        self.environment = dict(os.environ)
        self.environment.pop(CHUNK_SIZE_VARIABLE, None)
        if chunk_size:
            self.environment[CHUNK_SIZE_VARIABLE] = str(chunk_size)

    def __enter__(self) -> "_PagefindService":
        self.errors = tempfile.TemporaryFile()
        try:
            self.process = subprocess.Popen([self.executable, "--service"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=self.errors, env=self.environment)
        except OSError as error:
            self.errors.close()
            raise SearchIndexFailed(messages.pagefind_broken(str(error))) from error
        self.timed_out = False
        self.timer = threading.Timer(INDEX_TIMEOUT, self._time_out)
        self.timer.daemon = True
        self.timer.start()
        self.message_id = 0
        self.pending = bytearray()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.timer.cancel()
        self.process.kill()  # every answer is in: nothing of its own is left to write
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.errors):
            with contextlib.suppress(OSError):
                stream.close()

    def request(self, payload: dict[str, Any], answer_type: str) -> dict[str, Any]:
        """Send one request, return its answer's payload (of type ``answer_type``)."""
        return self.requests([payload], answer_type)[0]

    def _send(self, payload: dict[str, Any]) -> None:
        message = json.dumps({"message_id": self.message_id, "payload": payload}).encode("utf-8")
        self.process.stdin.write(base64.b64encode(message) + b",")
        self.process.stdin.flush()

    def _answer(self, message_id: int, answer_type: str) -> dict[str, Any]:
        try:
            answer = self._read_answer()
        except OSError as error:
            raise SearchIndexFailed(f"Pagefind s'est arrêté ({self._ended()})") from error
        try:
            answer = json.loads(base64.b64decode(answer, validate=True))
            reply = answer["payload"]
            if not isinstance(reply, dict):
                raise TypeError(type(reply).__name__)
        except (ValueError, KeyError, TypeError) as error:
            raise SearchIndexFailed(f"Pagefind a donné une réponse illisible ({error})") from error
        if reply.get("type") == "Error":
            raise SearchIndexFailed(f"Pagefind : {reply.get('message')}")
        if answer.get("message_id") != message_id or reply.get("type") != answer_type:
            raise SearchIndexFailed(f"Pagefind a donné une réponse inattendue ({reply.get('type')})")
        return reply

    def requests(self, payloads: list[dict[str, Any]], answer_type: str) -> list[dict[str, Any]]:
        """Send the requests one after the other, then read their answers (``request`` for each).

        Pagefind reads its input and answers in threads of their own: it never waits for
        this process to read an answer before it reads the next request.
        """
        first = self.message_id + 1
        try:
            for payload in payloads:
                self.message_id += 1
                self._send(payload)
        except OSError as error:
            raise SearchIndexFailed(f"Pagefind s'est arrêté ({self._ended()})") from error
        return [self._answer(message_id, answer_type) for message_id in range(first, self.message_id + 1)]

    def _read_answer(self) -> bytes:
        descriptor = self.process.stdout.fileno()
        end = self.pending.find(b",")
        while end < 0:  # GetFiles' answer is large: only the new bytes are searched
            chunk = os.read(descriptor, 1 << 20)
            if not chunk:
                raise OSError("end of Pagefind's output")
            found = chunk.find(b",")
            end = len(self.pending) + found if found >= 0 else -1
            self.pending += chunk
        answer = bytes(self.pending[:end])
        del self.pending[:end + 1]
        return answer

    def _time_out(self) -> None:
        self.timed_out = True
        self.process.kill()

    def _ended(self) -> str:
        if self.timed_out:
            return f"pas fini en {INDEX_TIMEOUT} secondes"
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            return "il ne répond plus"
        self.errors.seek(0)
        last = self.errors.read().decode("utf-8", "replace").strip().splitlines()
        return f"code {code}" + (f", {last[-1]}" if last else "")
