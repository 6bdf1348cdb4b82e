"""The site as every channel sees it: its address, its identity, its output folder.

A ``Site`` is built once per build (``Site.of_build``) and handed to every channel
with the model. It is the one way a channel writes: ``write`` for the files a channel
makes (feeds, data, images), ``copy`` for files published as they are, ``render`` for
pages made from the theme's templates (Pelican's writer). Every written file fires
Pelican's ``content_written``, as Pelican's own pages do.

It is also where incremental builds learn what a channel made: a file ``write``
makes with the bytes of the published one (in the output folder the build will
replace) is a hard link to it, or in a build written in place that very file left
as it is (``staging.py``), so it keeps its inode and modification time and rsync,
ETags and CDNs see nothing new. ``incremental.walk_staged`` does the same,
once the build is over, for the files Pelican wrote and those ``copy`` published. A
file ``write`` makes must therefore never be written again in place by anyone else.

The identity (``site_domain``) names the site in feed entry ids, calendar UIDs and
podcast GUIDs: ``CLAIRVOIE_FEED_DOMAIN``, else SITEURL's host (without "www."), else
a placeholder. Set the setting: ids must outlive a change of the site's address, or
readers and calendars show everything again.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
from dataclasses import dataclass
from typing import Any, Callable, Sequence
from urllib.parse import urlsplit

from pelican import signals

from .. import incremental, staging
from ..model.records import Model
from ..settings import ClairvoieSettings

PLACEHOLDER_DOMAIN = "clairvoie.invalid"


@dataclass(frozen=True)
class AlternateLink:
    """A feed a page announces with ``<link rel="alternate">``."""

    type: str  # MIME type, e.g. "application/rss+xml"
    title: str  # French, shown by browsers and feed readers
    url: str  # relative to the site root


# A channel's feeds for a sector page (sector_id None: the home page); a receiver of
# signals.clairvoie_get_alternate_links, called as blinker does: sector_id by keyword.
AlternateLinks = Callable[[Model, "str | None"], list[AlternateLink]]
# A channel's feeds that follow one record (a project), for its page; a receiver of
# signals.clairvoie_get_record_alternate_links: record by keyword.
RecordAlternateLinks = Callable[[Model, Any], list[AlternateLink]]


def site_domain(feed_domain: str, site_url: str) -> str:
    domain = (feed_domain or "").strip().lower()
    if not domain:
        domain = (urlsplit(site_url or "").hostname or "").lower().removeprefix("www.")
    return domain or PLACEHOLDER_DOMAIN


def absolute(site_url: str, path: str) -> str:
    """A site path's address: absolute when SITEURL is set, else from the site root.

    An address already complete (another site's, a mailto:) stays as it is.
    """
    if path.startswith(("http://", "https://", "mailto:")):
        return path
    return f"{site_url.rstrip('/')}/{path.lstrip('/')}"


class Site:
    def __init__(self, url: str, domain: str, output_path: str = "", pelican_settings: dict[str, Any] | None = None,
                 context: dict[str, Any] | None = None, generator: Any = None, writer: Any = None,
                 alternate_link_sources: Sequence[AlternateLinks] = (),
                 record_alternate_link_sources: Sequence[RecordAlternateLinks] = ()):
        self.url = url  # SITEURL, may be empty
        self.domain = domain
        self.output_path = output_path
        self.pelican_settings = pelican_settings if pelican_settings is not None else {}
        self.context = context if context is not None else {}
        self._generator, self._writer = generator, writer
        self._alternate_link_sources = tuple(alternate_link_sources)
        self._record_alternate_link_sources = tuple(record_alternate_link_sources)
        self._published_path = staging.final_path_of(self.output_path) if output_path else None
        self._pieces: incremental.Pieces | None = None

    @classmethod
    def of_build(cls, model: Model, generator: Any, writer: Any,
                 alternate_link_sources: Sequence[AlternateLinks],
                 record_alternate_link_sources: Sequence[RecordAlternateLinks] = ()) -> "Site":
        url = generator.settings.get("SITEURL", "") or ""
        return cls(url, site_domain(model.settings.feed_domain, url), os.path.abspath(generator.output_path),
                   generator.settings, generator.context, generator, writer, alternate_link_sources,
                   record_alternate_link_sources)

    @classmethod
    def for_files(cls, model: Model | None, output_path: str, pelican_settings: dict[str, Any]) -> "Site":
        """A site that writes files but renders no template: for the channels' tests and tools, and
        for Pelican's ``finalized``, where the model is gone (None: the settings name the site)."""
        settings = model.settings if model is not None else ClairvoieSettings.from_pelican(pelican_settings)
        url = pelican_settings.get("SITEURL", "") or ""
        return cls(url, site_domain(settings.feed_domain, url), os.path.abspath(output_path), pelican_settings)

    # --- who the site is ----------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.pelican_settings.get("SITENAME", "")

    @property
    def publisher(self) -> str:
        """The organisation (AUTHOR, e.g. "Ville de …"), else the site's name."""
        return self.pelican_settings.get("AUTHOR") or self.name

    @property
    def has_absolute_urls(self) -> bool:
        return bool(urlsplit(self.url).scheme)

    @property
    def signatures(self) -> "incremental.PageSignatures | None":
        return self.context.get(incremental.SIGNATURES)

    def absolute(self, path: str) -> str:
        return absolute(self.url, path)

    def alternate_links(self, model: Model, sector_id: str | None) -> list[AlternateLink]:
        """The feeds a sector page (None: the home page) announces, in the channels' order."""
        return [link for links_of in self._alternate_link_sources for link in links_of(model, sector_id=sector_id)]

    def record_alternate_links(self, model: Model, record: Any) -> list[AlternateLink]:
        """The feeds that follow one record (a project), announced on its page."""
        return [link for links_of in self._record_alternate_link_sources for link in links_of(model, record=record)]

    # --- writing --------------------------------------------------------------------------------
    def path(self, save_as: str) -> str:
        """Where a site path is written, its folder made."""
        target = os.path.join(self.output_path, *save_as.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        return target

    def write(self, save_as: str, data: bytes | str) -> str:
        """Write a file (text in UTF-8); a reader never sees half of it. Returns its path."""
        data = data.encode("utf-8") if isinstance(data, str) else data
        published = self._published(save_as, len(data))
        same = published is not None and _same_bytes(published, data)
        if same and staging.writes_in_place(self.output_path) and staging.keep_published(self.output_path, save_as):
            with contextlib.suppress(FileNotFoundError):  # written before in this build, with other bytes
                os.unlink(os.path.join(self.output_path, *save_as.split("/")))
            signals.content_written.send(published, context=self.context)
            return published
        target = self.path(save_as)
        temporary = self._temporary(target)
        linked = same and _linked(published, temporary)
        if not linked:
            with open(temporary, "wb") as stream:
                stream.write(data)
        if self._published_path is not None and (linked or not same):
            staging.settled(self.output_path, save_as)  # the published file, or other bytes
        return self._publish(temporary, target)

    def write_piece(self, save_as: str, kind: str, depends_on: Sequence[Any],
                    make: Callable[[], bytes | str | None]) -> None:
        """A file made from a few records only (``depends_on``: every record its bytes show),
        e.g. a project's feed: when they are unchanged since the published build, that build's
        file is linked and ``make`` is not called (``incremental.Pieces``). ``kind`` names what
        the file is ("feed:report:atom"): two kinds of file never share a signature. ``make``
        may give None: no file. Called from the build's own process: what a worker process
        keeps is not saved for the next build."""
        if self._kept(save_as, kind, depends_on):
            return
        data = make()
        if data is not None:
            self.write(save_as, data)

    def render_piece(self, save_as: str, kind: str, depends_on: Sequence[Any], template: str,
                     **variables: Any) -> None:
        """A page made from a few records only (and what ``kind`` names besides), kept from the
        published build as ``write_piece`` keeps files: rendered only when they changed."""
        if not self._kept(save_as, f"{template}:{kind}", depends_on):
            self.render(save_as, template, **variables)

    def keep_piece(self, save_as: str, kind: str, depends_on: Sequence[Any]) -> bool:
        """As ``write_piece``, for a file made elsewhere (by a channel's worker processes): True
        when the published build's file is linked in; else the caller makes the file."""
        return self._kept(save_as, kind, depends_on)

    def forget_piece(self, save_as: str) -> None:
        """The file of a piece not kept is not yet what it should be: the next build makes it."""
        if self.pieces is not None:
            self.pieces.forget(save_as)

    def _kept(self, save_as: str, kind: str, depends_on: Sequence[Any]) -> bool:
        """True when the published build's file is kept as this piece (``incremental.Pieces``)."""
        pieces = self.pieces
        return pieces is not None and pieces.keep(save_as, kind, depends_on)

    def built_path(self, save_as: str) -> str:
        """Where this build's file of that name is, to read it (``staging.built_path``)."""
        return staging.built_path(self.output_path, save_as) if self.output_path else save_as

    @property
    def pieces(self) -> "incremental.Pieces | None":
        """This build's per-record files; None outside a build (a channel's tests, tools)."""
        if self._pieces is None and self.signatures is not None and self.output_path:
            self._pieces = incremental.Pieces(
                self.signatures, self.pelican_settings["CACHE_PATH"], self.output_path, self._published_path,
                ClairvoieSettings.from_pelican(self.pelican_settings).incremental,
                functools.partial(staging.keep_published, self.output_path))
            staging.on_success(self.output_path, self._pieces.save)
        return self._pieces

    def copy(self, save_as: str, source_path: str) -> str:
        """Publish a file as it is (a document, a sound)."""
        # Never a link to the published file: Pelican's static generator may copy the same
        # file onto this path afterwards, writing into it, and so into the published site.
        target = self.path(save_as)
        temporary = self._temporary(target)
        shutil.copyfile(source_path, temporary)
        return self._publish(temporary, target)

    def render(self, save_as: str, template: str, **variables: Any) -> None:
        """A page from one of the theme's templates, through Pelican's writer."""
        self._writer.write_file(save_as, self.template(template), self._generator.context,
                                relative_urls=False, page_name=save_as.removesuffix("index.html"),
                                **variables)

    def template(self, name: str) -> Any:
        return self._generator.get_template(name)

    def _published(self, save_as: str, size: int) -> str | None:
        """The published file of that name when it has that size (it may hold the same bytes)."""
        if self._published_path is None:
            return None
        published = os.path.join(self._published_path, *save_as.split("/"))
        try:
            return published if os.path.getsize(published) == size else None
        except OSError:
            return None

    @staticmethod
    def _temporary(target: str) -> str:
        # Unique per process and thread: channels write from worker processes too.
        return f"{target}.{os.getpid()}-{threading.get_ident()}.tmp"

    def _publish(self, temporary: str, target: str) -> str:
        os.replace(temporary, target)
        # rename() does nothing when both names are links to one file: two writers of the same
        # bytes (a sound written by the podcast and by the static copy) both linked the
        # published file, and the temporary name would stay in the site.
        if os.path.lexists(temporary):
            os.unlink(temporary)
        signals.content_written.send(target, context=self.context)
        return target


def _same_bytes(path: str, data: bytes) -> bool:
    try:
        with open(path, "rb") as stream:
            return stream.read() == data
    except OSError:
        return False


def _linked(published: str, temporary: str) -> bool:
    try:
        os.link(published, temporary)
        return True
    except OSError:  # another file system, a vanished file: written as new instead
        return False
