"""News feeds: each sector's, and the whole city's, in RSS 2.0, Atom 1.0 and JSON Feed 1.1;
each project's own, in Atom and JSON Feed, for residents who follow one project; and each
residents' report's, for the resident who made it.

Written as::

    /secteurs/<id>/flux.rss   /secteurs/<id>/flux.atom   /secteurs/<id>/flux.json
    /flux.rss                 /flux.atom                 /flux.json      (the whole city)
                              /projets/<id>/flux.atom    /projets/<id>/flux.json
                              /signalements/<number>/flux.atom   /signalements/<number>/flux.json

A project's feed carries its updates (good and bad) and its works orders, new and
withdrawn, whichever sector they are in. A report's feed carries its stages, newest first,
each with the id ``tag:<domain>,2026:signalements/<number>/<stage index>``, and one entry
« En retard — … » for each time it went past its due day (negative news, the model's
announcement, worded and identified as in the sector feeds: ``…/retard/<first late day>``).

Every feed carries the model's announcements (``model.announcements``: news articles,
project updates, new and withdrawn works orders) that concern its sector, newest first,
at most ``CLAIRVOIE_FEED_ENTRIES`` of them. Bad news is never left out: its title starts
with what went wrong (« Retard — … », « Arrêté retiré — … »), it carries the category
« Mauvaise nouvelle » and its summary and content give the reason.

Identity and dates, so that readers never show an entry twice:

- an entry's id (RSS ``guid``, Atom ``id``, JSON Feed ``id``) is the tag URI
  ``tag:<domain>,2026:<announcement key>`` (RFC 4151). The key is made of the record's
  file name, the update's date and kind: editing a text keeps it. ``<domain>`` is
  ``CLAIRVOIE_FEED_DOMAIN``, else the host of ``SITEURL`` (without ``www.``), else
  ``clairvoie.invalid``: the id is a valid absolute URI even when SITEURL is empty;
- dates are time-zone aware (the site's ``TIMEZONE``); a feed's own date (Atom
  ``updated``, RSS ``lastBuildDate``) is its newest entry's, never the build time, so
  the same records give byte-identical files.

RSS and Atom are made by feedgen; a feedgen extension (``XmlStylesheet``) puts a
``<?xml-stylesheet?>`` processing instruction before the root element, so that a browser
opening a feed shows the theme's ``feeds/feed.xsl``: a French page that explains how to
subscribe, with the entries. JSON Feed, which feedgen does not write, is written with
``json`` from the same entries.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator
from markupsafe import Markup

from ..incremental import report_and_tied
from ..labels import (
    REPORT_ANNOUNCEMENT_KIND, REPORT_FACT, REPORT_STAGE, UPDATE_KIND, WORKS_KIND, date_fr, datetime_fr, hours_fr,
    money_fr, new_end_fr, report_title,
)
from ..model.announcements import Announcement
from ..model.records import Model, Project, Report, ReportStage, Update, WorksOrder
from .site import AlternateLink, Site, absolute, site_domain
from .syndication import EMPTY_FEED_DATE, XmlStylesheet, entry_id, stylesheets

FILE_STEM = "flux"
# (extension, media type, name shown in titles)
FORMATS = (
    ("rss", "application/rss+xml", "RSS"),
    ("atom", "application/atom+xml", "Atom"),
    ("json", "application/feed+json", "JSON Feed"),
)
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
NEGATIVE = "Mauvaise nouvelle"
NEWS = "Actualité"
WORKS_CANCELLED = "Arrêté retiré"
WORKS = "Arrêté de travaux"
FEED_SUBJECT = "actualités et travaux"
CITY = "Toute la ville"
PROJECT_SUBJECT = "nouvelles du projet"
PROJECT_FORMATS = ("atom", "json")  # what a feed reader needs; RSS is kept for the sectors'
REPORT = "Signalement"
REPORT_SUBJECT = "suivi"



# --- identity and addresses ---------------------------------------------------------------
def feed_path(sector_id: str | None, ext: str) -> str:
    """The feed's address relative to the site root, e.g. secteurs/secteur-4/flux.rss."""
    folder = f"secteurs/{sector_id}/" if sector_id else ""
    return f"{folder}{FILE_STEM}.{ext}"


def feed_title(model: Model, sector_id: str | None, format_name: str | None = None) -> str:
    scope = model.sector(sector_id).name if sector_id else CITY
    title = f"{scope} : {FEED_SUBJECT}"
    return f"{title} ({format_name})" if format_name else title


def alternate_links(model: Model, sector_id: str | None) -> list[AlternateLink]:
    """The three feeds of a sector page (or of the home page: sector_id None)."""
    return [AlternateLink(media_type, feed_title(model, sector_id, name), feed_path(sector_id, ext))
            for ext, media_type, name in FORMATS]


def project_feed_path(project: Project, ext: str) -> str:
    return f"{project.url}{FILE_STEM}.{ext}"


def project_feed_title(project: Project, format_name: str | None = None) -> str:
    title = f"{project.title} : {PROJECT_SUBJECT}"
    return f"{title} ({format_name})" if format_name else title


def report_feed_path(report: Report, ext: str) -> str:
    return f"{report.url}{FILE_STEM}.{ext}"


def report_feed_title(report: Report, format_name: str | None = None) -> str:
    title = f"{report_title(report)} : {REPORT_SUBJECT}"
    return f"{title} ({format_name})" if format_name else title


def record_alternate_links(model: Model, record: Any) -> list[AlternateLink]:
    """A project's or a report's page's own feeds: Atom and JSON Feed."""
    if isinstance(record, Project):
        path, title = project_feed_path, project_feed_title
    elif isinstance(record, Report):
        path, title = report_feed_path, report_feed_title
    else:
        return []
    return [AlternateLink(media_type, title(record, name), path(record, ext))
            for ext, media_type, name in FORMATS if ext in PROJECT_FORMATS]


# --- what an entry says -------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    """One announcement as every format writes it."""

    id: str
    url: str  # absolute when SITEURL is set
    title: str
    summary: str  # plain text
    content_html: Markup
    date: dt.datetime  # aware
    categories: tuple[str, ...]
    negative: bool
    kind: str
    reason: str | None


def _kind_label(announcement: Announcement) -> str:
    if announcement.kind == "update":
        return UPDATE_KIND.get(announcement.category, announcement.category)
    if announcement.kind == "works":
        return WORKS_KIND.get(announcement.category, announcement.category)
    if announcement.kind == "works_cancelled":
        return WORKS_CANCELLED
    if announcement.kind in REPORT_ANNOUNCEMENT_KIND:
        return REPORT_ANNOUNCEMENT_KIND[announcement.kind]
    return NEWS


def _facts(announcement: Announcement) -> list[str]:
    """What bad news changes, in plain French sentences: the reason, the new date or budget."""
    facts = []
    if announcement.reason:
        facts.append(f"Raison : {announcement.reason}")
    update = announcement.update
    if update is not None and update.new_planned_end:
        facts.append(new_end_fr(update.new_planned_end))
    if update is not None and update.new_budget is not None:
        facts.append(f"Nouveau budget : {money_fr(update.new_budget)}")
    return facts


def _works_facts(announcement: Announcement) -> list[str]:
    """When and under which order a works measure applies (the announcement says only where)."""
    order = announcement.record
    if announcement.kind not in ("works", "works_cancelled") or not isinstance(order, WorksOrder):
        return []
    when = f"Du {datetime_fr(order.start)} au {datetime_fr(order.end)}"
    if announcement.kind == "works_cancelled":
        when = f"Prévu du {datetime_fr(order.start)} au {datetime_fr(order.end)} : ne s'applique pas"
    facts = [announcement.summary if announcement.kind == "works" else _where(order), when]
    if order.weekly_hours is not None and announcement.kind == "works":
        facts.append(f"Horaires : {hours_fr(order.weekly_hours)}")
    facts.append(f"Arrêté n° {order.reference}")
    return facts


def _where(order: WorksOrder) -> str:
    return order.street + (f", {order.section}" if order.section else "")


def _sentences(facts: list[str]) -> str:
    return " ".join(fact if fact.endswith((".", "!", "?")) else f"{fact}." for fact in facts)


def _title(announcement: Announcement, label: str) -> str:
    if announcement.kind == "works_cancelled":
        return f"{WORKS_CANCELLED} — {announcement.record.title}"
    if announcement.kind in REPORT_ANNOUNCEMENT_KIND:  # its title says it already: « En retard — … »
        return announcement.title
    if announcement.negative:
        return f"{label} — {announcement.title}"
    return announcement.title


def entry_of(announcement: Announcement, domain: str, site_url: str) -> Entry:
    label = _kind_label(announcement)
    categories = [label]
    if announcement.kind in ("works", "works_cancelled"):
        categories.append(WORKS)
    if announcement.negative:
        categories.append(NEGATIVE)
    facts = _facts(announcement)
    summary = announcement.summary
    if announcement.negative and facts:
        summary = _sentences(facts)
    works = _works_facts(announcement)
    if announcement.kind == "works":
        summary = _sentences(works)
    content = Markup("")
    if announcement.negative:
        content += Markup("<p><strong>{}</strong></p>").format(label)
    content += Markup("").join(Markup("<p>{}</p>").format(fact) for fact in [*facts, *works])
    if announcement.body_html:
        content += announcement.body_html
    elif not content and summary:
        content += Markup("<p>{}</p>").format(summary)
    return Entry(
        id=entry_id(domain, announcement.key),
        url=absolute(site_url, announcement.url),
        title=_title(announcement, label),
        summary=summary,
        content_html=content,
        date=announcement.date,
        categories=tuple(dict.fromkeys(categories)),
        negative=announcement.negative,
        kind=announcement.kind,
        reason=announcement.reason,
    )


@dataclass(frozen=True)
class Feed:
    key: str  # "ville", a sector id, "projets/<id>": the feed's id is made of it
    title: str
    description: str
    home_page_url: str
    urls: dict[str, str]  # extension → absolute (or site-root) address of each format
    author: str
    language: str
    domain: str
    updated: dt.datetime
    entries: tuple[Entry, ...]

    @property
    def id(self) -> str:
        """tag:<domain>,2026:flux/<sector id> (flux/ville: the whole city; flux/projets/<id>)."""
        return entry_id(self.domain, f"{FILE_STEM}/{self.key}")


def _feed(model: Model, key: str, title: str, description: str, home: str,
          urls: dict[str, str], chosen: list[Announcement], site_url: str, author: str) -> Feed:
    domain = site_domain(model.settings.feed_domain, site_url)
    entries = tuple(entry_of(a, domain, site_url) for a in chosen[:max(0, model.settings.feed_entries)])
    if entries:
        updated = entries[0].date
    else:
        updated = dt.datetime.combine(EMPTY_FEED_DATE, dt.time(), tzinfo=ZoneInfo(model.timezone))
    return Feed(key=key, title=title, description=description, home_page_url=absolute(site_url, home),
                urls=urls, author=author, language="fr", domain=domain, updated=updated, entries=entries)


def feed_of(model: Model, sector_id: str | None, site_url: str, author: str) -> Feed:
    """The city's feed (``sector_id`` None) or a sector's."""
    if sector_id:
        home = model.sector(sector_id).url
        scope = f"du {model.sector(sector_id).name}"
    else:
        home, scope = "", "de toute la ville"
    description = (f"Les actualités, les nouvelles des chantiers (y compris les retards, "
                   f"dépassements de budget et annulations) et les arrêtés de travaux {scope}.")
    return _feed(model, sector_id or "ville", feed_title(model, sector_id), description, home,
                 {ext: absolute(site_url, feed_path(sector_id, ext)) for ext, _, _ in FORMATS},
                 model.announcements_of(sector_id), site_url, author)


def about_project(announcement: Announcement, project: Project) -> bool:
    """An update of the project, or one of its works orders (new or withdrawn)."""
    record = announcement.record
    return record is project or (isinstance(record, WorksOrder) and record.project is project)


def announcements_by_project(model: Model) -> dict[str, list[Announcement]]:
    """Each project's announcements (``about_project``), in the model's order: read once, not
    once per project."""
    found: dict[str, list[Announcement]] = {}
    for announcement in model.announcements:
        record = announcement.record
        if isinstance(record, Project):
            found.setdefault(record.id, []).append(announcement)
        elif isinstance(record, WorksOrder) and record.project is not None:
            found.setdefault(record.project.id, []).append(announcement)
    return found


def project_feed_of(model: Model, project: Project, site_url: str, author: str,
                    announcements: list[Announcement] | None = None) -> Feed:
    """``announcements``: the project's, when the caller has them by project already."""
    if announcements is None:
        announcements = [a for a in model.announcements if about_project(a, project)]
    description = (f"Les nouvelles du projet « {project.title} », bonnes et mauvaises (retards, "
                   f"dépassements de budget, suspension, annulation), et ses arrêtés de travaux.")
    return _feed(model, f"projets/{project.id}", project_feed_title(project), description, project.url,
                 {ext: absolute(site_url, project_feed_path(project, ext)) for ext in PROJECT_FORMATS},
                 announcements, site_url, author)


def _moment(value: dt.date | dt.datetime, timezone: str) -> dt.datetime:
    """A stage's date as an aware moment (a day alone: its midnight, in the site's time zone)."""
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(), tzinfo=ZoneInfo(timezone))


def stage_facts(model: Model, stage: ReportStage) -> list[str]:
    """What a stage says beyond its word, in plain French sentences (as its page says it)."""
    facts = [stage.note] if stage.note else []
    if stage.service_in_charge:
        facts.append(f"{REPORT_FACT['service_in_charge']} {stage.service_in_charge}")
    if stage.expected:
        facts.append(f"{REPORT_FACT['expected']} {date_fr(stage.expected)}")
    if stage.works_reference:
        facts.append(f"{REPORT_FACT['works']} n° {stage.works_reference}")
    if stage.project_id:
        facts.append(f"{REPORT_FACT['project']} {model.project(stage.project_id).title}")
    if stage.reason:
        facts.append(f"{REPORT_FACT['reason']} {stage.reason}")
    if stage.duplicate_of:
        facts.append(f"{REPORT_FACT['duplicate_of']} n° {stage.duplicate_of}")
    return facts


def report_entries(model: Model, report: Report, overdue: list[Announcement], domain: str,
                   site_url: str) -> tuple[Entry, ...]:
    """Its stages and the model's announcements of its delays (one per round that went late):
    newest first, the delays worded as the sector feeds and the newsletter word them."""
    entries = []
    for stage in report.history:
        word = REPORT_STAGE[stage.stage]
        summary = _sentences(stage_facts(model, stage)) or f"{word}."
        entries.append(Entry(
            id=entry_id(domain, f"signalements/{report.id}/{stage.index}"),
            url=absolute(site_url, f"{report.url}#etape-{stage.index}"),
            title=f"{word} — {report_title(report)}", summary=summary,
            content_html=Markup("<p><strong>{}</strong></p><p>{}</p>").format(word, summary),
            date=_moment(stage.date, model.timezone), categories=(REPORT, word), negative=False,
            kind="report_stage", reason=stage.reason))
    entries.reverse()  # newest first, in the history's order (a stage dated by its day has no hour)
    for announcement in overdue:
        late = entry_of(announcement, domain, site_url)
        entries.insert(sum(1 for entry in entries if entry.date > late.date), late)
    return tuple(entries)


def overdue_by_report(model: Model) -> dict[str, list[Announcement]]:
    """Each report's delay announcements, oldest first (read once, not once per report)."""
    found: dict[str, list[Announcement]] = {}
    for announcement in sorted((a for a in model.announcements if a.kind == "report_overdue"),
                               key=lambda a: a.date):
        found.setdefault(announcement.record.id, []).append(announcement)
    return found


def report_feed_of(model: Model, report: Report, site_url: str, author: str,
                   overdue: list[Announcement] | None = None) -> Feed:
    """``overdue``: the report's delay announcements, when the caller has them by report already."""
    domain = site_domain(model.settings.feed_domain, site_url)
    if overdue is None:
        overdue = overdue_by_report(model).get(report.id, [])
    entries = report_entries(model, report, overdue, domain, site_url)
    description = (f"Chaque étape du signalement n° {report.number} ({report.service.name}, {report.street}), "
                   f"y compris ses retards.")
    return Feed(key=f"signalements/{report.id}", title=report_feed_title(report), description=description,
                home_page_url=absolute(site_url, report.url),
                urls={ext: absolute(site_url, report_feed_path(report, ext)) for ext in PROJECT_FORMATS},
                author=author, language="fr", domain=domain, updated=entries[0].date, entries=entries)


# --- RSS and Atom (feedgen) ---------------------------------------------------------------
def _generator(feed: Feed, stylesheets: tuple[tuple[str, str], ...], main_format: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.register_extension("xmlstylesheet", XmlStylesheet, None)
    fg.xmlstylesheet.stylesheets = stylesheets
    fg.id(feed.id)
    fg.title(feed.title)
    fg.description(feed.description)
    fg.author({"name": feed.author})
    fg.language(feed.language)
    fg.generator("Clairvoie")
    # Atom writes its links in order; RSS takes its <link> from the last alternate link
    # and its <atom:link rel="self"> from the self link.
    links = [{"href": feed.urls[main_format], "rel": "self",
              "type": dict((e, t) for e, t, _ in FORMATS)[main_format]},
             {"href": feed.home_page_url, "rel": "alternate", "type": "text/html"}]
    fg.link(links)
    fg.updated(feed.updated)
    fg.lastBuildDate(feed.updated)
    for entry in feed.entries:
        fe = fg.add_entry(order="append")
        fe.id(entry.id)  # also the RSS guid, isPermaLink="false"
        fe.title(entry.title)
        fe.link(href=entry.url, rel="alternate", type="text/html")
        fe.published(entry.date)
        fe.updated(entry.date)
        if entry.summary:
            fe.summary(entry.summary)  # Atom: type="text"
            if main_format == "rss":  # RSS readers read <description> as HTML: the text is escaped for them
                fe.description(html.escape(entry.summary, quote=False))
        if entry.content_html:
            fe.content(str(entry.content_html), type="html")
        for category in entry.categories:
            fe.category(term=category)
    return fg


def rss_bytes(feed: Feed, stylesheets: tuple[tuple[str, str], ...] = ()) -> bytes:
    return _generator(feed, stylesheets, "rss").rss_str(pretty=True, encoding="UTF-8")


def atom_bytes(feed: Feed, stylesheets: tuple[tuple[str, str], ...] = ()) -> bytes:
    return _generator(feed, stylesheets, "atom").atom_str(pretty=True, encoding="UTF-8")


# --- JSON Feed 1.1 ------------------------------------------------------------------------
def json_feed(feed: Feed) -> dict[str, Any]:
    """The JSON Feed 1.1 document (https://www.jsonfeed.org/version/1.1/)."""
    items = []
    for entry in feed.entries:
        item: dict[str, Any] = {
            "id": entry.id,
            "url": entry.url,
            "title": entry.title,
            "content_html": str(entry.content_html),
        }
        if entry.summary:
            item["summary"] = entry.summary
        item["date_published"] = entry.date.isoformat()
        item["tags"] = list(entry.categories)
        item["_clairvoie"] = {"kind": entry.kind, "negative": entry.negative, "reason": entry.reason}
        items.append(item)
    return {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.home_page_url,
        "feed_url": feed.urls["json"],
        "description": feed.description,
        "language": feed.language,
        "authors": [{"name": feed.author}],
        "items": items,
    }


def json_bytes(feed: Feed) -> bytes:
    return (json.dumps(json_feed(feed), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# --- the output ---------------------------------------------------------------------------
def write_feeds(model: Model, site: Site) -> None:
    browser_styles = stylesheets(site.pelican_settings)
    for sector_id in [None, *(s.id for s in model.sectors)]:
        feed = feed_of(model, sector_id, site.url, site.publisher)
        for ext, data in (("rss", rss_bytes(feed, browser_styles)),
                          ("atom", atom_bytes(feed, browser_styles)),
                          ("json", json_bytes(feed))):
            site.write(feed_path(sector_id, ext), data)
    # A project's and a report's feeds are pieces: kept from the last build while the records
    # they show are unchanged (Site.write_piece), made only for the edited ones.
    by_project = announcements_by_project(model)
    for project in model.projects:
        # made once, when the first of its formats is made
        feed = functools.cache(lambda project=project: project_feed_of(
            model, project, site.url, site.publisher, by_project.get(project.id, [])))
        shown = [project, *project.works]  # its updates, and its works orders new and withdrawn
        site.write_piece(project_feed_path(project, "atom"), "feed:project:atom", shown,
                         lambda feed=feed: atom_bytes(feed(), browser_styles))
        site.write_piece(project_feed_path(project, "json"), "feed:project:json", shown,
                         lambda feed=feed: json_bytes(feed()))
    delays = overdue_by_report(model)
    for report in model.reports:
        feed = functools.cache(lambda report=report: report_feed_of(
            model, report, site.url, site.publisher, delays.get(report.id, [])))
        shown = report_and_tied(model, report)
        site.write_piece(report_feed_path(report, "atom"), "feed:report:atom", shown,
                         lambda feed=feed: atom_bytes(feed(), browser_styles))
        site.write_piece(report_feed_path(report, "json"), "feed:report:json", shown,
                         lambda feed=feed: json_bytes(feed()))
