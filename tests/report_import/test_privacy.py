"""Nothing personal is written: not the resident's words, name, e-mail, phone, device,
account, photo or door; staff's notes lose e-mails, phones and names."""

from __future__ import annotations

import pytest

from clairvoie.report_import import import_reports
from clairvoie.report_import.privacy import public_text, rounded, street_of
from exports import all_bytes, request, update

# Each value is unique, so that finding any of it in a written byte is a leak.
PERSONAL = {
    "description": "Descriptionsecrete : je suis Zébulon Quiproquo, 06 11 22 33 44",
    "email": "zebulon.quiproquo@courriel.example",
    "first_name": "Zébulon",
    "last_name": "Quiproquo",
    "name": "Zébulon Quiproquo",
    "phone": "+33 6 11 22 33 44",
    "device_id": "appareil-7f3a9c",
    "account_id": "compte-991827",
    "media_url": "https://photos.example/zebulon-visage.jpg",
    "address_id": "adresse-id-4411",
}
LEAKS = ["Descriptionsecrete", "Zébulon", "zebulon", "Quiproquo", "quiproquo", "courriel.example",
         "11 22 33 44", "11.22.33.44", "0611223344", "7f3a9c", "991827", "photos.example", "visage", "4411",
         "Durand-Secret", "0478123456", "04 78 12 34 56", "syndic@", "Mme Bérangère", "Bérangère", "12 bis",
         "69990", "45.746123", "4.845234"]


def hostile_request(number: str, **fields) -> dict:
    return request(number, **PERSONAL, **fields)


def test_a_hostile_export_writes_no_personal_byte(export, records):
    notes = ("Rappeler Zébulon au 06 11 22 33 44 ou zebulon.quiproquo@courriel.example ; "
             "M. Durand-Secret (04 78 12 34 56) a signalé aussi. Mme Bérangère aussi, 0478123456.")
    export.write("requests.json", [
        hostile_request("2026-000101", status="IN_PROGRESS", status_notes=notes,
                        agency_responsible="Service voirie, contact syndic@copro.example",
                        updated_datetime="2026-09-05T10:00:00+02:00"),
        hostile_request("2026-000102", status="NOT_COUNCILS_RESPONSIBILITY", status_notes=notes,
                        address="Chez M. Durand-Secret, 12 bis rue des Lilas, 69990 Villebrune-sur-Lise",
                        updated_datetime="2026-09-06T10:00:00+02:00"),
    ])
    export.write("servicerequestupdates.json", [
        {**update("2026-000101", "1", "INVESTIGATING", "2026-09-04T10:00:00+02:00", notes),
         "media_url": PERSONAL["media_url"], "email": PERSONAL["email"]}])
    import_reports(str(records), export.requests, services_path=export.services, updates_path=export.updates)
    written = all_bytes(records)
    assert "Rue des Lilas" in written and "in_progress" in written
    for leak in LEAKS:
        assert leak not in written, leak
    reports = "".join(p.read_text(encoding="utf-8") for p in sorted(records.glob("2026-*.yaml")))
    for field in ("description", "email", "first_name", "last_name", "phone", "device_id", "account_id",
                  "media_url", "address_id", "name:", "address"):
        assert field not in reports, field


@pytest.mark.parametrize("address, street", [
    ("12 bis rue des Lilas, 69000 Lyon", "Rue des Lilas"),
    ("12 rue des Lilas", "Rue des Lilas"),
    ("rue des Lilas", "Rue des Lilas"),
    ("5 ter, avenue du Plateau", "Avenue du Plateau"),
    ("14-16 place du Marché 69990 Villebrune-sur-Lise", "Place du Marché"),
    ("Chez M. Dupont, 3 chemin des Vignes, 69990 Villebrune", "Chemin des Vignes"),
    ("48 Grande Rue", "Grande Rue"),
    ("3 bd des Cheminots", "Boulevard des Cheminots"),
    ("n°7 montée des Chartreux", "Montée des Chartreux"),
    ("Quai de la Lise", "Quai de la Lise"),
])
def test_the_street_keeps_no_house_number_postcode_or_town(address, street):
    assert street_of(address) == street


@pytest.mark.parametrize("address", ["Jean Dupont 06 12 34 56 78", "69990 Villebrune-sur-Lise", "", "devant chez moi"])
def test_an_address_without_a_street_names_none(address):
    assert street_of(address) is None


def test_coordinates_are_rounded_to_street_level():
    assert rounded(45.746123) == 45.746 and rounded(4.8459) == 4.846


@pytest.mark.parametrize("note", [
    "écrire à jean.dupont@exemple.fr", "jean (at) exemple.fr", "appeler le 06 12 34 56 78",
    "appeler le 06.12.34.56.78", "appeler le 0612345678", "appeler le +33 6 12 34 56 78",
    "appeler le +33 (0)6 12 34 56 78", "appeler le 0033 6 12 34 56 78", "appeler le +44 20 7946 0958",
    "vu avec M. Dupont", "vu avec Mme Anne-Marie Martin", "vu avec Monsieur Jean Dupont",
])
def test_notes_lose_emails_phones_and_names_after_a_civility(note):
    cleaned = public_text(note, ())
    assert "[…]" in cleaned
    for word in ("dupont", "exemple", "12 34", "1234", "martin", "7946"):
        assert word not in cleaned.lower()


def test_notes_keep_tracking_numbers_dates_and_amounts():
    note = "Doublon de 2026-004512, intervention le 12/10/2026 à 8 h, 3 lampadaires, 1200 euros."
    assert public_text(note, ()) == note


def test_notes_lose_the_residents_own_name_even_without_a_civility():
    assert public_text("Merci Zébulon, c'est réparé.", ("Zébulon",)) == "Merci […], c'est réparé."
