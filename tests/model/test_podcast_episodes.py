"""Podcast episodes: an article with "Audio:" gets its sound's length, duration and type
from the file itself; a missing or unreadable file is a French problem at the "Audio:" line."""

import datetime as dt
import shutil
from pathlib import Path

import mutagen.id3
import mutagen.mp3
import pytest

from building import REPO, copy_demo_site, run_pelican
from clairvoie.model import InvalidRecords
from sites import PARIS, load_site, write_site

DEMO_MP3 = REPO / "content" / "media" / "point-travaux-2026-11.mp3"
HEADER = """\
Title: Le point travaux, épisode 12
Date: 2026-11-20 08:00
Slug: point-travaux-12
{extra}Summary: Le point sur les chantiers.

Transcription de l'épisode.
"""


class Article:
    """The parts of Pelican's Article the model reads (metadata names are lower-case, as Pelican's)."""

    def __init__(self, source_path: Path, metadata: dict[str, str]):
        self.source_path = str(source_path)
        self.metadata = {"summary": "Le point sur les chantiers.", **metadata}
        self.title = "Le point travaux, épisode 12"
        self.slug = "point-travaux-12"
        self.url = "actualites/point-travaux-12/"
        self.date = dt.datetime(2026, 11, 20, 8, tzinfo=PARIS)
        self._content = "<p>Transcription de l'épisode.</p>"

    @property
    def content(self):
        return self._content


def article_in(root: Path, **headers: str) -> Article:
    """A Markdown article with these headers written to content/actualites/, and its Article."""
    extra = "".join(f"{name.capitalize()}: {value}\n" for name, value in headers.items())
    path = root / "content" / "actualites" / "point-travaux-12.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER.format(extra=extra), encoding="utf-8")
    return Article(path, {name.lower(): value for name, value in headers.items()})


@pytest.fixture
def site(tmp_path):
    write_site(tmp_path, {})
    (tmp_path / "content" / "media").mkdir()
    shutil.copy(DEMO_MP3, tmp_path / "content" / "media" / "episode-12.mp3")
    return tmp_path


def problems_of(root: Path, article: Article):
    with pytest.raises(InvalidRecords) as caught:
        load_site(root, articles=[article])
    return caught.value.problems


def test_length_duration_and_type_are_read_from_the_file(site):
    article = article_in(site, audio="media/episode-12.mp3", episode="12", season="2")
    model = load_site(site, articles=[article])
    episode = model.news_for(article).episode
    sound = site / "content" / "media" / "episode-12.mp3"
    assert episode.file == episode.url == "media/episode-12.mp3"
    assert episode.source_path == str(sound)
    # The length of the sound as published: without its tags, as mutagen removes them.
    untagged = site / "untagged.mp3"
    shutil.copy(sound, untagged)
    mutagen.id3.delete(untagged)
    assert episode.length == untagged.stat().st_size < sound.stat().st_size
    assert episode.duration == pytest.approx(mutagen.mp3.MP3(sound).info.length)
    assert 30 <= episode.duration <= 60
    assert episode.mime_type == "audio/mpeg"
    assert (episode.number, episode.season) == (12, 2)


def test_numbers_are_optional(site):
    article = article_in(site, audio="media/episode-12.mp3")
    episode = load_site(site, articles=[article]).news_for(article).episode
    assert (episode.number, episode.season) == (None, None)


def test_an_article_without_audio_is_no_episode(site):
    article = article_in(site)
    assert load_site(site, articles=[article]).news_for(article).episode is None


def test_a_missing_file_is_reported_at_the_audio_line(site):
    problems = problems_of(site, article_in(site, audio="media/episode-13.mp3", episode="13"))
    assert [str(p) for p in problems] == [
        "content/actualites/point-travaux-12.md:4:1 — Audio : "
        "fichier « media/episode-13.mp3 » introuvable dans content/"
    ]


@pytest.mark.parametrize("content", [
    b"ID3 ceci n'est pas un son",
    b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40),  # a WAV named .mp3
    b"\x89PNG\r\n\x1a\n" + bytes(64),
    b"",
], ids=["text", "wav", "png", "empty"])
def test_a_file_that_is_not_a_readable_mp3_is_reported(site, content):
    (site / "content" / "media" / "faux.mp3").write_bytes(content)
    problems = problems_of(site, article_in(site, audio="media/faux.mp3"))
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.file, problem.line, problem.field) == ("content/actualites/point-travaux-12.md", 4, "Audio")
    assert problem.message == "« media/faux.mp3 » n'est pas un fichier son MP3 lisible (réenregistrez-le au format MP3)"


def test_a_file_outside_content_is_not_published(site):
    problems = problems_of(site, article_in(site, audio="../sectors/secteur-1.yaml"))
    assert [p.message for p in problems] == ["fichier « ../sectors/secteur-1.yaml » introuvable dans content/"]


def test_bad_numbers_and_numbers_without_audio(site):
    problems = problems_of(site, article_in(site, audio="media/episode-12.mp3", episode="douze", season="0"))
    assert [(p.line, p.field, p.message) for p in problems] == [
        (5, "Episode", "doit être un nombre entier positif, par exemple 12"),
        (6, "Season", "doit être un nombre entier positif, par exemple 12"),
    ]
    problems = problems_of(site, article_in(site, episode="3"))
    assert [(p.line, p.field, p.message) for p in problems] == [(4, "Episode", "« Episode » va avec « Audio »")]


def test_an_empty_audio_header(site):
    problems = problems_of(site, article_in(site, audio=" "))
    assert [(p.line, p.field, p.message) for p in problems] == [(4, "Audio", "ne doit pas être vide")]


def test_the_real_build_stops_on_a_missing_sound(tmp_path):
    """Pelican's own command, on the demo city with its episode's file renamed away."""
    site = copy_demo_site(tmp_path / "site")
    (site / "content" / "media" / "point-travaux-2026-11.mp3").rename(site / "content" / "media" / "autre.mp3")
    result = run_pelican(site, tmp_path / "output")
    assert result.returncode != 0
    article = (site / "content" / "actualites" / "point-travaux-episode-1.md").read_text(encoding="utf-8")
    line = next(n for n, text in enumerate(article.splitlines(), 1) if text.startswith("Audio:"))
    assert (f"content/actualites/point-travaux-episode-1.md:{line}:1 — Audio : "
            "fichier « media/point-travaux-2026-11.mp3 » introuvable dans content/") in result.stderr
    assert not (tmp_path / "output").exists()


def test_the_demo_sound_is_small_french_speech():
    sound = mutagen.mp3.MP3(DEMO_MP3)
    assert DEMO_MP3.stat().st_size < 300_000
    assert 30 <= sound.info.length <= 60
    assert sound.info.channels == 1 and 48_000 <= sound.info.bitrate <= 64_000
    assert str(sound.tags["TIT2"]).startswith("Le point travaux")
