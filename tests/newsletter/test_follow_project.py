"""Following one project: ``projet:<id>`` in the subscribers' column brings the project's own
letter, over real SMTP (aiosmtpd), to those who do not get its news from one of its sectors."""

from __future__ import annotations

import datetime as dt

import pytest

from clairvoie.model.newsletter_issues import Issue
from clairvoie.newsletter.send import Subscriber, read_subscribers
from letters import flat, item_strings, parse, parts, read_html, run_clairvoie_env, stored_issue

SITE_URL = "https://www.villebrune-sur-lise.fr"
PISCINE = "piscine-municipale-vestiaires"  # in secteur-5: suspended, and an order withdrawn
VOIE_VERTE = "voie-verte-des-pres"
FOLLOWERS = [
    ("ines@example.org", f"secteur-1;projet:{PISCINE}", "tok-ines"),  # a project of another sector
    ("jules@example.org", f"projet:{PISCINE}", "tok-jules"),  # the project alone
    ("karim@example.org", f"secteur-5;projet:{PISCINE}", "tok-karim"),  # its sector tells it already
    ("lea@example.org", f"all;projet:{VOIE_VERTE}", "tok-lea"),  # every sector tells it already
    ("marc@example.org", f"projet:{VOIE_VERTE};projet:{PISCINE}", "tok-marc"),  # two projects
    ("nina@example.org", "projet:pas-un-projet", "tok-nina"),  # line 7: reported
]


@pytest.fixture
def followers(tmp_path):
    folder = tmp_path / "prive"
    folder.mkdir()
    path = folder / "abonnes.csv"
    path.write_text("\n".join(["email,sectors,token"] + [",".join(row) for row in FOLLOWERS]) + "\n",
                    encoding="utf-8")
    return path


def send(site, subscribers, smtp_url: str, *which: str):
    return run_clairvoie_env(site, {"CLAIRVOIE_SMTP_URL": smtp_url}, "newsletter", "send", *which,
                             "--subscribers", str(subscribers), "--rate", "0")


def project_issue(site, project_id: str) -> dict:
    return stored_issue(site, f"projets/{project_id}")


def test_an_unknown_project_is_reported_in_french_with_its_line(tmp_path):
    path = tmp_path / "abonnes.csv"
    path.write_text("email,sectors,token\n"
                    f"a@example.org,secteur-1;projet:{PISCINE},ta\n"
                    "b@example.org,projet:piscine;secteur-9,tb\n", encoding="utf-8")
    found = read_subscribers(str(path), ["secteur-1", "secteur-5"], [PISCINE, VOIE_VERTE])
    assert found.problems == ["ligne 3 : b@example.org : projet inconnu « piscine », secteur inconnu secteur-9"]


def letter(sector_id: str = "", project_id: str = "", covered_by: tuple[str, ...] = ()) -> Issue:
    """An empty letter: who receives it depends on its list only."""
    return Issue(sector_id=sector_id, sector_name=sector_id, number=1,
                 date=dt.datetime(2026, 11, 24, 13, tzinfo=dt.timezone.utc), since=dt.date(2026, 10, 25),
                 subject="", headline="", summary="", sections=(), project_id=project_id,
                 project_title=project_id, covered_by=covered_by)


def test_a_projects_letter_goes_to_its_followers_outside_its_sectors_only():
    people = {email: Subscriber(email, token, tuple(column.split(";"))) for email, column, token in FOLLOWERS}
    piscine = letter(project_id=PISCINE, covered_by=("secteur-5",))
    assert [e for e, s in people.items() if s.receives(piscine)] == [
        "ines@example.org", "jules@example.org", "marc@example.org"]
    # A sector's letter goes to its sector's followers, whatever projects they follow.
    assert [e for e, s in people.items() if s.receives(letter("secteur-5"))] == [
        "karim@example.org", "lea@example.org"]


def test_followers_receive_the_projects_letter_once_over_smtp(built_site, followers, smtp):
    recorder, url = smtp
    result = send(built_site, followers, url, "--projects")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Liste des abonnés, ligne 7 : nina@example.org : projet inconnu « pas-un-projet »." in result.stdout
    # Karim and Léa get these news from their sectors' letters: not twice.
    assert recorder.copies() == {"ines@example.org": 1, "jules@example.org": 1, "marc@example.org": 2}

    issue = project_issue(built_site, PISCINE)
    assert issue["sections"][0]["id"] == "mauvaises-nouvelles"  # bad news first
    assert issue["subject"] == "Projet « Rénovation des vestiaires de la piscine » : projet suspendu"
    expected = [flat(s) for s in item_strings(issue, SITE_URL)]
    piscine = [r for r in recorder.messages if parse(r.data)["Subject"] == issue["subject"]]
    assert sorted(r.rcpt_tos[0] for r in piscine) == ["ines@example.org", "jules@example.org", "marc@example.org"]
    for received in piscine:
        message = parse(received.data)
        [address] = received.rcpt_tos
        token = next(t for a, _, t in FOLLOWERS if a == address)
        unsubscribe = f"{SITE_URL}/desinscription/?token={token}&secteur=projet%3A{PISCINE}"
        assert message["List-Unsubscribe"] == (
            f"<{unsubscribe}>, <mailto:desinscription@villebrune-sur-lise.fr"
            f"?subject=desinscription%20projet:{PISCINE}%20{token}>")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Id"] == ('"Lettre d\'information du projet Renovation des vestiaires de la piscine" '
                                      f"<{PISCINE}.projet.lettres.villebrune-sur-lise.fr>")
        assert message["List-Archive"] == f"<{SITE_URL}/projets/{PISCINE}/lettres/>"
        assert message["Message-ID"].startswith(f"<lettre.{PISCINE}.projet.1.")
        text, body = parts(message)
        page = read_html(body)
        seen_html, seen_text = flat(" ".join(page.words)), flat(text)
        for string in expected:
            if string.startswith(SITE_URL):
                assert string in page.links, string
            else:
                assert string in seen_html, string
            assert string in seen_text, string
        assert "Lettre d'information du projet « Rénovation des vestiaires de la piscine »" in seen_html
        assert seen_text.index("Ce qui ne va pas comme prévu") < seen_text.index("Suspension")
        assert unsubscribe in page.links and unsubscribe in seen_text
        assert f"{SITE_URL}/projets/{PISCINE}/lettres/" in page.links

    # Sent again (a resend, or a run after a crash): nobody gets a second copy.
    again = send(built_site, followers, url, "--projects")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Messages envoyés : 1." not in again.stdout and "Messages envoyés : 0." in again.stdout
    assert recorder.copies() == {"ines@example.org": 1, "jules@example.org": 1, "marc@example.org": 2}
    ledger = followers.parent / "lettres-envois" / "projets" / PISCINE / "1" / "delivered.txt"
    assert sorted(ledger.read_text().split()) == ["ines@example.org", "jules@example.org", "marc@example.org"]


def test_one_projects_letter_and_the_sectors_letter_never_overlap(built_site, followers, smtp):
    recorder, url = smtp
    project = send(built_site, followers, url, "--project", PISCINE)
    assert project.returncode == 0, project.stdout + project.stderr
    sector = send(built_site, followers, url, "--sector", "secteur-5")
    assert sector.returncode == 0, sector.stdout + sector.stderr
    assert recorder.copies() == {"ines@example.org": 1, "jules@example.org": 1, "marc@example.org": 1,
                                 "karim@example.org": 1, "lea@example.org": 1}
    subjects = {r.rcpt_tos[0]: parse(r.data)["Subject"] for r in recorder.messages}
    assert subjects["karim@example.org"].startswith("Secteur 5 – Les Tilleuls : ")
    assert subjects["jules@example.org"].startswith("Projet « Rénovation des vestiaires de la piscine »")


def test_an_unknown_project_to_send_is_named(built_site, followers, smtp):
    _, url = smtp
    result = send(built_site, followers, url, "--project", "pas-un-projet")
    assert result.returncode == 2 and "Projet inconnu : « pas-un-projet »" in result.stderr
