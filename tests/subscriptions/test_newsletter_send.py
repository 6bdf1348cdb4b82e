"""``newsletter send --subscribers sqlite:///…|postgresql://…``: the letter reaches the service's
confirmed subscribers, its « Gérer mon abonnement » link opens the subscriber's own page on the
service, its List-Unsubscribe URL is the service's and answers a one-click POST, the ledger (in
that database) stops a second send, and an address that left gets nothing more."""

from __future__ import annotations

import email
import email.policy
import os
import re
import secrets
import subprocess
import sys

import pytest
import sqlalchemy as sa

from building import DEMO_EPOCH, free_port, run_clairvoie
from clairvoie.subscribers.store import Store, deliveries_table, subscribers_table
from service import Service, path_of
from test_service import confirm_by_mail, links_in

SECTOR = "secteur-5"  # its first letter has news (tests/newsletter/letters.py)


@pytest.fixture(scope="module")
def sending(site, mailbox, database_url, tmp_path_factory):
    """The service at the address the settings give (CLAIRVOIE_SUBSCRIPTIONS_URL), the
    sector's letter built, and a way to run « newsletter send » on its database."""
    port = free_port()
    text = (site / "pelicanconf_tests.py").read_text(encoding="utf-8")
    (site / "pelicanconf_envoi.py").write_text(
        text + f'\nCLAIRVOIE_SUBSCRIPTIONS_URL = "http://127.0.0.1:{port}/"\n', encoding="utf-8")
    built = run_clairvoie(site, "-s", "pelicanconf_envoi.py", "newsletter", "build", "--sector", SECTOR)
    assert built.returncode == 0, built.stderr
    service = Service(site, database_url, mailbox[1], tmp_path_factory.mktemp("journal") / "service.log",
                      settings="pelicanconf_envoi.py", port=port)

    def send() -> subprocess.CompletedProcess:
        env = {**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH, "CLAIRVOIE_SMTP_URL": mailbox[1]}
        return subprocess.run([sys.executable, "-m", "clairvoie.cli", "-s", "pelicanconf_envoi.py", "newsletter",
                               "send", "--sector", SECTOR, "--subscribers", database_url, "--rate", "0"],
                              cwd=site, env=env, capture_output=True, text=True, timeout=300)

    try:
        yield service, send
    finally:
        service.stop()


def letters_to(box, address: str) -> list:
    return [m for m in box.to(address) if m["List-Id"]]


def test_the_service_s_subscribers_get_the_letter_once_and_leave_in_one_click(sending, mailbox, site, database_url):
    service, send = sending
    box, _ = mailbox
    tag = secrets.token_hex(3)  # the mailbox serves both databases' runs
    leaving, staying, elsewhere, unconfirmed = (f"{who}.{tag}@exemple-envoi.fr"
                                                for who in ("partira", "restera", "ailleurs", "jamais"))
    for address, sector in ((leaving, SECTOR), (staying, SECTOR), (elsewhere, "secteur-1")):
        assert service.sign_up(address, [sector]).status == 303
        assert confirm_by_mail(service, box, address).status == 200
    service.sign_up(unconfirmed, [SECTOR])  # never confirmed: gets nothing

    first = send()
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Messages envoyés : 2." in first.stdout and "registre : la base des abonnés" in first.stdout
    [letter] = letters_to(box, leaving)
    assert len(letters_to(box, staying)) == 1
    assert letters_to(box, elsewhere) == [] and letters_to(box, unconfirmed) == []
    assert letter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.match(r"<([^>]+)>", letter["List-Unsubscribe"]).group(1)
    assert unsubscribe.startswith(f"{service.base}/desinscription?token=") and f"secteur={SECTOR}" in unsubscribe

    # « Gérer mon abonnement », in both parts of the letter: the subscriber's own page.
    html_part = letter.get_body(("html",)).get_content()
    text_part = letter.get_body(("plain",)).get_content().replace("\r\n", "\n")
    [manage] = links_in(html_part, f"{re.escape(service.base)}/gerer")
    assert re.search(rf'href="{re.escape(manage)}"[^>]*>Gérer mon abonnement</a>', html_part.replace("&amp;", "&"))
    assert f"Gérer mon abonnement (choisir ses lettres, ou les quitter toutes) :\n{manage}\n" in text_part
    [other] = links_in(letters_to(box, staying)[0].get_body(("html",)).get_content(), f"{re.escape(service.base)}/gerer")
    assert other != manage  # each subscriber's own link
    page = service.call("GET", path_of(manage))
    assert page.status == 200 and "Gérer mon abonnement" in page.text
    assert f'value="{SECTOR}" id="secteur-{SECTOR}" checked' in page.text

    # The mail client's one-click button (RFC 8058): the address leaves at once.
    clicked = service.call("POST", path_of(unsubscribe), raw=b"List-Unsubscribe=One-Click",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert clicked.status == 200 and "Vous êtes désinscrit" in clicked.text
    store = Store(database_url, migrate=False)
    with store.engine.connect() as connection:
        keys = connection.execute(sa.select(subscribers_table.c.email_key)).scalars().all()
        ledger = connection.execute(sa.select(deliveries_table.c.address_hash, deliveries_table.c.list_id)).all()
    store.close()
    assert leaving not in keys and staying in keys
    assert len(ledger) == 2 and not [row for row in ledger if "@" in row.address_hash]  # hashes, not addresses

    second = send()  # the same letter again: the ledger says it was delivered, the one who left is gone
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Messages envoyés : 0." in second.stdout and "Déjà reçus lors d'un envoi précédent (non renvoyés) : 1." in second.stdout
    assert len(letters_to(box, leaving)) == 1 and len(letters_to(box, staying)) == 1

    built = run_clairvoie(site, "-s", "pelicanconf_envoi.py", "newsletter", "build", "--sector", SECTOR, "--force")
    assert built.returncode == 0, built.stderr
    third = send()  # the next letter: the one who stayed gets it, the one who left nothing more
    assert third.returncode == 0, third.stdout + third.stderr
    assert "Messages envoyés : 1." in third.stdout
    assert len(letters_to(box, staying)) == 2 and len(letters_to(box, leaving)) == 1


def test_a_sqlite_database_inside_the_site_is_refused(site):
    inside = "sqlite:///" + str(site / "abonnes.db")
    result = run_clairvoie(site, "newsletter", "send", "--sector", SECTOR, "--subscribers", inside, "--dry-run",
                           str(site.parent / "essai"))
    assert result.returncode == 2 and "est dans le dossier du site" in result.stdout + result.stderr
