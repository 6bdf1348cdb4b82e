"""Published photos are resized and carry no EXIF (GPS included); originals are untouched."""

import hashlib

from PIL import Image

from building import REPO, tree_digest

GPS_IFD = 0x8825


def test_source_photos_do_carry_gps_so_the_test_means_something():
    sources = list((REPO / "content").rglob("*.jpg"))
    assert sources
    assert all(Image.open(p).getexif().get_ifd(GPS_IFD) for p in sources)


def test_published_photos_have_no_exif(demo_output):
    published = list((demo_output / "photos").rglob("*.jpg"))
    assert len(published) >= len(list((REPO / "content").rglob("*.jpg")))
    for path in published:
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert "exif" not in image.info, path
        assert b"Exif\x00\x00" not in path.read_bytes()[:4096], path


def test_rotated_source_is_published_upright(demo_output):
    rotated = [p for p in (REPO / "content").rglob("*.jpg") if Image.open(p).getexif().get(0x0112) == 6]
    assert rotated, "the demo city keeps one photo with EXIF orientation 6"
    source = rotated[0]
    width, height = Image.open(source).size
    project_id = source.parent.name
    published = sorted((demo_output / "photos" / project_id).glob(f"{source.stem}-*.jpg"))
    assert published
    out_width, out_height = Image.open(published[-1]).size
    assert (out_width > out_height) == (height > width)


def test_originals_are_never_modified(demo_output, demo_sources_before_build):
    assert tree_digest(REPO / "content") == demo_sources_before_build
