"""Incremental builds: render again only the pages whose inputs changed.

Each page declares the records it shows (``pages.Page.depends_on``). Its
*signature* is a hash of what is common to every page (build date, settings,
theme, Clairvoie's own code, the sectors) and of the fingerprints of those
records, a fingerprint being a hash of the record's source file, its history
and the files it refers to. When a page's signature is the one recorded by
the previous successful build and that build's file is still there, the file
is kept instead of being rendered (``staging.keep_published``: hard-linked into
the new build, or left in place): it keeps its inode and modification time, so
rsync, ETags and a CDN see it unchanged.

A channel's files made from a few records (a project's feed, a report's Open311
request) are *pieces* (``Pieces``, ``Site.write_piece``): signed the same way,
kept the same way, never made when kept.

Files that every build makes again (the sectors' feeds, panels, images…) get the same
treatment by content: ``Site.write`` (outputs/site.py) keeps the published file
when a channel makes its bytes again, and ``walk_staged``, once the build
is over, keeps every other staged file whose bytes equal the published one
(what Pelican wrote, what channels copied); the files ``Site`` wrote or linked are
settled already and not compared again. That walk also lists every file for the
check of images (``image_privacy``), so that a build walks its output once.

The state (signatures by page, and by piece) lives in Pelican's ``CACHE_PATH`` and is
saved only once a build is in place, so it always describes the output folder as it is.
"""

from __future__ import annotations

import collections
import contextlib
import filecmp
import functools
import gc
import hashlib
import json
import logging
import os
import stat
import weakref
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import jinja2

logger = logging.getLogger(__name__)

STATE_FILE = "clairvoie-pages-{output}.json"  # one per output folder
FILES_STATE_FILE = "clairvoie-files-{output}.json"  # the channels' per-record files (Pieces)
NEWS_STATE_FILE = "clairvoie-news-{output}.json"  # Pelican's pages of the news (news_pages.py)
STATE_VERSION = 1
SIGNATURES = "clairvoie_signatures"  # the build's PageSignatures, in Pelican's context
PAGES_SIGNED = "clairvoie_pages_signed"  # this build's pages' signatures by file, once pages.py made them
EVERYTHING = "*"  # a page that shows the whole city (home page, lists, city-wide figures)

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _digest(parts: Iterable[str | bytes]) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def _file_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError:
        return b"missing"


def _file_stamp(path: str | None) -> str:
    """Size and modification time: enough for photos and documents, whose bytes are large."""
    try:
        status = os.stat(path) if path else None
    except OSError:
        status = None
    return f"{status.st_size}:{status.st_mtime_ns}" if status else "missing"


def file_signature(signature: str, path: str) -> str:
    """A signature with a file's bytes added."""
    return _digest([signature, path, _file_bytes(path)])


def _tree_files(folder: str, suffixes: tuple[str, ...] = ()) -> Iterator[str]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if not suffixes or name.endswith(suffixes):
                yield os.path.join(root, name)


def record_key(record: Any) -> str:
    """"Project:lilas", "WorksOrder:arrete-0412", "Report:2026-004512", "news:<source path>"…"""
    kind = type(record).__name__
    if kind == "NewsItem":
        return f"news:{record.article.source_path}"
    return f"{kind}:{record.id}"


def record_fingerprint(record: Any) -> str:
    """What a record's pages are made of: its source (the model's hash of the file, or the
    article's bytes), its history, the files it names."""
    if type(record).__name__ == "NewsItem":
        article = record.article
        episode = record.episode
        return _digest([record.digest or _file_bytes(article.source_path),  # the model's hash of the file
                        _file_stamp(episode.source_path) if episode else ""])
    source = record.source
    # The same Source object: the model kept the record as built from the same file, history
    # and named files' bytes (model/__init__.py, _BuiltRecords). The value holds the Source, so
    # no other object can take its id while the entry lives.
    return _fingerprints_by_source.get(id(source), lambda: (source, _source_fingerprint(record)))[1]


def _source_fingerprint(record: Any) -> str:
    source = record.source
    parts: list[str | bytes] = [source.digest, repr(source.history)]
    for photo in getattr(record, "photos", ()):
        parts.append(_file_stamp(photo.source_path))
    documents = list(getattr(record, "documents", ()))
    if getattr(record, "document", None) is not None:
        documents.append(record.document)
    for document in documents:
        parts.append(_file_stamp(document.source_path))
    if getattr(record, "geometry", None) is not None:
        parts.append(json.dumps(record.geometry, sort_keys=True))  # a sector's GeoJSON file
    return _digest(parts)


def _settings_text(settings: dict[str, Any]) -> str:
    """Pelican's settings, minus what differs between two runs of the same build."""
    # CLAIRVOIE_SEARCH_PREVIEW, CLAIRVOIE_PAPER_LATER: how the search index and the PDFs are made
    # (outputs/search.py, outputs/paper.py), not what a page shows; DEBUG: set by the pelican
    # command's -D, missing when settings are read in a process (clairvoie serve).
    ignored = {"OUTPUT_PATH", "JINJA_FILTERS", "JINJA_GLOBALS", "PLUGINS", "PLUGIN_PATHS", "CLAIRVOIE_SEARCH_PREVIEW",
               "CLAIRVOIE_PAPER_LATER", "DEBUG"}
    return repr(sorted((k, repr(v)) for k, v in settings.items() if k not in ignored and k.isupper()))


def common_fingerprint(model: Any, pelican_settings: dict[str, Any], theme_path: str,
                       pelican_pages: Iterable[Any] = ()) -> str:
    """What every page depends on: date, settings, theme, our code, the sectors and the kinds of
    report (a service's name or commitment is shown, and makes reports overdue, everywhere), the
    glossary, and what every page's header shows: Pelican's own pages, whether there are reports."""
    parts: list[str | bytes] = [str(model.today), _settings_text(pelican_settings), repr(model.services),
                                repr(model.glossary),  # /lexique/, and the terms linked on every page
                                repr([(page.title, page.url) for page in pelican_pages]), str(bool(model.reports))]
    basemap = getattr(model, "basemap", None)  # the maps' streets: a new extract, every map again
    parts.append(basemap.fingerprint if basemap is not None else "")
    for path in [*_tree_files(theme_path), *_tree_files(_PACKAGE_DIR, (".py", ".html", ".json"))]:
        parts += [path, _file_bytes(path)]
    parts += [record_fingerprint(sector) for sector in model.sectors]
    return _digest(parts)


# A value standing for what a page shows of many records (pages.Shown, pages.StreetLink), by its
# key: while the last build's signatures hold it, the same value is the very same object again,
# so that PageSignatures.of finds its pages' signatures by the ids of what they are made of.
_values: "weakref.WeakValueDictionary[str, Any]" = weakref.WeakValueDictionary()


def same_value(value: Any) -> Any:
    """The object the last build used for a value equal to ``value`` (its record_key), else ``value``."""
    key = record_key(value)
    kept = _values.get(key)
    if kept is None:
        _values[key] = kept = value
    return kept


# The last PageSignatures made in this process: the next build's takes its signatures again.
_last_made: "PageSignatures | None" = None


class PageSignatures:
    """Signatures of this build's pages, compared with the previous build's.

    A rebuild in the same process (``pelican --autoreload``, ``clairvoie serve``) takes the last
    build's signature of a page or piece made of *the very same objects* (the model keeps an
    unchanged record's object, model/derive.py), unless one of them was edited, replaced or
    removed since: no keys sorted nor hashed again for the 200,000 files of a large city."""

    def __init__(self, model: Any, pelican_settings: dict[str, Any], theme_path: str,
                 pelican_pages: Iterable[Any] = ()):
        global _last_made
        self.common = common_fingerprint(model, pelican_settings, theme_path, pelican_pages)
        self.fingerprints: dict[str, str] = {}
        self._records: dict[str, Any] = {}  # held: the ids in ``_made`` stay theirs
        for group in (model.projects, model.works, model.meetings, model.reports, model.news):
            for record in group:
                key = record_key(record)
                self.fingerprints[key] = record_fingerprint(record)
                self._records[key] = record
        self._everything = _digest(sorted(f"{k}={v}" for k, v in self.fingerprints.items()))
        # (template or kind, ids of what it is made of) -> signature. Ids and strings only: the
        # cycle collector need not walk 200,000 entries; ``_held`` keeps each id its object's.
        self._made: dict[tuple[str, tuple[int, ...]], str] = {}
        self._held: list[Any] = []
        self._before: dict[tuple[str, tuple[int, ...]], str] = {}
        self._before_held: list[Any] = []  # the last build's ``_held``, while ``_before`` is read
        self._changed: set[int] = set()  # ids of the last build's records whose signature part changed
        # Signatures made from their records' keys, by template or kind: not taken from the last build.
        self.signed_afresh: collections.Counter[str] = collections.Counter()
        previous, _last_made = _last_made, self
        if previous is not None and previous.common == self.common:
            self._before, self._before_held = previous._made, previous._held
            self._changed = {id(record) for key, record in previous._records.items()
                             if self._records.get(key) is not record
                             or self.fingerprints[key] != previous.fingerprints[key]}
        if previous is not None:  # its build is over: only one build's signatures stay alive
            previous._before, previous._before_held = {}, []

    def of(self, template: str, depends_on: Iterable[Any] | str) -> str:
        if depends_on == EVERYTHING:
            return _digest([self.common, template, self._everything])
        objects = tuple(depends_on)
        ids = tuple(map(id, objects))
        signature = self._before.get((template, ids))
        if signature is None or not self._changed.isdisjoint(ids):
            keys = sorted({record_key(record) for record in objects})
            self.signed_afresh[template] += 1
            signature = _digest([self.common, template, *(f"{k}={self.fingerprints.get(k, '')}" for k in keys)])
        self._made[template, ids] = signature
        self._held += objects
        return signature


class BuildState:
    """The page signatures of the output folder as it was last published (``state_file``:
    FILES_STATE_FILE for the channels' per-record files)."""

    def __init__(self, cache_path: str, output_path: str, state_file: str = STATE_FILE):
        self.output_path = os.path.abspath(output_path)
        self.path = os.path.join(cache_path, state_file.format(output=_digest([self.output_path])[:12]))
        self.signatures: dict[str, str] = {}
        try:
            with open(self.path, encoding="utf-8") as stream:
                saved = json.load(stream)
        except (OSError, ValueError):
            return
        if saved.get("version") == STATE_VERSION and saved.get("output") == self.output_path:
            self.signatures = saved.get("pages", {})

    def save(self, signatures: dict[str, str]) -> None:
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        temporary = self.path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as stream:
            json.dump({"version": STATE_VERSION, "output": self.output_path, "pages": signatures},
                      stream, sort_keys=True)
        os.replace(temporary, self.path)


def link_previous(final_path: str, staging_path: str, save_as: str) -> bool:
    """Hard-link last build's file into this build; False when there is none."""
    previous = os.path.join(final_path, save_as)
    target = os.path.join(staging_path, save_as)
    try:  # one system call when the folder is there already (a report's page, then its feeds)
        os.link(previous, target)  # the staging folder starts empty: nothing is there yet
        return True
    except OSError:
        if not os.path.isfile(previous):
            return False
    os.makedirs(os.path.dirname(target), exist_ok=True)
    os.link(previous, target)
    return True


def report_and_tied(model: Any, report: Any) -> list[Any]:
    """What a report's own files show besides the report: its original and duplicates, the works
    orders and projects its stages name (their titles, their references)."""
    return [report, *([report.original] if report.original else []),
            *(model.report(number) for number in report.duplicates), *report.works, *report.projects]


class Pieces:
    """The channels' files made from a few records each (a project's feed, a report's Open311
    request): kept from the previous build, as pages are, when their signature is unchanged.

    A piece's signature is ``PageSignatures.of(kind, depends_on)``: the records its bytes are
    made of, with what every page depends on. When the previous published build wrote the file
    with the same signature, that file is kept (``staging.keep_published``) and never made nor
    compared again. The signatures of this build are saved once it is in place (``save``).
    """

    def __init__(self, signatures: PageSignatures, cache_path: str, output_path: str,
                 final_path: str | None, enabled: bool, keep_published: Callable[[str], bool]):
        self.signatures = signatures
        self.state = BuildState(cache_path, final_path or output_path, FILES_STATE_FILE)
        self.enabled = enabled and final_path is not None
        self.keep_published = keep_published  # staging.keep_published, for this build's folder
        self.current: dict[str, str] = {}
        self.kept = 0

    def keep(self, save_as: str, kind: str, depends_on: Iterable[Any]) -> bool:
        """True when last build's file is kept as this build's; else the caller makes the file."""
        signature = self.signatures.of(kind, depends_on)
        self.current[save_as] = signature
        if (self.enabled and self.state.signatures.get(save_as) == signature
                and self.keep_published(save_as)):
            self.kept += 1
            return True
        return False

    def forget(self, save_as: str) -> None:
        """This build's file is not yet what its signature says (a preview's PDF, left as
        published until laid out): the next build makes it again."""
        self.current.pop(save_as, None)

    def save(self) -> None:
        self.state.save(self.current)
        logger.info("Clairvoie : %d fichiers par fiche (flux, Open311…) faits, %d repris tels quels de la "
                    "construction précédente", len(self.current) - self.kept, self.kept)


@dataclass(frozen=True)
class StagedFile:
    """A file of a staging folder, as the walk after the build found it."""

    path: str
    relative: str  # from the staging folder, with os.sep
    # The published file's status when the staged file is that very file (a hard link, or, in a
    # build written in place, the published file itself, ``path``), else None.
    published: os.stat_result | None


@dataclass
class StagedFiles:
    """Every file of a staging folder, A–Z, and what ``walk_staged`` linked to the published files."""

    files: list[StagedFile] = field(default_factory=list)
    kept: int = 0  # files found identical to the published ones and linked to them
    compared: int = 0  # files compared byte for byte


def walk_staged(staging_path: str, final_path: str | None,
                settled: Collection[str] | None = None, in_place: bool = False) -> StagedFiles:
    """Each file of the staging folder, with the published one's status when it is that file.

    With ``settled`` (site paths, "a/b.json", the build knows linked or changed), each other
    staged file identical to the published one is replaced by a link to it first; ``in_place``
    (the build is written in place, ``staging.py``), it is removed and the published file listed
    instead. One walk serves the swap and the check of images (``image_privacy``): a build's
    folders are many (a folder per page), and each walk of them costs a fraction of a second at M.
    """
    walked = StagedFiles()
    _walk_folder(os.path.normpath(staging_path), "", final_path, settled, in_place, walked)
    return walked


def _walk_folder(folder: str, relative: str, final_path: str | None, settled: Collection[str] | None,
                 in_place: bool, walked: StagedFiles) -> None:
    with os.scandir(folder) as scanned:
        entries = sorted(scanned, key=lambda entry: entry.name)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _walk_folder(entry.path, f"{relative}{entry.name}{os.sep}", final_path, settled, in_place, walked)
        elif entry.is_file():
            path = entry.path
            published_path = os.path.join(final_path, relative, entry.name) if final_path else ""
            published_status = _status(published_path) if final_path else None
            same_file = published_status is not None and entry.inode() == published_status.st_ino
            if (published_status is not None and not same_file and settled is not None
                    and (relative + entry.name).replace(os.sep, "/") not in settled
                    and _same_bytes(entry, published_status, published_path, walked)):
                if in_place:
                    os.unlink(entry.path)
                    path = published_path
                else:
                    _link(published_path, entry.path)
                walked.kept += 1
                same_file = True
            walked.files.append(StagedFile(path, relative + entry.name, published_status if same_file else None))


def _status(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _same_bytes(entry: os.DirEntry, published_status: os.stat_result, published: str, walked: StagedFiles) -> bool:
    """True when a staged file holds the published file's bytes."""
    if not stat.S_ISREG(published_status.st_mode) or entry.stat().st_size != published_status.st_size:
        return False
    walked.compared += 1
    return filecmp.cmp(entry.path, published, shallow=False)


def _link(published: str, staged: str) -> None:
    """Replace a staged file by a link to the published one."""
    temporary = staged + ".clairvoie-link"
    os.link(published, temporary)
    os.replace(temporary, staged)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's garbage collector off while many objects are made that all stay alive (a rebuild's
    pages and their signatures, the list of its files): each collection they would start walks the
    whole model and Pelican's content again, seconds of every rebuild at size M."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class KeptBetweenBuilds:
    """Values a build computed, kept for the next build in the same process.

    ``pelican --autoreload`` builds again and again in one process: a value
    whose key (a signature of its inputs) is unchanged is not computed again.
    What a build did not use is dropped when the next one begins.
    """

    _all: list["KeptBetweenBuilds"] = []

    def __init__(self) -> None:
        self._previous: dict[Any, Any] = {}
        self._current: dict[Any, Any] = {}
        KeptBetweenBuilds._all.append(self)

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        if key in self._current:
            return self._current[key]
        value = self._previous[key] if key in self._previous else make()
        self._current[key] = value
        return value

    @classmethod
    def new_build(cls) -> None:
        for kept in cls._all:
            kept._previous, kept._current = kept._current, {}


class ForOneBuild(KeptBetweenBuilds):
    """Values computed once in a build and forgotten when the next begins: what may change
    between two builds without a key to tell (the theme's files)."""

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        if key not in self._current:
            self._current[key] = make()
        return self._current[key]


# A rebuild in one process fingerprints only the records built again, not tens of thousands.
_fingerprints_by_source = KeptBetweenBuilds()

# What Pelican's readers made of each file (its Markdown articles), kept between builds of one
# process: by the file's size and modification time and the settings, as Pelican's own reader
# cache does, but in memory only (Pelican's cache, on disk, ignores a change of settings).
_read_files = KeptBetweenBuilds()


def remember_reads(readers: Any) -> None:
    """Pelican's readers_init: a file unchanged since the last build of this process is not read again."""
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class:
            readers.reader_classes[extension] = functools.partial(_kept_reader, reader_class)


def _kept_reader(reader_class: Any, settings: dict[str, Any]) -> Any:
    """Pelican's reader, whose ``read`` returns what it read last time from an unchanged file."""
    reader = reader_class(settings)
    settings_text = _settings_text(settings)  # once made: Markdown's reader adds to its settings
    read = reader.read

    def read_once(path: str) -> tuple[str, dict[str, Any]]:
        key = (reader_class, os.path.abspath(path), _file_stamp(path), settings_text)
        content, metadata = _read_files.get(key, lambda: read(path))
        return content, dict(metadata)  # Pelican adds to it: the kept one stays as read

    reader.read = read_once
    return reader


class CompiledTemplates(jinja2.BytecodeCache):
    """A Jinja bytecode cache in memory, for every Jinja environment of this process.

    Pelican makes a new environment for each generator at each build, which compiles the
    theme's templates again: about a second of each rebuild in one process. Jinja gives a
    compiled template back only for the same source (its checksum), and this cache only to
    an environment that compiles as the one that compiled it (``_compiling_options``).
    """

    def __init__(self) -> None:
        self._compiled: dict[tuple[str, str], tuple[str, Any]] = {}  # (key, options): (checksum, code)

    def load_bytecode(self, bucket: Any) -> None:
        checksum, code = self._compiled.get((bucket.key, _compiling_options(bucket.environment)), ("", None))
        if code is not None and checksum == bucket.checksum:
            bucket.code = code

    def dump_bytecode(self, bucket: Any) -> None:
        self._compiled[(bucket.key, _compiling_options(bucket.environment))] = (bucket.checksum, bucket.code)


def _compiling_options(environment: Any) -> str:
    """What an environment's compiled code depends on, besides the template's source."""
    names = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
             "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
             "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized",
             "autoescape", "finalize", "is_async")
    return repr([getattr(environment, name, None) for name in names] + sorted(environment.extensions))


_compiled_templates = CompiledTemplates()


def share_compiled_templates(generator: Any) -> None:
    """Pelican's ``generator_init``: the generator's Jinja environment uses this process's
    compiled templates."""
    generator.env.bytecode_cache = _compiled_templates
