"""What an MP3 carries beside its sound, and the MP3 without it.

A recorder, a phone or an editing program writes tags into the file: ID3 (version 2 at
the start, sometimes again at the end; version 1 in the last 128 bytes), APE and
Lyrics3. They hold names, comments, the recording's place and date, and pictures that
carry their own EXIF (a phone's photo with its GPS position). A podcast player reads
the episode's title and picture from the feed, not from these tags, so the published
sound has none: ``without_tags`` keeps the MPEG frames byte for byte (the LAME/Xing
frame that players use for the duration is a frame, so it stays).
"""

from __future__ import annotations

ID3V2 = b"ID3"
ID3V2_FOOTER = b"3DI"
ID3V1 = b"TAG"
ID3V1_SIZE = 128
ID3V1_EXTENDED = b"TAG+"  # the "enhanced" block of 227 bytes before ID3v1
ID3V1_EXTENDED_SIZE = 227
APE = b"APETAGEX"
APE_FOOTER_SIZE = 32
LYRICS3_END = (b"LYRICS200", b"LYRICSEND")
LYRICS3_BEGIN = b"LYRICSBEGIN"


def is_mp3(head: bytes, name: str = "") -> bool:
    """An MP3 by its first bytes: an ID3 tag, or (for a file named .mp3) an MPEG audio frame."""
    if head.startswith(ID3V2):
        return True
    return name.lower().endswith(".mp3") and _frame_header(head)


def _frame_header(head: bytes) -> bool:
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    bitrate, sampling = head[2] >> 4, (head[2] >> 2) & 0b11
    return version != 0b01 and layer != 0b00 and bitrate != 0b1111 and sampling != 0b11


def tags(data: bytes) -> list[tuple[str, int, int]]:
    """(name, start, end) of every tag block at the start and the end of the file."""
    found: list[tuple[str, int, int]] = []
    start = 0
    while data.startswith(ID3V2, start) and start + 10 <= len(data):
        end = start + 10 + _syncsafe(data[start + 6:start + 10]) + (10 if data[start + 5] & 0x10 else 0)
        found.append(("ID3", start, min(end, len(data))))
        start = min(end, len(data))
    end = len(data)
    while end > start:
        block = _tag_before(data, start, end)
        if block is None:
            break
        found.append(block)
        end = block[1]
    return sorted(found, key=lambda block: block[1])


def _tag_before(data: bytes, start: int, end: int) -> tuple[str, int, int] | None:
    """The tag block that ends at ``end``, if any."""
    if end - start >= ID3V1_SIZE and data[end - ID3V1_SIZE:end - ID3V1_SIZE + 3] == ID3V1:
        begin = end - ID3V1_SIZE
        extended = begin - ID3V1_EXTENDED_SIZE
        if extended >= start and data[extended:extended + 4] == ID3V1_EXTENDED:
            begin = extended
        return "ID3v1", begin, end
    if end - start >= APE_FOOTER_SIZE and data[end - APE_FOOTER_SIZE:end - APE_FOOTER_SIZE + 8] == APE:
        footer = end - APE_FOOTER_SIZE
        size = max(APE_FOOTER_SIZE, int.from_bytes(data[footer + 12:footer + 16], "little"))  # items and footer
        has_header = int.from_bytes(data[footer + 20:footer + 24], "little") & 0x80000000
        return "APE", max(start, end - size - (APE_FOOTER_SIZE if has_header else 0)), end
    if end - start >= 15 and data[end - 9:end] in LYRICS3_END:
        if data[end - 9:end] == b"LYRICS200" and data[end - 15:end - 9].isdigit():
            begin = end - 15 - int(data[end - 15:end - 9])
        else:  # version 1: no size, search its beginning within its 5,100 bytes
            begin = data.rfind(LYRICS3_BEGIN, max(start, end - 5100 - 20), end)
        if begin >= start and data.startswith(LYRICS3_BEGIN, begin):
            return "Lyrics3", begin, end
    if end - start >= 10 and data[end - 10:end - 7] == ID3V2_FOOTER:
        size = _syncsafe(data[end - 4:end])
        return "ID3", max(start, end - 20 - size), end
    return None


def _syncsafe(four: bytes) -> int:
    return (four[0] & 0x7F) << 21 | (four[1] & 0x7F) << 14 | (four[2] & 0x7F) << 7 | (four[3] & 0x7F)


def without_tags(data: bytes) -> bytes:
    """The MP3's sound alone: every tag block cut out, the frames kept byte for byte."""
    kept, position = [], 0
    for _name, start, end in tags(data):
        kept.append(data[position:start])
        position = end
    kept.append(data[position:])
    return b"".join(kept)
