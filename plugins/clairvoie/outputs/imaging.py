"""Pictures as the channels make them: clean pixels, deterministic encoders, the theme's
colours and typeface, and the encoded files kept between builds.

Shared by the photos and social cards (``images.py``), the podcast's cover, the panels'
previews and the stripped originals (``image_privacy.py``). Pillow's encoders give the
same bytes for the same pixels and options: an encoded file is kept under a hash of what
made it, and the next build copies it instead of encoding again. A folder named by
``CLAIRVOIE_SHARED_CACHE`` may also keep them for several sites' builds (CI, tests).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import logging
import os
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import PIL
from PIL import Image, ImageCms, ImageDraw, ImageFont, ImageOps, features

from ..model.records import Model
from .site import Site

WEBP_METHOD = 6  # slowest, smallest; still deterministic

logger = logging.getLogger(__name__)

# The theme's colours, for what is drawn on its brand background.
BRAND = (0x17, 0x32, 0x4F)  # --brand of the theme; white text on it: 13:1
MUTED_ON_BRAND = (0xC9, 0xD0, 0xD8)  # --line of the theme; 9:1 on --brand
TONE_LINE = {
    "on-time": (0x2E, 0x7D, 0x45),
    "late": (0xC0, 0x5A, 0x00),
    "stopped": (0xB3, 0x26, 0x2E),
    "done": (0x5A, 0x6B, 0x7D),
}


# --- pixels -------------------------------------------------------------------------------
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


# --- encoded images kept between builds -------------------------------------------------------
CACHE_FOLDER = "clairvoie-images"  # in Pelican's CACHE_PATH
# What else makes an image's bytes: this module's code and the libraries that decode, convert,
# draw and encode. A change to any of them encodes everything again.
ENCODER_VERSION = (
    hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
    PIL.__version__,
    *(features.version(name) for name in ("jpg", "webp", "littlecms2", "freetype2", "raqm")),
)


# A folder several sites' builds may share (a CI's kept cache, the test suite): it is looked in
# when a build's own cache lacks a file, written to after encoding, and never pruned.
SHARED_CACHE_VARIABLE = "CLAIRVOIE_SHARED_CACHE"


def shared_folder() -> str | None:
    return os.environ.get(SHARED_CACHE_VARIABLE) or None


class EncodedImages:
    """Encoded images kept between builds, each named by a hash of everything its bytes depend on.

    A build copies a kept file instead of encoding the image again (the bytes are
    the same: the encoders are deterministic), and forgets the files it did not use.
    Without a folder (``None``), every image is encoded. The shared folder
    (``CLAIRVOIE_SHARED_CACHE``) holds the same names for every site, in one place:
    a hash names the same bytes whatever the site.
    """

    def __init__(self, folder: str | None, shared: str | None = None):
        self.folder = folder
        self.shared = (shared or shared_folder()) if folder is not None else None
        self.used: set[str] = set()
        self.encoded = self.reused = 0

    @classmethod
    def of_site(cls, model: Model, site: Site, part: str = "") -> "EncodedImages":
        """The kept images of one output, in Pelican's CACHE_PATH (relative to the site's folder)."""
        return cls(os.path.join(model.settings.site_root, site.pelican_settings["CACHE_PATH"], CACHE_FOLDER, part))

    def data(self, inputs: tuple[Any, ...], suffix: str, encode: Callable[[], bytes]) -> bytes:
        """The bytes of the image that ``inputs`` describe: kept, or encoded by ``encode`` and kept."""
        if self.folder is None:
            self.encoded += 1
            return encode()
        name = self._name(inputs, suffix)
        data = self._kept(name)
        if data is None:
            data = encode()
            self.encoded += 1
            if self.shared:
                write_whole(os.path.join(self.shared, name), data)
            write_whole(os.path.join(self.folder, name), data)
        return data

    def kept_data(self, inputs: tuple[Any, ...], suffix: str) -> bytes | None:
        """The kept bytes of the image that ``inputs`` describe (then used, as by ``data``), or None."""
        return None if self.folder is None else self._kept(self._name(inputs, suffix))

    def _kept(self, name: str) -> bytes | None:
        self.used.add(name)
        kept = os.path.join(self.folder, name)
        try:
            with open(kept, "rb") as stream:
                data = stream.read()
        except FileNotFoundError:
            data = self._shared_data(name)
            if data is None:
                return None
            write_whole(kept, data)  # the next build of this site needs no shared folder
            self.reused += 1
            return data
        if self.shared and not os.path.exists(os.path.join(self.shared, name)):
            write_whole(os.path.join(self.shared, name), data)  # what a site kept, other sites may use
        self.reused += 1
        return data

    @staticmethod
    def _name(inputs: tuple[Any, ...], suffix: str) -> str:
        return hashlib.sha256(repr((ENCODER_VERSION, inputs)).encode()).hexdigest() + suffix

    def _shared_data(self, name: str) -> bytes | None:
        if not self.shared:
            return None
        try:
            with open(os.path.join(self.shared, name), "rb") as stream:
                return stream.read()
        except FileNotFoundError:
            return None

    def forget_unused(self) -> None:
        """Delete the kept files this build did not use (old titles, removed photos…); never shared ones."""
        if self.folder is None or not os.path.isdir(self.folder):
            return
        if self.shared and os.path.isdir(self.shared) and os.path.samefile(self.folder, self.shared):
            return  # a shared folder keeps what other sites use
        for entry in os.scandir(self.folder):
            if entry.is_file() and entry.name not in self.used:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(entry.path)


def write_whole(path: str, data: bytes) -> None:
    """Write under a temporary name, then rename: a reader never sees half a file, and
    writers of the same name (processes, threads) each rename a whole one."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{os.getpid()}-{threading.get_ident()}.tmp"
    with open(temporary, "wb") as stream:
        stream.write(data)
    os.replace(temporary, path)


def file_digest(path: str) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


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
