"""What the service keeps, and residents' rights over it: the consent kept with its wording's
version and date, unconfirmed requests purged after seven days, « export » and « oublier »
(the real commands), the generated secret kept from one start to the next."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from building import run_clairvoie
from clairvoie.subscriptions import consent
from clairvoie.subscribers.store import PENDING_DAYS, Store, address_hash, deliveries_table
from service import Service


@pytest.fixture
def store(database_url):
    opened = Store(database_url)
    yield opened
    opened.close()


def test_consent_is_kept_with_its_version_and_date(store):
    asked = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone.utc)
    request = store.add_request("Consent.1@exemple.fr", ["secteur-1"], consent.CURRENT, 3, now=asked)
    subscription = store.confirm(request.id, now=asked + dt.timedelta(hours=2))
    assert subscription.consent_version == consent.CURRENT
    assert subscription.consent_at == asked and subscription.confirmed_at == asked + dt.timedelta(hours=2)
    store.forget("consent.1@exemple.fr")


def test_unconfirmed_requests_are_purged_after_seven_days(store):
    now = dt.datetime.now(dt.timezone.utc)
    old = store.add_request("vieille@exemple.fr", ["secteur-1"], consent.CURRENT, 3,
                            now=now - dt.timedelta(days=PENDING_DAYS, minutes=1))
    recent = store.add_request("recente@exemple.fr", ["secteur-1"], consent.CURRENT, 3,
                               now=now - dt.timedelta(days=PENDING_DAYS - 1))
    assert store.purge(now) == 1
    assert store.request(old.id) is None and store.request(recent.id) is not None
    assert store.confirm(old.id) is None  # nothing to confirm any more
    store.forget("recente@exemple.fr")


def test_export_and_forget_commands(site, store, database_url):
    request = store.add_request("Droits@Exemple.fr", ["secteur-4", "projet:belvedere-des-hauts"],
                                consent.CURRENT, 3)
    store.confirm(request.id)
    store.add_request("droits@exemple.fr", ["secteur-6"], consent.CURRENT, 3)
    with store.engine.begin() as connection:
        connection.execute(deliveries_table.insert().values(
            list_id="secteur-4", number=1, address_hash=address_hash("droits@exemple.fr"),
            outcome="delivered", detail="", at=dt.datetime.now(dt.timezone.utc)))

    shown = run_clairvoie(site, "abonnements", "export", "droits@exemple.fr", "--database", database_url)
    assert shown.returncode == 0, shown.stderr
    found = json.loads(shown.stdout)
    assert found["abonnement"]["listes"] == ["secteur-4", "projet:belvedere-des-hauts"]
    assert found["abonnement"]["consentement_version"] == consent.CURRENT
    assert [p["listes"] for p in found["demandes_en_attente"]] == [["secteur-6"]]
    assert [(letter["liste"], letter["numero"]) for letter in found["lettres"]] == [("secteur-4", 1)]

    erased = run_clairvoie(site, "abonnements", "oublier", "DROITS@exemple.fr", "--database", database_url)
    assert erased.returncode == 0, erased.stderr
    assert "Adresse effacée : abonnement 1, demandes en attente 1, lettres envoyées notées 1." in erased.stdout
    again = run_clairvoie(site, "abonnements", "export", "droits@exemple.fr", "--database", database_url)
    assert json.loads(again.stdout) == {"adresse": "droits@exemple.fr", "abonnement": None,
                                        "demandes_en_attente": [], "lettres": []}
    assert "Rien n'est gardé sur cette adresse." in again.stderr
    nothing = run_clairvoie(site, "abonnements", "oublier", "droits@exemple.fr", "--database", database_url)
    assert "Rien n'était gardé sur cette adresse" in nothing.stdout


def test_the_generated_secret_is_kept_and_the_variable_wins(database_url):
    first, second = Store(database_url), Store(database_url)  # two starts: migrations run twice
    try:
        assert first.secret({}) == second.secret({}) and len(first.secret({})) >= 32
        assert first.secret({"CLAIRVOIE_SUBSCRIPTIONS_SECRET": "donne-par-la-ville"}) == "donne-par-la-ville"
    finally:
        first.close()
        second.close()


def test_an_unknown_database_is_refused_in_french(site):
    result = run_clairvoie(site, "abonnements", "export", "x@exemple.fr", "--database", "mysql://serveur/base")
    assert result.returncode == 1 and "Adresse de base de données non reconnue" in result.stderr


def test_the_former_csv_list_is_imported_once(site, store, database_url, tmp_path):
    csv_file = tmp_path / "abonnes.csv"  # outside the site, as the city keeps it
    csv_file.write_text("email,sectors,token\n"
                        "Import.A@exemple.fr,secteur-1;projet:belvedere-des-hauts,tok-import-a\n"
                        "import.b@exemple.fr,all,tok-import-b\n"
                        "pas-une-adresse,secteur-1,tok-x\n", encoding="utf-8")
    first = run_clairvoie(site, "abonnements", "importer", str(csv_file), "--database", database_url)
    assert first.returncode == 0, first.stderr
    assert "Abonnés importés : 2 nouveaux, 0 déjà présents" in first.stdout
    assert "adresse invalide « pas-une-adresse »" in first.stderr
    csv_file.write_text("email,sectors,token\nimport.a@exemple.fr,secteur-2,tok-import-a\n", encoding="utf-8")
    second = run_clairvoie(site, "abonnements", "importer", str(csv_file), "--database", database_url)
    assert "Abonnés importés : 0 nouveaux, 1 déjà présents" in second.stdout
    imported = {s.email.lower(): s for s in store.confirmed() if s.email.lower().startswith("import.")}
    assert imported["import.a@exemple.fr"].lists == ("secteur-1", "projet:belvedere-des-hauts", "secteur-2")
    assert imported["import.a@exemple.fr"].token == "tok-import-a"  # kept as the city gave it
    assert imported["import.b@exemple.fr"].lists == tuple(f"secteur-{n}" for n in range(1, 7))
    assert {s.consent_version for s in imported.values()} == {consent.IMPORTED}
    assert consent.IMPORTED not in consent.WORDINGS  # never accepted from a form
    for address in imported:
        store.forget(address)



def test_a_database_error_reaches_the_logs_without_its_address(store):
    """SQL parameters are hidden, and PostgreSQL's own detail (« Failing row contains … »),
    which quotes them, is blotted out by the service's log formatter."""
    import logging

    import sqlalchemy as sa

    from clairvoie.subscribers.store import subscribers_table
    from clairvoie.subscriptions.app import AddressFreeFormatter

    with pytest.raises(sa.exc.IntegrityError) as error:
        with store.engine.begin() as connection:  # no consent date: refused by the schema
            connection.execute(subscribers_table.insert().values(
                email="erreur@exemple-base.fr", email_key="erreur@exemple-base.fr", token="t", lists="",
                consent_version="v", consent_at=None, confirmed_at=None, updated_at=None))
    assert "SQL parameters hidden" in str(error.value)
    record = logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1, "Exception in ASGI application",
                               None, (error.type, error.value, error.tb))
    line = AddressFreeFormatter("%(levelname)s %(message)s").format(record)
    assert "IntegrityError" in line and "consent_at" in line and "exemple-base" not in line


def test_the_service_does_not_start_without_a_mail_server(site, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CLAIRVOIE_SMTP_URL"}
    result = subprocess.run([sys.executable, "-m", "clairvoie.cli", "abonnements", "serve", "--port", "9",
                             "--database", "sqlite:///" + str(tmp_path / "abonnes.db")],
                            cwd=site, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "CLAIRVOIE_SMTP_URL n'est pas définie" in result.stderr


def test_no_command_keeps_addresses_inside_the_site_s_folder(site, tmp_path):
    """The site's folder is the content repository (it may be public): a SQLite database or a
    CSV list in it is refused by every « abonnements » command, and nothing is written there."""
    inside = site / "abonnes-essai.db"
    outside_csv = tmp_path / "abonnes.csv"
    outside_csv.write_text("email,sectors,token\nx@exemple.fr,secteur-1,t\n", encoding="utf-8")
    inside_csv = site / "abonnes-essai.csv"
    inside_csv.write_text(outside_csv.read_text(encoding="utf-8"), encoding="utf-8")
    try:
        runs = {
            "serve": ("abonnements", "serve", "--port", "9", "--database", f"sqlite:///{inside}"),
            "export": ("abonnements", "export", "x@exemple.fr", "--database", f"sqlite:///{inside}"),
            "oublier": ("abonnements", "oublier", "x@exemple.fr", "--database", f"sqlite:///{inside}"),
            "importer (base)": ("abonnements", "importer", str(outside_csv), "--database", f"sqlite:///{inside}"),
            "importer (liste)": ("abonnements", "importer", str(inside_csv), "--database",
                                 "sqlite:///" + str(tmp_path / "abonnes.db")),
        }
        for name, command in runs.items():
            result = run_clairvoie(site, *command)
            assert result.returncode == 1 and "est dans le dossier du site" in result.stderr, name
        assert not inside.exists() and not (tmp_path / "abonnes.db").exists()
    finally:
        inside_csv.unlink()


def test_the_service_purges_unconfirmed_requests_when_it_starts(site, mailbox, store, database_url, tmp_path):
    old = store.add_request("oubliee@exemple-purge.fr", ["secteur-1"], consent.CURRENT, 3,
                            now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=PENDING_DAYS, hours=1))
    service = Service(site, database_url, mailbox[1], tmp_path / "service.log", settings="pelicanconf_tests.py")
    try:
        assert store.request(old.id) is None  # gone before the first request was answered
    finally:
        service.stop()
    assert "demandes non confirmées effacées : 1" in service.logs()
    assert "exemple-purge" not in service.logs()
