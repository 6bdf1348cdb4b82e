"""Paper: sheets for the notice board and posters for the works fence, as tagged PDFs.

Written as::

    /secteurs/<id>/feuille.pdf   A4: what is not going as planned first, the works of the
                                 coming weeks, projects in progress, the next meetings, the
                                 sector's contact, and QR codes to the sector page and each item
    /secteurs/<id>/feuille-gros-caracteres.pdf
                                 the same sheet in large print (body at 16 pt, one column),
                                 for residents with low vision
    /secteurs/<id>/feuille.html  the sheet's own page: the accessible version of the PDF
                                 (RGAA 13.3), and what prints it again anywhere
    /travaux/<id>/affiche.pdf    A3 poster of each works order in progress or starting soon
    /projets/<id>/affiche.pdf    A3 poster of each project in progress or suspended

A sheet says what the sector page says on the same build date, a poster what the record's page
says: they are made from the same model and the same theme macros (``templates/paper/``), then
laid out by WeasyPrint as tagged PDFs (PDF/UA-1: title, language, structure), with real,
embedded text. QR codes are drawn by ``segno`` as vector images and lead to absolute addresses:
SITEURL when it is absolute, else ``CLAIRVOIE_NEWSLETTER_SITEURL`` (the public address the
letters use); without either, there is no QR code and the log says so.

A PDF is a pure function of its HTML (its dates are the build date's, ``SOURCE_DATE_EPOCH``),
so two builds of one commit give the same bytes, ``Site.write`` keeps an unchanged PDF's file
as it was published, and each PDF is kept in ``<CACHE_PATH>/clairvoie-images/paper/`` under a
hash of its HTML: the next build copies it instead of laying it out again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Sequence
from urllib.parse import urlsplit

import segno

from .. import parallel
from ..labels import month_fr
from ..model.records import Model, Project, Sector, SectorView, WorksOrder
from .imaging import EncodedImages
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


def qr_code(url: str) -> str:
    """A QR code as an SVG data URI: drawn as vectors, sharp at any print size."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def item_links(view: SectorView) -> list[tuple[str, str]]:
    """(page, name) of each item the sheet shows, in its order: what its QR codes lead to."""
    works = view.active_works + view.upcoming_works
    return [
        *((news.url, news.title) for news in view.bad_news),
        *((report.url, f"Signalement n° {report.number}, {report.street}") for report in view.overdue_reports),
        *((order.url, f"{order.street} : {order.title}") for order in works),
        *((project.url, project.title) for project in view.projects_by_status["in_progress"]),
        *((meeting.url, meeting.title) for meeting in view.upcoming_meetings),
    ]


@dataclass(frozen=True)
class PaperDocument:
    """One PDF to lay out: where it goes, its template and what the template is given."""

    save_as: str
    template: str
    variables: dict[str, Any]
    also_as_page: str | None = None  # the same HTML published as a page too


def documents(model: Model, public: str) -> list[PaperDocument]:
    qr = {"public": (lambda path: absolute(public, path)) if public else None, "qr_code": qr_code}
    found = []
    for sector in model.sectors:
        view = model.views[sector.id]
        for large_print in (False, True):
            found.append(PaperDocument(sheet_path(sector, large_print), "paper/sector_sheet", {
                **qr, "sector": sector, "view": view, "item_links": item_links(view),
                "sheet_month": month_fr(model.today), "large_print": large_print,
            }, None if large_print else f"{sector.url}{SHEET_PAGE}"))
    bad_news = {id(news.project or news.works): news for news in model.bad_news}
    for order in (w for w in model.works if has_poster(w)):
        found.append(PaperDocument(poster_path(order), "paper/works_poster", {
            **qr, "order": order, "poster_title": f"{order.street} : {order.title}",
            "bad_news": bad_news.get(id(order.project)) if order.project else None,
            "contact": model.contact_for(order), "page_url": order.url,
            "feed_url": f"{order.project.url}{PROJECT_FEED}" if order.project else None,
        }))
    for project in (p for p in model.projects if has_poster(p)):
        found.append(PaperDocument(poster_path(project), "paper/project_poster", {
            **qr, "project": project, "poster_title": project.title, "bad_news": bad_news.get(id(project)),
            "contact": model.contact_for(project), "page_url": project.url,
            "feed_url": f"{project.url}{PROJECT_FEED}",
        }))
    return found


def pdf_bytes(html: str, base_url: str) -> bytes:
    """A tagged PDF (PDF/UA-1) of the page; its dates come from the page's dcterms metadata."""
    import weasyprint  # here: it needs Pango, which write_paper checks first

    return weasyprint.HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")


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
    import weasyprint

    public = public_url(site, model)
    if not public:
        logger.warning("Clairvoie : feuilles et affiches sans code QR — donnez l'adresse publique du site "
                       "(SITEURL ou CLAIRVOIE_NEWSLETTER_SITEURL)")
    to_make = documents(model, public)
    cache = EncodedImages.of_site(model, site, "paper")
    for template in {document.template for document in to_make}:
        site.template(template)  # compiled once, before the processes share the work

    def make_share(share: Sequence[PaperDocument]) -> tuple[set[str], int, int]:
        kept = EncodedImages(cache.folder)
        for document in share:
            html = site.template(document.template).render({**site.context, "model": model, **document.variables})
            site.write(document.save_as, kept.data(("pdf", weasyprint.__version__, html), ".pdf",
                                                   lambda: pdf_bytes(html, site.output_path)))
            if document.also_as_page:
                site.write(document.also_as_page, html)
        return kept.used, kept.encoded, kept.reused

    processes = parallel.process_count(model.settings.build_processes, len(to_make), PDFS_PER_EXTRA_PROCESS)
    for used, made, reused in parallel.for_each(to_make, make_share, processes, "des documents à imprimer"):
        cache.used |= used
        cache.encoded += made
        cache.reused += reused
    cache.forget_unused()
    logger.info("Papier : %d PDF mis en page, %d repris du cache", cache.encoded, cache.reused)
