"""Sign panels: one JSON file per panel, its published schema, and a preview page for staff.

Written to ``/panneaux/``:

- ``<panel-id>.json`` for every panel declared in a sector (``Sector.panels``): the panel,
  and its messages chosen and fitted by ``compose`` and ``fit``;
- ``schema.json``: the JSON Schema (Draft 2020-12) of those files, shipped with the package;
- ``apercus/<panel-id>/<message-id>.png``: each message as the panel shows it (``preview``),
  kept between builds in ``<CACHE_PATH>/clairvoie-images/panneaux/`` (``imaging.EncodedImages``);
- ``index.html``: the preview page, panel by panel, with the links to the raw files.

A panel file changes only when its messages change: keys are sorted, messages keep a
stable order, and there is no build time in it, so panels polling with ``If-None-Match``
get ``304 Not Modified``. When the previous build's file holds the same bytes, the new
one is linked to it (staging.py) and keeps its modification time, for servers whose ETag
is made from it (nginx, Apache).

Settings: ``CLAIRVOIE_PANELS_MAX_MESSAGES`` (default 10), the most messages
a panel file carries; ``CLAIRVOIE_UPCOMING_WORKS_DAYS`` (default 14), the upcoming window.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ...model.records import Model, Panel, Sector
from .. import roadworks
from ..imaging import EncodedImages
from ..site import Site
from . import preview
from .compose import PRIORITY_NAMES, Message, messages, panel_document

FOLDER = "panneaux"
SCHEMA_NAME = "schema.json"
PREVIEW_FOLDER = "apercus"



@dataclass(frozen=True)
class PanelPage:
    """One panel on the preview page."""

    panel: Panel
    sector: Sector
    messages: list[Message]
    json_url: str  # site path, e.g. "panneaux/panneau-x.json"
    previews: list[tuple[Message, str, tuple[int, int]]]  # message, PNG site path, (w, h)


def schema_bytes() -> bytes:
    """The published schema, exactly as shipped with the package."""
    return resources.files(__package__).joinpath(SCHEMA_NAME).read_bytes()


def schema() -> dict[str, Any]:
    return json.loads(schema_bytes())


def dumps(document: dict[str, Any]) -> bytes:
    """Sorted keys, UTF-8 text (no escapes), one-space indent, a final newline."""
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def write_panels(model: Model, site: Site) -> None:
    max_messages = model.settings.panels_max_messages
    window = model.settings.upcoming_works_days
    site.write(f"{FOLDER}/{SCHEMA_NAME}", schema_bytes())
    pages = []
    kept_previews = EncodedImages.of_site(model, site, FOLDER)  # PNG compression is slow
    for sector in model.sectors:
        for panel in sector.panels:
            items = messages(model, panel, site.url, window, max_messages)
            json_url = f"{FOLDER}/{panel.id}.json"
            site.write(json_url, dumps(panel_document(model, panel, items)))
            previews = []
            for message in items:
                png_url = f"{FOLDER}/{PREVIEW_FOLDER}/{panel.id}/{message.id}.png"
                site.write(png_url, kept_previews.data(
                    ("panel", preview.CODE_VERSION, tuple(message.fitted.lines), panel.lines, panel.columns),
                    ".png", lambda: preview.png_bytes(
                        preview.draw_panel(message.fitted.lines, panel.lines, panel.columns))))
                previews.append((message, png_url, preview.image_size(panel.lines, panel.columns)))
            pages.append(PanelPage(panel, sector, items, json_url, previews))
    kept_previews.forget_unused()
    site.render(
        f"{FOLDER}/index.html", "clairvoie_panels",
        panel_pages=pages, panel_schema_url=f"{FOLDER}/{SCHEMA_NAME}",
        panel_priorities=PRIORITY_NAMES, panel_max_messages=max_messages,
        navigation_files=[f"{roadworks.FOLDER}/{name}" for name in roadworks.FILES],
        works_without_geometry=roadworks.orders_without_geometry(model),
    )
