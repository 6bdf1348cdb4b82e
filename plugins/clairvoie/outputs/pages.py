"""HTML pages: home, sector, project, works order and meeting pages, and their lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from ..model.records import Model
from .links import alternate_links
from .maps import sector_map


@dataclass(frozen=True)
class Page:
    save_as: str
    template: str
    variables: dict[str, Any] = field(default_factory=dict)


def pages_of(model: Model) -> Iterator[Page]:
    yield Page("index.html", "clairvoie_home", {"feeds": alternate_links(model, None)})
    yield Page("secteurs/index.html", "clairvoie_sectors")
    yield Page("projets/index.html", "clairvoie_projects")
    yield Page("travaux/index.html", "clairvoie_works_list")
    yield Page("reunions/index.html", "clairvoie_meetings")
    yield Page("transparence/index.html", "clairvoie_transparency",
               {"card": model.scorecard, "scope_name": "toute la ville", "sector": None})
    for sector in model.sectors:
        yield Page(f"{sector.url}index.html", "clairvoie_sector",
                   {"sector": sector, "view": model.views[sector.id],
                    "sector_map": sector_map(model, sector.id),
                    "feeds": alternate_links(model, sector.id)})
        yield Page(f"transparence/{sector.id}/index.html", "clairvoie_transparency",
                   {"card": model.views[sector.id].scorecard, "scope_name": sector.name, "sector": sector})
    for project in model.projects:
        yield Page(f"{project.url}index.html", "clairvoie_project", {"project": project})
    for order in model.works:
        yield Page(f"{order.url}index.html", "clairvoie_works", {"order": order})
    for meeting in model.meetings:
        yield Page(f"{meeting.url}index.html", "clairvoie_meeting", {"meeting": meeting})


def write_pages(model: Model, generator: Any, writer: Any) -> None:
    for page in pages_of(model):
        writer.write_file(page.save_as, generator.get_template(page.template), generator.context,
                          relative_urls=False, page_name=page.save_as.removesuffix("index.html"),
                          **page.variables)
