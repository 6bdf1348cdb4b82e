"""No image reaches the output with the metadata a phone or a camera wrote in it.

The demo city plus images that carry everything (EXIF with GPS position, camera,
date, maker notes and a thumbnail; XMP; IPTC; comments; texts; data after the
picture's end), in JPEG, PNG, GIF, WebP and TIFF, in content/images/, in another
static folder, under a name without extension, linked from a project's photos
and from a Markdown article (``{static}`` and ``{attach}``). Every file of the
output is read by content, with Pillow and piexif, and searched byte by byte.
An image Clairvoie does not publish itself (the theme's) stops the build.
"""

from __future__ import annotations

import hashlib
import io
import os

import mutagen.apev2
import mutagen.id3
import mutagen.mp3
import piexif
import podcastparser
import pytest
from PIL import Image, ImageChops, ImageOps, ImageSequence, ImageStat, PngImagePlugin

from building import REPO, copy_demo_site, run_pelican, tree_digest

TRACE = b"TRACE-DU-PHOTOGRAPHE"  # in every metadata field: found anywhere, something leaked
XMP_NAMESPACE = b"http://ns.adobe.com/xap/1.0/"
XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
       b'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/" '
       b'exif:GPSLatitude="45,46.123N" exif:GPSLongitude="4,50.456E" xmp:CreatorTool="' + TRACE + b'"/>'
       b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
GPS_IFD = 0x8825
CAMERA_TAGS = {piexif.ImageIFD.Make, piexif.ImageIFD.Model, piexif.ImageIFD.DateTime, piexif.ImageIFD.Artist,
               piexif.ImageIFD.Software, piexif.ImageIFD.ImageDescription, piexif.ImageIFD.Copyright,
               piexif.ImageIFD.ExifTag, piexif.ImageIFD.GPSTag, piexif.ImageIFD.XMLPacket,
               0x83BB, 0x8649}  # IPTC, Photoshop resources
PROJECT = "piste-cyclable-quai-de-la-lise"
ARTICLE_SLUG = "photos-du-quai"


# --- images that carry everything ------------------------------------------------------------------
def picture(size=(64, 48)):
    """A picture with detail, so that a re-encoding would show."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image.paste((200, 30, 40), (0, 0, size[0] // 3, size[1] // 2))
    return image


def full_exif(orientation=1):
    thumbnail = io.BytesIO()
    picture((16, 12)).save(thumbnail, "JPEG")
    return piexif.dump({
        "0th": {piexif.ImageIFD.Make: b"Fairphone", piexif.ImageIFD.Model: b"FP5 " + TRACE,
                piexif.ImageIFD.Orientation: orientation, piexif.ImageIFD.Artist: TRACE,
                piexif.ImageIFD.DateTime: b"2026:11:02 08:14:00", piexif.ImageIFD.Software: TRACE},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2026:11:02 08:14:00",
                 piexif.ExifIFD.MakerNote: TRACE * 4, piexif.ExifIFD.BodySerialNumber: TRACE,
                 piexif.ExifIFD.UserComment: b"ASCII\x00\x00\x00" + TRACE},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((45, 1), (46, 1), (738, 100)),
                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((4, 1), (50, 1), (2736, 100)),
                piexif.GPSIFD.GPSDateStamp: b"2026:11:02"},
        "1st": {piexif.ImageIFD.Compression: 6},
        "thumbnail": thumbnail.getvalue(),
    })


def iptc_segment():
    """An APP13 Photoshop block with an IPTC caption."""
    iptc = b"\x1c\x02\x78" + len(TRACE).to_bytes(2, "big") + TRACE
    resource = b"8BIM\x04\x04\x00\x00" + len(iptc).to_bytes(4, "big") + iptc
    body = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + (len(body) + 2).to_bytes(2, "big") + body


def tracked_jpeg(orientation=1, size=(64, 48)):
    data = io.BytesIO()
    picture(size).save(data, "JPEG", quality=90, exif=full_exif(orientation), comment=TRACE, xmp=XMP)
    jpeg = data.getvalue()
    # IPTC after the start marker; a "motion photo" after the end marker.
    return jpeg[:2] + iptc_segment() + jpeg[2:] + b"MotionPhoto_Data" + TRACE


def tracked_png():
    text = PngImagePlugin.PngInfo()
    text.add_itxt("XML:com.adobe.xmp", XMP.decode())
    text.add_text("Comment", TRACE.decode())
    text.add_text("Author", TRACE.decode())
    data = io.BytesIO()
    picture().convert("RGBA").save(data, "PNG", pnginfo=text, exif=full_exif())
    return data.getvalue()


def tracked_webp():
    data = io.BytesIO()
    picture().save(data, "WEBP", quality=90, exif=full_exif(), xmp=XMP)
    return data.getvalue()


def tracked_gif():
    frames = [picture().convert("P"), ImageOps.invert(picture()).convert("P")]
    data = io.BytesIO()
    frames[0].save(data, "GIF", save_all=True, append_images=frames[1:], loop=0, duration=200, comment=TRACE)
    gif = data.getvalue()
    xmp_blocks = b"".join(bytes([len(part)]) + part for part in (XMP[i:i + 255] for i in range(0, len(XMP), 255)))
    application = b"\x21\xff\x0bXMP DataXMP" + xmp_blocks + b"\x00"
    return gif[:-1] + application + gif[-1:]  # before the trailer


def tracked_mp3():
    """The demo's sound with what a phone or an editor writes in it: names, a comment, a
    picture that carries a GPS position; ID3v1 and APE tags too."""
    work = io.BytesIO(DEMO_MP3.read_bytes())
    tags = mutagen.id3.ID3()
    tags.add(mutagen.id3.TPE1(encoding=3, text=[TRACE.decode()]))
    tags.add(mutagen.id3.COMM(encoding=3, lang="fra", desc="", text=[f"Interview de {TRACE.decode()}"]))
    tags.add(mutagen.id3.APIC(encoding=3, mime="image/jpeg", type=3, desc="", data=tracked_jpeg()))
    tags.save(work, v1=2)  # ID3v2 at the start (the demo's own replaced), ID3v1 at the end
    ape = mutagen.apev2.APEv2()
    ape["Artist"] = TRACE.decode()
    ape.save(work)
    return work.getvalue()


def untagged_by_mutagen(data, work):
    """The sound with its tags removed by mutagen, another parser than Clairvoie's."""
    work.write_bytes(data)
    while True:  # each finds its own tag only at the very end: until neither finds one
        before = work.read_bytes()
        mutagen.apev2.delete(work)
        mutagen.id3.delete(work)  # ID3v2 and ID3v1
        if work.read_bytes() == before:
            return before


def tracked_tiff():
    data = io.BytesIO()
    tags = Image.Exif()
    tags.load(full_exif())
    tags[700], tags[33723] = XMP, TRACE  # XMP, IPTC
    picture().save(data, "TIFF", tiffinfo=tags)
    return data.getvalue()


# --- the site ------------------------------------------------------------------------------------------
SOURCES = {  # content file → where Pelican publishes it
    "images/quai-avant.jpg": "images/quai-avant.jpg",
    "images/quai-tourne.jpg": "images/quai-tourne.jpg",
    "images/plan-du-quai.png": "images/plan-du-quai.png",
    "images/chantier-anime.gif": "images/chantier-anime.gif",
    "media/galerie/vue-du-pont.webp": "media/galerie/vue-du-pont.webp",
    "media/galerie/releve.tiff": "media/galerie/releve.tiff",
    "media/galerie/affiche-sans-extension": "media/galerie/affiche-sans-extension",
    # Outside STATIC_PATHS: published because the article links it.
    "actualites/pieces/terrain.jpg": "actualites/pieces/terrain.jpg",
    "actualites/pieces/berge.png": "actualites/pieces/berge.png",
}
SOUND = "media/entretien.mp3"  # a podcast episode: its tags go as images' metadata do
DEMO_MP3 = REPO / "content" / "media" / "point-travaux-2026-11.mp3"
ATTACHED = "actualites/pieces/berge.png"  # {attach}: Pelican may publish it beside the article

ARTICLE = f"""Title: Les photos du quai
Date: 2026-11-20 10:00
Slug: {ARTICLE_SLUG}
Summary: Le quai de la Lise avant et pendant les travaux, en images.
Sectors: secteur-2
Audio: media/entretien.mp3

![Le quai avant les travaux](/images/quai-avant.jpg)

![Le quai vu d'en haut](/images/quai-tourne.jpg)

![Vue depuis le pont]({{static}}/media/galerie/vue-du-pont.webp)

![Le terrain]({{static}}pieces/terrain.jpg)

![La berge]({{attach}}pieces/berge.png)

![Le plan]({{static}}/images/plan-du-quai.png)

Le [relevé du géomètre]({{static}}/media/galerie/releve.tiff).
"""

PROJECT_PHOTO = """  - file: images/quai-avant.jpg
    alt: Le quai de la Lise avant les travaux, avec ses places de stationnement le long de la rivière.
    stage: before
"""


def add_tracked_images(site):
    makers = {".jpg": tracked_jpeg, ".png": tracked_png, ".gif": tracked_gif, ".webp": tracked_webp,
              ".tiff": tracked_tiff, "": tracked_jpeg}
    for source in SOURCES:
        path = site / "content" / source
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(tracked_jpeg(orientation=6, size=(64, 48)) if "tourne" in source
                         else makers[os.path.splitext(source)[1]]())
    (site / "content" / SOUND).write_bytes(tracked_mp3())
    # An iPhone's photo: a format Clairvoie cannot strip (the brand is enough to tell it).
    (site / "content/images/iphone.heic").write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + TRACE)
    (site / "content/actualites" / f"{ARTICLE_SLUG}.md").write_text(ARTICLE, encoding="utf-8")
    project = site / "content/projects" / f"{PROJECT}.yaml"
    text = project.read_text(encoding="utf-8")
    project.write_text(text.replace("photos:\n", "photos:\n" + PROJECT_PHOTO, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def tracked_site(tmp_path_factory):
    site = copy_demo_site(tmp_path_factory.mktemp("tracked-images"))
    add_tracked_images(site)
    return site


@pytest.fixture(scope="module")
def tracked_build(tracked_site):
    output = tracked_site / "output"
    result = run_pelican(tracked_site, output)
    assert result.returncode == 0, result.stderr
    return output, result


@pytest.fixture(scope="module")
def tracked_output(tracked_build):
    return tracked_build[0]


# --- reading images, independently of Clairvoie ---------------------------------------------------------
def format_by_content(data):
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    return None


def metadata_left(data, kind):
    """Everything found that says who, where, when or with what; empty when clean."""
    left = []
    for needle in (TRACE, b"Exif\x00\x00", XMP_NAMESPACE, b"Photoshop 3.0", b"8BIM", b"MotionPhoto"):
        if needle in data:
            left.append(f"bytes {needle!r}")
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        if exif.get_ifd(GPS_IFD) or GPS_IFD in exif:
            left.append("Pillow: GPS")
        if kind == "TIFF":
            left += [f"Pillow: tag {tag:#x}" for tag in exif if tag in CAMERA_TAGS]
        elif exif:
            left.append(f"Pillow: EXIF {dict(exif)}")
        for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "iptc", "mp", "Comment", "Author"):
            if image.info.get(key):
                left.append(f"Pillow: info[{key}]")
        if kind == "PNG" and getattr(image, "text", None):
            left.append(f"Pillow: PNG text {list(image.text)}")
    if kind in ("JPEG", "WEBP", "TIFF"):
        try:
            read = piexif.load(data)
        except ValueError as error:  # piexif's way of saying a WebP has no EXIF chunk
            assert kind == "WEBP" and "exif" in str(error), error
            read = {}
        for ifd in ("Exif", "GPS", "Interop", "1st"):
            if read.get(ifd):
                left.append(f"piexif: {ifd} {read[ifd]}")
        if read.get("thumbnail"):
            left.append("piexif: thumbnail")
        left += [f"piexif: 0th tag {tag:#x}" for tag in read.get("0th", {}) if tag in CAMERA_TAGS]
    return left


def images_in(folder):
    """Every image file under folder, found by content: {relative path: (format, bytes)}."""
    found = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as stream:
                data = stream.read()
            kind = format_by_content(data)
            if kind:
                found[os.path.relpath(path, folder)] = (kind, data)
    return found


# --- the sources carry it all: the test means something -------------------------------------------------
def test_the_tracked_sources_carry_every_kind_of_metadata(tracked_site):
    for source in SOURCES:
        data = (tracked_site / "content" / source).read_bytes()
        kind = format_by_content(data)
        left = " ".join(metadata_left(data, kind))
        assert "TRACE" in left and XMP_NAMESPACE in data, (source, left)
        if kind != "GIF":  # GIF has no EXIF: a comment and XMP
            assert "Pillow: GPS" in left, (source, left)
        if kind in ("JPEG", "WEBP", "TIFF"):
            assert "piexif: GPS" in left, (source, left)
    read = piexif.load((tracked_site / "content/images/quai-avant.jpg").read_bytes())
    assert read["thumbnail"] and piexif.ExifIFD.MakerNote in read["Exif"]


# --- the output -------------------------------------------------------------------------------------------
def test_no_image_anywhere_in_the_output_carries_metadata(tracked_output):
    images = images_in(tracked_output)
    assert {kind for kind, _ in images.values()} == {"JPEG", "PNG", "GIF", "WEBP", "TIFF"}
    leaks = {path: left for path, (kind, data) in images.items() if (left := metadata_left(data, kind))}
    assert not leaks


def published_path(output, source):
    if source == ATTACHED:
        found = list(output.rglob(os.path.basename(source)))
        assert len(found) == 1, found
        return found[0]
    return output / SOURCES[source]


def test_every_linked_original_is_published_where_pelican_would_put_it(tracked_output):
    for source in SOURCES:
        assert published_path(tracked_output, source).is_file(), source
    article = (tracked_output / "actualites" / ARTICLE_SLUG / "index.html").read_text(encoding="utf-8")
    for published in ("images/quai-avant.jpg", "images/quai-tourne.jpg"):
        assert f'src="/{published}"' in article
    project = (tracked_output / "projets" / PROJECT / "index.html").read_text(encoding="utf-8")
    assert f"/photos/{PROJECT}/quai-avant-" in project


def test_originals_lose_their_metadata_but_not_a_single_pixel(tracked_site, tracked_output):
    for source in SOURCES:
        if "tourne" in source:
            continue
        with Image.open(tracked_site / "content" / source) as original, \
                Image.open(published_path(tracked_output, source)) as copy:
            assert original.format == copy.format, source
            for before, after in zip(ImageSequence.Iterator(original), ImageSequence.Iterator(copy), strict=True):
                assert before.convert("RGBA").tobytes() == after.convert("RGBA").tobytes(), source


def test_a_jpeg_exif_said_to_turn_is_published_upright_with_its_own_quality(tracked_site, tracked_output):
    with Image.open(tracked_site / "content/images/quai-tourne.jpg") as original:
        upright = ImageOps.exif_transpose(original).convert("RGB")
        tables = original.quantization
    with Image.open(tracked_output / "images/quai-tourne.jpg") as copy:
        assert copy.size == upright.size == (48, 64)
        assert copy.quantization == tables
        difference = ImageStat.Stat(ImageChops.difference(copy.convert("RGB"), upright)).mean
        assert max(difference) < 2, difference  # the same picture; turned the other way, it would differ


def turned(kind, **options):
    """A picture a phone stored on its side, with EXIF saying "turn me a quarter" (6)."""
    data = io.BytesIO()
    picture().save(data, kind, exif=full_exif(orientation=6), **options)
    return data.getvalue()


@pytest.mark.parametrize("kind, options", [
    ("PNG", {}),
    ("WEBP", {"lossless": True}),
    ("WEBP", {"quality": 80}),
], ids=["png", "lossless-webp", "lossy-webp"])
def test_a_png_or_webp_exif_said_to_turn_is_published_upright_without_loss(kind, options):
    from clairvoie.image_privacy import stripped

    source = turned(kind, **options)
    with Image.open(io.BytesIO(source)) as original:
        assert original.getexif().get(0x0112) == 6
        upright = ImageOps.exif_transpose(original).convert("RGB")
    published = stripped(source)
    assert format_by_content(published) == kind
    assert metadata_left(published, kind) == []
    with Image.open(io.BytesIO(published)) as copy:
        assert copy.size == upright.size == (48, 64)
        # not one pixel lost on the way (a lossy WebP's are kept as they were decoded)
        assert copy.convert("RGB").tobytes() == upright.tobytes()


def test_a_sound_is_published_without_its_tags_and_every_frame_kept(tracked_site, tracked_output, tmp_path):
    from clairvoie import sound_tags

    source = (tracked_site / "content" / SOUND).read_bytes()
    assert TRACE in source and b"Exif" in source and b"APETAGEX" in source and source.rfind(b"TAG") > len(source) - 400
    published = (tracked_output / SOUND).read_bytes()
    assert published == untagged_by_mutagen(source, tmp_path / "untagged.mp3")
    assert sound_tags.tags(published) == [] and mutagen.mp3.MP3(tracked_output / SOUND).tags is None
    assert mutagen.mp3.MP3(tracked_output / SOUND).info.length == pytest.approx(mutagen.mp3.MP3(DEMO_MP3).info.length)
    # The podcast announces the published file's own length.
    with open(tracked_output / "podcast.rss", "rb") as stream:
        feed = podcastparser.parse("https://www.villebrune-sur-lise.fr/podcast.rss", stream)
    [enclosure] = [e for episode in feed["episodes"] for e in episode["enclosures"] if e["url"].endswith(SOUND)]
    assert enclosure["file_size"] == len(published)


def test_a_tagged_sound_that_did_not_come_from_the_content_is_found(tmp_path):
    from clairvoie import image_privacy

    (tmp_path / "theme").mkdir()
    (tmp_path / "theme" / "jingle.mp3").write_bytes(tracked_mp3())
    (tmp_path / "theme" / "clean.mp3").write_bytes(untagged_by_mutagen(tracked_mp3(), tmp_path / "work.mp3"))
    found = image_privacy.images_with_metadata(str(tmp_path / "theme"))
    assert list(found) == ["jingle.mp3"]
    assert {"étiquettes ID3", "étiquettes ID3v1", "étiquettes APE"} <= set(found["jingle.mp3"])


def test_a_rebuild_in_one_process_finds_metadata_in_a_file_it_found_clean_before(tmp_path):
    """The guard remembers what it read by the bytes, never by the name: a file replaced
    between two builds of one process (the preview) is read again."""
    from clairvoie import image_privacy, incremental

    (tmp_path / "images").mkdir()
    clean = io.BytesIO()
    picture().save(clean, "PNG")
    for name in ("plan.png", "autre.png"):
        (tmp_path / "images" / name).write_bytes(clean.getvalue())
    assert image_privacy.images_with_metadata(str(tmp_path)) == {}
    incremental.KeptBetweenBuilds.new_build()
    (tmp_path / "images" / "plan.png").write_bytes(tracked_png())
    found = image_privacy.images_with_metadata(str(tmp_path))
    assert list(found) == [os.path.join("images", "plan.png")] and "position GPS" in found[os.path.join("images", "plan.png")]


def test_a_second_build_gives_the_same_bytes_and_keeps_the_files(tracked_site, tracked_output, tmp_path):
    again = tmp_path / "again"
    assert run_pelican(tracked_site, again).returncode == 0
    digest = {path: hashlib.sha256(data).hexdigest() for path, (_k, data) in images_in(again).items()}
    assert digest == {path: hashlib.sha256(data).hexdigest() for path, (_k, data) in images_in(tracked_output).items()}
    before = {s: published_path(tracked_output, s).stat().st_ino for s in SOURCES}
    assert run_pelican(tracked_site, tracked_output).returncode == 0
    assert {s: published_path(tracked_output, s).stat().st_ino for s in SOURCES} == before  # the same files


def test_an_image_that_cannot_be_stripped_is_not_published_and_the_build_says_so(tracked_build):
    output, result = tracked_build
    assert not list(output.rglob("iphone.heic"))
    assert not [p for p in output.rglob("*") if p.is_file() and TRACE in p.read_bytes()]
    said = result.stdout + result.stderr  # Pelican logs on its console
    assert "images/iphone.heic : image non publiée" in said and "HEIF" in said, said


# --- the guard ---------------------------------------------------------------------------------------------
def test_an_image_with_metadata_from_elsewhere_stops_the_build_and_the_site_stays(tmp_path):
    site = copy_demo_site(tmp_path / "site")
    output = site / "output"
    assert run_pelican(site, output).returncode == 0
    published = tree_digest(output)
    # The theme's files are copied by Pelican itself, as they are: Clairvoie does not strip them.
    watermark = site / "themes/clairvoie/static/images/filigrane.jpg"
    watermark.parent.mkdir()
    watermark.write_bytes(tracked_jpeg())

    result = run_pelican(site, output)

    assert result.returncode != 0
    assert "theme/images/filigrane.jpg" in result.stderr and "position GPS" in result.stderr, result.stderr
    assert "rien n'a été publié" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert tree_digest(output) == published
    assert not (site / "output.clairvoie-new").exists()


def test_a_rebuild_reads_only_its_new_files_yet_finds_metadata_under_a_published_name(tmp_path):
    """A rebuild's file hard-linked from the published one, found clean by this process, is not
    read again; a file at a published name that is not that file (replaced in the published
    folder, then linked into the rebuild) is read, and its metadata found."""
    from clairvoie import image_privacy

    published, staged = tmp_path / "output", tmp_path / "output.clairvoie-new"
    clean = io.BytesIO()
    picture().save(clean, "PNG")
    for folder in (published, staged):
        (folder / "images").mkdir(parents=True)
    (staged / "images" / "plan.png").write_bytes(clean.getvalue())
    (staged / "images" / "carte.png").write_bytes(clean.getvalue())
    assert image_privacy.images_with_metadata(str(staged), str(published)) == {}
    (published / "images").rmdir()
    published.rmdir()
    staged.rename(published)  # swapped in, as staging.finish does
    read = []
    sniff = image_privacy._taken_over_kind
    image_privacy._taken_over_kind = lambda path: read.append(os.path.basename(path)) or sniff(path)
    try:
        staged.mkdir()
        (staged / "images").mkdir()
        os.link(published / "images" / "plan.png", staged / "images" / "plan.png")  # a kept file
        # A file replaced in the published folder (not by a build), then kept by a rebuild.
        (published / "images" / "carte.png").unlink()
        (published / "images" / "carte.png").write_bytes(tracked_png())
        os.link(published / "images" / "carte.png", staged / "images" / "carte.png")
        (staged / "images" / "nouveau.png").write_bytes(clean.getvalue())  # new in this build
        found = image_privacy.images_with_metadata(str(staged), str(published))
    finally:
        image_privacy._taken_over_kind = sniff
    carte = os.path.join("images", "carte.png")
    assert list(found) == [carte] and "position GPS" in found[carte]
    assert sorted(read) == ["carte.png", "nouveau.png"]


def test_the_guard_reads_the_files_the_swap_walk_listed(tmp_path):
    """After the swap's walk (staging.keep_unchanged), the guard walks no folder again: it checks
    the files listed, a published image found clean skipped, a new one with metadata found."""
    from types import SimpleNamespace

    from clairvoie import image_privacy, staging

    clean = io.BytesIO()
    picture().save(clean, "PNG")
    published = tmp_path / "output"
    pelican = SimpleNamespace(settings={"OUTPUT_PATH": str(published)}, output_path=None)
    staging.begin(pelican)
    staged = tmp_path / ("output" + staging.STAGING_SUFFIX)
    (staged / "images").mkdir()
    (staged / "images" / "plan.png").write_bytes(clean.getvalue())
    image_privacy.refuse_images_with_metadata(pelican, staging.keep_unchanged(pelican))
    staging.finish(pelican)

    staging.begin(pelican)
    (staged / "images").mkdir()
    (staged / "images" / "plan.png").write_bytes(clean.getvalue())  # Pelican's copy: linked by the walk
    (staged / "images" / "suivi.png").write_bytes(tracked_png())
    walked = staging.keep_unchanged(pelican)
    (staged / "images" / "tard.png").write_bytes(tracked_png())  # after the walk: not listed
    read = []
    sniff = image_privacy._taken_over_kind
    image_privacy._taken_over_kind = lambda path: read.append(os.path.basename(path)) or sniff(path)
    try:
        found = image_privacy.images_with_metadata(pelican.output_path, str(published), walked)
    finally:
        image_privacy._taken_over_kind = sniff
        staging.discard(pelican.output_path)
    suivi = os.path.join("images", "suivi.png")
    assert list(found) == [suivi] and "position GPS" in found[suivi]
    assert read == ["suivi.png"]  # plan.png: the published file, found clean by the first build
    assert (published / "images" / "plan.png").read_bytes() == clean.getvalue()
    assert not staged.exists()
