"""The opening_hours subset of works orders: what it turns into weekly slots, and what it refuses."""

import datetime as dt
from pathlib import Path

import pytest
import yaml

from building import REPO
from clairvoie.model.opening_hours import MINUTES_PER_DAY, Slot, TimeRange, WeeklyHours, parse

WEEK = (0, 1, 2, 3, 4)  # Mo-Fr
ALL = (0, 1, 2, 3, 4, 5, 6)


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def slot(days, start, end, next_day=False):
    return Slot(tuple(days), TimeRange(hm(start), hm(end) + (MINUTES_PER_DAY if next_day else 0)))


ACCEPTED = [
    # (text, slots, continuous, public holidays off)
    ("Mo-Fr 07:30-17:00", [slot(WEEK, "07:30", "17:00")], False, False),
    ("Mo-Fr 08:00-12:00,13:30-17:00",
     [slot(WEEK, "08:00", "12:00"), slot(WEEK, "13:30", "17:00")], False, False),
    ("Mo-Fr 08:00-12:00, 13:30-17:00",  # a space after the comma
     [slot(WEEK, "08:00", "12:00"), slot(WEEK, "13:30", "17:00")], False, False),
    ("Mo,We,Fr 09:00-11:00", [slot((0, 2, 4), "09:00", "11:00")], False, False),
    ("Sa 08:00-12:00", [slot((5,), "08:00", "12:00")], False, False),
    ("Su 10:00-18:00", [slot((6,), "10:00", "18:00")], False, False),
    ("We,Sa 05:00-14:00", [slot((2, 5), "05:00", "14:00")], False, False),
    ("Fr-Mo 10:00-12:00", [slot((0, 4, 5, 6), "10:00", "12:00")], False, False),  # wraps
    ("Mo-Fr 08:00-17:00; PH off", [slot(WEEK, "08:00", "17:00")], False, True),
    ("Mo-Sa 07:00-19:00; Su,PH off", [slot((0, 1, 2, 3, 4, 5), "07:00", "19:00")], False, True),
    ("Mo-Fr 20:00-06:00", [slot(WEEK, "20:00", "06:00", next_day=True)], False, False),
    ("Tu,Th 21:00-05:00", [slot((1, 3), "21:00", "05:00", next_day=True)], False, False),
    ("Mo 22:00-26:00", [slot((0,), "22:00", "02:00", next_day=True)], False, False),
    ("Sa 08:00-24:00", [slot((5,), "08:00", "24:00")], False, False),
    ("24/7", [], True, False),
    ("24/7; PH off", [], True, True),
    ("Mo-Su 00:00-24:00", [], True, False),
    ("24/7; Su off", [slot((0, 1, 2, 3, 4, 5), "00:00", "24:00")], False, False),
    # a later rule replaces the hours of the days it names
    ("Mo-Fr 08:00-17:00; We 08:00-12:00",
     [slot((2,), "08:00", "12:00"), slot((0, 1, 3, 4), "08:00", "17:00")], False, False),  # by time
    ("Mo-Sa 08:00-17:00; We off", [slot((0, 1, 3, 4, 5), "08:00", "17:00")], False, False),
    # an additional rule after "," adds hours
    ("Mo-Fr 08:00-12:00, Sa 09:00-11:00",
     [slot(WEEK, "08:00", "12:00"), slot((5,), "09:00", "11:00")], False, False),
    ("Mo-Fr 08:00-16:00; Sa 08:00-12:00",
     [slot((5,), "08:00", "12:00"), slot(WEEK, "08:00", "16:00")], False, False),
    ("Sa, Su 10:00-12:00", [slot((5, 6), "10:00", "12:00")], False, False),  # a day list with a space
    ("08:00-17:00", [slot(ALL, "08:00", "17:00")], False, False),  # no days: every day
    ("Sa,Su", [slot((5, 6), "00:00", "24:00")], False, False),  # no hours: all day long
    ("Mo-Fr 08:00-12:00,11:00-14:00", [slot(WEEK, "08:00", "14:00")], False, False),  # overlaps joined
    ("Mo-Fr 07:30-17:00;", [slot(WEEK, "07:30", "17:00")], False, False),  # trailing ";"
    ("Mo-Fr 8:00-17:00", [slot(WEEK, "08:00", "17:00")], False, False),  # one-digit hour
    ("Mo-Fr 08:00-17:00 open", [slot(WEEK, "08:00", "17:00")], False, False),
    ("  Mo-Fr   07:30-17:00  ", [slot(WEEK, "07:30", "17:00")], False, False),
]


@pytest.mark.parametrize("text, slots, continuous, holidays", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_understood_hours(text, slots, continuous, holidays):
    assert parse(text) == WeeklyHours(tuple(slots), continuous=continuous, public_holidays_off=holidays)


REFUSED = [
    None,
    "",
    "   ",
    ";",
    "off",  # never applies
    "Mo-Su off",
    "Su,PH off",  # nothing left
    "Jan-Mar Mo-Fr 08:00-17:00",  # months
    "2026 Mo-Fr 08:00-17:00",  # years
    "Dec 25 off",  # dates
    "week 01-10 Mo-Fr 08:00-17:00",  # weeks
    "Mo[1] 08:00-12:00",  # nth weekday
    "Mo-Fr 08:00-17:00+",  # open end
    "Mo-Fr sunrise-sunset",
    "Mo-Fr (sunrise+01:00)-17:00",
    "Mo-Fr 10:00-16:00/90",  # repeating intervals
    "Mo-Fr 08:00-17:00 || \"sur rendez-vous\"",  # fallback rule
    "Mo-Fr 08:00-17:00 \"selon la météo\"",  # comment
    "Mo-Fr 08:00-17:00 unknown",
    "PH 10:00-12:00",  # hours on public holidays
    "Mo-Fr,PH 08:00-17:00",
    "SH off",  # school holidays
    "mo-fr 08:00-17:00",  # weekday codes are case-sensitive
    "Lu-Ve 08:00-17:00",  # French abbreviations
    "Mo-Fr 8h-17h",
    "Mo-Fr 08:00-17:00 13:30-17:00",  # two ranges without a comma
    "Mo-Fr 10:00-10:00",  # empty range
    "Mo-Fr 08:60-17:00",
    "Mo-Fr 25:00-26:00",  # starts after 24:00
    "Mo-Fr 20:00-49:00",  # beyond 48:00
    "Mo-Fr 24/7",
    "Mo-Fr 08:00-17:00,",
    "Mo-Fr 08:00-17:00; ; Sa 08:00-12:00",
    12,
]


@pytest.mark.parametrize("text", REFUSED, ids=[repr(r) for r in REFUSED])
def test_refused_hours(text):
    assert parse(text) is None


def test_time_range_helpers():
    night = TimeRange(hm("20:00"), hm("06:00") + MINUTES_PER_DAY)
    assert night.start_time == dt.time(20) and night.end_time == dt.time(6)
    assert night.ends_next_day and night.duration == dt.timedelta(hours=10)
    day = TimeRange(hm("07:30"), hm("17:00"))
    assert not day.ends_next_day and day.duration == dt.timedelta(hours=9, minutes=30)
    assert TimeRange(0, MINUTES_PER_DAY).is_whole_day
    assert slot(WEEK, "07:30", "17:00").day_codes == ("Mo", "Tu", "We", "Th", "Fr")


def test_every_demo_order_hours_are_understood():
    """The demo city writes hours the way staff do; all of them fit the subset."""
    for path in sorted((REPO / "content/works").glob("*.yaml")):
        hours = yaml.safe_load(path.read_text(encoding="utf-8")).get("hours")
        if hours:
            assert parse(hours) is not None, (Path(path).name, hours)
