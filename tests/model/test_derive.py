"""Derived facts: planned end, lateness, budget, progress, works timing, bad news."""

import datetime as dt

import pytest

from sites import load_site, project_yaml, write_site

TODAY = dt.date(2026, 11, 24)


def load_project(tmp_path, **blocks):
    write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(**blocks)})
    return load_site(tmp_path, TODAY).project("lilas")


def test_on_time_project_is_not_late(tmp_path):
    project = load_project(tmp_path)
    assert project.current_planned_end == dt.date(2026, 12, 31)
    assert not project.is_late and project.days_late == 0
    assert not project.has_bad_news


def test_project_past_its_planned_end_is_late_by_the_days_since(tmp_path):
    project = load_project(tmp_path, schedule="schedule:\n  planned_start: 2026-01-05\n  planned_end: 2026-11-04")
    assert project.is_late
    assert project.days_late == 20


def test_planned_project_past_its_end_is_late_too(tmp_path):
    project = load_project(tmp_path, status="status: planned",
                           schedule="schedule:\n  planned_start: 2026-01-05\n  planned_end: 2026-11-23")
    assert project.is_late and project.days_late == 1


@pytest.mark.parametrize("status", ["completed", "suspended", "cancelled"])
def test_stopped_or_finished_projects_are_not_late_from_the_date_alone(tmp_path, status):
    project = load_project(tmp_path, status=f"status: {status}",
                           schedule="schedule:\n  planned_start: 2026-01-05\n  planned_end: 2026-06-30")
    assert not project.is_late


DELAYS = """updates:
  - date: 2026-05-02
    kind: delay
    title: Premier retard
    reason: Intempéries
    new_planned_end: 2027-01-31
  - date: 2026-09-10
    kind: delay
    title: Second retard
    reason: Réseau d'eau ancien découvert
    new_planned_end: 2027-03-15
  - date: 2026-10-01
    kind: progress
    title: Enrobé posé
"""


def test_latest_delay_sets_current_planned_end_and_makes_the_project_late(tmp_path):
    project = load_project(tmp_path, updates=DELAYS)
    assert project.current_planned_end == dt.date(2027, 3, 15)
    assert project.schedule.planned_end == dt.date(2026, 12, 31)
    assert project.is_late
    assert project.days_late == (dt.date(2027, 3, 15) - dt.date(2026, 12, 31)).days
    assert [u.title for u in project.updates] == ["Enrobé posé", "Second retard", "Premier retard"]
    assert [u.reason for u in project.negative_updates] == ["Réseau d'eau ancien découvert", "Intempéries"]


def test_completed_late_project_counts_days_to_its_real_end(tmp_path):
    project = load_project(
        tmp_path, status="status: completed", updates=DELAYS,
        schedule="schedule:\n  planned_start: 2026-03-01\n  planned_end: 2026-12-31\n"
                 "  actual_start: 2026-03-02\n  actual_end: 2027-01-10")
    assert project.is_late and project.days_late == 10


def test_over_budget_against_the_last_budget_figure(tmp_path):
    overrun = """updates:
  - date: 2026-06-01
    kind: cost_overrun
    title: Hausse de l'acier
    reason: Le prix de l'acier a augmenté
    new_budget: 120000
"""
    within = load_project(tmp_path, budget="budget:\n  planned: 100000\n  spent: 110000", updates=overrun)
    assert within.last_budget == 120000 and not within.is_over_budget
    over = load_project(tmp_path, budget="budget:\n  planned: 100000\n  spent: 130500", updates=overrun)
    assert over.is_over_budget and over.overrun_amount == 10500
    plain = load_project(tmp_path, budget="budget:\n  planned: 100000\n  spent: 100001", updates="")
    assert plain.is_over_budget and plain.has_bad_news


def test_progress_from_milestones_unless_given(tmp_path):
    milestones = """milestones:
  - {date: 2026-03-01, title: Début, done: true}
  - {date: 2026-06-01, title: Réseaux, done: true}
  - {date: 2026-12-01, title: Enrobé, done: false}
"""
    assert load_project(tmp_path, milestones=milestones).progress == 67
    assert load_project(tmp_path, milestones=milestones, progress="progress: 40").progress == 40
    assert load_project(tmp_path, status="status: completed").progress == 100
    assert load_project(tmp_path).progress is None


def works_yaml(start, end, cancelled=""):
    return f"""reference: 2026-ARR-{start.replace('-', '')}
title: Travaux
sectors: [secteur-1]
kind: closure
street: Rue des Lilas
start: {start}
end: {end}
{cancelled}"""


def test_works_timing_and_cancelled_orders_in_bad_news(tmp_path):
    write_site(tmp_path, {
        "content/works/past.yaml": works_yaml("2026-10-01", "2026-11-23"),
        "content/works/active.yaml": works_yaml("2026-11-24T07:30:00", "2026-11-30"),
        "content/works/soon.yaml": works_yaml("2026-12-08", "2026-12-20"),
        "content/works/later.yaml": works_yaml("2026-12-09", "2027-01-20"),
        "content/works/withdrawn.yaml": works_yaml("2026-12-01", "2026-12-05", "cancelled: Chantier reporté au printemps"),
    })
    model = load_site(tmp_path, TODAY)
    timing = {w.id: w.timing for w in model.works}
    assert timing == {"past": "past", "active": "active", "soon": "upcoming",
                      "later": "future", "withdrawn": "upcoming"}
    view = model.views["secteur-1"]
    assert [w.id for w in view.active_works] == ["active"]
    assert [w.id for w in view.upcoming_works] == ["soon"]
    assert [(n.kind, n.reasons) for n in view.bad_news] == [("works_cancelled", ("Chantier reporté au printemps",))]
    assert model.views["secteur-2"].bad_news == []


def test_city_wide_project_belongs_to_every_sector_and_bad_news_reaches_each(tmp_path):
    model = (write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(
        sectors="sectors: [all]", status="status: suspended",
        updates="updates:\n  - date: 2026-10-01\n    kind: suspension\n    title: Arrêt\n    reason: Entreprise en faillite")}))
    model = load_site(tmp_path, TODAY)
    project = model.project("lilas")
    assert project.city_wide and project.sector_ids == ("secteur-1", "secteur-2")
    for sector_id in ("secteur-1", "secteur-2"):
        news = model.views[sector_id].bad_news
        assert [(n.kind, n.reasons) for n in news] == [("suspended", ("Entreprise en faillite",))]


def test_build_date_comes_from_source_date_epoch():
    from clairvoie.model.derive import build_date
    from sites import PARIS

    assert build_date(PARIS, {"SOURCE_DATE_EPOCH": "1795478400"}).date() == dt.date(2026, 11, 24)
    before = dt.datetime.now(PARIS)
    assert before <= build_date(PARIS, {}) <= dt.datetime.now(PARIS)


def test_bad_news_summary_counts_the_list_itself_and_a_project_under_each_trouble(tmp_path):
    delay = "  - date: 2026-09-01\n    kind: delay\n    title: Report\n    reason: Pluie\n    new_planned_end: 2027-03-31\n"
    write_site(tmp_path, {
        # late and over budget: one entry of the list, counted twice
        "content/projects/lilas.yaml": project_yaml(updates="updates:\n" + delay,
                                                    budget="budget:\n  planned: 100000\n  spent: 100001"),
        "content/projects/gare.yaml": project_yaml(title="title: Parvis de la gare", status="status: cancelled",
                                                   sectors="sectors: [secteur-2]"),
        "content/projects/calme.yaml": project_yaml(title="title: Square"),
        "content/works/withdrawn.yaml": works_yaml("2026-12-01", "2026-12-05", "cancelled: Chantier reporté"),
        "content/works/gone.yaml": works_yaml("2026-10-01", "2026-10-05", "cancelled: Chantier reporté"),
    })
    model = load_site(tmp_path, TODAY)
    ids = {kind: [n.url.split("/")[1] for n in items] for kind, items in model.bad_news_summary.by_kind.items()}
    assert list(ids) == ["late", "suspended", "cancelled", "over_budget", "works_cancelled"]
    assert ids == {"late": ["lilas"], "suspended": [], "cancelled": ["gare"], "over_budget": ["lilas"],
                   "works_cancelled": ["withdrawn"]}
    assert len(model.bad_news) == 3  # the list has each piece of news once
    assert all(n in model.bad_news for items in model.bad_news_summary.by_kind.values() for n in items)
    sector = {kind: len(items) for kind, items in model.views["secteur-1"].bad_news_summary.by_kind.items()}
    assert sector == {"late": 1, "suspended": 0, "cancelled": 0, "over_budget": 1, "works_cancelled": 1}
