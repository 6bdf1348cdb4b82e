"""The hand-written opening_hours subset against the maintained parser of OpenStreetMap's syntax
(opening-hours-py): every text the subset understands must mean, week after week, exactly the
hours that parser finds, and every text the subset refuses is either one it cannot read or one
it does not claim to know."""

import datetime as dt

import opening_hours
import pytest
from hypothesis import example, given, settings, strategies as st

from clairvoie.model.opening_hours import DAY_CODES, MINUTES_PER_DAY, parse

WEEK_MINUTES = 7 * MINUTES_PER_DAY
MONDAY = dt.datetime(2001, 1, 1)  # a Monday, in a week without public holidays


def merged(intervals):
    result = []
    for start, end in sorted(intervals):
        if result and start <= result[-1][1]:
            result[-1][1] = max(result[-1][1], end)
        else:
            result.append([start, end])
    return [tuple(pair) for pair in result]


def subset_week(text):
    """Open minutes of the week, by the subset: each slot on each of its days, a range past
    midnight spilling into the next day (Sunday's into Monday)."""
    hours = parse(text)
    if hours.continuous:
        return [(0, WEEK_MINUTES)]
    minutes = []
    for slot in hours.slots:
        for day in slot.days:
            start, end = day * MINUTES_PER_DAY + slot.time.start, day * MINUTES_PER_DAY + slot.time.end
            if end > WEEK_MINUTES:
                minutes += [(start, WEEK_MINUTES), (0, end - WEEK_MINUTES)]
            else:
                minutes.append((start, end))
    return merged(minutes)


def reference_week(text):
    """Open minutes of a week after another, by opening-hours-py (the week before sets the
    spill-over into Monday)."""
    week = dt.timedelta(days=7)
    minutes = []
    for start, end, state, _comment in opening_hours.OpeningHours(text).intervals(MONDAY + week, MONDAY + 2 * week):
        if state == opening_hours.State.OPEN:
            minutes.append((int((start - MONDAY - week).total_seconds() // 60),
                            int((end - MONDAY - week).total_seconds() // 60)))
    return merged(minutes)


def clock(minutes):
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


days = st.one_of(
    st.sampled_from(DAY_CODES),
    st.tuples(st.sampled_from(DAY_CODES), st.sampled_from(DAY_CODES)).filter(lambda p: p[0] != p[1]).map("-".join),
    st.lists(st.sampled_from(DAY_CODES), min_size=2, max_size=4, unique=True)
      .map(lambda codes: ",".join(sorted(codes, key=DAY_CODES.index))),
)


@st.composite
def time_range(draw):
    start = draw(st.integers(0, 95)) * 15
    end = start + draw(st.integers(1, 64)) * 15
    if end <= MINUTES_PER_DAY or draw(st.booleans()):
        return f"{clock(start)}-{clock(end)}"  # 26:00 written as such
    return f"{clock(start)}-{clock(end - MINUTES_PER_DAY)}"  # or wrapped: 22:00-02:00


times = st.lists(time_range(), min_size=1, max_size=3).map(",".join)
rule = st.one_of(
    st.tuples(days, times).map(" ".join),
    days,
    days.map(lambda selector: f"{selector} off"),
)
texts = st.one_of(
    st.just("24/7"),
    st.lists(rule, min_size=1, max_size=3).map("; ".join),
    st.tuples(st.tuples(days, times).map(" ".join), st.tuples(days, times).map(" ".join)).map(", ".join),
)


@settings(max_examples=1500, deadline=None)
@given(texts)
@example("Mo-Fr 20:00-06:00; PH off")
@example("Mo 22:00-02:00, Tu 10:00-12:00")
def test_what_the_subset_understands_is_what_openstreetmap_means(text):
    assert opening_hours.validate(text), text
    if parse(text) is not None:
        assert subset_week(text) == reference_week(text), text


@pytest.mark.parametrize("text", [
    "Mo 22:00-02:00; Tu 10:00-12:00",  # is Tuesday 00:00-02:00 still on?
    "Mo 22:00-02:00; Mo 20:00-21:00",
    "Mo-Tu 22:00-02:00; Tu off",
])
def test_a_night_range_beside_other_rules_is_left_to_the_raw_text(text):
    """OpenStreetMap's parsers differ on what spills into a day another rule names: the
    calendar shows one continuous event quoting the text rather than guess."""
    assert opening_hours.validate(text)
    assert parse(text) is None
