"""Announcements: one stable key per piece of news, bad news flagged, nothing from the future."""

import datetime as dt

from sites import load_site, project_yaml, write_site

UPDATES = """updates:
  - date: 2026-05-02
    kind: delay
    title: Retard
    reason: Intempéries
    new_planned_end: 2027-01-31
  - date: 2026-05-02
    kind: info
    title: Réunion de chantier
  - date: 2026-12-01
    kind: progress
    title: Pas encore arrivé
"""


def keys_of(model):
    return {a.key: a for a in model.announcements}


def test_updates_are_announced_with_keys_that_survive_text_edits(tmp_path):
    write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(updates=UPDATES)})
    before = keys_of(load_site(tmp_path))
    assert set(before) == {"projets/lilas/2026-05-02/delay", "projets/lilas/2026-05-02/info"}
    assert before["projets/lilas/2026-05-02/delay"].negative
    assert not before["projets/lilas/2026-05-02/info"].negative
    edited = UPDATES.replace("title: Retard", "title: Retard dû à la pluie").replace(
        "updates:\n", "updates:\n  - date: 2026-03-01\n    kind: info\n    title: Lancement\n")
    write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(updates=edited)})
    after = keys_of(load_site(tmp_path))
    assert set(after) == set(before) | {"projets/lilas/2026-03-01/info"}
    assert after["projets/lilas/2026-05-02/delay"].title.endswith("Retard dû à la pluie")


def test_works_orders_and_their_withdrawal_are_announced(tmp_path):
    write_site(tmp_path, {"content/works/fermeture.yaml": """
        reference: 2026-ARR-0001
        title: Fermeture de la rue des Lilas
        sectors: [secteur-2]
        kind: closure
        street: Rue des Lilas
        start: 2026-11-30
        end: 2026-12-04
        signed: 2026-11-10
        cancelled: Chantier reporté
        """})
    model = load_site(tmp_path)
    found = keys_of(model)
    assert found["travaux/fermeture"].date.date() == dt.date(2026, 11, 10)
    withdrawal = found["travaux/fermeture/retrait"]
    assert withdrawal.negative and withdrawal.reason == "Chantier reporté"
    assert withdrawal.concerns("secteur-2") and not withdrawal.concerns("secteur-1")
    assert withdrawal.concerns(None)


def test_newest_first(tmp_path):
    write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(updates=UPDATES)})
    dates = [a.date for a in load_site(tmp_path).announcements]
    assert dates == sorted(dates, reverse=True)
