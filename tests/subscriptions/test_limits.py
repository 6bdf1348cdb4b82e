"""The service's default limits (the demo's settings): a burst from one client gets « 429 »
with a French page, and what was accepted before it is stored whole."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from clairvoie.settings import ClairvoieSettings
from clairvoie.subscribers.store import Store, requests_table
from service import Service


def test_a_burst_of_200_sign_ups_from_one_client_is_stopped_with_429(site, mailbox, tmp_path):
    box, smtp_url = mailbox
    database = "sqlite:///" + str(tmp_path / "abonnes.db")
    service = Service(site, database, smtp_url, tmp_path / "service.log")  # pelicanconf.py: default limits
    try:
        addresses = [f"rafale.{n}@exemple-rafale.fr" for n in range(200)]
        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(lambda a: service.sign_up(a, ["secteur-2"]), addresses))
        limit = ClairvoieSettings().subscriptions_client_limit
        accepted = [a for a, answer in zip(addresses, answers) if answer.status == 303]
        refused = [answer for answer in answers if answer.status == 429]
        assert len(accepted) == limit and len(refused) == 200 - limit
        assert all("Trop de demandes" in r.text and "Attendez quelques minutes" in r.text for r in refused)
        assert all(r.headers.get("retry-after") == "600" for r in refused)
        # Every accepted request is stored and its e-mail sent; none of the refused ones.
        store = Store(database, migrate=False)
        with store.engine.connect() as connection:
            stored = connection.execute(sa.select(requests_table.c.email_key)).scalars().all()
        store.close()
        assert sorted(stored) == sorted(accepted)
        assert sorted(a for a in addresses if box.to(a)) == sorted(accepted)
        assert all(len(box.to(a)) == 1 for a in accepted)
        # Other pages keep answering the same client (their own, larger limit).
        assert service.call("GET", "/inscription").status == 200
    finally:
        service.stop()
    assert "rafale" not in service.logs()
