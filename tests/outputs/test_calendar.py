"""iCalendar agendas: RFC 5545 files that icalendar reads back, every meeting and works order
of a sector once (once per time range), weekly rules from `hours`, stable UIDs, same bytes."""

import datetime as dt
import os
import re
import subprocess
from zoneinfo import ZoneInfo

import pytest
import yaml
from dateutil.rrule import rrulestr
from icalendar import Calendar

from building import REPO
from clairvoie.model import InvalidRecords, opening_hours
from clairvoie.outputs import calendar
from clairvoie.outputs.site import Site, site_domain
from sites import load_site, write_site

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.timezone.utc
SITE = Site("https://www.villebrune.example", "villebrune.example")
IDENTITY = "villebrune-sur-lise.fr"  # CLAIRVOIE_FEED_DOMAIN in the demo's pelicanconf.py


# --- helpers -------------------------------------------------------------------------------
def records(folder):
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((REPO / folder).glob("*.yaml"))}


def sector_ids():
    return sorted(p.stem for p in (REPO / "sectors").glob("*.yaml"))


def ics_files(output):
    return {None: output / "agenda.ics",
            **{s: output / "secteurs" / s / "agenda.ics" for s in sector_ids()}}


def read(path):
    return Calendar.from_ical(path.read_bytes())


def events_by_uid(cal):
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def expected_uids(sector_id):
    """UIDs (left of "@") the YAML records promise a sector's agenda, with their number."""
    expected = []
    for record_id, data in records("content/events").items():
        if sector_id is None or sector_id in data["sectors"]:
            expected.append(f"meeting-{record_id}")
    for record_id, data in records("content/works").items():
        if sector_id is None or sector_id in data["sectors"]:
            hours = opening_hours.parse(data.get("hours"))
            if hours is not None and len(hours.slots) > 1:
                expected += [f"works-{record_id}-{n}" for n in range(1, len(hours.slots) + 1)]
            else:
                expected.append(f"works-{record_id}")
    return expected


def occurrences(event):
    """Every (start) of an event, expanding its RRULE with dateutil."""
    start = event.decoded("DTSTART")
    if "RRULE" not in event:
        return [start]
    rule = event["RRULE"].to_ical().decode()
    if not isinstance(start, dt.datetime):
        start = dt.datetime.combine(start, dt.time())
    return list(rrulestr(f"RRULE:{rule}", dtstart=start))


def git(root, *args, date="2026-11-02T09:00:00+01:00"):
    env = {**os.environ, "GIT_AUTHOR_NAME": "Agent", "GIT_AUTHOR_EMAIL": "agent@example.invalid",
           "GIT_COMMITTER_NAME": "Agent", "GIT_COMMITTER_EMAIL": "agent@example.invalid",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


MEETING = """
    title: Réunion publique sur la rue des Lilas
    sectors: [secteur-1]
    start: 2026-12-03T18:30:00
    end: 2026-12-03T20:30:00
    place: Salle des fêtes, 2 place de la Mairie
    participation: consult
    description: |
      Présentation du **projet** et questions.
"""

WORKS = """
    reference: 2026-ARR-0001
    title: Rue des Lilas fermée pour la pose de l'enrobé
    sectors: [secteur-1, secteur-2]
    kind: closure
    street: Rue des Lilas
    section: du n°1 au n°48
    start: 2026-11-30
    end: 2026-12-11
    hours: "Mo-Fr 07:30-12:00,13:30-17:00"
    detour: |
      Déviation par la **rue du Four**.
"""


def fixture_model(root, meeting=MEETING, works=WORKS, today=dt.date(2026, 11, 24), **more):
    return load_site(write_site(root, {"content/events/reunion-lilas.yaml": meeting,
                                       "content/works/arr-lilas.yaml": works, **more}), today)


# --- the demo city: files, validity, round trip --------------------------------------------------
def test_every_sector_and_the_city_have_an_agenda(demo_output):
    for sector_id, path in ics_files(demo_output).items():
        assert path.is_file(), sector_id


def test_icalendar_round_trips_every_agenda(demo_output):
    for path in ics_files(demo_output).values():
        data = path.read_bytes()
        cal = Calendar.from_ical(data)
        again = Calendar.from_ical(cal.to_ical())
        assert again == cal, path
        assert [e.to_ical() for e in again.walk()] == [e.to_ical() for e in cal.walk()], path
        assert cal.to_ical() == data, path  # the file is exactly what icalendar writes
        assert cal.events, path


def test_agendas_follow_rfc_5545_layout(demo_output):
    for path in ics_files(demo_output).values():
        data = path.read_bytes()
        assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
        lines = data.split(b"\r\n")[:-1]
        assert b"\n" not in b"".join(lines), "every line ends with CRLF"
        assert all(len(line) <= 75 for line in lines), "lines are folded at 75 octets"
        data.decode("utf-8")


def test_calendar_properties(demo_output):
    sectors = {s: yaml.safe_load((REPO / "sectors" / f"{s}.yaml").read_text()) for s in sector_ids()}
    for sector_id, path in ics_files(demo_output).items():
        cal = read(path)
        assert str(cal["PRODID"]).startswith("-//Clairvoie//")
        assert str(cal["VERSION"]) == "2.0"
        assert str(cal["CALSCALE"]) == "GREGORIAN"
        assert str(cal["METHOD"]) == "PUBLISH"
        name = str(cal["X-WR-CALNAME"])
        assert name.endswith("réunions et travaux")
        assert (sectors[sector_id]["name"] if sector_id else "Toute la ville") in name
        assert str(cal["X-WR-TIMEZONE"]) == "Europe/Paris"
        assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
        assert cal.get_missing_tzids() == set()


def test_every_event_has_uid_dtstamp_dtstart_and_ends_after_it_starts(demo_output):
    for path in ics_files(demo_output).values():
        cal = read(path)
        uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
        assert len(uids) == len(set(uids)), path
        for event in cal.walk("VEVENT"):
            assert re.fullmatch(rf"(meeting|works)-[a-z0-9-]+@{re.escape(IDENTITY)}", str(event["UID"]))
            for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "LOCATION"):
                assert name in event, (path, event["UID"], name)
            stamp = event.decoded("DTSTAMP")
            assert stamp.tzinfo is not None and stamp.utcoffset() == dt.timedelta(0)
            start, end = event.decoded("DTSTART"), event.decoded("DTEND")
            assert type(start) is type(end) and end > start, event["UID"]
            if isinstance(start, dt.datetime):
                assert event["DTSTART"].params["TZID"] == "Europe/Paris"
            if "RRULE" in event:
                rule = event["RRULE"]
                assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] and rule["UNTIL"]
                if isinstance(start, dt.datetime):
                    assert rule["UNTIL"][0].tzinfo is not None  # UTC, as RFC 5545 asks


def test_each_meeting_and_works_order_of_a_sector_is_there_once(demo_output):
    for sector_id, path in ics_files(demo_output).items():
        uids = [str(e["UID"]).split("@")[0] for e in read(path).walk("VEVENT")]
        assert sorted(uids) == sorted(expected_uids(sector_id)), sector_id


def test_mo_fr_hours_become_a_weekly_rule(demo_output):
    # arr-2026-0624: Mo-Fr 07:30-17:00 from 11 to 22 January 2027, secteur-1
    order = records("content/works")["arr-2026-0624-rue-victor-hugo"]
    assert order["hours"] == "Mo-Fr 07:30-17:00"
    event = events_by_uid(read(ics_files(demo_output)["secteur-1"]))[
        f"works-arr-2026-0624-rue-victor-hugo@{IDENTITY}"]
    assert event.decoded("DTSTART") == dt.datetime(2027, 1, 11, 7, 30, tzinfo=PARIS)
    assert event.decoded("DTEND") == dt.datetime(2027, 1, 11, 17, 0, tzinfo=PARIS)
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;UNTIL=20270122T063000Z;BYDAY=MO,TU,WE,TH,FR"
    starts = occurrences(event)
    assert len(starts) == 10
    assert starts[-1] == dt.datetime(2027, 1, 22, 7, 30, tzinfo=PARIS)
    assert {s.weekday() for s in starts} == {0, 1, 2, 3, 4}
    assert "du lundi au vendredi, de 7 h 30 à 17 h" in str(event["DESCRIPTION"])


def test_two_time_ranges_give_two_events(demo_output):
    # arr-2026-0640: Mo-Fr 08:00-12:00,13:30-17:00
    events = events_by_uid(read(ics_files(demo_output)["secteur-3"]))
    morning = events[f"works-arr-2026-0640-rue-de-l-industrie-1@{IDENTITY}"]
    afternoon = events[f"works-arr-2026-0640-rue-de-l-industrie-2@{IDENTITY}"]
    assert (morning.decoded("DTSTART").time(), morning.decoded("DTEND").time()) == (dt.time(8), dt.time(12))
    assert (afternoon.decoded("DTSTART").time(), afternoon.decoded("DTEND").time()) == (dt.time(13, 30), dt.time(17))
    assert f"works-arr-2026-0640-rue-de-l-industrie@{IDENTITY}" not in events
    assert len(occurrences(morning)) == len(occurrences(afternoon)) == 8  # 14–23 December, weekdays


def test_night_hours_end_the_next_morning(demo_output):
    # arr-2026-0591: Mo-Th 21:00-05:00 from 18 January 21:00 to 22 January 05:00
    event = events_by_uid(read(ics_files(demo_output)["secteur-2"]))[
        f"works-arr-2026-0591-quai-de-la-lise@{IDENTITY}"]
    assert event.decoded("DTSTART") == dt.datetime(2027, 1, 18, 21, tzinfo=PARIS)
    assert event.decoded("DTEND") == dt.datetime(2027, 1, 19, 5, tzinfo=PARIS)
    assert [s.day for s in occurrences(event)] == [18, 19, 20, 21]


def test_orders_without_hours_are_one_continuous_event(demo_output):
    events = events_by_uid(read(ics_files(demo_output)[None]))
    for record_id, data in records("content/works").items():
        hours = opening_hours.parse(data.get("hours"))
        if hours is not None and not hours.continuous:
            continue
        event = events[f"works-{record_id}@{IDENTITY}"]
        assert "RRULE" not in event
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        if isinstance(data["start"], dt.datetime):
            assert start == data["start"].replace(tzinfo=PARIS), record_id
            assert end == data["end"].replace(tzinfo=PARIS), record_id
        else:  # all day, DTEND exclusive
            assert (start, end) == (data["start"], data["end"] + dt.timedelta(days=1)), record_id


def test_withdrawn_orders_stay_cancelled_with_their_reason(demo_output):
    events = read(ics_files(demo_output)[None]).walk("VEVENT")
    cancelled = {record_id: data for record_id, data in records("content/works").items() if data.get("cancelled")}
    assert cancelled
    for record_id, data in cancelled.items():
        found = [e for e in events if str(e["UID"]).startswith(f"works-{record_id}")]
        assert found
        for event in found:
            assert str(event["STATUS"]) == "CANCELLED"
            assert data["cancelled"] in str(event["DESCRIPTION"])
            assert str(event["SUMMARY"]).startswith("Arrêté retiré — Travaux : ")
    for event in events:
        record_id = re.sub(r"^works-|-[0-9]+$", "", str(event["UID"]).split("@")[0])
        if str(event["UID"]).startswith("works-") and record_id not in cancelled:
            assert str(event["STATUS"]) == "CONFIRMED", event["UID"]


def test_works_summary_location_and_categories(demo_output):
    event = events_by_uid(read(ics_files(demo_output)["secteur-1"]))[
        f"works-arr-2026-0498-rue-des-lilas@{IDENTITY}"]
    assert str(event["SUMMARY"]) == "Travaux : Route fermée — Rue des Lilas"
    assert str(event["LOCATION"]) == "Rue des Lilas, du n°1 au n°48"
    assert event["CATEGORIES"].cats == ["Travaux", "Route fermée"]
    assert event.decoded("GEO") is not None
    description = str(event["DESCRIPTION"])
    assert "2026-ARR-0498" in description and "Déviation" in description and "<" not in description
    assert "/travaux/arr-2026-0498-rue-des-lilas/" in description


def test_meetings_explain_the_participation_level(demo_output):
    events = events_by_uid(read(ics_files(demo_output)["secteur-1"]))
    for record_id, data in records("content/events").items():
        if "secteur-1" not in data["sectors"]:
            continue
        event = events[f"meeting-{record_id}@{IDENTITY}"]
        assert str(event["SUMMARY"]) == f"Réunion : {data['title']}"
        assert str(event["LOCATION"]) == data["place"]
        assert event.decoded("DTSTART") == data["start"].replace(tzinfo=PARIS)
        description = str(event["DESCRIPTION"])
        level = {"inform": "Information", "consult": "Consultation", "concert": "Concertation",
                 "codecide": "Codécision"}[data["participation"]]
        assert f"Niveau de participation : {level}." in description
        assert "Ce que vous pouvez faire" in description and "<" not in description
        assert f"/reunions/{record_id}/" in description
        assert "Réunion publique" in event["CATEGORIES"].cats


def test_sector_pages_announce_their_agenda(demo_output):
    home = (demo_output / "index.html").read_text()
    assert ('<link rel="alternate" type="text/calendar" '
            'title="Toute la ville : réunions et travaux (agenda)" href="/agenda.ics">') in home
    for sector_id in sector_ids():
        page = (demo_output / "secteurs" / sector_id / "index.html").read_text()
        assert re.search(rf'<link rel="alternate" type="text/calendar" title="[^"]+ : réunions et '
                         rf'travaux \(agenda\)" href="/secteurs/{sector_id}/agenda.ics">', page), sector_id


def test_two_builds_give_the_same_bytes(demo_output, demo_output_again):
    again = demo_output_again
    for sector_id, path in ics_files(demo_output).items():
        assert ics_files(again)[sector_id].read_bytes() == path.read_bytes(), sector_id


# --- small fixture sites -------------------------------------------------------------------------
def uids_of(data):
    return sorted(str(e["UID"]) for e in Calendar.from_ical(data).walk("VEVENT"))


def test_editing_a_records_text_keeps_its_uids(tmp_path):
    before = fixture_model(tmp_path / "a")
    edited = fixture_model(
        tmp_path / "b",
        meeting=MEETING.replace("Réunion publique sur la rue des Lilas", "Réunion de chantier, rue des Lilas")
                       .replace("Salle des fêtes", "Gymnase").replace("**projet**", "chantier"),
        works=WORKS.replace("pose de l'enrobé", "pose du revêtement").replace("rue du Four", "Grande Rue")
                   .replace("Rue des Lilas\n", "Rue des Lilas (partie haute)\n").replace("du n°1 au n°48", "n°1-50"))
    for sector_id in (None, "secteur-1", "secteur-2"):
        old = calendar.calendar_bytes(before, sector_id, SITE)
        new = calendar.calendar_bytes(edited, sector_id, SITE)
        assert old != new
        assert uids_of(old) == uids_of(new)
    assert uids_of(calendar.calendar_bytes(before, "secteur-1", SITE)) == [
        "meeting-reunion-lilas@villebrune.example",
        "works-arr-lilas-1@villebrune.example",
        "works-arr-lilas-2@villebrune.example",
    ]
    # in the two sectors of the order, the same events
    assert uids_of(calendar.calendar_bytes(before, "secteur-2", SITE)) == [
        "works-arr-lilas-1@villebrune.example", "works-arr-lilas-2@villebrune.example"]


def test_withdrawing_an_order_keeps_its_uids(tmp_path):
    before = fixture_model(tmp_path / "a")
    withdrawn = fixture_model(tmp_path / "b", works=WORKS + "    cancelled: Le chantier est reporté au printemps.\n")
    old = Calendar.from_ical(calendar.calendar_bytes(before, None, SITE))
    new = Calendar.from_ical(calendar.calendar_bytes(withdrawn, None, SITE))
    assert uids_of(old.to_ical()) == uids_of(new.to_ical())
    for event in new.walk("VEVENT"):
        if str(event["UID"]).startswith("works-"):
            assert str(event["STATUS"]) == "CANCELLED"
            assert "Le chantier est reporté au printemps." in str(event["DESCRIPTION"])


def test_same_content_same_bytes_and_git_dates_the_stamps(tmp_path):
    root = tmp_path / "site"
    first = fixture_model(root)
    assert calendar.calendar_bytes(first, None, SITE) == calendar.calendar_bytes(fixture_model(root), None, SITE)
    # Without Git, DTSTAMP is the build date at 00:00 UTC — never the clock.
    for event in Calendar.from_ical(calendar.calendar_bytes(first, None, SITE)).walk("VEVENT"):
        assert event.decoded("DTSTAMP") == dt.datetime(2026, 11, 24, tzinfo=UTC)
    # In Git, it is the record's last commit: a later build of the same content gives the same bytes.
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Fiches")
    now = calendar.calendar_bytes(load_site(root, dt.date(2026, 11, 24)), None, SITE)
    later = calendar.calendar_bytes(load_site(root, dt.date(2027, 3, 1)), None, SITE)
    assert now == later
    for event in Calendar.from_ical(now).walk("VEVENT"):
        assert event.decoded("DTSTAMP") == dt.datetime(2026, 11, 2, 8, tzinfo=UTC)


def test_hours_outside_the_subset_stop_the_build_rather_than_be_quoted(tmp_path):
    """No code reaches a calendar: hours French cannot say are a validation error (build.py)."""
    with pytest.raises(InvalidRecords) as refused:
        fixture_model(tmp_path, works=WORKS.replace('"Mo-Fr 07:30-12:00,13:30-17:00"',
                                                    '"Mo-Fr 08:00-17:00; Dec 25 off"'))
    report = refused.value.report()
    assert "arr-lilas.yaml" in report and "hours" in report and "trop complexes" in report


def test_the_description_words_the_hours_in_french(tmp_path):
    model = fixture_model(tmp_path)
    events = events_by_uid(Calendar.from_ical(calendar.calendar_bytes(model, "secteur-1", SITE)))
    description = str(next(e for uid, e in events.items() if uid.startswith("works-arr-lilas"))["DESCRIPTION"])
    assert "Horaires : du lundi au vendredi, de 7 h 30 à 12 h et de 13 h 30 à 17 h." in description
    assert "07:30" not in description and "Mo-Fr" not in description


def test_date_times_orders_and_dst(tmp_path):
    """Hours keep their local time across the change to summer time; UNTIL is in UTC."""
    works = WORKS.replace("start: 2026-11-30", "start: 2027-03-22T07:30:00") \
                 .replace("end: 2026-12-11", "end: 2027-04-02T12:00:00") \
                 .replace('"Mo-Fr 07:30-12:00,13:30-17:00"', '"Mo-Fr 07:30-12:00"')
    model = fixture_model(tmp_path, works=works)
    event = events_by_uid(Calendar.from_ical(calendar.calendar_bytes(model, None, SITE)))[
        "works-arr-lilas@villebrune.example"]
    assert event["RRULE"]["UNTIL"] == [dt.datetime(2027, 4, 2, 5, 30, tzinfo=UTC)]  # 7:30 CEST
    starts = occurrences(event)
    assert len(starts) == 10 and all(s.time() == dt.time(7, 30) for s in starts)
    assert {s.utcoffset() for s in starts} == {dt.timedelta(hours=1), dt.timedelta(hours=2)}


def test_orders_with_whole_days_and_one_occurrence(tmp_path):
    weekend = WORKS.replace('"Mo-Fr 07:30-12:00,13:30-17:00"', '"Sa,Su"')
    model = fixture_model(tmp_path / "a", works=weekend)
    event = events_by_uid(Calendar.from_ical(calendar.calendar_bytes(model, None, SITE)))[
        "works-arr-lilas@villebrune.example"]
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (dt.date(2026, 12, 5), dt.date(2026, 12, 6))
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;UNTIL=20261206;BYDAY=SA,SU"
    single = WORKS.replace('"Mo-Fr 07:30-12:00,13:30-17:00"', '"We 09:00-11:00"') \
                  .replace("end: 2026-12-11", "end: 2026-12-04")
    model = fixture_model(tmp_path / "b", works=single)
    event = events_by_uid(Calendar.from_ical(calendar.calendar_bytes(model, None, SITE)))[
        "works-arr-lilas@villebrune.example"]
    assert "RRULE" not in event
    assert event.decoded("DTSTART") == dt.datetime(2026, 12, 2, 9, tzinfo=PARIS)


def test_hours_that_never_fall_within_the_dates(tmp_path):
    """Sunday hours for an order from Monday to Friday: the order's dates, hours quoted."""
    works = WORKS.replace('"Mo-Fr 07:30-12:00,13:30-17:00"', '"Su 08:00-12:00"') \
                 .replace("end: 2026-12-11", "end: 2026-12-04")
    model = fixture_model(tmp_path, works=works)
    event = events_by_uid(Calendar.from_ical(calendar.calendar_bytes(model, None, SITE)))[
        "works-arr-lilas@villebrune.example"]
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (dt.date(2026, 11, 30), dt.date(2026, 12, 5))


def test_all_day_meetings_and_absolute_urls(tmp_path):
    meeting = MEETING.replace("2026-12-03T18:30:00", "2026-12-05").replace("2026-12-03T20:30:00", "2026-12-06")
    model = fixture_model(tmp_path, meeting=meeting)
    event = events_by_uid(Calendar.from_ical(calendar.calendar_bytes(model, None, SITE)))[
        "meeting-reunion-lilas@villebrune.example"]
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (dt.date(2026, 12, 5), dt.date(2026, 12, 7))
    assert str(event["URL"]) == "https://www.villebrune.example/reunions/reunion-lilas/"
    assert "Présentation du projet et questions." in str(event["DESCRIPTION"])
    # without SITEURL: no URL property (it must be absolute), the page's path in the description
    relative = Site("", "villebrune.example")
    event = events_by_uid(Calendar.from_ical(calendar.calendar_bytes(model, None, relative)))[
        "meeting-reunion-lilas@villebrune.example"]
    assert "URL" not in event and "Page : /reunions/reunion-lilas/" in str(event["DESCRIPTION"])


def test_a_sector_without_events_still_has_a_valid_agenda(tmp_path):
    model = fixture_model(tmp_path, works=WORKS.replace("[secteur-1, secteur-2]", "[secteur-1]"))
    cal = Calendar.from_ical(calendar.calendar_bytes(model, "secteur-2", SITE))
    assert cal.events == [] and len(cal.walk("VTIMEZONE")) == 1
    cal.validate()


@pytest.mark.parametrize("feed_domain, site_url, expected", [
    ("", "https://www.villebrune-sur-lise.fr", "villebrune-sur-lise.fr"),
    ("", "https://travaux.example.org/site", "travaux.example.org"),
    ("villebrune.fr", "https://new.example.org", "villebrune.fr"),
    ("", "", "clairvoie.invalid"),
])
def test_site_identity(feed_domain, site_url, expected):
    assert site_domain(feed_domain, site_url) == expected


def test_alternate_links(tmp_path):
    model = fixture_model(tmp_path)
    [link] = calendar.alternate_links(model, "secteur-1")
    assert (link.type, link.title, link.url) == (
        "text/calendar", "Secteur 1 – Centre : réunions et travaux (agenda)", "secteurs/secteur-1/agenda.ics")
    [link] = calendar.alternate_links(model, None)
    assert link.url == "agenda.ics" and link.title == "Toute la ville : réunions et travaux (agenda)"
