"""The navigation feeds as other channels name them: their files, and the orders they leave out.

The feeds themselves (Waze's CIFS, the active works' GeoJSON) are ``navigation.py``'s;
the panels' page lists them and the orders they cannot carry.
"""

from __future__ import annotations

from ..model.records import Model, WorksOrder
from .geo import usable_lines

FOLDER = "navigation"
CIFS_JSON = "waze-cifs.json"
CIFS_XML = "waze-cifs.xml"
ACTIVE_GEOJSON = "travaux-actifs.geojson"
FILES = (CIFS_JSON, CIFS_XML, ACTIVE_GEOJSON)


def in_feed(order: WorksOrder) -> bool:
    """Orders the CIFS feed is about: not over, not withdrawn."""
    return order.timing != "past" and not order.is_cancelled


def orders_without_geometry(model: Model) -> list[WorksOrder]:
    """Orders the feeds should carry but cannot: no usable geometry. By start, then id."""
    return sorted((o for o in model.works if in_feed(o) and not usable_lines(o.geometry)),
                  key=lambda o: (o.start_date, o.id))
