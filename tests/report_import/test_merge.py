"""Merging exports into the records: new files, new stages, nothing lost, nothing rewritten."""

from __future__ import annotations

import yaml

from clairvoie.report_import import import_reports
from exports import digest, request, update


def run(export, records, **options):
    return import_reports(str(records), export.requests, services_path=export.services, **options)


def load(records, number):
    return yaml.safe_load((records / f"{number}.yaml").read_text(encoding="utf-8"))


def stages(records, number):
    return [(s["date"], s["stage"]) for s in load(records, number)["history"]]


def test_a_new_report_gets_a_file_with_the_shape_of_records_md(export, records):
    export.write("requests.json", [request("2026-000101")])
    run(export, records)
    assert load(records, "2026-000101") == {
        "number": "2026-000101",
        "service": "eclairage",
        "received": "2026-09-03T08:15:00",
        "location": {"street": "Rue des Lilas", "lat": 45.746, "lon": 4.845},
        "history": [{"date": "2026-09-03T08:15:00", "stage": "received"}],
        "source": {"system": "open311", "id": "2026-000101"},
    }
    assert yaml.safe_load((records / "services.yaml").read_text(encoding="utf-8")) == {"services": [
        {"code": "eclairage", "name": "Éclairage public en panne", "group": "Voirie",
         "keywords": ["lampadaire", "réverbère"]},
        {"code": "voirie", "name": "Chaussée abîmée", "group": "Voirie", "keywords": ["trou"]}]}


def test_the_file_name_is_the_number_in_lower_case(export, records):
    export.write("requests.json", [request("AB-12")])
    run(export, records)
    assert load(records, "ab-12")["number"] == "AB-12"


def test_importing_the_same_export_twice_changes_no_byte(export, records):
    export.write("requests.json", [request("2026-000101", status="IN_PROGRESS", status_notes="Équipe sur place",
                                           updated_datetime="2026-09-05T10:00:00+02:00"),
                                   request("2026-000102", status="closed", updated_datetime="2026-09-09T10:00:00+02:00")])
    export.write("servicerequestupdates.json", [
        update("2026-000102", "1", "INVESTIGATING", "2026-09-04T09:00:00+02:00", "Vu")])
    run(export, records, updates_path=export.updates)
    before = digest(records)
    result = run(export, records, updates_path=export.updates)
    assert digest(records) == before
    assert result.written == () and result.plan.unchanged == 2


def test_a_later_export_adds_stages_dated_by_updated_datetime(export, records):
    export.write("requests.json", [request("2026-000101")])
    run(export, records)
    export.write("requests.json", [request("2026-000101", status="ACTION_SCHEDULED",
                                           updated_datetime="2026-09-10T14:00:00+02:00",
                                           expected_datetime="2026-09-20T09:00:00+02:00",
                                           status_notes="Intervention prévue")])
    run(export, records)
    export.write("requests.json", [request("2026-000101", status="FIXED", updated_datetime="2026-09-19T16:30:00+02:00",
                                           expected_datetime="2026-09-20T09:00:00+02:00")])
    run(export, records)
    history = load(records, "2026-000101")["history"]
    assert history == [
        {"date": "2026-09-03T08:15:00", "stage": "received"},
        {"date": "2026-09-10T14:00:00", "stage": "scheduled", "expected": "2026-09-20", "note": "Intervention prévue"},
        {"date": "2026-09-19T16:30:00", "stage": "resolved"},
    ]


def test_a_new_note_on_the_same_status_adds_a_stage_the_same_note_does_not(export, records):
    export.write("requests.json", [request(status="IN_PROGRESS", status_notes="Commande passée",
                                           updated_datetime="2026-09-05T10:00:00+02:00")])
    run(export, records)
    export.write("requests.json", [request(status="IN_PROGRESS", status_notes="Commande passée",
                                           updated_datetime="2026-09-06T10:00:00+02:00")])
    run(export, records)
    assert len(stages(records, "2026-000101")) == 2
    export.write("requests.json", [request(status="IN_PROGRESS", status_notes="Pièce livrée",
                                           updated_datetime="2026-09-08T10:00:00+02:00")])
    run(export, records)
    assert stages(records, "2026-000101")[-1] == ("2026-09-08T10:00:00", "in_progress")
    assert load(records, "2026-000101")["history"][-1]["note"] == "Pièce livrée"


def test_each_fixmystreet_update_becomes_a_stage_in_date_order(export, records):
    export.write("requests.json", [request(status="FIXED", updated_datetime="2026-09-12T11:00:00+02:00",
                                           expected_datetime="2026-09-15T08:00:00+02:00")])
    export.write("servicerequestupdates.json", [
        update("2026-000101", "3", "FIXED", "2026-09-12T11:00:00+02:00", "Lampe changée"),
        update("2026-000101", "1", "INVESTIGATING", "2026-09-04T09:00:00+02:00", "Transmis à l'équipe"),
        update("2026-000101", "2", "ACTION_SCHEDULED", "2026-09-06T09:00:00+02:00"),
        update("2026-000101", "2b", "INTERNAL_REFERRAL", "2026-09-05T09:00:00+02:00"),
    ])
    run(export, records, updates_path=export.updates)
    history = load(records, "2026-000101")["history"]
    assert [(s["stage"], s.get("note")) for s in history] == [
        ("received", None), ("acknowledged", "Transmis à l'équipe"), ("acknowledged", None),
        ("scheduled", None), ("resolved", "Lampe changée")]
    assert history[3]["expected"] == "2026-09-15"


def test_closed_duplicate_and_reopened_stages_carry_their_fields(export, records):
    export.write("requests.json", [
        request("2026-000101", status="FIXED", updated_datetime="2026-09-08T10:00:00+02:00"),
        request("2026-000102", status="DUPLICATE", status_notes="Déjà signalé : voir 2026-000101.",
                updated_datetime="2026-09-05T10:00:00+02:00"),
        request("2026-000103", status="NOT_COUNCILS_RESPONSIBILITY", updated_datetime="2026-09-05T10:00:00+02:00"),
        request("2026-000104", status="NO_FURTHER_ACTION", status_notes="Le lampadaire fonctionne.",
                updated_datetime="2026-09-05T10:00:00+02:00"),
        request("2026-000105", status="INVESTIGATING", agency_responsible="Métropole, voirie",
                updated_datetime="2026-09-05T10:00:00+02:00"),
        request("2026-000106", status="DUPLICATE", duplicate_of="2026-000104",
                updated_datetime="2026-09-05T10:00:00+02:00"),
    ])
    run(export, records)
    assert load(records, "2026-000102")["history"][-1] == {
        "date": "2026-09-05T10:00:00", "stage": "duplicate", "duplicate_of": "2026-000101",
        "note": "Déjà signalé : voir 2026-000101."}
    assert load(records, "2026-000103")["history"][-1]["reason"].startswith("Ce problème ne relève pas de la ville")
    assert load(records, "2026-000104")["history"][-1] == {
        "date": "2026-09-05T10:00:00", "stage": "closed", "reason": "Le lampadaire fonctionne."}
    assert load(records, "2026-000105")["history"][-1]["service_in_charge"] == "Métropole, voirie"
    assert load(records, "2026-000106")["history"][-1]["duplicate_of"] == "2026-000104"
    export.write("requests.json", [request("2026-000101", status="REOPENED", status_notes="La panne est revenue",
                                           updated_datetime="2026-09-20T10:00:00+02:00")])
    run(export, records)
    assert load(records, "2026-000101")["history"][-1] == {
        "date": "2026-09-20T10:00:00", "stage": "reopened", "note": "La panne est revenue"}


def test_nothing_is_deleted_and_what_staff_added_is_kept(export, records):
    export.write("requests.json", [request("2026-000101", status="ACTION_SCHEDULED",
                                           expected_datetime="2026-09-20T09:00:00+02:00",
                                           updated_datetime="2026-09-04T10:00:00+02:00"),
                                   request("2026-000102")])
    run(export, records)
    path = records / "2026-000101.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("service: eclairage\n", "service: eclairage\npublic_summary: Lampadaire éteint devant l'école.\n")
    text = text.replace("    expected: '2026-09-20'\n", "    expected: '2026-09-20'\n    works: 2026-ARR-0412\n")
    path.write_text(text, encoding="utf-8")
    services = records / "services.yaml"
    services.write_text(services.read_text(encoding="utf-8").replace(
        "    name: Éclairage public en panne\n", "    name: Éclairage public en panne\n    commitment_days: 10\n"),
        encoding="utf-8")
    export.write("requests.json", [request("2026-000101", status="FIXED", updated_datetime="2026-09-19T10:00:00+02:00",
                                           expected_datetime="2026-09-20T09:00:00+02:00")])
    export.write("services.json", [{"service_code": "eclairage", "service_name": "Éclairage en panne"}])
    run(export, records)
    record = load(records, "2026-000101")
    assert record["public_summary"] == "Lampadaire éteint devant l'école."
    assert record["history"][1]["works"] == "2026-ARR-0412"
    assert record["history"][-1]["stage"] == "resolved"
    assert (records / "2026-000102.yaml").exists()
    assert yaml.safe_load(services.read_text(encoding="utf-8"))["services"] == [
        {"code": "eclairage", "name": "Éclairage en panne", "commitment_days": 10, "group": "Voirie",
         "keywords": ["lampadaire", "réverbère"]},
        {"code": "voirie", "name": "Chaussée abîmée", "group": "Voirie", "keywords": ["trou"]}]
    before = digest(records)
    run(export, records)
    assert digest(records) == before


def test_services_come_from_services_yaml_when_no_services_file_is_given(export, records):
    export.write("requests.json", [request("2026-000101")])
    run(export, records)
    export.write("requests.json", [request("2026-000102", service_code="voirie")])
    result = import_reports(str(records), export.requests)
    assert result.written == ("2026-000102.yaml",)


def test_a_token_stands_for_a_request_not_yet_numbered(export, records):
    fields = request()
    del fields["service_request_id"]
    export.write("requests.json", [{**fields, "token": "tok-12"}])
    run(export, records)
    assert load(records, "tok-12")["source"] == {"system": "open311", "id": "tok-12"}


def test_open_again_after_an_end_reopens_and_a_note_on_open_is_acknowledged(export, records):
    export.write("requests.json", [request(status="open", status_notes="Transmis à l'équipe",
                                           updated_datetime="2026-09-04T10:00:00+02:00")])
    run(export, records)
    export.write("requests.json", [request(status="closed", updated_datetime="2026-09-08T10:00:00+02:00")])
    run(export, records)
    export.write("requests.json", [request(status="open", updated_datetime="2026-09-20T10:00:00+02:00")])
    run(export, records)
    assert stages(records, "2026-000101") == [
        ("2026-09-03T08:15:00", "received"), ("2026-09-04T10:00:00", "acknowledged"),
        ("2026-09-08T10:00:00", "resolved"), ("2026-09-20T10:00:00", "reopened")]
    before = digest(records)
    run(export, records)
    assert digest(records) == before


def test_files_are_written_beside_then_renamed_and_no_temporary_is_left(tmp_path):
    import pytest

    from clairvoie.report_import.writer import replace_files

    folder = tmp_path / "signalements"
    replace_files(str(folder), {"a.yaml": b"un", "b.yaml": b"deux"})
    assert sorted(p.name for p in folder.iterdir()) == ["a.yaml", "b.yaml"]
    (folder / "c.yaml").mkdir()  # a target that cannot be replaced
    with pytest.raises(OSError):
        replace_files(str(folder), {"c.yaml": b"trois"})
    assert not list(folder.glob(".import-*"))
    assert (folder / "b.yaml").read_bytes() == b"deux"
