"""The messages of each sign panel, chosen from the sector's view and fitted to the panel.

Priority (1 first), the same on every panel of a sector:

1. **Bad news** of the sector (``SectorView.bad_news``, newest first): late, over-budget,
   suspended and cancelled projects, and withdrawn works orders not yet over.
2. **Works active today** (``SectorView.active_works``), closures first, then by kind
   (``KIND_ORDER``), then soonest end.
3. **Works starting soon** (``SectorView.upcoming_works``: within the upcoming window,
   ``CLAIRVOIE_UPCOMING_WORKS_DAYS``), soonest first.
4. **Upcoming meetings** (``SectorView.upcoming_meetings``), soonest first.
5. **Residents' reports**, one line for the sector: how many were resolved in the last seven
   days (``SectorView.resolved_this_week``) and how many are overdue
   (``SectorView.overdue_reports``), the bad with the good, never one without the other;
   no line when both are zero. Valid for the build's day only, as its counts are.

At most ``max_messages`` messages are kept, in that order: bad news is never pushed out by
anything else, and the reports' line, when there is one, takes the place of the last works
or meeting message rather than be left out (its overdue count is bad news too). Each message says its validity, so that a panel can rotate through its
messages for days without fetching the file again:

- bad news: from the news' date (a withdrawn order: its signature, else its start, as in
  the feeds) until the project's current planned end, or the order's end; ``null``
  ("until further notice") when that date is already past — a late project stays late;
- works: from the start (works starting soon: from the day they enter the upcoming
  window) until the end; a date alone ends at 23:59:59;
- meetings: from the day they enter the upcoming window until the meeting's end.

Dates in the text are "26/02" in the build's year, "26/02/2027" otherwise. Everything is a
pure function of the model (and its build date): no clock, no randomness.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Sequence
from zoneinfo import ZoneInfo

from ... import incremental
from ...model.records import BadNews, Meeting, Model, Panel, SectorView, WorksOrder
from ...labels import hours_fr, hours_short_fr
from ..site import absolute
from .fit import NBSP, Fitted, fit

DEFAULT_MAX_MESSAGES = 10
PRIORITY_NAMES = {
    1: "Mauvaise nouvelle",
    2: "Travaux en cours",
    3: "Travaux à venir",
    4: "Réunion publique",
    5: "Signalements",
}
# Within priority 2: what stops traffic first.
KIND_ORDER = ("closure", "detour", "alternating_traffic", "lane_restriction", "parking_ban",
              "noise", "other")
# Works kinds, as the second half of "Rue des Lilas : route fermée".
KIND_WORDS = {
    "closure": "route fermée",
    "lane_restriction": "voie rétrécie",
    "parking_ban": "stationnement interdit",
    "detour": "déviation",
    "alternating_traffic": "circulation alternée",
    "noise": "travaux bruyants",
    "other": "travaux",
}
STREET_TYPES = ("rue", "avenue", "boulevard", "place", "chemin", "impasse", "route", "allée",
                "quai", "cours", "montée", "square", "parvis", "passage", "sentier", "voie",
                "esplanade", "rond-point", "faubourg", "promenade", "ruelle", "venelle")


@dataclass(frozen=True)
class Message:
    id: str
    priority: int
    kind: str
    fitted: Fitted
    valid_from: str
    valid_until: str | None
    url: str
    # For the preview page only (not in the panel file):
    title: str = ""  # the record's title
    starts: dt.datetime | None = None
    ends: dt.datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "priority": self.priority,
            "kind": self.kind,
            "lines": list(self.fitted.lines),
            "text": self.fitted.text,
            "fit": self.fitted.status,
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "url": self.url,
        }

    @property
    def alt(self) -> str:
        """The message as one sentence, for the preview's text alternative."""
        return " ".join(self.fitted.lines)


@dataclass(frozen=True)
class Draft:
    """A message before fitting: its wordings, richest first."""

    id: str
    priority: int
    kind: str
    wordings: tuple[str, ...]
    valid_from: dt.datetime
    valid_until: dt.datetime | None
    url: str
    title: str


# --- words -------------------------------------------------------------------------------
def short_date(day: dt.date | dt.datetime, today: dt.date) -> str:
    """26/02 within the build's year, 26/02/2027 otherwise."""
    if isinstance(day, dt.datetime):
        day = day.date()
    text = f"{day.day:02d}/{day.month:02d}"
    return text if day.year == today.year else f"{text}/{day.year}"


def short_time(moment: dt.datetime) -> str:
    return f"{moment.hour}h{moment.minute:02d}" if moment.minute else f"{moment.hour}h"


def street_in_sentence(street: str) -> str:
    """"Rue des Lilas" → "rue des Lilas" after other words; "Grande Rue" stays."""
    first, _, rest = street.partition(" ")
    if first.lower() in STREET_TYPES and rest:
        return f"{first.lower()} {rest}"
    return street


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def colon(before: str, after: str) -> str:
    """French "before : after", the colon glued to the word before it."""
    return f"{before}{NBSP}: {after}"


def money(amount: float) -> str:
    whole = f"{round(amount):,}".replace(",", NBSP)
    return f"{whole}{NBSP}€"


# --- validity -----------------------------------------------------------------------------
def start_of(value: dt.date | dt.datetime, timezone: ZoneInfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone)
    return dt.datetime.combine(value, dt.time(), tzinfo=timezone)


def end_of(value: dt.date | dt.datetime, timezone: ZoneInfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone)
    return dt.datetime.combine(value, dt.time(23, 59, 59), tzinfo=timezone)


def iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


# --- drafts, by priority --------------------------------------------------------------------
def bad_news_draft(news: BadNews, model: Model, site_url: str, timezone: ZoneInfo) -> Draft:
    today = model.today
    if news.works is not None:
        order = news.works
        what = f"{KIND_WORDS[order.kind]} {street_in_sentence(order.street)}"
        wordings = (
            colon("Annulé", f"{what}, prévu du {short_date(order.start, today)} au "
                            f"{short_date(order.end, today)}."),
            colon("Annulé", what),
        )
        return Draft(f"arrete-retire-{order.id}", 1, news.kind, wordings,
                     start_of(order.signed or order.start_date, timezone),
                     end_of(order.end, timezone), absolute(site_url, order.url), order.title)
    project = news.project
    assert project is not None
    title = project.title
    end = project.current_planned_end
    if news.kind == "late" and project.status == "completed":
        days = project.days_late
        wordings = ((colon(f"Terminé avec {days} jours de retard", title),) if days > 1 else ()) + (
            colon("Terminé en retard", title),)
    elif news.kind == "late":
        wordings = (colon("En retard", f"{title}. Fin prévue le {short_date(end, today)}."),
                    colon("En retard", title))
    elif news.kind == "over_budget":
        wordings = (colon(f"Budget dépassé de {money(project.overrun_amount)}", title),
                    colon("Budget dépassé", title))
    elif news.kind == "suspended":
        wordings = (colon("Chantier suspendu", title), colon("Suspendu", title))
    else:  # cancelled
        wordings = (colon("Projet annulé", title), colon("Annulé", title))
    until = end_of(end, timezone) if end >= today else None
    return Draft(f"projet-{project.id}", 1, news.kind, wordings, start_of(news.date, timezone),
                 until, absolute(site_url, project.url), project.title)


def _hours_words(order: WorksOrder) -> tuple[str, ...]:
    """The hours as the site says them, then shorter for a small panel: richest first."""
    if order.weekly_hours is None:
        return ()
    return tuple(dict.fromkeys((hours_fr(order.weekly_hours), hours_short_fr(order.weekly_hours))))


def active_draft(order: WorksOrder, model: Model, site_url: str, timezone: ZoneInfo) -> Draft:
    today = model.today
    what = colon(capital(order.street), KIND_WORDS[order.kind])
    until = f"jusqu'au {short_date(order.end, today)}"
    wordings = [f"{what} {until}, {hours}." for hours in _hours_words(order)]
    wordings += [f"{what} {until}.", what]
    return Draft(f"travaux-{order.id}", 2, order.kind, tuple(wordings),
                 start_of(order.start, timezone), end_of(order.end, timezone),
                 absolute(site_url, order.url), order.title)


def _when(order: WorksOrder, today: dt.date) -> str:
    start, end = order.start, order.end
    if order.start_date == order.end_date:
        day = f"le {short_date(start, today)}"
        if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
            return f"{day} de {short_time(start)} à {short_time(end)}"
        return day
    return f"du {short_date(start, today)} au {short_date(end, today)}"


def upcoming_draft(order: WorksOrder, model: Model, site_url: str, timezone: ZoneInfo,
                   window: int) -> Draft:
    today = model.today
    what = colon(capital(order.street), KIND_WORDS[order.kind])
    when = _when(order, today)
    wordings = [f"{what} {when}, {hours}." for hours in _hours_words(order)]
    wordings += [f"{what} {when}.", f"{what} dès le {short_date(order.start, today)}.", what]
    announced = order.start_date - dt.timedelta(days=window)
    return Draft(f"travaux-{order.id}", 3, order.kind, tuple(wordings),
                 start_of(announced, timezone), end_of(order.end, timezone),
                 absolute(site_url, order.url), order.title)


def meeting_draft(meeting: Meeting, model: Model, site_url: str, timezone: ZoneInfo,
                  window: int) -> Draft:
    today = model.today
    when = f"le {short_date(meeting.start, today)}"
    if isinstance(meeting.start, dt.datetime):
        when += f" à {short_time(meeting.start)}"
    wordings = (
        colon(f"Réunion publique {when}", f"{meeting.title}, {meeting.place}."),
        colon(f"Réunion publique {when}", f"{meeting.title}."),
        colon(f"Réunion {when}", meeting.title),
    )
    start_day = meeting.start.date() if isinstance(meeting.start, dt.datetime) else meeting.start
    return Draft(f"reunion-{meeting.id}", 4, "meeting", wordings,
                 start_of(start_day - dt.timedelta(days=window), timezone),
                 end_of(meeting.end, timezone), absolute(site_url, meeting.url), meeting.title)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def reports_draft(view: SectorView, model: Model, site_url: str, timezone: ZoneInfo) -> Draft | None:
    resolved, overdue = len(view.resolved_this_week), len(view.overdue_reports)
    if not resolved and not overdue:
        return None
    late = _count(overdue, "en retard", "en retard")
    done = _count(resolved, "réglé", "réglés") if resolved else "aucun réglé"
    wordings = (
        colon("Signalements", f"{done} cette semaine, {late}."),
        f"{_count(resolved, 'signalement réglé', 'signalements réglés')}, {late}." if resolved
        else colon("Signalements", f"{late}, aucun réglé."),
        colon("Signalements", f"{done}, {late}"),
    )
    today = model.today
    return Draft(f"signalements-{view.sector.id}", 5, "reports", wordings, start_of(today, timezone),
                 end_of(today, timezone), absolute(site_url, f"{view.sector.url}#signalements"),
                 f"Signalements des habitants : {view.sector.short_name or view.sector.name}")


def drafts(model: Model, sector_id: str, site_url: str, window: int) -> list[Draft]:
    """Every message the sector's panels could show, in priority order."""
    timezone = ZoneInfo(model.timezone)
    view = model.views[sector_id]
    items = [bad_news_draft(n, model, site_url, timezone) for n in view.bad_news]
    active = sorted(view.active_works,
                    key=lambda w: (KIND_ORDER.index(w.kind), w.end_date, w.id))
    items += [active_draft(w, model, site_url, timezone) for w in active]
    items += [upcoming_draft(w, model, site_url, timezone, window) for w in view.upcoming_works]
    items += [meeting_draft(m, model, site_url, timezone, window) for m in view.upcoming_meetings]
    items += [d for d in (reports_draft(view, model, site_url, timezone),) if d]
    seen: set[str] = set()
    unique = []
    for item in items:  # one message per record: its highest priority
        if item.id not in seen:
            seen.add(item.id)
            unique.append(item)
    return unique


def messages(model: Model, panel: Panel, site_url: str = "", window: int = 14,
             max_messages: int = DEFAULT_MAX_MESSAGES) -> list[Message]:
    """The panel's messages: at most ``max_messages``, by priority, each fitted to the panel."""
    every = drafts(model, panel.sector_id, site_url, window)
    chosen = every[:max(0, max_messages)]
    reports = next((d for d in every if d.kind == "reports"), None)
    if reports and reports not in chosen and chosen and chosen[-1].priority > 1:
        chosen[-1] = reports
    return [fitted_message(d, panel) for d in chosen]


# Each wording laid out on a panel's size, kept for the next build in the same process (a
# preview): fitting tries every abbreviation of every wording, and the texts rarely change.
_fitted = incremental.KeptBetweenBuilds()


def fitted_message(draft: Draft, panel: Panel) -> Message:
    layout = (draft.wordings, panel.lines, panel.columns, panel.charset)
    return Message(
        id=draft.id,
        priority=draft.priority,
        kind=draft.kind,
        fitted=_fitted.get(layout, lambda: fit(*layout)),
        valid_from=iso(draft.valid_from) or "",
        valid_until=iso(draft.valid_until),
        url=draft.url,
        title=draft.title,
        starts=draft.valid_from,
        ends=draft.valid_until,
    )


def panel_document(model: Model, panel: Panel, items: Sequence[Message]) -> dict[str, Any]:
    """The panel file's content (keys are sorted when written)."""
    return {
        "panel": {
            "id": panel.id,
            "name": panel.name,
            "lines": panel.lines,
            "columns": panel.columns,
            "charset": panel.charset,
            "sector": panel.sector_id,
        },
        "messages": [m.as_json() for m in items],
    }
