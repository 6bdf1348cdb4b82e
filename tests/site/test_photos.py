"""Published photos and social cards.

Every rendition the model lists exists in WebP and JPEG, upright, without any
metadata (EXIF with GPS, XMP, ICC); originals are untouched; every project has a
1200×630 social card; project pages show the photos as <picture> elements whose
files all exist.
"""

import datetime as dt
import re
from html.parser import HTMLParser
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import jinja2
import pytest
from PIL import Image, ImageChops, ImageCms, ImageOps, ImageStat

from building import REPO, tree_digest
from clairvoie.labels import PHOTO_STAGE, PROJECT_STATUS
from clairvoie.model import load_model
from clairvoie.model.records import Photo, Rendition
from clairvoie.outputs import images, imaging
from clairvoie.outputs.site import Site
from clairvoie.settings import ClairvoieSettings

GPS_IFD = 0x8825
ORIENTATION = 0x0112
XMP_NAMESPACE = b"http://ns.adobe.com/xap/1.0/"


@pytest.fixture(scope="module")
def demo_model():
    now = dt.datetime(2026, 11, 24, 12, tzinfo=ZoneInfo("Europe/Paris"))
    return load_model(ClairvoieSettings(site_root=str(REPO)), str(REPO / "content"), "Europe/Paris", now=now)


def photos_of(model):
    return [(project, photo) for project in model.projects for photo in project.photos]


def webp_chunks(data):
    """The four-letter names of a WebP file's RIFF chunks."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    names, offset = [], 12
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset + 4:offset + 8], "little")
        names.append(data[offset:offset + 4].decode("ascii"))
        offset += 8 + size + (size & 1)
    return names


def assert_no_metadata(path):
    data = path.read_bytes()
    with Image.open(path) as image:
        assert not image.getexif(), path
        for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"):
            assert key not in image.info, (path, key)
    assert b"Exif\x00\x00" not in data and XMP_NAMESPACE not in data, path
    if data[:4] == b"RIFF":
        assert set(webp_chunks(data)) <= {"VP8 ", "VP8L", "VP8X", "ALPH"}, (path, webp_chunks(data))
        assert not {"EXIF", "XMP ", "ICCP"} & set(webp_chunks(data)), path
    else:
        markers = jpeg_markers(data)
        assert not {0xE1, 0xE2, 0xFE} & set(markers), (path, [hex(m) for m in markers])  # EXIF/XMP, ICC, comment


def jpeg_markers(data):
    """The JPEG segment markers before the image data."""
    markers, offset = [], 2
    while offset + 4 <= len(data) and data[offset] == 0xFF:
        marker = data[offset + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: the pixels follow
            break
        offset += 2 + int.from_bytes(data[offset + 2:offset + 4], "big")
    return markers


# --- the sources ---------------------------------------------------------------------------------
def test_source_photos_do_carry_gps_so_the_test_means_something():
    sources = list((REPO / "content").rglob("*.jpg"))
    assert sources
    assert all(Image.open(p).getexif().get_ifd(GPS_IFD) for p in sources)


def test_originals_are_never_modified(demo_output, demo_sources_before_build):
    assert tree_digest(REPO / "content") == demo_sources_before_build


# --- renditions ------------------------------------------------------------------------------------
def test_every_rendition_is_published_in_webp_and_jpeg_without_metadata(demo_output, demo_model):
    expected = set()
    for project, photo in photos_of(demo_model):
        assert photo.renditions, photo.file
        for rendition in photo.renditions:
            for url, kind in ((rendition.url, "JPEG"), (rendition.webp_url, "WEBP")):
                path = demo_output / url
                assert path.is_file(), url
                with Image.open(path) as image:
                    assert image.format == kind, url
                    assert image.size == (rendition.width, rendition.height), url
                    assert image.mode == "RGB", url
                assert_no_metadata(path)
                expected.add(url)
    published = {str(p.relative_to(demo_output)) for p in (demo_output / "photos").rglob("*") if p.is_file()}
    assert published == expected  # and nothing else: no original is copied as it is


def test_renditions_follow_the_settings_and_never_enlarge(demo_model):
    widths = ClairvoieSettings().photo_widths
    for _, photo in photos_of(demo_model):
        with Image.open(photo.source_path) as source:
            upright_width, upright_height = ImageOps.exif_transpose(source).size
        rendered = [r.width for r in photo.renditions]
        assert rendered == sorted(set(rendered))
        assert rendered == [w for w in widths if w < upright_width] + [min(upright_width, max(widths))]
        for rendition in photo.renditions:
            assert abs(rendition.height - upright_height * rendition.width / upright_width) <= 1
            assert rendition.url.endswith(".jpg") and rendition.webp_url == rendition.url[:-4] + ".webp"


def test_rotated_source_is_published_upright(demo_output, demo_model):
    rotated = [(project, photo) for project, photo in photos_of(demo_model)
               if Image.open(photo.source_path).getexif().get(ORIENTATION) == 6]
    assert rotated, "the demo city keeps one photo with EXIF orientation 6"
    assert any(photo.file == "photos/voie-verte-des-pres/pendant-troncon-nord.jpg" for _, photo in rotated)
    for _, photo in rotated:
        with Image.open(photo.source_path) as source:
            stored_width, stored_height = source.size
            upright = ImageOps.exif_transpose(source).convert("RGB")
        largest = photo.renditions[-1]
        for url in (largest.url, largest.webp_url):
            with Image.open(demo_output / url) as published:
                width, height = published.size
                assert (width > height) == (stored_height > stored_width), url
                # The pixels are the upright picture, not just the right size.
                expected = upright.resize(published.size)
                difference = ImageStat.Stat(ImageChops.difference(published.convert("RGB"), expected)).mean
                assert max(difference) < 12, (url, difference)


def test_pixels_are_published_without_metadata_and_identically(tmp_path):
    """XMP, EXIF with GPS, an ICC profile and transparency: none of it survives, twice the same."""
    source = tmp_path / "source.png"
    image = Image.new("RGBA", (640, 400), (200, 40, 40, 255))
    image.paste((0, 0, 0, 0), (0, 0, 320, 400))  # transparent half
    exif = Image.Exif()
    exif[ORIENTATION] = 8
    exif.get_ifd(GPS_IFD)[2] = (45.0, 46.0, 0.0)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(source, exif=exif, icc_profile=srgb, pnginfo=None)
    with Image.open(source) as check:
        assert check.getexif().get_ifd(GPS_IFD) and check.info.get("icc_profile")
    jpeg_source = tmp_path / "source.jpg"
    image.convert("RGB").save(jpeg_source, exif=exif, icc_profile=srgb,
                              xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret</x:xmpmeta>')
    before = {p.name: p.read_bytes() for p in (source, jpeg_source)}

    outputs = []
    for run in ("one", "two"):
        for original in (source, jpeg_source):
            upright = imaging.published_pixels(str(original))
            assert upright.size == (400, 640)  # orientation 8 applied
            assert not upright.info
            name = f"{run}/from-{original.suffix[1:]}"
            renditions = (Rendition(200, 320, f"{name}-200.jpg", f"{name}-200.webp"),
                          Rendition(400, 640, f"{name}-400.jpg", f"{name}-400.webp"))
            photo = Photo(original.name, "alt", None, None, str(original), renditions)
            images.write_renditions(upright, photo, Site("", "", str(tmp_path)), 80)
        outputs.append({p.name: p.read_bytes() for p in sorted((tmp_path / run).iterdir())})
    assert len(outputs[0]) == 8
    assert outputs[0] == outputs[1]
    for path in (tmp_path / "one").iterdir():
        assert_no_metadata(path)
    # The transparent half is white, not black.
    with Image.open(tmp_path / "one" / "from-png-400.jpg") as published:
        assert min(published.convert("RGB").getpixel((200, 600))) > 240
    assert {p.name: p.read_bytes() for p in (source, jpeg_source)} == before


# --- social cards ----------------------------------------------------------------------------------
def test_every_project_has_a_social_card(demo_output, demo_model):
    cards = set()
    for project in demo_model.projects:
        card = project.social_card
        assert card.url == f"cartes/projets/{project.id}.jpg"
        path = demo_output / card.url
        with Image.open(path) as image:
            assert image.format == "JPEG"
            assert image.size == (card.width, card.height) == (1200, 630)
        assert_no_metadata(path)
        cards.add(card.url)
    assert {str(p.relative_to(demo_output)) for p in (demo_output / "cartes").rglob("*") if p.is_file()} == cards


def test_social_card_shows_the_first_photo_or_a_plain_background(demo_output, demo_model):
    with_photo = [p for p in demo_model.projects if p.photos]
    without = [p for p in demo_model.projects if not p.photos]
    assert with_photo and without
    for project in with_photo:
        with Image.open(demo_output / project.social_card.url) as card:
            left = card.convert("RGB").crop((0, 0, images.CARD_PHOTO_WIDTH, 630))
        expected = ImageOps.fit(imaging.published_pixels(project.photos[0].source_path), left.size)
        assert max(ImageStat.Stat(ImageChops.difference(left, expected)).mean) < 8, project.id
    for project in without:
        with Image.open(demo_output / project.social_card.url) as card:
            corner = card.convert("RGB").getpixel((20, 315))
        assert all(abs(a - b) <= 6 for a, b in zip(corner, imaging.BRAND)), project.id


def test_card_text_spells_french_with_the_font_shipped_with_pillow():
    face = imaging.Typeface()
    letters, marks = face.spell("Réfection à l'école, cœur")
    assert letters == "Refection a l'ecole, coeur"
    assert sorted(marks) == [1, 10, 14]
    font = face.at(64)
    lines = face.wrap("Deux classes supplémentaires à l'école maternelle du Moulin " * 3, font, 500, 3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(face.length(line, font) <= 500 for line in lines)


def render_social_meta(siteurl, **context):
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(REPO / "themes/clairvoie/templates"),
                                     autoescape=True, trim_blocks=True, lstrip_blocks=True)
    html = environment.get_template("partials/social_meta.html").render(
        SITEURL=siteurl, SITENAME="Villebrune-sur-Lise", PROJECT_STATUS=PROJECT_STATUS, **context)
    return dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html))


def test_open_graph_tags_of_a_project_page():
    project = SimpleNamespace(id="lilas", title="Réfection de la rue des Lilas", summary="La chaussée est refaite.",
                              status="in_progress", is_late=True, url="projets/lilas/",
                              social_card=Rendition(1200, 630, "cartes/projets/lilas.jpg"))
    tags = render_social_meta("https://www.example.fr", project=project, output_file="projets/lilas/index.html")
    assert tags["og:title"] == "Réfection de la rue des Lilas"
    assert tags["og:description"] == "La chaussée est refaite."
    assert tags["og:locale"] == "fr_FR"
    assert tags["og:type"] == "article"
    assert tags["og:url"] == "https://www.example.fr/projets/lilas/"
    assert tags["og:image"] == "https://www.example.fr/cartes/projets/lilas.jpg"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["twitter:card"] == "summary_large_image"
    # Without a site address, no relative og:image (invalid): no image at all.
    local = render_social_meta("", project=project, output_file="projets/lilas/index.html")
    assert "og:image" not in local and "og:url" not in local
    assert local["og:title"] == "Réfection de la rue des Lilas"
    assert local["twitter:card"] == "summary"
    # Other pages: the site's name, no image.
    home = render_social_meta("https://www.example.fr", output_file="index.html")
    assert home["og:title"] == "Villebrune-sur-Lise" and home["og:type"] == "website"
    assert "og:image" not in home


# --- project pages ------------------------------------------------------------------------------------
class Pictures(HTMLParser):
    """<picture> elements of a page: their <source> and <img> attributes, and the captions."""

    def __init__(self):
        super().__init__()
        self.pictures, self.captions, self._in_caption = [], [], False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "picture":
            self.pictures.append({"sources": [], "img": None})
        elif tag == "source" and self.pictures:
            self.pictures[-1]["sources"].append(attributes)
        elif tag == "img" and self.pictures and self.pictures[-1]["img"] is None:
            self.pictures[-1]["img"] = attributes
        elif tag == "figcaption":
            self._in_caption = True
            self.captions.append("")

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self._in_caption = False

    def handle_data(self, data):
        if self._in_caption:
            self.captions[-1] += data


def srcset_urls(srcset):
    return [candidate.strip().split(" ")[0] for candidate in srcset.split(",")]


def test_project_pages_show_pictures_whose_files_exist(demo_output, demo_model):
    for project in demo_model.projects:
        page = (demo_output / project.url / "index.html").read_text(encoding="utf-8")
        parser = Pictures()
        parser.feed(page)
        assert len(parser.pictures) == len(project.photos), project.id
        for picture in parser.pictures:
            (source,) = picture["sources"]
            img = picture["img"]
            assert source["type"] == "image/webp" and source["sizes"] == img["sizes"]
            assert img["alt"].strip() and img["loading"] == "lazy" and img["decoding"] == "async"
            assert int(img["width"]) > 0 and int(img["height"]) > 0
            urls = srcset_urls(source["srcset"]) + srcset_urls(img["srcset"]) + [img["src"]]
            assert all(u.endswith(".webp") for u in srcset_urls(source["srcset"]))
            assert all(u.endswith(".jpg") for u in srcset_urls(img["srcset"]) + [img["src"]])
            for url in urls:
                assert url.startswith("/") and (demo_output / url.lstrip("/")).is_file(), url
            with Image.open(demo_output / img["src"].lstrip("/")) as image:
                assert image.size == (int(img["width"]), int(img["height"]))


def test_photos_are_grouped_by_stage_before_during_after(demo_output, demo_model):
    order = {"before": 0, "during": 1, "after": 2, None: 3}
    both = [p for p in demo_model.projects if {"before", "after"} <= {ph.stage for ph in p.photos}]
    assert both, "the demo city has a project with photos before and after"
    for project in demo_model.projects:
        if not project.photos:
            continue
        page = (demo_output / project.url / "index.html").read_text(encoding="utf-8")
        parser = Pictures()
        parser.feed(page)
        shown = sorted(project.photos, key=lambda ph: order[ph.stage])
        assert [p["img"]["alt"] for p in parser.pictures] == [ph.alt for ph in shown]
        for caption, photo in zip(parser.captions, shown):
            if photo.stage:
                assert caption.startswith(PHOTO_STAGE[photo.stage]), caption
            if photo.caption:
                assert photo.caption in caption
        assert ("photo-compare" in page) == (project in both), project.id
