"""Clairvoie's settings: typed defaults, read from Pelican's settings by prefix.

Every knob a site may turn lives here, named ``CLAIRVOIE_<NAME>`` in
``pelicanconf.py``. There is deliberately no knob that hides negative news.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any

DEFAULT_CATEGORIES = (
    "voirie",
    "éclairage",
    "espaces verts",
    "bâtiments",
    "eau et assainissement",
    "mobilité",
    "propreté",
    "écoles",
    "sport",
    "culture",
)

PREFIX = "CLAIRVOIE_"


@dataclass(frozen=True)
class ClairvoieSettings:
    # Where sector files live; relative paths are taken from the site root
    # (the parent folder of Pelican's PATH).
    sectors_path: str = "sectors"
    # Record folders, relative to Pelican's PATH (content/).
    projects_dir: str = "projects"
    works_dir: str = "works"
    events_dir: str = "events"
    # Categories a project may use: the spec's list plus the site's own.
    extra_categories: tuple[str, ...] = ()
    # Works orders starting within this many days count as "coming soon".
    upcoming_works_days: int = 14
    # How many news items a sector page lists.
    sector_news_count: int = 5
    # Widths (px) of published photo renditions, each written in WebP and JPEG;
    # a width larger than the original is not made (photos are never enlarged).
    photo_widths: tuple[int, ...] = (480, 960, 1600)
    # Encoder quality (1-100) of both formats, and of the social cards.
    photo_quality: int = 80
    # Font file (TrueType/OpenType, path from the site root) for the social cards
    # drawn for each project; empty: the font shipped with Pillow, the same on
    # every machine, so that the cards do not depend on the fonts installed.
    photo_card_font: str = ""
    site_root: str = field(default="", compare=False)

    @property
    def categories(self) -> tuple[str, ...]:
        return DEFAULT_CATEGORIES + tuple(
            c for c in self.extra_categories if c not in DEFAULT_CATEGORIES
        )

    def sectors_dir(self) -> str:
        return os.path.normpath(os.path.join(self.site_root, self.sectors_path))

    @classmethod
    def from_pelican(cls, pelican_settings: dict[str, Any]) -> "ClairvoieSettings":
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = PREFIX + f.name.upper()
            if key in pelican_settings:
                value = pelican_settings[key]
                values[f.name] = tuple(value) if isinstance(value, list) else value
        content_path = os.path.abspath(pelican_settings.get("PATH", "content"))
        values["site_root"] = os.path.dirname(content_path)
        return cls(**values)
