"""A project's own letter: its news, good and bad, and its works orders, for those who follow it
outside its sectors; never twice, nothing skipped, as a sector's letter."""

from __future__ import annotations

import datetime as dt

from clairvoie.newsletter.compose import compose, compose_project
from clairvoie.model.newsletter_issues import State, Store, issue_from_json, issue_to_json
from sites import load_site, project_yaml, write_site
from test_compose import MEETING, updates

PROJECT = "lilas"
LIST = "projet:lilas"
TODAY = dt.date(2026, 11, 24)


def order(start: str, end: str, signed: str, project: str = PROJECT, cancelled: str | None = None) -> str:
    text = f"""
        reference: 2026-ARR-{start.replace('-', '')}
        title: Fermeture de la rue des Lilas
        sectors: [secteur-1]
        kind: closure
        street: Rue des Lilas
        start: {start}
        end: {end}
        signed: {signed}
        project: {project}
        """
    return text.rstrip(" ") + (f"        cancelled: {cancelled}\n" if cancelled else "")


def letter(root, state: State, day: dt.date = TODAY):
    return compose_project(load_site(root, day), PROJECT, state, first_days=30, works_days=21)


def recorded(issue, state: State) -> State:
    return State(LIST, since=state.since or issue.since, last_issue=issue.number,
                 last_date=issue.date, sent=state.sent | set(issue.keys))


def test_a_projects_letter_tells_its_updates_bad_news_first_and_its_works(tmp_path):
    write_site(tmp_path, {
        "content/projects/lilas.yaml": project_yaml(updates=updates(
            ("2026-09-01", "info", "Trop ancienne"),
            ("2026-11-12", "delay", "Le chantier prend du retard"),
            ("2026-11-20", "progress", "Les trottoirs rouvrent"))),
        "content/projects/autre.yaml": project_yaml(title="title: Autre projet", updates=updates(
            ("2026-11-15", "progress", "Pas le bon projet"))),
        "content/works/lilas-fermeture.yaml": order("2026-12-01", "2026-12-04", "2026-11-10"),
        "content/works/lilas-fini.yaml": order("2026-11-02", "2026-11-06", "2026-10-28"),
        "content/works/autre.yaml": order("2026-12-02", "2026-12-03", "2026-11-10", project="autre"),
        "content/events/lilas.yaml": MEETING.format(start="2026-12-10"),  # not tied to a project
    })
    issue = letter(tmp_path, State(LIST))
    assert [(s.id, [i.key for i in s.items]) for s in issue.sections] == [
        ("mauvaises-nouvelles", ["projets/lilas/2026-11-12/delay"]),
        ("projets", ["projets/lilas/2026-11-20/progress"]),
        ("travaux-a-venir", ["travaux/lilas-fermeture"]),
        ("travaux-termines", ["travaux/lilas-fini/fin"]),
    ]
    assert issue.is_project and issue.list_id == LIST and issue.number == 1
    assert issue.project_title == "Réfection de la rue des Lilas" and issue.covered_by == ("secteur-1",)
    assert issue.subject == "Projet « Réfection de la rue des Lilas » : retard"
    assert issue.summary == "4 nouvelles, dont 1 mauvaise nouvelle."
    assert "Raison : Les pluies d'octobre" in issue.sections[0].items[0].facts
    assert issue.url == "projets/lilas/lettres/1/" and issue.archive == "projets/lilas/lettres/"
    assert issue.date == load_site(tmp_path).now  # the model's build moment, not the clock


def test_a_withdrawn_order_of_the_project_is_bad_news_of_its_letter(tmp_path):
    write_site(tmp_path, {
        "content/projects/lilas.yaml": project_yaml(),
        "content/works/lilas-fermeture.yaml": order("2026-12-01", "2026-12-04", "2026-11-10",
                                                    cancelled="Chantier reporté"),
    })
    issue = letter(tmp_path, State(LIST))
    [item] = issue.items
    assert item.key == "travaux/lilas-fermeture/retrait" and item.negative
    assert issue.subject == "Projet « Réfection de la rue des Lilas » : arrêté de travaux retiré : « Fermeture de la rue des Lilas »"


def test_nothing_twice_and_no_letter_when_nothing_is_new(tmp_path):
    write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(updates=updates(
        ("2026-11-20", "progress", "Les trottoirs rouvrent")))})
    first = letter(tmp_path, State(LIST))
    state = recorded(first, State(LIST))
    assert letter(tmp_path, state).is_empty
    write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(updates=updates(
        ("2026-11-20", "progress", "Les trottoirs rouvrent"),
        ("2026-11-22", "suspension", "Le chantier s'arrête")))})  # written late, dated before
    later = letter(tmp_path, state, TODAY + dt.timedelta(days=7))
    assert [i.key for i in later.items] == ["projets/lilas/2026-11-22/suspension"]
    assert later.number == 2 and later.subject == "Projet « Réfection de la rue des Lilas » : projet suspendu"


def test_the_projects_letter_and_the_sectors_letter_say_the_same_facts(tmp_path):
    write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(updates=updates(
        ("2026-11-12", "delay", "Le chantier prend du retard")))})
    model = load_site(tmp_path)
    project_letter = compose_project(model, PROJECT, State(LIST))
    sector_letter = compose(model, "secteur-1", State("secteur-1"))
    assert project_letter.items == sector_letter.items


def test_a_city_wide_project_is_covered_by_every_sector(tmp_path):
    write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(sectors="sectors: [all]")})
    issue = letter(tmp_path, State(LIST))
    assert issue.covered_by == ("secteur-1", "secteur-2")


def test_a_projects_letter_is_stored_apart_and_read_back_whole(tmp_path):
    write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(updates=updates(
        ("2026-11-12", "delay", "Le chantier prend du retard")))})
    issue = letter(tmp_path, State(LIST))
    assert issue_from_json(issue_to_json(issue)) == issue
    store = Store(str(tmp_path / "newsletters"))
    path = store.record(issue, store.load_state(LIST))
    assert path == str(tmp_path / "newsletters" / "projets" / PROJECT / "1.json")
    assert store.load_state(LIST).sent == set(issue.keys) and store.load_state(LIST).list_id == LIST
    assert store.project_ids() == [PROJECT] and store.load_issue(LIST, 1) == issue
    assert store.issue_numbers("secteur-1") == []  # the sector's letters are apart
