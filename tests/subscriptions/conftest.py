"""The subscription service on a copy of the demo city, a real SMTP server on loopback
(aiosmtpd), SQLite always and Debian's PostgreSQL when the tests run as root."""

from __future__ import annotations

import os

import pytest
from aiosmtpd.controller import Controller

from building import copy_demo_site, free_port
from service import Mailbox, PostgresCluster, Service, postgresql_unavailable

# Sign-ups one client may make in ten minutes, for the services most tests share: every
# request of a test comes from 127.0.0.1 (test_limits.py keeps the default).
GENEROUS_LIMIT = 5000


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """A copy of the demo city, with a second settings file whose client limit lets the
    tests (all on 127.0.0.1) make many sign-ups."""
    root = copy_demo_site(tmp_path_factory.mktemp("abonnements") / "site")
    text = (root / "pelicanconf.py").read_text(encoding="utf-8")
    (root / "pelicanconf_tests.py").write_text(
        text + f"\nCLAIRVOIE_SUBSCRIPTIONS_CLIENT_LIMIT = {GENEROUS_LIMIT}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def mailbox():
    """(mailbox, "smtp://127.0.0.1:<port>"): one real SMTP server for the session."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield box, f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def postgresql():
    reason = postgresql_unavailable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL doit être essayé en intégration continue : {reason}")
        pytest.skip(reason)
    cluster = PostgresCluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A new, empty database for the module: a SQLite file, or one in Debian's PostgreSQL."""
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("base") / "abonnes.db")
        return
    cluster = request.getfixturevalue("postgresql")
    name, url = cluster.new_database()
    try:
        yield url
    finally:
        cluster.drop(name)


@pytest.fixture(scope="module")
def service(site, mailbox, database_url, tmp_path_factory):
    """The service, started by its real command, on the module's database."""
    running = Service(site, database_url, mailbox[1], tmp_path_factory.mktemp("journal") / "service.log",
                      settings="pelicanconf_tests.py")
    try:
        yield running
    finally:
        running.stop()
