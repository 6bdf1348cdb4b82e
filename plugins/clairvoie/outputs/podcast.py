"""The city's podcast: ``/podcast.rss``, made of the news articles with ``Audio:``.

Written as::

    /podcast.rss               RSS 2.0 with Apple's itunes: tags (feedgen's podcast extension)
    /podcast/couverture.jpg    the square cover art
    /media/<file>.mp3          each episode's sound, at its path in content/, without its
                               tags (``sound_tags``: names, comments, pictures with their own
                               EXIF); written here so that the enclosure never points at
                               nothing (a copy Pelican would make is taken over,
                               ``image_privacy.take_over_static_images``)

An episode is a news item whose ``episode`` the model read from the file itself
(``model/__init__.py``, ``_episode``): byte length, duration and MIME type are never
typed by hand. Episodes come from ``model.announcements`` (those out by the build date),
newest first. No episode: no feed, no cover, and no ``<link rel="alternate">``.

What Apple Podcasts asks for is there: a square cover of 1400 to 3000 pixels in RGB
JPEG, ``itunes:explicit`` as ``true``/``false``, a category, an owner (name and e-mail),
an author, the language, and for each item an enclosure, a GUID, a date, a duration,
and the episode and season numbers when the article gives them.

The GUID is the tag URI of the article's entry in the news feeds
(``syndication.entry_id``): it does not change when SITEURL, the title or the file does.
The feed's dates are its newest episode's, never the build time: the same sources give
byte-identical files.

The cover is cut from ``CLAIRVOIE_PODCAST_COVER`` when set, else drawn with the
podcast's name in the theme's colours, with the social cards' typeface
(``imaging.Typeface``: the accents Pillow's own font lacks are drawn on).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Any
from zoneinfo import ZoneInfo

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from markupsafe import Markup
from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

from .. import sound_tags
from ..model.announcements import Announcement
from ..model.records import Model
from . import imaging
from .site import AlternateLink, Site
from .syndication import entry_id

FEED_URL = "podcast.rss"
COVER_URL = "podcast/couverture.jpg"
COVER_SIZE = 3000  # the drawn cover; a cut one is 1400 to 3000 px, as large as its source allows
COVER_MIN, COVER_MAX = 1400, 3000  # Apple's limits
COVER_QUALITY = 90
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"

logger = logging.getLogger(__name__)


# --- what the model says ------------------------------------------------------------------
def episodes(model: Model) -> list[Announcement]:
    """The announcements of the podcast's episodes, newest first (out by the build date)."""
    return [a for a in model.announcements
            if a.kind == "news" and a.record.episode is not None]


def podcast_title(settings: Any, site_name: str) -> str:
    return settings.podcast_title.strip() or f"Le podcast de {site_name}"


def alternate_links(model: Model, sector_id: str | None) -> list[AlternateLink]:
    """The podcast, on the home page only, when there is at least one episode."""
    if sector_id is not None or not episodes(model):
        return []
    name = model.settings.podcast_title.strip()
    return [AlternateLink("application/rss+xml", f"Podcast : {name}" if name else "Podcast de la ville",
                          FEED_URL)]


# --- the feed -----------------------------------------------------------------------------
class ItunesExplicit(BaseExtension):
    """feedgen extension: ``<itunes:explicit>true|false</itunes:explicit>`` on the channel.

    feedgen's podcast extension only writes the old "yes"/"no"/"clean"; Apple now asks
    for "true" or "false".
    """

    explicit = False

    def extend_ns(self) -> dict[str, str]:
        return {"itunes": ITUNES_NS}

    def extend_rss(self, feed: Any) -> Any:
        element = feed[0].makeelement(f"{{{ITUNES_NS}}}explicit")
        element.text = "true" if self.explicit else "false"
        feed[0].append(element)
        return feed


def _aware(date: dt.datetime, timezone: str) -> dt.datetime:
    """Pelican's dates are aware when TIMEZONE is set; a naive one is taken in the site's zone."""
    return date if date.tzinfo else date.replace(tzinfo=ZoneInfo(timezone))


def podcast_feed(model: Model, site: Site) -> bytes:
    """The RSS document of the podcast (there must be at least one episode)."""
    settings = model.settings
    author = settings.podcast_author.strip() or site.publisher
    title = podcast_title(settings, site.name)
    home = site.absolute("")
    chosen = episodes(model)
    newest = _aware(chosen[0].date, model.timezone)

    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("itunesexplicit", ItunesExplicit, None)
    fg.itunesexplicit.explicit = bool(settings.podcast_explicit)
    fg.title(title)
    # RSS takes its <link> from the last link given, its <atom:link rel="self"> from the self one.
    fg.link(href=site.absolute(FEED_URL), rel="self", type="application/rss+xml")
    fg.link(href=home, rel="alternate")
    fg.description(settings.podcast_description.strip() or title)
    fg.language(site.pelican_settings.get("DEFAULT_LANG") or "fr")
    fg.generator("Clairvoie")
    fg.lastBuildDate(newest)
    fg.pubDate(newest)
    cover = site.absolute(COVER_URL)
    fg.image(url=cover, title=title, link=home)
    fg.podcast.itunes_image(cover)
    fg.podcast.itunes_author(author)
    fg.podcast.itunes_type("episodic")
    if settings.podcast_subcategory.strip():
        fg.podcast.itunes_category(settings.podcast_category, settings.podcast_subcategory.strip())
    else:
        fg.podcast.itunes_category(settings.podcast_category)
    if settings.podcast_owner_email.strip():
        fg.podcast.itunes_owner(name=author, email=settings.podcast_owner_email.strip())
    else:
        logger.warning("CLAIRVOIE_PODCAST_OWNER_EMAIL est vide : Apple Podcasts refuse un podcast "
                       "sans adresse de contact (mettez celle d'un service, pas d'une personne).")

    for announcement in chosen:
        news = announcement.record
        episode = news.episode
        article = news.article
        fe = fg.add_entry(order="append")
        fe.title(str(Markup(article.title).striptags()))
        fe.link(href=site.absolute(article.url))
        fe.guid(entry_id(site.domain, announcement.key), permalink=False)
        fe.pubDate(_aware(article.date, model.timezone))
        summary = announcement.summary or str(Markup(getattr(article, "summary", "") or "").striptags())
        fe.description(summary or fe.title())
        if getattr(article, "content", None):
            fe.content(str(article.content), type="html")  # the transcript, for who cannot listen
        fe.enclosure(site.absolute(episode.url), str(episode.length), episode.mime_type)
        fe.podcast.itunes_duration(str(max(1, round(episode.duration))))
        if episode.season is not None:
            fe.podcast.itunes_season(episode.season)
        if episode.number is not None:
            fe.podcast.itunes_episode(episode.number)
        fe.podcast.itunes_episode_type("full")
    return fg.rss_str(pretty=True, encoding="UTF-8")


# --- the cover ----------------------------------------------------------------------------
def _cover_source(settings: Any) -> Image.Image | None:
    """The configured picture's pixels (upright, sRGB, no metadata), or None."""
    if not settings.podcast_cover:
        return None
    path = os.path.join(settings.site_root, settings.podcast_cover)
    try:
        return imaging.published_pixels(path)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        logger.warning("CLAIRVOIE_PODCAST_COVER : image introuvable ou illisible (%s) ; "
                       "la couverture du podcast est dessinée avec son nom.", settings.podcast_cover)
        return None


def cut_cover(source: Image.Image) -> Image.Image:
    """The picture's centre, square, 1400 to 3000 px (a small picture is enlarged to 1400)."""
    side = max(COVER_MIN, min(COVER_MAX, *source.size))
    return ImageOps.fit(source, (side, side), Image.Resampling.LANCZOS)


TITLE_SIZES = (120, 108, 96, 84, 72, 62, 54)  # per 1000 px: the largest at which the name fits
TITLE_LINES = 5
WAVE = (40, 90, 150, 70, 120, 180, 100, 60, 140, 80, 30)  # bar heights, per 1000 px


def draw_cover(title: str, site_name: str, face: imaging.Typeface, size: int = COVER_SIZE) -> Image.Image:
    """A sound wave, the word PODCAST, the podcast's name large and the site's name at the
    bottom, on the theme's colour."""
    scale = size / 1000

    def px(value: float) -> int:
        return round(value * scale)

    cover = Image.new("RGB", (size, size), imaging.BRAND)
    draw = ImageDraw.Draw(cover)
    margin = px(90)
    width = size - 2 * margin

    # A sound wave, top: white bars, every third in one of the theme's tone colours.
    tones = list(imaging.TONE_LINE.values())
    x, middle, bar = margin, px(190), px(26)
    for index, height in enumerate(WAVE):
        colour = tones[(index // 3) % len(tones)] if index % 3 == 0 else (255, 255, 255)
        draw.rounded_rectangle((x, middle - px(height) // 2, x + bar, middle + px(height) // 2),
                               radius=bar // 2, fill=colour)
        x += bar + px(18)
    face.draw(draw, (margin, px(370)), "PODCAST", face.at(px(52)), imaging.MUTED_ON_BRAND, bold=True)

    # The site's name, bottom, under a thin rule.
    name_font = face.at(px(42))
    bottom = size - margin
    for line in reversed(face.wrap(site_name, name_font, width, 2)):
        face.draw(draw, (margin, bottom), line, name_font, imaging.MUTED_ON_BRAND)
        bottom -= px(56)
    rule = bottom - px(8)
    draw.rectangle((margin, rule, margin + px(140), rule + px(6)), fill=imaging.MUTED_ON_BRAND)

    # The podcast's name between them: the largest size at which it fits whole (no word
    # cut, nothing left out), else the smallest.
    top, room = px(370) + px(40), rule - px(50) - (px(370) + px(40))
    words = " ".join(title.split())
    for title_size in TITLE_SIZES:
        font = face.at(px(title_size))
        leading = px(title_size * 1.16)
        lines = face.wrap(title, font, width, TITLE_LINES)
        if " ".join(lines) == words and leading * len(lines) <= room:
            break
    baseline = top + px(title_size)
    for line in lines:
        face.draw(draw, (margin, baseline), line, font, (255, 255, 255), bold=True)
        baseline += leading
    return cover


def podcast_cover(model: Model, site_name: str) -> Image.Image:
    settings = model.settings
    source = _cover_source(settings)
    if source is not None:
        return cut_cover(source)
    face = imaging.Typeface(imaging.card_font_path(settings))
    return draw_cover(podcast_title(settings, site_name), site_name, face)


# --- writing ------------------------------------------------------------------------------
def write_podcast(model: Model, site: Site) -> None:
    if not episodes(model):
        return
    site.write(FEED_URL, podcast_feed(model, site))
    cover = podcast_cover(model, site.name)
    site.write(COVER_URL, imaging.jpeg_bytes(cover, COVER_QUALITY, sharp=True))
    for announcement in episodes(model):
        episode = announcement.record.episode
        with open(episode.source_path, "rb") as stream:
            site.write(episode.url, sound_tags.without_tags(stream.read()))
