"""The feeds a page announces with ``<link rel="alternate">``, gathered from each channel.

Each channel module that publishes feeds offers ``alternate_links(model,
sector_id)`` (``sector_id`` None: the city-wide feeds of the home page);
this module only collects them, in a fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.records import Model


@dataclass(frozen=True)
class AlternateLink:
    type: str  # MIME type, e.g. "application/rss+xml"
    title: str  # French, shown by browsers and feed readers
    url: str  # relative to the site root


def _channels():
    # Imported here: channel modules import AlternateLink from this one.
    from . import calendar, feeds, newsletter_archive, podcast

    return (feeds, podcast, calendar, newsletter_archive)


def alternate_links(model: Model, sector_id: str | None) -> list[AlternateLink]:
    return [link for channel in _channels() for link in channel.alternate_links(model, sector_id)]
