"""``clairvoie newsletter build`` and ``preview``, and the archive the site publishes from the stored issues."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import feedparser
import pytest

from building import copy_demo_site, run_clairvoie, run_pelican
from letters import SECTOR, parse, parts, stored_issue

SECTORS = [f"secteur-{n}" for n in range(1, 7)]
PROJECT = "piscine-municipale-vestiaires"  # in secteur-5


def test_build_makes_one_issue_per_sector_then_none_without_news(tmp_path):
    site = copy_demo_site(tmp_path)
    first = run_clairvoie(site, "newsletter", "build")
    assert first.returncode == 0, first.stderr
    for sector_id in SECTORS:
        folder = site / "newsletters" / sector_id
        assert sorted(p.name for p in folder.iterdir()) == ["1.json", "state.json"], sector_id
        state = json.loads((folder / "state.json").read_text())
        issue = json.loads((folder / "1.json").read_text())
        assert state["last_issue"] == 1 and state["since"] == "2026-10-25"
        assert set(issue["keys"]) <= set(state["sent"]) and issue["keys"]
        assert issue["date"] == "2026-11-24T13:00:00+01:00"  # SOURCE_DATE_EPOCH, site's time zone
    assert "Objet : Secteur 5 – Les Tilleuls : suspension du projet" in first.stdout

    # Every project with news gets its own letter, for those who follow it alone.
    project_letters = sorted(p.parent.name for p in (site / "newsletters" / "projets").glob("*/1.json"))
    assert PROJECT in project_letters and "voie-verte-des-pres" in project_letters
    assert f"projet:{PROJECT} : lettre n° 1 préparée" in first.stdout
    assert f"Projets sans nouvelle, pas de lettre : 26." in first.stdout  # not one line each

    second = run_clairvoie(site, "newsletter", "build")
    assert second.returncode == 0, second.stderr
    assert second.stdout.count("rien de nouveau depuis la lettre n° 1") == 6
    assert not list((site / "newsletters").glob("*/2.json"))
    assert not list((site / "newsletters" / "projets").glob("*/2.json"))

    forced = run_clairvoie(site, "newsletter", "build", "--sector", "secteur-2", "--force")
    assert forced.returncode == 0, forced.stderr
    empty = json.loads((site / "newsletters/secteur-2/2.json").read_text())
    assert empty["sections"] == [] and empty["subject"].endswith("rien de nouveau depuis la dernière lettre")
    assert not list((site / "newsletters").glob("secteur-1/2.json"))

    # --force never makes an empty letter for every project: only for the project named.
    assert run_clairvoie(site, "newsletter", "build", "--force").returncode == 0
    assert not list((site / "newsletters" / "projets").glob("*/2.json"))
    assert run_clairvoie(site, "newsletter", "build", "--project", PROJECT, "--force").returncode == 0
    assert [p.parent.name for p in (site / "newsletters" / "projets").glob("*/2.json")] == [PROJECT]


def test_build_names_an_unknown_sector(tmp_path):
    site = copy_demo_site(tmp_path)
    result = run_clairvoie(site, "newsletter", "build", "--sector", "secteur-9")
    assert result.returncode == 2 and "Secteur inconnu : « secteur-9 »" in result.stderr
    assert not (site / "newsletters").exists()


def test_preview_writes_html_text_and_eml_and_next_records_nothing(tmp_path):
    site = copy_demo_site(tmp_path)
    draft = run_clairvoie(site, "newsletter", "preview", "--sector", SECTOR, "--next",
                          "--output", str(tmp_path / "apercu"))
    assert draft.returncode == 0, draft.stderr
    assert "brouillon" in draft.stdout and not (site / "newsletters").exists()
    assert run_clairvoie(site, "newsletter", "build", "--sector", SECTOR).returncode == 0
    result = run_clairvoie(site, "newsletter", "preview", "--sector", SECTOR)
    assert result.returncode == 0, result.stderr
    folder = site / "apercu-lettres"
    assert sorted(p.name for p in folder.iterdir()) == [f"{SECTOR}-1.eml", f"{SECTOR}-1.html", f"{SECTOR}-1.txt"]
    message = parse((folder / f"{SECTOR}-1.eml").read_bytes())
    text, body = parts(message)
    def same(received: str, written: str) -> bool:  # the email's lines end with CRLF
        return received.replace("\r\n", "\n").rstrip("\n") == written.rstrip("\n")

    assert same(body, (folder / f"{SECTOR}-1.html").read_text(encoding="utf-8"))
    assert same(text, (folder / f"{SECTOR}-1.txt").read_text(encoding="utf-8"))
    assert message["Subject"] == stored_issue(site)["subject"]
    # The draft was the same issue as the one built next.
    assert same(text, (tmp_path / "apercu" / f"{SECTOR}-1.txt").read_text(encoding="utf-8"))


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.images: list[str] = []
        self.alternates: list[dict] = []
        self.text: list[str] = []
        self._href = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a":
            self._href = attributes.get("href")
            self.links.append((self._href, ""))
        if tag == "img":
            self.images.append(attributes["src"])
        if tag == "link" and attributes.get("rel") == "alternate":
            self.alternates.append(attributes)

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None

    def handle_data(self, data):
        self.text.append(data)
        if self._href is not None:
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)


def page(path):
    parser = _Page()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def archive_site(tmp_path_factory):
    """A copy of the demo city with one issue for secteur-5 and one for a project, built by Pelican."""
    root = tmp_path_factory.mktemp("archive")
    site = copy_demo_site(root / "site")
    assert run_clairvoie(site, "newsletter", "build", "--sector", SECTOR).returncode == 0
    assert run_clairvoie(site, "newsletter", "build", "--project", PROJECT).returncode == 0
    # The site publishes what was stored, never a recomputation: an edit shows.
    path = site / "newsletters" / SECTOR / "1.json"
    issue = json.loads(path.read_text())
    issue["summary"] = "Résumé tel qu'enregistré."
    path.write_text(json.dumps(issue, ensure_ascii=False), encoding="utf-8")
    output = root / "output"
    result = run_pelican(site, output)
    assert result.returncode == 0, result.stderr
    return site, output


def test_the_sector_page_links_to_its_archive(archive_site):
    _, output = archive_site
    sector_page = page(output / "secteurs" / SECTOR / "index.html")
    assert (f"/secteurs/{SECTOR}/lettres/", "Lettre d'information du secteur : toutes les lettres parues") in sector_page.links
    assert {"rel": "alternate", "type": "application/rss+xml",
            "title": "Secteur 5 – Les Tilleuls : lettres d'information (RSS)",
            "href": f"/secteurs/{SECTOR}/lettres/lettres.rss"} in sector_page.alternates


def test_each_issue_is_a_page_of_the_archive_with_an_rss_of_issues(archive_site):
    site, output = archive_site
    issue = stored_issue(site)
    index = page(output / "secteurs" / SECTOR / "lettres" / "index.html")
    assert (f"/secteurs/{SECTOR}/lettres/1/", "Lettre n° 1 du 24 novembre 2026") in index.links
    issue_page = page(output / "secteurs" / SECTOR / "lettres" / "1" / "index.html")
    words = " ".join(" ".join(issue_page.text).split())
    assert "Résumé tel qu'enregistré." in words
    for section in issue["sections"]:
        assert section["title"] in words
        for item in section["items"]:
            assert (f"/{item['url']}", item["title"]) in issue_page.links
            for fact in item["facts"]:
                assert " ".join(fact.split()) in words
    assert issue_page.images and all((output / src.lstrip("/")).is_file() for src in issue_page.images)

    feed = feedparser.parse((output / "secteurs" / SECTOR / "lettres" / "lettres.rss").read_bytes())
    assert not feed.bozo and feed.feed.title == "Secteur 5 – Les Tilleuls : lettres d'information"
    [entry] = feed.entries
    assert entry.id == f"tag:villebrune-sur-lise.fr,2026:lettres/{SECTOR}/1"
    assert entry.link.endswith(f"/secteurs/{SECTOR}/lettres/1/")
    assert entry.title == "Lettre n° 1 — Suspension du projet « Rénovation des vestiaires de la piscine »"


def test_a_sector_without_issue_says_so(archive_site):
    _, output = archive_site
    index = page(output / "secteurs" / "secteur-1" / "lettres" / "index.html")
    assert "Aucune lettre n'est encore parue pour ce secteur." in " ".join(index.text)
    feed = feedparser.parse((output / "secteurs" / "secteur-1" / "lettres" / "lettres.rss").read_bytes())
    assert not feed.bozo and feed.entries == []


def test_a_projects_letters_have_their_archive_announced_by_the_project_page(archive_site):
    site, output = archive_site
    issue = stored_issue(site, f"projets/{PROJECT}")
    project_page = page(output / "projets" / PROJECT / "index.html")
    rss = f"/projets/{PROJECT}/lettres/lettres.rss"
    assert {"rel": "alternate", "type": "application/rss+xml",
            "title": "Projet « Rénovation des vestiaires de la piscine » : lettres d'information (RSS)",
            "href": rss} in project_page.alternates
    assert any(href == rss for href, _ in project_page.links)  # in « Suivre ce projet »
    index = page(output / "projets" / PROJECT / "lettres" / "index.html")
    assert (f"/projets/{PROJECT}/lettres/1/", "Lettre n° 1 du 24 novembre 2026") in index.links
    assert (f"/projets/{PROJECT}/", "Revenir à la page du projet") in index.links
    issue_page = page(output / "projets" / PROJECT / "lettres" / "1" / "index.html")
    words = " ".join(" ".join(issue_page.text).split())
    assert "Lettre d'information n° 1 : Projet « Rénovation des vestiaires de la piscine »" in words
    for section in issue["sections"]:
        for item in section["items"]:
            assert (f"/{item['url']}", item["title"]) in issue_page.links
    feed = feedparser.parse((output / "projets" / PROJECT / "lettres" / "lettres.rss").read_bytes())
    assert not feed.bozo
    [entry] = feed.entries
    assert entry.id == f"tag:villebrune-sur-lise.fr,2026:lettres/projet/{PROJECT}/1"
    assert entry.title == "Lettre n° 1 — Projet suspendu"
    # A project without letters says so (its page announces the archive all the same).
    other = page(output / "projets" / "voie-verte-des-pres" / "lettres" / "index.html")
    assert "Aucune lettre n'est encore parue pour ce projet." in " ".join(other.text)


def test_a_rebuild_publishes_an_edited_stored_issue_though_no_record_changed(archive_site):
    """The archive's pages and RSS are kept from the published build only while the record and
    the stored issues are unchanged: the stored file is what the site publishes."""
    site, output = archive_site
    path = site / "newsletters" / SECTOR / "1.json"
    issue = json.loads(path.read_text())
    issue["summary"] = "Résumé corrigé après publication."
    path.write_text(json.dumps(issue, ensure_ascii=False), encoding="utf-8")
    untouched = (output / "projets" / PROJECT / "lettres" / "index.html").stat().st_ino
    result = run_pelican(site, output)
    assert result.returncode == 0, result.stderr
    issue_page = page(output / "secteurs" / SECTOR / "lettres" / "1" / "index.html")
    assert "Résumé corrigé après publication." in " ".join(" ".join(issue_page.text).split())
    feed = feedparser.parse((output / "secteurs" / SECTOR / "lettres" / "lettres.rss").read_bytes())
    assert [entry.summary for entry in feed.entries] == ["Résumé corrigé après publication."]
    assert (output / "projets" / PROJECT / "lettres" / "index.html").stat().st_ino == untouched  # kept
