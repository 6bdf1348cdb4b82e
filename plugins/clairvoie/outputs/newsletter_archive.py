"""The sector newsletters' archive on the site: every issue as a page, and an RSS of issues.

Written as::

    /secteurs/<id>/lettres/              the sector's issues, newest first
    /secteurs/<id>/lettres/<number>/     one issue, as the email told it (the web preview)
    /secteurs/<id>/lettres/lettres.rss   RSS 2.0, one entry per issue

The pages are rendered from the issues stored in the content repository
(``newsletters/<sector>/<number>.json``, written by ``clairvoie newsletter build``),
never recomputed: an issue's page says what was sent, even after the records changed.
A sector with no issue yet gets its archive page all the same, saying so, and an empty
feed. A stored issue that cannot be read is reported and left out; the rest is built.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator
from markupsafe import Markup

from ..model.records import Model
from ..model.newsletter_issues import RSS_FILE, Issue, Store, archive_url
from .site import AlternateLink, Site, absolute
from .syndication import EMPTY_FEED_DATE, XmlStylesheet, entry_id, stylesheets

logger = logging.getLogger(__name__)

RSS_TYPE = "application/rss+xml"


def rss_path(sector_id: str) -> str:
    return f"{archive_url(sector_id)}{RSS_FILE}"


def feed_title(sector_name: str) -> str:
    return f"{sector_name} : lettres d'information"


def alternate_links(model: Model, sector_id: str | None) -> list[AlternateLink]:
    """A sector page announces the RSS of its issues; the home page, nothing."""
    if sector_id is None:
        return []
    return [AlternateLink(RSS_TYPE, f"{feed_title(model.sector(sector_id).name)} (RSS)", rss_path(sector_id))]


def stored_issues(model: Model, sector_id: str) -> list[Issue]:
    """The sector's stored issues, newest first; unreadable ones are reported and skipped."""
    settings = model.settings
    store = Store(os.path.join(settings.site_root, settings.newsletter_path))
    issues = []
    for number in reversed(store.issue_numbers(sector_id)):
        path = store.issue_path(sector_id, number)
        try:
            issue = store.load_issue(sector_id, number)
        except (OSError, ValueError, KeyError, TypeError) as error:
            logger.error("Lettre illisible, non publiée : %s (%s)",
                         os.path.relpath(path, settings.site_root), error)
            continue
        if issue.sector_id != sector_id or issue.number != number:
            logger.error("Lettre non publiée : %s dit être la lettre n° %s de %s",
                         os.path.relpath(path, settings.site_root), issue.number, issue.sector_id)
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


def rss_bytes(model: Model, sector_id: str, issues: list[Issue], site: Site) -> bytes:
    site_url, domain = site.url, site.domain
    sector = model.sector(sector_id)
    fg = FeedGenerator()
    fg.register_extension("xmlstylesheet", XmlStylesheet, None)
    fg.xmlstylesheet.stylesheets = stylesheets(site.pelican_settings)
    fg.id(entry_id(domain, f"lettres/{sector_id}"))
    fg.title(feed_title(sector.name))
    fg.description(f"Les lettres d'information du {sector.name} : les nouvelles des projets, y compris "
                   "les retards et les annulations, les travaux qui commencent et les réunions.")
    fg.author({"name": site.publisher})
    fg.language("fr")
    fg.generator("Clairvoie")
    fg.link([{"href": absolute(site_url, rss_path(sector_id)), "rel": "self", "type": RSS_TYPE},
             {"href": absolute(site_url, archive_url(sector_id)), "rel": "alternate", "type": "text/html"}])
    updated = issues[0].date if issues else dt.datetime.combine(
        EMPTY_FEED_DATE, dt.time(), tzinfo=ZoneInfo(model.timezone))
    fg.updated(updated)
    fg.lastBuildDate(updated)
    for issue in issues:
        entry = fg.add_entry(order="append")
        entry.id(entry_id(domain, f"lettres/{sector_id}/{issue.number}"))
        entry.title(f"Lettre n° {issue.number} — {issue.headline[:1].upper()}{issue.headline[1:]}")
        entry.link(href=absolute(site_url, issue.url), rel="alternate", type="text/html")
        entry.published(issue.date)
        entry.updated(issue.date)
        entry.summary(issue.summary)
        entry.content(_entry_html(issue, site_url), type="html")
    return fg.rss_str(pretty=True, encoding="UTF-8")


def write_newsletter_archive(model: Model, site: Site) -> None:
    for sector in model.sectors:
        issues = stored_issues(model, sector.id)
        base = archive_url(sector.id)
        variables = {"sector": sector, "issues": issues, "archive": base, "rss": rss_path(sector.id),
                     "subscribe_url": model.settings.newsletter_subscribe_url}
        site.render(f"{base}index.html", "clairvoie_newsletters", **variables)
        for issue in issues:
            site.render(f"{issue.url}index.html", "clairvoie_newsletter", issue=issue, **variables)
        site.write(rss_path(sector.id), rss_bytes(model, sector.id, issues, site))
