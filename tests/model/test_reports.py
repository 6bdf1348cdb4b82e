"""Residents' reports (signalements): checked like every record, their facts derived once.

A small town of two square sectors side by side (secteur-1 west of 4.85° E, secteur-2
east of it), three kinds of report, a project and a works order; "today" is 2026-11-24.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from clairvoie.incremental import PageSignatures, record_key
from clairvoie.model import InvalidRecords, load_model
from clairvoie.model.records import Report
from clairvoie.pelican_sources import read_pelican_settings
from clairvoie.settings import ClairvoieSettings
from sites import load_site, project_yaml, write_site

SECTORS = {
    "sectors/secteur-1.yaml": """
        name: Secteur 1 – Centre
        geometry: {type: Polygon, coordinates: [[[4.80, 45.70], [4.85, 45.70], [4.85, 45.75], [4.80, 45.75], [4.80, 45.70]]]}
    """,
    "sectors/secteur-2.yaml": """
        name: Secteur 2 – Les Hauts
        geometry: {type: Polygon, coordinates: [[[4.85, 45.70], [4.90, 45.70], [4.90, 45.75], [4.85, 45.75], [4.85, 45.70]]]}
    """,
}
SERVICES = """
    services:
      - code: eclairage
        name: Éclairage public en panne
        group: Voirie
        commitment_days: 10
        keywords: [lampadaire, réverbère]
      - code: nid-de-poule
        name: Nid-de-poule sur la chaussée
        group: Voirie
      - code: depot-sauvage
        name: Dépôt sauvage
        group: Propreté
        commitment_days: 3
"""
TOWN = {
    **SECTORS,
    "content/projects/refection-rue-des-lilas.yaml": project_yaml(),
    "content/works/arrete-0412.yaml": """
        reference: 2026-ARR-0412
        title: Fermeture de la rue des Lilas
        sectors: [secteur-1]
        kind: closure
        street: Rue des Lilas
        start: 2026-11-30
        end: 2026-12-04
    """,
    "content/signalements/services.yaml": SERVICES,
}
REPORTS = {
    # A pothole, planned for 20 November: four days overdue by its expected date; its
    # sector is found from its point.
    "content/signalements/2026-000101.yaml": """
        number: "2026-000101"
        service: nid-de-poule
        received: 2026-11-02T08:15
        location:
          street: rue des Lilas
          section: devant le n°12
          lat: 45.72
          lon: 4.82
        public_summary: Un nid-de-poule profond sur la voie de droite.
        history:
          - date: 2026-11-02T08:15
            stage: received
          - date: 2026-11-03
            stage: acknowledged
            service_in_charge: Régie voirie
          - date: 2026-11-05
            stage: scheduled
            expected: 2026-11-20
            works: 2026-ARR-0412
            note: Rebouchage prévu pendant la fermeture de la rue.
        source:
          system: GRC
          id: "884512"
    """,
    # A broken streetlight received on 8 November, 10 days promised: six days overdue.
    "content/signalements/2026-000102.yaml": """
        number: "2026-000102"
        service: eclairage
        received: 2026-11-08T09:00
        location:
          street: Avenue Jean-Jaurès
        sectors: [secteur-2]
        history:
          - date: 2026-11-08T09:00
            stage: received
          - date: 2026-11-09T10:30
            stage: acknowledged
    """,
    # The same streetlight, reported again.
    "content/signalements/2026-000103.yaml": """
        number: "2026-000103"
        service: eclairage
        received: 2026-11-20T18:00
        location:
          street: avenue jean jaures
        sectors: [secteur-2]
        history:
          - date: 2026-11-20T18:00
            stage: received
          - date: 2026-11-21
            stage: duplicate
            duplicate_of: "2026-000102"
    """,
    # Resolved, reopened, resolved again: 23 days from reception to the last resolution.
    "content/signalements/grc-2026-000104.yaml": """
        number: GRC-2026-000104
        service: depot-sauvage
        received: 2026-10-01T08:00
        location:
          street: Place du Marché
        sectors: [secteur-1]
        history:
          - date: 2026-10-01T08:00
            stage: received
          - date: 2026-10-03
            stage: resolved
          - date: 2026-10-20
            stage: reopened
            reason: Les sacs sont revenus.
          - date: 2026-10-21
            stage: scheduled
            expected: 2026-10-25
            project: refection-rue-des-lilas
          - date: 2026-10-24
            stage: resolved
          - date: 2026-10-24T16:00
            stage: resolved
    """,
    # Closed without action.
    "content/signalements/2026-000105.yaml": """
        number: "2026-000105"
        service: eclairage
        received: 2026-11-01T08:00
        location:
          street: Impasse des Tilleuls
        sectors: [secteur-2]
        history:
          - date: 2026-11-01T08:00
            stage: received
          - date: 2026-11-05
            stage: closed
            reason: Le lampadaire appartient à une copropriété.
    """,
    # Resolved long ago, reopened two days ago: open, not overdue (a new round of 3 days).
    "content/signalements/2026-000106.yaml": """
        number: "2026-000106"
        service: depot-sauvage
        received: 2026-11-01T08:00
        location:
          street: Place du Marché
          lat: 45.71
          lon: 4.81
        history:
          - date: 2026-11-01T08:00
            stage: received
          - date: 2026-11-02
            stage: resolved
          - date: 2026-11-22
            stage: reopened
    """,
}


def town(tmp_path, reports=REPORTS, **replaced):
    files = {**TOWN, **reports, **replaced}
    return write_site(tmp_path, {path: text for path, text in files.items() if text is not None},
                      with_sectors=False)


def problems_of(root):
    with pytest.raises(InvalidRecords) as caught:
        load_site(root)
    return [str(p) for p in caught.value.problems]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return load_site(town(tmp_path_factory.mktemp("reports")))


def numbers(reports):
    return [r.number for r in reports]


# --- the records ---------------------------------------------------------------------------
def test_services_as_written(model):
    assert [(s.code, s.name, s.group, s.commitment_days) for s in model.services] == [
        ("eclairage", "Éclairage public en panne", "Voirie", 10),
        ("nid-de-poule", "Nid-de-poule sur la chaussée", "Voirie", None),
        ("depot-sauvage", "Dépôt sauvage", "Propreté", 3),
    ]
    assert model.services[0].keywords == ("lampadaire", "réverbère")


def test_reports_by_number_with_what_their_files_say(model):
    assert numbers(model.reports) == ["2026-000101", "2026-000102", "2026-000103", "2026-000105",
                                      "2026-000106", "GRC-2026-000104"]
    pothole = model.report("2026-000101")
    assert pothole.service is model.services[1]
    assert (pothole.street, pothole.section) == ("rue des Lilas", "devant le n°12")
    assert pothole.public_summary == "Un nid-de-poule profond sur la voie de droite."
    assert (pothole.source_system, pothole.source_id) == ("GRC", "884512")
    assert pothole.received.isoformat() == "2026-11-02T08:15:00+01:00"
    assert [(s.stage, s.day) for s in pothole.history] == [
        ("received", dt.date(2026, 11, 2)), ("acknowledged", dt.date(2026, 11, 3)),
        ("scheduled", dt.date(2026, 11, 5))]
    assert pothole.history[1].service_in_charge == "Régie voirie"
    assert pothole.history[2].note == "Rebouchage prévu pendant la fermeture de la rue."
    assert (pothole.url, pothole.save_as) == ("signalements/2026-000101/", "signalements/2026-000101/index.html")
    assert model.report("grc-2026-000104 ").url == "signalements/grc-2026-000104/"
    assert model.report("2026-999999") is None


def test_a_reports_point_is_kept_to_the_street_not_the_door(tmp_path):
    precise = textwrap.dedent(REPORTS["content/signalements/2026-000101.yaml"]).replace(
        "lat: 45.72", "lat: 45.721849").replace("lon: 4.82", "lon: 4.823517")
    model = load_site(town(tmp_path, **{"content/signalements/2026-000101.yaml": precise}))
    assert model.report("2026-000101").point == (45.722, 4.824)
    assert model.report("2026-000102").point is None
    assert not {"lat", "lon", "location"} & {name for name in vars(model.reports[0])}


def test_sector_is_found_from_the_point_when_not_written(model):
    assert (model.report("2026-000101").sector_ids, model.report("2026-000101").sectors_from_point) == (
        ("secteur-1",), True)
    assert (model.report("2026-000102").sector_ids, model.report("2026-000102").sectors_from_point) == (
        ("secteur-2",), False)


def test_overdue_by_expected_date(model):
    pothole = model.report("2026-000101")
    assert (pothole.stage, pothole.is_open, pothole.expected, pothole.due) == (
        "scheduled", True, dt.date(2026, 11, 20), dt.date(2026, 11, 20))
    assert (pothole.is_overdue, pothole.days_overdue) == (True, 4)
    assert [w.reference for w in pothole.works] == ["2026-ARR-0412"]


def test_overdue_by_the_services_commitment(model):
    streetlight = model.report("2026-000102")
    assert (streetlight.stage, streetlight.expected, streetlight.due) == (
        "acknowledged", None, dt.date(2026, 11, 18))
    assert (streetlight.is_overdue, streetlight.days_overdue) == (True, 6)


def test_duplicates_both_ways(model):
    again, first = model.report("2026-000103"), model.report("2026-000102")
    assert again.original is first and (again.stage, again.is_open, again.is_overdue) == ("duplicate", False, False)
    assert first.duplicates == ("2026-000103",) and first.original is None
    assert again.duplicates == ()


def test_reopened_then_resolved_counts_days_from_reception_to_the_last_resolution(model):
    bags = model.report("GRC-2026-000104")
    assert (bags.stage, bags.is_open, bags.is_resolved) == ("resolved", False, True)
    assert (bags.resolved, bags.days_to_resolve) == (dt.date(2026, 10, 24), 23)
    assert bags.expected == dt.date(2026, 10, 25) and not bags.is_overdue
    assert [p.id for p in bags.projects] == ["refection-rue-des-lilas"]


def test_a_reopened_report_is_open_and_its_commitment_counts_from_the_reopening(model):
    bags = model.report("2026-000106")
    assert (bags.stage, bags.is_open, bags.is_resolved, bags.days_to_resolve) == ("reopened", True, False, None)
    assert (bags.due, bags.is_overdue, bags.days_overdue) == (dt.date(2026, 11, 25), False, 0)


def test_closed_without_action_is_neither_open_nor_resolved(model):
    closed = model.report("2026-000105")
    assert (closed.stage, closed.is_open, closed.is_resolved, closed.days_to_resolve) == (
        "closed", False, False, None)
    assert closed.current_stage.reason == "Le lampadaire appartient à une copropriété."


def test_open_and_overdue_reports_city_wide_most_overdue_first(model):
    assert numbers(model.open_reports) == ["2026-000101", "2026-000102", "2026-000106"]
    assert numbers(model.overdue_reports) == ["2026-000102", "2026-000101"]
    assert [r.number for r in model.reports if r.has_bad_news] == ["2026-000101", "2026-000102"]


def test_each_sector_has_its_reports_open_and_overdue(model):
    centre, hauts = model.views["secteur-1"], model.views["secteur-2"]
    assert numbers(centre.reports) == ["2026-000101", "2026-000106", "GRC-2026-000104"]
    assert numbers(centre.open_reports) == ["2026-000101", "2026-000106"]
    assert numbers(centre.overdue_reports) == ["2026-000101"]
    assert numbers(hauts.reports) == ["2026-000102", "2026-000103", "2026-000105"]
    assert numbers(hauts.open_reports) == numbers(hauts.overdue_reports) == ["2026-000102"]


def test_each_street_has_its_reports_whatever_the_case_and_accents(model):
    assert sorted(model.reports_by_street) == [
        "avenue jean jaures", "impasse des tilleuls", "place du marche", "rue des lilas"]
    assert numbers(model.reports_of_street("AVENUE JEAN JAURES")) == ["2026-000102", "2026-000103"]
    assert numbers(model.reports_of_street("Place du Marché")) == ["2026-000106", "GRC-2026-000104"]
    assert model.reports_of_street("Rue Inconnue") == []


def test_a_sectors_reports_are_among_its_records_but_not_in_the_bad_news_of_projects(model):
    """A sector's pages show its reports (incremental builds render them again when one
    changes); overdue ones are shown from ``overdue_reports``, ``bad_news`` stays the projects'
    and works orders' (panels read it)."""
    assert {view.sector.id: numbers(r for r in view.records if isinstance(r, Report))
            for view in model.views.values()} == {
        "secteur-1": ["2026-000101", "2026-000106", "GRC-2026-000104"],
        "secteur-2": ["2026-000102", "2026-000103", "2026-000105"]}
    assert not [n for n in model.bad_news if n.kind not in ("late", "over_budget", "suspended", "cancelled",
                                                            "works_cancelled")]


def test_a_site_without_a_reports_folder_has_no_reports(tmp_path):
    model = load_site(write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml()}))
    assert (model.services, model.reports, model.open_reports, model.overdue_reports, model.reports_by_street) == (
        [], [], [], [], {})
    assert model.views["secteur-1"].reports == []


def test_services_without_reports_load(tmp_path):
    model = load_site(town(tmp_path, reports={}))
    assert [s.code for s in model.services] == ["eclairage", "nid-de-poule", "depot-sauvage"]
    assert model.reports == []


def test_the_folder_is_a_setting(tmp_path):
    town(tmp_path)
    (tmp_path / "content/signalements").rename(tmp_path / "content/demandes")
    now = dt.datetime(2026, 11, 24, 12, tzinfo=dt.timezone.utc)
    settings = ClairvoieSettings.from_pelican({"PATH": str(tmp_path / "content"), "CLAIRVOIE_REPORTS_DIR": "demandes"})
    model = load_model(settings, str(tmp_path / "content"), "Europe/Paris", now=now)
    assert len(model.reports) == 6


# --- incremental builds -----------------------------------------------------------------------
def test_reports_are_records_of_the_page_signatures(tmp_path):
    root = town(tmp_path)
    theme = tmp_path / "theme"
    theme.mkdir()
    before = PageSignatures(load_site(root), {}, str(theme))
    assert record_key(load_site(root).report("2026-000101")) == "Report:2026-000101"
    path = root / "content/signalements/2026-000102.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - date: 2026-11-23\n    stage: resolved\n",
                    encoding="utf-8")
    after = PageSignatures(load_site(root), {}, str(theme))
    changed = {k for k in after.fingerprints if after.fingerprints[k] != before.fingerprints.get(k)}
    assert changed == {"Report:2026-000102"}


# --- Pelican leaves the folder alone ----------------------------------------------------------
@pytest.mark.parametrize("settings_file", ["pelicanconf.py", "publishconf.py"])
def test_pelican_neither_reads_nor_copies_the_reports_folder(settings_file):
    root = Path(__file__).resolve().parents[2]
    settings = read_pelican_settings(str(root / settings_file))
    assert "signalements" in settings["ARTICLE_EXCLUDES"]
    assert not any(path.startswith("signalements") for path in settings["STATIC_PATHS"] + settings["PAGE_PATHS"])


# --- problems ------------------------------------------------------------------------------------
def test_every_problem_of_two_report_files_at_once(tmp_path):
    root = town(tmp_path, reports={
        "content/signalements/2026-000201.yaml": """
            number: "2026-000299"
            service: eclairag
            received: 2026-11-10T08:00
            location:
              street: Rue des Lilas
              lat: 4.82
              lon: 45.72
            public_summary: Lampadaire éteint, voir <b>photo</b>.
            history:
              - date: 2026-11-09
                stage: received
              - date: 2026-11-12
                stage: scheduled
                expected: 2026-11-30
                works: 2026-ARR-9999
              - date: 2026-11-11
                stage: in_progress
                duplicate_of: "2026-000202"
        """,
        "content/signalements/2026-000202.yaml": """
            number: "2026-000202"
            service: nid-de-poule
            received: 2026-11-10
            location:
              street: Rue des Lilas
            sectors: [secteur-3]
            history:
              - date: 2026-11-10
                stage: closed
              - date: 2026-11-11
                stage: duplicate
                duplicate_of: "2026-000202"
                note: Rappeler M. Martin au 06 12 34 56 78.
        """,
    })
    assert problems_of(root) == [
        "content/signalements/2026-000201.yaml:1:9 — number : le numéro « 2026-000299 » ne correspond pas au nom "
        "du fichier « 2026-000201.yaml » : le fichier d'un signalement porte son numéro en minuscules "
        "(2026-000299.yaml)",
        "content/signalements/2026-000201.yaml:2:10 — service : type de signalement « eclairag » inconnu : "
        "ajoutez-le à services.yaml ; vouliez-vous dire « eclairage » ?",
        "content/signalements/2026-000201.yaml:6:8 — location.lat : lat et lon semblent inversées : lat est la "
        "latitude (par exemple 45.74), lon la longitude (par exemple 4.85)",
        "content/signalements/2026-000201.yaml:8:17 — public_summary : texte simple attendu : le HTML (« <b> ») "
        "n'est pas accepté ici",
        "content/signalements/2026-000201.yaml:10:11 — history[1].date : cette étape (2026-11-09) est datée avant "
        "la réception : les étapes vont de la plus ancienne à la plus récente",
        "content/signalements/2026-000201.yaml:15:12 — history[2].works : arrêté « 2026-ARR-9999 » inconnu ; "
        "vouliez-vous dire « 2026-ARR-0412 » ?",
        "content/signalements/2026-000201.yaml:16:11 — history[3].date : cette étape (2026-11-11) est datée avant "
        "l'étape précédente (scheduled) : les étapes vont de la plus ancienne à la plus récente",
        "content/signalements/2026-000201.yaml:18:19 — history[3].duplicate_of : « duplicate_of » ne va qu'avec "
        "l'étape « duplicate »",
        "content/signalements/2026-000202.yaml:3:11 — received : date et heure non valides « 2026-11-10 » : "
        "écrivez par exemple 2026-11-23T07:30",
        "content/signalements/2026-000202.yaml:6:11 — sectors[1] : secteur « secteur-3 » inconnu ; vouliez-vous "
        "dire « secteur-2 » ?",
        "content/signalements/2026-000202.yaml:8:5 — history[1] : un signalement clos sans suite doit indiquer sa "
        "raison (« reason »)",
        "content/signalements/2026-000202.yaml:12:19 — history[2].duplicate_of : un signalement ne peut pas être "
        "le doublon de lui-même",
        "content/signalements/2026-000202.yaml:13:11 — history[2].note : donnée personnelle refusée (adresse "
        "électronique ou numéro de téléphone) : rien de personnel n'est publié",
    ]


def test_a_report_without_sectors_nor_point_asks_for_its_sectors(tmp_path):
    report = textwrap.dedent(REPORTS["content/signalements/2026-000102.yaml"]).replace("sectors: [secteur-2]\n", "")
    root = town(tmp_path, reports={"content/signalements/2026-000102.yaml": report})
    assert problems_of(root) == [
        "content/signalements/2026-000102.yaml:4:1 — sectors : secteur introuvable : indiquez « sectors » (par "
        "exemple [secteur-1]), ou « lat » et « lon » dans « location »"]


def test_a_point_in_no_sector_asks_for_its_sectors(tmp_path):
    report = textwrap.dedent(REPORTS["content/signalements/2026-000101.yaml"]).replace("lat: 45.72", "lat: 45.755")
    root = town(tmp_path, reports={"content/signalements/2026-000101.yaml": report})
    assert problems_of(root) == [
        "content/signalements/2026-000101.yaml:4:1 — sectors : ce point n'est dans le contour d'aucun secteur : "
        "indiquez « sectors » (par exemple [secteur-1])"]


@pytest.mark.parametrize("lat, lon, expected", [
    ("48.85", "2.35", "location.lat : ce point est à 392,1 km des secteurs de la ville : vérifiez « lat » et « lon »"),
    ("95", "4.82", "location.lat : latitude 95 hors des bornes (de -90 à 90) ; longitude et latitude sont-elles "
     "inversées ?"),
    ("45.72", "190", "location.lon : longitude 190 hors des bornes (de -180 à 180)"),
])
def test_a_point_out_of_range_or_far_from_the_city_is_refused(tmp_path, lat, lon, expected):
    report = (textwrap.dedent(REPORTS["content/signalements/2026-000101.yaml"])
              .replace("lat: 45.72", f"lat: {lat}").replace("lon: 4.82", f"lon: {lon}"))
    root = town(tmp_path, reports={"content/signalements/2026-000101.yaml": report})
    problems = problems_of(root)
    assert len(problems) == 1 and problems[0].split(" — ", 1)[1] == expected, problems


def test_duplicates_of_each_other_are_refused(tmp_path):
    loop = textwrap.dedent(REPORTS["content/signalements/2026-000102.yaml"]) + (
        "  - date: 2026-11-22\n    stage: duplicate\n    duplicate_of: \"2026-000103\"\n")
    root = town(tmp_path, **{"content/signalements/2026-000102.yaml": loop})
    assert problems_of(root) == [
        "content/signalements/2026-000102.yaml:14:19 — history[3].duplicate_of : ces signalements sont donnés "
        "comme doublons l'un de l'autre : l'un d'eux doit rester l'original",
        "content/signalements/2026-000103.yaml:12:19 — history[2].duplicate_of : ces signalements sont donnés "
        "comme doublons l'un de l'autre : l'un d'eux doit rester l'original",
    ]


def test_unknown_original_and_project_are_named(tmp_path):
    report = (textwrap.dedent(REPORTS["content/signalements/2026-000103.yaml"])
              .replace('"2026-000102"', '"2026-000112"')
              + "  - date: 2026-11-22\n    stage: scheduled\n    expected: 2026-12-01\n    project: lilas\n")
    root = town(tmp_path, **{"content/signalements/2026-000103.yaml": report})
    assert problems_of(root) == [
        "content/signalements/2026-000103.yaml:12:19 — history[2].duplicate_of : signalement « 2026-000112 » "
        "inconnu ; vouliez-vous dire « 2026-000102 » ?",
        "content/signalements/2026-000103.yaml:16:14 — history[3].project : projet « lilas » inconnu",
    ]


def test_reports_need_a_services_file(tmp_path):
    root = town(tmp_path, **{"content/signalements/services.yaml": None})
    assert problems_of(root) == [
        "content/signalements/services.yaml:1:1 — aucun type de signalement : écrivez "
        "content/signalements/services.yaml (« services: » puis un type par « - », avec « code » et « name »)"]


def test_a_service_code_written_twice_is_refused(tmp_path):
    services = textwrap.dedent(SERVICES) + "  - code: eclairage\n    name: Lampadaire\n    commitment_days: 0\n"
    root = town(tmp_path, reports={}, **{"content/signalements/services.yaml": services})
    assert problems_of(root) == [
        "content/signalements/services.yaml:14:11 — services[4].code : code « eclairage » déjà utilisé ligne 2 : "
        "chaque type de signalement a son propre code",
        "content/signalements/services.yaml:16:22 — services[4].commitment_days : doit être au moins 1",
    ]


def test_a_stage_dated_by_its_day_is_not_before_a_reception_that_day(tmp_path):
    same_day = textwrap.dedent(REPORTS["content/signalements/2026-000102.yaml"]).replace(
        "- date: 2026-11-09T10:30", "- date: 2026-11-08")
    model = load_site(town(tmp_path, **{"content/signalements/2026-000102.yaml": same_day}))
    assert model.report("2026-000102").history[1].day == dt.date(2026, 11, 8)


def test_a_stage_a_minute_before_the_reception_is_refused(tmp_path):
    early = textwrap.dedent(REPORTS["content/signalements/2026-000102.yaml"]).replace(
        "- date: 2026-11-09T10:30", "- date: 2026-11-08T08:59")
    assert problems_of(town(tmp_path, **{"content/signalements/2026-000102.yaml": early})) == [
        "content/signalements/2026-000102.yaml:10:11 — history[2].date : cette étape (2026-11-08T08:59) est datée "
        "avant la réception : les étapes vont de la plus ancienne à la plus récente"]


def test_a_report_due_today_is_not_overdue_yet(tmp_path):
    due_today = textwrap.dedent(REPORTS["content/signalements/2026-000106.yaml"]).replace(
        "- date: 2026-11-22", "- date: 2026-11-21")
    bags = load_site(town(tmp_path, **{"content/signalements/2026-000106.yaml": due_today})).report("2026-000106")
    assert (bags.due, bags.is_overdue, bags.days_overdue) == (dt.date(2026, 11, 24), False, 0)
    overdue = load_site(tmp_path, today=dt.date(2026, 11, 25)).report("2026-000106")
    assert (overdue.is_overdue, overdue.days_overdue) == (True, 1)


# --- what the report pages read (outputs/pages.py, partials/reports.html) -------------------
def test_the_stages_still_to_come_of_each_report(model):
    to_come = {r.number: r.stages_to_come for r in model.reports}
    assert to_come["2026-000101"] == ("in_progress", "resolved")
    assert to_come["2026-000102"] == ("scheduled", "in_progress", "resolved")
    assert to_come["2026-000106"] == ("acknowledged", "scheduled", "in_progress", "resolved")  # reopened
    assert to_come["2026-000103"] == to_come["2026-000105"] == to_come["GRC-2026-000104"] == ()


def test_the_service_in_charge_is_the_one_an_acknowledgement_names(model):
    assert model.report("2026-000101").service_in_charge == "Régie voirie"
    assert model.report("2026-000102").service_in_charge is None


def test_reports_resolved_within_days_count_today_in(model):
    # GRC-2026-000104 was resolved again on 24 October, 31 days before 24 November.
    assert numbers(model.reports_resolved_within(32)) == ["GRC-2026-000104"]
    assert model.reports_resolved_within(31) == []


def test_a_street_has_an_entry_on_the_street_index_only_with_works_or_projects(model):
    assert model.street_entry("RUE DES LILAS").anchor == "rue-des-lilas"
    assert model.street_entry("Impasse des Tilleuls") is None


def test_open_reports_by_street_a_to_z_and_overdue_first(model):
    from clairvoie.model.reports import open_reports_by_street, overdue_first

    assert [(name, numbers(found)) for name, found in open_reports_by_street(model.reports)] == [
        ("Avenue Jean-Jaurès", ["2026-000102"]), ("rue des Lilas", ["2026-000101"]),
        ("Place du Marché", ["2026-000106"])]
    assert numbers(overdue_first([model.report(n) for n in ("2026-000106", "2026-000101", "2026-000102")])) == [
        "2026-000102", "2026-000101", "2026-000106"]


# --- what the sector letters say of them --------------------------------------------------------
def test_sector_letters_lead_with_overdue_reports_and_carry_the_month_summary(model):
    from clairvoie.model.newsletter_issues import State
    from clairvoie.newsletter.compose import compose

    first = compose(model, "secteur-1", State("secteur-1"))
    assert first.subject == ("Secteur 1 – Centre : signalement en retard : "
                             "« n° 2026-000101 — Nid-de-poule sur la chaussée »")
    bad, summary = first.sections[0], next(s for s in first.sections if s.id == "signalements")
    assert bad.id == "mauvaises-nouvelles"
    assert [(i.label, i.subtitle, i.url, i.negative, i.tone, i.facts) for i in bad.items] == [
        ("En retard", "rue des Lilas", "signalements/2026-000101/", True, "late",
         ("Reçu le 2 novembre 2026 ; l'intervention était prévue le 20 novembre 2026.",))]
    assert [i.title for i in summary.items] == ["Ce que nous avons réglé en octobre 2026 (Secteur 1 – Centre)"]
    second = compose(model, "secteur-2", State("secteur-2"))
    assert [i.facts for i in second.sections[0].items] == [
        ("Reçu le 8 novembre 2026 ; la ville s'engage à traiter ce type de signalement en 10 jours, "
         "soit au plus tard le 18 novembre 2026.",)]
    assert not [s for s in second.sections if s.id == "signalements"]  # nothing resolved there yet
    told = State("secteur-1", sent={i.key for s in first.sections for i in s.items})
    assert not compose(model, "secteur-1", told).sections  # never twice
