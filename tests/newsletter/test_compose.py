"""Composing issues: what is new since the last one, never twice, nothing skipped."""

from __future__ import annotations

import datetime as dt

from clairvoie.newsletter.compose import compose
from clairvoie.model.newsletter_issues import State, Store, issue_from_json, issue_to_json
from sites import load_site, project_yaml, write_site

SECTOR = "secteur-1"
TODAY = dt.date(2026, 11, 24)


def updates(*entries: tuple[str, str, str]) -> str:
    """updates: block from (date, kind, title); bad news gets a reason."""
    lines = ["updates:"]
    for date, kind, title in entries:
        lines += [f"  - date: {date}", f"    kind: {kind}", f"    title: {title}"]
        if kind in ("delay", "cost_overrun", "suspension", "cancellation"):
            lines.append("    reason: Les pluies d'octobre")
        if kind == "delay":
            lines.append("    new_planned_end: 2027-03-31")
    return "\n".join(lines) + "\n"


def works(start: str, end: str, signed: str, cancelled: str | None = None) -> str:
    text = f"""
        reference: 2026-ARR-{start.replace('-', '')}
        title: Fermeture de la rue du Four
        sectors: [{SECTOR}]
        kind: closure
        street: Rue du Four
        start: {start}
        end: {end}
        signed: {signed}
        """
    return text.rstrip(" ") + (f"        cancelled: {cancelled}\n" if cancelled else "")


MEETING = """
    title: Réunion sur la rue des Lilas
    sectors: [secteur-1]
    start: {start}T18:30:00
    end: {start}T20:30:00
    place: Salle des fêtes
    participation: consult
    description: On en parle.
    """


def issue_at(root, state: State, day: dt.date = TODAY):
    model = load_site(root, day)
    return compose(model, SECTOR, state, first_days=30, works_days=21)


def keys(issue) -> set[str]:
    return {item.key for item in issue.items}


def sent(issue, state: State) -> State:
    """The state once this issue is recorded (as Store.record does)."""
    return State(SECTOR, since=state.since or issue.since, last_issue=issue.number,
                 last_date=issue.date, sent=state.sent | set(issue.keys))


def test_first_issue_tells_the_last_30_days_only(tmp_path):
    write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(updates=updates(
        ("2026-09-01", "info", "Vieille nouvelle"),
        ("2026-11-10", "progress", "La chaussée est rabotée")))})
    issue = issue_at(tmp_path, State(SECTOR))
    assert issue.number == 1
    assert issue.since == dt.date(2026, 10, 25)
    assert keys(issue) == {"projets/lilas/2026-11-10/progress"}


def test_nothing_twice_and_an_empty_issue_when_nothing_is_new(tmp_path):
    write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(updates=updates(
        ("2026-11-10", "progress", "La chaussée est rabotée")))})
    first = issue_at(tmp_path, State(SECTOR))
    state = sent(first, State(SECTOR))
    second = issue_at(tmp_path, state)
    assert second.is_empty and second.number == 2
    assert second.subject == "Secteur 1 – Centre : rien de nouveau depuis la dernière lettre"
    # An edited text keeps its key: not announced again.
    write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(updates=updates(
        ("2026-11-10", "progress", "La chaussée est rabotée (texte corrigé)")))})
    assert issue_at(tmp_path, state).is_empty


def test_news_published_late_with_an_earlier_date_is_not_skipped(tmp_path):
    write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(updates=updates(
        ("2026-11-10", "progress", "La chaussée est rabotée")))})
    state = sent(issue_at(tmp_path, State(SECTOR)), State(SECTOR))
    # Written after the first issue, dated before it.
    write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(updates=updates(
        ("2026-11-10", "progress", "La chaussée est rabotée"),
        ("2026-11-20", "delay", "Le chantier prend du retard")))})
    later = issue_at(tmp_path, state, TODAY + dt.timedelta(days=14))
    assert keys(later) == {"projets/lilas/2026-11-20/delay"}


def test_bad_news_comes_first_with_its_reason_and_makes_the_headline(tmp_path):
    write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(updates=updates(
        ("2026-11-12", "delay", "Le chantier prend du retard"),
        ("2026-11-20", "progress", "Les trottoirs rouvrent")))})
    issue = issue_at(tmp_path, State(SECTOR))
    assert [s.id for s in issue.sections] == ["mauvaises-nouvelles", "projets"]
    bad = issue.sections[0].items[0]
    assert bad.negative and bad.tone == "late" and bad.label == "Retard"
    assert "Raison : Les pluies d'octobre" in bad.facts
    assert "Nouvelle date de fin prévue : 31 mars 2027" in bad.facts
    assert issue.headline == "retard sur le projet « Réfection de la rue des Lilas »"
    assert issue.subject == "Secteur 1 – Centre : retard sur le projet « Réfection de la rue des Lilas »"
    assert issue.summary == "2 nouvelles, dont 1 mauvaise nouvelle."


def test_works_are_told_when_they_come_close_and_when_they_end(tmp_path):
    write_site(tmp_path, {"content/works/four.yaml": works("2027-01-04", "2027-01-08", "2026-11-02")})
    first = issue_at(tmp_path, State(SECTOR))
    assert first.is_empty  # signed, but starts in more than 21 days: not yet
    state = sent(first, State(SECTOR))
    soon = issue_at(tmp_path, state, dt.date(2026, 12, 20))
    assert keys(soon) == {"travaux/four"}
    [item] = soon.items
    assert item.label == "Route fermée" and "Du 4 janvier 2027 au 8 janvier 2027" in item.facts
    state = sent(soon, state)
    assert issue_at(tmp_path, state, dt.date(2027, 1, 5)).is_empty  # under way: already told
    ended = issue_at(tmp_path, state, dt.date(2027, 1, 12))
    assert keys(ended) == {"travaux/four/fin"}
    assert ended.items[0].tone == "done" and "Terminé le 8 janvier 2027" in ended.items[0].facts


def test_works_never_announced_and_already_over_are_told_once_as_ended(tmp_path):
    write_site(tmp_path, {"content/works/four.yaml": works("2026-11-02", "2026-11-06", "2026-10-28")})
    issue = issue_at(tmp_path, State(SECTOR))
    assert keys(issue) == {"travaux/four/fin"}
    assert set(issue.keys) == {"travaux/four/fin", "travaux/four"}


def test_a_withdrawn_order_is_bad_news(tmp_path):
    write_site(tmp_path, {"content/works/four.yaml": works("2026-12-01", "2026-12-04", "2026-11-10",
                                                           cancelled="Chantier reporté")})
    issue = issue_at(tmp_path, State(SECTOR))
    assert keys(issue) == {"travaux/four/retrait"}
    assert issue.items[0].negative and "Raison : Chantier reporté" in issue.items[0].facts
    assert issue.headline == "arrêté de travaux retiré : « Fermeture de la rue du Four »"


def test_meetings_are_announced_once_and_again_when_moved(tmp_path):
    write_site(tmp_path, {"content/events/lilas.yaml": MEETING.format(start="2026-12-10")})
    first = issue_at(tmp_path, State(SECTOR))
    assert keys(first) == {"reunions/lilas/2026-12-10"}
    assert "Le jeudi 10 décembre 2026 à 18 h 30, jusqu'à 20 h 30" in first.items[0].facts
    state = sent(first, State(SECTOR))
    assert issue_at(tmp_path, state).is_empty
    write_site(tmp_path, {"content/events/lilas.yaml": MEETING.format(start="2026-12-17")})
    assert keys(issue_at(tmp_path, state)) == {"reunions/lilas/2026-12-17"}


def test_another_sectors_news_stays_out(tmp_path):
    write_site(tmp_path, {"content/projects/hauts.yaml": project_yaml(
        sectors="sectors: [secteur-2]", updates=updates(("2026-11-10", "progress", "Ailleurs")))})
    assert issue_at(tmp_path, State(SECTOR)).is_empty


def test_an_issue_survives_its_file_and_the_state_its_store(tmp_path):
    write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(updates=updates(
        ("2026-11-12", "delay", "Le chantier prend du retard")))})
    issue = issue_at(tmp_path, State(SECTOR))
    assert issue_from_json(issue_to_json(issue)) == issue
    store = Store(str(tmp_path / "newsletters"))
    state = store.load_state(SECTOR)
    store.record(issue, state)
    again = store.load_state(SECTOR)
    assert again.last_issue == 1 and again.sent == set(issue.keys) and again.since == issue.since
    assert store.issue_numbers(SECTOR) == [1] and store.load_issue(SECTOR, 1) == issue
