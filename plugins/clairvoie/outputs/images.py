"""Published images: photo renditions and the social card of each project.

Photos: every rendition the model lists (``model/build.py``, ``_photo``) is
written twice, in WebP and in JPEG. Each copy is turned upright (EXIF
orientation), converted to sRGB, and carries no metadata at all: no EXIF (GPS
position, camera, date), no XMP, no ICC profile, no comment. The originals in
``content/`` are only read, never modified.

Social cards: ``Project.social_card``, a 1200×630 JPEG that social networks and
messaging apps show for a shared link, drawn from the project's title, its
status and its first photo (or a plain background without photo), with the
site's name at the bottom.

Everything here is a pure function of the sources: no date, no randomness, and
Pillow's encoders give the same bytes for the same pixels and options. So each
encoded file is kept in ``<CACHE_PATH>/clairvoie-images/`` under a hash of what
made it (the original's bytes or the card's words, the options, this code, the
libraries' versions), and the next build copies it instead of encoding again.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from pathlib import Path
from typing import Callable, Sequence

from PIL import Image, ImageDraw, ImageOps

from .. import parallel
from ..labels import project_status_fr
from ..model.records import Model, Photo, Project
from . import imaging
from .imaging import BRAND, MUTED_ON_BRAND, TONE_LINE, EncodedImages, Typeface, file_digest, published_pixels
from .site import Site

# Below this many projects, starting processes costs more than it saves.
PROJECTS_PER_EXTRA_PROCESS = 100

# Part of every kept image's key (with imaging's): new drawing code, new images.
CODE_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()

logger = logging.getLogger(__name__)


# --- photos ------------------------------------------------------------------------------
def write_photos(model: Model, site: Site) -> None:
    settings = model.settings
    site_name = site.name
    font_path = imaging.card_font_path(settings)
    font_digest = file_digest(font_path) if font_path else None
    card_quality = max(settings.photo_quality, 85)
    cache = EncodedImages.of_site(model, site)

    def encode_share(projects: Sequence[Project]) -> tuple[set[str], int, int]:
        """Photos and cards of some projects; the kept files used, and how many were encoded or reused."""
        encoded = EncodedImages(cache.folder)
        face = Typeface(font_path)
        sources: dict[str, Original] = {}
        for project in projects:
            originals = [sources.setdefault(photo.source_path, Original(photo.source_path))
                         for photo in project.photos]
            for original, photo in zip(originals, project.photos):
                write_renditions(original, photo, site, settings.photo_quality, encoded)
            cover = originals[0] if originals else None
            inputs = ("card", CODE_VERSION, project.title, card_badges(project), project.tone, project.social_card.width,
                      project.social_card.height, cover.digest if cover else None, site_name, font_digest,
                      card_quality)
            _write_kept(site, encoded, project.social_card.url, inputs, lambda: imaging.jpeg_bytes(
                draw_social_card(project, cover.pixels() if cover else None, site_name, face), card_quality,
                sharp=True))
        return encoded.used, encoded.encoded, encoded.reused

    # Encoding is the slowest part of a first build: one process per CPU shares the projects.
    processes = parallel.process_count(settings.build_processes, len(model.projects), PROJECTS_PER_EXTRA_PROCESS)
    for used, encoded_count, reused_count in parallel.for_each(model.projects, encode_share, processes,
                                                               "des images"):
        cache.used |= used
        cache.encoded += encoded_count
        cache.reused += reused_count
    cache.forget_unused()
    logger.info("Images : %d fichiers encodés, %d repris du cache", cache.encoded, cache.reused)


class Original:
    """A photo's original: the hash of its bytes at once, its pixels only once something needs them."""

    def __init__(self, path: str):
        self.path = path
        self.digest = file_digest(path)
        self._pixels: Image.Image | None = None

    def pixels(self) -> Image.Image:
        if self._pixels is None:
            self._pixels = published_pixels(self.path)
        return self._pixels


def write_renditions(upright: "Image.Image | Original", photo: Photo, site: Site, quality: int,
                     encoded: "EncodedImages | None" = None) -> None:
    """Every rendition of a photo, in JPEG and WebP.

    ``upright`` is the photo's published pixels, or its original, whose pixels are
    made only when a rendition is not kept in ``encoded`` (found by the original's hash).
    """
    original = upright if isinstance(upright, Original) else None
    pixels = original.pixels if original else lambda: upright
    if original is None or encoded is None:  # only an original's hash can name kept files
        encoded = EncodedImages(None)

    @functools.cache
    def resized(size: tuple[int, int]) -> Image.Image:
        image = pixels()
        return image if image.size == size else image.resize(size, Image.Resampling.LANCZOS)

    for rendition in photo.renditions:
        size = (rendition.width, rendition.height)
        inputs = ("photo", CODE_VERSION, original.digest if original else None, size, quality)
        _write_kept(site, encoded, rendition.url, (*inputs, "jpeg"),
                    lambda: imaging.jpeg_bytes(resized(size), quality))
        if rendition.webp_url:
            _write_kept(site, encoded, rendition.webp_url, (*inputs, "webp"),
                        lambda: imaging.webp_bytes(resized(size), quality))


def _write_kept(site: Site, encoded: EncodedImages, save_as: str, inputs: tuple, encode: Callable[[], bytes]) -> None:
    site.write(save_as, encoded.data(inputs, os.path.splitext(save_as)[1], encode))


# --- social cards ----------------------------------------------------------------------------
CARD_PADDING = 56
CARD_PHOTO_WIDTH = 540  # the photo fills the left of the card, the text the right
# Badge colours of the theme (text, background), by tone.
TONES = {
    "on-time": ((0x1B, 0x63, 0x32), (0xE6, 0xF2, 0xE9)),
    "late": ((0x8A, 0x3C, 0x00), (0xFD, 0xF0, 0xE1)),
    "stopped": ((0xA3, 0x12, 0x1B), (0xFB, 0xE9, 0xEA)),
    "done": ((0x34, 0x49, 0x5E), (0xEA, 0xEE, 0xF2)),
}
TITLE_SIZES = (64, 56, 48)  # the largest at which the title fits in three lines
TITLE_LINES = 3


def card_badges(project: Project) -> list[tuple[str, str]]:
    """(tone, words) of the card's badges: the status as on the page, then bad news."""
    badges = [(project.tone, project_status_fr(project))]
    if project.is_over_budget:
        badges.append(("late", "Budget dépassé"))
    return badges


def draw_social_card(project: Project, cover: Image.Image | None, site_name: str,
                     face: "Typeface") -> Image.Image:
    width, height = project.social_card.width, project.social_card.height
    left = CARD_PHOTO_WIDTH if cover is not None else CARD_PADDING
    background, text_left, top, rule = _card_background(face.path, width, height, left, project.tone,
                                                        tuple(card_badges(project)), site_name)
    # Drawn on a copy of what every card of that tone and badges shares: the same pixels as
    # drawing it all here, since nothing below overlaps it (the photo is left of the stripe).
    card = background.copy()
    if cover is not None:
        card.paste(ImageOps.fit(cover, (CARD_PHOTO_WIDTH, height), Image.Resampling.LANCZOS), (0, 0))
    draw = ImageDraw.Draw(card)
    text_width = width - CARD_PADDING - text_left

    # The title, in the room left between the badges and the site's name, at most three lines.
    room = rule - 36 - top
    for size in TITLE_SIZES:
        title_font = face.at(size)
        leading = round(size * 1.2)
        lines = face.wrap(project.title, title_font, text_width, TITLE_LINES)
        fits = not lines[-1].endswith("…") or lines[-1] == project.title
        if fits and leading * len(lines) <= room:
            break
    baseline = top + size
    for line in lines:
        face.draw(draw, (text_left, baseline), line, title_font, (255, 255, 255), bold=True)
        baseline += leading
    return card


@functools.lru_cache(maxsize=32)
def _card_background(font_path: str | None, width: int, height: int, left: int, tone: str,
                     badges: tuple[tuple[str, str], ...], site_name: str) -> tuple[Image.Image, int, int, int]:
    """A card without its photo and title, (the text's left edge, the title's top, the rule's top).

    A few tones and badges make every card's background: each is drawn once per process.
    Never drawn on: callers copy it.
    """
    face = Typeface(font_path)
    card = Image.new("RGB", (width, height), BRAND)
    draw = ImageDraw.Draw(card)
    # A stripe in the project's tone colour, between the photo (or the edge) and the text.
    draw.rectangle((left, 0, left + 11, height), fill=TONE_LINE[tone])
    left += 12 + CARD_PADDING
    right = width - CARD_PADDING
    text_width = right - left

    # Badges, top.
    y = CARD_PADDING
    badge_font = face.at(30)
    x = left
    for badge_tone, words in badges:
        words_width = face.length(words, badge_font)
        box = (x, y, x + words_width + 36, y + 52)
        if box[2] > right and x > left:  # no room beside the previous badge: next line
            x, y = left, y + 64
            box = (x, y, x + words_width + 36, y + 52)
        ink, background = TONES[badge_tone]
        draw.rounded_rectangle(box, radius=10, fill=background)
        face.draw(draw, (x + 18, y + 39), words, badge_font, ink, bold=True)
        x = box[2] + 14
    top = y + 52 + 44

    # The site's name, bottom, under a thin rule.
    name_font = face.at(28)
    name_lines = face.wrap(site_name, name_font, text_width, 2)
    bottom = height - CARD_PADDING
    for line in reversed(name_lines):
        face.draw(draw, (left, bottom), line, name_font, MUTED_ON_BRAND)
        bottom -= 38
    rule = bottom - 6
    draw.rectangle((left, rule, left + 96, rule + 3), fill=MUTED_ON_BRAND)
    return card, left, top, rule
