"""Helpers of the subscription service's tests: a mailbox (real SMTP), the service in its own
process (the real command), plain HTTP, and a throwaway PostgreSQL database."""

from __future__ import annotations

import email
import html
import email.policy
import http.client
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from building import DEMO_EPOCH, free_port

SITE_ORIGIN = "https://www.villebrune-sur-lise.fr"  # the demo's CLAIRVOIE_NEWSLETTER_SITEURL


@dataclass
class Mailbox:
    """An aiosmtpd handler keeping every message it is given."""

    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self.lock:
            found = [data for rcpts, data in self.messages if address.lower() in [r.lower() for r in rcpts]]
        return [email.message_from_bytes(data, policy=email.policy.default) for data in found]

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def confirmation_link(message) -> str:
    return re.search(r"(http://\S+/confirmer\?jeton=\S+)", text_of(message)).group(1)


@dataclass
class Answer:
    status: int
    headers: dict
    body: str

    @property
    def text(self) -> str:
        """The page as read: entities (&#39;…) decoded."""
        return html.unescape(self.body)

    def location(self) -> str:
        return self.headers.get("location", "")


def call(base: str, method: str, path: str, form: dict | list | None = None,
         headers: dict | None = None, raw: bytes | None = None) -> Answer:
    """One HTTP request, redirects not followed (a 303 is what is tested)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    body = raw
    headers = dict(headers or {})
    if form is not None:
        body = urlencode(form, doseq=True).encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()},
                      response.read().decode("utf-8", "replace"))
    finally:
        connection.close()


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Service:
    """``clairvoie abonnements serve`` in its own process, its logs kept in a file."""

    def __init__(self, site: Path, database: str, smtp_url: str, log: Path, settings: str = "pelicanconf.py",
                 environ: dict | None = None, port: int | None = None):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.database = database
        self.stream = open(log, "ab")
        env = {k: v for k, v in os.environ.items() if k != "CLAIRVOIE_SUBSCRIPTIONS_SECRET"}
        env.update({"SOURCE_DATE_EPOCH": DEMO_EPOCH, "CLAIRVOIE_SMTP_URL": smtp_url, **(environ or {})})
        self.process = subprocess.Popen(
            [sys.executable, "-m", "clairvoie.cli", "-s", settings, "abonnements", "serve",
             "--host", "127.0.0.1", "--port", str(self.port), "--database", database],
            cwd=site, env=env, stdout=self.stream, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("le service s'est arrêté : " + log.read_text(encoding="utf-8", errors="replace"))
            try:
                if call(self.base, "GET", "/sante").status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("le service n'a pas démarré : " + log.read_text(encoding="utf-8", errors="replace"))

    def call(self, method: str, path: str, **kwargs) -> Answer:
        return call(self.base, method, path, **kwargs)

    def sign_up(self, address: str, sectors=(), projects=(), **extra) -> Answer:
        form = [("email", address)] + [("secteurs", s) for s in sectors] + [("projets", p) for p in projects]
        form += list(extra.items())
        return self.call("POST", "/inscription", form=form)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.stream.close()

    def logs(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


# --- PostgreSQL ---------------------------------------------------------------------------------
def postgresql_unavailable() -> str:
    """Why a real PostgreSQL cannot be had here ("" when it can): Debian's package, as root."""
    if shutil.which("pg_ctlcluster") is None or shutil.which("pg_lsclusters") is None:
        return "PostgreSQL n'est pas installé (paquet Debian postgresql : make debian-packages)"
    if os.geteuid() != 0:
        return "il faut être root pour démarrer le serveur PostgreSQL de Debian"
    return ""


def _as_postgres(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", "postgres", "--", *command], capture_output=True, text=True,
                          timeout=60, cwd="/")


class PostgresCluster:
    """Debian's cluster, started if it was down (and stopped again afterwards then), where each
    test module gets a throwaway database and role."""

    def __init__(self):
        clusters = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True,
                                  check=True).stdout.split()
        if not clusters:
            versions = sorted(os.listdir("/usr/lib/postgresql"), key=int)
            subprocess.run(["pg_createcluster", versions[-1], "main"], check=True, capture_output=True)
            clusters = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True,
                                      check=True).stdout.split()
        self.version, self.cluster, port, status = clusters[0], clusters[1], clusters[2], clusters[3]
        self.started_here = status != "online"
        if self.started_here:
            subprocess.run(["pg_ctlcluster", self.version, self.cluster, "start"], check=True, capture_output=True)
        self.port = port

    def new_database(self) -> tuple[str, str]:
        """(name, URL) of a new, empty database owned by a new role."""
        name = "clairvoie_test_" + secrets.token_hex(4)
        password = secrets.token_hex(12)
        for sql in (f"CREATE ROLE {name} LOGIN PASSWORD '{password}'", f"CREATE DATABASE {name} OWNER {name}"):
            result = _as_postgres("psql", "-p", self.port, "-v", "ON_ERROR_STOP=1", "-c", sql)
            assert result.returncode == 0, result.stderr
        return name, f"postgresql://{name}:{password}@127.0.0.1:{self.port}/{name}"

    def drop(self, name: str) -> None:
        for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"DROP ROLE IF EXISTS {name}"):
            _as_postgres("psql", "-p", self.port, "-c", sql)

    def stop(self) -> None:
        if self.started_here:
            subprocess.run(["pg_ctlcluster", self.version, self.cluster, "stop"], capture_output=True)
