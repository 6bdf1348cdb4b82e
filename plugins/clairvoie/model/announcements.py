"""Everything worth announcing, once, for every channel (feeds, newsletter, panels…).

An announcement is a news article, a project update (good or bad), a new
works order or a withdrawn works order, dated when it became news: an
article's date, an update's date, an order's signature date (else its start).
Residents' reports give two more: a report that goes past its due day (bad news, dated
the first day it is overdue; kind ``report_overdue``), and each month's summary of the
reports resolved, for each sector and the whole city (kind ``reports_month``, dated the
first day of the next month, saying what the histories said at the end of the month).
Announcements dated after the build date are not out yet. Meetings are not
announcements: they are events, carried by calendars and agendas.

Its ``key`` never changes when the record's text is edited, so feed GUIDs and
the newsletter's "already sent" state can rely on it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from .french import date_fr, days_fr, month_fr
from .records import NewsItem, OverduePeriod, Project, Report, Sector, Update, WorksOrder, by_sector_id
from .report_figures import ResolutionTimes, resolved_in_month_as_of_its_end
from .scorecard import month_start

CITY_KEY = "ville"  # a summary's scope in its key, for the whole city


@dataclass(frozen=True)
class MonthSummary:
    """The record of a ``reports_month`` announcement: what one scope resolved in a month."""

    month: dt.date  # its first day
    sector: Sector | None  # None: the whole city
    resolved: ResolutionTimes  # as the histories stood on the month's last day


@dataclass(frozen=True)
class Announcement:
    key: str  # stable, e.g. "projets/lilas/2026-05-02/delay"
    kind: str  # "news", "update", "works", "works_cancelled", "report_overdue", "reports_month"
    date: dt.datetime  # when it became news (aware)
    title: str
    summary: str  # plain text
    body_html: Markup
    url: str  # relative to the site root
    sector_ids: tuple[str, ...]
    city_wide: bool
    negative: bool  # bad news: same prominence, never filtered out
    category: str  # e.g. update kind, works kind, "actualité"
    reason: str | None = None
    record: Any = None  # the Project, WorksOrder, NewsItem, Report or MonthSummary
    update: Update | None = None  # for kind "update": the update it tells
    # False: a sector's own summary of a month, which the city-wide channels leave for the
    # city's summary of the same month.
    in_city_channels: bool = True

    def concerns(self, sector_id: str | None) -> bool:
        """Whether a sector's channels carry it (None: the city-wide channels)."""
        if sector_id is None:
            return self.in_city_channels
        return self.city_wide or sector_id in self.sector_ids


def _midnight(day: dt.date, timezone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone)


def _update_keys(project: Project) -> dict[int, str]:
    """Key each update by date and kind; a second same-day update of a kind gets "-2"."""
    seen: Counter[tuple[dt.date, str]] = Counter()
    keys = {}
    for update in sorted(project.updates, key=lambda u: (u.date, u.index)):
        seen[(update.date, update.kind)] += 1
        n = seen[(update.date, update.kind)]
        keys[update.index] = f"projets/{project.id}/{update.date.isoformat()}/{update.kind}" + (f"-{n}" if n > 1 else "")
    return keys


def _update(project: Project, update: Update, key: str, timezone: ZoneInfo) -> Announcement:
    return Announcement(
        key=key, kind="update", date=_midnight(update.date, timezone),
        title=f"{project.title} : {update.title}", summary=update.reason or project.summary,
        body_html=update.body_html, url=project.url, sector_ids=project.sector_ids,
        city_wide=project.city_wide, negative=update.is_negative, category=update.kind,
        reason=update.reason, record=project, update=update,
    )


def _updates(project: Project, timezone: ZoneInfo) -> list[Announcement]:
    keys = _update_keys(project)
    return [_update(project, u, keys[u.index], timezone) for u in project.updates]


def _works(order: WorksOrder, timezone: ZoneInfo) -> list[Announcement]:
    announced = order.signed or order.start_date
    where = f"{order.street}" + (f", {order.section}" if order.section else "")
    items = [Announcement(
        key=f"travaux/{order.id}", kind="works", date=_midnight(announced, timezone),
        title=order.title, summary=where, body_html=order.detour_html, url=order.url,
        sector_ids=order.sector_ids, city_wide=False, negative=False, category=order.kind,
        record=order,
    )]
    if order.is_cancelled:
        items.append(Announcement(
            key=f"travaux/{order.id}/retrait", kind="works_cancelled",
            date=_midnight(announced, timezone),  # records do not date a withdrawal
            title=f"Arrêté retiré : {order.title}", summary=order.cancelled_reason or where,
            body_html=Markup(""), url=order.url, sector_ids=order.sector_ids, city_wide=False,
            negative=True, category="works_cancelled", reason=order.cancelled_reason, record=order,
        ))
    return items


def _overdue_facts(report: Report, period: OverduePeriod) -> str:
    received = f"Reçu le {date_fr(report.received_day)}"
    if period.expected == period.due:
        return f"{received} ; l'intervention était prévue le {date_fr(period.due)}."
    return (f"{received} ; la ville s'engage à traiter ce type de signalement en "
            f"{days_fr(report.service.commitment_days)}, soit au plus tard le {date_fr(period.due)}.")


def _report_overdue(report: Report, period: OverduePeriod, timezone: ZoneInfo) -> Announcement:
    summary = _overdue_facts(report, period)
    return Announcement(
        key=f"signalements/{report.id}/retard/{period.since.isoformat()}", kind="report_overdue",
        date=_midnight(period.since, timezone),
        title=f"En retard — signalement n° {report.number}, {report.service.name}, {report.street}",
        summary=summary, body_html=Markup("<p>%s</p>") % summary, url=report.url,
        sector_ids=report.sector_ids, city_wide=False, negative=True, category="report_overdue",
        record=report,
    )


def _month_words(resolved: ResolutionTimes, month: dt.date) -> str:
    if not resolved.count:
        return f"Aucun signalement n'a été réglé en {month_fr(month)}."
    days = days_fr(resolved.median_days)
    if resolved.count == 1:
        return f"1 signalement réglé en {month_fr(month)}, en {days}."
    return (f"{resolved.count} signalements réglés en {month_fr(month)} ; la moitié au moins "
            f"l'ont été en {days} ou moins (médiane).")


def _month_body(summary: MonthSummary) -> Markup:
    lines = Markup("").join(
        # "%" escapes each value as format() would, without string.Formatter's cost (thousands of lines)
        Markup("<li>n° %s — %s, %s : réglé le %s, en %s</li>") % (
            r.report.number, r.report.service.name, r.report.street, date_fr(r.day), days_fr(r.days))
        for r in sorted(summary.resolved.resolutions, key=lambda r: (r.day, r.report.number)))
    text = Markup("<p>{}</p>").format(_month_words(summary.resolved, summary.month))
    return text + (Markup("<ul>{}</ul>").format(lines) if lines else Markup(""))


def _reports_month(summary: MonthSummary, timezone: ZoneInfo) -> Announcement:
    scope = summary.sector.id if summary.sector else CITY_KEY
    place = f" ({summary.sector.name})" if summary.sector else ""
    return Announcement(
        key=f"signalements/bilan/{scope}/{summary.month:%Y-%m}", kind="reports_month",
        date=_midnight(month_start(summary.month, -1), timezone),
        title=f"Ce que nous avons réglé en {month_fr(summary.month)}{place}",
        summary=_month_words(summary.resolved, summary.month), body_html=_month_body(summary),
        url=f"transparence/{summary.sector.id}/#signalements-par-mois" if summary.sector
        else "transparence/#signalements-par-mois",
        sector_ids=(summary.sector.id,) if summary.sector else (), city_wide=False, negative=False,
        category="reports_month", record=summary, in_city_channels=summary.sector is None,
    )


def month_summaries(reports: list[Report], sectors: list[Sector], today: dt.date,
                    kept: Any = None) -> list[MonthSummary]:
    """Each complete month's summary, from the month of the scope's first report on, for the
    city and each sector that has reports. ``kept`` (derive.KeptDerivations): a scope's
    summaries of the last build (same day) when its reports are the very same."""
    by_sector = by_sector_id(reports)
    scopes: list[tuple[Sector | None, list[Report]]] = [(None, reports)]
    scopes += [(sector, by_sector.get(sector.id, [])) for sector in sectors]
    summaries = []
    for sector, in_scope in scopes:
        if not in_scope:
            continue
        if kept is None:
            summaries += _scope_summaries(sector, in_scope, today)
        else:
            summaries += kept.made_of(("month_summaries", sector.id if sector else None), (sector, *in_scope),
                                      lambda: _scope_summaries(sector, in_scope, today))
    return summaries


def _scope_summaries(sector: Sector | None, in_scope: list[Report], today: dt.date) -> list[MonthSummary]:
    resolving = _resolving_by_month(in_scope)
    summaries = []
    month = month_start(min(r.received_day for r in in_scope))
    while month_start(month, -1) <= today:
        summaries.append(MonthSummary(month, sector, resolved_in_month_as_of_its_end(resolving.get(month, []), month)))
        month = month_start(month, -1)
    return summaries


def _resolving_by_month(reports: list[Report]) -> dict[dt.date, list[Report]]:
    """The reports with a ``resolved`` stage in each month: the only ones a month's summary
    may name (one pass, not one per month)."""
    months: dict[dt.date, list[Report]] = {}
    for report in reports:
        for month in dict.fromkeys(month_start(s.day) for s in report.history if s.stage == "resolved"):
            months.setdefault(month, []).append(report)
    return months


def report_announcements(reports: list[Report], sectors: list[Sector], timezone: ZoneInfo,
                         today: dt.date, kept: Any = None) -> list[Announcement]:
    items = [item for report in reports for item in _of_record(
        report, lambda report=report: [_report_overdue(report, period, timezone) for period in report.overdue_periods],
        kept)]
    return items + [_month_announcement(summary, timezone, kept)
                    for summary in month_summaries(reports, sectors, today, kept)]


def _month_announcement(summary: MonthSummary, timezone: ZoneInfo, kept: Any) -> Announcement:
    """A month's summary; with ``kept``, the last build's when it names the very same reports
    (a report kept as it was resolved the same day, as its history is the same)."""
    if kept is None:
        return _reports_month(summary, timezone)
    return kept.made_of(("reports_month", summary.sector.id if summary.sector else None, summary.month),
                        (summary.sector, *summary.resolved.reports), lambda: _reports_month(summary, timezone))


def _of_record(record: Any, make: Any, kept: Any) -> list[Announcement]:
    """A record's own announcements; ``kept`` (derive.KeptDerivations): those the last build made
    of the very same derived record (same build day and time zone), taken as they are."""
    if kept is None:
        return make()
    return kept.made_of(("announcements", type(record).__name__, record.id), (record,), make)


def announcements(news_items: list[NewsItem], projects: list[Project], works: list[WorksOrder],
                  timezone: ZoneInfo, now: dt.datetime, reports: list[Report] = (),
                  sectors: list[Sector] = (), kept: Any = None) -> list[Announcement]:
    """Every announcement out by ``now``, newest first (ties: by key)."""
    items: list[Announcement] = []
    for news in news_items:
        article = news.article
        items.append(Announcement(
            key=f"actualites/{article.slug}", kind="news", date=article.date, title=article.title,
            summary=str(Markup(article.metadata.get("summary", "")).striptags()),
            body_html=Markup(article.content), url=article.url, sector_ids=news.sector_ids,
            city_wide=news.city_wide, negative=False, category="news", record=news,
        ))
    for project in projects:
        items += _of_record(project, lambda project=project: _updates(project, timezone), kept)
    for order in works:
        items += _of_record(order, lambda order=order: _works(order, timezone), kept)
    items += report_announcements(list(reports), list(sectors), timezone, now.astimezone(timezone).date(), kept)
    items = [a for a in items if a.date <= now]
    items.sort(key=lambda a: (a.date, a.key), reverse=True)
    return items
