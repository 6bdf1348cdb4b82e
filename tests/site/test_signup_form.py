"""The sign-up form of issue 21 on the static pages: posted to the subscription service when
the city runs one (CLAIRVOIE_SUBSCRIPTIONS_URL), the sector's contact otherwise — never a
broken form."""

from __future__ import annotations

import re

import pytest
import yaml

from building import REPO, run_pelican, serve
from clairvoie.labels import SUBSCRIPTION_CONSENT_VERSION

SERVICE = "https://abonnements.villebrune-sur-lise.fr/lettre"


@pytest.fixture(scope="module")
def with_service(tmp_path_factory):
    output = tmp_path_factory.mktemp("signup") / "output"
    result = run_pelican(REPO, output, extra_settings={"CLAIRVOIE_SUBSCRIPTIONS_URL": SERVICE})
    assert result.returncode == 0, result.stderr
    return output


def form_of(html: str) -> str:
    found = re.findall(r'<form class="signup".*?</form>', html, re.S)
    assert len(found) == 1
    return found[0]


def checkbox(form: str, name: str, value: str) -> str:
    return re.search(rf'<input type="checkbox"[^>]*name="{name}" value="{value}"[^>]*>', form).group()


def test_without_a_service_the_sector_page_gives_its_contact_and_no_form(demo_output):
    for path in sorted((REPO / "sectors").glob("*.yaml")):
        contact = (yaml.safe_load(path.read_text(encoding="utf-8")).get("contact") or {}).get("email")
        html = (demo_output / "secteurs" / path.stem / "index.html").read_text(encoding="utf-8")
        assert '<form class="signup"' not in html
        if contact:
            assert f'écrivez à <a href="mailto:{contact}">' in html, path.stem


def test_a_sector_page_posts_to_the_service_with_its_sector_ticked(with_service):
    sector_ids = sorted(path.stem for path in (REPO / "sectors").glob("*.yaml"))
    for sector_id in sector_ids:
        form = form_of((with_service / "secteurs" / sector_id / "index.html").read_text(encoding="utf-8"))
        assert f'method="post" action="{SERVICE}/inscription"' in form
        assert re.search(r'<input type="email"[^>]*name="email" required', form)
        for other in sector_ids:  # every sector offered, this one ticked
            assert ("checked" in checkbox(form, "secteurs", other)) == (other == sector_id)
        assert f'name="consentement" value="{SUBSCRIPTION_CONSENT_VERSION}"' in form
        assert "désinscrire en un clic" in form and "effacée au bout de 7 jours" in form
        assert 'name="site_web" tabindex="-1"' in form  # the honeypot, hidden from people


def test_a_project_page_offers_to_follow_that_project(with_service):
    project_id = sorted(path.stem for path in (REPO / "content/projects").glob("*.yaml"))[0]
    html = (with_service / "projets" / project_id / "index.html").read_text(encoding="utf-8")
    assert "Suivre ce projet par courriel" in html
    form = form_of(html)
    assert "checked" in checkbox(form, "projets", project_id)


def test_the_home_page_offers_every_sector(with_service):
    form = form_of((with_service / "index.html").read_text(encoding="utf-8"))
    for path in (REPO / "sectors").glob("*.yaml"):
        assert "checked" not in checkbox(form, "secteurs", path.stem)


def test_no_page_without_a_service_posts_anywhere(demo_output):
    for path in demo_output.rglob("*.html"):
        assert '<form class="signup"' not in path.read_text(encoding="utf-8"), path


@pytest.mark.browser
def test_the_form_passes_axe_core_and_sends_without_javascript(browser, with_service):
    from axe_playwright_python.sync_playwright import Axe

    with serve(with_service) as url:
        page = browser.new_page()
        page.goto(f"{url}/secteurs/secteur-1/")
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                                               "wcag21aa"]}})
        assert [v["id"] for v in results.response["violations"]] == []
        assert page.is_visible("form.signup input[name=email]")
        trap = page.locator("form.signup input[name=site_web]").bounding_box()
        assert trap["x"] + trap["width"] <= 0  # the honeypot is off screen
        page.close()
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{url}/secteurs/secteur-1/")
        posted = []
        page.route(f"{SERVICE}/**", lambda route: (posted.append(route.request), route.fulfill(status=303, headers={
            "Location": f"{url}/"})))
        page.fill("form.signup input[name=email]", "habitant@example.org")
        page.click("form.signup button[type=submit]")
        page.wait_for_load_state()
        assert posted and posted[0].method == "POST"
        sent = posted[0].post_data
        assert "email=habitant%40example.org" in sent and "secteurs=secteur-1" in sent and "duree=" in sent
        context.close()
