"""The one validated model of a Clairvoie site: load → validate → build → derive."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import os
import re
import time
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

import mutagen
import mutagen.mp3
from shapely.geometry import shape

from .. import messages, sound_tags
from ..markup import markdown_problems, sanitize_html
from ..settings import ClairvoieSettings
from .build import (
    BuildContext, _content_file, build_meeting, build_project, build_report, build_sector, build_services,
    build_works_order, check_sector_ids, is_slug,
)
from .basemap import load_basemap
from .derive import KeptDerivations, build_date, derive
from .geometry import CityOutline
from .glossary import load_glossary
from .history import record_histories
from .load import YamlDocument, load_yaml_file
from . import plain_french
from .problems import InvalidRecords, Problem
from .records import Episode, Model, NewsItem, Records, ReportFile, Service, WorksOrderFile
from .reports import original_number
from .schema import schema_errors
from .synonyms import load_synonyms

__all__ = ["InvalidRecords", "Model", "Problem", "load_model", "record_files"]

YAML_SUFFIXES = (".yaml", ".yml")
SERVICES_FILES = ("services.yaml", "services.yml")  # in the reports' folder: the kinds of report


class _FileHashes:
    """The hash of each file's bytes, kept by this process while the file's status is unchanged.

    A rebuild (``pelican --autoreload``, ``clairvoie serve``) then reads again only the files
    that changed, not every one of a large city's tens of thousands. The status is the size,
    the modification and change times and the inode: no tool sets a change time back, so a
    file rewritten in place keeps no old hash. A file changed in the last seconds is hashed
    again at each build (as Git treats "racily clean" files): a second save within the clock's
    tick of the first one, with the same size, is still seen.
    """

    SETTLED_NS = 2_000_000_000  # a file unchanged for this long: its status tells a change

    def __init__(self) -> None:
        self._known: dict[str, tuple[tuple[int, int, int, int], str]] = {}

    def of(self, path: str) -> str | None:
        """The hash of the file's bytes; None when it cannot be read."""
        try:
            status = os.stat(path)
        except OSError:
            self._known.pop(path, None)
            return None
        stamp = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
        known = self._known.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
        try:
            with open(path, "rb") as stream:
                digest = hashlib.blake2b(stream.read(), digest_size=16).hexdigest()
        except OSError:
            return None
        if time.time_ns() - max(status.st_mtime_ns, status.st_ctime_ns) > self.SETTLED_NS:
            self._known[path] = (stamp, digest)
        else:
            self._known.pop(path, None)
        return digest


_file_hashes = _FileHashes()


class _ParsedFiles:
    """Record files already read and checked by this process, by path and content.

    ``pelican --autoreload`` and ``clairvoie serve`` build again and again in
    one process: a file whose bytes are unchanged is neither parsed nor checked
    against its schema again (hashing it costs far less than parsing it). Only
    files without problems are kept, so every problem is reported on each build.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], tuple[str, YamlDocument]] = {}

    def get(self, path: str, shown: str, content_hash: str | None) -> YamlDocument | None:
        entry = self._entries.get((path, shown))
        return entry[1] if entry is not None and content_hash is not None and entry[0] == content_hash else None

    def keep(self, path: str, shown: str, content_hash: str | None, document: YamlDocument) -> None:
        if content_hash is not None:
            self._entries[(path, shown)] = (content_hash, document)

    def forget(self, path: str, shown: str) -> None:
        self._entries.pop((path, shown), None)


_parsed_files = _ParsedFiles()


class _BuiltRecords:
    """Records built by this process, by file, kept while nothing they were built from changed.

    Building again what a file says (geometry checks, opening hours, Markdown, photos'
    sizes) costs far more than checking that nothing changed: the file's bytes (its
    hash), everything the builder looked at besides it (``context``: settings, the ids of
    the other records, the sectors' outlines) and the other files it read (their hashes; None: missing).
    Only records built without any problem are kept, so every problem is reported again.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str, str], tuple[str, tuple[Any, ...], tuple[Any, ...], Any]] = {}
        self._contexts: dict[str, tuple[Any, ...]] = {}

    def context(self, kind: str, *facts: Any) -> tuple[Any, ...]:
        """The facts as one object, the same one while they stay equal: entries compare it by identity."""
        if self._contexts.get(kind) != facts:
            self._contexts[kind] = facts
        return self._contexts[kind]

    def get(self, key: tuple[str, str, str], content_hash: str | None, context: tuple[Any, ...],
            ctx: BuildContext) -> Any:
        entry = self._entries.get(key)
        if entry is None or content_hash is None or entry[0] != content_hash or entry[1] is not context:
            return None
        if any(_file_hashes.of(path) != read_hash for path, read_hash in entry[2]):
            return None
        if not _names_still_known(entry[3], ctx):
            return None
        return entry[3]

    def keep(self, key: tuple[str, str, str], content_hash: str | None, context: tuple[Any, ...],
             read_files: list[str], record: Any) -> None:
        if content_hash is None:
            return
        hashes = tuple((path, _file_hashes.of(path)) for path in dict.fromkeys(read_files))
        self._entries[key] = (content_hash, context, hashes, record)

    def forget(self, key: tuple[str, str, str]) -> None:
        self._entries.pop(key, None)

    def replace(self, key: tuple[str, str, str], old: Any, new: Any) -> None:
        """The kept record, now with its history: the next build uses it as it is."""
        entry = self._entries.get(key)
        if entry is not None and entry[3] is old:
            self._entries[key] = (*entry[:3], new)


_built_records = _BuiltRecords()


def _names_still_known(record: Any, ctx: BuildContext) -> bool:
    """Whether the other records a kept record names (its project, a report's works orders,
    projects and original) are all still there. A record is checked against the names of the
    others only for these (build.py): so adding a record builds none of the others again, and
    removing one builds again only the records that name it, which then say so."""
    if isinstance(record, WorksOrderFile):
        return record.project_id is None or record.project_id in ctx.known_projects
    if isinstance(record, ReportFile):
        return all((stage.works_reference is None or stage.works_reference in ctx.known_works_references)
                   and (stage.project_id is None or stage.project_id in ctx.known_projects)
                   and (stage.duplicate_of is None or stage.duplicate_of.lower() in ctx.known_report_ids)
                   for stage in record.history)
    return True


# What was made of each news article (its HTML made safe, its Markdown checked, its plain French),
# by the very same text, or the same hash of its file: thousands of articles in a large city.
_kept_articles = KeptDerivations()


def record_files(settings: ClairvoieSettings, content_path: str) -> dict[str, list[str]]:
    """Absolute paths of every record file, by record kind, sorted."""
    folders = {
        "sector": settings.sectors_dir(),
        "project": os.path.join(content_path, settings.projects_dir),
        "works": os.path.join(content_path, settings.works_dir),
        "meeting": os.path.join(content_path, settings.events_dir),
        "report": os.path.join(content_path, settings.reports_dir),
    }
    found: dict[str, list[str]] = {}
    for kind, folder in folders.items():
        paths = []
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            paths += [os.path.join(root, f) for f in files
                      if f.endswith(YAML_SUFFIXES) and not f.startswith(".")
                      and not (kind == "report" and root == folder and f in SERVICES_FILES)]
        found[kind] = sorted(paths)
    return found


def services_file(settings: ClairvoieSettings, content_path: str) -> str | None:
    """The reports' services.yaml, if there is one."""
    folder = os.path.join(content_path, settings.reports_dir)
    return next((os.path.join(folder, name) for name in SERVICES_FILES
                 if os.path.isfile(os.path.join(folder, name))), None)


def load_model(settings: ClairvoieSettings, content_path: str, timezone_name: str,
               articles: Iterable[Any] = (), now: dt.datetime | None = None) -> Model:
    """Read, check and derive everything; raise InvalidRecords with every problem."""
    # The load makes millions of objects, nearly all kept in the model or freed by their count:
    # Python's cycle collector, run every few hundred allocations over a heap this size, cost a
    # fifth of a load at size M and found almost nothing. It runs as before once the load ends.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_model(settings, content_path, timezone_name, articles, now)
    finally:
        if collecting:
            gc.enable()


def _load_model(settings: ClairvoieSettings, content_path: str, timezone_name: str,
                articles: Iterable[Any], now: dt.datetime | None) -> Model:
    content_path = os.path.abspath(content_path)
    _kept_articles.new_build(settings.site_root)
    timezone = ZoneInfo(timezone_name)
    now = now or build_date(timezone)
    problems: list[Problem] = []
    files = record_files(settings, content_path)
    ids = {kind: [_record_id(p) for p in paths] for kind, paths in files.items()}
    ctx = BuildContext(settings, content_path, timezone, sorted(set(ids["sector"])),
                       sorted(set(ids["project"])), problems, report_ids=sorted(set(ids["report"])))
    services = _load_services(settings, content_path, ctx, needed=bool(files["report"]))

    builders = {"sector": build_sector, "project": build_project,
                "works": build_works_order, "meeting": build_meeting, "report": build_report}
    records: dict[str, list[Any]] = {kind: [] for kind in builders}
    documents = {kind: _load_documents(paths, settings.site_root, problems) for kind, paths in files.items()}
    ctx.works_references = sorted({str(document.data["reference"]) for document, *_ in documents["works"]
                                   if isinstance(document.data.get("reference"), (str, int))})
    keys: dict[str, list[tuple[str, str, str]]] = {kind: [] for kind in builders}
    for kind, kind_documents in documents.items():  # sectors first: others are placed in them
        # What this kind's builder reads besides its document and the files it names (build.py).
        # (The other records' names a record uses are checked apart: _names_still_known.)
        context = _built_records.context(
            kind, settings, content_path, timezone_name, tuple(ctx.sector_ids),
            None if kind == "sector" else tuple((sector.id, sector.geometry) for sector in records["sector"]),
            _frozen(ctx.service_codes) if kind == "report" else None)
        for document, absolute_path, checked, content_hash in kind_documents:
            if kind != "sector":
                check_sector_ids(document, ctx, allow_city_wide=(kind == "project"))
            key = (kind, absolute_path, document.path)
            shape_errors = [] if checked else schema_errors(kind, document)
            problems += [document.problem(field_path, message) for field_path, message in shape_errors]
            if shape_errors:
                _parsed_files.forget(absolute_path, document.path)
                _built_records.forget(key)
                # What the schema refused is taken out; the rest is still checked, in this run.
                builders[kind](document.without(field_path for field_path, _ in shape_errors), ctx)
                continue
            record = _built_records.get(key, content_hash, context, ctx)
            if record is None:
                problems_before, ctx.read_files = len(problems), []
                record = builders[kind](document, ctx)
                record = dataclasses.replace(record, source=dataclasses.replace(record.source, digest=content_hash or ""))
                if len(problems) == problems_before:
                    _built_records.keep(key, content_hash, context, ctx.read_files, record)
                else:
                    _built_records.forget(key)
            records[kind].append(record)
            keys[kind].append(key)
        if kind == "sector":
            ctx.city = CityOutline.of(sector.geometry for sector in records["sector"])
            ctx.sector_shapes = {sector.id: shape(sector.geometry)
                                 for sector in records["sector"] if sector.geometry}
    if not files["sector"]:
        problems.append(Problem(settings.sectors_path, 1, 1, "", messages.NO_SECTOR_FILES))
    _check_unique(documents, problems)
    _check_duplicate_loops(documents["report"], records["report"], problems)
    news = _news_items(articles, ctx, settings.site_root)
    synonyms = load_synonyms(settings, content_path, problems)
    glossary = load_glossary(settings, content_path, problems)
    remarks = plain_french.check({kind: [d for d, *_ in kind_documents] for kind, kind_documents in documents.items()},
                                 [item.article for item in news], glossary, settings.plain_french_min_score,
                                 settings.site_root, _article_remarks)
    if settings.plain_french_strict:
        problems += remarks
    problems += [Problem("pelicanconf.py", 1, 1, "CLAIRVOIE_LISTMONK", message)
                 for message in settings.listmonk_problems(ctx.sector_ids)]
    if problems:
        raise InvalidRecords(problems)

    with_history = _with_histories(records, keys, settings)
    return derive(Records(
        sectors=with_history["sector"], projects=with_history["project"], works=with_history["works"],
        meetings=with_history["meeting"], news=news, synonyms=synonyms,
        services=services, reports=with_history["report"], glossary=glossary, plain_french=remarks,
        basemap=load_basemap(settings, content_path),
    ), now, settings, timezone_name)


def _load_services(settings: ClairvoieSettings, content_path: str, ctx: BuildContext,
                   needed: bool) -> list[Service]:
    """The kinds of report (services.yaml); sets ``ctx.service_codes`` when the file is read."""
    path = services_file(settings, content_path)
    if path is None:
        if needed:
            shown = os.path.relpath(os.path.join(content_path, settings.reports_dir, SERVICES_FILES[0]),
                                    settings.site_root).replace(os.sep, "/")
            ctx.problems.append(Problem(shown, 1, 1, "", messages.REPORT_NO_SERVICES_FILE))
        return []
    loaded = _load_documents([path], settings.site_root, ctx.problems)
    if not loaded:
        return []
    document, absolute_path, checked, _ = loaded[0]
    shape_errors = [] if checked else schema_errors("services", document)
    ctx.problems.extend(document.problem(field_path, message) for field_path, message in shape_errors)
    if shape_errors:
        _parsed_files.forget(absolute_path, document.path)
        document = document.without(field_path for field_path, _ in shape_errors)
    services = build_services(document, ctx)
    ctx.service_codes = [service.code for service in services]
    return services


def _with_histories(records: dict[str, list[Any]], keys: dict[str, list[tuple[str, str, str]]],
                    settings: ClairvoieSettings) -> dict[str, list[Any]]:
    """Each record with its file's Git history; a kept record whose history is unchanged stays as it is."""
    folders = [os.path.relpath(settings.sectors_dir(), settings.site_root), "content"]
    histories = record_histories(settings.site_root, folders)
    with_history: dict[str, list[Any]] = {}
    for kind, kind_records in records.items():
        with_history[kind] = []
        for key, record in zip(keys[kind], kind_records):
            history = histories.get(record.source.path, ())
            if record.source.history != history:
                new = dataclasses.replace(record, source=dataclasses.replace(record.source, history=history))
                _built_records.replace(key, record, new)
                record = new
            with_history[kind].append(record)
    return with_history


def _frozen(items: list[str] | None) -> tuple[str, ...] | None:
    return None if items is None else tuple(items)


def _record_id(path: str) -> str:
    """The file's name without its suffix (record files all have one: ``YAML_SUFFIXES``)."""
    name = path[path.rfind(os.sep) + 1:]  # what basename() and splitext() give, at a city's 50,000 files a build
    return name[:name.rfind(".")] if "." in name else name


def _load_documents(paths: list[str], site_root: str,
                    problems: list[Problem]) -> list[tuple[YamlDocument, str, bool, str | None]]:
    """Each file's document, its absolute path, whether it already passed its schema, and
    the hash of its bytes."""
    documents: list[tuple[YamlDocument, str, bool, str | None]] = []
    seen: dict[str, str] = {}
    shown_folders: dict[str, str] = {}  # relpath() once per folder: it costs more than hashing a file
    for path in paths:
        folder, file_name = os.path.split(path)
        if folder not in shown_folders:
            shown_folder = os.path.relpath(folder, site_root).replace(os.sep, "/")
            shown_folders[folder] = "" if shown_folder == "." else shown_folder + "/"
        shown = shown_folders[folder] + file_name
        record_id = _record_id(path)
        if not is_slug(record_id):
            problems.append(Problem(shown, 1, 1, "", messages.bad_file_name(os.path.basename(path))))
            continue
        if record_id in seen:
            problems.append(Problem(shown, 1, 1, "", messages.duplicate_id(record_id, seen[record_id])))
            continue
        seen[record_id] = shown
        content_hash = _file_hashes.of(path)
        document = _parsed_files.get(path, shown, content_hash)
        if document is not None:
            documents.append((document, path, True, content_hash))
            continue
        document = load_yaml_file(path, shown, problems)
        if document is not None:
            _parsed_files.keep(path, shown, content_hash, document)
            documents.append((document, path, False, content_hash))
    return documents


def _check_unique(documents: dict[str, list[YamlDocument]], problems: list[Problem]) -> None:
    """Panel ids, works order references and report numbers must be unique city-wide."""
    panels: dict[str, str] = {}
    for document, *_ in documents["sector"]:
        for index, panel in enumerate(_list_of(document.data.get("panels"))):
            panel_id = panel.get("id") if isinstance(panel, dict) else None
            if not isinstance(panel_id, str):
                continue
            if panel_id in panels:
                problems.append(document.problem(("panels", index, "id"),
                                                 messages.duplicate_panel(panel_id, panels[panel_id])))
            panels.setdefault(panel_id, document.path)
    references: dict[str, str] = {}
    for document, *_ in documents["works"]:
        reference = document.data.get("reference")
        if not isinstance(reference, (str, int)):
            continue
        reference = str(reference)
        if reference in references:
            problems.append(document.problem(("reference",),
                                             messages.duplicate_reference(reference, references[reference])))
        references.setdefault(reference, document.path)
    numbers: dict[str, str] = {}
    for document, *_ in documents["report"]:
        number = document.data.get("number")
        if not isinstance(number, str):
            continue
        if number.lower() in numbers:
            problems.append(document.problem(("number",),
                                             messages.duplicate_report_number(number, numbers[number.lower()])))
        numbers.setdefault(number.lower(), document.path)


def _check_duplicate_loops(documents: list[tuple[YamlDocument, str, bool, str | None]],
                           reports: list[ReportFile], problems: list[Problem]) -> None:
    """A duplicate points at its original; two reports may not each be the other's original."""
    originals = {report.id: original for report in reports
                 if (original := original_number(report)) != report.id}  # itself: reported when built
    by_id = {document.record_id: document for document, *_ in documents}
    looped: set[str] = set()
    for start in originals:
        chain = [start]
        while (following := originals.get(chain[-1])) is not None and following not in chain:
            chain.append(following)
        if following is not None and following in chain:
            looped.update(chain[chain.index(following):])
    for report in reports:
        if report.id in looped:
            stage = next(s for s in reversed(report.history) if s.stage == "duplicate" and s.duplicate_of)
            problems.append(by_id[report.id].problem(("history", stage.index, "duplicate_of"),
                                                     messages.REPORT_DUPLICATE_LOOP))


def _list_of(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _news_items(articles: Iterable[Any], ctx: BuildContext, site_root: str) -> list[NewsItem]:
    """Tie Pelican's articles to sectors (and sounds); their HTML is sanitised like records'."""
    items = []
    for article in articles:
        raw = article.metadata.get("sectors", "")
        sector_ids = [s.strip() for s in (raw if isinstance(raw, list) else str(raw).split(",")) if s.strip()]
        for sector_id in sector_ids:
            if sector_id not in ctx.sector_ids:
                ctx.problems.append(_article_problem(article, site_root, "Sectors",
                                                     messages.unknown_sector(sector_id, ctx.sector_ids)))
        episode = _episode(article, ctx, site_root)
        path = article.source_path
        digest = _file_hashes.of(path)
        ctx.problems.extend(_kept_articles.made_of(("markdown", path, digest), (),
                                                   lambda: _article_markdown_problems(article, site_root)))
        _sanitize_article(article)
        items.append(NewsItem(article, tuple(sector_ids), city_wide=not sector_ids, episode=episode, digest=digest))
    items.sort(key=lambda n: (n.article.date, n.article.slug), reverse=True)
    return items


# MIME type of each kind of sound file mutagen recognises that a podcast may carry.
_AUDIO_TYPES = {mutagen.mp3.MP3: "audio/mpeg"}


def _episode(article: Any, ctx: BuildContext, site_root: str) -> Episode | None:
    """The podcast episode of an article with "Audio:", read from the file itself."""
    metadata = article.metadata
    numbers: dict[str, int | None] = {}
    for name in ("Episode", "Season"):
        value = metadata.get(name.lower())
        numbers[name] = None if value is None else _positive_integer(value)
        if value is not None and numbers[name] is None:
            ctx.problems.append(_article_problem(article, site_root, name, messages.NOT_AN_EPISODE_NUMBER))
    audio = metadata.get("audio")
    if audio is None:
        for name in ("Episode", "Season"):
            if metadata.get(name.lower()) is not None:
                ctx.problems.append(_article_problem(article, site_root, name,
                                                     messages.requires_together(name, "Audio")))
        return None
    file = str(audio).strip()
    if not file:
        ctx.problems.append(_article_problem(article, site_root, "Audio", messages.EMPTY_TEXT))
        return None
    source_path = _content_file(ctx, file)
    if source_path is None:
        ctx.problems.append(_article_problem(article, site_root, "Audio", messages.missing_file(file)))
        return None
    sound = _read_sound(source_path)
    if sound is None:
        ctx.problems.append(_article_problem(article, site_root, "Audio", messages.not_an_mp3(file)))
        return None
    duration, mime_type = sound
    return Episode(
        file=os.path.relpath(source_path, ctx.content_path).replace(os.sep, "/"),
        source_path=source_path, length=_published_length(source_path), duration=duration,
        mime_type=mime_type, number=numbers["Episode"], season=numbers["Season"],
    )


def _published_length(path: str) -> int:
    """Bytes of the sound as published: without its tags (``sound_tags``), as the podcast writes it."""
    with open(path, "rb") as stream:
        return len(sound_tags.without_tags(stream.read()))


def _read_sound(path: str) -> tuple[float, str] | None:
    """(duration in seconds, MIME type) of a sound file a podcast may carry, else None."""
    try:
        sound = mutagen.File(path)
    except (mutagen.MutagenError, OSError, ValueError, EOFError):
        return None
    mime_type = _AUDIO_TYPES.get(type(sound))
    if mime_type is None or not sound.info.length > 0:
        return None
    return float(sound.info.length), mime_type


def _positive_integer(value: Any) -> int | None:
    text = str(value).strip()
    return int(text) if re.fullmatch(r"[0-9]{1,6}", text) and int(text) > 0 else None


def _article_problem(article: Any, site_root: str, name: str, message: str) -> Problem:
    """A problem at the article's header line "name:" (e.g. "Sectors")."""
    shown = os.path.relpath(article.source_path, site_root).replace(os.sep, "/")
    return Problem(shown, _metadata_line(article.source_path, name), 1, name, message)


_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")
_HEADER_LINE = re.compile(r"^([A-Za-z][\w-]*)\s*:\s?(.*)$")


def _article_markdown_problems(article: Any, site_root: str) -> list[Problem]:
    """Articles follow the records' rule (markup.py): Markdown only, at the line to edit."""
    path = article.source_path
    if not path.lower().endswith(_MARKDOWN_SUFFIXES):
        return []
    try:
        with open(path, encoding="utf-8") as stream:
            lines = stream.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    shown = os.path.relpath(path, site_root).replace(os.sep, "/")
    header_end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    found = []
    for number, line in enumerate(lines[:header_end], 1):
        header = _HEADER_LINE.match(line)
        if header and header[1].lower() == "summary":
            found += [Problem(shown, number, 1, header[1], p.message) for p in markdown_problems(header[2])]
    body = lines[header_end:]
    for problem in markdown_problems("\n".join(body)):
        line = next((header_end + i for i, text in enumerate(body, 1) if problem.typed in text), header_end + 1)
        found.append(Problem(shown, line, 1, "", problem.message))
    return found


def _sanitize_article(article: Any) -> None:
    """Articles are rendered as HTML by Pelican; strip what could run or call out."""
    def sanitized(part: str, html: str) -> str:  # Pelican's reader gives an unchanged file's very text again
        return _kept_articles.made_of((part, article.source_path), (html,), lambda: sanitize_html(html))

    if getattr(article, "_content", None):
        article._content = sanitized("content", article._content)
    if "summary" in getattr(article, "metadata", {}):
        article.metadata["summary"] = sanitized("summary", article.metadata["summary"])
        article._summary = article.metadata["summary"]


def _article_remarks(article: Any, checker: Any, make: Any) -> Any:
    """An article's plain-French remarks (plain_french.check): the last build's for the same file
    checked by the same checker (the same glossary and score)."""
    path = article.source_path
    return _kept_articles.made_of(("plain_french", path, _file_hashes.of(path)), (checker,), make)


def _metadata_line(path: str, name: str) -> int:
    """The line of the header "name:" (Markdown; ":name:" in reStructuredText), else 1."""
    header = re.compile(rf"^\s*:?{re.escape(name)}\s*:", re.IGNORECASE)
    try:
        with open(path, encoding="utf-8") as stream:
            for number, line in enumerate(stream, 1):
                if header.match(line):
                    return number
    except (OSError, UnicodeDecodeError):
        pass
    return 1
