"""Preview images of the panels: what each message looks like on the street, before publishing.

A panel is drawn as an LED matrix: amber dots on black, unlit dots faintly visible, a fixed
grid of ``lines`` × ``columns`` character cells of 6 × 11 dots (one dot row between lines).
The letters are those of Pillow's built-in bitmap font (a fixed-width Latin-1 font, the same
on every machine); a character outside Latin-1 (only on ``utf-8`` panels) is drawn from
Pillow's built-in outline font, reduced to the same dots, and an unknown one as a box.

The PNG files hold pixels only (no date, no text chunk): the same message gives the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import io
from pathlib import Path
from typing import Sequence

from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps

CELL_WIDTH = 6  # dots, including the space between letters
CELL_HEIGHT = 11
LINE_GAP = 1  # dot rows between two lines
MARGIN = 2  # dots around the text
PITCH = 5  # pixels from one dot to the next
LIT = (0xFF, 0xB0, 0x00)  # amber
DARK = (0x0B, 0x09, 0x07)  # the panel's face
UNLIT_LEVEL = 46  # 0-255: how much an unlit dot shows
# Part of the key of a kept preview (outputs/images.py, EncodedImages): new code, new previews.
CODE_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


@functools.lru_cache(maxsize=1)
def _bitmap_font() -> ImageFont.ImageFont:
    return ImageFont.load_default_imagefont()


@functools.lru_cache(maxsize=1024)
def glyph(char: str) -> Image.Image:
    """The character's dots, as a CELL_WIDTH × CELL_HEIGHT image (255: lit)."""
    cell = Image.new("L", (CELL_WIDTH, CELL_HEIGHT), 0)
    if char == " ":
        return cell
    draw = ImageDraw.Draw(cell)
    try:
        char.encode("latin-1")
        draw.text((0, 0), char, font=_bitmap_font(), fill=255)
        return cell.point(lambda v: 255 if v >= 128 else 0)
    except UnicodeEncodeError:
        pass
    big = Image.new("L", (CELL_WIDTH * 4, CELL_HEIGHT * 4), 0)
    font = ImageFont.load_default(size=CELL_HEIGHT * 3)
    ImageDraw.Draw(big).text((CELL_WIDTH * 2, CELL_HEIGHT * 3), char, font=font, fill=255, anchor="ms")
    small = big.resize((CELL_WIDTH, CELL_HEIGHT), Image.Resampling.BOX)
    cell = small.point(lambda v: 255 if v >= 64 else 0)
    if cell.getbbox() is None:  # nothing drawn: a box says "unknown character"
        draw = ImageDraw.Draw(cell)
        draw.rectangle((0, 2, CELL_WIDTH - 2, CELL_HEIGHT - 2), outline=255)
    return cell


def matrix(lines: Sequence[str], rows: int, columns: int) -> Image.Image:
    """One pixel per dot: 255 lit, 0 unlit."""
    width = columns * CELL_WIDTH - 1 + 2 * MARGIN
    height = rows * (CELL_HEIGHT + LINE_GAP) - LINE_GAP + 2 * MARGIN
    dots = Image.new("L", (width, height), 0)
    for row, line in enumerate(lines[:rows]):
        y = MARGIN + row * (CELL_HEIGHT + LINE_GAP)
        for column, char in enumerate(line[:columns]):
            dots.paste(glyph(char), (MARGIN + column * CELL_WIDTH, y))
    return dots


@functools.lru_cache(maxsize=4)
def _dot_mask(pitch: int) -> Image.Image:
    """One round dot in a pitch × pitch square."""
    scale = 8
    big = Image.new("L", (pitch * scale, pitch * scale), 0)
    inset = scale * 0.6
    ImageDraw.Draw(big).ellipse((inset, inset, pitch * scale - inset, pitch * scale - inset), fill=255)
    return big.resize((pitch, pitch), Image.Resampling.LANCZOS)


def draw_panel(lines: Sequence[str], rows: int, columns: int, pitch: int = PITCH) -> Image.Image:
    """The panel showing these lines: amber LED dots on black."""
    dots = matrix(lines, rows, columns)
    levels = dots.point(lambda v: 255 if v else UNLIT_LEVEL)
    big = levels.resize((dots.width * pitch, dots.height * pitch), Image.Resampling.NEAREST)
    tile = _dot_mask(pitch)
    mask = Image.new("L", big.size, 0)
    for x in range(0, big.width, pitch):
        mask.paste(tile, (x, 0))
    row = mask.crop((0, 0, big.width, pitch))
    for y in range(pitch, big.height, pitch):
        mask.paste(row, (0, y))
    lit = ImageChops.multiply(big, mask)
    return ImageOps.colorize(lit, black=DARK, white=LIT)


def png_bytes(image: Image.Image) -> bytes:
    """PNG with pixels only: no text chunks, no time, no profile."""
    buffer = io.BytesIO()
    image.info.clear()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def image_size(rows: int, columns: int, pitch: int = PITCH) -> tuple[int, int]:
    width = columns * CELL_WIDTH - 1 + 2 * MARGIN
    height = rows * (CELL_HEIGHT + LINE_GAP) - LINE_GAP + 2 * MARGIN
    return width * pitch, height * pitch
