"""iCalendar agendas (RFC 5545): public meetings and works orders, per sector and city-wide.

Written files:

- ``/secteurs/<sector id>/agenda.ics``: the meetings and works orders of one sector;
- ``/agenda.ics``: those of the whole city.

Residents subscribe to them in their phone or e-mail calendar (docs/agenda.md). Each
file is a ``VCALENDAR`` (``METHOD:PUBLISH``) with the site's time zone as a
``VTIMEZONE``, and:

- one ``VEVENT`` per meeting;
- for a works order whose ``hours`` the opening-hours subset understands
  (model/opening_hours.py), one weekly recurring ``VEVENT`` per distinct time range:
  ``DTSTART``/``DTEND`` are the first occurrence, ``RRULE:FREQ=WEEKLY;BYDAY=…;UNTIL=…``
  repeats it, ``UNTIL`` being the start of the last occurrence within the order's
  dates, in UTC (RFC 5545 asks for UTC when ``DTSTART`` has a ``TZID``). "Mo-Fr
  08:00-12:00,13:30-17:00" gives two events, the morning and the afternoon;
- for any other order (no ``hours``, ``24/7``, or hours no day of the order falls on):
  one continuous event, all-day from the start date to the end date when the order
  gives dates, else between its exact date-times. The description words the hours as
  every channel does (``labels.hours_fr``); hours outside the subset stop the build.

A withdrawn order keeps its events, with ``STATUS:CANCELLED`` and the reason in the
description, so that calendars which already show them strike them out or remove
them: bad news travels the same way as good news.

Identifiers never change when a record's text is edited. ``UID`` is
``<kind>-<record id>[-<n>]@<site identity>``: kind ``meeting`` or ``works``, the record
id (its file name), ``-1``, ``-2``… for the time ranges of an order with several, and
the site identity (``Site.domain``, shared with the news feeds and the podcast:
``CLAIRVOIE_FEED_DOMAIN``, else the host of ``SITEURL``). The setting comes first so that the published identity can be kept when the site's address changes:
a new identity would make every subscriber's calendar show every event twice.

Everything is a pure function of the model, SITEURL and SITENAME; see ``stamp`` for the
one date that is not in the records.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Iterable, Sequence
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vDuration

from .. import incremental, labels
from ..model.opening_hours import Slot, WeeklyHours
from ..model.records import Meeting, Model, WorksOrder
from .geo import first_position
from .site import AlternateLink, Site

FILE_NAME = "agenda.ics"
MEDIA_TYPE = "text/calendar"
PRODID = "-//Clairvoie//Agenda des réunions et des travaux//FR"
# How often subscribed calendars should fetch the file again (RFC 7986, and Outlook's
# X-PUBLISHED-TTL): works orders can change from one day to the next.
REFRESH = dt.timedelta(hours=6)
UTC = dt.timezone.utc
ONE_DAY = dt.timedelta(days=1)


# --- names and addresses ------------------------------------------------------------------
def calendar_path(sector_id: str | None) -> str:
    """Relative to the site root: secteurs/<id>/agenda.ics, or agenda.ics for the city."""
    return f"secteurs/{sector_id}/{FILE_NAME}" if sector_id else FILE_NAME


def calendar_name(model: Model, sector_id: str | None) -> str:
    scope = model.sector(sector_id).name if sector_id else "Toute la ville"
    return f"{scope} : réunions et travaux"


def alternate_links(model: Model, sector_id: str | None) -> list[AlternateLink]:
    return [AlternateLink(MEDIA_TYPE, f"{calendar_name(model, sector_id)} (agenda)",
                          calendar_path(sector_id))]


def uid(kind: str, record_id: str, identity: str, number: int | None = None) -> str:
    suffix = f"-{number}" if number is not None else ""
    return f"{kind}-{record_id}{suffix}@{identity}"


# --- plain text -------------------------------------------------------------------------------
class _PlainText(HTMLParser):
    BLOCKS = {"p", "div", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
              "table", "tr", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
            if tag == "li":
                self.parts.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(re.sub(r"\s+", " ", data))


def plain_text(html: str) -> str:
    """Markdown's HTML as plain text: paragraphs and list items on their own lines."""
    parser = _PlainText()
    parser.feed(str(html))
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return re.sub(r"\n\n(?=- )", "\n", text)  # list items one under the other


# --- dates -----------------------------------------------------------------------------------
def stamp(record: Any, model: Model) -> dt.datetime:
    """DTSTAMP: when the record last changed, never the build clock.

    RFC 5545 requires DTSTAMP in every event; with METHOD:PUBLISH it says when the
    information was created. The clock would make every build differ, and so would
    the build date (a file that changes every day although nothing changed makes
    subscribed calendars download and redraw everything). So it is the date of the
    newest Git commit that changed the record's file — a fact of the repository, the
    same in every build of a commit and only moving when the record is edited —
    and, for a site built outside Git, the build date at 00:00 UTC (from
    SOURCE_DATE_EPOCH: still reproducible).
    """
    if record.source.history:
        return record.source.history[0].date.astimezone(UTC)
    return dt.datetime.combine(model.today, dt.time(), tzinfo=UTC)


def _local(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return value.astimezone(tz)


def _begin(value: dt.date | dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The first instant of a start: a date counts from its local midnight."""
    if isinstance(value, dt.datetime):
        return _local(value, tz)
    return dt.datetime.combine(value, dt.time(), tzinfo=tz)


def _finish(value: dt.date | dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The instant an end means: a date lasts until the following midnight."""
    if isinstance(value, dt.datetime):
        return _local(value, tz)
    return dt.datetime.combine(value + ONE_DAY, dt.time(), tzinfo=tz)


def _span(start: dt.date | dt.datetime, end: dt.date | dt.datetime,
          tz: ZoneInfo) -> tuple[dt.date | dt.datetime, dt.date | dt.datetime]:
    """DTSTART and DTEND: all-day dates (DTEND exclusive) when both are dates, else times."""
    if not isinstance(start, dt.datetime) and not isinstance(end, dt.datetime):
        return start, end + ONE_DAY
    return _begin(start, tz), _finish(end, tz)


def _utc(value: dt.date | dt.datetime) -> dt.datetime:
    """For sorting events: the instant (dates at 00:00 UTC, close enough for an order)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(UTC)
    return dt.datetime.combine(value, dt.time(), tzinfo=UTC)


# --- events --------------------------------------------------------------------------------------
def _event(uid_text: str, dtstamp: dt.datetime, start: dt.date | dt.datetime,
           end: dt.date | dt.datetime, summary: str) -> Event:
    event = Event()
    event.add("uid", uid_text)
    event.add("dtstamp", dtstamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    return event


def _describe(lines: Iterable[str | None]) -> str:
    return "\n".join(line for line in lines if line)


def _page_line(site: Site, path: str) -> str:
    return f"Page : {site.absolute(path)}"


def meeting_events(meeting: Meeting, model: Model, site: Site) -> list[Event]:
    tz = ZoneInfo(model.timezone)
    start, end = _span(meeting.start, meeting.end, tz)
    event = _event(uid("meeting", meeting.id, site.domain), stamp(meeting, model), start, end,
                   f"Réunion : {meeting.title}")
    event.add("location", meeting.place)
    participation = labels.PARTICIPATION.get(meeting.participation or "")
    details = plain_text(meeting.description_html)
    event.add("description", _describe([
        meeting.title,
        participation and f"Niveau de participation : {participation['name']}.",
        participation and f"Ce que vous pouvez faire : {participation['can']}",
        participation and f"Ce que vous ne pouvez pas faire : {participation['cannot']}",
        details and f"\n{details}\n",
        meeting.registration_url and f"Inscription : {meeting.registration_url}",
        _page_line(site, meeting.url),
    ]))
    if site.has_absolute_urls:
        event.add("url", site.absolute(meeting.url))
    event.add("categories", ["Réunion publique"] + ([participation["name"]] if participation else []))
    event.add("status", "CONFIRMED")
    return [event]


def works_summary(order: WorksOrder) -> str:
    """« Travaux : Route fermée — Rue des Lilas »; « Arrêté retiré — Travaux : … » when withdrawn."""
    summary = f"Travaux : {labels.WORKS_KIND[order.kind]} — {order.street}"
    return f"{labels.BAD_NEWS_KIND['works_cancelled']} — {summary}" if order.is_cancelled else summary


def _occurrences(slot: Slot, order: WorksOrder,
                 tz: ZoneInfo) -> list[tuple[dt.datetime, dt.datetime]]:
    """Each (start, end) of a slot that overlaps the order's dates, in local time."""
    begin, finish = _begin(order.start, tz), _finish(order.end, tz)
    extra_days, end_minutes = divmod(slot.time.end, 24 * 60)
    end_time = dt.time(end_minutes // 60, end_minutes % 60)
    found = []
    day = order.start_date
    while day <= order.end_date:
        if day.weekday() in slot.days:
            start = dt.datetime.combine(day, slot.time.start_time, tzinfo=tz)
            end = dt.datetime.combine(day + dt.timedelta(days=extra_days), end_time, tzinfo=tz)
            if end > begin and start < finish:
                found.append((start, end))
        day += ONE_DAY
    return found


def _recurring_event(order: WorksOrder, slot: Slot, uid_text: str, dtstamp: dt.datetime,
                     tz: ZoneInfo) -> Event | None:
    occurrences = _occurrences(slot, order, tz)
    if not occurrences:
        return None
    (first_start, first_end), (last_start, _) = occurrences[0], occurrences[-1]
    byday = [code.upper() for code in slot.day_codes]
    if slot.time.is_whole_day:  # whole days: all-day events, UNTIL a date like DTSTART
        event = _event(uid_text, dtstamp, first_start.date(), first_start.date() + ONE_DAY,
                       works_summary(order))
        until: dt.date | dt.datetime = last_start.date()
    else:
        event = _event(uid_text, dtstamp, first_start, first_end, works_summary(order))
        until = last_start.astimezone(UTC)
    if len(occurrences) > 1:
        event.add("rrule", {"freq": "weekly", "byday": byday, "until": until})
    return event


def works_events(order: WorksOrder, model: Model, site: Site) -> list[Event]:
    tz = ZoneInfo(model.timezone)
    dtstamp = stamp(order, model)
    hours = order.weekly_hours
    events: list[Event] = []
    if hours is not None and not hours.continuous:
        several = len(hours.slots) > 1
        for number, slot in enumerate(hours.slots, start=1):
            uid_text = uid("works", order.id, site.domain, number if several else None)
            event = _recurring_event(order, slot, uid_text, dtstamp, tz)
            if event is not None:
                events.append(event)
    if not events:  # one continuous event between the order's dates
        start, end = _span(order.start, order.end, tz)
        events.append(_event(uid("works", order.id, site.domain), dtstamp, start, end,
                             works_summary(order)))
    description = _works_description(order, hours, site)
    position = first_position(order.geometry)
    for event in events:
        event.add("location", f"{order.street}, {order.section}" if order.section else order.street)
        if position is not None:
            event.add("geo", (position[1], position[0]))
        event.add("description", description)
        if site.has_absolute_urls:
            event.add("url", site.absolute(order.url))
        event.add("categories", ["Travaux", labels.WORKS_KIND[order.kind]])
        event.add("status", "CANCELLED" if order.is_cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT")  # a works order does not make residents busy
    return events


def _works_description(order: WorksOrder, hours: WeeklyHours | None, site: Site) -> str:
    if hours is None:
        when = "En continu, jour et nuit."
    else:  # every hours value the build accepts is worded: an unreadable one stops it (build.py)
        holidays = " (l'agenda les montre quand même)" if hours.public_holidays_off else ""
        when = f"Horaires : {labels.hours_fr(hours)}{holidays}."
    detour = plain_text(order.detour_html)
    signed = f", signé le {labels.date_fr(order.signed)}" if order.signed else ""
    return _describe([
        order.is_cancelled and "ARRÊTÉ RETIRÉ : la mesure ne s'applique pas.",
        order.is_cancelled and f"Raison : {order.cancelled_reason}\n",
        order.title,
        f"Arrêté n° {order.reference}{signed}.",
        f"Du {labels.datetime_fr(order.start)} au {labels.datetime_fr(order.end)}.",
        when,
        order.direction and f"Sens concernés : {labels.DIRECTION[order.direction]}.",
        detour and f"Déviation et accès : {detour}",
        _page_line(site, order.url),
    ])


# --- calendars ----------------------------------------------------------------------------------
def _event_years(event: Event) -> tuple[int, ...]:
    """The years an event's times fall in: its start, its end, the end of its repetition."""
    years = [event.decoded(name).year for name in ("DTSTART", "DTEND")]
    if "RRULE" in event:
        until = event["RRULE"].get("UNTIL")
        years += [u.year for u in (until if isinstance(until, list) else [until]) if u]
    return tuple(years)


def _timezone_lines(model: Model, events: "Sequence[_WrittenEvent]") -> bytes:
    """The site's VTIMEZONE, covering the years of the events (and the next one).

    The years come from the events alone, so that a later build of the same content
    gives the same bytes; a calendar without events covers the build year.
    """
    years = [year for event in events for year in event.years] or [model.today.year]
    return _timezone_of(model.timezone, min(years), max(years))


@functools.lru_cache(maxsize=64)  # the city's and each sector's calendar: mostly the same years
def _timezone_of(zone: str, first_year: int, last_year: int) -> bytes:
    try:
        timezone = Timezone.from_tzid(zone, first_date=dt.date(first_year, 1, 1),
                                      last_date=dt.date(last_year + 2, 1, 1))
    except ValueError:  # a zone icalendar cannot describe (e.g. UTC): times are written in UTC
        return b""
    return timezone.to_ical()


@dataclass(frozen=True)
class _WrittenEvent:
    order: tuple[dt.datetime, str]  # (start instant, UID): the order of events in a file
    ical: bytes  # the event's lines, as Calendar.to_ical() writes them
    years: tuple[int, ...]  # what its calendar's VTIMEZONE must cover (_event_years)


# Each record's events, kept for the next build in the same process (pelican --autoreload).
_kept_events = incremental.KeptBetweenBuilds()


class RecordEvents:
    """The events of each record, built and written once though several calendars show them
    (a works order is in its sectors' calendars and in the city's).

    With the build's signatures, a record's events are also kept for the next build
    in the same process, as long as the record, the date and the settings are unchanged.
    """

    def __init__(self, model: Model, site: Site, signatures: "incremental.PageSignatures | None" = None):
        self.model, self.site, self.signatures = model, site, signatures
        self._written: dict[tuple[str, str], list[_WrittenEvent]] = {}

    def _of(self, kind: str, record: Any) -> list[_WrittenEvent]:
        key = (kind, record.id)
        if key not in self._written:
            if self.signatures is None:
                self._written[key] = self._build(kind, record)
            else:
                signature = (self.signatures.of(f"calendar:{kind}", [record]), self.site.url, self.site.domain)
                self._written[key] = _kept_events.get(signature, lambda: self._build(kind, record))
        return self._written[key]

    def _build(self, kind: str, record: Any) -> list[_WrittenEvent]:
        build = meeting_events if kind == "meeting" else works_events
        return [_WrittenEvent((_utc(e.decoded("DTSTART")), str(e["UID"])), e.to_ical(), _event_years(e))
                for e in build(record, self.model, self.site)]

    def in_scope(self, sector_id: str | None) -> list[_WrittenEvent]:
        """The events of a sector's calendar (None: the city's), in the order of the file."""
        model = self.model
        meetings = [m for m in model.meetings if sector_id is None or sector_id in m.sector_ids]
        works = [w for w in model.works if sector_id is None or sector_id in w.sector_ids]
        events = [e for m in meetings for e in self._of("meeting", m)]
        events += [e for w in works for e in self._of("works", w)]
        return sorted(events, key=lambda e: e.order)


def calendar_head(model: Model, sector_id: str | None) -> Calendar:
    """The calendar's own properties, without its components."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.calendar_name = calendar_name(model, sector_id)  # NAME and X-WR-CALNAME
    scope = f"du secteur « {model.sector(sector_id).name} »" if sector_id else "de toute la ville"
    calendar.description = (f"Les réunions publiques et les arrêtés de travaux {scope}, "
                            f"mis à jour à chaque publication du site.")
    calendar.add("x-wr-timezone", model.timezone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    return calendar


def calendar_bytes(model: Model, sector_id: str | None, site: Site,
                   record_events: RecordEvents | None = None) -> bytes:
    """The calendar file: what Calendar.to_ical() writes, its components' lines being
    its properties' lines followed by each component's own."""
    events = (record_events or RecordEvents(model, site)).in_scope(sector_id)
    head = calendar_head(model, sector_id).to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    return b"".join([head[:-len(end)], _timezone_lines(model, events), *(e.ical for e in events), end])


def write_calendars(model: Model, site: Site) -> None:
    record_events = RecordEvents(model, site, site.signatures)
    for sector_id in [None] + [s.id for s in model.sectors]:
        site.write(calendar_path(sector_id), calendar_bytes(model, sector_id, site, record_events))
