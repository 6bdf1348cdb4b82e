"""The service's pages in Chromium: axe-core (WCAG 2.1 A and AA) finds nothing on the form,
its errors, the confirmation, « Gérer mon abonnement » and the unsubscribe page; the theme's
stylesheet applies; nothing is fetched from another host; and, with JavaScript, a form sent
within two seconds is refused while a person's pace is accepted."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from building import REPO
from service import confirmation_link

pytestmark = pytest.mark.browser
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """SQLite only: the pages do not depend on the database (test_service.py runs both)."""
    return "sqlite:///" + str(tmp_path_factory.mktemp("base") / "abonnes.db")


def axe_violations(page) -> list:
    results = Axe().run(page, options=WCAG_21_AA)
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]


def test_every_page_of_the_flow_passes_axe(browser, service, mailbox):
    box, _ = mailbox
    page = browser.new_page()
    outside = []
    page.on("request", lambda request: urlsplit(request.url).hostname != "127.0.0.1" and outside.append(request.url))
    checked = {}

    page.goto(f"{service.base}/inscription?secteur=secteur-3")
    assert page.eval_on_selector("header.site-header", "e => getComputedStyle(e).backgroundColor") \
        not in ("rgba(0, 0, 0, 0)", "")  # the theme's stylesheet applies
    checked["formulaire"] = axe_violations(page)
    page.fill("#courriel", "pas-une-adresse")
    page.eval_on_selector("#courriel", "e => e.type = 'text'")  # past the browser's own check
    page.wait_for_timeout(2100)
    page.click("#envoyer")
    assert "Cette adresse électronique n'est pas valable" in page.inner_text("main")
    checked["formulaire en erreur"] = axe_violations(page)

    address = f"navigateur.{secrets.token_hex(3)}@exemple-chromium.fr"
    page.fill("#courriel", address)
    page.wait_for_timeout(2100)
    page.click("#envoyer")
    assert page.url.endswith("/envoye")
    checked["courriel envoyé"] = axe_violations(page)

    page.goto(confirmation_link(box.to(address)[-1]))
    checked["confirmer"] = axe_violations(page)
    page.click("button:has-text('Confirmer mon inscription')")
    assert "Inscription confirmée" in page.inner_text("h1")
    checked["confirmée"] = axe_violations(page)
    page.click("a:has-text('Gérer mon abonnement')")
    assert page.is_checked("#secteur-secteur-3")
    checked["gérer"] = axe_violations(page)
    token = page.input_value("input[name='token']")
    page.goto(f"{service.base}/desinscription?token={token}&secteur=secteur-3")
    checked["désinscription"] = axe_violations(page)
    page.goto(f"{service.base}/gerer?token=faux")
    checked["lien inconnu"] = axe_violations(page)
    page.close()
    assert checked == {name: [] for name in checked}
    assert outside == []


def test_with_javascript_a_form_sent_within_two_seconds_is_refused(browser, service):
    page = browser.new_page()
    page.goto(f"{service.base}/inscription")
    page.fill("#courriel", f"presse.{secrets.token_hex(3)}@exemple-chromium.fr")
    page.check("#secteur-secteur-1")
    page.click("#envoyer")  # at once: what a robot running the script does
    assert "envoyé trop vite" in page.inner_text("main")
    page.go_back()
    page.reload()
    page.fill("#courriel", f"posee.{secrets.token_hex(3)}@exemple-chromium.fr")
    page.check("#secteur-secteur-1")
    page.wait_for_timeout(2100)
    page.click("#envoyer")
    assert page.url.endswith("/envoye")
    page.close()


def test_the_service_serves_the_theme_s_own_stylesheet(service):
    answer = service.call("GET", "/style.css")
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/css")
    assert answer.body == (REPO / "themes/clairvoie/static/css/clairvoie.css").read_text(encoding="utf-8")
