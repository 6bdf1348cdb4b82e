"""Compose a sector's next issue: everything new since the last one, never twice, nothing skipped.

``compose_project`` composes, the same way, the next letter of one project (for residents
who follow it without following its sectors): its updates, good and bad, its works orders
starting, ending or withdrawn, with the same sections, keys and windows, and its own state.

The items of an issue, in this order:

1. « Ce qui ne va pas comme prévu »: the bad news of projects (delay, cost overrun,
   suspension, cancellation) and withdrawn works orders, each with its reason;
2. « Les projets »: the other project updates;
3. « Travaux qui commencent »: works orders starting within ``newsletter_works_days``
   (or started already but never announced);
4. « Travaux terminés »: works orders that ended;
5. « Prochaines réunions »: public meetings to come, not announced yet (a meeting moved
   to another day is announced again);
6. « Actualités »: news articles.

What was told is known by keys kept in ``state.json`` (``model/newsletter_issues.py``): the stable keys of
``model.announcements`` (``projets/<id>/<date>/<kind>``, ``travaux/<id>``,
``travaux/<id>/retrait``, ``actualites/<slug>``), plus ``travaux/<id>/fin`` and
``reunions/<id>/<start date>``. An item is in the next issue when its key was never sent
and it is not older than the sector's first issue window (``since``: the first issue
tells the last ``newsletter_first_days`` days only). Hence a piece of news dated before
the previous issue but published after it is not lost, and an edited text is not sent
again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from ..labels import (
    PARTICIPATION, REPORT_ANNOUNCEMENT_KIND, REPORT_LATE, UPDATE_KIND, WORKS_KIND, date_fr, datetime_fr,
    hours_fr, money_fr, new_end_fr, time_fr,
)
from ..model.announcements import Announcement
from ..model.records import Meeting, Model, Photo, Project, Report, WorksOrder
from ..model.newsletter_issues import Image, Issue, Item, Section, State

# Width (px) of the email's content column: 600 px less 2 × 32 px of padding.
CONTENT_WIDTH = 536
TEXT_LIMIT = 420  # characters of a body text before « … »

SECTIONS = (
    ("mauvaises-nouvelles", "Ce qui ne va pas comme prévu"),
    ("projets", "Les projets"),
    ("signalements", "Vos signalements : ce que nous avons réglé"),
    ("travaux-a-venir", "Travaux qui commencent"),
    ("travaux-termines", "Travaux terminés"),
    ("reunions", "Prochaines réunions"),
    ("actualites", "Actualités"),
)
# The subject's headline for bad news, before the project's or order's title in « ».
NEGATIVE_HEADLINE = {
    "delay": "retard sur le projet",
    "cost_overrun": "dépassement de budget sur le projet",
    "suspension": "suspension du projet",
    "cancellation": "annulation du projet",
    "works_cancelled": "arrêté de travaux retiré :",
    "report_overdue": "signalement en retard :",
}
# The same, in a project's own letter, whose subject already names the project.
PROJECT_NEGATIVE_HEADLINE = {
    "delay": "retard",
    "cost_overrun": "dépassement de budget",
    "suspension": "projet suspendu",
    "cancellation": "projet annulé",
}
NEGATIVE_TONE = {"delay": "late", "cost_overrun": "late", "suspension": "stopped",
                 "cancellation": "stopped", "works_cancelled": "stopped", "report_overdue": "late"}
WORKS_CANCELLED = "Arrêté retiré"
WORKS_ENDED = "Terminé"
NEWS = "Actualité"
MEETING = "Réunion publique"
NO_REASON = "La raison n'a pas encore été publiée."
EMPTY_HEADLINE = "rien de nouveau depuis la dernière lettre"


def plain(html: str | Markup | None, limit: int = TEXT_LIMIT) -> str:
    """The text of some HTML, on one line, cut at a word before ``limit`` characters."""
    text = Markup(html or "").striptags()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + " …"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _image(photo: Photo | None) -> Image | None:
    """The smallest JPEG rendition that fills the email's column (JPEG: every mail client)."""
    if photo is None or not photo.renditions:
        return None
    rendition = next((r for r in photo.renditions if r.width >= CONTENT_WIDTH), photo.renditions[-1])
    width = min(CONTENT_WIDTH, rendition.width)
    height = max(1, round(rendition.height * width / rendition.width))
    return Image(rendition.url, width, height, photo.alt)


def _project_image(project: Project) -> Image | None:
    return _image(project.photos[0] if project.photos else None)


# --- items ----------------------------------------------------------------------------------
def _update_item(announcement: Announcement) -> Item:
    project: Project = announcement.record
    update = announcement.update
    facts: list[str] = []
    if announcement.negative:
        facts.append(f"Raison : {announcement.reason}" if announcement.reason else NO_REASON)
    if update.new_planned_end:
        facts.append(new_end_fr(update.new_planned_end))
        if update.kind == "delay":
            facts.append(f"Fin prévue au départ : {date_fr(project.schedule.planned_end)}")
    if update.new_budget is not None:
        facts.append(f"Nouveau budget : {money_fr(update.new_budget)}")
        if project.budget and project.budget.planned is not None:
            facts.append(f"Budget voté au départ : {money_fr(project.budget.planned)}")
    if not announcement.negative and project.progress:
        facts.append(f"Avancement : {project.progress}\u00a0%")
    return Item(
        key=announcement.key, label=UPDATE_KIND.get(update.kind, update.kind), title=project.title,
        subtitle=update.title, url=project.url, date=update.date.isoformat(),
        text=plain(update.body_html), facts=tuple(facts), negative=announcement.negative,
        tone=NEGATIVE_TONE.get(update.kind, "") if announcement.negative else "",
        image=_project_image(project),
    )


def _report_overdue_item(announcement: Announcement) -> Item:
    """An overdue report (model/announcements.py words it): its number, service and street."""
    report: Report = announcement.record
    return Item(
        key=announcement.key, label=REPORT_LATE, title=f"n° {report.number} — {report.service.name}",
        subtitle=report.street, url=report.url, date=announcement.date.date().isoformat(),
        facts=(announcement.summary,), negative=True, tone=NEGATIVE_TONE["report_overdue"],
    )


def _reports_month_item(announcement: Announcement) -> Item:
    """A month's resolved reports: how many, how fast (the list is on /transparence/)."""
    return Item(
        key=announcement.key, label=REPORT_ANNOUNCEMENT_KIND["reports_month"], title=announcement.title,
        url=announcement.url, date=announcement.date.date().isoformat(), text=announcement.summary,
    )


def _where(order: WorksOrder) -> str:
    return order.street + (f", {order.section}" if order.section else "")


def _works_facts(order: WorksOrder) -> list[str]:
    facts = [_where(order), f"Du {datetime_fr(order.start)} au {datetime_fr(order.end)}"]
    if order.weekly_hours is not None:
        facts.append(f"Horaires : {hours_fr(order.weekly_hours)}")
    if order.project:
        facts.append(f"Chantier : {order.project.title}")
    facts.append(f"Arrêté n° {order.reference}")
    return facts


def _works_item(order: WorksOrder, key: str) -> Item:
    detour = plain(order.detour_html)
    return Item(
        key=key, label=WORKS_KIND.get(order.kind, order.kind), title=order.title, url=order.url,
        date=order.start_date.isoformat(), text=f"Déviation : {detour}" if detour else "",
        facts=tuple(_works_facts(order)),
    )


def _works_cancelled_item(announcement: Announcement) -> Item:
    order: WorksOrder = announcement.record
    facts = [f"Raison : {order.cancelled_reason}" if order.cancelled_reason else NO_REASON,
             _where(order),
             f"Prévu du {datetime_fr(order.start)} au {datetime_fr(order.end)} : "
             "les travaux n'auront pas lieu à ces dates",
             f"Arrêté n° {order.reference}"]
    return Item(
        key=announcement.key, label=WORKS_CANCELLED, title=order.title, url=order.url,
        date=order.start_date.isoformat(), facts=tuple(facts), negative=True, tone="stopped",
    )


def _works_ended_item(order: WorksOrder, sent: set[str]) -> Item:
    key = f"travaux/{order.id}"
    return Item(
        key=f"{key}/fin", label=WORKS_ENDED, title=order.title, url=order.url,
        date=order.end_date.isoformat(),
        facts=(_where(order), f"Terminé le {date_fr(order.end_date)}", f"Arrêté n° {order.reference}"),
        tone="done", also_keys=() if key in sent else (key,),
    )


def meeting_when(meeting: Meeting) -> str:
    """« Le mardi 8 décembre 2026 à 18 h 30, jusqu'à 20 h », as the site says it."""
    start, end = meeting.start, meeting.end
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime) and start.date() == end.date():
        return f"Le {date_fr(start, weekday=True)} à {time_fr(start)}, jusqu'à {time_fr(end)}"
    if not isinstance(start, dt.datetime) and start == end:
        return f"Le {date_fr(start, weekday=True)}"
    first = date_fr(start, weekday=True) + (f" à {time_fr(start)}" if isinstance(start, dt.datetime) else "")
    last = date_fr(end, weekday=True) + (f" à {time_fr(end)}" if isinstance(end, dt.datetime) else "")
    return f"Du {first} au {last}"


def meeting_key(meeting: Meeting) -> str:
    start = meeting.start.date() if isinstance(meeting.start, dt.datetime) else meeting.start
    return f"reunions/{meeting.id}/{start.isoformat()}"


def _meeting_item(meeting: Meeting) -> Item:
    facts = [meeting_when(meeting), f"Lieu : {meeting.place}"]
    label = MEETING
    if meeting.participation:
        level = PARTICIPATION[meeting.participation]
        label = level["name"]
        facts.append(f"Ce que vous pouvez y faire : {level['can']}")
    if meeting.registration_url:
        facts.append(f"Inscription : {meeting.registration_url}")
    return Item(
        key=meeting_key(meeting), label=label, title=meeting.title, url=meeting.url,
        date=meeting.start.isoformat(), text=plain(meeting.description_html), facts=tuple(facts),
    )


def _news_item(announcement: Announcement) -> Item:
    return Item(
        key=announcement.key, label=NEWS, title=announcement.title, url=announcement.url,
        date=announcement.date.date().isoformat(), text=plain(announcement.summary),
    )


# --- the issue ------------------------------------------------------------------------------
def _headline(negative: list[tuple[Announcement, Item]], sections: dict[str, list[Item]],
              of_project: bool = False) -> str:
    """The subject's news: bad news first. In a project's letter the project is already named."""
    if negative:
        announcement, item = negative[0]
        kind = announcement.update.kind if announcement.kind == "update" else announcement.kind
        if of_project and kind != "works_cancelled":
            return PROJECT_NEGATIVE_HEADLINE[kind]
        return f"{NEGATIVE_HEADLINE[kind]} « {item.title} »"
    for section_id in ("projets", "actualites", "travaux-a-venir", "reunions", "travaux-termines", "signalements"):
        if sections[section_id]:
            item = sections[section_id][0]
            if section_id == "projets":
                subtitle = lower_first(item.subtitle)
                return subtitle if of_project else f"{item.title} : {subtitle}"
            if section_id == "reunions":
                return f"réunion « {item.title} »"
            if section_id == "travaux-termines":
                return f"fin des travaux « {item.title} »"
            if section_id == "signalements":
                return lower_first(item.title)
            return item.title
    return EMPTY_HEADLINE


def _summary(items: list[Item]) -> str:
    count = len(items)
    if not count:
        return "Aucune nouvelle depuis la dernière lettre."
    bad = sum(1 for i in items if i.negative)
    text = "1 nouvelle" if count == 1 else f"{count} nouvelles"
    if bad:
        text += ", dont " + ("1 mauvaise nouvelle" if bad == 1 else f"{bad} mauvaises nouvelles")
    return text + "."


def first_window_start(today: dt.date, first_days: int) -> dt.date:
    return today - dt.timedelta(days=first_days)


@dataclass(frozen=True)
class _Scope:
    """What one letter list covers: a sector's records, or one project's."""

    announcement: Callable[[Announcement], bool]  # updates, articles, withdrawn orders
    works: Callable[[WorksOrder], bool]
    meetings: list[Meeting]  # upcoming, soonest first


@dataclass(frozen=True)
class _News:
    negative: list[tuple[Announcement, Item]]  # bad news, newest first
    sections: dict[str, list[Item]]
    since: dt.date  # the previous issue's date, or the first window's start

    @property
    def issue_sections(self) -> tuple[Section, ...]:
        return tuple(Section(section_id, title, tuple(self.sections[section_id]))
                     for section_id, title in SECTIONS if self.sections[section_id])

    @property
    def summary(self) -> str:
        return _summary([item for section in self.issue_sections for item in section.items])


def _collect(model: Model, scope: _Scope, state: State, first_days: int, works_days: int) -> _News:
    """Every item of the scope not told yet (``state.sent``) and not older than the window."""
    today = model.today
    floor = state.since or first_window_start(today, first_days)
    since = state.last_date.date() if state.last_date else floor
    sent = set(state.sent)
    out = {a.key: a for a in model.announcements}  # announced by now

    def fresh(announcement: Announcement) -> bool:
        return (announcement.key not in sent and scope.announcement(announcement)
                and announcement.date.date() >= floor)

    negative: list[tuple[Announcement, Item]] = []
    sections: dict[str, list[Item]] = {section_id: [] for section_id, _ in SECTIONS}
    for announcement in model.announcements:  # newest first
        if announcement.kind == "update" and fresh(announcement):
            item = _update_item(announcement)
            if announcement.negative:
                negative.append((announcement, item))
            else:
                sections["projets"].append(item)
        elif announcement.kind == "news" and fresh(announcement):
            sections["actualites"].append(_news_item(announcement))
        elif announcement.kind == "report_overdue" and fresh(announcement):
            negative.append((announcement, _report_overdue_item(announcement)))
        elif announcement.kind == "reports_month" and fresh(announcement):
            sections["signalements"].append(_reports_month_item(announcement))
        elif (announcement.kind == "works_cancelled" and announcement.key not in sent
              and scope.announcement(announcement) and announcement.record.end_date >= floor):
            negative.append((announcement, _works_cancelled_item(announcement)))

    horizon = today + dt.timedelta(days=works_days)
    works = [w for w in model.works if scope.works(w) and not w.is_cancelled and f"travaux/{w.id}" in out]
    for order in sorted(works, key=lambda w: (w.start_date, w.id)):
        key = f"travaux/{order.id}"
        recent = order.start_date >= floor or out[key].date.date() >= floor
        if key not in sent and recent and order.start_date <= horizon and order.end_date >= today:
            sections["travaux-a-venir"].append(_works_item(order, key))
    for order in sorted(works, key=lambda w: (w.end_date, w.id), reverse=True):
        if f"travaux/{order.id}/fin" not in sent and floor <= order.end_date < today:
            sections["travaux-termines"].append(_works_ended_item(order, sent))

    for meeting in scope.meetings:  # soonest first
        if meeting_key(meeting) not in sent:
            sections["reunions"].append(_meeting_item(meeting))

    sections["mauvaises-nouvelles"] = [item for _, item in negative]
    return _News(negative, sections, since)


def compose(model: Model, sector_id: str, state: State, first_days: int = 30,
            works_days: int = 21) -> Issue:
    """The sector's next issue (possibly empty), as of the model's build moment: pure, nothing is
    written."""
    sector = model.sector(sector_id)
    scope = _Scope(announcement=lambda a: a.concerns(sector_id),
                   works=lambda w: sector_id in w.sector_ids,
                   meetings=model.views[sector_id].upcoming_meetings)
    news = _collect(model, scope, state, first_days, works_days)
    headline = _headline(news.negative, news.sections)
    return Issue(
        sector_id=sector_id, sector_name=sector.name, number=state.last_issue + 1, date=model.now,
        since=news.since, subject=f"{sector.name} : {headline}", headline=headline,
        summary=news.summary, sections=news.issue_sections,
        reply_to=(sector.contact.email or "") if sector.contact else "",
    )


def _of_project(project_id: str) -> Callable[[Announcement], bool]:
    """A project's own announcements: its updates, and its withdrawn works orders."""
    def concerns(announcement: Announcement) -> bool:
        if announcement.kind == "update":
            return announcement.record.id == project_id
        return announcement.kind == "works_cancelled" and announcement.record.project_id == project_id
    return concerns


def compose_project(model: Model, project_id: str, state: State, first_days: int = 30,
                    works_days: int = 21) -> Issue:
    """A project's next letter (possibly empty): its updates, good and bad, and its works orders
    starting, ending or withdrawn. Meetings are not tied to projects in the records: none."""
    project = model.project(project_id)
    scope = _Scope(announcement=_of_project(project_id),
                   works=lambda w: w.project_id == project_id, meetings=[])
    news = _collect(model, scope, state, first_days, works_days)
    headline = _headline(news.negative, news.sections, of_project=True)
    return Issue(
        sector_id="", sector_name="", number=state.last_issue + 1, date=model.now,
        since=news.since, subject=f"Projet « {project.title} » : {headline}", headline=headline,
        summary=news.summary, sections=news.issue_sections,
        reply_to=(project.contact.email or "") if project.contact else "",
        project_id=project_id, project_title=project.title,
        covered_by=project.sector_ids,  # their letters carry its news (city-wide: every sector)
    )
