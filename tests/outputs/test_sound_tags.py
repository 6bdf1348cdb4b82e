"""sound_tags reads what a sound file ends and starts with: any bytes, however broken, give
blocks inside the file, in order, without overlap, and an answer in bounded time."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from clairvoie import sound_tags

PIECES = st.sampled_from([
    b"ID3\x04\x00\x10\x00\x00\x00\x05", b"ID3\x03\x00\x00\x7f\x7f\x7f\x7f", b"3DI\x04\x00\x10\x00\x00\x00\x00",
    b"TAG", b"TAG+", b"APETAGEX", b"APETAGEX\xd0\x07\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80",
    b"LYRICSBEGIN", b"000000LYRICS200", b"LYRICSEND", b"\xff\xfb\x90\x64", b"\x00" * 100,
])
BYTES = st.lists(st.one_of(PIECES, st.binary(max_size=300)), max_size=12).map(b"".join)


@settings(max_examples=800, deadline=None)
@given(BYTES)
def test_any_bytes_give_ordered_blocks_inside_the_file(data):
    blocks = sound_tags.tags(data)
    position = 0
    for _name, start, end in blocks:
        assert position <= start < end <= len(data)
        position = end
    assert len(sound_tags.without_tags(data)) == len(data) - sum(end - start for _n, start, end in blocks)


def test_an_mp3_is_known_by_its_tag_or_for_a_file_named_so_by_its_frame():
    frame = b"\xff\xfb\x90\x64"  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz
    assert sound_tags.is_mp3(b"ID3\x04\x00", "son")
    assert sound_tags.is_mp3(frame, "episode.MP3")
    assert not sound_tags.is_mp3(frame, "episode.txt")
    assert not sound_tags.is_mp3(b"\xff\xfb\xf0\x64", "bruit.mp3")  # bit rate 1111: no MPEG frame
    assert not sound_tags.is_mp3(b"\xff\xd8\xff\xe0", "photo.mp3")  # a JPEG
