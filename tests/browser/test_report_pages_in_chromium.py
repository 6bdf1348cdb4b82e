"""Residents' reports in headless Chromium: accessible (axe-core, WCAG 2.1 AA), the tracking
form with and without JavaScript, the step line on wide and narrow screens."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe

from building import REPO

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}


def reports():
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted((REPO / "content/signalements").glob("*.yaml")) if path.name != "services.yaml"}


def first_with_stage(stage):
    return next(number for number, data in reports().items() if data["history"][-1]["stage"] == stage)


def overdue_report(demo_output):
    """The first report whose page says it is overdue (the site test checks which ones must)."""
    return next(number for number in reports()
                if 'id="retard"' in (demo_output / "signalements" / number / "index.html").read_text())


def axe_violations(page):
    results = Axe().run(page, options=WCAG_21_AA)
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]


@pytest.mark.parametrize("which", ["overdue", "duplicate", "index", "numbers"])
@pytest.mark.parametrize("width", [1200, 360])
def test_axe_finds_no_violation_on_report_pages(browser, site_url, demo_output, which, width):
    path = {"overdue": lambda: f"/signalements/{overdue_report(demo_output)}/",
            "duplicate": lambda: f"/signalements/{first_with_stage('duplicate')}/",
            "index": lambda: "/signalements/", "numbers": lambda: "/signalements/numeros/"}[which]()
    page = browser.new_page(viewport={"width": width, "height": 900})
    outside = []
    page.on("request", lambda request: urlsplit(request.url).hostname != "127.0.0.1" and outside.append(request.url))
    assert page.goto(site_url + path).status == 200
    assert axe_violations(page) == []
    assert outside == []
    page.close()


def test_step_line_is_horizontal_on_wide_screens_and_vertical_on_narrow_ones(browser, site_url, demo_output):
    number = overdue_report(demo_output)
    tops = {}
    for width in (1200, 360):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{site_url}/signalements/{number}/")
        tops[width] = page.eval_on_selector_all(".report-steps > li", "steps => steps.map(s => s.getBoundingClientRect().top)")
        states = page.eval_on_selector_all(".report-steps > li .visually-hidden", "spans => spans.map(s => s.textContent)")
        assert states and all(s.startswith(("Étape franchie", "Étape en cours", "Étape à venir")) for s in states)
        page.close()
    assert len(set(tops[1200])) == 1 and len(tops[1200]) > 1
    assert tops[360] == sorted(tops[360]) and len(set(tops[360])) == len(tops[360])


def test_without_javascript_the_number_form_leads_to_the_list_with_the_link(browser, site_url):
    number = sorted(reports())[-1]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "/signalements/")
    page.fill("#suivi-numero", number)
    page.click("#suivi button[type=submit]")
    page.wait_for_url("**/signalements/numeros/**")
    received = reports()[number]["received"]  # the list leads to the month the report was received
    page.locator(f"main a[href^='/signalements/numeros/{str(received)[:7]}/']").first.click()
    link = page.locator(f"main a[href='/signalements/{number}/']")
    assert link.count() == 1
    link.click()
    page.wait_for_url(f"**/signalements/{number}/")
    assert number in page.locator("h1").inner_text()
    context.close()


def test_with_javascript_the_number_form_opens_the_report_page(browser, site_url):
    number = sorted(reports())[0]
    page = browser.new_page()
    page.goto(site_url + "/signalements/")
    page.fill("#suivi-numero", f"  N° {number.upper()} ")
    page.click("#suivi button[type=submit]")
    page.wait_for_url(f"**/signalements/{number}/")
    assert number in page.locator("h1").inner_text()
    page.close()


def test_with_javascript_an_unknown_number_gets_a_french_message(browser, site_url):
    page = browser.new_page()
    page.goto(site_url + "/signalements/")
    page.fill("#suivi-numero", "1999-000000")
    page.click("#suivi button[type=submit]")
    status = page.locator("#suivi-statut")
    status.filter(has_text="inconnu").wait_for()
    assert "Le numéro « 1999-000000 » est inconnu" in status.inner_text()
    assert status.get_attribute("aria-live") == "polite"
    assert page.url.endswith("/signalements/")
    assert page.get_attribute("#suivi-numero", "aria-invalid") == "true"
    page.close()
