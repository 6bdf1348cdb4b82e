"""Paper: sheets for the notice board and posters for the works fence, as tagged PDFs.

Written as::

    /secteurs/<id>/feuille.pdf   A4, one or two pages: what is not going as planned first, the
                                 works of the coming weeks, projects in progress, the next
                                 meetings, the sector's contact, and QR codes to the sector page
                                 and next to each item
    /secteurs/<id>/feuille-gros-caracteres.pdf
                                 the same sheet in large print (body at 16 pt, one column), for
                                 residents with low vision, on as many pages as it takes
    /secteurs/<id>/feuille.html  the sheet's own page, never cut: the accessible version of the
                                 PDF (RGAA 13.3), and what prints it again anywhere
    /travaux/<id>/affiche.pdf    A3 poster, one page, of each works order in progress or starting soon
    /projets/<id>/affiche.pdf    A3 poster, one page, of each project in progress or suspended

A sheet too long for two pages is cut where the issue allows (``fitted``): the works, projects
and meetings after the bad news are limited to the first of each list, with how many more and
where; if the bad news alone leaves no room, they are written one line each. Bad news is never
cut: a sector with more than two pages of it one line each gets a longer sheet. A poster too
long for its page is laid out denser. A try that does not fit is laid out only to its first page
too many, and the cap is looked for from where the room left says it is, not from 0.

A sheet says what the sector page says on the same build date, a poster what the record's page
says: they are made from the same model and the same theme macros (``templates/paper/``), then
laid out by WeasyPrint as tagged PDFs (PDF/UA-1: title, language, structure), with real,
embedded text. QR codes are made by ``segno`` as images of one pixel per module, shown
unsmoothed, and lead to absolute addresses: SITEURL when it is absolute, else
``CLAIRVOIE_NEWSLETTER_SITEURL`` (the public address the letters use); without either, there is
no QR code and the log says so.

A PDF is a pure function of its whole HTML (its dates are the build date's, ``SOURCE_DATE_EPOCH``;
the fitting depends on nothing else), so two builds of one commit give the same bytes, ``Site.write`` keeps an unchanged PDF's file
as it was published, and each PDF is kept in ``<CACHE_PATH>/clairvoie-images/paper/`` under a
hash of its HTML: the next build copies it instead of laying it out again.

The builds of ``clairvoie serve`` after a save (``LATER_SETTING``) write the pages first: a PDF
not already kept stays as published while the preview is shown, then is laid out and written in
place (``LeftToLayOut``); the preview says how many are left (docs/reconstruction.md).
"""

from __future__ import annotations

import base64
import contextvars
import functools
import hashlib
import io
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence
from urllib.parse import urlsplit

import segno
from markupsafe import Markup

from .. import parallel, staging
from ..labels import month_fr
from ..model.records import Model, Project, Sector, WorksOrder
from .imaging import EncodedImages, write_whole
from .site import Site, absolute

logger = logging.getLogger(__name__)

SHEET_FILE = "feuille.pdf"
SHEET_PAGE = "feuille.html"
LARGE_PRINT_FILE = "feuille-gros-caracteres.pdf"
POSTER_FILE = "affiche.pdf"
PROJECT_FEED = "flux.atom"  # feeds.py writes it for every project
POSTER_PROJECT_STATUSES = ("in_progress", "suspended")  # a suspended site's fence says so too
# Below this many PDFs, starting processes costs more than it saves.
PDFS_PER_EXTRA_PROCESS = 40
SHEET_PAGES = 2  # the "one or two pages": a sheet is fitted to them (fitted_pdf)
POSTER_PAGES = 1
PDF_VARIANT = "pdf/ua-1"
# Set by clairvoie serve for a save's build: the PDFs not already kept are laid out after the
# preview is shown (``left_by_preview``), not before it.
LATER_SETTING = "CLAIRVOIE_PAPER_LATER"
# In the cache key of a PDF: a change to how this module lays out or fits a document makes it again
# (a kept PDF may come from another build: CLAIRVOIE_SHARED_CACHE, docs/reconstruction.md).
PAPER_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
# The opening of a card (links.html) and the first link in it, its title's: its QR code goes there.
CARD_LINK = re.compile(r'(<li class="card[^"]*">)((?:(?!</li>).)*?<a href="([^"]+)")', re.S)


def sheet_path(sector: Sector, large_print: bool = False) -> str:
    return f"{sector.url}{LARGE_PRINT_FILE if large_print else SHEET_FILE}"


def poster_path(record: WorksOrder | Project) -> str:
    return f"{record.url}{POSTER_FILE}"


def has_poster(record: WorksOrder | Project) -> bool:
    if isinstance(record, Project):
        return record.status in POSTER_PROJECT_STATUSES
    return record.timing in ("active", "upcoming") and not record.is_cancelled


def public_url(site: Site, model: Model) -> str:
    """The address QR codes lead to: SITEURL when absolute, else the letters' public address."""
    for candidate in (site.url, model.settings.newsletter_siteurl):
        if urlsplit(candidate or "").scheme in ("http", "https"):
            return candidate.rstrip("/")
    return ""


@functools.cache  # a sheet is laid out several times to fit its pages, its codes drawn once
def qr_code(url: str) -> str:
    """A QR code as a PNG data URI of one pixel per module, which the sheets and posters show
    unsmoothed (``image-rendering: pixelated``, a PDF image not interpolated): as sharp as a
    vector drawing at any print size, but one image to draw where a path of hundreds of commands
    costs WeasyPrint far more to read and draw, and a sixth of the bytes in the sheet's page."""
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=1, border=2)
    return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode("ascii")


def cards_with_qr(public: str) -> Callable[[str], Markup]:
    """A function giving each card of the HTML it is given the QR code of the page its title links
    to, first in the card (the sheet floats it to the right): without a public address, none."""
    def with_qr(html: str) -> Markup:
        if not public:
            return Markup(html)
        def add(match: re.Match) -> str:
            address = absolute(public, match[3])
            return f'{match[1]}<img class="qr" src="{qr_code(address)}" alt="Code QR vers la page : {address}">{match[2]}'
        return Markup(CARD_LINK.sub(add, str(html)))
    return with_qr


@dataclass(frozen=True)
class PaperDocument:
    """One PDF to lay out: where it goes, its template and what the template is given."""

    save_as: str
    template: str
    variables: dict[str, Any]
    # The records it shows, as the page it says the same as (a rebuild keeps it while they are unchanged).
    depends_on: tuple[Any, ...]
    also_as_page: str | None = None  # the same HTML published as a page too
    # At most this many pages (None: as many as it takes), and how to get there: the variables
    # of each more compact layout tried in turn, each with the longest `cap` that fits (0 to
    # `longest_list`, the items shown of each list after the bad news, which are never cut).
    max_pages: int | None = None
    fittings: tuple[dict[str, Any], ...] = ()
    list_lengths: tuple[int, ...] = ()  # of the lists `cap` cuts
    # The id of the heading after what is never cut: where a layout puts it tells whether
    # a fitting can fit at all, before laying it out again.
    after_uncut: str | None = None

    @property
    def longest_list(self) -> int:
        return max(self.list_lengths, default=0)


def documents(model: Model, public: str) -> list[PaperDocument]:
    qr = {"public": (lambda path: absolute(public, path)) if public else None, "qr_code": qr_code,
          "with_qr": cards_with_qr(public)}
    found = []
    for sector in model.sectors:
        view = model.views[sector.id]
        lists = (view.active_works + view.upcoming_works, view.projects_by_status["in_progress"],
                 view.upcoming_meetings)
        for large_print in (False, True):
            variables = {**qr, "sector": sector, "view": view, "sheet_month": month_fr(model.today),
                         "large_print": large_print, "cap": None, "compact_bad_news": False}
            if large_print:  # as long as it takes: large print says everything
                found.append(PaperDocument(sheet_path(sector, True), "paper/sector_sheet", variables, view.records))
                continue
            found.append(PaperDocument(
                sheet_path(sector), "paper/sector_sheet", variables, view.records, f"{sector.url}{SHEET_PAGE}",
                max_pages=SHEET_PAGES, fittings=({}, {"compact_bad_news": True}),
                list_lengths=tuple(map(len, lists)), after_uncut="travaux"))
    posters = {"max_pages": POSTER_PAGES, "fittings": ({"density": 1}, {"density": 2})}
    bad_news = {id(news.record): news for news in model.bad_news}
    for order in (w for w in model.works if has_poster(w)):
        found.append(PaperDocument(poster_path(order), "paper/works_poster", {
            **qr, "order": order, "poster_title": f"{order.street} : {order.title}",
            "bad_news": bad_news.get(id(order.project)) if order.project else None,
            "contact": model.contact_for(order), "page_url": order.url,
            "feed_url": f"{order.project.url}{PROJECT_FEED}" if order.project else None, "density": 0,
        }, (order, order.project, *order.project.works) if order.project else (order,), **posters))
    for project in (p for p in model.projects if has_poster(p)):
        found.append(PaperDocument(poster_path(project), "paper/project_poster", {
            **qr, "project": project, "poster_title": project.title, "bad_news": bad_news.get(id(project)),
            "contact": model.contact_for(project), "page_url": project.url,
            "feed_url": f"{project.url}{PROJECT_FEED}", "density": 0,
        }, (project, *project.works), **posters))
    return found


@functools.cache
def _fonts() -> Any:
    """One font configuration for the process: a new one per layout loads the fonts again."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def laid_out(html: str, base_url: str, images: dict | None = None) -> Any:
    """The page laid out by WeasyPrint (a Document: its pages, ready to write). `base_url`: what
    its links are relative to (``links_base``). `images`: the images already read by the other
    layouts of the same document (WeasyPrint's cache, by address)."""
    import weasyprint  # here: it needs Pango, which write_paper checks first

    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=_no_request()).render(
        pdf_variant=PDF_VARIANT, font_config=_fonts(), cache=images)


def links_base(public: str, folder: str) -> str:
    """What a PDF's links are relative to: the public address, so that a link read on screen leads
    where its QR code does; without one, the output folder."""
    return f"{public}/" if public else folder


@functools.cache
def _no_request() -> Any:
    """A sheet or a poster is all in its HTML (styles, QR codes as data: addresses): laying it out
    asks no server for anything, even with links relative to the public address."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data", "file"))


class TooLong(Exception):
    """A layout stopped at its first page too many: its pages so far, enough to tell where it breaks."""

    def __init__(self, pages: list[Any]):
        super().__init__(f"more than {len(pages) - 1} pages")
        self.pages = pages


_page_limit: contextvars.ContextVar[int | None] = contextvars.ContextVar("page_limit", default=None)


@functools.cache
def _stop_after_page_limit() -> None:
    """Make WeasyPrint stop a layout at `_page_limit` + 1 pages when one is set (raising TooLong), and
    lay out as before when none is. WeasyPrint makes the pages in order, each from where the last
    one ended, so the first pages of a stopped layout are those of the whole one: a sheet of 16
    pages is known too long for two at the cost of three."""
    from weasyprint import layout
    from weasyprint.document import Page

    make_all_pages = layout.make_all_pages

    def make_pages_up_to_the_limit(context, root_box, html, pages):
        limit = _page_limit.get()
        made = []
        for page in make_all_pages(context, root_box, html, pages):
            made.append(page)
            if limit is not None and len(made) > limit:
                raise TooLong([Page(box) for box in made])
            yield page

    layout.make_all_pages = make_pages_up_to_the_limit


def laid_out_at_most(html: str, base_url: str, max_pages: int, images: dict | None = None) -> Any:
    """The page laid out as `laid_out` lays it out when it takes at most `max_pages` pages, else
    its first `max_pages` + 1 pages (TooLong.pages, Page objects): what tells whether it fits and
    where it breaks, without laying out the rest."""
    _stop_after_page_limit()
    token = _page_limit.set(max_pages)
    try:
        return laid_out(html, base_url, images)
    except TooLong as stopped:
        return stopped
    finally:
        _page_limit.reset(token)


def fitted(document: PaperDocument, render: Callable[[dict[str, Any]], str], base_url: str) -> Any:
    """The fullest layout of the document that fits on its pages: everything when it fits; else,
    in the first of its fittings where showing no item after the bad news fits, the longest cap
    that fits (more items never take fewer pages). When nothing fits, the most
    compact layout, longer than wanted: what must be said is never cut (bad news, a poster's facts)."""
    def fits(layout: Any) -> bool:
        return len(layout.pages) <= document.max_pages

    def uncut_fits(layout: Any) -> bool:
        return any(document.after_uncut in page.anchors for page in layout.pages[:document.max_pages])

    images: dict = {}  # each QR code read once for all the layouts tried
    if document.max_pages is None:
        return laid_out(render({}), base_url, images)

    def attempt(changes: dict[str, Any]) -> Any:  # a layout too long stops a page past the limit
        return laid_out_at_most(render(changes), base_url, document.max_pages, images)

    whole = attempt({})
    if fits(whole):
        return whole
    changes: dict[str, Any] = {}
    for fitting in document.fittings:
        if not fitting and document.after_uncut and not uncut_fits(whole):
            continue  # only cutting lists leaves what comes first as it is: already too long
        changes = {**fitting, "cap": 0}
        layout = attempt(changes)
        if not fits(layout):
            continue
        if not document.longest_list:
            return layout
        return longest_fitting(lambda cap: attempt({**fitting, "cap": cap}), fits, document.longest_list, layout,
                               cap_estimate(document, layout, card_height(whole)))
    return laid_out(render(changes), base_url, images)  # longer than wanted: laid out to its end


def longest_fitting(attempt: Callable[[int], Any], fits: Callable[[Any], bool], longest: int, at_zero: Any,
                    estimate: Callable[[int, Any], int]) -> Any:
    """The layout of the longest cap from 0 to `longest` that fits, the cap of 0 fitting (its
    layout `at_zero`). More items never take fewer pages: each try is the cap the last layout
    that fitted promises (`estimate`), once past it, until one fails; then the gap between the
    longest that fitted and the shortest that failed is halved. A good estimate takes two layouts."""
    fitting, best, too_long, failed = 0, at_zero, longest + 1, False
    cap = estimate(0, at_zero)
    while too_long - fitting > 1:
        cap = min(max(cap, fitting + 1), too_long - 1)
        layout = attempt(cap)
        if fits(layout):
            fitting, best = cap, layout
            cap = (fitting + too_long) // 2 if failed else estimate(cap, layout)
        else:
            too_long, failed = cap, True
            cap = (fitting + too_long) // 2
    return best


def cap_estimate(document: PaperDocument, at_zero: Any, first_card_height: float) -> Callable[[int, Any], int]:
    """What the room left in a layout that fits promises: the longest cap whose items fill the
    room the cap of 0 leaves, at the height a card took in that layout (at first, a card of
    `first_card_height`, the mean of the whole layout's)."""
    room = free_height(at_zero, document.max_pages)

    def items(cap: int) -> int:
        return sum(min(cap, length) for length in document.list_lengths)

    def estimate(cap: int, layout: Any) -> int:
        per_card = (room - free_height(layout, document.max_pages)) / items(cap) if cap else first_card_height
        if per_card <= 0:
            return cap + 1
        longest = cap
        while longest < document.longest_list and items(longest + 1) * per_card <= room:
            longest += 1
        return longest
    return estimate


def free_height(layout: Any, max_pages: int) -> float:
    """The room a layout that fits leaves for more (CSS px): under each column's end on its last
    page, and its pages left."""
    page = layout.pages[-1]._page_box
    bottom = page.content_box_y() + page.height
    flows = [box for box in _descendants(page) if getattr(box, "element_tag", "") == "main"]
    if not flows:
        return 0.0
    columns = flows[1:] or flows  # a multi-column box's columns follow it, boxes of the same element
    top = flows[0].position_y
    room = sum(bottom - (column.position_y + column.margin_height()) for column in columns)
    return room + (max_pages - len(layout.pages)) * len(columns) * (bottom - top)


def card_height(layout: Any) -> float:
    """The mean height of the cards of a layout's pages (CSS px, their margin included), or 0."""
    heights = [box.margin_height() for page in layout.pages for box in _descendants(page._page_box)
               if getattr(box, "element_tag", "") == "li" and "card" in (box.element.get("class") or "")]
    return sum(heights) / len(heights) if heights else 0.0


def _descendants(box: Any) -> Any:
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def weasyprint_missing() -> str | None:
    """Why PDFs cannot be made on this machine (WeasyPrint needs Pango), or None."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        return str(error).splitlines()[0]
    return None


def write_paper(model: Model, site: Site) -> None:
    missing = weasyprint_missing()
    if missing:  # the site is still worth building: the PDFs are said missing, loudly
        logger.error("Clairvoie : pas de feuille ni d'affiche PDF — WeasyPrint ne peut pas démarrer (%s) ; "
                     "installez Pango (paquet Debian libpango-1.0-0)", missing)
        return

    public = public_url(site, model)
    if not public:
        logger.warning("Clairvoie : feuilles et affiches sans code QR — donnez l'adresse publique du site "
                       "(SITEURL ou CLAIRVOIE_NEWSLETTER_SITEURL)")
    # A rebuild keeps each document whose records are unchanged as published: not even rendered.
    every_document = documents(model, public)
    to_make = [document for document in every_document if not _kept(site, document)]
    cache = EncodedImages.of_site(model, site, "paper")
    published = staging.final_path_of(site.output_path) if site.output_path else None
    later = published if site.pelican_settings.get(LATER_SETTING) else None
    base = links_base(public, site.output_path)
    for template in {document.template for document in to_make}:
        site.template(template)  # compiled once, before the processes share the work

    def make_share(share: Sequence[PaperDocument]) -> tuple[set[str], int, int, list[str]]:
        kept = EncodedImages(cache.folder)
        left = []
        for document in share:
            html = _renderer(model, site, document)({})  # everything it says with no page limit
            inputs = _pdf_inputs(document, html)
            if later is None:
                pdf = kept.data(inputs, ".pdf", lambda: _pdf(document, model, site, base))
            else:
                pdf = kept.kept_data(inputs, ".pdf")
                if pdf is None:  # as published until laid out, once the preview is shown
                    left.append(document.save_as)
                    pdf = _read(os.path.join(later, *document.save_as.split("/")))
            if pdf is not None:
                site.write(document.save_as, pdf)
            if document.also_as_page:
                site.write(document.also_as_page, html)
        return kept.used, kept.encoded, kept.reused, left

    processes = parallel.process_count(model.settings.build_processes, len(to_make), PDFS_PER_EXTRA_PROCESS)
    left: set[str] = set()
    for used, made, reused, share_left in parallel.for_each(to_make, make_share, processes,
                                                            "des documents à imprimer"):
        cache.used |= used
        cache.encoded += made
        cache.reused += reused
        left.update(share_left)
    _left_by_preview[:] = []
    for save_as in left:  # not yet what its records say: the next build makes it again
        site.forget_piece(save_as)
    if left and later is not None:  # what the PDFs left need stays kept until they are laid out
        _left_by_preview.append(LeftToLayOut(
            [document for document in to_make if document.save_as in left], model, site, cache.folder, later,
            links_base(public, later)))
        logger.info("Papier : %d PDF repris du cache, %d à mettre en page après l'aperçu", cache.reused, len(left))
        return
    if len(to_make) == len(every_document):  # else the kept documents' PDFs were not looked up: still of use
        cache.forget_unused()
    logger.info("Papier : %d PDF mis en page, %d repris du cache, %d gardés tels quels", cache.encoded, cache.reused,
                len(every_document) - len(to_make))


def _kept(site: Site, document: PaperDocument) -> bool:
    """True when the published build's document (and its page) are linked in, their records unchanged."""
    import weasyprint

    kind = f"paper:{weasyprint.__version__}:{document.template}"
    kept = site.keep_piece(document.save_as, kind, document.depends_on)
    if document.also_as_page:
        kept = site.keep_piece(document.also_as_page, kind, document.depends_on) and kept
    return kept


def _renderer(model: Model, site: Site, document: PaperDocument) -> Callable[[dict[str, Any]], str]:
    """The document's HTML with some of its variables changed (a fitting's)."""
    def render(changes: dict[str, Any]) -> str:
        return site.template(document.template).render({**site.context, "model": model, **document.variables,
                                                        **changes})
    return render


def _pdf_inputs(document: PaperDocument, html: str) -> tuple[Any, ...]:
    """All that a document's PDF bytes depend on: what its cached PDF is named by."""
    import weasyprint

    return "pdf", weasyprint.__version__, PAPER_CODE, document.max_pages, html


def _pdf(document: PaperDocument, model: Model, site: Site, base_url: str) -> bytes:
    return fitted(document, _renderer(model, site, document), base_url).write_pdf(pdf_variant=PDF_VARIANT)


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except FileNotFoundError:
        return None


@dataclass
class LeftToLayOut:
    """The PDFs a preview build (``LATER_SETTING``) wrote as they were published, or not at all
    when new: each is laid out once the preview is shown, and written in place in the published
    folder, as the build would have written it."""

    documents: list[PaperDocument]
    model: Model
    site: Site
    cache_folder: str | None
    published: str
    links_base: str

    def lay_out(self, stop: Callable[[], bool]) -> int:
        """Lay out the documents in turn, until ``stop()`` says a new build is wanted between two;
        how many were laid out. The rest stays on the published folder as it was; none is laid out
        while another process builds into that folder (it lays them out itself)."""
        cache = EncodedImages(self.cache_folder)
        done = 0
        with staging.held(self.published) as ours:
            for document in self.documents if ours else ():
                if stop():
                    break
                html = _renderer(self.model, self.site, document)({})
                pdf = cache.data(_pdf_inputs(document, html), ".pdf",
                                 lambda: _pdf(document, self.model, self.site, self.links_base))
                write_whole(os.path.join(self.published, *document.save_as.split("/")), pdf)
                done += 1
        return done


# What the last preview build left to lay out (one at most: each build replaces it).
_left_by_preview: list[LeftToLayOut] = []


def left_by_preview() -> LeftToLayOut | None:
    """The PDFs the last build of this process left to lay out once the preview is shown, if any."""
    return _left_by_preview.pop() if _left_by_preview else None
