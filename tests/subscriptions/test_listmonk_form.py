"""A city already on listmonk (CLAIRVOIE_LISTMONK): the site's forms post to listmonk's public
subscription form, one listmonk list per sector, in the request shape listmonk documents; they
work without JavaScript, pass axe-core, and never post to the subscription service."""

from __future__ import annotations

import uuid
from html.parser import HTMLParser
from urllib.parse import parse_qs

import pytest
import yaml

from building import REPO, copy_demo_site, run_clairvoie, run_pelican, serve
from html_checker import nu_errors

# listmonk's public subscription form, github.com/knadh/listmonk: the HTML its admin generates
# for a site (« Forms », frontend/src/views/Forms.vue: renderHTML) and what its server reads
# (cmd/public.go: handleSubscriptionForm, the subForm struct; route « POST /subscription/form »
# in cmd/handlers.go): `email`; `name` (optional: empty, listmonk uses the address's part
# before @); `l`, a list's UUID, repeated for each list (form:"l"); `nonce`, a hidden field
# that must be posted empty (« If there's a nonce value, a bot could've filled the form »).
LISTMONK_PATH = "/subscription/form"
LISTMONK_FIELDS = {"email", "name", "l", "nonce"}
LISTMONK_REQUIRED = {"email", "l", "nonce"}

LISTMONK_URL = "https://lettres.villebrune-sur-lise.fr/listmonk"
SECTOR_IDS = sorted(path.stem for path in (REPO / "sectors").glob("*.yaml"))
UNMAPPED = SECTOR_IDS[-1]  # a sector the city has made no list for: never offered
LISTS = {sector_id: str(uuid.uuid5(uuid.NAMESPACE_URL, sector_id)) for sector_id in SECTOR_IDS if sector_id != UNMAPPED}


@pytest.fixture(scope="module")
def with_listmonk(tmp_path_factory):
    output = tmp_path_factory.mktemp("listmonk") / "output"
    result = run_pelican(REPO, output, extra_settings={"CLAIRVOIE_LISTMONK": {"url": LISTMONK_URL + "/",
                                                                              "lists": LISTS}})
    assert result.returncode == 0, result.stderr
    return output


class Forms(HTMLParser):
    """The page's sign-up forms: action, method, and each control (name, type, value, checked)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self.inside = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and "signup" in (attributes.get("class") or "").split():
            self.inside = True
            self.forms.append({"action": attributes.get("action"), "method": attributes.get("method"),
                               "controls": [], "attributes": attributes})
        elif self.inside and tag in ("input", "button", "select", "textarea") and attributes.get("name"):
            self.forms[-1]["controls"].append(attributes)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def signup_form(path) -> dict:
    [form] = Forms(path.read_text(encoding="utf-8")).forms
    return form


def assert_listmonk_shape(form: dict) -> None:
    assert form["action"] == LISTMONK_URL + LISTMONK_PATH and form["method"] == "post"
    names = {control["name"] for control in form["controls"]}
    assert LISTMONK_REQUIRED <= names <= LISTMONK_FIELDS, names
    [nonce] = [c for c in form["controls"] if c["name"] == "nonce"]
    assert nonce["type"] == "hidden" and not nonce.get("value")
    [address] = [c for c in form["controls"] if c["name"] == "email"]
    assert address["type"] == "email" and "required" in address
    assert "data-duree" not in form["attributes"]  # the service's timing is not listmonk's


def offered(form: dict) -> dict[str, bool]:
    """List UUID → ticked."""
    return {c["value"]: "checked" in c for c in form["controls"] if c["name"] == "l" and c["type"] == "checkbox"}


def test_a_sector_page_posts_listmonk_s_fields_with_its_own_list_ticked(with_listmonk):
    for sector_id in SECTOR_IDS:
        form = signup_form(with_listmonk / "secteurs" / sector_id / "index.html")
        assert_listmonk_shape(form)
        assert offered(form) == {list_uuid: other == sector_id for other, list_uuid in LISTS.items()}, sector_id


def test_the_home_page_offers_every_mapped_sector_unticked(with_listmonk):
    form = signup_form(with_listmonk / "index.html")
    assert_listmonk_shape(form)
    assert offered(form) == {list_uuid: False for list_uuid in LISTS.values()}


def test_a_project_page_ticks_the_lists_of_its_sectors(with_listmonk):
    for path in sorted((REPO / "content/projects").glob("*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        sectors = record.get("sectors")
        if not isinstance(sectors, list) or not set(sectors) <= set(LISTS):
            continue
        form = signup_form(with_listmonk / "projets" / path.stem / "index.html")
        assert_listmonk_shape(form)
        assert offered(form) == {LISTS[s]: True for s in sectors}, path.stem
        return
    pytest.fail("aucun projet de la démo n'est rattaché à des secteurs qui ont une liste")


def test_every_sign_up_form_posts_to_listmonk_and_no_page_loads_the_service_s_script(with_listmonk):
    forms = 0
    for path in with_listmonk.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for form in Forms(html).forms:
            assert_listmonk_shape(form)
            forms += 1
        assert "js/abonnement" not in html, path
    assert forms > len(SECTOR_IDS)


def test_the_pages_with_the_form_are_valid_html(with_listmonk):
    pages = [with_listmonk / "index.html", with_listmonk / "secteurs" / SECTOR_IDS[0] / "index.html",
             with_listmonk / "secteurs" / UNMAPPED / "index.html"]
    assert not nu_errors(pages, root=with_listmonk)


@pytest.mark.browser
def test_without_javascript_chromium_posts_the_documented_shape(browser, with_listmonk):
    from axe_playwright_python.sync_playwright import Axe

    sector_id = SECTOR_IDS[0]
    with serve(with_listmonk) as url:
        page = browser.new_page()
        page.goto(f"{url}/secteurs/{sector_id}/")
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                                               "wcag21aa"]}})
        assert [v["id"] for v in results.response["violations"]] == []
        page.close()
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{url}/secteurs/{sector_id}/")
        posted = []
        page.route(f"{LISTMONK_URL}/**", lambda route: (posted.append(route.request), route.fulfill(
            status=200, content_type="text/html", body="<!doctype html><title>ok</title>")))
        other = SECTOR_IDS[1]
        page.fill("form.signup input[name=email]", "habitant@example.org")
        page.check(f"form.signup input[value='{LISTS[other]}']")
        page.click("form.signup button[type=submit]")
        page.wait_for_load_state()
        context.close()
    [request] = posted
    assert request.method == "POST" and request.url == LISTMONK_URL + LISTMONK_PATH
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    fields = parse_qs(request.post_data, keep_blank_values=True)
    assert set(fields) <= LISTMONK_FIELDS
    assert fields["email"] == ["habitant@example.org"] and fields["nonce"] == [""]
    assert sorted(fields["l"]) == sorted([LISTS[sector_id], LISTS[other]])


def test_a_mapping_that_would_make_a_broken_form_stops_the_build(tmp_path):
    """An unknown sector, a value that is no list UUID, an address that is no URL: each said in
    French by « clairvoie validate » (and the build), before any page carries such a form."""
    root = copy_demo_site(tmp_path / "site")
    bad = {"url": "lettres.villebrune-sur-lise.fr",
           "lists": {SECTOR_IDS[0]: LISTS[SECTOR_IDS[0]], "secteur-99": LISTS[SECTOR_IDS[0]],
                     SECTOR_IDS[1]: "liste-du-secteur"}}
    (root / "pelicanconf.py").write_text((root / "pelicanconf.py").read_text(encoding="utf-8")
                                         + f"\nCLAIRVOIE_LISTMONK = {bad!r}\n", encoding="utf-8")
    result = run_clairvoie(root, "validate")
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if "CLAIRVOIE_LISTMONK" in line]
    assert len(problems) == 3, result.stderr
    assert any("« url » doit être l'adresse complète de listmonk" in p for p in problems)
    assert any("le secteur « secteur-99 » n'existe pas" in p for p in problems)
    assert any(f"pour « {SECTOR_IDS[1]} », « liste-du-secteur » n'est pas l'UUID" in p for p in problems)
