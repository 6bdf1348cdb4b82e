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

import contextlib
import functools
import hashlib
import io
import logging
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import PIL
from PIL import Image, ImageCms, ImageDraw, ImageFont, ImageOps, features

from .. import parallel
from ..labels import PROJECT_STATUS
from ..model.records import Model, Photo, Project

WEBP_METHOD = 6  # slowest, smallest; still deterministic
# Below this many projects, starting processes costs more than it saves.
PROJECTS_PER_EXTRA_PROCESS = 100

logger = logging.getLogger(__name__)


# --- photos ------------------------------------------------------------------------------
def write_photos(model: Model, generator: Any, writer: Any) -> None:
    settings = model.settings
    site_name = generator.settings.get("SITENAME", "")
    font_path = card_font_path(settings)
    font_digest = _file_digest(font_path) if font_path else None
    card_quality = max(settings.photo_quality, 85)
    cache = EncodedImages.of_site(model, generator)

    def encode_share(projects: Sequence[Project]) -> tuple[set[str], int, int]:
        """Photos and cards of some projects; the kept files used, and how many were encoded or reused."""
        encoded = EncodedImages(cache.folder)
        face = Typeface(font_path)
        sources: dict[str, Original] = {}
        for project in projects:
            originals = [sources.setdefault(photo.source_path, Original(photo.source_path))
                         for photo in project.photos]
            for original, photo in zip(originals, project.photos):
                write_renditions(original, photo, generator.output_path, settings.photo_quality, encoded)
            cover = originals[0] if originals else None
            inputs = ("card", project.title, card_badges(project), project.tone, project.social_card.width,
                      project.social_card.height, cover.digest if cover else None, site_name, font_digest,
                      card_quality)
            encoded.write(_target(generator.output_path, project.social_card.url), inputs, lambda: jpeg_bytes(
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
        self.digest = _file_digest(path)
        self._pixels: Image.Image | None = None

    def pixels(self) -> Image.Image:
        if self._pixels is None:
            self._pixels = published_pixels(self.path)
        return self._pixels


def published_pixels(source_path: str) -> Image.Image:
    """The original's pixels, upright, in sRGB, on white where transparent, with no metadata."""
    with Image.open(source_path) as original:
        original.seek(0)  # the first frame of an animated image
        icc_profile = original.info.get("icc_profile")
        image = ImageOps.exif_transpose(original)
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            rgba = image.convert("RGBA")
            image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
        if icc_profile:  # the profile describes the file's own colours (RGB, CMYK or grey)
            image = _to_srgb(image, icc_profile)
        image = image.convert("RGB")
    # A fresh image: nothing of the original's info (EXIF, XMP, ICC, comments) comes along.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    return clean


def _to_srgb(image: Image.Image, icc_profile: bytes) -> Image.Image:
    """Colours as the camera meant them, once the profile that described them is dropped."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an unreadable profile: keep the pixels as they are


def write_renditions(upright: "Image.Image | Original", photo: Photo, output_path: str, quality: int,
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
        inputs = ("photo", original.digest if original else None, size, quality)
        encoded.write(_target(output_path, rendition.url), (*inputs, "jpeg"),
                      lambda: jpeg_bytes(resized(size), quality))
        if rendition.webp_url:
            encoded.write(_target(output_path, rendition.webp_url), (*inputs, "webp"),
                          lambda: webp_bytes(resized(size), quality))


def _target(output_path: str, url: str) -> str:
    target = os.path.join(output_path, *url.split("/"))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    return target


def save_jpeg(image: Image.Image, target: str, quality: int, sharp: bool = False) -> None:
    with open(target, "wb") as stream:
        stream.write(jpeg_bytes(image, quality, sharp))


def jpeg_bytes(image: Image.Image, quality: int, sharp: bool = False) -> bytes:
    image.info.clear()
    # exif=b"" and no icc_profile/comment: the file holds pixels and nothing else.
    # sharp: no chroma subsampling, for text on the social cards.
    data = io.BytesIO()
    image.save(data, "JPEG", quality=quality, optimize=True, progressive=True,
               subsampling=0 if sharp else 2, exif=b"")
    return data.getvalue()


def webp_bytes(image: Image.Image, quality: int) -> bytes:
    image.info.clear()
    data = io.BytesIO()
    image.save(data, "WEBP", quality=quality, method=WEBP_METHOD, exif=b"", xmp=b"", icc_profile=None)
    return data.getvalue()


# --- the cache of encoded images -------------------------------------------------------------
CACHE_FOLDER = "clairvoie-images"  # in Pelican's CACHE_PATH
# What else makes an image's bytes: this module's code and the libraries that decode, convert,
# draw and encode. A change to any of them encodes everything again.
ENCODER_VERSION = (
    hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
    PIL.__version__,
    *(features.version(name) for name in ("jpg", "webp", "littlecms2", "freetype2", "raqm")),
)


class EncodedImages:
    """Encoded images kept between builds, each named by a hash of everything its bytes depend on.

    A build copies a kept file instead of encoding the image again (the bytes are
    the same: the encoders are deterministic), and forgets the files it did not use.
    Without a folder (``None``), every image is encoded.
    """

    def __init__(self, folder: str | None):
        self.folder = folder
        self.used: set[str] = set()
        self.encoded = self.reused = 0

    @classmethod
    def of_site(cls, model: Model, generator: Any, part: str = "") -> "EncodedImages":
        """The kept images of one output, in Pelican's CACHE_PATH (relative to the site's folder)."""
        return cls(os.path.join(model.settings.site_root, generator.settings["CACHE_PATH"], CACHE_FOLDER, part))

    def write(self, target: str, inputs: tuple[Any, ...], encode: Callable[[], bytes]) -> None:
        """Write the image that ``inputs`` describe at ``target``, encoded by ``encode`` if not kept."""
        _write_file(target, self.data(inputs, os.path.splitext(target)[1], encode))

    def data(self, inputs: tuple[Any, ...], suffix: str, encode: Callable[[], bytes]) -> bytes:
        """The bytes of the image that ``inputs`` describe: kept, or encoded by ``encode`` and kept."""
        if self.folder is None:
            self.encoded += 1
            return encode()
        name = hashlib.sha256(repr((ENCODER_VERSION, inputs)).encode()).hexdigest() + suffix
        self.used.add(name)
        kept = os.path.join(self.folder, name)
        try:
            with open(kept, "rb") as stream:
                data = stream.read()
        except FileNotFoundError:
            data = encode()
            self.encoded += 1
            _write_file(kept, data)
            return data
        self.reused += 1
        return data

    def forget_unused(self) -> None:
        """Delete the kept files this build did not use (old titles, removed photos…)."""
        if self.folder is None or not os.path.isdir(self.folder):
            return
        for entry in os.scandir(self.folder):
            if entry.is_file() and entry.name not in self.used:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(entry.path)


def _write_file(path: str, data: bytes) -> None:
    """Write under a temporary name, then rename: a reader never sees half a file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "wb") as stream:
        stream.write(data)
    os.replace(temporary, path)


def _file_digest(path: str) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


# --- social cards ----------------------------------------------------------------------------
CARD_PADDING = 56
CARD_PHOTO_WIDTH = 540  # the photo fills the left of the card, the text the right
BRAND = (0x17, 0x32, 0x4F)  # --brand of the theme; white text on it: 13:1
MUTED_ON_BRAND = (0xC9, 0xD0, 0xD8)  # --line of the theme; 9:1 on --brand
# Badge colours of the theme (text, background), by tone.
TONES = {
    "on-time": ((0x1B, 0x63, 0x32), (0xE6, 0xF2, 0xE9)),
    "late": ((0x8A, 0x3C, 0x00), (0xFD, 0xF0, 0xE1)),
    "stopped": ((0xA3, 0x12, 0x1B), (0xFB, 0xE9, 0xEA)),
    "done": ((0x34, 0x49, 0x5E), (0xEA, 0xEE, 0xF2)),
}
TONE_LINE = {
    "on-time": (0x2E, 0x7D, 0x45),
    "late": (0xC0, 0x5A, 0x00),
    "stopped": (0xB3, 0x26, 0x2E),
    "done": (0x5A, 0x6B, 0x7D),
}
TITLE_SIZES = (64, 56, 48)  # the largest at which the title fits in three lines
TITLE_LINES = 3


def card_badges(project: Project) -> list[tuple[str, str]]:
    """(tone, words) of the card's badges: the status as on the page, then bad news."""
    badges = [(project.tone, PROJECT_STATUS[project.status] + (", en retard" if project.is_late else ""))]
    if project.is_over_budget:
        badges.append(("late", "Budget dépassé"))
    return badges


def draw_social_card(project: Project, cover: Image.Image | None, site_name: str,
                     face: "Typeface") -> Image.Image:
    width, height = project.social_card.width, project.social_card.height
    card = Image.new("RGB", (width, height), BRAND)
    draw = ImageDraw.Draw(card)
    left = CARD_PADDING
    if cover is not None:
        card.paste(ImageOps.fit(cover, (CARD_PHOTO_WIDTH, height), Image.Resampling.LANCZOS), (0, 0))
        left = CARD_PHOTO_WIDTH
    # A stripe in the project's tone colour, between the photo (or the edge) and the text.
    draw.rectangle((left, 0, left + 11, height), fill=TONE_LINE[project.tone])
    left += 12 + CARD_PADDING
    right = width - CARD_PADDING
    text_width = right - left

    # Badges, top.
    y = CARD_PADDING
    badge_font = face.at(30)
    x = left
    for tone, words in card_badges(project):
        words_width = face.length(words, badge_font)
        box = (x, y, x + words_width + 36, y + 52)
        if box[2] > right and x > left:  # no room beside the previous badge: next line
            x, y = left, y + 64
            box = (x, y, x + words_width + 36, y + 52)
        ink, background = TONES[tone]
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

    # The title, in the room left between them, at most three lines.
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
        face.draw(draw, (left, baseline), line, title_font, (255, 255, 255), bold=True)
        baseline += leading
    return card


# --- text ------------------------------------------------------------------------------------
def card_font_path(settings: Any) -> str | None:
    if not settings.photo_card_font:
        return None
    path = os.path.join(settings.site_root, settings.photo_card_font)
    try:
        ImageFont.truetype(path, 12)
    except OSError:
        logger.warning("CLAIRVOIE_PHOTO_CARD_FONT : police introuvable ou illisible (%s) ; "
                       "les cartes de partage utilisent la police intégrée.", settings.photo_card_font)
        return None
    return path


# Letters a font lacks are drawn as their base letter with the accent on top:
# Pillow's own font (Aileron) has no "é", "à" or "ç", but has "e", "´" and ",".
_MARK_GLYPHS = {
    "\u0301": "´",  # acute
    "\u0300": "`",  # grave
    "\u0302": "^",  # circumflex
    "\u0303": "~",  # tilde
    "\u030a": "°",  # ring
    "\u0308": "..",  # diaeresis
    "\u0327": ",",  # cedilla, below
}
_REPLACEMENTS = {
    "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss",
    "–": "-", "—": "-", "‑": "-", "‐": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ",
    "€": "EUR", "“": "«", "”": "»", "•": "·",
}


@dataclass
class Typeface:
    """A font at several sizes, with the letters it lacks made up from the ones it has."""

    path: str | None = None
    _fonts: dict[int, ImageFont.FreeTypeFont] = field(default_factory=dict)
    _has: dict[str, bool] = field(default_factory=dict)

    def at(self, size: int) -> ImageFont.FreeTypeFont:
        if size not in self._fonts:
            font = ImageFont.truetype(self.path, size) if self.path else ImageFont.load_default(size=size)
            if not isinstance(font, ImageFont.FreeTypeFont):  # Pillow built without FreeType
                raise RuntimeError("Les cartes de partage demandent Pillow avec FreeType.")
            self._fonts[size] = font
        return self._fonts[size]

    def has(self, char: str) -> bool:
        """Whether the font draws this character itself (not its "missing glyph" box)."""
        if char not in self._has:
            font = self.at(48)
            self._has[char] = char.isspace() or _glyph(font, char) != _glyph(font, "\ue000")
        return self._has[char]

    def spell(self, text: str) -> tuple[str, dict[int, str]]:
        """The text in letters the font has, and the accents to add, by position."""
        letters: list[str] = []
        marks: dict[int, str] = {}
        for char in text:
            if self.has(char):
                letters.append(char)
                continue
            if char in _REPLACEMENTS:
                letters.extend(c for c in _REPLACEMENTS[char] if self.has(c) or c == " ")
                continue
            base, *combining = unicodedata.normalize("NFD", char)
            if self.has(base) and combining and all(m in _MARK_GLYPHS for m in combining):
                marks[len(letters)] = "".join(combining)
                letters.append(base)
            else:
                letters.append("?")
        return "".join(letters), marks

    def length(self, text: str, font: ImageFont.FreeTypeFont) -> float:
        return font.getlength(self.spell(text)[0])

    def wrap(self, text: str, font: ImageFont.FreeTypeFont, width: float, max_lines: int) -> list[str]:
        """Lines no wider than width; the last one ends with "…" when the text is longer."""
        words = text.split()
        lines: list[str] = []
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if self.length(candidate, font) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while self.length(word, font) > width:  # a word longer than a line: cut it
                cut = max(1, max(i for i in range(1, len(word) + 1)
                                 if self.length(word[:i] + "-", font) <= width or i == 1))
                lines.append(word[:cut] + "-")
                word = word[cut:]
            current = word
        if current:
            lines.append(current)
        if len(lines) > max_lines:
            last = lines[max_lines - 1]
            while last and self.length(last + "…", font) > width:
                last = last[:-1]
            lines = lines[:max_lines - 1] + [last.rstrip(" ,;:.-") + "…"]
        return lines or [""]

    def draw(self, draw: ImageDraw.ImageDraw, origin: tuple[float, float], text: str,
             font: ImageFont.FreeTypeFont, fill: tuple[int, int, int], bold: bool = False) -> None:
        """Text with its baseline at origin; bold is the regular face, thickened."""
        letters, marks = self.spell(text)
        x, baseline = origin
        stroke = max(1, round(font.size / 40)) if bold else 0
        # Runs of plain letters, and the accented ones one by one, each where it
        # stands in the whole line (so the spacing is the font's).
        cuts = sorted(marks)
        bounds = [-1] + cuts + [len(letters)]
        for before, after in zip(bounds, bounds[1:]):
            run = letters[before + 1:after]
            if run:
                draw.text((x + font.getlength(letters[:before + 1]), baseline), run, font=font, fill=fill,
                          anchor="ls", stroke_width=stroke, stroke_fill=fill)
        for index in cuts:
            mask, (dx, dy) = self._accented(letters[index], marks[index], font, stroke)
            draw.bitmap((round(x + font.getlength(letters[:index]) - dx), round(baseline - dy)), mask, fill=fill)

    def _accented(self, base: str, combining: str, font: ImageFont.FreeTypeFont,
                  stroke: int) -> tuple[Image.Image, tuple[int, int]]:
        """A mask of the base letter with its accents, and where its origin lies in the mask."""
        size = font.size
        ox, oy = size, round(size * 1.5)
        mask = Image.new("L", (size * 3, size * 2), 0)
        pen = ImageDraw.Draw(mask)
        pen.text((ox, oy), base, font=font, fill=255, anchor="ls", stroke_width=stroke, stroke_fill=255)
        left, top, right, _ = _ink(font, base, stroke)
        centre = ox + (left + right) / 2
        gap = size * 0.07
        if base in "ij":  # a dotless i (or j) under the accent
            x_height = _ink(font, "x", stroke)[1]
            pen.rectangle((0, 0, mask.width, oy + x_height - 1), fill=0)
            top = x_height
        stem = _ink(font, "l", stroke)[2] - _ink(font, "l", stroke)[0]
        for mark in combining:
            glyph = _MARK_GLYPHS[mark]
            if glyph == "^":  # the font's caret is too big for an accent: draw a chevron
                half, rise = size * 0.17, size * 0.15
                bottom = oy + top - gap
                pen.line([(centre - half, bottom - stem * 0.4), (centre, bottom - rise - stem * 0.4),
                          (centre + half, bottom - stem * 0.4)], fill=255, width=max(2, round(stem * 0.8)),
                         joint="curve")
                top += -rise - stem - gap
                continue
            m_left, m_top, m_right, m_bottom = _ink(font, glyph[0], stroke)
            m_width = m_right - m_left
            if mark == "\u0327":  # below the letter, hooked to its foot
                y = oy - m_top - size * 0.04
            else:  # above the letter, or above the accent already there
                y = oy + top - gap - m_bottom
                top += (m_top - m_bottom) - gap
            if len(glyph) == 2:  # two dots
                spread = max(m_width * 1.9, size * 0.26)
                positions: tuple[float, ...] = (centre - spread / 2, centre + spread / 2)
            else:
                positions = (centre,)
            for position in positions:
                pen.text((position - m_left - m_width / 2, y), glyph[0], font=font, fill=255, anchor="ls",
                         stroke_width=stroke, stroke_fill=255)
        return mask, (ox, oy)


@functools.lru_cache(maxsize=512)
def _ink(font: ImageFont.FreeTypeFont, char: str, stroke: int) -> tuple[int, int, int, int]:
    """The box of the inked pixels of one character, from its origin on the baseline.

    (font.getbbox reaches down to the baseline even for an accent that floats above it.)
    """
    size = font.size
    image = Image.new("L", (size * 3, size * 3))
    ImageDraw.Draw(image).text((size, size * 2), char, font=font, fill=255, anchor="ls",
                               stroke_width=stroke, stroke_fill=255)
    box = image.getbbox() or (size, size * 2, size, size * 2)
    return box[0] - size, box[1] - size * 2, box[2] - size, box[3] - size * 2


def _glyph(font: ImageFont.FreeTypeFont, char: str) -> bytes:
    image = Image.new("L", (font.size * 2, font.size * 2))
    ImageDraw.Draw(image).text((font.size // 2, font.size // 2), char, font=font, fill=255)
    return image.tobytes()
