"""The lists behind the figures of /transparence/ (the city's, each sector's) and /ce-qui-ne-va-pas/, and the
lists under each sector's map (« Ce que montre la carte »), paged when long.

Every figure of these pages names what it counts: the late projects, the reports received
in a month, the overruns… A short list stays on the figure's page, as it always was;
a list longer than CLAIRVOIE_FIGURE_LIST_INLINE_ROWS (50) moves to
``<page>/listes/<name>/`` (then ``…/<name>/2/``…, each page holding at most
CLAIRVOIE_FIGURE_LIST_ROWS_PER_PAGE rows, 500), linked from its figure. The figure's page then
stays a few tens of kilobytes whatever the city's size (issue 15: no list page over about
200 kB), and editing one record renders again only the parts of the lists that show it.

The lists are the model's own (``Scorecard``, ``ReportFigures``, ``BadNewsSummary``), and the map's are what
``maps.sector_map_records`` places on it: this module only names them, cuts them and says which macro of
``partials/figure_rows.html`` shows one row. A large city's sector places thousands of records on its map: their
list, the map's text alternative, would be most of the sector page (about 700 kB of its 1 MB at size L).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

from ..labels import BAD_NEWS_ANCHOR, BAD_NEWS_PAGE, PROJECT_STATUS_SLUGS, STATUS_GROUP, bad_news_words_fr
from ..model.build import LISTS_FOLDER
from ..model.french import month_fr
from ..model.records import Model, Sector
from .maps import LIST_ID, sector_map_records

TRANSPARENCY_PAGE = "transparence/"
# The record a row shows, for the rows that are not records themselves (by FigureList.row).
RECORD_OF_ROW: dict[str, Callable[[Any], Any]] = {"resolution": lambda resolution: resolution.report,
                                                  "bad_news": lambda news: news.record,
                                                  **{f"map_{kind}": lambda marker: marker.record for kind in LIST_ID}}
# The lists under a sector's map, by kind of marker (maps.LIST_ID: their ids on the sector page).
MAP_LIST_TITLE = {"project": "projets placés sur la carte",
                  "works": "arrêtés de travaux en cours ou à venir placés sur la carte",
                  "report": "signalements placés sur la carte"}


@dataclass(frozen=True)
class FigureList:
    """One figure's list in one scope (the city, or a sector)."""

    scope_path: str  # the figure's page: "transparence/", "transparence/<sector>/", "ce-qui-ne-va-pas/"
    trail: tuple[tuple[str, str], ...]  # the breadcrumb to the figure's page, which it ends with
    name: str  # its folder under listes/
    title: str  # what its rows are, in a sentence's words: "projets en retard aujourd'hui"
    anchor: str  # the figure's section on the scope's page
    rows: Sequence[Any]
    row: str  # the macro of partials/figure_rows.html that shows one row
    inline_rows: int  # settings.figure_list_inline_rows
    rows_per_page: int  # settings.figure_list_rows_per_page
    ordered: bool = False  # a ranking (worst first…): numbered, each page going on from the last
    behind: str = "le chiffre"  # what on the scope's page the list details, after « la liste derrière »
    list_class: str = ""  # the class of its <ul> or <ol> (the map's lists: "map-list", their symbols)

    @property
    def is_inline(self) -> bool:
        return len(self.rows) <= self.inline_rows

    @property
    def url(self) -> str:
        return f"{self.scope_path}{LISTS_FOLDER}/{self.name}/"

    @property
    def parts(self) -> list["FigureListPart"]:
        size = self.rows_per_page
        return [FigureListPart(self, start // size + 1, start) for start in range(0, len(self.rows), size)]


@dataclass(frozen=True)
class FigureListPart:
    """One page of a long list: its rank (1, 2…) and where its rows start in the list."""

    of: FigureList
    rank: int
    start: int

    @property
    def rows(self) -> Sequence[Any]:
        return self.of.rows[self.start:self.start + self.of.rows_per_page]

    @property
    def url(self) -> str:
        return self.of.url + (f"{self.rank}/" if self.rank > 1 else "")

    @property
    def records(self) -> list[Any]:
        """The records its rows show."""
        record_of = RECORD_OF_ROW.get(self.of.row)
        return [record_of(row) for row in self.rows] if record_of else list(self.rows)


def figure_lists(model: Model, sector: Sector | None) -> dict[str, FigureList]:
    """Every list of a scope's transparency page, by name."""
    scope_path = f"{TRANSPARENCY_PAGE}{sector.id}/" if sector else TRANSPARENCY_PAGE
    card = model.views[sector.id].scorecard if sector else model.scorecard
    reports = model.views[sector.id].report_figures if sector else model.report_figures
    trail = ((("Secteurs", "secteurs/"), (sector.name, sector.url)) if sector else ()) + (
        (f"En chiffres : {sector.name if sector else 'toute la ville'}", scope_path),)

    def listed(name, title, anchor, rows, row, ordered=False) -> FigureList:
        return FigureList(scope_path, trail, name, title, anchor, tuple(rows), row, *_limits(model), ordered)

    lists = [listed(f"projets-{PROJECT_STATUS_SLUGS[status]}", f"projets {STATUS_GROUP[status].lower()}",
                    f"etat-{status}", projects, "project") for status, projects in card.projects_by_status.items()]
    lists += [
        listed("en-retard", "projets en retard aujourd'hui", "en-retard", card.late, "late_project"),
        listed("termines-en-retard", "projets terminés en retard", "termines-en-retard", card.completed_late,
               "completed_late"),
        listed("retards", "projets retardés, du plus long retard au plus court", "retards", card.delayed,
               "delayed", ordered=True),
        listed("depassements", "dépassements de budget", "depassements", card.overruns, "overrun"),
        listed("travaux-du-mois", "arrêtés de travaux ce mois-ci", "travaux-du-mois", card.works_this_month,
               "works"),
        listed("reunions-tenues", "réunions publiques tenues", "reunions-tenues", card.meetings_held, "meeting"),
        listed("signalements-en-retard", "signalements en retard, du plus en retard au moins en retard",
               "signalements-en-cours", reports.overdue, "overdue_report", ordered=True),
        listed("signalements-en-cours", "signalements en cours", "signalements-en-cours", reports.open, "report"),
        listed("signalements-regles", "signalements réglés en douze mois, du plus rapide au plus long",
               "signalements-delais", reports.resolution.resolutions, "resolution", ordered=True),
        listed("regles-dans-le-delai", "signalements réglés dans le délai promis", "signalements-delai-promis",
               reports.within_commitment, "report"),
        listed("regles-apres-le-delai", "signalements réglés après le délai promis", "signalements-delai-promis",
               reports.beyond_commitment, "report"),
        listed("regles-30-jours", "signalements réglés ces 30 derniers jours", "signalements-30-jours",
               reports.resolved_recently.resolutions, "resolution"),
    ]
    for month in reports.months:
        lists += [listed(f"recus-{month.month:%Y-%m}", f"signalements reçus en {month_fr(month.month)}",
                         "signalements-par-mois", month.received, "report"),
                  listed(f"regles-{month.month:%Y-%m}", f"signalements réglés en {month_fr(month.month)}",
                         "signalements-par-mois", month.resolved.resolutions, "resolution")]
    return {figure_list.name: figure_list for figure_list in lists}


def bad_news_lists(model: Model) -> dict[str, FigureList]:
    """The lists of /ce-qui-ne-va-pas/ by what went wrong (its section « Les mêmes, par nature »), by kind."""
    trail = (("Ce qui ne va pas comme prévu", BAD_NEWS_PAGE),)
    return {kind: FigureList(BAD_NEWS_PAGE, trail, BAD_NEWS_ANCHOR[kind], bad_news_words_fr(kind, 2),
                             BAD_NEWS_ANCHOR[kind], tuple(items), "bad_news", *_limits(model))
            for kind, items in model.bad_news_summary.by_kind.items()}


def map_lists(model: Model, sector: Sector) -> dict[str, FigureList]:
    """The lists under a sector's map, by kind of marker ("project", "works", "report")."""
    trail = (("Secteurs", "secteurs/"), (sector.name, sector.url))
    inline_rows = model.settings.figure_list_inline_rows
    rows_per_page = max(1, model.settings.map_list_rows_per_page)
    return {kind: FigureList(sector.url, trail, LIST_ID[kind], MAP_LIST_TITLE[kind], LIST_ID[kind], markers,
                             f"map_{kind}", inline_rows, rows_per_page, behind="la carte", list_class="map-list")
            for kind, markers in sector_map_records(model, sector.id).listed.items()}


def _limits(model: Model) -> tuple[int, int]:
    settings = model.settings
    # At least one row per page, whatever the settings say.
    return settings.figure_list_inline_rows, max(1, settings.figure_list_rows_per_page)


def long_figure_lists(model: Model) -> Iterator[tuple[Sector | None, FigureList]]:
    """The lists too long for their figure's page, in every scope: each gets pages of its own."""
    scopes = [(sector, figure_lists(model, sector)) for sector in [None, *model.sectors]]
    maps = [(sector, map_lists(model, sector)) for sector in model.sectors]
    for sector, lists in [*scopes, (None, bad_news_lists(model)), *maps]:
        for figure_list in lists.values():
            if not figure_list.is_inline:
                yield sector, figure_list
