"""The subscription service over real HTTP, with real e-mails, on SQLite and PostgreSQL:
double opt-in, « Gérer mon abonnement », one-click unsubscribe, bad input and abuse, a load
of concurrent sign-ups, and logs without a single address."""

from __future__ import annotations

import datetime as dt
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import sqlalchemy as sa

from clairvoie.subscriptions import consent
from clairvoie.subscribers.store import Store, requests_table, subscribers_table
from service import SITE_ORIGIN, confirmation_link, path_of, text_of

SECTOR = "secteur-5"
PROJECT = "avenue-des-tilleuls-plantations"
USED: set[str] = set()  # every address this module gives the service: none may reach its logs
_counter = iter(range(1_000_000))
_counter_lock = threading.Lock()


def new_address(tag: str) -> str:
    with _counter_lock:
        address = f"{tag}.{next(_counter)}@exemple-{tag}.fr"
    USED.add(address)
    return address


@pytest.fixture(scope="module")
def store(service):
    opened = Store(service.database, migrate=False)
    yield opened
    opened.close()


def requests_for(store: Store, address: str) -> int:
    with store.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(requests_table)
                                  .where(requests_table.c.email_key == address.lower())).scalar_one()


def subscriber_rows(store: Store, address: str) -> list:
    with store.engine.connect() as connection:
        return connection.execute(sa.select(subscribers_table)
                                  .where(subscribers_table.c.email_key == address.lower())).all()


def confirm_by_mail(service, mailbox, address: str):
    link = confirmation_link(mailbox.to(address)[-1])
    token = parse_qs(urlsplit(link).query)["jeton"][0]
    return service.call("POST", "/confirmer", form={"jeton": token})


def links_in(page: str, path: str) -> list[str]:
    return [m.replace("&amp;", "&") for m in re.findall(rf'href="({path}\?[^"]+)"', page)]


def test_double_opt_in_then_manage_then_one_click_unsubscribe(service, mailbox, store):
    box, _ = mailbox
    form = service.call("GET", f"/inscription?secteur={SECTOR}")
    assert form.status == 200 and '<html lang="fr">' in form.text
    assert f'value="{SECTOR}" id="secteur-{SECTOR}" checked' in form.text
    assert consent.wording(consent.CURRENT, "Ville de Villebrune-sur-Lise") in form.text

    address = new_address("flux")
    answer = service.sign_up(address, [SECTOR], [PROJECT])
    assert answer.status == 303 and answer.location() == "envoye"
    sent_page = service.call("GET", "/envoye")
    assert sent_page.status == 200 and "Un courriel de confirmation vient de vous être envoyé" in sent_page.text
    assert subscriber_rows(store, address) == []  # nothing before the button is pressed

    [message] = box.to(address)
    assert message["Subject"] == "Confirmez votre inscription à la lettre d'information"
    assert "Secteur 5 – Les Tilleuls" in text_of(message)
    link = confirmation_link(message)
    page = service.call("GET", path_of(link))  # what a mail scanner does: it confirms nothing
    assert page.status == 200 and "Confirmer mon inscription</button>" in page.text
    assert subscriber_rows(store, address) == []

    token = parse_qs(urlsplit(link).query)["jeton"][0]
    confirmed = service.call("POST", "/confirmer", form={"jeton": token})
    assert confirmed.status == 200 and "Inscription confirmée" in confirmed.text
    [row] = subscriber_rows(store, address)
    assert row.lists == f"{SECTOR};projet:{PROJECT}"
    assert row.consent_version == consent.CURRENT and row.consent_at is not None
    again = service.call("POST", "/confirmer", form={"jeton": token})  # a replayed link
    assert again.status == 410 and "Ce lien n'est plus valable" in again.text
    assert len(subscriber_rows(store, address)) == 1

    [manage] = links_in(confirmed.text, "gerer")
    manage_page = service.call("GET", "/" + manage)
    assert manage_page.status == 200 and "Gérer mon abonnement" in manage_page.text
    assert f'value="{SECTOR}" id="secteur-{SECTOR}" checked' in manage_page.text
    signed = parse_qs(urlsplit(manage).query)["token"][0]
    changed = service.call("POST", "/gerer", form=[("token", signed), ("secteurs", "secteur-1"),
                                                   ("secteurs", SECTOR)])
    assert changed.status == 200 and "Modifications enregistrées" in changed.text
    assert subscriber_rows(store, address)[0].lists == f"secteur-1;{SECTOR}"

    # The letters' List-Unsubscribe URL: a GET shows a page and changes nothing...
    unsubscribe = "/desinscription?" + urlencode({"token": signed, "secteur": SECTOR})
    asked = service.call("GET", unsubscribe)
    assert asked.status == 200 and "Me désinscrire</button>" in asked.text
    assert "Secteur 5 – Les Tilleuls" in asked.text
    assert subscriber_rows(store, address)[0].lists == f"secteur-1;{SECTOR}"
    # ... RFC 8058's one-click POST acts at once.
    done = service.call("POST", unsubscribe, form={"List-Unsubscribe": "One-Click"})
    assert done.status == 200 and "Vous êtes désinscrit" in done.text
    assert subscriber_rows(store, address)[0].lists == "secteur-1"
    last = service.call("POST", "/desinscription?" + urlencode({"token": signed, "secteur": "secteur-1"}),
                        form={"List-Unsubscribe": "One-Click"})
    assert last.status == 200
    assert subscriber_rows(store, address) == []  # the last list gone, the address is erased
    gone = service.call("GET", "/" + manage)
    assert gone.status == 410 and "Vous n'êtes plus inscrit" in gone.text


def test_leaving_everything_from_the_manage_page_erases_the_address(service, mailbox, store):
    box, _ = mailbox
    address = new_address("quitte")
    assert service.sign_up(address, ["secteur-2"]).status == 303
    confirmed = confirm_by_mail(service, box, address)
    [manage] = links_in(confirmed.text, "gerer")
    signed = parse_qs(urlsplit(manage).query)["token"][0]
    left = service.call("POST", "/gerer", form={"token": signed, "action": "quitter"})
    assert left.status == 200 and "votre adresse a été effacée" in left.text
    assert subscriber_rows(store, address) == []


BAD_SIGN_UPS = {
    # case: (form fields beyond the address, headers, status, French words on the page)
    "adresse invalide": ({"email": "pas-une-adresse", "secteurs": SECTOR}, {}, 422,
                         "Cette adresse électronique n'est pas valable"),
    "secteur inconnu": ({"secteurs": "secteur-99"}, {}, 422, "Ce secteur ou ce projet n'existe pas"),
    "projet inconnu": ({"projets": "projet-qui-n-existe-pas"}, {}, 422, "Ce secteur ou ce projet n'existe pas"),
    "rien choisi": ({}, {}, 422, "Choisissez au moins un secteur ou un projet"),
    "version d'accord inconnue": ({"secteurs": SECTOR, "consentement": "1999-01"}, {}, 422,
                                  "Le texte d'accord de ce formulaire n'est pas reconnu"),
    "piège rempli": ({"secteurs": SECTOR, "site_web": "http://spam.example"}, {}, 400,
                     "Un champ qui doit rester vide a été rempli"),
    "trop vite": ({"secteurs": SECTOR, "duree": "350"}, {}, 400, "envoyé trop vite"),
    "autre site": ({"secteurs": SECTOR}, {"Origin": "https://autre-site.example"}, 403,
                   "depuis un autre site"),
}


@pytest.mark.parametrize("case", sorted(BAD_SIGN_UPS))
def test_bad_sign_ups_are_refused_in_french_and_leave_nothing(case, service, mailbox, store):
    box, _ = mailbox
    fields, headers, status, words = BAD_SIGN_UPS[case]
    address = new_address("refus")
    form = {"email": address, **fields}
    before = box.count()
    answer = service.call("POST", "/inscription", form=form, headers=headers)
    assert answer.status == status, answer.text
    assert words in answer.text
    assert '<html lang="fr">' in answer.text and "<title>Erreur : " in answer.text
    assert box.count() == before and requests_for(store, address) == 0


def test_a_body_that_is_no_form_is_refused(service, store):
    answer = service.call("POST", "/inscription", raw=b'{"email": "x@y.fr"}',
                          headers={"Content-Type": "application/json"})
    assert answer.status == 400 and "illisible" in answer.text


def test_a_person_s_pace_and_the_site_s_own_origin_are_accepted(service, mailbox, store):
    address = new_address("origine")
    answer = service.call("POST", "/inscription", form={"email": address, "secteurs": SECTOR, "duree": "4200"},
                          headers={"Origin": SITE_ORIGIN})
    assert answer.status == 303 and requests_for(store, address) == 1


def test_a_failed_form_keeps_what_was_typed_and_says_where_the_error_is(service):
    answer = service.call("POST", "/inscription", form={"email": "pas-une-adresse", "secteurs": SECTOR})
    assert 'value="pas-une-adresse"' in answer.text and 'aria-invalid="true"' in answer.text
    assert 'role="alert"' in answer.text
    assert f'value="{SECTOR}" id="secteur-{SECTOR}" checked' in answer.text


def test_forged_expired_and_purged_links(service, mailbox, store):
    box, _ = mailbox
    address = new_address("jeton")
    assert service.sign_up(address, [SECTOR]).status == 303
    token = parse_qs(urlsplit(confirmation_link(box.to(address)[-1])).query)["jeton"][0]
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    for answer in (service.call("GET", "/confirmer?" + urlencode({"jeton": forged})),
                   service.call("POST", "/confirmer", form={"jeton": forged}),
                   service.call("GET", "/confirmer?jeton=n-importe-quoi"),
                   service.call("GET", "/gerer?token=n-importe-quoi"),
                   service.call("POST", "/desinscription?token=n-importe-quoi", form={"List-Unsubscribe": "One-Click"})):
        assert answer.status == 404 and "Lien inconnu" in answer.text
    # Eight days later, the link has expired (and the purge erases the request).
    eight_days_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=8)
    with store.engine.begin() as connection:
        connection.execute(sa.update(requests_table).where(requests_table.c.email_key == address)
                           .values(created_at=eight_days_ago))
    assert service.call("GET", "/confirmer?" + urlencode({"jeton": token})).status == 410
    expired = service.call("POST", "/confirmer", form={"jeton": token})
    assert expired.status == 410 and "il a expiré" in expired.text
    assert store.purge() >= 1 and requests_for(store, address) == 0
    assert service.call("POST", "/confirmer", form={"jeton": token}).status == 410
    assert subscriber_rows(store, address) == []


def test_the_same_answer_whether_an_address_is_known_or_not(service, mailbox, store):
    box, _ = mailbox
    known = new_address("connue")
    assert service.sign_up(known, [SECTOR]).status == 303
    assert confirm_by_mail(service, box, known).status == 200
    unknown = new_address("inconnue")
    answers = [service.sign_up(address, [SECTOR]) for address in (known, unknown)]
    assert [(a.status, a.location(), a.text) for a in answers] == [(303, "envoye", "")] * 2
    # Asked too often in a day: still the same answer, but no more e-mail (nobody is flooded).
    for _ in range(5):
        assert service.sign_up(unknown, [SECTOR]).status == 303
    assert len(box.to(unknown)) == 3 and requests_for(store, unknown) == 3


def test_500_sign_ups_by_20_clients_end_with_each_confirmed_address_once(service, mailbox, store):
    box, _ = mailbox
    addresses = [new_address("charge") for _ in range(450)]
    twice = addresses[:50]  # these sign up twice, for two sectors, and confirm both
    jobs = [(a, "secteur-1") for a in addresses] + [(a, "secteur-3") for a in twice]
    assert len(jobs) == 500
    with ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(lambda job: service.sign_up(job[0], [job[1]]).status, jobs))
    assert statuses == [303] * 500
    links = [confirmation_link(m) for a in addresses for m in box.to(a)]
    assert len(links) == 500
    tokens = [parse_qs(urlsplit(link).query)["jeton"][0] for link in links]
    # Each link confirmed twice at once (a double click): one press counts, the other is told so.
    with ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(lambda t: service.call("POST", "/confirmer", form={"jeton": t}).status,
                                 tokens + tokens))
    assert sorted(statuses) == [200] * 500 + [410] * 500
    with store.engine.connect() as connection:
        rows = connection.execute(sa.select(subscribers_table.c.email_key, subscribers_table.c.lists)
                                  .where(subscribers_table.c.email_key.like("charge.%"))).all()
    assert sorted(key for key, _ in rows) == sorted(a.lower() for a in addresses)
    lists = dict(rows)
    assert all(set(lists[a.lower()].split(";")) == {"secteur-1", "secteur-3"} for a in twice)
    assert all(lists[a.lower()] == "secteur-1" for a in addresses[50:])


def test_no_address_in_the_service_s_logs(service):
    logs = service.logs()
    assert "POST /inscription 303" in logs and "POST /confirmer 200" in logs  # the logs were read
    assert USED and not [address for address in USED if address.lower() in logs.lower()]
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.-]+", logs)
