"""/lexique/ and the first use of a term linked to it (outputs/glossary_marks.py), in a built site."""

from __future__ import annotations

import html
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from building import run_pelican, serve
from clairvoie.model.glossary import GlossaryEntry
from clairvoie.outputs.glossary_marks import GlossaryMarks
from html_checker import nu_errors
from sites import load_site
from small_site import small_site

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
MARKED = re.compile(r'<a class="terme-lexique" href="/lexique/#([a-z0-9-]+)">([^<]*)</a>')


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("lexique")
    site = small_site(root / "site", {"content/actualites/nouvel-arrete.md": (
        "Title: Un nouvel arrêté rue des Lilas\nDate: 2026-03-01\n\n"
        "Le maire a signé un arrêté. Cet arrêté ferme la rue pendant la concertation.\n")})
    result = run_pelican(site, root / "output")
    assert result.returncode == 0, result.stderr
    return site, root / "output"


def main_of(page: str) -> str:
    return page[page.index("<main"):page.index("</main>")]


def test_the_glossary_page_lists_every_entry_with_its_anchor_definition_and_plain_words(built):
    site, output = built
    page = (output / "lexique/index.html").read_text(encoding="utf-8")
    glossary = load_site(site).glossary
    for entry in glossary:
        term = html.escape(entry.term, quote=True).replace("&#x27;", "&#39;")
        assert f'<dt id="{entry.anchor}"><dfn>{term}</dfn></dt>' in page, entry.term
        assert html.escape(entry.definition).replace("&#x27;", "&#39;") in page, entry.term
        if entry.is_jargon:
            assert f"Nous écrivons plutôt : « {html.escape(entry.replace_with).replace('&#x27;', '&#39;')} »" in page
    assert page.count("<dt id=") == len(glossary)
    assert "terme-lexique" not in page  # the glossary's entries link nowhere


def test_every_page_links_the_glossary_from_its_footer(built):
    _, output = built
    for path in ("index.html", "projets/place-du-marche/index.html", "lexique/index.html"):
        footer = (output / path).read_text(encoding="utf-8").split('<footer class="site-footer">')[1]
        assert '<a href="/lexique/">Lexique</a>' in footer


def test_only_the_first_use_of_a_term_in_the_main_content_is_linked(built):
    _, output = built
    main = main_of((output / "projets/place-du-marche/index.html").read_text(encoding="utf-8"))
    links = MARKED.findall(main)
    assert [text for anchor, text in links if anchor == "arrete"] == ["arrêté"]
    assert len(re.findall(r"\barrêté\b", re.sub(r"<[^>]+>", " ", main))) >= 2  # the second stays as it is
    assert ("concertation", "concertation") in links
    assert not any(anchor == "vrd" for anchor, _ in links)  # jargon is not explained: it is replaced


def test_a_news_page_links_the_first_use_too(built):
    _, output = built
    main = main_of((output / "actualites/un-nouvel-arrete-rue-des-lilas/index.html").read_text(encoding="utf-8"))
    assert MARKED.findall(main) == [("arrete", "arrêté"), ("concertation", "concertation")]


def test_the_glossary_and_a_page_with_a_linked_term_pass_the_nu_html_checker(built):
    _, output = built
    assert nu_errors([output / "lexique/index.html", output / "projets/place-du-marche/index.html"],
                     root=output) == []


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/lexique/", "/projets/place-du-marche/"])
def test_the_glossary_and_a_page_with_a_linked_term_pass_axe(built, browser, path):
    _, output = built
    with serve(output) as url:
        page = browser.new_page()
        assert page.goto(url + path).status == 200
        violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
        page.close()
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []


@pytest.mark.browser
def test_search_finds_a_glossary_entry_by_its_plain_words(built, browser):
    _, output = built
    with serve(output) as url:
        page = browser.new_page()
        page.goto(url + "/recherche/")
        page.fill("#recherche-mots", "rond-point")
        page.press("#recherche-mots", "Enter")
        page.wait_for_function(
            """() => { const s = document.getElementById('resultats-statut');
                       return s.textContent.includes('rond-point') && !s.hasAttribute('aria-busy'); }""",
            timeout=15000)
        links = page.eval_on_selector_all("#resultats-liste .card-title a", "links => links.map(a => a.getAttribute('href'))")
        page.close()
    assert any(link.startswith("/lexique/") for link in links), links


def marks(*entries: GlossaryEntry) -> GlossaryMarks:
    return GlossaryMarks(entries, "https://ville.example")


ARRETE = GlossaryEntry("arrêté", "Une décision du maire.", None, "lexique.yaml", 1)
VRD = GlossaryEntry("VRD", "Les réseaux.", "réseaux sous la chaussée", "lexique.yaml", 2)


def test_links_headings_navigation_hidden_text_and_what_is_outside_main_are_left_alone():
    page = ("<header><p>Un arrêté</p></header><main id=\"contenu\"><nav><a>Arrêtés</a> arrêté</nav>"
            "<h1>L'arrêté</h1><a href=\"/x\">arrêté</a><div hidden>arrêté <div>arrêté</div></div>"
            "<dl data-lexique-ignore><dd>arrêté</dd></dl>"
            "<p>L&#39;arrêté du maire, VRD, un autre arrêté.</p></main><footer>arrêté</footer>")
    marked = marks(ARRETE, VRD).mark(page)
    assert marked == page.replace(
        "<p>L&#39;arrêté du maire",
        '<p>L&#39;<a class="terme-lexique" href="https://ville.example/lexique/#arrete">arrêté</a> du maire')


def test_a_past_participle_is_not_the_noun():
    page = "<main><p>Le chantier est arrêté. Un arrêté sera pris.</p></main>"
    assert marks(ARRETE).mark(page) == page.replace(
        "Un arrêté", 'Un <a class="terme-lexique" href="https://ville.example/lexique/#arrete">arrêté</a>')


def test_a_page_without_main_or_without_terms_is_unchanged():
    for page in ("<p>Un arrêté.</p>", "<main><p>Rien à expliquer.</p></main>"):
        assert marks(ARRETE).mark(page) == page
