"""Paper: each sector's sheet for the notice board, as a PDF, ``/secteurs/<id>/feuille.pdf``.

Written as::

    /secteurs/<id>/feuille.pdf   A4: what is not going as planned first, the works of the
                                 coming weeks, projects in progress, the next meetings, the
                                 sector's contact, and QR codes to the sector page and each item
    /secteurs/<id>/feuille-gros-caracteres.pdf
                                 the same sheet in large print (body at 16 pt, one column),
                                 for residents with low vision
    /secteurs/<id>/feuille.html  the sheet's own page: the accessible version of the PDF
                                 (RGAA 13.3), and what prints it again anywhere

The sheet says what the sector page says on the same build date: it is made from the same
model and the same theme macros (``templates/paper/sector_sheet.html``), then laid out by
WeasyPrint as a tagged PDF (PDF/UA-1: title, language, structure), with real, embedded text.
QR codes are drawn by ``segno`` as vector images and lead to absolute addresses: SITEURL when
it is absolute, else ``CLAIRVOIE_NEWSLETTER_SITEURL`` (the public address the letters use);
without either, the sheet has no QR code and the log says so.

The PDF is a pure function of the model: its dates are the build date's (``SOURCE_DATE_EPOCH``),
so two builds of one commit give the same bytes, and ``Site.write`` keeps an unchanged sheet's
file as it was published.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import segno

from ..labels import month_fr
from ..model.records import Model, Sector, SectorView
from .site import Site, absolute

logger = logging.getLogger(__name__)

SHEET_FILE = "feuille.pdf"
SHEET_PAGE = "feuille.html"
LARGE_PRINT_FILE = "feuille-gros-caracteres.pdf"
SHEET_TEMPLATE = "paper/sector_sheet"


def sheet_path(sector: Sector, large_print: bool = False) -> str:
    return f"{sector.url}{LARGE_PRINT_FILE if large_print else SHEET_FILE}"


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


def sheet_html(model: Model, site: Site, sector: Sector, base_url: str, large_print: bool = False) -> str:
    view = model.views[sector.id]
    variables: dict[str, Any] = {
        **site.context,
        "model": model, "sector": sector, "view": view, "item_links": item_links(view),
        "large_print": large_print,
        "sheet_month": month_fr(model.today),
        "public": (lambda path: absolute(base_url, path)) if base_url else None,
        "qr_code": qr_code,
    }
    return site.template(SHEET_TEMPLATE).render(variables)


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
    if missing:  # the site is still worth building: the sheets are said missing, loudly
        logger.error("Clairvoie : pas de feuille PDF des secteurs — WeasyPrint ne peut pas démarrer (%s) ; "
                     "installez Pango (paquet Debian libpango-1.0-0)", missing)
        return
    base_url = public_url(site, model)
    if not base_url:
        logger.warning("Clairvoie : feuilles des secteurs sans QR code — donnez l'adresse publique du site "
                       "(SITEURL ou CLAIRVOIE_NEWSLETTER_SITEURL)")
    for sector in model.sectors:
        for large_print in (False, True):
            html = sheet_html(model, site, sector, base_url, large_print)
            site.write(sheet_path(sector, large_print), pdf_bytes(html, site.output_path))
            if not large_print:
                site.write(f"{sector.url}{SHEET_PAGE}", html)
