"""The part of OpenStreetMap's ``opening_hours`` syntax that works orders use.

A works order's ``hours`` field says when the measure applies, in the syntax
navigation apps read (https://wiki.openstreetmap.org/wiki/Key:opening_hours).
Calendars (outputs/calendar.py) turn it into weekly recurring events, so this
module understands only what a weekly recurrence can say, and refuses the rest:

=========================================  ==========================================
understood                                 example
=========================================  ==========================================
weekdays, ranges and lists                 ``Mo-Fr``, ``Mo,We,Fr``, ``Sa``, ``Fr-Mo``
one or more time ranges                    ``07:30-12:00,13:30-17:00``
a range past midnight (ends the next day)  ``Mo-Fr 20:00-06:00``, ``Mo 22:00-26:00``
``24:00`` as an end                        ``Sa 08:00-24:00``
every day, all the time                    ``24/7``
rules separated by ``;`` (a later rule     ``Mo-Fr 08:00-17:00; We 08:00-12:00``
replaces the hours of the days it names)
additional rules after ``,`` (they add)    ``Mo-Fr 08:00-12:00, Sa 09:00-11:00``
days without hours (all day long)          ``Sa,Su``
days switched off                          ``Mo-Sa 08:00-17:00; We off``
public holidays off, noted but ignored     ``Mo-Fr 08:00-17:00; PH off``
=========================================  ==========================================

Anything else — months, weeks, dates, years, school holidays, hours on public
holidays, ``sunrise``, open ends (``17:00+``), ``unknown``, comments, fallback
rules (``||``), nth weekdays (``Mo[1]``) — makes :func:`parse` return ``None``:
the calendar then shows the order as one continuous event and quotes the raw
text, rather than guess.

The result, :class:`WeeklyHours`, gives one :class:`Slot` per distinct time
range with the weekdays it applies on: each slot is one weekly recurrence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")  # index = date.weekday()
MINUTES_PER_DAY = 24 * 60
_TIME = r"(\d{1,2}):(\d{2})"
_TIME_RANGE = re.compile(rf"^{_TIME}-{_TIME}$")
_DAY_RANGE = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$")


@dataclass(frozen=True, order=True)
class TimeRange:
    """From ``start`` to ``end``, in minutes after the midnight of the day it starts.

    ``end`` is above 1440 (24:00) when the range ends the next day: 20:00-06:00 is
    (1200, 1800).
    """

    start: int
    end: int

    @property
    def start_time(self) -> dt.time:
        return dt.time(self.start // 60, self.start % 60)

    @property
    def end_time(self) -> dt.time:
        """The end's clock time (on the next day when ``ends_next_day``)."""
        end = self.end % MINUTES_PER_DAY
        return dt.time(end // 60, end % 60)

    @property
    def ends_next_day(self) -> bool:
        return self.end > MINUTES_PER_DAY or self.end == MINUTES_PER_DAY

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.end - self.start)

    @property
    def is_whole_day(self) -> bool:
        return self.start == 0 and self.end == MINUTES_PER_DAY


@dataclass(frozen=True)
class Slot:
    """One time range and the weekdays (0 = Monday … 6 = Sunday) it applies on."""

    days: tuple[int, ...]
    time: TimeRange

    @property
    def day_codes(self) -> tuple[str, ...]:
        return tuple(DAY_CODES[d] for d in self.days)


@dataclass(frozen=True)
class WeeklyHours:
    """What ``hours`` means, week after week.

    ``slots`` are sorted by time range (one per distinct range); ``continuous``
    is true for ``24/7`` (no slots then: the measure never stops);
    ``public_holidays_off`` records a ``PH off`` that calendars cannot express.
    """

    slots: tuple[Slot, ...]
    continuous: bool = False
    public_holidays_off: bool = False


class _Unsupported(ValueError):
    """Outside the subset: parse() returns None."""


def parse(text: str | None) -> WeeklyHours | None:
    """The weekly hours of an ``opening_hours`` text, or None when the subset cannot say it."""
    if not text or not isinstance(text, str):
        return None
    try:
        return _parse(text)
    except _Unsupported:
        return None


def _parse(text: str) -> WeeklyHours:
    if "||" in text or '"' in text:
        raise _Unsupported("fallback rules and comments")
    hours: dict[int, list[TimeRange]] = {day: [] for day in range(7)}
    holidays_off = False
    rules = [rule.strip() for rule in text.split(";")]
    if rules and rules[-1] == "" and len(rules) > 1:
        rules.pop()  # a trailing ";" is harmless
    rules_naming_days, past_midnight = 0, False
    for rule in rules:
        rules_naming_days += 1
        for index, (selector, ranges, off) in enumerate(_rules_of(rule)):
            if "PH" in selector:
                if not off:
                    raise _Unsupported("hours on public holidays")
                holidays_off = True  # noted; which days are holidays is not known here
                selector = tuple(item for item in selector if item != "PH")
                if not selector:
                    rules_naming_days -= index == 0  # "PH off" alone
                    continue
            past_midnight = past_midnight or any(r.end > MINUTES_PER_DAY for r in ranges)
            for day in _days(selector):
                if off:
                    hours[day] = []
                elif index == 0:  # a normal rule replaces what earlier rules said
                    hours[day] = list(ranges)
                else:  # an additional rule (after ",") adds to it
                    hours[day] = hours[day] + list(ranges)
    if rules_naming_days > 1 and past_midnight:
        # Whether a later rule for the next day also cuts what spills into it is read
        # differently by OpenStreetMap's own parsers: the calendar will not guess.
        raise _Unsupported("a range past midnight beside other rules")
    by_range: dict[TimeRange, list[int]] = {}
    for day in range(7):
        for time_range in _merged(hours[day]):
            by_range.setdefault(time_range, []).append(day)
    if not by_range:
        raise _Unsupported("never applies")
    whole_day = [TimeRange(0, MINUTES_PER_DAY)]
    if all(_merged(hours[day]) == whole_day for day in range(7)):
        return WeeklyHours((), continuous=True, public_holidays_off=holidays_off)
    slots = tuple(Slot(tuple(days), time_range) for time_range, days in sorted(by_range.items()))
    return WeeklyHours(slots, public_holidays_off=holidays_off)


def _is_day(token: str) -> bool:
    return token == "PH" or bool(_DAY_RANGE.match(token))


def _rules_of(rule: str) -> list[tuple[tuple[str, ...], tuple[TimeRange, ...], bool]]:
    """The (day selector, time ranges, off) of a rule and of its additional rules.

    "Mo,We 08:00-12:00,14:00-17:00, Sa off" gives (("Mo", "We"), (8-12, 14-17), False)
    then (("Sa",), (), True). No selector means every day; no time, all day long.
    """
    tokens = rule.replace(",", " , ").split()
    if not tokens:
        raise _Unsupported("empty rule")
    if tokens == ["24/7"]:
        return [((), (TimeRange(0, MINUTES_PER_DAY),), False)]
    position = 0

    def peek(offset: int = 0) -> str | None:
        index = position + offset
        return tokens[index] if index < len(tokens) else None

    rules = []
    while True:
        selector: list[str] = []
        if peek() is not None and _is_day(peek()):
            selector.append(tokens[position])
            position += 1
            # Before any time, "," and a day continue the list: "Sa, Su 10:00-12:00".
            while peek() == "," and peek(1) is not None and _is_day(peek(1)):
                selector.append(tokens[position + 1])
                position += 2
        ranges: list[TimeRange] = []
        off = False
        if peek() is not None and _TIME_RANGE.match(peek()):
            ranges.append(_time_range(tokens[position]))
            position += 1
            while peek() == "," and peek(1) is not None and _TIME_RANGE.match(peek(1)):
                ranges.append(_time_range(tokens[position + 1]))
                position += 2
        elif peek() in ("off", "closed"):
            off = True
            position += 1
        opened = peek() == "open" and not off
        if opened:
            position += 1
        if not (selector or ranges or off or opened):
            raise _Unsupported(f"not understood: {peek()}")
        if not ranges and not off:  # days without hours, or "open": all day long
            ranges.append(TimeRange(0, MINUTES_PER_DAY))
        rules.append((tuple(selector), tuple(ranges), off))
        if peek() is None:
            return rules
        if peek() == "," and peek(1) is not None and _is_day(peek(1)):
            position += 1  # an additional rule follows
            continue
        raise _Unsupported(f"not understood: {peek()}")


def _days(selector: tuple[str, ...]) -> tuple[int, ...]:
    """Weekdays (0 = Monday) of a selector's items; no selector: every day."""
    if not selector:
        return tuple(range(7))
    days: list[int] = []
    for item in selector:
        match = _DAY_RANGE.match(item)
        if not match:
            raise _Unsupported(f"not a weekday selector: {item}")
        first = DAY_CODES.index(match.group(1))
        last = DAY_CODES.index(match.group(2)) if match.group(2) else first
        span = (last - first) % 7  # "Fr-Mo" wraps over the weekend
        days += [(first + step) % 7 for step in range(span + 1)]
    return tuple(sorted(set(days)))


def _time_range(text: str) -> TimeRange:
    match = _TIME_RANGE.match(text)
    if not match:
        raise _Unsupported(f"not a time range: {text}")
    start_hour, start_minute, end_hour, end_minute = (int(g) for g in match.groups())
    if start_minute > 59 or end_minute > 59 or start_hour > 23 or end_hour > 48:
        raise _Unsupported(f"not a time: {text}")
    start = start_hour * 60 + start_minute
    end = end_hour * 60 + end_minute
    if end > 2 * MINUTES_PER_DAY:
        raise _Unsupported(f"beyond 48:00: {text}")
    if end == start:
        raise _Unsupported(f"empty range: {text}")
    if end < start:  # past midnight: 20:00-06:00 ends the next morning
        end += MINUTES_PER_DAY
    return TimeRange(start, end)


def _merged(ranges: list[TimeRange]) -> list[TimeRange]:
    """Ranges of one day, sorted, with overlapping or touching ones joined."""
    result: list[TimeRange] = []
    for time_range in sorted(ranges):
        if result and time_range.start <= result[-1].end:
            result[-1] = TimeRange(result[-1].start, max(result[-1].end, time_range.end))
        else:
            result.append(time_range)
    return result
