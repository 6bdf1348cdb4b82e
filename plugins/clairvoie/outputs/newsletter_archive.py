"""The newsletters' archive on the site: every issue as a page, and an RSS of issues.

Written as::

    /secteurs/<id>/lettres/              the sector's issues, newest first
    /secteurs/<id>/lettres/<number>/     one issue, as the email told it (the web preview)
    /secteurs/<id>/lettres/lettres.rss   RSS 2.0, one entry per issue
    /projets/<id>/lettres/…              the same for a project's own letters (for residents
                                         who follow it outside its sectors); its page
                                         announces the RSS among its own feeds

The pages are rendered from the issues stored in the content repository
(``newsletters/<sector>/<number>.json``, written by ``clairvoie newsletter build``),
never recomputed: an issue's page says what was sent, even after the records changed.
A sector or project with no issue yet gets its archive page all the same, saying so, and
an empty feed: the pages that link to it never depend on what was stored. A stored issue that cannot be read is reported and left out; the rest is built.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator
from markupsafe import Markup

from ..model.records import Model, Project, Sector
from ..model.newsletter_issues import (
    RSS_FILE, Issue, Store, archive_url, project_archive_url, project_list_id,
)
from .site import AlternateLink, Site, absolute
from .syndication import EMPTY_FEED_DATE, XmlStylesheet, entry_id, stylesheets

logger = logging.getLogger(__name__)

RSS_TYPE = "application/rss+xml"


@dataclass(frozen=True)
class LetterList:
    """A sector's letters, or a project's: what their archive pages and RSS say of them."""

    list_id: str  # as in the subscribers' column: « secteur-4 », « projet:<id> »
    name: str  # « Secteur 4 – Les Hauts », « Projet « Voie verte des Prés » »
    kind: str  # « secteur » or « projet »: « toutes les lettres du secteur »
    home: str  # the sector's or the project's page
    archive: str
    crumbs: tuple[tuple[str, str], ...]  # the breadcrumb, down to the home page
    about: str  # what a letter tells: the RSS description and the archive's lead

    @property
    def after_du(self) -> str:
        """The name after « du » : « Secteur 4 – Les Hauts », « projet « Voie verte » »."""
        return self.name[:1].lower() + self.name[1:] if self.kind == "projet" else self.name

    @property
    def rss(self) -> str:
        return f"{self.archive}{RSS_FILE}"

    @property
    def feed_title(self) -> str:
        return f"{self.name} : lettres d'information"

    @classmethod
    def of_sector(cls, sector: Sector) -> "LetterList":
        return cls(sector.id, sector.name, "secteur", sector.url, archive_url(sector.id),
                   (("Secteurs", "secteurs/"), (sector.name, sector.url)),
                   "les nouvelles des projets, y compris les retards et les annulations, "
                   "les travaux qui commencent et les réunions")

    @classmethod
    def of_project(cls, project: Project) -> "LetterList":
        return cls(project_list_id(project.id), f"Projet « {project.title} »", "projet", project.url,
                   project_archive_url(project.id),
                   (("Projets", "projets/"), (project.title, project.url)),
                   "ses nouvelles, y compris les retards, les dépassements et les annulations, "
                   "et ses travaux qui commencent ou se terminent")


def rss_path(sector_id: str) -> str:
    return f"{archive_url(sector_id)}{RSS_FILE}"


def feed_title(sector_name: str) -> str:
    return f"{sector_name} : lettres d'information"


def alternate_links(model: Model, sector_id: str | None) -> list[AlternateLink]:
    """A sector page announces the RSS of its issues; the home page, nothing."""
    if sector_id is None:
        return []
    return [AlternateLink(RSS_TYPE, f"{feed_title(model.sector(sector_id).name)} (RSS)", rss_path(sector_id))]


def record_alternate_links(model: Model, record: Any) -> list[AlternateLink]:
    """A project page announces the RSS of its own letters (written for every project)."""
    if not isinstance(record, Project):
        return []
    letters = LetterList.of_project(record)
    return [AlternateLink(RSS_TYPE, f"{letters.feed_title} (RSS)", letters.rss)]


def stored_issues(model: Model, list_id: str) -> list[Issue]:
    """The list's stored issues, newest first; unreadable ones are reported and skipped."""
    settings = model.settings
    store = Store(os.path.join(settings.site_root, settings.newsletter_path))
    issues = []
    for number in reversed(store.issue_numbers(list_id)):
        path = store.issue_path(list_id, number)
        try:
            issue = store.load_issue(list_id, number)
        except (OSError, ValueError, KeyError, TypeError) as error:
            logger.error("Lettre illisible, non publiée : %s (%s)",
                         os.path.relpath(path, settings.site_root), error)
            continue
        if issue.list_id != list_id or issue.number != number:
            logger.error("Lettre non publiée : %s dit être la lettre n° %s de %s",
                         os.path.relpath(path, settings.site_root), issue.number, issue.list_id)
            continue
        issues.append(issue)
    return issues


def _entry_html(issue: Issue, site_url: str) -> str:
    parts = [Markup("<p>{}</p>").format(issue.summary)]
    for section in issue.sections:
        parts.append(Markup("<h2>{}</h2><ul>").format(section.title))
        for item in section.items:
            parts.append(Markup('<li><a href="{}">{}</a> — {}{}</li>').format(
                absolute(site_url, item.url), item.title, item.label,
                Markup(" : {}").format(item.subtitle) if item.subtitle else ""))
        parts.append(Markup("</ul>"))
    return str(Markup("").join(parts))


def rss_bytes(model: Model, letters: LetterList, issues: list[Issue], site: Site) -> bytes:
    site_url, domain = site.url, site.domain
    feed_key = f"lettres/{letters.list_id.replace(':', '/')}"  # lettres/secteur-4, lettres/projet/<id>
    fg = FeedGenerator()
    fg.register_extension("xmlstylesheet", XmlStylesheet, None)
    fg.xmlstylesheet.stylesheets = stylesheets(site.pelican_settings)
    fg.id(entry_id(domain, feed_key))
    fg.title(letters.feed_title)
    fg.description(f"Les lettres d'information du {letters.after_du} : {letters.about}.")
    fg.author({"name": site.publisher})
    fg.language("fr")
    fg.generator("Clairvoie")
    fg.link([{"href": absolute(site_url, letters.rss), "rel": "self", "type": RSS_TYPE},
             {"href": absolute(site_url, letters.archive), "rel": "alternate", "type": "text/html"}])
    updated = issues[0].date if issues else dt.datetime.combine(
        EMPTY_FEED_DATE, dt.time(), tzinfo=ZoneInfo(model.timezone))
    fg.updated(updated)
    fg.lastBuildDate(updated)
    for issue in issues:
        entry = fg.add_entry(order="append")
        entry.id(entry_id(domain, f"{feed_key}/{issue.number}"))
        entry.title(f"Lettre n° {issue.number} — {issue.headline[:1].upper()}{issue.headline[1:]}")
        entry.link(href=absolute(site_url, issue.url), rel="alternate", type="text/html")
        entry.published(issue.date)
        entry.updated(issue.date)
        entry.summary(issue.summary)
        entry.content(_entry_html(issue, site_url), type="html")
    return fg.rss_str(pretty=True, encoding="UTF-8")


def _write_archive(model: Model, site: Site, letters: LetterList, record: Any) -> None:
    """The list's archive page, its issues' pages and RSS: made again only when the record
    (its name) or the stored issues changed (``Site.render_piece``)."""
    issues = stored_issues(model, letters.list_id)
    stored = hashlib.blake2b(repr(issues).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    variables = {"letters": letters, "issues": issues, "archive": letters.archive, "rss": letters.rss,
                 "subscribe_url": model.settings.newsletter_subscribe_url}
    site.render_piece(f"{letters.archive}index.html", stored, [record], "clairvoie_newsletters", **variables)
    for issue in issues:
        site.render_piece(f"{issue.url}index.html", stored, [record], "clairvoie_newsletter",
                          issue=issue, **variables)
    site.write_piece(letters.rss, f"newsletter:rss:{stored}", [record],
                     lambda: rss_bytes(model, letters, issues, site))


def write_newsletter_archive(model: Model, site: Site) -> None:
    for sector in model.sectors:
        _write_archive(model, site, LetterList.of_sector(sector), sector)
    for project in model.projects:
        _write_archive(model, site, LetterList.of_project(project), project)
