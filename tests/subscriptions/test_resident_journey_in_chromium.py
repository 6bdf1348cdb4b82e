"""Issue 21's acceptance, end to end, on SQLite and on PostgreSQL: on the demo site, built with
CLAIRVOIE_SUBSCRIPTIONS_URL pointing at the service this module starts on loopback and served
locally, a resident fills the form of a sector page in Chromium; the confirmation reaches a real
SMTP server (aiosmtpd), read with Python's e-mail parser; its link is opened in the browser and
the button pressed; « clairvoie newsletter send --subscribers <database URL> » (the real
command) delivers the sector's letter; its List-Unsubscribe URL answers RFC 8058's one-click
POST; the sends after it reach no one. And the site built again afterwards holds neither the
address nor its personal token, nor do the service's logs."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
import yaml

from building import DEMO_EPOCH, copy_demo_site, free_port, run_clairvoie, run_pelican, serve
from clairvoie.subscribers.store import Store, subscribers_table
from service import Service, confirmation_link, path_of

pytestmark = pytest.mark.browser
SECTOR = "secteur-5"  # its first letter has news (tests/newsletter/letters.py)
SETTINGS = "pelicanconf_parcours.py"


@pytest.fixture(scope="module")
def journey_site(tmp_path_factory):
    """(site root, built output, service port): a copy of the demo whose settings point the
    forms and the letters at a service on a loopback port, built once, its letter prepared."""
    root = copy_demo_site(tmp_path_factory.mktemp("parcours") / "site")
    port = free_port()
    text = (root / "pelicanconf.py").read_text(encoding="utf-8")
    (root / SETTINGS).write_text(text + f'\nCLAIRVOIE_SUBSCRIPTIONS_URL = "http://127.0.0.1:{port}/"\n', encoding="utf-8")
    output = root.parent / "output"
    built = run_pelican(root, output, settings=SETTINGS)
    assert built.returncode == 0, built.stderr
    letter = run_clairvoie(root, "-s", SETTINGS, "newsletter", "build", "--sector", SECTOR)
    assert letter.returncode == 0, letter.stderr
    return root, output, port


@pytest.fixture(scope="module")
def journey_service(journey_site, mailbox, database_url, tmp_path_factory):
    """The service on the port the site was built with, on this run's database."""
    root, _, port = journey_site
    running = Service(root, database_url, mailbox[1], tmp_path_factory.mktemp("journal") / "service.log",
                      settings=SETTINGS, port=port)
    try:
        yield running
    finally:
        running.stop()


def send_letter(root, database_url: str, smtp_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH, "CLAIRVOIE_SMTP_URL": smtp_url}
    return subprocess.run([sys.executable, "-m", "clairvoie.cli", "-s", SETTINGS, "newsletter", "send",
                           "--sector", SECTOR, "--subscribers", database_url, "--rate", "0"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)


def one_click(url: str) -> http.client.HTTPResponse:
    """What a mail provider's « Se désabonner » button does (RFC 8058 §3.1): a POST to the
    List-Unsubscribe URL, with exactly this body, no cookie, no redirect followed."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("POST", path_of(url), body=b"List-Unsubscribe=One-Click",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.body = response.read().decode("utf-8")
    connection.close()
    return response


def subscriber_rows(database_url: str, address: str) -> list:
    store = Store(database_url, migrate=False)
    try:
        with store.engine.connect() as connection:
            return connection.execute(sa.select(subscribers_table)
                                      .where(subscribers_table.c.email_key == address.lower())).all()
    finally:
        store.close()


def test_a_resident_signs_up_on_a_sector_page_gets_the_letter_and_leaves_in_one_click(
        browser, journey_site, journey_service, mailbox, database_url):
    root, output, _ = journey_site
    box, smtp_url = mailbox
    address = f"habitante.{secrets.token_hex(4)}@exemple-parcours.fr"
    sector_name = yaml.safe_load((root / "sectors" / f"{SECTOR}.yaml").read_text(encoding="utf-8"))["name"]

    with serve(output) as site_url:
        page = browser.new_page()
        page.goto(f"{site_url}/secteurs/{SECTOR}/")
        form = page.locator("form.signup")
        assert form.get_attribute("action") == f"{journey_service.base}/inscription"
        assert form.locator(f"input[name=secteurs][value={SECTOR}]").is_checked()  # its own sector ticked
        form.locator("input[name=email]").fill(address)
        page.wait_for_timeout(2100)  # a person's pace: the script times the filling
        form.locator("button[type=submit]").click()
        page.wait_for_url(f"{journey_service.base}/envoye")
        assert "Un courriel de confirmation vient de vous être envoyé" in page.inner_text("main")
        assert subscriber_rows(database_url, address) == []  # nothing before the button

        [confirmation] = box.to(address)  # parsed by Python's e-mail parser (service.Mailbox)
        assert confirmation["Subject"] == "Confirmez votre inscription à la lettre d'information"
        link = confirmation_link(confirmation)
        assert link.startswith(f"{journey_service.base}/confirmer?jeton=")
        page.goto(link)
        assert subscriber_rows(database_url, address) == []  # opening the link confirms nothing
        page.click("button:has-text('Confirmer mon inscription')")
        assert "Inscription confirmée" in page.inner_text("h1")
        assert sector_name in page.inner_text("main")
        page.close()
    [row] = subscriber_rows(database_url, address)
    assert row.lists == SECTOR
    personal = row.token  # what her links are made from

    first = send_letter(root, database_url, smtp_url)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Messages envoyés : 1." in first.stdout
    [letter] = [m for m in box.to(address) if m["List-Id"]]
    assert SECTOR in letter["List-Id"]
    assert letter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.match(r"<([^>]+)>", letter["List-Unsubscribe"]).group(1)
    assert unsubscribe.startswith(f"{journey_service.base}/desinscription?")
    token = parse_qs(urlsplit(unsubscribe).query)["token"][0]

    # The letter's link, opened in a browser: a page that asks first, and leads to « Gérer mon
    # abonnement » with her sector ticked; neither changes anything.
    page = browser.new_page()
    page.goto(unsubscribe)
    assert page.is_visible("button:has-text('Me désinscrire')")
    page.click("a:has-text('Changer plutôt les secteurs')")
    assert "Gérer mon abonnement" in page.inner_text("h1")
    assert page.is_checked(f"#secteur-{SECTOR}")
    page.close()
    assert [r.lists for r in subscriber_rows(database_url, address)] == [SECTOR]

    clicked = one_click(unsubscribe)
    assert clicked.status == 200 and "Vous êtes désinscrit" in clicked.body
    assert subscriber_rows(database_url, address) == []  # its only list left: the address erased

    delivered = box.count()
    second = send_letter(root, database_url, smtp_url)  # the same letter again
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Messages envoyés : 0." in second.stdout
    rebuilt = run_clairvoie(root, "-s", SETTINGS, "newsletter", "build", "--sector", SECTOR, "--force")
    assert rebuilt.returncode == 0, rebuilt.stderr
    third = send_letter(root, database_url, smtp_url)  # a new letter: the ledger cannot be what stops it
    assert third.returncode == 0, third.stdout + third.stderr
    assert "Messages envoyés : 0." in third.stdout
    assert box.count() == delivered

    # The site built again, with the letters now sent, and the service's logs: no trace of her.
    again = run_pelican(root, output, settings=SETTINGS)
    assert again.returncode == 0, again.stderr
    traces = [str(path.relative_to(output)) for path in output.rglob("*") if path.is_file()
              and any(secret.encode() in path.read_bytes() for secret in (address, personal, token))]
    assert traces == []
    assert list(output.rglob("*.html")) and (output / "secteurs" / SECTOR / "index.html").is_file()
    logs = journey_service.logs()
    assert "POST /inscription 303" in logs and "POST /desinscription 200" in logs  # the logs were read
    assert not [secret for secret in (address, personal, token) if secret in logs]
