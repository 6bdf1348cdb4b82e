"""The plain-French check (model/plain_french.py): what `clairvoie validate` and the build say."""

from __future__ import annotations

import re

import pytest
import textstat

from building import run_clairvoie, run_pelican
from clairvoie.model import InvalidRecords
from clairvoie.model.glossary import GlossaryEntry
from clairvoie.model.plain_french import PlainFrench, flesch_score, split_sentences, word_count
from sites import load_site, write_site
from small_site import LONG_SENTENCE, small_site

STRICT = "\nCLAIRVOIE_PLAIN_FRENCH_STRICT = True\n"


def remark_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("content/projects/lilas.yaml:")]


def test_validate_names_a_long_sentence_and_jargon_at_their_place_with_the_plain_words(tmp_path):
    site = small_site(tmp_path)
    result = run_clairvoie(site, "validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Toutes les fiches sont valides (")
    lines = remark_lines(result.stderr)
    text = (site / "content/projects/lilas.yaml").read_text(encoding="utf-8").splitlines()
    summary_line = next(i for i, line in enumerate(text, 1) if line.startswith("summary:"))
    description_line = next(i for i, line in enumerate(text, 1) if line.startswith("description:"))
    assert f"content/projects/lilas.yaml:{summary_line}:10 — summary : « VRD » est du jargon : " \
           "écrivez plutôt « réseaux sous la chaussée »" in lines
    enrobe_line = next(i for i, line in enumerate(text, 1) if "enrobé" in line)  # inside the block
    assert enrobe_line > description_line + 1
    assert f"content/projects/lilas.yaml:{enrobe_line}:1 — description : « enrobé » est du jargon : " \
           "écrivez plutôt « revêtement de la chaussée »" in lines
    long = [line for line in lines if f":{description_line}:14 — description : phrase de 40 mots" in line]
    assert len(long) == 1 and "« Les travaux de la rue des Lilas commenceront" in long[0]
    assert re.search(r"^\d+ remarques de français simple", result.stderr, re.MULTILINE)


def test_strict_setting_makes_validate_fail_with_the_same_remarks(tmp_path):
    site = small_site(tmp_path, settings=STRICT)
    result = run_clairvoie(site, "validate")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert any("« VRD » est du jargon" in line for line in remark_lines(result.stderr))
    assert "Toutes les fiches sont valides" not in result.stdout


def test_a_site_without_remarks_validates_in_strict_mode(tmp_path):
    site = small_site(tmp_path, settings=STRICT)
    (site / "content/projects/lilas.yaml").unlink()
    result = run_clairvoie(site, "validate")
    assert result.returncode == 0, result.stderr
    assert "Aucune remarque de français simple." in result.stderr


def test_the_build_says_how_many_remarks_in_one_line_and_strict_stops_it_plainly(tmp_path):
    site = small_site(tmp_path)
    built = run_pelican(site, tmp_path / "output")
    assert built.returncode == 0, built.stderr
    log = built.stdout + built.stderr
    summary = [line for line in log.splitlines() if "remarques de français simple" in line]
    assert len(summary) == 1 and re.search(r"\b[3-9] remarques de français simple", summary[0])
    assert "est du jargon" not in log  # the remarks themselves: clairvoie validate
    stopped = run_pelican(site, tmp_path / "strict", extra_settings={"CLAIRVOIE_PLAIN_FRENCH_STRICT": True})
    assert stopped.returncode != 0
    assert "Traceback" not in stopped.stderr
    assert any(line.startswith("content/projects/lilas.yaml:") and "« VRD » est du jargon" in line
               for line in stopped.stderr.splitlines())
    assert not (tmp_path / "strict" / "index.html").exists()


def entry(term, replace_with=None):
    return GlossaryEntry(term, f"Définition de {term}.", replace_with, "lexique.yaml", 1)


def jargon_found(text, *entries):
    return [m for m in PlainFrench(tuple(entries), 0).text_remarks(text, False) if "jargon" in m]


def test_jargon_is_matched_on_whole_words_with_case_for_abbreviations_and_accents_kept():
    plu, pave = entry("PLU", "plan local d'urbanisme"), entry("PAVE", "plan pour rendre les rues accessibles")
    assert jargon_found("Il a plu toute la semaine.", plu) == []
    assert jargon_found("Le PLU est révisé.", plu) == ["« PLU » est du jargon : écrivez plutôt « plan local d'urbanisme »"]
    assert jargon_found("La rue est en pavés.", pave) == []
    assert len(jargon_found("Le PAVE est voté.", pave)) == 1
    enrobe = entry("enrobé", "revêtement de la chaussée")
    assert jargon_found("Les Enrobés sont posés.", enrobe) == [
        "« Enrobés » est du jargon : écrivez plutôt « revêtement de la chaussée »"]
    assert jargon_found("Il enrobe le tuyau ; les enrobéss.", enrobe) == []
    moe = entry("maîtrise d'œuvre", "l'équipe qui conçoit le chantier")
    assert len(jargon_found("La maîtrise d’oeuvre est choisie.", moe)) == 1


def test_the_longest_term_wins_where_two_overlap():
    found = jargon_found("Réfection de la chaussée en mai, puis réfection des trottoirs.",
                         entry("réfection", "remise à neuf"), entry("réfection de la chaussée", "la rue est refaite"))
    assert found == ["« Réfection de la chaussée » est du jargon : écrivez plutôt « la rue est refaite »",
                     "« réfection » est du jargon : écrivez plutôt « remise à neuf »"]


def test_a_text_with_more_than_a_quarter_of_long_sentences_gets_a_remark():
    short = "La rue est fermée."
    remarks = PlainFrench((), 0).text_remarks(" ".join([LONG_SENTENCE, LONG_SENTENCE, short, short]), False)
    assert "2 phrases sur 4 ont plus de 20 mots (plus du quart) : raccourcissez-en" in remarks
    remarks = PlainFrench((), 0).text_remarks(" ".join([LONG_SENTENCE] + [short] * 4), False)
    assert not any("plus du quart" in r for r in remarks)


def test_sentences_and_words_are_counted_as_yoast_counts_them():
    assert split_sentences("Première phrase. Deuxième ! Troisième ?\n\nQuatrième") == [
        "Première phrase.", "Deuxième !", "Troisième ?", "Quatrième"]
    assert word_count("L'avenue Jean-Jaurès, fermée — 24 h.") == 5


SAMPLE = ("Les travaux de réfection de la chaussée commenceront lundi. La rue sera fermée pendant trois "
          "semaines. Les riverains pourront accéder à leur garage le soir. Une déviation est prévue par "
          "l'avenue des Tilleuls, signalée par des panneaux jaunes.")


def test_the_flesch_score_is_textstats_french_one():
    textstat.set_lang("fr")
    expected = textstat.flesch_reading_ease(SAMPLE)
    textstat.set_lang("en")
    assert flesch_score(SAMPLE) == pytest.approx(expected)
    # Kandel & Moles: 207 − 1.015 × words per sentence − 73.6 × syllables per word.
    textstat.set_lang("fr")
    words, sentences, syllables = (textstat.lexicon_count(SAMPLE), textstat.sentence_count(SAMPLE),
                                   textstat.syllable_count(SAMPLE))
    formula = 207 - 1.015 * words / sentences - 73.6 * syllables / words
    assert expected == pytest.approx(formula, abs=0.01)


def test_a_hard_text_gets_its_score_under_the_threshold():
    hard = ("L'administration communautaire institutionnalise réglementairement l'interopérabilité "
            "infrastructurelle intercommunale. Parallèlement, l'imperméabilisation systématique "
            "déséquilibre considérablement l'hydrogéologie environnementale. Conséquemment, "
            "l'intercommunalité expérimente l'infiltration décentralisée. Indubitablement, "
            "l'électrification généralisée accompagnera l'interconnexion. Réglementairement, "
            "l'interopérabilité intercommunale conditionnera l'imperméabilisation. Systématiquement, "
            "l'administration institutionnalisera l'hydrogéologie environnementale décentralisée.")
    score = flesch_score(hard)
    assert score < 50
    remarks = PlainFrench((), 60).text_remarks(hard, False)
    assert f"texte très difficile à lire (score de lisibilité {score:.0f}".replace("-", "−") in remarks[-1]
    assert PlainFrench((), 60).text_remarks(SAMPLE, False) == ()  # score above 60, short sentences


def test_remarks_are_in_the_model_each_at_its_file_line_and_field(tmp_path):
    site = small_site(tmp_path)
    model = load_site(site)
    fields = {(r.file, r.field) for r in model.plain_french}
    assert ("content/projects/lilas.yaml", "summary") in fields
    assert ("content/projects/lilas.yaml", "description") in fields
    assert not any(r.file.endswith("place-du-marche.yaml") for r in model.plain_french)


def test_strict_setting_turns_remarks_into_problems(tmp_path):
    from clairvoie.model import load_model
    from clairvoie.settings import ClairvoieSettings
    import datetime as dt
    from sites import PARIS

    site = small_site(tmp_path)
    settings = ClairvoieSettings(site_root=str(site), plain_french_strict=True)
    with pytest.raises(InvalidRecords) as refused:
        load_model(settings, str(site / "content"), "Europe/Paris",
                   now=dt.datetime(2026, 11, 24, 12, tzinfo=PARIS))
    assert any("« VRD » est du jargon" in p.message for p in refused.value.problems)


def test_a_remark_in_an_article_is_at_the_line_of_its_sentence(tmp_path):
    from building import REPO

    site = small_site(tmp_path, {"content/actualites/travaux.md": (
        "Title: Les travaux de mars\nDate: 2026-03-01\n\nUne courte phrase.\n\n"
        "- Rue des Lilas : fermée.\n- " + LONG_SENTENCE + "\n- Le giratoire est ouvert.\n")})
    result = run_clairvoie(site, "validate")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("content/actualites/travaux.md:")]
    assert any(line.startswith("content/actualites/travaux.md:7:1 — texte : phrase de 40 mots") for line in lines), lines
    assert "content/actualites/travaux.md:8:1 — texte : « giratoire » est du jargon : écrivez plutôt « rond-point »" \
        in lines


def test_every_staff_text_of_a_record_is_read_and_codes_are_not():
    from clairvoie.model.load import YamlDocument
    from clairvoie.model.plain_french import document_texts

    works = YamlDocument("content/works/a.yaml", "a", {
        "reference": "2026-ARR-0001", "title": "Fermeture", "kind": "closure", "street": "Rue des Lilas",
        "detour": "Par la rue Pasteur.", "cancelled": "Retiré.", "hours": "Mo-Fr 08:00-17:00"})
    assert [t.field for t in document_texts("works", works)] == ["title", "detour", "cancelled"]
    project = YamlDocument("content/projects/p.yaml", "p", {
        "title": "T", "summary": "S", "status": "in_progress", "category": "voirie",
        "updates": [{"kind": "delay", "title": "U", "body": "B", "reason": "R"}],
        "photos": [{"file": "x.jpg", "alt": "A", "caption": "C"}], "milestones": [{"title": "M"}]})
    assert [t.field for t in document_texts("project", project)] == [
        "title", "summary", "milestones[1].title", "updates[1].title", "updates[1].body", "updates[1].reason",
        "photos[1].alt", "photos[1].caption"]
    report = YamlDocument("content/signalements/1.yaml", "1", {
        "public_summary": "P", "history": [{"stage": "received", "note": "N"}, {"stage": "closed", "reason": "R"}]})
    assert [t.field for t in document_texts("report", report)] == [
        "public_summary", "history[1].note", "history[2].reason"]
