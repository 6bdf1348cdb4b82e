"""« Près de chez moi »: the open reports with a point, in small files per grid cell.

The browser (``static/js/proximite.js``, from ``partials/nearby.html``) finds the open
reports within ``RADIUS_M`` of a street or of the resident's position. It never sends
the position anywhere: it loads the cell of each point it looks around, and the eight
cells around it, and measures the distances itself (haversine). A cell is
``1 / CELLS_PER_DEGREE`` degree of latitude by as much of longitude (about 1.1 km by
0.8 km in France), far wider than the radius, so that a point's cell and its
neighbours always hold every report within the radius.

Written: ``signalements/proximite/<cell>.json`` for each cell holding an open report
(``{"cell": …, "reports": […]}``, by number), and ``signalements/proximite/index.json``
(the cells that exist, so that the browser asks for no missing file). Only what the
report's page shows: number, kind, street, stage, delay, the point rounded to about
100 m. Each file is compact, sorted and ends with a newline: two builds write the same
bytes.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ..labels import REPORT_BADGE, REPORT_STAGE, report_overdue_fr
from ..model.records import Model, Report
from .site import Site

FOLDER = "signalements/proximite"
INDEX = "index.json"
CELLS_PER_DEGREE = 100  # cells of 0.01°
RADIUS_M = 100  # "about 100 m", as the page says


def cell_of(lat: float, lon: float) -> str:
    """The key of a point's cell, e.g. "4574_484"; proximite.js computes it the same way.

    Rounded to 0.001° first, as reports' points are: 40.05 * 100 is 4004.999… in floating
    point, and the report would fall in the cell beside its own.
    """
    step = 1000 // CELLS_PER_DEGREE
    return f"{math.floor(round(lat * 1000) / step)}_{math.floor(round(lon * 1000) / step)}"


def located_open_reports(model: Model) -> list[Report]:
    return [r for r in model.open_reports if r.point is not None]


def cells(model: Model) -> dict[str, list[Report]]:
    """Each cell's open reports, by number; cells by key."""
    found: dict[str, list[Report]] = {}
    for report in located_open_reports(model):
        found.setdefault(cell_of(*report.point), []).append(report)
    return {cell: sorted(reports, key=lambda r: r.number) for cell, reports in sorted(found.items())}


def report_entry(report: Report) -> dict[str, Any]:
    tone, badge = REPORT_BADGE[report.is_overdue]
    return {
        "number": report.number,
        "url": report.url,  # from the site root
        "service": report.service.name,
        "street": report.street,
        "section": report.section,
        "stage": REPORT_STAGE[report.stage],
        "overdue": report.is_overdue,
        "overdue_text": report_overdue_fr(report),
        "badge": badge,
        "tone": tone,
        "lat": report.point[0],
        "lon": report.point[1],
    }


def compact_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def write_nearby(model: Model, site: Site) -> None:
    grid = cells(model)
    for cell, reports in grid.items():
        # A piece: kept from the last build while the cell holds the same, unchanged reports.
        site.write_piece(f"{FOLDER}/{cell}.json", "nearby:cell", reports, lambda cell=cell, reports=reports:
                         compact_json({"cell": cell, "reports": [report_entry(r) for r in reports]}))
    site.write(f"{FOLDER}/{INDEX}", compact_json({
        "cells": list(grid), "cells_per_degree": CELLS_PER_DEGREE, "radius_m": RADIUS_M}))
