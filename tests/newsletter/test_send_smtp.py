"""``clairvoie newsletter send`` against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from building import DEMO_EPOCH
from clairvoie.newsletter.message import message_id
from clairvoie.model.newsletter_issues import issue_from_json
from letters import (
    AUDIENCE, SECTOR, SUBSCRIBERS, flat, item_strings, media_rules_only, parse, parts, read_html, send,
    stored_issue,
)

SITE_URL = "https://www.villebrune-sur-lise.fr"  # CLAIRVOIE_NEWSLETTER_SITEURL of the demo


def test_each_subscriber_of_the_sector_gets_one_complete_message(built_site, subscribers, smtp, tmp_path):
    recorder, url = smtp
    result = send(built_site, subscribers, url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert recorder.copies() == {address: 1 for address in AUDIENCE}
    assert "djamel@example.org" not in recorder.copies()  # subscribed to another sector
    assert "pas-une-adresse" in result.stdout  # the bad row is reported…
    assert "Messages envoyés : 7." in result.stdout  # …and the others went all the same
    assert len({m.peer for m in recorder.messages}) == 1  # one connection, reused

    issue = stored_issue(built_site)
    expected = [flat(s) for s in item_strings(issue, SITE_URL)]
    assert len(expected) > 40  # bad news, projects, works, meetings, articles
    ids = set()
    for received in recorder.messages:
        message = parse(received.data)
        [address] = received.rcpt_tos
        assert message["To"] == address
        assert message["Subject"] == issue["subject"]
        assert message["Subject"].startswith("Secteur 5 – Les Tilleuls : ")
        assert message["Date"] and message["From"] == "Ville de Villebrune-sur-Lise <lettre@villebrune-sur-lise.fr>"
        assert message["Content-Language"] == "fr"
        assert message["Reply-To"] == "secteur5@villebrune-sur-lise.fr"
        ids.add(message["Message-ID"])
        assert message["Message-ID"] == message_id(issue_from_json(issue), address, "villebrune-sur-lise.fr")

        # RFC 2369, 2919 and 8058.
        token = next(t for a, _, t in SUBSCRIBERS if a == address)
        unsubscribe = f"{SITE_URL}/desinscription/?token={token}&secteur={SECTOR}"
        assert message["List-Unsubscribe"] == (
            f"<{unsubscribe}>, <mailto:desinscription@villebrune-sur-lise.fr"
            f"?subject=desinscription%20{SECTOR}%20{token}>")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Id"] == f'"Lettre d\'information du Secteur 5 - Les Tilleuls" <{SECTOR}.lettres.villebrune-sur-lise.fr>'
        assert message["List-Archive"] == f"<{SITE_URL}/secteurs/{SECTOR}/lettres/>"
        raw_headers = received.data.split(b"\r\n\r\n", 1)[0]
        assert b"List-Unsubscribe: <https://" in raw_headers  # never an encoded word

        # Both parts carry the same items, facts and addresses.
        text, body = parts(message)
        page = read_html(body)
        seen_html, seen_text = flat(" ".join(page.words)), flat(text)
        for expected_string in expected:
            if expected_string.startswith(SITE_URL):
                assert expected_string in page.links, expected_string
            else:
                assert expected_string in seen_html, expected_string
            assert expected_string in seen_text, expected_string
        assert unsubscribe in page.links and unsubscribe in seen_text
        # No subscription service here (CLAIRVOIE_SUBSCRIPTIONS_URL unset): no page to manage a
        # subscription, so no link to one (tests/subscriptions/test_newsletter_send.py has it).
        assert "Gérer mon abonnement" not in text and "Gérer mon abonnement" not in body
        assert not [link for link in page.links if "/gerer" in link]

        # Images: absolute, with width, height and alternative text.
        assert page.images
        for image in page.images:
            assert image["src"].startswith(f"{SITE_URL}/photos/") and image["src"].endswith(".jpg")
            assert image["alt"] and image["width"].isdigit() and image["height"].isdigit()
        assert all(link.startswith(("https://", "mailto:")) for link in page.links)
    assert len(ids) == len(AUDIENCE)


def test_the_layout_does_not_depend_on_the_style_block(built_site, subscribers, tmp_path):
    result = send(built_site, subscribers, "smtp://127.0.0.1:9", "--dry-run", str(tmp_path / "eml"))
    assert result.returncode == 0, result.stderr
    message = parse(sorted((tmp_path / "eml").glob("*.eml"))[0].read_bytes())
    _, body = parts(message)
    # What is left in <style> (outside Outlook's conditional comment): @media rules only.
    visible = body.split("<!--[if mso]>")[0] + body.split("<![endif]-->", 1)[1]
    styles = [block.split(">", 1)[1].split("</style>")[0] for block in visible.split("<style")[1:]]
    assert styles and all(media_rules_only(css) for css in styles)
    # The main table is 600 px by its attributes, and fluid by its own inline style.
    main = body.split('id="lettre"')[0].rsplit("<table", 1)[1] + body.split('id="lettre"')[1].split(">", 1)[0]
    assert 'width="600"' in main and 'role="presentation"' in main
    assert 'cellpadding="0"' in main and 'cellspacing="0"' in main and 'border="0"' in main
    assert "max-width: 600px" in main and "width: 100%" in main
    # Every cell carries its own style (inlined): nothing waits for a stylesheet.
    inside = body.split('id="lettre"', 1)[1]
    cells = inside.count("<td")
    assert cells > 20 and inside.count("<td") == len([c for c in inside.split("<td")[1:] if "style=" in c.split(">", 1)[0]])
    # Outlook gets a fixed 600 px table around it.
    assert '<!--[if mso]><table role="presentation" align="center" width="600"' in body


def test_a_permanent_refusal_is_reported_and_the_others_are_delivered(built_site, subscribers, smtp, tmp_path):
    recorder, url = smtp
    recorder.refuse["emma@example.org"] = "550 5.1.1 Mailbox unavailable"
    result = send(built_site, subscribers, url)
    assert result.returncode == 1
    report = result.stdout[result.stdout.index("Messages envoyés"):]
    assert "refusées définitivement" in report and "emma@example.org : 550 5.1.1 Mailbox unavailable" in report
    assert recorder.copies() == {a: 1 for a in AUDIENCE if a != "emma@example.org"}
    # Run again: nobody gets a second copy, the refused address is not tried again, still reported.
    again = send(built_site, subscribers, url)
    assert again.returncode == 1
    assert "Messages envoyés : 0." in again.stdout and "Déjà reçus lors d'un envoi précédent (non renvoyés) : 6." in again.stdout
    assert "emma@example.org : 550" in again.stdout
    assert recorder.copies() == {a: 1 for a in AUDIENCE if a != "emma@example.org"}


def test_a_temporary_refusal_is_tried_again_by_the_next_run(built_site, subscribers, smtp):
    recorder, url = smtp
    recorder.refuse["gaelle@example.org"] = "451 4.3.0 Try again later"
    first = send(built_site, subscribers, url)
    assert first.returncode == 1 and "gaelle@example.org : 451" in first.stdout
    del recorder.refuse["gaelle@example.org"]
    second = send(built_site, subscribers, url)
    assert second.returncode == 0, second.stdout
    assert "Messages envoyés : 1." in second.stdout
    assert recorder.copies() == {a: 1 for a in AUDIENCE}


def test_a_send_killed_midway_and_started_again_delivers_the_rest_exactly_once(built_site, subscribers, smtp):
    recorder, url = smtp
    delivered_before_kill = 3
    env = {**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH, "CLAIRVOIE_SMTP_URL": url}
    command = [sys.executable, "-m", "clairvoie.cli", "newsletter", "send", "--sector", SECTOR,
               "--subscribers", str(subscribers), "--rate", "0"]
    process = subprocess.Popen(command, cwd=built_site, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)

    def kill_at_the_fourth(count, address):
        # The 3 first messages were accepted; the sender dies while asking for the 4th.
        if count == delivered_before_kill + 1:
            os.kill(process.pid, signal.SIGKILL)
            return "451 4.3.0 Going away"
        return None

    recorder.on_rcpt = kill_at_the_fourth
    process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL
    assert sum(recorder.copies().values()) == delivered_before_kill
    ledger = subscribers.parent / "lettres-envois" / SECTOR / "1" / "delivered.txt"
    assert len(ledger.read_text().splitlines()) == delivered_before_kill

    recorder.on_rcpt = None
    resumed = send(built_site, subscribers, url)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"Messages envoyés : {len(AUDIENCE) - delivered_before_kill}." in resumed.stdout
    assert recorder.copies() == {address: 1 for address in AUDIENCE}  # everyone, exactly once


def test_dry_run_writes_eml_files_and_sends_nothing(built_site, subscribers, smtp, tmp_path):
    recorder, url = smtp
    result = send(built_site, subscribers, url, "--dry-run", str(tmp_path / "eml"))
    assert result.returncode == 0, result.stderr
    files = sorted((tmp_path / "eml").glob("*.eml"))
    assert sorted(parse(f.read_bytes())["To"] for f in files) == sorted(AUDIENCE)
    assert recorder.messages == []
    assert not (subscribers.parent / "lettres-envois").exists()


def test_subscribers_and_credentials_never_come_from_the_repository(built_site, subscribers, smtp):
    _, url = smtp
    inside = built_site / "abonnes.csv"
    inside.write_bytes(subscribers.read_bytes())
    try:
        result = send(built_site, inside, url)
        assert result.returncode == 2 and "en dehors du dépôt" in result.stderr
    finally:
        inside.unlink()
    environ = {k: v for k, v in os.environ.items() if k != "CLAIRVOIE_SMTP_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "clairvoie.cli", "newsletter", "send", "--sector", SECTOR,
         "--subscribers", str(subscribers)],
        cwd=built_site, env={**environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH}, capture_output=True, text=True)
    assert result.returncode == 2 and "CLAIRVOIE_SMTP_URL" in result.stderr
    assert "Traceback" not in result.stderr

