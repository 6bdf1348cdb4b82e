"""The confirmation e-mails' server: a kept connection the server dropped is opened again; a
server that cannot be reached gets a French « 503 » and leaves no request behind."""

from __future__ import annotations

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from building import free_port
from clairvoie.subscribers.store import Store, requests_table
from service import Mailbox, Service


def stored_requests(database: str) -> int:
    store = Store(database, migrate=False)
    with store.engine.connect() as connection:
        count = connection.execute(sa.select(sa.func.count()).select_from(requests_table)).scalar_one()
    store.close()
    return count


def test_a_restarted_then_stopped_mail_server(site, tmp_path):
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    database = "sqlite:///" + str(tmp_path / "abonnes.db")
    service = Service(site, database, f"smtp://127.0.0.1:{port}", tmp_path / "service.log",
                      settings="pelicanconf_tests.py")
    try:
        assert service.sign_up("avant@exemple-smtp.fr", ["secteur-1"]).status == 303
        controller.stop()  # the server restarts: the service's kept connections are dropped
        controller = Controller(box, hostname="127.0.0.1", port=port)
        controller.start()
        for n in range(8):  # enough to meet the worker threads that kept a connection
            assert service.sign_up(f"apres.{n}@exemple-smtp.fr", ["secteur-1"]).status == 303
        assert all(len(box.to(f"apres.{n}@exemple-smtp.fr")) == 1 for n in range(8))
        controller.stop()
        controller = None
        down = service.sign_up("panne@exemple-smtp.fr", ["secteur-1"])
        assert down.status == 503 and "Votre demande n'a pas été gardée" in down.text
        assert stored_requests(database) == 9  # the one whose e-mail could not leave is not kept
    finally:
        service.stop()
        if controller is not None:
            controller.stop()
    assert "exemple-smtp" not in service.logs() and "SMTPServerDisconnected" not in service.logs()
