"""A malformed export stops the import before anything is written, with every problem
said in French where staff can find it: the file, the entry (index and number), the field."""

from __future__ import annotations

import pytest
import yaml

from clairvoie.model.schema import validator
from clairvoie.report_import import ImportFailed, import_reports
from exports import digest, request, update


def first_import(export, records):
    export.write("requests.json", [request("2026-000101"), request("2026-000102")])
    import_reports(str(records), export.requests, services_path=export.services)


def refused(export, records, **options) -> str:
    before = digest(records)
    with pytest.raises(ImportFailed) as failure:
        import_reports(str(records), export.requests, services_path=export.services, **options)
    assert digest(records) == before, "a refused import touched the records"
    assert not list(records.glob(".import-*")), "a temporary file was left behind"
    return failure.value.report()


def without(fields: dict, name: str) -> dict:
    return {key: value for key, value in fields.items() if key != name}


CASES = {
    "bad JSON": ('[{"service_request_id": "2026-000103",', ["requests.json", "JSON valide", "ligne 1"]),
    "not a list": ('{"service_request_id": "x"}', ["liste JSON", "demandes"]),
    "not an object": ([request("2026-000103"), "2026-000104"], ["entrée 2", "objet JSON"]),
    "no number": ([request("2026-000103"), without(request(), "service_request_id")],
                  ["entrée 2", "service_request_id", "numéro de suivi manquant"]),
    "number not a file name": ([request("../../etc/passwd")], ["entrée 1", "service_request_id", "nom de fichier"]),
    "number with a dot": ([request("2026.12")], ["entrée 1", "service_request_id", "nom de fichier"]),
    "same number twice": ([request("2026-000103"), request("2026-000103")],
                          ["entrée 2 (n° 2026-000103)", "déjà celui de l'entrée 1"]),
    "unknown status": ([request("2026-000103", status="EN_ATTENTE")],
                       ["entrée 1 (n° 2026-000103)", "status", "état « EN_ATTENTE » inconnu", "--mapping"]),
    "bad date": ([request("2026-000103", requested_datetime="2026-02-30T10:00:00")],
                 ["entrée 1 (n° 2026-000103)", "requested_datetime", "date non valide « 2026-02-30T10:00:00 »"]),
    "bad updated date": ([request("2026-000103", updated_datetime="hier")], ["updated_datetime", "« hier »"]),
    "missing date": ([without(request("2026-000103"), "requested_datetime")],
                     ["(n° 2026-000103)", "requested_datetime", "manquant"]),
    "unknown service": ([request("2026-000103", service_code="eclairag")],
                        ["(n° 2026-000103)", "service_code", "« eclairag » inconnu", "vouliez-vous dire « eclairage »"]),
    "no street": ([request("2026-000103", address="Jean Dupont")], ["(n° 2026-000103)", "address", "nom de voie"]),
    "latitude out of range": ([request("2026-000103", lat=145.2)], ["lat", "entre -90 et 90"]),
    "latitude not a number": ([request("2026-000103", lat="quarante-cinq")], ["lat", "coordonnée non valide"]),
    "latitude alone": ([without(request("2026-000103"), "long")], ["lat", "vont ensemble"]),
    "text not text": ([request("2026-000103", status_notes=["a"])], ["status_notes", "doit être un texte"]),
    "scheduled without a date": ([request("2026-000103", status="ACTION_SCHEDULED")],
                                 ["(n° 2026-000103)", "expected_datetime", "date prévue"]),
    "duplicate of nothing": ([request("2026-000103", status="DUPLICATE", status_notes="Déjà signalé")],
                             ["(n° 2026-000103)", "duplicate_of", "signalement d'origine"]),
    "duplicate of an unknown report": ([request("2026-000103", status="DUPLICATE", duplicate_of="2026-999999")],
                                       ["duplicate_of", "« 2026-999999 » inconnu"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_malformed_export_is_refused_and_touches_nothing(export, records, case):
    first_import(export, records)
    data, expected = CASES[case]
    export.write("requests.json", data)
    report = refused(export, records)
    for words in expected:
        assert words in report, (words, report)
    assert report.rstrip().endswith("relancez la commande.")
    assert "aucune fiche n'a été écrite" in report


def test_every_problem_is_reported_at_once(export, records):
    export.write("requests.json", [request("2026-000101", status="EN_ATTENTE"), request("2026-000102"),
                                   request("2026-000103", requested_datetime="demain", service_code="inconnu")])
    report = refused(export, records)
    assert "entrée 1 (n° 2026-000101) — status" in report
    assert "entrée 3 (n° 2026-000103) — requested_datetime" in report
    assert "entrée 3 (n° 2026-000103) — service_code" in report
    assert "3 erreurs dans l'export" in report
    assert not records.exists()


def test_bad_updates_and_services_are_refused_with_their_entry(export, records):
    first_import(export, records)
    export.write("servicerequestupdates.json", [
        update("2026-000101", "1", "INVESTIGATING", "2026-09-04T10:00:00+02:00"),
        update("2026-000777", "2", "FIXED", "2026-09-04T10:00:00+02:00"),
        update("2026-000101", "3", "FIXED", "pas une date"),
        without(update("2026-000101", "4", "FIXED", "2026-09-05T10:00:00+02:00"), "update_id"),
    ])
    export.write("services.json", [{"service_code": "eclairage"}])
    report = refused(export, records, updates_path=export.updates)
    assert "servicerequestupdates.json, entrée 2 (n° 2026-000777) — service_request_id : mise à jour d'un signalement inconnu" in report
    assert "servicerequestupdates.json, entrée 3 (n° 2026-000101) — updated_datetime" in report
    assert "servicerequestupdates.json, entrée 4 (n° 2026-000101) — update_id" in report
    assert "services.json, entrée 1 (n° eclairage) — service_name : champ « service_name » manquant" in report


@pytest.mark.parametrize("code", ["Éclairage public", "voirie/trou", "-eclairage", "x" * 65])
def test_a_service_code_the_records_cannot_hold_is_refused(export, records, code):
    export.write("services.json", [{"service_code": code, "service_name": "Éclairage"}])
    export.write("requests.json", [request("2026-000101", service_code=code)])
    report = refused(export, records)
    assert f"services.json, entrée 1 (n° {code[:40]}" in report
    assert f"service_code : code « {code[:40]} » non accepté" in report


@pytest.mark.parametrize("code", ["StreetLight", "pot_hole", "001", "voirie.trou"])
def test_a_request_tool_s_own_service_code_is_kept_as_written(export, records, code):
    """Open311 tools name services their own way; the records keep the code, and the schema takes it."""
    export.write("services.json", [{"service_code": code, "service_name": "Éclairage"}])
    export.write("requests.json", [request("2026-000101", service_code=code)])
    import_reports(str(records), export.requests, services_path=export.services)
    services = yaml.safe_load((records / "services.yaml").read_text(encoding="utf-8"))
    report = yaml.safe_load((records / "2026-000101.yaml").read_text(encoding="utf-8"))
    assert [s["code"] for s in services["services"]] == [code] and report["service"] == code
    assert not list(validator("services").iter_errors(services))
    assert not list(validator("report").iter_errors(report))


def test_an_unreadable_or_missing_file_is_refused(export, records):
    first_import(export, records)
    (export.folder / "requests.json").write_bytes(b"\xff\xfe[")
    assert "pas en UTF-8" in refused(export, records)
    assert "fichier illisible" in refused(export, records, updates_path=str(export.folder / "absent.json"))


def test_a_broken_existing_record_is_reported_not_overwritten(export, records):
    first_import(export, records)
    (records / "2026-000101.yaml").write_text("number: [\n", encoding="utf-8")
    export.write("requests.json", [request("2026-000101", status="FIXED", updated_datetime="2026-09-09T10:00:00+02:00")])
    assert "2026-000101.yaml" in refused(export, records) and "corrigez-la d'abord" in refused(export, records)
