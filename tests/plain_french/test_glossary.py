"""The glossary: Clairvoie's defaults and the city's content/lexique.yaml, checked like records."""

from __future__ import annotations

import pytest

from clairvoie.model import InvalidRecords
from sites import load_site, write_site

from small_site import small_site


def test_the_shipped_glossary_has_jargon_with_plain_words_and_terms_that_cannot_be_avoided(tmp_path):
    glossary = load_site(write_site(tmp_path, {})).glossary
    assert len(glossary) >= 40
    by_term = {entry.term: entry for entry in glossary}
    assert by_term["VRD"].replace_with == "réseaux sous la chaussée"
    assert by_term["enrobé"].replace_with == "revêtement de la chaussée"
    assert by_term["giratoire"].replace_with == "rond-point"
    for term in ("DICT", "PLU", "MOE", "AMO", "ERP", "PMR", "voirie", "réfection de la chaussée"):
        assert by_term[term].is_jargon, term
    for term in ("arrêté", "maîtrise d'ouvrage", "concertation", "délibération"):
        assert not by_term[term].is_jargon, term
    assert all(entry.definition.endswith(".") for entry in glossary)
    assert len({entry.anchor for entry in glossary}) == len(glossary)
    assert by_term["maîtrise d'ouvrage"].anchor == "maitrise-d-ouvrage"


def test_the_city_adds_words_and_rewords_a_default(tmp_path):
    site = write_site(tmp_path, {"content/lexique.yaml": """
        termes:
          - terme: giratoire
            remplacer_par: carrefour giratoire, dit rond-point
            definition: Un carrefour où l'on tourne autour d'un terre-plein.
          - terme: conseil de proximité
            definition: Le conseil de proximité réunit les habitants d'un secteur et leurs élus.
    """})
    by_term = {entry.term: entry for entry in load_site(site).glossary}
    assert by_term["giratoire"].replace_with == "carrefour giratoire, dit rond-point"
    assert by_term["giratoire"].file == "content/lexique.yaml" and by_term["giratoire"].line == 2
    assert not by_term["conseil de proximité"].is_jargon
    assert by_term["VRD"].file == "clairvoie/model/lexique.yaml"


def problems_of(tmp_path, text):
    with pytest.raises(InvalidRecords) as refused:
        load_site(write_site(tmp_path, {"content/lexique.yaml": text}))
    return [str(problem) for problem in refused.value.problems]


def test_a_glossary_entry_without_definition_or_with_an_unknown_field_is_refused_at_its_line(tmp_path):
    found = problems_of(tmp_path, """
        termes:
          - terme: DICT
            definition: La demande avant de creuser.
          - terme: cunette
            remplacer: caniveau
    """)
    assert any(p.startswith("content/lexique.yaml:4:") and "termes[2]" in p and "definition" in p for p in found), found
    assert any(p.startswith("content/lexique.yaml:5:") and "termes[2].remplacer" in p for p in found), found
    assert all(" : " in p and "—" in p for p in found)
    assert "Traceback" not in "\n".join(found)


def test_the_same_term_twice_is_refused_at_the_second(tmp_path):
    found = problems_of(tmp_path, """
        termes:
          - terme: cunette
            definition: Le caniveau au milieu d'une rue.
          - terme: Cunette
            definition: Le caniveau.
    """)
    assert found == ["content/lexique.yaml:4:12 — termes[2].terme : « Cunette » est déjà dans le lexique, "
                     "ligne 2 : gardez une seule entrée"]


def test_a_glossary_that_is_not_a_list_of_words_is_refused_in_french(tmp_path):
    found = problems_of(tmp_path, "termes: giratoire\n")
    assert found == ["content/lexique.yaml:1:9 — termes : doit être une liste de mots, chacun avec "
                     "« terme » et « definition »"]


def test_validate_counts_the_glossary_words(tmp_path):
    from building import run_clairvoie

    result = run_clairvoie(small_site(tmp_path), "validate")
    assert result.returncode == 0, result.stderr
    assert ", 62 mots du lexique)." in result.stdout
