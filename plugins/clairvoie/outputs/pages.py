"""HTML pages: home, sector, project, works order, meeting, residents' report and street pages, and their lists.

Each page names the records it shows (``depends_on``): an incremental build
renders again only the pages whose records changed (``incremental.py``).
Pages to render are shared between processes, one per CPU.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence

from .. import incremental, parallel, staging
from ..labels import BAD_NEWS_PAGE, PROJECT_STATUS_SLUGS
from ..model.records import BadNews, Model, Report, Sector, WorksOrder
from ..model.reports import open_reports_by_street
from ..model.streets import RESOLVED_SHOWN_DAYS, Street, letter_url
from ..model.words import key
from .figure_lists import bad_news_lists, figure_lists, long_figure_lists, map_lists
from .glossary_marks import GlossaryMarks
from .maps import project_map, sector_map, street_map, works_map
from .site import Site

logger = logging.getLogger(__name__)

# Below this many pages, starting processes costs more than it saves.
PAGES_PER_EXTRA_PROCESS = 200
# /signalements/: the figure of the reports resolved lately counts this many days back.
RECENTLY_RESOLVED_DAYS = 30
# /signalements/ lists the city's most overdue reports, this many; each sector's page lists all of its own.
MOST_OVERDUE_SHOWN = 20
# A page of a sector's open reports, street by street, holds about this many (about 160 kB; a street is never cut).
OPEN_REPORTS_PER_PAGE = 300
# The tracking numbers the form of /signalements/ checks (static/js/suivi.js), and the
# page listing them all, where the form leads without JavaScript.
REPORT_NUMBERS_FILE = "signalements/numeros.json"
REPORT_NUMBERS_PAGE = "signalements/numeros/"
# A page of tracking numbers lists at most this many (about 140 kB).
REPORT_NUMBERS_PER_PAGE = 1000
# A sector page's section of its bad news (the first part of them: BadNewsPart).
SECTOR_BAD_NEWS_ANCHOR = "le-detail"
# Each street's points (« Près de chez moi » on /rues/), beside its page.
STREET_POINTS_FILE = "points.json"


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
    yield from bad_news_pages(model)
    yield Page("secteurs/index.html", "clairvoie_sectors", depends_on=everything)
    yield from project_list_pages(model)
    yield from works_list_pages(model)
    yield Page("reunions/index.html", "clairvoie_meetings", depends_on=everything)
    yield Page("transparence/index.html", "clairvoie_transparency",
               {"card": model.scorecard, "scope_name": "toute la ville", "sector": None,
                "lists": figure_lists(model, None)},
               depends_on=everything)
    for sector in model.sectors:
        in_sector = model.views[sector.id].records
        yield Page(f"{sector.url}index.html", "clairvoie_sector",
                   {"sector": sector, "view": model.views[sector.id],
                    "feeds": site.alternate_links(model, sector.id),
                    "bad_news_parts": bad_news_parts(model, sector), "status_slugs": PROJECT_STATUS_SLUGS,
                    "map_lists": map_lists(model, sector)},
                   {"sector_map": lambda sector_id=sector.id: sector_map(model, sector_id)}, in_sector)
        yield Page(f"transparence/{sector.id}/index.html", "clairvoie_transparency",
                   {"card": model.views[sector.id].scorecard, "scope_name": sector.name, "sector": sector,
                    "lists": figure_lists(model, sector)},
                   depends_on=in_sector)
    streets_of_project = projects_streets(model)
    for project in model.projects:
        streets = streets_of_project.get(project.id, [])
        yield Page(f"{project.url}index.html", "clairvoie_project",
                   {"project": project, "feeds": site.record_alternate_links(model, project), "streets": streets},
                   {"record_map": lambda project=project: project_map(model, project)},
                   depends_on=[project, *project.works, Shown.of(f"rues-{project.id}", [s.url for s in streets])])
    for order in model.works:
        yield Page(f"{order.url}index.html", "clairvoie_works", {"order": order,
                   "street": model.street_entry(order.street)},
                   {"record_map": lambda order=order: works_map(model, order)},
                   depends_on=[order] + ([order.project] if order.project else []) + [street_link(model, order.street)])
    for meeting in model.meetings:
        yield Page(f"{meeting.url}index.html", "clairvoie_meeting", {"meeting": meeting},
                   depends_on=[meeting])
    yield Page("lexique/index.html", "clairvoie_glossary")  # the glossary: in every page's signature
    yield from report_pages(model, site)
    yield from street_pages(model)
    yield from figure_list_pages(model)


# --- bad news: /ce-qui-ne-va-pas/ and each sector's « le détail », page by page ----------------
@dataclass(frozen=True)
class BadNewsPart:
    """One page of a list of bad-news cards, latest first (a sector's overdue reports after):
    the city's is /ce-qui-ne-va-pas/, then <rank>/; a sector's first part is on its page (« le
    détail »), the others at secteurs/<id>/ce-qui-ne-va-pas/<rank>/."""

    sector: Sector | None
    rank: int
    start: int  # the index of its first card in the list
    cards: Sequence[BadNews | Report]

    @property
    def url(self) -> str:
        if self.sector and self.rank == 1:
            return f"{self.sector.url}#{SECTOR_BAD_NEWS_ANCHOR}"
        return (self.sector.url if self.sector else "") + BAD_NEWS_PAGE + (f"{self.rank}/" if self.rank > 1 else "")


def bad_news_parts(model: Model, sector: Sector | None) -> list[BadNewsPart]:
    view = model.views[sector.id] if sector else None
    cards = [*view.bad_news, *view.overdue_reports] if view else model.bad_news
    size = max(1, model.settings.bad_news_cards_per_page)
    return [BadNewsPart(sector, start // size + 1, start, cards[start:start + size])
            for start in range(0, max(len(cards), 1), size)]


def _records_of_cards(cards: Sequence[BadNews | Report]) -> list:
    return [card.record if isinstance(card, BadNews) else card for card in cards]


def bad_news_pages(model: Model) -> Iterator[Page]:
    """The whole bad-news list, one tap from the home page's summary of it: the first page with
    the counts (the reports' too) and the lists by kind, then the rest of the cards, page by page;
    and the parts of each sector's after the first, which its page shows."""
    for sector in [None, *model.sectors]:
        parts = bad_news_parts(model, sector)
        shown = Shown.of(f"ce-qui-ne-va-pas-{sector.id if sector else ''}",
                         [sum(len(part.cards) for part in parts), len(parts)])
        for part in parts[1:] if sector else parts:
            counts_all = part.url == BAD_NEWS_PAGE  # the city's first page: the counts, the reports' too
            records = _records_of_cards(model.bad_news) + model.reports if counts_all else _records_of_cards(part.cards)
            yield Page(f"{part.url}index.html", "clairvoie_bad_news",
                       {"part": part, "parts": parts, "sector": sector,
                        "lists": bad_news_lists(model) if counts_all else {}},
                       depends_on=[*records, shown])


def figure_list_pages(model: Model) -> Iterator[Page]:
    """The pages of the transparency figures' long lists (figure_lists.py), each showing its part's rows."""
    for sector, figure_list in long_figure_lists(model):
        parts = figure_list.parts
        shown = Shown.of(f"liste-{figure_list.url}", [len(figure_list.rows), len(parts)])
        for part in parts:
            yield Page(f"{part.url}index.html", "clairvoie_figure_list",
                       {"part": part, "parts": parts, "figure_list": figure_list, "sector": sector,
                        "scope_name": sector.name if sector else "toute la ville"},
                       depends_on=[*part.records, shown])


# --- streets: /rues/, a page per letter, a page per street -------------------------------------
def street_pages(model: Model) -> Iterator[Page]:
    """/rues/ (the letters, each with its number of streets, and « Près de chez moi »), each
    letter's streets with what is happening in them (/rues/lettre-l/), and each street's page
    (/rues/<id>/: its works, projects and reports, and its map). No page lists the whole city."""
    letters = streets_by_letter(model.streets)
    yield Page("rues/index.html", "clairvoie_streets", {"letters": letters},
               depends_on=[Shown.of("rues", [(letter, url, [(s.id, s.name, bool(s.points), len(s.overdue_reports))
                                                            for s in streets]) for letter, url, streets in letters])])
    for letter, url, streets in letters:
        # Counts only: editing a record's text renders its street's page again, not its letter's.
        yield Page(f"{url}index.html", "clairvoie_streets_letter",
                   {"letter": letter, "letter_page_url": url, "streets": streets, "letters": letters},
                   depends_on=[Shown.of(f"rues-{url}", [[street_counts(s) for s in streets],
                                                        [letter for letter, _, _ in letters]])])
    for street in model.streets:
        yield Page(f"{street.url}index.html", "clairvoie_street",
                   {"street": street, "street_resolved_days": RESOLVED_SHOWN_DAYS},
                   {"street_map": lambda street=street: street_map(model, street)},
                   depends_on=[*street_records(street), Shown.of(f"rue-{street.id}", [street.name, street.sector_ids])])


def streets_by_letter(streets: list[Street]) -> list[tuple[str, str, list[Street]]]:
    """(letter, its page's address, its streets A–Z) for each letter a street is filed under."""
    letters: dict[str, list[Street]] = {}
    for street in streets:
        letters.setdefault(street.letter, []).append(street)
    return [(letter, letter_url(letter), found) for letter, found in letters.items()]


def street_counts(street: Street) -> tuple:
    """What a letter's page shows of a street."""
    return (street.id, street.name, street.is_active, len(street.overdue_reports),
            sum(1 for p in street.projects if p.has_bad_news), len(street.withdrawn_works),
            len(street.active_works), len(street.coming_works), len(street.projects), len(street.reports))


def street_records(street: Street) -> list[Any]:
    """Every record a street's page shows."""
    return [*street.works, *street.projects, *street.reports, *street.resolved_reports]


def projects_streets(model: Model) -> dict[str, list[Street]]:
    """Each project's streets with a page (those whose page lists it), A–Z."""
    found: dict[str, list[Street]] = {}
    for street in model.streets:
        for project in street.projects:
            found.setdefault(project.id, []).append(street)
    return found


def street_points(street: Street) -> str:
    """Where a street is, for « Près de chez moi » (static/js/proximite.js): its known points."""
    return json.dumps({"points": [list(point) for point in street.points]}, separators=(",", ":")) + "\n"


@dataclass(frozen=True)
class WorksMonth:
    """The works orders of one sector in force during one month (a works order spanning
    three months is in three parts): one page, /secteurs/<id>/travaux/<yyyy-mm>/."""

    sector: Sector
    month: dt.date  # its first day
    starting: list[WorksOrder]  # starting that month, by start
    continuing: list[WorksOrder]  # started before, still in force that month, by start

    @property
    def orders(self) -> list[WorksOrder]:
        return [*self.starting, *self.continuing]

    @property
    def withdrawn_count(self) -> int:
        return sum(1 for order in self.orders if order.is_cancelled)

    @property
    def url(self) -> str:
        return f"{works_months_url(self.sector)}{self.month:%Y-%m}/"


def works_months_url(sector: Sector) -> str:
    """The sector's works orders month by month (under the sector's folder: a works order's
    page is /travaux/<id>/, and a works order's id may be any slug)."""
    return f"{sector.url}travaux/"


def months_of(order: WorksOrder) -> Iterator[dt.date]:
    month, last = order.start_date.replace(day=1), order.end_date.replace(day=1)
    while month <= last:
        yield month
        month = (month + dt.timedelta(days=31)).replace(day=1)


def works_months(model: Model) -> list[tuple[Sector, list[WorksMonth]]]:
    """Each sector with each month that has works orders in force there, oldest first (the
    city's orders gone through once, not once per sector)."""
    by_sector: dict[str, dict[dt.date, list[WorksOrder]]] = {sector.id: {} for sector in model.sectors}
    for order in model.works:
        order_months = list(months_of(order))
        for sector_id in dict.fromkeys(order.sector_ids):  # once each, as a sector lists it
            months = by_sector.get(sector_id)
            if months is not None:
                for month in order_months:
                    months.setdefault(month, []).append(order)
    result = []
    for sector in model.sectors:
        parts = []
        for month, orders in sorted(by_sector[sector.id].items()):
            orders.sort(key=lambda o: (o.start_date, o.id))
            parts.append(WorksMonth(sector, month, [o for o in orders if o.start_date >= month],
                                    [o for o in orders if o.start_date < month]))
        result.append((sector, parts))
    return result


def current_first(parts: list[WorksMonth], today: dt.date) -> tuple[WorksMonth | None, list, list]:
    """(this month's part or None, the coming months' from the nearest, the past months' from the latest)."""
    this_month = today.replace(day=1)
    current = next((part for part in parts if part.month == this_month), None)
    coming = [part for part in parts if part.month > this_month]
    past = [part for part in reversed(parts) if part.month < this_month]
    return current, coming, past


def project_list_pages(model: Model) -> Iterator[Page]:
    """/projets/ (each sector's count of projects by status, late and over budget, with the
    city's), and each sector's projects of one status: a city-wide project is in every sector's."""
    statuses = list(PROJECT_STATUS_SLUGS)
    shown = [len(model.scorecard.projects_by_status[status]) for status in statuses]
    shown += [(sector.id, [len(model.views[sector.id].projects_by_status[status]) for status in statuses],
               model.views[sector.id].late_count,
               sum(1 for p in model.views[sector.id].projects if p.is_over_budget)) for sector in model.sectors]
    shown += [len(model.projects), sum(1 for p in model.projects if p.is_late),
              sum(1 for p in model.projects if p.is_over_budget)]
    yield Page("projets/index.html", "clairvoie_projects", {"status_slugs": PROJECT_STATUS_SLUGS},
               depends_on=[Shown.of("projets", shown)])
    for sector in model.sectors:
        by_status = model.views[sector.id].projects_by_status
        for status, slug in PROJECT_STATUS_SLUGS.items():
            if by_status[status]:
                yield Page(f"{sector.url}projets/{slug}/index.html", "clairvoie_projects_part",
                           {"sector": sector, "status": status, "projects": by_status[status],
                            "status_slugs": PROJECT_STATUS_SLUGS},
                           depends_on=[*by_status[status],
                                       Shown.of(f"projets-{sector.id}", [len(by_status[s]) for s in statuses])])


@dataclass(frozen=True)
class Shown:
    """What an index page shows of many records (counts, months), as a page's dependency
    (incremental.record_key: "Shown:<what>=<digest>"): it changes exactly when what the page
    shows does, so that editing one record's text does not render the index again."""

    id: str

    @classmethod
    def of(cls, what: str, values: Any) -> "Shown":
        digest = hashlib.blake2b(repr(values).encode("utf-8"), digest_size=16).hexdigest()
        return incremental.same_value(cls(f"{what}={digest}"))


def _month_figures(parts: list[WorksMonth]) -> list:
    return [(f"{part.month:%Y-%m}", len(part.orders), part.withdrawn_count) for part in parts]


def works_list_pages(model: Model) -> Iterator[Page]:
    """/travaux/ (each sector: this month, the next ones, every month), each sector's months
    (/secteurs/<id>/travaux/) and each sector's month: a page per resident's question
    ("what works in my sector this month?"), none of them growing with the whole city."""
    by_sector = works_months(model)
    index_figures = []
    for sector, parts in by_sector:
        view = model.views[sector.id]
        index_figures.append((sector.id, _month_figures(parts), len(view.active_works), len(view.upcoming_works)))
    yield Page("travaux/index.html", "clairvoie_works_list",
               {"sectors_months": [(sector, *current_first(parts, model.today), parts) for sector, parts in by_sector]},
               depends_on=[Shown.of("travaux", index_figures)])
    for sector, parts in by_sector:
        yield Page(f"{works_months_url(sector)}index.html", "clairvoie_works_months",
                   {"sector": sector, "parts": parts, "current_first": current_first(parts, model.today)},
                   depends_on=[Shown.of(f"travaux-{sector.id}", _month_figures(parts))])
        months = Shown.of(f"mois-{sector.id}", [part.month for part in parts])  # the previous and next links
        for index, part in enumerate(parts):
            yield Page(f"{part.url}index.html", "clairvoie_works_month",
                       {"sector": sector, "part": part,
                        "previous": parts[index - 1] if index else None,
                        "next": parts[index + 1] if index + 1 < len(parts) else None},
                       depends_on=[*part.orders, months])


def report_pages(model: Model, site: Site) -> Iterator[Page]:
    """/signalements/, each sector's open reports (overdue first, then street by street), the
    list of every tracking number, and each report's page."""
    if not model.reports:
        return
    resolved = model.reports_resolved_within(RECENTLY_RESOLVED_DAYS)
    sectors = [sector_reports(model, sector, resolved) for sector in model.sectors]
    most_overdue = model.overdue_reports[:MOST_OVERDUE_SHOWN]
    shown = [(part.sector.id, len(part.open_reports), len(part.overdue), len(part.resolved)) for part in sectors]
    yield Page("signalements/index.html", "clairvoie_reports", {
        "sectors_reports": sectors, "most_overdue": most_overdue,
        "recently_resolved": resolved, "recent_days": RECENTLY_RESOLVED_DAYS,
        "numbers_file": REPORT_NUMBERS_FILE, "numbers_page": REPORT_NUMBERS_PAGE,
    }, depends_on=[*most_overdue, Shown.of("signalements", [shown, len(model.open_reports), len(model.overdue_reports),
                                                             len(resolved), model.reports[-1].number])])
    for part in sectors:
        pages_shown = Shown.of(f"signalements-{part.sector.id}",
                               [(street_page.url, [name for name, _ in street_page.streets])
                                for street_page in part.street_pages])
        yield Page(f"{part.url}index.html", "clairvoie_sector_reports",
                   {"part": part, "sector": part.sector, "recent_days": RECENTLY_RESOLVED_DAYS},
                   depends_on=[*part.open_reports, *part.resolved, pages_shown])
        for street_page in part.street_pages:
            yield Page(f"{street_page.url}index.html", "clairvoie_sector_reports_streets",
                       {"part": part, "sector": part.sector, "street_page": street_page},
                       depends_on=[*(report for _, reports in street_page.streets for report in reports),
                                   pages_shown, *(street_link(model, name) for name, _ in street_page.streets)])
    yield from report_numbers_pages(model)
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


@dataclass(frozen=True)
class StreetsPage:
    """Some of a sector's streets with open reports (A–Z), each with its open reports, overdue
    first: /secteurs/<id>/signalements/rues/, then …/rues/2/… when there are many."""

    url: str
    rank: int
    streets: list[tuple[str, list[Report]]]

    @property
    def report_count(self) -> int:
        return sum(len(reports) for _, reports in self.streets)


@dataclass(frozen=True)
class SectorReports:
    """A sector's residents' reports as /secteurs/<id>/signalements/ shows them."""

    sector: Sector
    open_reports: list[Report]
    overdue: list[Report]  # most overdue first
    resolved: list[Report]  # lately, latest first
    street_pages: list[StreetsPage]

    @property
    def url(self) -> str:
        return f"{self.sector.url}signalements/"

    @property
    def streets(self) -> list[tuple[str, list[Report]]]:
        return [street for page in self.street_pages for street in page.streets]

    @staticmethod
    def anchor(street: str) -> str:
        """A street's fragment, written as /rues/ writes it (model/streets.py, Street.anchor)."""
        return key(street).replace(" ", "-")


def sector_reports(model: Model, sector: Sector, resolved: list[Report]) -> SectorReports:
    view = model.views[sector.id]
    pages: list[list[tuple[str, list[Report]]]] = []
    count = 0
    for name, reports in open_reports_by_street(view.open_reports):  # a street is never cut in two
        if not pages or (count + len(reports) > OPEN_REPORTS_PER_PAGE and pages[-1]):
            pages.append([])
            count = 0
        pages[-1].append((name, reports))
        count += len(reports)
    base = f"{sector.url}signalements/rues/"
    return SectorReports(sector, view.open_reports, view.overdue_reports,
                         [r for r in resolved if sector.id in r.sector_ids],
                         [StreetsPage(base + (f"{rank}/" if rank > 1 else ""), rank, streets)
                          for rank, streets in enumerate(pages, start=1)])


def report_page_records(model: Model, report: Report) -> list:
    """What a report's page shows: the report, its original and duplicates, its works orders
    and projects, and whether its street has an entry on /rues/."""
    tied = [model.report(number) for number in report.duplicates]
    return [report, *([report.original] if report.original else []), *tied, *report.works, *report.projects,
            street_link(model, report.street)]


def street_link(model: Model, street: str) -> StreetLink:
    entry = model.street_entry(street)
    return incremental.same_value(StreetLink(f"{key(street)}={entry.url if entry else ''}"))


def reports_by_month(reports: list[Report]) -> list[tuple[dt.date, list[Report]]]:
    """Every report by the month it was received (oldest first), by number within a month."""
    months: dict[dt.date, list[Report]] = {}
    for report in sorted(reports, key=lambda r: r.number):
        months.setdefault(report.received_day.replace(day=1), []).append(report)
    return sorted(months.items())


@dataclass(frozen=True)
class NumbersPart:
    """Tracking numbers received in one month, at most REPORT_NUMBERS_PER_PAGE of them by number:
    /signalements/numeros/<yyyy-mm>/, then <yyyy-mm>/2/… when a month has more."""

    month: dt.date
    rank: int  # 1, 2… within the month
    reports: list[Report]

    @property
    def url(self) -> str:
        return f"{REPORT_NUMBERS_PAGE}{self.month:%Y-%m}/" + (f"{self.rank}/" if self.rank > 1 else "")


def numbers_parts(reports: list[Report]) -> list[tuple[dt.date, list[NumbersPart]]]:
    """Each month (latest first: a resident looks for a recent number) and its parts."""
    months = []
    for month, month_reports in reversed(reports_by_month(reports)):
        size = REPORT_NUMBERS_PER_PAGE
        months.append((month, [NumbersPart(month, start // size + 1, month_reports[start:start + size])
                               for start in range(0, len(month_reports), size)]))
    return months


def report_numbers_pages(model: Model) -> Iterator[Page]:
    """/signalements/numeros/ (each month, its parts and their numbers from… to…), and each part."""
    months = numbers_parts(model.reports)
    shown = [(part.url, len(part.reports), part.reports[0].number, part.reports[-1].number)
             for _, parts in months for part in parts]
    yield Page(f"{REPORT_NUMBERS_PAGE}index.html", "clairvoie_report_numbers",
               {"months": months, "numbers_page": REPORT_NUMBERS_PAGE},
               depends_on=[Shown.of("numeros", shown)])
    for month, parts in months:
        for part in parts:
            yield Page(f"{part.url}index.html", "clairvoie_report_numbers_part",
                       {"part": part, "parts": parts, "numbers_page": REPORT_NUMBERS_PAGE},
                       depends_on=[*part.reports, Shown.of(f"numeros-{month:%Y-%m}", [p.url for p in parts])])


def report_numbers(model: Model) -> str:
    """The tracking numbers (as their addresses write them), for the form of /signalements/."""
    return json.dumps({"numeros": [report.id for report in model.reports]}, ensure_ascii=False) + "\n"


def write_pages(model: Model, site: Site) -> None:
    with incremental.collector_paused():  # the pages and their signatures all stay alive
        pages = list(pages_of(model, site))
        if model.reports:
            site.write(REPORT_NUMBERS_FILE, report_numbers(model))
        for street in model.streets:
            if street.points:  # /rues/ lists every street: each one's points are loaded when it is chosen
                site.write_piece(f"{street.url}{STREET_POINTS_FILE}", "street:points",
                                 [*street.works, *model.reports_of_street(street.name)],
                                 lambda street=street: street_points(street))
        to_render = _pages_to_render(model, site, pages)
    for template in {page.template for page in to_render}:
        site.template(template)  # compiled once, before the processes share the work
    processes = parallel.process_count(model.settings.build_processes, len(to_render), PAGES_PER_EXTRA_PROCESS)
    marks = GlossaryMarks(model.glossary, site.url)
    parallel.for_each(to_render, lambda share: _render(share, site, marks), processes, "des pages")
    logger.info("Clairvoie : %d pages faites (%d processus), %d reprises telles quelles de la construction "
                "précédente", len(to_render), processes, len(pages) - len(to_render))


def _pages_to_render(model: Model, site: Site, pages: list[Page]) -> list[Page]:
    """The pages whose records changed; the others are kept from the previous build."""
    new = {page.save_as: site.signatures.of(page.template, page.depends_on) for page in pages}
    site.context[incremental.PAGES_SIGNED] = new  # what each page is made of: search reads it
    final = staging.final_path_of(site.output_path)
    state = incremental.BuildState(site.pelican_settings["CACHE_PATH"], final or site.output_path)
    staging.on_success(site.output_path, lambda: state.save(new))
    if final is None or not model.settings.incremental:
        return pages
    return [page for page in pages if not (state.signatures.get(page.save_as) == new[page.save_as]
                                           and staging.keep_published(site.output_path, page.save_as))]


def _render(pages: Sequence[Page], site: Site, marks: GlossaryMarks) -> None:
    for page in pages:
        variables = {**page.variables, **{name: compute() for name, compute in page.computed_variables.items()}}
        site.render(page.save_as, page.template, **variables)
        marks.mark_file(site.path(page.save_as))  # first uses of the glossary's terms linked to /lexique/
