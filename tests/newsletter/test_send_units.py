"""Sending, piece by piece: the SMTP address, TLS and login, the subscriber list, the pace,
the ledger, and the listmonk campaign."""

from __future__ import annotations

import base64
import html
import http.server
import json
import shutil
import ssl
import subprocess
import threading

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from building import REPO, free_port
from clairvoie.newsletter.render import Site, render
from clairvoie.newsletter.send import (
    Ledger, SendError, SmtpServer, SubscriberList, Subscriber, _Pacer, deliver, parse_smtp_url,
    read_subscribers,
)
from clairvoie.model.newsletter_issues import Store
from letters import SECTOR, Recorder, flat, parse, run_clairvoie_env

SITE = Site(url="https://www.villebrune-sur-lise.fr", name="Villebrune-sur-Lise", domain="villebrune-sur-lise.fr",
            sender="Ville de Villebrune-sur-Lise <lettre@villebrune-sur-lise.fr>",
            unsubscribe_url="https://www.villebrune-sur-lise.fr/desinscription/",
            unsubscribe_email="desinscription@villebrune-sur-lise.fr",
            template_dirs=(str(REPO / "themes/clairvoie/templates"),))


def demo_issue():
    """The demo city's sample issue (newsletters/ of the repository)."""
    return Store(str(REPO / "newsletters")).load_issue(SECTOR, 1)


def test_smtp_urls():
    assert parse_smtp_url("smtp://127.0.0.1:2525") == SmtpServer("127.0.0.1", 2525, None)
    assert parse_smtp_url("smtp+starttls://lettre%40ville.fr:p%3Ass@smtp.ville.fr") == SmtpServer(
        "smtp.ville.fr", 587, "starttls", "lettre@ville.fr", "p:ss")
    assert parse_smtp_url("smtps://u:p@smtp.ville.fr") == SmtpServer("smtp.ville.fr", 465, "tls", "u", "p")
    assert "p:ss" not in repr(parse_smtp_url("smtps://u:p%3Ass@h:465"))  # never printed
    for bad in ("http://smtp.ville.fr", "smtp://", "smtps://h:port"):
        with pytest.raises(SendError):
            parse_smtp_url(bad)


def test_subscriber_list(tmp_path):
    path = tmp_path / "abonnes.csv"
    path.write_text("\ufeffEmail,Sectors,Token\n"
                    "a@example.org,secteur-5;secteur-1,ta\n"
                    "A@Example.org,secteur-2,ta\n"  # the same person again: one copy, both sectors
                    "b@example.org,all,tb\n"
                    "not an address,secteur-5,tc\n"
                    "c@example.org,secteur-5,\n"
                    "d@example.org,,td\n"
                    "e@example.org,secteur-9,te\n"
                    ",,\n", encoding="utf-8")
    found = read_subscribers(str(path), ["secteur-1", "secteur-2", "secteur-5"])
    assert [s.email for s in found.subscribers] == ["a@example.org", "b@example.org", "e@example.org"]
    assert found.subscribers[0].sectors == ("secteur-5", "secteur-1", "secteur-2")
    assert found.subscribers[1].wants("secteur-3") and not found.subscribers[0].wants("secteur-3")
    assert [p.split(" :")[0] for p in found.problems] == ["ligne 5", "ligne 6", "ligne 7", "ligne 8"]
    assert "secteur inconnu secteur-9" in found.problems[-1]
    path.write_text("adresse;secteur\n", encoding="utf-8")
    with pytest.raises(SendError, match="email,sectors,token"):
        read_subscribers(str(path))


def test_pacer_spaces_messages():
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    pacer = _Pacer(4, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        pacer.wait()
    assert slept == [0.25] * 4
    unlimited = _Pacer(0, clock=lambda: 0.0, sleep=lambda s: pytest.fail("no pause"))
    unlimited.wait()
    unlimited.wait()


def test_ledger_ignores_a_line_cut_by_a_crash(tmp_path):
    (tmp_path / "delivered.txt").write_text("a@example.org\nB@example.org\nc@exam", encoding="utf-8")
    ledger = Ledger(str(tmp_path))
    assert ledger.delivered == {"a@example.org", "b@example.org"}
    assert ledger.done("b@EXAMPLE.org") and not ledger.done("c@example.org")


def _certificate(tmp_path):
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return key, cert


def _authenticator(server, session, envelope, mechanism, auth_data):
    good = (auth_data.login, auth_data.password) == (b"lettre@ville.fr", b"p@ss:w")
    return AuthResult(success=good, handled=False)  # handled=False: aiosmtpd answers 535


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("scheme", ["smtp+starttls", "smtps"])
def test_tls_and_login(tmp_path, monkeypatch, scheme):
    key, cert = _certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test certificate, as a CA would be
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    recorder = Recorder()
    port = free_port()
    options = {"auth_required": True, "authenticator": _authenticator}
    if scheme == "smtps":
        controller = Controller(recorder, hostname="127.0.0.1", port=port, ssl_context=context,
                                server_hostname="localhost", auth_require_tls=False, **options)
    else:
        controller = Controller(recorder, hostname="127.0.0.1", port=port, tls_context=context,
                                require_starttls=True, **options)
    controller.start()
    try:
        issue = demo_issue()
        audience = SubscriberList([Subscriber("a@example.org", "ta", (SECTOR,))], [])
        server = parse_smtp_url(f"{scheme}://lettre%40ville.fr:p%40ss%3Aw@localhost:{port}")
        report = deliver(issue, render(issue, SITE), SITE, audience, server=server,
                         ledger_root=str(tmp_path / "ledger"))
        assert report.complete and report.sent == ["a@example.org"]
        assert parse(recorder.messages[0].data)["Subject"] == issue.subject

        wrong = parse_smtp_url(f"{scheme}://lettre%40ville.fr:faux@localhost:{port}")
        refused = deliver(issue, render(issue, SITE), SITE, audience, server=wrong,
                          ledger_root=str(tmp_path / "other-ledger"))
        assert "refuse le compte ou le mot de passe" in refused.stopped and not refused.sent
    finally:
        controller.stop()


def test_server_that_drops_the_connection_midway(tmp_path, smtp):
    """A 421 (the server closes the connection): the address is tried again by the next run,
    the others are sent over a new connection."""
    recorder, url = smtp
    recorder.on_rcpt = lambda count, address: "421 4.3.2 Closing" if count == 2 else None
    issue = demo_issue()
    people = [Subscriber(f"p{n}@example.org", f"t{n}", (SECTOR,)) for n in range(4)]
    report = deliver(issue, render(issue, SITE), SITE, SubscriberList(people, []),
                     server=parse_smtp_url(url), ledger_root=str(tmp_path))
    assert report.sent == ["p0@example.org", "p2@example.org", "p3@example.org"]
    assert list(report.temporary) == ["p1@example.org"]
    assert len({m.peer for m in recorder.messages}) == 2  # one new connection after the drop
    recorder.on_rcpt = None
    again = deliver(issue, render(issue, SITE), SITE, SubscriberList(people, []),
                    server=parse_smtp_url(url), ledger_root=str(tmp_path))
    assert again.sent == ["p1@example.org"] and again.complete
    assert recorder.copies() == {p.email: 1 for p in people}


class _Listmonk(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers["Authorization"], json.loads(body)))
        answer = json.dumps({"data": {"id": 42, "status": "draft"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def test_listmonk_campaign(tmp_path):
    site = tmp_path / "site"
    for name in ("content", "sectors", "themes", "newsletters"):
        shutil.copytree(REPO / name, site / name)
    shutil.copy(REPO / "pelicanconf.py", site / "pelicanconf.py")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Listmonk)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {"CLAIRVOIE_LISTMONK_URL": f"http://127.0.0.1:{server.server_address[1]}",
           "CLAIRVOIE_LISTMONK_USER": "clairvoie", "CLAIRVOIE_LISTMONK_TOKEN": "jeton"}
    try:
        result = run_clairvoie_env(site, env, "newsletter", "listmonk", "--sector", SECTOR, "--lists", "3,4",
                                   "--template-id", "7", "--output", str(tmp_path / "campagne.json"), "--create")
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr
    assert "Campagne listmonk n° 42 créée en brouillon" in result.stdout
    [(path, authorization, campaign)] = _Listmonk.received
    assert path == "/api/campaigns"
    assert authorization == "Basic " + base64.b64encode(b"clairvoie:jeton").decode()
    assert campaign == json.loads((tmp_path / "campagne.json").read_text(encoding="utf-8"))
    issue = demo_issue()
    assert campaign["subject"] == issue.subject and campaign["lists"] == [3, 4] and campaign["template_id"] == 7
    assert campaign["content_type"] == "html" and campaign["type"] == "regular"
    for part in ("body", "altbody"):
        assert '{{ UnsubscribeURL }}' in campaign[part]
        assert "desinscription.invalid" not in campaign[part]
        assert '{{ ManageURL }}' in campaign[part] and "gerer.invalid" not in campaign[part]  # listmonk's own page
        words = flat(html.unescape(campaign[part]))
        assert all(flat(item.title) in words for item in issue.items)
    assert campaign["body"].startswith("<!DOCTYPE html>") and "<table" in campaign["body"]
