"""A CSV export with a column mapping, and a city's own states in the mapping file."""

from __future__ import annotations

import pytest
import yaml

from clairvoie.report_import import ImportFailed, import_reports
from exports import all_bytes, digest

MAPPING = """\
# La correspondance de notre outil
stages:
  Nouveau: received
  En attente: acknowledged
  Planifié: scheduled
  Terminé: resolved
  Refusé: {stage: closed, reason: "La demande ne relève pas de la voirie communale."}
columns:
  number: "N° de suivi"
  service: Type
  received: Reçu le
  updated: Modifié le
  status: État
  note: Note publique
  address: Adresse
  lat: Latitude
  lon: Longitude
  expected: Date prévue
  first_name: Prénom
  last_name: Nom
  email: Courriel
delimiter: ";"
system: gmao
"""
HEADER = "N° de suivi;Type;Reçu le;Modifié le;État;Note publique;Adresse;Latitude;Longitude;Date prévue;Prénom;Nom;Courriel;Téléphone\n"


def write(tmp_path, rows: str, mapping: str = MAPPING):
    (tmp_path / "export.csv").write_text(HEADER + rows, encoding="utf-8-sig")
    (tmp_path / "correspondance.yaml").write_text(mapping, encoding="utf-8")
    return str(tmp_path / "export.csv"), str(tmp_path / "correspondance.yaml")


def run(records, export, mapping, services=None):
    return import_reports(str(records), export, export_format="csv", mapping_path=mapping, services_path=services)


def test_a_csv_export_with_a_mapping_makes_the_same_records(tmp_path, export, records):
    csv_file, mapping = write(tmp_path, (
        "V-1;eclairage;03/09/2026 08:15;10/09/2026 14:00;Planifié;Passage prévu, appeler Anatole au 06 12 34 56 78;"
        "8 rue du Four, 69990 Villebrune;45,75046;4,8473;20/09/2026;Anatole;Secret-Nom;anatole@x.example;0699999999\n"
        "V-2;voirie;2026-09-04T09:00:00+02:00;;Refusé;;place du Marché;;;;;;;\n"))
    run(records, csv_file, mapping, services=export.services)
    record = yaml.safe_load((records / "v-1.yaml").read_text(encoding="utf-8"))
    assert record == {
        "number": "V-1", "service": "eclairage", "received": "2026-09-03T08:15:00",
        "location": {"street": "Rue du Four", "lat": 45.75, "lon": 4.847},
        "history": [{"date": "2026-09-03T08:15:00", "stage": "received"},
                    {"date": "2026-09-10T14:00:00", "stage": "scheduled", "expected": "2026-09-20",
                     "note": "Passage prévu, appeler […] au […]"}],
        "source": {"system": "gmao", "id": "V-1"}}
    assert yaml.safe_load((records / "v-2.yaml").read_text(encoding="utf-8"))["history"][-1] == {
        "date": "2026-09-04T09:00:00", "stage": "closed", "reason": "La demande ne relève pas de la voirie communale."}
    written = all_bytes(records)
    for leak in ("Anatole", "Secret-Nom", "anatole@", "0699999999", "8 rue"):
        assert leak not in written
    before = digest(records)
    run(records, csv_file, mapping)
    assert digest(records) == before


def test_the_default_columns_are_open311s_names(tmp_path, export, records):
    (tmp_path / "export.csv").write_text(
        "service_request_id,service_code,requested_datetime,status,address,lat,long\n"
        "2026-1,eclairage,2026-09-03T08:15:00+02:00,open,\"3 rue des Lilas, Villebrune\",45.7461,4.8452\n",
        encoding="utf-8")
    import_reports(str(records), str(tmp_path / "export.csv"), export_format="csv", services_path=export.services)
    assert yaml.safe_load((records / "2026-1.yaml").read_text(encoding="utf-8"))["location"]["street"] == "Rue des Lilas"


def test_a_missing_column_and_bad_rows_are_named_by_their_line(tmp_path, export, records):
    csv_file, mapping = write(tmp_path, (
        "V-1;eclairage;03/09/2026 08:15;;Nouveau;;rue du Four;;;;;;;\n"
        "V-2;eclairage;31/02/2026 08:15;;Perdu;;rue du Four;;;;;;;\n"))
    with pytest.raises(ImportFailed) as failure:
        run(records, csv_file, mapping, services=export.services)
    report = failure.value.report()
    assert "export.csv, entrée 3 (n° V-2) — Reçu le : date non valide « 31/02/2026 08:15 »" in report
    assert "export.csv, entrée 3 (n° V-2) — État : état « Perdu » inconnu" in report
    assert not records.exists()
    (tmp_path / "export.csv").write_text("N° de suivi;Type\nV-1;eclairage\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        run(records, csv_file, mapping, services=export.services)
    assert "Reçu le : colonne « Reçu le » absente de l'export" in failure.value.report()


@pytest.mark.parametrize("mapping, expected", [
    ("stages:\n  Fini: termine\n", "stages.Fini : ligne 2 : étape « termine » inconnue"),
    ("stages:\n  Fini: [resolved]\n", "stages.Fini : ligne 2 : attendu une étape"),
    ("etapes:\n  Fini: resolved\n", "etapes : ligne 1 : section « etapes » inconnue"),
    ("columns:\n  numero: N°\n", "columns.numero : ligne 2 : champ « numero » inconnu"),
    ("delimiter: ';;'\n", "delimiter : ligne 1 : le séparateur doit être un seul caractère"),
    ("stages: [\n", "erreur de syntaxe YAML"),
])
def test_a_wrong_mapping_file_is_refused_with_its_line(tmp_path, records, mapping, expected):
    csv_file, mapping_file = write(tmp_path, "", mapping)
    with pytest.raises(ImportFailed) as failure:
        run(records, csv_file, mapping_file)
    assert expected in failure.value.report()


def test_the_mapping_setting_is_used_by_the_command(tmp_path):
    from clairvoie.settings import ClairvoieSettings

    settings = ClairvoieSettings.from_pelican({"PATH": str(tmp_path / "content"),
                                               "CLAIRVOIE_REPORTS_IMPORT_MAPPING": "signalements.yaml"})
    assert settings.reports_import_mapping == "signalements.yaml" and settings.reports_dir == "signalements"
