"""No image leaves the build with what a camera or a phone wrote in it.

Photos of projects are re-encoded from their pixels (``outputs/images.py``).
Every other image is a file Pelican would copy as it is: whatever its folder
(``STATIC_PATHS``) and whichever page links it (``{static}``, ``{attach}``).
Those copies are taken over here: ``take_over_static_images`` removes the
images (found by their content, not their name) from Pelican's static copy,
and ``publish_stripped_originals`` writes them without their metadata once
every page is written (an ``{attach}`` link may still move one until then).

Stripping is lossless: the blocks that carry metadata are cut out of the file
(EXIF with GPS position, camera and maker notes, XMP, IPTC/Photoshop,
comments, texts, embedded thumbnails and pictures, anything after the image's
end) and the pixels are copied byte for byte. Only an image whose EXIF said
"rotate me" is encoded again, upright (the rotation would be lost with the
EXIF): a JPEG with its own quantisation tables, a PNG or a WebP losslessly; a
TIFF is saved again with lossless compression (its metadata are tags among the
pixels' own). Colour profiles
(ICC) are kept: they describe colours, not people. An image this module
cannot strip (HEIF, AVIF, JPEG XL) is not published, and the log says so.
Stripped files are kept between builds like encoded photos (``EncodedImages``).

Sounds go the same way: an MP3 of the content (a podcast episode, a recording
linked from a page) is published without its tags (``sound_tags``: names,
comments, pictures with their own EXIF), its frames kept byte for byte.

Last, ``refuse_images_with_metadata`` reads every file of the finished build:
an image or an MP3 that still carries metadata (a theme's, another plugin's…)
stops the build, which is then not published.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, JpegImagePlugin

from . import incremental, messages, sound_tags, staging

logger = logging.getLogger(__name__)

CACHE_FOLDER = os.path.join("clairvoie-images", "originals")  # in Pelican's CACHE_PATH
# A change to this code strips every original again.
STRIPPER_VERSION = hashlib.sha256(Path(__file__).read_bytes() + Path(sound_tags.__file__).read_bytes()).hexdigest()
KEEP = ""  # the label of a block that is part of the picture

# Container brands of HEIF/AVIF images (an MP4 video has other brands).
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}
SNIFF_BYTES = 32


def image_format(head: bytes) -> str | None:
    """The image format of a file from its first bytes, whatever its name says."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "TIFF"
    if head[4:8] == b"ftyp":
        brands = {head[i:i + 4] for i in range(8, min(len(head), 32), 4)}
        if brands & _AVIF_BRANDS:
            return "AVIF"
        if brands & _HEIF_BRANDS:
            return "HEIF"
    if head.startswith(b"\xff\x0a") or head.startswith(b"\x00\x00\x00\x0cJXL \r\n\x87\n"):
        return "JXL"
    return None


def file_image_format(path: str) -> str | None:
    try:
        with open(path, "rb") as stream:
            return image_format(stream.read(SNIFF_BYTES))
    except OSError:
        return None


def file_is_mp3(path: str) -> bool:
    try:
        with open(path, "rb") as stream:
            return sound_tags.is_mp3(stream.read(SNIFF_BYTES), path)
    except OSError:
        return False


def _taken_over_kind(path: str) -> str | None:
    """"image" or "sound" for a file published without its metadata, else None."""
    if file_image_format(path) is not None:  # even one this module cannot strip (HEIF…): not published
        return "image"
    return "sound" if file_is_mp3(path) else None


# --- the blocks of each format, labelled -------------------------------------------------------
# Each walker yields (label, start, end) for the whole file: KEEP for what makes the
# picture, else the French name of the metadata. Stripping keeps the KEEP blocks;
# the check reports the others.

def _jpeg_blocks(data: bytes) -> Iterator[tuple[str, int, int]]:
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("JPEG sans début d'image")
    yield KEEP, 0, 2
    position, length = 2, len(data)
    while position + 1 < length:
        if data[position] != 0xFF:
            raise ValueError("JPEG mal formé")
        if data[position + 1] == 0xFF:  # fill byte
            position += 1
            continue
        marker = data[position + 1]
        if marker == 0xD9:  # end of image: whatever follows (MPF pictures, a video…) goes
            yield KEEP, position, position + 2
            if position + 2 < length:
                yield "données après la fin de l'image", position + 2, length
            return
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            yield KEEP, position, position + 2
            position += 2
            continue
        end = position + 2 + int.from_bytes(data[position + 2:position + 4], "big")
        if marker == 0xDA:  # a scan: its entropy-coded data run to the next real marker
            end = _jpeg_scan_end(data, end)
        yield _jpeg_label(marker, data[position + 4:position + 36]), position, min(end, length)
        position = end
    # A file cut before its end marker: browsers show what is there, so do we.


def _jpeg_scan_end(data: bytes, position: int) -> int:
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            return len(data)
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            position += 1 if following == 0xFF else 2
            continue
        return position


def _jpeg_label(marker: int, head: bytes) -> str:
    if marker == 0xE0:
        return KEEP if head.startswith(b"JFIF\x00") else "vignette ou données APP0"
    if marker == 0xE1:
        if head.startswith(b"Exif"):
            return "EXIF"
        return "XMP" if head.startswith(b"http://ns.adobe.com/") else "données APP1"
    if marker == 0xE2:
        if head.startswith(b"ICC_PROFILE\x00"):
            return KEEP
        return "images jointes (MPF)" if head.startswith(b"MPF\x00") else "données APP2"
    if marker == 0xED:
        return "IPTC"
    if marker == 0xEE and head.startswith(b"Adobe"):
        return KEEP  # how to read the colours (CMYK, YCCK)
    if 0xE0 <= marker <= 0xEF:
        return f"données APP{marker - 0xE0}"
    if marker == 0xFE:
        return "commentaire"
    return KEEP


_PNG_PICTURE_CHUNKS = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT",
                       b"sRGB", b"cICP", b"mDCv", b"cLLi", b"bKGD", b"hIST", b"pHYs", b"sPLT",
                       b"acTL", b"fcTL", b"fdAT"}


def _png_blocks(data: bytes) -> Iterator[tuple[str, int, int]]:
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("PNG mal formé")
    yield KEEP, 0, 8
    position = 8
    while position + 8 <= len(data):
        size = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        end = position + 12 + size
        if end > len(data):
            raise ValueError("PNG tronqué")
        yield _png_label(kind, data[position + 8:position + 8 + 20]), position, end
        position = end
        if kind == b"IEND":
            break
    if position < len(data):
        yield "données après la fin de l'image", position, len(data)


def _png_label(kind: bytes, head: bytes) -> str:
    if kind in _PNG_PICTURE_CHUNKS:
        return KEEP
    if kind == b"eXIf":
        return "EXIF"
    if kind in (b"tEXt", b"zTXt", b"iTXt"):
        return "XMP" if head.startswith(b"XML:com.adobe.xmp") else "texte"
    if kind == b"tIME":
        return "date"
    return f"bloc {kind.decode('latin-1')}"


_WEBP_PICTURE_CHUNKS = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}


def _webp_blocks(data: bytes) -> Iterator[tuple[str, int, int]]:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("WebP mal formé")
    yield KEEP, 0, 12
    riff_end = min(len(data), 8 + int.from_bytes(data[4:8], "little"))
    position = 12
    while position + 8 <= riff_end:
        kind = data[position:position + 4]
        size = int.from_bytes(data[position + 4:position + 8], "little")
        end = min(position + 8 + size + (size & 1), riff_end)
        label = KEEP if kind in _WEBP_PICTURE_CHUNKS else (
            "EXIF" if kind == b"EXIF" else "XMP" if kind == b"XMP " else f"bloc {kind.decode('latin-1')}")
        yield label, position, end
        position = end
    if riff_end < len(data):
        yield "données après la fin de l'image", riff_end, len(data)


def _gif_blocks(data: bytes) -> Iterator[tuple[str, int, int]]:
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise ValueError("GIF mal formé")
    header_end = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    yield KEEP, 0, header_end
    position = header_end
    while position < len(data):
        introducer = data[position]
        if introducer == 0x3B:  # trailer
            yield KEEP, position, position + 1
            if position + 1 < len(data):
                yield "données après la fin de l'image", position + 1, len(data)
            return
        if introducer == 0x2C:  # an image: descriptor, local colours, LZW size, data
            flags = data[position + 9]
            colours = 3 << ((flags & 7) + 1) if flags & 0x80 else 0
            end = _gif_sub_blocks_end(data, position + 10 + colours + 1)
            yield KEEP, position, end
        elif introducer == 0x21:
            label = data[position + 1]
            end = _gif_sub_blocks_end(data, position + 2)
            if label in (0xF9, 0x01):  # frame timing, plain text drawn on the picture
                kind = KEEP
            elif label == 0xFE:
                kind = "commentaire"
            elif label == 0xFF:
                application = data[position + 3:position + 14]
                if application in (b"NETSCAPE2.0", b"ANIMEXTS1.0"):  # how often the animation loops
                    kind = KEEP
                else:
                    kind = "XMP" if application == b"XMP DataXMP" else "bloc d'application"
            else:
                kind = "bloc d'extension"
            yield kind, position, end
        else:
            raise ValueError("GIF mal formé")
        position = end
    # A file cut before its trailer: kept as far as it goes.


def _gif_sub_blocks_end(data: bytes, position: int) -> int:
    while position < len(data) and data[position]:
        position += 1 + data[position]
    return position + 1


_WALKERS = {"JPEG": _jpeg_blocks, "PNG": _png_blocks, "WEBP": _webp_blocks, "GIF": _gif_blocks}


# --- stripping -----------------------------------------------------------------------------------
ORIENTATION = 0x0112


def stripped(data: bytes) -> bytes:
    """The image without its metadata; raises ValueError for a file it cannot read."""
    kind = image_format(data[:SNIFF_BYTES])
    if kind == "TIFF":
        return _resaved_tiff(data)
    if kind not in _WALKERS:
        raise ValueError(f"format non pris en charge ({kind or 'inconnu'})")
    if kind in _TURNERS and _orientation(data) not in (1, None):
        return _TURNERS[kind](data)
    kept = [data[start:end] for label, start, end in _WALKERS[kind](data) if label == KEEP]
    if kind == "WEBP":
        return _webp_fixed_header(b"".join(kept))
    return b"".join(kept)


def _orientation(data: bytes) -> int | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.getexif().get(ORIENTATION)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None


def _upright_jpeg(data: bytes) -> bytes:
    """A JPEG turned as its EXIF said, encoded again with its own tables: the least loss possible."""
    with Image.open(io.BytesIO(data)) as original:
        tables = original.quantization
        sampling = JpegImagePlugin.get_sampling(original)
        icc_profile = original.info.get("icc_profile")
        upright = ImageOps.exif_transpose(original)
    upright.info.clear()
    output = io.BytesIO()
    upright.save(output, "JPEG", qtables=tables, subsampling=sampling if sampling >= 0 else 0,
                 optimize=True, exif=b"", **({"icc_profile": icc_profile} if icc_profile else {}))
    return output.getvalue()


def _upright_lossless(kind: str, data: bytes) -> bytes:
    """A PNG or a still WebP turned as its EXIF said, saved again without loss (a lossy WebP's
    pixels are kept as decoded: no second loss)."""
    with Image.open(io.BytesIO(data)) as original:
        if getattr(original, "is_animated", False):  # frames cannot all be turned: stripped as they are
            kept = [data[start:end] for label, start, end in _WALKERS[kind](data) if label == KEEP]
            return _webp_fixed_header(b"".join(kept)) if kind == "WEBP" else b"".join(kept)
        icc_profile = original.info.get("icc_profile")
        upright = ImageOps.exif_transpose(original)
    upright.info.clear()
    output = io.BytesIO()
    options = {"optimize": True} if kind == "PNG" else {"lossless": True, "quality": 100, "method": 6, "exact": True}
    upright.save(output, kind, **options, **({"icc_profile": icc_profile} if icc_profile else {}))
    return output.getvalue()


_TURNERS = {
    "JPEG": _upright_jpeg,
    "PNG": lambda data: _upright_lossless("PNG", data),
    "WEBP": lambda data: _upright_lossless("WEBP", data),
}


def _resaved_tiff(data: bytes) -> bytes:
    """Every page of a TIFF, upright, saved with lossless compression and no tag but the picture's."""
    pages = []
    with Image.open(io.BytesIO(data)) as original:
        icc_profile = original.info.get("icc_profile")
        for index in range(getattr(original, "n_frames", 1)):
            original.seek(index)
            page = ImageOps.exif_transpose(original).copy()  # a plain image: no tag comes along
            page.info.clear()
            pages.append(page)
    output = io.BytesIO()
    pages[0].save(output, "TIFF", compression="tiff_adobe_deflate", save_all=True, append_images=pages[1:],
                  **({"icc_profile": icc_profile} if icc_profile else {}))
    return output.getvalue()


def _webp_fixed_header(data: bytes) -> bytes:
    """RIFF size and the extended header's flags, once the EXIF and XMP chunks are gone."""
    header = bytearray(data)
    header[4:8] = (len(data) - 8).to_bytes(4, "little")
    if header[12:16] == b"VP8X":
        header[20] &= ~(0x08 | 0x04) & 0xFF  # EXIF and XMP flags
    return bytes(header)


# --- finding metadata ----------------------------------------------------------------------------
GPS_IFD = 0x8825
EXIF_IFD = 0x8769
# Tags of a TIFF's own directory that say who, where, when or with what.
_TIFF_PERSONAL_TAGS = {
    0x010E: "description", 0x010F: "appareil photo", 0x0110: "appareil photo", 0x0131: "logiciel",
    0x0132: "date", 0x013B: "auteur", 0x8298: "droits d'auteur", 0x02BC: "XMP", 0x83BB: "IPTC",
    0x8649: "IPTC", EXIF_IFD: "EXIF", GPS_IFD: "position GPS", 0x927C: "notes du fabricant",
}


def sound_metadata_found(data: bytes) -> list[str]:
    """The tags an MP3 carries beside its sound, in French words; empty when none."""
    return list(dict.fromkeys(f"étiquettes {name}" for name, _start, _end in sound_tags.tags(data)))


def metadata_found(data: bytes) -> list[str]:
    """What the image carries beside its picture, in French words; empty when nothing."""
    kind = image_format(data[:SNIFF_BYTES])
    found: list[str] = []
    try:
        found += _found_by_pillow(data, kind)  # first: it names the GPS position
        if kind in _WALKERS:
            found += [label for label, _start, _end in _WALKERS[kind](data) if label != KEEP]
    except (OSError, ValueError, SyntaxError, IndexError, Image.DecompressionBombError):
        found.append(f"image {kind} illisible : ses métadonnées ne peuvent pas être vérifiées")
    return list(dict.fromkeys(found))


def _found_by_pillow(data: bytes, kind: str | None) -> list[str]:
    """A second reading, by another parser than the one that strips."""
    found = []
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        if exif.get_ifd(GPS_IFD) or GPS_IFD in exif:
            found.append("position GPS")
        if kind == "TIFF":
            found += [label for tag, label in _TIFF_PERSONAL_TAGS.items() if tag in exif]
        elif exif:
            found.append("EXIF")
        for key, label in (("exif", "EXIF"), ("xmp", "XMP"), ("XML:com.adobe.xmp", "XMP"),
                           ("photoshop", "IPTC"), ("iptc", "IPTC"), ("comment", "commentaire"),
                           ("mp", "images jointes (MPF)")):
            if image.info.get(key):
                found.append(label)
    return found


# --- Pelican's static copy, taken over ---------------------------------------------------------
# The images taken from each build's static copy, by output folder.
_taken_over: dict[str, tuple[str, list[Any]]] = {}


def take_over_static_images(static_generator: Any) -> None:
    """Pelican's static_generator_finalized: images and sounds leave Pelican's copy; the rest stays with it.

    Only the list changes: the files stay in Pelican's table of static content, so
    ``{static}`` and ``{attach}`` links find them as before.
    """
    content_path = static_generator.path
    images, others = [], []
    for static in static_generator.staticfiles:
        taken = _taken_over_kind(os.path.join(content_path, static.source_path)) is not None
        (images if taken else others).append(static)
    static_generator.staticfiles[:] = others
    static_generator.context["staticfiles"] = static_generator.staticfiles
    _taken_over[static_generator.output_path] = (content_path, images)


def publish_stripped_originals(pelican: Any) -> None:
    """Pelican's finalized: write each taken-over image or sound without its metadata, where Pelican would have."""
    from .outputs.imaging import EncodedImages
    from .outputs.site import Site

    content_path, images = _taken_over.pop(pelican.output_path, ("", []))
    cache = EncodedImages(os.path.join(os.path.dirname(os.path.abspath(pelican.settings["PATH"])),
                                       pelican.settings["CACHE_PATH"], CACHE_FOLDER))
    # The build's Site went with its generator: one for the same folder writes as channels do.
    site = Site.for_files(None, pelican.output_path, pelican.settings)
    for static in images:
        source = os.path.join(content_path, static.source_path)
        with open(source, "rb") as stream:
            data = stream.read()
        try:
            site.write(static.save_as, cache.data(("original", hashlib.sha256(data).hexdigest(), STRIPPER_VERSION),
                                                  os.path.splitext(static.save_as)[1], lambda: _stripped_file(data, source)))
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
            # Not published: the pages that link it show a missing image, never a position.
            logger.error("%s", messages.image_not_strippable(os.path.relpath(source, content_path), str(error)))
    cache.forget_unused()
    if images:
        logger.info("Images du contenu : %d publiées sans leurs métadonnées (%d nettoyées, %d reprises)",
                    len(images), cache.encoded, cache.reused)


def _stripped_file(data: bytes, path: str) -> bytes:
    if image_format(data[:SNIFF_BYTES]) is None and sound_tags.is_mp3(data[:SNIFF_BYTES], path):
        return sound_tags.without_tags(data)
    return stripped(data)


class ImagesWithMetadata(Exception):
    """Images of the finished build still carry metadata: it is not published."""

    exitcode = 1

    def __init__(self, files: dict[str, list[str]]):
        self.files = files
        super().__init__(self.summary())

    def summary(self) -> str:
        return messages.images_with_metadata(len(self.files))


# What each file's bytes carry, by their hash: a rebuild in one process (the preview) parses
# only the files it has not seen (hashing is far cheaper than parsing).
_verdicts = incremental.KeptBetweenBuilds()
# By published folder, the files (device, inode, size, modification time) this process found clean
# in the build that was published there. A rebuild's file that is one of them, hard-linked from the
# published file, is not read again: most of a rebuild's files are.
_clean_files: dict[str, set[tuple[int, int, int, int]]] = {}


def _identity(status: os.stat_result) -> tuple[int, int, int, int]:
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


def images_with_metadata(folder: str, published: str | None = None,
                         staged: "incremental.StagedFiles | None" = None) -> dict[str, list[str]]:
    """Every image or MP3 under ``folder`` (found by content) that carries metadata, and what.

    With ``published`` (the folder ``folder`` will replace), a file that is the very file published
    at the same place (a hard link: same inode), found clean by this process before, is not read.
    ``staged``: the files of ``folder`` as the swap's walk listed them (``staging.keep_unchanged``),
    so that the build's folders are not walked again; else they are walked here.
    """
    if staged is None:
        staged = incremental.walk_staged(folder, published)
    found, clean = {}, set()
    already_clean = _clean_files.get(published, set()) if published else set()
    for file in staged.files:
        # The published file still holds this inode: the staged file is it, not a new one on a reused inode.
        if file.published is not None and _identity(file.published) in already_clean:
            clean.add(_identity(file.published))
            continue
        kind = _taken_over_kind(file.path)
        if kind is not None:
            with open(file.path, "rb") as stream:
                data = stream.read()
            what = _verdicts.get((kind, hashlib.sha256(data).digest()),
                                 lambda: metadata_found(data) if kind == "image" else sound_metadata_found(data))
            if what:
                found[file.relative] = what
                continue
        if published:
            status = file.published or _status(file.path)
            if status is not None:
                clean.add(_identity(status))
    if published and not found:
        # A build written in place walks only its new files: the ones it keeps stay clean.
        _clean_files[published] = (already_clean | clean) if staging.writes_in_place(folder) else clean
    return found


def _status(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def refuse_images_with_metadata(pelican: Any, staged: "incremental.StagedFiles | None" = None) -> None:
    """Pelican's finalized, before the swap: stop the build if any image would go out with metadata.
    ``staged``: the build's files as ``staging.keep_unchanged`` listed them."""
    found = images_with_metadata(pelican.output_path, staging.final_path_of(pelican.output_path), staged)
    if not found:
        return
    for path, what in found.items():
        print(messages.image_with_metadata(path.replace(os.sep, "/"), what), file=sys.stderr)
    error = ImagesWithMetadata(found)
    print(error.summary(), file=sys.stderr)
    staging.discard(pelican.output_path)
    raise error
