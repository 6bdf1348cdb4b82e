"""HTML pages: home, sector, project, works order, meeting and residents' report pages, and their lists.

Each page names the records it shows (``depends_on``): an incremental build
renders again only the pages whose records changed (``incremental.py``).
Pages to render are shared between processes, one per CPU.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence

from .. import incremental, parallel, staging
from ..model.records import Model, Report
from ..model.reports import open_reports_by_street, overdue_first
from ..model.words import key
from .glossary_marks import GlossaryMarks
from .maps import sector_map
from .site import Site

logger = logging.getLogger(__name__)

# Below this many pages, starting processes costs more than it saves.
PAGES_PER_EXTRA_PROCESS = 200
# /signalements/: the figure of the reports resolved lately counts this many days back.
RECENTLY_RESOLVED_DAYS = 30
# The tracking numbers the form of /signalements/ checks (static/js/suivi.js), and the
# page listing them all, where the form leads without JavaScript.
REPORT_NUMBERS_FILE = "signalements/numeros.json"
REPORT_NUMBERS_PAGE = "signalements/numeros/"


@dataclass(frozen=True)
class Page:
    save_as: str
    template: str
    variables: dict[str, Any] = field(default_factory=dict)
    # Variables worth computing only when the page is rendered (e.g. a sector's map).
    computed_variables: dict[str, Callable[[], Any]] = field(default_factory=dict)
    # The records shown, or incremental.EVERYTHING for a page about the whole city.
    depends_on: Iterable[Any] | str = ()


def pages_of(model: Model, site: Site) -> Iterator[Page]:
    everything = incremental.EVERYTHING
    yield Page("index.html", "clairvoie_home", {"feeds": site.alternate_links(model, None)},
               depends_on=everything)
    yield Page("secteurs/index.html", "clairvoie_sectors", depends_on=everything)
    yield Page("projets/index.html", "clairvoie_projects", depends_on=everything)
    yield Page("travaux/index.html", "clairvoie_works_list", depends_on=everything)
    yield Page("reunions/index.html", "clairvoie_meetings", depends_on=everything)
    yield Page("transparence/index.html", "clairvoie_transparency",
               {"card": model.scorecard, "scope_name": "toute la ville", "sector": None},
               depends_on=everything)
    for sector in model.sectors:
        in_sector = model.views[sector.id].records
        yield Page(f"{sector.url}index.html", "clairvoie_sector",
                   {"sector": sector, "view": model.views[sector.id],
                    "feeds": site.alternate_links(model, sector.id)},
                   {"sector_map": lambda sector_id=sector.id: sector_map(model, sector_id)}, in_sector)
        yield Page(f"transparence/{sector.id}/index.html", "clairvoie_transparency",
                   {"card": model.views[sector.id].scorecard, "scope_name": sector.name, "sector": sector},
                   depends_on=in_sector)
    for project in model.projects:
        yield Page(f"{project.url}index.html", "clairvoie_project",
                   {"project": project, "feeds": site.record_alternate_links(model, project)},
                   depends_on=[project, *project.works])
    for order in model.works:
        yield Page(f"{order.url}index.html", "clairvoie_works", {"order": order},
                   depends_on=[order] + ([order.project] if order.project else []))
    for meeting in model.meetings:
        yield Page(f"{meeting.url}index.html", "clairvoie_meeting", {"meeting": meeting},
                   depends_on=[meeting])
    yield Page("lexique/index.html", "clairvoie_glossary")  # the glossary: in every page's signature
    yield from report_pages(model, site)


def report_pages(model: Model, site: Site) -> Iterator[Page]:
    """/signalements/, the list of every tracking number, and each report's page."""
    if not model.reports:
        return
    yield Page("signalements/index.html", "clairvoie_reports", {
        "open_by_sector": [(sector, overdue_first(model.views[sector.id].open_reports)) for sector in model.sectors],
        "open_by_street": open_reports_by_street(model.reports),
        "recently_resolved": model.reports_resolved_within(RECENTLY_RESOLVED_DAYS),
        "recent_days": RECENTLY_RESOLVED_DAYS,
        "numbers_file": REPORT_NUMBERS_FILE, "numbers_page": REPORT_NUMBERS_PAGE,
    }, depends_on=[*model.reports, *(street_link(model, name) for name, _ in open_reports_by_street(model.reports))])
    yield Page(f"{REPORT_NUMBERS_PAGE}index.html", "clairvoie_report_numbers",
               {"reports_by_month": reports_by_month(model.reports), "numbers_page": REPORT_NUMBERS_PAGE},
               depends_on=model.reports)
    for report in model.reports:
        yield Page(report.save_as, "clairvoie_report",
                   {"report": report, "feeds": site.record_alternate_links(model, report),
                    "street": model.street_entry(report.street)},
                   depends_on=report_page_records(model, report))


@dataclass(frozen=True)
class StreetLink:
    """What a report's page shows of /rues/: the anchor of its street there, or none. As a
    page's dependency (incremental.record_key: "StreetLink:<id>"), it changes exactly when the link does."""

    id: str


def report_page_records(model: Model, report: Report) -> list:
    """What a report's page shows: the report, its original and duplicates, its works orders
    and projects, and whether its street has an entry on /rues/."""
    tied = [model.report(number) for number in report.duplicates]
    return [report, *([report.original] if report.original else []), *tied, *report.works, *report.projects,
            street_link(model, report.street)]


def street_link(model: Model, street: str) -> StreetLink:
    entry = model.street_entry(street)
    return StreetLink(f"{key(street)}={entry.anchor if entry else ''}")


def reports_by_month(reports: list[Report]) -> list[tuple[dt.date, list[Report]]]:
    """Every report by the month it was received (oldest first), by number within a month."""
    months: dict[dt.date, list[Report]] = {}
    for report in sorted(reports, key=lambda r: r.number):
        months.setdefault(report.received_day.replace(day=1), []).append(report)
    return sorted(months.items())


def report_numbers(model: Model) -> str:
    """The tracking numbers (as their addresses write them), for the form of /signalements/."""
    return json.dumps({"numeros": [report.id for report in model.reports]}, ensure_ascii=False) + "\n"


def write_pages(model: Model, site: Site) -> None:
    pages = list(pages_of(model, site))
    if model.reports:
        site.write(REPORT_NUMBERS_FILE, report_numbers(model))
    to_render = _pages_to_render(model, site, pages)
    for template in {page.template for page in to_render}:
        site.template(template)  # compiled once, before the processes share the work
    processes = parallel.process_count(model.settings.build_processes, len(to_render), PAGES_PER_EXTRA_PROCESS)
    marks = GlossaryMarks(model.glossary, site.url)
    parallel.for_each(to_render, lambda share: _render(share, site, marks), processes, "des pages")
    logger.info("Clairvoie : %d pages faites (%d processus), %d reprises telles quelles de la construction "
                "précédente", len(to_render), processes, len(pages) - len(to_render))


def _pages_to_render(model: Model, site: Site, pages: list[Page]) -> list[Page]:
    """The pages whose records changed; the others are linked from the previous build."""
    new = {page.save_as: site.signatures.of(page.template, page.depends_on) for page in pages}
    final = staging.final_path_of(site.output_path)
    state = incremental.BuildState(site.pelican_settings["CACHE_PATH"], final or site.output_path)
    staging.on_success(site.output_path, lambda: state.save(new))
    if final is None or not model.settings.incremental:
        return pages
    return [page for page in pages
            if state.signatures.get(page.save_as) != new[page.save_as]
            or not incremental.link_previous(final, site.output_path, page.save_as)]


def _render(pages: Sequence[Page], site: Site, marks: GlossaryMarks) -> None:
    for page in pages:
        variables = {**page.variables, **{name: compute() for name, compute in page.computed_variables.items()}}
        site.render(page.save_as, page.template, **variables)
        marks.mark_file(site.path(page.save_as))  # first uses of the glossary's terms linked to /lexique/
