"""The city's podcast: /podcast.rss as gPodder's parser and Apple Podcasts read it, its
cover, and the home page's link to it."""

import dataclasses
import datetime as dt
import io
import re
import shutil
from pathlib import Path

import mutagen.id3
import mutagen.mp3
import podcastparser
import pytest
from lxml import etree
from PIL import Image

from building import DEMO_EPOCH, REPO, run_pelican
from clairvoie.outputs import imaging, podcast
from clairvoie.outputs import ALTERNATE_LINKS
from clairvoie.outputs.site import Site
from sites import PARIS, load_site, write_site

DEMO_MP3 = REPO / "content" / "media" / "point-travaux-2026-11.mp3"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PUBLIC = "https://www.villebrune-sur-lise.fr"


def parse(output: Path) -> dict:
    with open(output / "podcast.rss", "rb") as stream:
        return podcastparser.parse(f"{PUBLIC}/podcast.rss", stream)


def channel(output: Path):
    return etree.parse(str(output / "podcast.rss")).getroot().find("channel")


# --- the demo city's podcast, built by Pelican's own command -----------------------------
def test_gpodder_reads_the_episode_with_length_and_duration(demo_output):
    feed = parse(demo_output)
    assert feed["title"] == "Le point travaux de Villebrune-sur-Lise"
    assert feed["language"] == "fr"
    [episode] = feed["episodes"]
    [enclosure] = episode["enclosures"]
    published = demo_output / "media" / "point-travaux-2026-11.mp3"
    assert enclosure["file_size"] == published.stat().st_size
    assert enclosure["mime_type"] == "audio/mpeg"
    assert enclosure["url"] == f"{PUBLIC}/media/point-travaux-2026-11.mp3"
    assert episode["total_time"] == pytest.approx(mutagen.mp3.MP3(DEMO_MP3).info.length, abs=1)
    assert (episode["number"], episode["season"], episode["type"]) == (1, 1, "full")
    assert episode["title"].startswith("Le point travaux, épisode 1")
    assert episode["link"] == f"{PUBLIC}/actualites/point-travaux-episode-1/"
    assert episode["published"] == dt.datetime(2026, 11, 21, 9, tzinfo=PARIS).timestamp()
    # The published copy is the demo's sound without its tags, every frame as it was.
    assert published.read_bytes() == untagged_by_mutagen(DEMO_MP3, demo_output.parent / "untagged.mp3")
    assert mutagen.mp3.MP3(published).tags is None


def untagged_by_mutagen(source: Path, work: Path) -> bytes:
    """The sound with its tags removed by mutagen, another parser than Clairvoie's."""
    shutil.copy(source, work)
    mutagen.id3.delete(work)  # ID3v2 and ID3v1 (the demo's sound has no APE tag)
    data = work.read_bytes()
    work.unlink()
    return data


def test_apple_podcasts_channel_tags(demo_output):
    feed = parse(demo_output)
    assert feed["explicit"] is False
    assert feed["itunes_categories"] == [["Government"]]
    assert feed["itunes_owner"] == {"name": "Ville de Villebrune-sur-Lise",
                                    "email": "communication@villebrune-sur-lise.fr"}
    assert feed["itunes_author"] == "Ville de Villebrune-sur-Lise"
    assert feed["cover_url"] == f"{PUBLIC}/podcast/couverture.jpg"
    assert feed["description"]
    tags = channel(demo_output)
    assert tags.findtext(f"{ITUNES}explicit") == "false"  # Apple's "true"/"false", not "yes"/"no"
    assert tags.find(f"{ITUNES}image").get("href") == "/podcast/couverture.jpg"
    assert tags.findtext("language") == "fr"


def test_guid_is_a_stable_tag_uri_not_the_address(demo_output):
    [item] = channel(demo_output).findall("item")
    guid = item.find("guid")
    assert guid.get("isPermaLink") == "false"
    assert re.fullmatch(r"tag:[a-z0-9.-]+,2026:actualites/point-travaux-episode-1", guid.text)
    assert item.findtext(f"{ITUNES}duration") == str(round(mutagen.mp3.MP3(DEMO_MP3).info.length))


def test_feed_dates_are_the_newest_episodes_never_the_build_clock(demo_output, tmp_path):
    tags = channel(demo_output)
    assert tags.findtext("lastBuildDate") == tags.find("item").findtext("pubDate") == "Sat, 21 Nov 2026 09:00:00 +0100"
    # Built again, a day later: the same bytes.
    later = tmp_path / "later"
    result = run_pelican(REPO, later, epoch=str(int(DEMO_EPOCH) + 86400))
    assert result.returncode == 0, result.stderr
    for name in ("podcast.rss", "podcast/couverture.jpg"):
        assert (later / name).read_bytes() == (demo_output / name).read_bytes(), name


def test_cover_is_square_rgb_within_apples_sizes(demo_output):
    with Image.open(demo_output / "podcast" / "couverture.jpg") as cover:
        assert cover.format == "JPEG" and cover.mode == "RGB"
        assert cover.width == cover.height and 1400 <= cover.width <= 3000
        assert not cover.getexif() and "icc_profile" not in cover.info


def test_home_page_announces_the_podcast(demo_output):
    home = (demo_output / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<link rel="alternate" type="application/rss\+xml" title="(Podcast[^"]*)" href="([^"]+)">', home)
    assert links == [("Podcast : Le point travaux de Villebrune-sur-Lise", "/podcast.rss")]
    sector = (demo_output / "secteurs" / "secteur-1" / "index.html").read_text(encoding="utf-8")
    assert "podcast.rss" not in sector


def test_the_article_page_plays_the_episode(demo_output):
    page = (demo_output / "actualites" / "point-travaux-episode-1" / "index.html").read_text(encoding="utf-8")
    assert '<audio controls preload="none" src="/media/point-travaux-2026-11.mp3">' in page
    assert "Transcription" in page


# --- a small city, without Pelican --------------------------------------------------------
class Article:
    def __init__(self, root: Path, slug: str, date: dt.datetime, **metadata: str):
        self.source_path = str(root / "content" / "actualites" / f"{slug}.md")
        self.metadata = {"summary": f"Résumé de {slug}.", **metadata}
        self.title, self.slug, self.url, self.date = f"Épisode {slug}", slug, f"actualites/{slug}/", date
        self._content = f"<p>Transcription de {slug}.</p>"

    @property
    def content(self):
        return self._content


@pytest.fixture
def city(tmp_path):
    write_site(tmp_path, {})
    (tmp_path / "content" / "media").mkdir()
    shutil.copy(DEMO_MP3, tmp_path / "content" / "media" / "un.mp3")
    return tmp_path


def pelican_settings(**overrides):
    return {"SITEURL": "", "SITENAME": "Villebrune-sur-Lise", "AUTHOR": "Ville de Villebrune-sur-Lise",
            "DEFAULT_LANG": "fr", **overrides}


def with_settings(model, **overrides):
    return dataclasses.replace(model, settings=dataclasses.replace(model.settings, **overrides))


def write(model, output: Path, **overrides):
    podcast.write_podcast(model, Site.for_files(model, str(output), pelican_settings(**overrides)))


def test_no_episode_no_feed_and_no_link(city, tmp_path):
    news = Article(city, "sans-son", dt.datetime(2026, 11, 1, 9, tzinfo=PARIS))
    model = load_site(city, articles=[news])
    assert podcast.alternate_links(model, None) == []
    assert all(not link.title.startswith("Podcast") for link in Site("", "", alternate_link_sources=ALTERNATE_LINKS).alternate_links(model, None))
    write(model, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_episodes_newest_first_absolute_addresses_and_settings(city, tmp_path):
    shutil.copy(DEMO_MP3, city / "content" / "media" / "deux.mp3")
    articles = [
        Article(city, "un", dt.datetime(2026, 10, 1, 9, tzinfo=PARIS), audio="media/un.mp3", episode="1"),
        Article(city, "deux", dt.datetime(2026, 11, 1, 9, tzinfo=PARIS), audio="media/deux.mp3", episode="2",
                season="1"),
        # Dated after the build date: not out yet.
        Article(city, "trois", dt.datetime(2026, 12, 1, 9, tzinfo=PARIS), audio="media/un.mp3", episode="3"),
    ]
    model = with_settings(load_site(city, articles=articles), podcast_explicit=True,
                          podcast_owner_email="podcast@example.fr", podcast_category="News",
                          podcast_subcategory="Politics")
    rss = podcast.podcast_feed(model, Site.for_files(model, "", pelican_settings(SITEURL="https://www.example.fr")))
    feed = podcastparser.parse("https://elsewhere.example/podcast.rss", io.BytesIO(rss))
    assert [e["number"] for e in feed["episodes"]] == [2, 1]
    assert feed["explicit"] is True
    assert feed["itunes_categories"] == [["News", "Politics"]]
    assert feed["title"] == "Le podcast de Villebrune-sur-Lise"
    assert feed["episodes"][0]["enclosures"][0]["url"] == "https://www.example.fr/media/deux.mp3"
    assert feed["episodes"][0]["guid"] == "tag:example.fr,2026:actualites/deux"
    assert "season" not in feed["episodes"][1]
    root = etree.fromstring(rss).find("channel")
    assert root.findtext(f"{ITUNES}explicit") == "true"
    assert root.findtext("lastBuildDate") == "Sun, 01 Nov 2026 09:00:00 +0100"
    # The home page's link, named after the podcast when it has a name.
    assert [link.title for link in podcast.alternate_links(model, None)] == ["Podcast de la ville"]
    assert podcast.alternate_links(model, "secteur-1") == []


def test_cover_drawn_from_the_site_name_has_the_accents(city, tmp_path):
    model = load_site(city, articles=[Article(city, "un", dt.datetime(2026, 10, 1, 9, tzinfo=PARIS),
                                              audio="media/un.mp3")])
    write(model, tmp_path / "out", SITENAME="Évreux-sur-Lise")
    with Image.open(tmp_path / "out" / "podcast" / "couverture.jpg") as cover:
        assert cover.size == (3000, 3000) and cover.mode == "RGB"
    # Same words, the same pixels; other words, other pixels.
    face = imaging.Typeface(None)
    first = podcast.draw_cover("Le podcast d'Évreux", "Évreux", face, 1400)
    assert first.tobytes() == podcast.draw_cover("Le podcast d'Évreux", "Évreux", face, 1400).tobytes()
    assert first.tobytes() != podcast.draw_cover("Le podcast d'Evreux", "Évreux", face, 1400).tobytes()


@pytest.mark.parametrize("size, expected", [((4000, 3200), 3000), ((2000, 2600), 2000), ((900, 600), 1400)])
def test_cover_cut_from_a_source_picture(city, tmp_path, size, expected):
    Image.new("RGB", size, (200, 120, 40)).save(city / "source.png")
    model = with_settings(load_site(city, articles=[
        Article(city, "un", dt.datetime(2026, 10, 1, 9, tzinfo=PARIS), audio="media/un.mp3")]),
        podcast_cover="source.png")
    write(model, tmp_path / "out")
    with Image.open(tmp_path / "out" / "podcast" / "couverture.jpg") as cover:
        assert cover.size == (expected, expected) and cover.mode == "RGB" and cover.format == "JPEG"


def test_an_unreadable_cover_falls_back_to_the_drawn_one(city, tmp_path, caplog):
    (city / "source.png").write_bytes(b"pas une image")
    model = with_settings(load_site(city, articles=[
        Article(city, "un", dt.datetime(2026, 10, 1, 9, tzinfo=PARIS), audio="media/un.mp3")]),
        podcast_cover="source.png")
    write(model, tmp_path / "out")
    assert "CLAIRVOIE_PODCAST_COVER" in caplog.text
    with Image.open(tmp_path / "out" / "podcast" / "couverture.jpg") as cover:
        assert cover.size == (3000, 3000)

