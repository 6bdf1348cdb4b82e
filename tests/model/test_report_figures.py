"""Residents' reports in figures, and their announcements: exact values on a small town,
worked out by hand below (today is 2026-11-24; the twelve months start on 2025-12-01).

Reports (sector, service and its commitment, received → what happened):

    201 s1 éclairage (10 j)  09-01 → resolved 09-05: 4 days, kept
    202 s1 éclairage (10 j)  09-10 → resolved 09-30: 20 days, late (due 09-20, overdue from 09-21)
    203 s2 nid (none)        10-01 → resolved 10-08: 7 days
    204 s2 dépôt (3 j)       10-10 → resolved 10-12: 2 days, kept
    205 s1 dépôt (3 j)       11-01 → resolved 11-06: 5 days, late (overdue from 11-05)
    206 s2 éclairage (10 j)  11-02 → open: due 11-12, 12 days overdue (from 11-13)
    207 s1 nid (none)        2025-11-20 → resolved 2025-11-25: before the twelve months
    208 s1 dépôt (3 j)       10-20 → resolved 10-21, reopened 11-03 (due 11-06, overdue from
                             11-07), resolved 11-20: 31 days from reception
    209 s2 nid (none)        08-15 → open, never due
    210 s1 éclairage         11-20 → duplicate of 206 on 11-21
    211 s2 dépôt             11-22 → closed 11-23
    212 s1+s2 nid (none)     10-05 → expected 10-20, in progress: 35 days overdue (from 10-21)

Resolved in the twelve months, quickest first: 204 (2), 201 (4), 205 (5), 203 (7), 202 (20),
208 (31). Nearest rank: median = 3rd of 6 → 5 days (205); 90th = ⌈5.4⌉ = 6th → 31 days (208).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from clairvoie.model.report_figures import (
    OLDEST_SHOWN, RECENT_DAYS, MonthOfReports, ReportFigures, Resolution, nearest_rank, report_figures,
    resolution_times)
from clairvoie.model.reports import most_overdue_first
from clairvoie.model.scorecard import month_start
from clairvoie.model.newsletter_issues import State
from clairvoie.newsletter.compose import compose
from clairvoie.outputs.feeds import feed_of
from building import REPO
from sites import PARIS, load_site, write_site

SERVICES = """
    services:
      - code: eclairage
        name: Éclairage public en panne
        commitment_days: 10
      - code: nid
        name: Nid-de-poule
      - code: depot
        name: Dépôt sauvage
        commitment_days: 3
      - code: bruit
        name: Nuisances sonores
        commitment_days: 30
"""


def report(number, service, sectors, received, *stages, street="Rue des Lilas"):
    lines = [f'number: "{number}"', f"service: {service}", f"received: {received}T09:00",
             "location:", f"  street: {street}", f"sectors: [{', '.join(sectors)}]", "history:",
             f"  - date: {received}T09:00", "    stage: received"]
    for stage in stages:
        day, name, *extra = stage
        lines += [f"  - date: {day}", f"    stage: {name}"] + [f"    {field}" for field in extra]
    return "\n".join(lines) + "\n"


S1, S2 = ["secteur-1"], ["secteur-2"]
REPORTS = {
    "201": report("2026-000201", "eclairage", S1, "2026-09-01", ("2026-09-05", "resolved")),
    "202": report("2026-000202", "eclairage", S1, "2026-09-10", ("2026-09-30", "resolved")),
    "203": report("2026-000203", "nid", S2, "2026-10-01", ("2026-10-08", "resolved")),
    "204": report("2026-000204", "depot", S2, "2026-10-10", ("2026-10-12", "resolved")),
    "205": report("2026-000205", "depot", S1, "2026-11-01", ("2026-11-06", "resolved")),
    "206": report("2026-000206", "eclairage", S2, "2026-11-02", ("2026-11-03", "acknowledged"),
                  street="Avenue Jean-Jaurès"),
    "207": report("2026-000207", "nid", S1, "2025-11-20", ("2025-11-25", "resolved")),
    "208": report("2026-000208", "depot", S1, "2026-10-20", ("2026-10-21", "resolved"),
                  ("2026-11-03", "reopened"), ("2026-11-20", "resolved")),
    "209": report("2026-000209", "nid", S2, "2026-08-15"),
    "210": report("2026-000210", "eclairage", S1, "2026-11-20",
                  ("2026-11-21", "duplicate", 'duplicate_of: "2026-000206"')),
    "211": report("2026-000211", "depot", S2, "2026-11-22",
                  ("2026-11-23", "closed", "reason: Sur une propriété privée.")),
    "212": report("2026-000212", "nid", ["secteur-1", "secteur-2"], "2026-10-05",
                  ("2026-10-06", "scheduled", "expected: 2026-10-20"), ("2026-10-25", "in_progress"),
                  street="Place du Marché"),
}


def town(root, reports=REPORTS):
    files = {f"content/signalements/2026-000{n}.yaml": text for n, text in reports.items()}
    return write_site(root, {"content/signalements/services.yaml": SERVICES, **files})


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return load_site(town(tmp_path_factory.mktemp("figures")))


def numbers(reports):
    return [r.number.removeprefix("2026-000") for r in reports]


def times(resolution):
    """(count, median days, its report, 90th percentile days, its report)."""
    def of(r):
        return r.report.number.removeprefix("2026-000") if r else None
    return (resolution.count, resolution.median_days, of(resolution.median),
            resolution.percentile_90_days, of(resolution.percentile_90))


# --- the method ---------------------------------------------------------------------------
@pytest.mark.parametrize("count, percent, rank", [
    (1, 50, 1), (1, 90, 1), (2, 50, 1), (2, 90, 2), (3, 50, 2), (6, 50, 3), (6, 90, 6),
    (10, 90, 9), (11, 90, 10), (20, 50, 10), (21, 50, 11)])
def test_nearest_rank(count, percent, rank):
    assert nearest_rank(count, percent) == rank


# --- the city's figures -------------------------------------------------------------------
def test_the_twelve_months_start_on_the_first_of_the_month_eleven_months_back(model):
    figures = model.report_figures
    assert (figures.today, figures.since) == (dt.date(2026, 11, 24), dt.date(2025, 12, 1))
    assert [m.month for m in figures.months] == [dt.date(2025, 12, 1)] + [
        dt.date(2026, month, 1) for month in range(1, 12)]


def test_received_and_resolved_month_by_month(model):
    shown = {m.month.month: (numbers(m.received), numbers(m.resolved.reports), m.resolved.median_days)
             for m in model.report_figures.months if m.received or m.resolved.count}
    assert shown == {
        8: (["209"], [], None),
        9: (["201", "202"], ["201", "202"], 4),
        10: (["203", "204", "208", "212"], ["204", "203"], 2),
        11: (["205", "206", "210", "211"], ["205", "208"], 5),
    }


def test_days_to_resolve_median_and_90th_percentile_by_nearest_rank(model):
    resolution = model.report_figures.resolution
    assert [(r.report.number[-3:], r.days) for r in resolution.resolutions] == [
        ("204", 2), ("201", 4), ("205", 5), ("203", 7), ("202", 20), ("208", 31)]
    assert times(resolution) == (6, 5, "205", 31, "208")


def test_by_service_and_by_sector(model):
    figures = model.report_figures
    assert [(t.key, t.name, *times(t)) for t in figures.by_service] == [
        ("eclairage", "Éclairage public en panne", 2, 4, "201", 20, "202"),
        ("nid", "Nid-de-poule", 1, 7, "203", 7, "203"),
        ("depot", "Dépôt sauvage", 3, 5, "205", 31, "208"),
    ]  # "bruit" has no report: not shown
    assert [(t.key, *times(t)) for t in figures.by_sector] == [
        ("secteur-1", 4, 5, "205", 31, "208"),
        ("secteur-2", 2, 2, "204", 7, "203"),
    ]


def test_the_commitment_kept_among_services_that_promise_one(model):
    figures = model.report_figures
    assert numbers(figures.within_commitment) == ["201", "204"]
    assert numbers(figures.beyond_commitment) == ["202", "205", "208"]
    assert (figures.commitment_count, figures.commitment_rate) == (5, 0.4)


def test_open_overdue_and_oldest_open(model):
    figures = model.report_figures
    assert numbers(figures.open) == ["206", "209", "212"]
    assert numbers(figures.overdue) == ["212", "206"]
    assert [r.days_overdue for r in figures.overdue] == [35, 12]
    assert numbers(figures.oldest_open) == ["209", "212", "206"]


def test_resolved_in_the_last_thirty_days(model):
    figures = model.report_figures
    assert figures.recent_since == dt.date(2026, 10, 26)
    assert times(figures.resolved_recently) == (2, 5, "205", 31, "208")


def test_each_sectors_figures_are_its_reports_only(model):
    one, two = model.views["secteur-1"].report_figures, model.views["secteur-2"].report_figures
    assert times(one.resolution) == (4, 5, "205", 31, "208")
    assert times(two.resolution) == (2, 2, "204", 7, "203")
    assert (numbers(one.open), numbers(one.overdue)) == (["212"], ["212"])
    assert (numbers(two.open), numbers(two.overdue)) == (["206", "209", "212"], ["212", "206"])
    assert (one.by_sector, two.by_sector) == ((), ())
    assert [t.key for t in one.by_service] == ["eclairage", "nid", "depot"]
    assert (numbers(two.within_commitment), numbers(two.beyond_commitment)) == (["204"], [])


def test_a_site_without_reports_has_empty_figures(tmp_path):
    model = load_site(write_site(tmp_path, {}))
    figures = model.report_figures
    assert (figures.resolution.count, figures.resolution.median, figures.commitment_rate) == (0, None, None)
    assert [m.resolved.count for m in figures.months] == [0] * 12
    assert not [a for a in model.announcements if a.key.startswith("signalements/")]


# --- the same figures as their definitions say, on many reports ---------------------------
def figures_by_definition(reports, services, today, sectors=()):
    """Each figure as the module's docstring defines it, all the reports looked at again for
    each: what report_figures, which works each report's resolution out once, must equal."""
    since = month_start(today, 11)

    def resolved_from(first, last):
        return [Resolution(r, r.resolved, r.days_to_resolve) for r in reports
                if r.resolved is not None and first <= r.resolved <= last]
    months, month = [], since
    while month <= today:
        last = min(month_start(month, -1) - dt.timedelta(days=1), today)
        months.append(MonthOfReports(month, tuple(r for r in reports if month <= r.received_day <= last),
                                     resolution_times(resolved_from(month, last))))
        month = month_start(month, -1)
    resolved = resolved_from(since, today)
    promised = [r for r in resolved if r.report.service.commitment_days]
    open_reports = [r for r in reports if r.is_open]
    recent_since = today - dt.timedelta(days=RECENT_DAYS - 1)
    return ReportFigures(
        today=today, since=since, months=tuple(months), resolution=resolution_times(resolved),
        by_service=tuple(resolution_times([r for r in resolved if r.report.service_code == s.code], s.code, s.name)
                         for s in services if any(r.service_code == s.code for r in reports)),
        by_sector=tuple(resolution_times([r for r in resolved if s.id in r.report.sector_ids], s.id, s.name)
                        for s in sectors),
        within_commitment=tuple(r.report for r in promised if r.days <= r.report.service.commitment_days),
        beyond_commitment=tuple(r.report for r in promised if r.days > r.report.service.commitment_days),
        oldest_open=tuple(sorted(open_reports, key=lambda r: (r.received, r.number))[:OLDEST_SHOWN]),
        open=tuple(open_reports), overdue=tuple(most_overdue_first(reports)), recent_since=recent_since,
        resolved_recently=resolution_times(resolved_from(recent_since, today)))


def assert_figures_by_definition(model, today):
    """The city's figures and each sector's, field by field (ordering included)."""
    scopes = [(model.reports, model.sectors)] + [(view.reports, ()) for view in model.views.values()]
    for reports, sectors in scopes:
        found = report_figures(reports, model.services, today, sectors)
        expected = figures_by_definition(reports, model.services, today, sectors)
        for field in dataclasses.fields(ReportFigures):
            assert getattr(found, field.name) == getattr(expected, field.name), (today, field.name)


# Build days around the month ends, the year's turn and the thirty days' edge; the drawn
# reports' days fall on both sides of each.
TODAYS = [dt.date(2026, 11, 24), dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2026, 10, 31),
          dt.date(2026, 1, 1), dt.date(2025, 12, 31), dt.date(2026, 3, 1), dt.date(2026, 6, 15)]
ROUNDS = [  # what becomes of a drawn report after its reception
    (), ("acknowledged",), ("resolved",), ("acknowledged", "resolved"),
    ("scheduled", "in_progress", "resolved"), ("resolved", "reopened"), ("resolved", "reopened", "resolved"),
    ("resolved", "reopened", "in_progress", "resolved"), ("resolved", "resolved"), ("resolved", "acknowledged"),
    ("duplicate",), ("closed",), ("closed", "reopened", "resolved"),
]
GAPS = [0, 0, 1, 2, 3, 5, 9, 10, 11, 29, 30, 31, 45, 90, 200]  # days between two stages (commitments: 3, 10, 30)


def edge_days():
    """Each month's first and last day; each of TODAYS, the days on either side of it and of
    its thirty days' first day."""
    months = [month_start(dt.date(2027, 1, 1), back) for back in range(15)]
    days = {day for month in months for day in (month, month - dt.timedelta(days=1))}
    for today in TODAYS:
        recent_since = today - dt.timedelta(days=RECENT_DAYS - 1)
        days |= {edge + dt.timedelta(days=shift) for edge in (today, recent_since) for shift in (-1, 0, 1)}
    return sorted(days)


def drawn_reports(count=300, seed=11):
    """Reports received from 2025-09 to 2026-12, each going through one of ROUNDS (the first
    one stays received: the duplicates' original), then one resolved on each edge day."""
    draw = random.Random(seed)
    reports = {}
    services = ["eclairage", "nid", "depot", "bruit"]
    for n in range(300, 300 + count):
        received = dt.date(2025, 9, 1) + dt.timedelta(days=draw.randrange(480))
        day, stages = received, []
        for hour, stage in enumerate(draw.choice(ROUNDS) if n > 300 else (), start=10):
            day += dt.timedelta(days=draw.choice(GAPS))
            extra = {"scheduled": [f"expected: {day + dt.timedelta(days=draw.choice(GAPS))}"],
                     "duplicate": ['duplicate_of: "2026-000300"'],
                     "closed": ["reason: Sur une propriété privée."],
                     "reopened": ["reason: Le problème est revenu."]}.get(stage, [])
            stages.append((f"{day}T{hour}:00", stage, *extra))
        sectors = draw.choice([S1, S2, ["secteur-1", "secteur-2"]])
        reports[str(n)] = report(f"2026-000{n}", draw.choice(services), sectors, received, *stages)
    for n, day in enumerate(edge_days(), start=300 + count):
        received = day - dt.timedelta(days=draw.choice(GAPS))
        reports[str(n)] = report(f"2026-000{n}", draw.choice(services), draw.choice([S1, S2]), received,
                                 (f"{day}T10:00", "resolved"))
    return reports


@pytest.fixture(scope="module")
def drawn_model(tmp_path_factory):
    reports = drawn_reports()
    model = load_site(town(tmp_path_factory.mktemp("drawn"), reports))
    assert len(model.reports) == len(reports)  # none refused
    return model


@pytest.mark.parametrize("today", TODAYS)
def test_drawn_reports_figures_are_their_definitions(drawn_model, today):
    assert_figures_by_definition(drawn_model, today)


def test_the_drawn_reports_hold_the_edge_cases(drawn_model):
    """Else the test above would prove little."""
    reports = drawn_model.reports
    resolved_days = {r.resolved for r in reports if r.resolved}
    since, recent_since = dt.date(2025, 12, 1), dt.date(2026, 10, 26)  # for 2026-11-24
    for edge in (since, recent_since, dt.date(2026, 11, 1), dt.date(2026, 11, 24), dt.date(2026, 12, 1)):
        assert {edge - dt.timedelta(days=1), edge} <= resolved_days, edge
    assert {r.received_day for r in reports} >= {since - dt.timedelta(days=1), since}
    assert any(r.resolved and r.days_to_resolve == 0 for r in reports)
    assert any(r.resolved and any(s.stage == "reopened" for s in r.history) for r in reports)
    assert any(r.resolved is None and any(s.stage == "resolved" for s in r.history) for r in reports)
    assert {r.current_stage.stage for r in reports} >= {"received", "resolved", "duplicate", "closed", "reopened"}
    assert any(len(r.sector_ids) == 2 for r in reports)
    assert any(r.received_day > dt.date(2026, 11, 24) for r in reports)


def test_the_demo_citys_figures_are_their_definitions():
    model = load_site(REPO)
    assert len(model.reports) > 30
    for today in TODAYS:
        assert_figures_by_definition(model, today)


# --- overdue periods ----------------------------------------------------------------------
def test_each_round_that_went_past_its_due_day_is_kept(model):
    periods = {r.number[-3:]: [(p.since, p.due, p.expected) for p in r.overdue_periods]
               for r in model.reports if r.overdue_periods}
    day = dt.date
    assert periods == {
        "202": [(day(2026, 9, 21), day(2026, 9, 20), None)],
        "205": [(day(2026, 11, 5), day(2026, 11, 4), None)],
        "206": [(day(2026, 11, 13), day(2026, 11, 12), None)],
        "208": [(day(2026, 11, 7), day(2026, 11, 6), None)],  # its second round; the first was kept
        "212": [(day(2026, 10, 21), day(2026, 10, 20), day(2026, 10, 20))],
    }


# --- announcements ------------------------------------------------------------------------
def reports_announcements(model):
    return {a.key: a for a in model.announcements if a.key.startswith("signalements/")}


def test_an_overdue_report_is_announced_once_dated_its_first_overdue_day(model):
    found = reports_announcements(model)
    overdue = {key: a for key, a in found.items() if a.kind == "report_overdue"}
    assert sorted(overdue) == [
        "signalements/2026-000202/retard/2026-09-21", "signalements/2026-000205/retard/2026-11-05",
        "signalements/2026-000206/retard/2026-11-13", "signalements/2026-000208/retard/2026-11-07",
        "signalements/2026-000212/retard/2026-10-21"]
    late = overdue["signalements/2026-000206/retard/2026-11-13"]
    assert late.date == dt.datetime(2026, 11, 13, tzinfo=PARIS)
    assert late.title == "En retard — signalement n° 2026-000206, Éclairage public en panne, Avenue Jean-Jaurès"
    assert late.summary == ("Reçu le 2 novembre 2026 ; la ville s'engage à traiter ce type de signalement "
                            "en 10 jours, soit au plus tard le 12 novembre 2026.")
    assert (late.negative, late.url, late.sector_ids, late.city_wide) == (
        True, "signalements/2026-000206/", ("secteur-2",), False)
    assert late.record is model.report("2026-000206")
    scheduled = overdue["signalements/2026-000212/retard/2026-10-21"]
    assert scheduled.summary == "Reçu le 5 octobre 2026 ; l'intervention était prévue le 20 octobre 2026."
    assert scheduled.concerns("secteur-1") and scheduled.concerns("secteur-2")


def test_each_complete_month_is_summed_up_for_the_city_and_each_sector(model):
    months = {key: a for key, a in reports_announcements(model).items() if a.kind == "reports_month"}
    city = sorted(k for k in months if "/ville/" in k)
    assert city == [f"signalements/bilan/ville/{m}" for m in
                    ["2025-11", "2025-12", *(f"2026-{n:02d}" for n in range(1, 11))]]  # not November yet
    assert sorted(k for k in months if "/secteur-2/" in k) == [
        "signalements/bilan/secteur-2/2026-08", "signalements/bilan/secteur-2/2026-09",
        "signalements/bilan/secteur-2/2026-10"]  # from its first report's month
    october = months["signalements/bilan/ville/2026-10"]
    assert october.date == dt.datetime(2026, 11, 1, tzinfo=PARIS)
    assert october.title == "Ce que nous avons réglé en octobre 2026"
    # 208 was resolved on 21 October (1 day) as October ended: its reopening later does not
    # change what October's summary says.
    assert october.summary == ("3 signalements réglés en octobre 2026 ; la moitié au moins l'ont été "
                               "en 2 jours ou moins (médiane).")
    assert [(r.report.number[-3:], r.days) for r in october.record.resolved.resolutions] == [
        ("208", 1), ("204", 2), ("203", 7)]
    assert (october.negative, october.sector_ids, october.city_wide, october.url) == (
        False, (), False, "transparence/#signalements-par-mois")
    assert october.concerns(None) and not october.concerns("secteur-1")
    one = months["signalements/bilan/secteur-1/2026-10"]
    assert (one.title, one.summary) == ("Ce que nous avons réglé en octobre 2026 (Secteur 1 – Centre)",
                                        "1 signalement réglé en octobre 2026, en 1 jour.")
    assert one.concerns("secteur-1") and not one.concerns("secteur-2")
    assert not one.concerns(None)  # the city's channels carry the city's summary instead
    assert one.url == "transparence/secteur-1/#signalements-par-mois"
    assert months["signalements/bilan/secteur-2/2026-09"].summary == (
        "Aucun signalement n'a été réglé en septembre 2026.")
    assert "n° 2026-000208 — Dépôt sauvage, Rue des Lilas : réglé le 21 octobre 2026, en 1 jour" in str(
        one.body_html)


def test_a_month_is_summed_up_on_the_first_day_of_the_next(tmp_path):
    root = town(tmp_path)
    before = reports_announcements(load_site(root, today=dt.date(2026, 11, 30)))
    after = reports_announcements(load_site(root, today=dt.date(2026, 12, 1)))
    assert "signalements/bilan/ville/2026-11" not in before
    assert set(after) - set(before) == {f"signalements/bilan/{scope}/2026-11"
                                        for scope in ("ville", "secteur-1", "secteur-2")}
    november = after["signalements/bilan/ville/2026-11"]
    assert november.summary == ("2 signalements réglés en novembre 2026 ; la moitié au moins l'ont été "
                                "en 5 jours ou moins (médiane).")


def test_keys_and_dates_stay_when_a_report_moves_on(tmp_path):
    root = town(tmp_path)
    before = {k: a.date for k, a in reports_announcements(load_site(root)).items()}
    resolved = REPORTS["206"] + "  - date: 2026-11-24T08:00\n    stage: resolved\n"
    town(tmp_path, {**REPORTS, "206": resolved})
    after = {k: a.date for k, a in reports_announcements(load_site(root)).items()}
    assert after == before  # told when it went late; resolved since, it was late all the same


def test_new_kinds_do_not_break_the_feeds_nor_the_newsletter(model):
    """feeds.py and newsletter/compose.py do not know the new kinds yet: they must not fail."""
    city = feed_of(model, None, "", "Ville")
    kinds = {entry.kind for entry in city.entries}
    assert {"report_overdue", "reports_month"} <= kinds
    late = next(e for e in city.entries if e.id.endswith("signalements/2026-000206/retard/2026-11-13"))
    assert late.negative and "Mauvaise nouvelle" in late.categories
    for sector_id in ("secteur-1", "secteur-2"):
        compose(model, sector_id, State(sector_id))


def test_a_sector_page_depends_on_its_reports(tmp_path):
    """Its records hold its reports: an incremental build renders it again when one changes."""
    from clairvoie.incremental import PageSignatures

    root = town(tmp_path)
    theme = tmp_path / "theme"
    theme.mkdir()

    def signatures():
        model = load_site(root)
        signed = PageSignatures(model, {}, str(theme))
        return {sector_id: signed.of("clairvoie_sector", view.records) for sector_id, view in model.views.items()}
    before = signatures()
    town(tmp_path, {**REPORTS, "206": REPORTS["206"] + "  - date: 2026-11-24T08:00\n    stage: resolved\n"})
    after = signatures()
    assert (after["secteur-1"], after["secteur-2"]) == (before["secteur-1"], after["secteur-2"])
    assert after["secteur-2"] != before["secteur-2"]
