"""Everything worth announcing, once, for every channel (feeds, newsletter, panels…).

An announcement is a news article, a project update (good or bad), a new
works order or a withdrawn works order, dated when it became news: an
article's date, an update's date, an order's signature date (else its start).
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

from .records import NewsItem, Project, Update, WorksOrder


@dataclass(frozen=True)
class Announcement:
    key: str  # stable, e.g. "projets/lilas/2026-05-02/delay"
    kind: str  # "news", "update", "works", "works_cancelled"
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
    record: Any = None  # the Project, WorksOrder or NewsItem
    update: Update | None = None  # for kind "update": the update it tells

    def concerns(self, sector_id: str | None) -> bool:
        """Whether a sector's channels carry it (None: the city-wide channels)."""
        return sector_id is None or self.city_wide or sector_id in self.sector_ids


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


def announcements(news_items: list[NewsItem], projects: list[Project], works: list[WorksOrder],
                  timezone: ZoneInfo, now: dt.datetime) -> list[Announcement]:
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
        keys = _update_keys(project)
        items += [_update(project, u, keys[u.index], timezone) for u in project.updates]
    for order in works:
        items += _works(order, timezone)
    items = [a for a in items if a.date <= now]
    items.sort(key=lambda a: (a.date, a.key), reverse=True)
    return items
