"""The text search indexes is read from each page once, by a regular expression that must
agree with html.parser on every page (a page it cannot read goes to html.parser)."""

import random

import pytest

from clairvoie.outputs import search
from clairvoie.model.synonyms import Synonym

PIECES = [
    "<div>", "</div>", "<DIV data-pagefind-body>", "<main data-pagefind-body>", "</main>", '<p class="a>b">', "</p>",
    "<section data-pagefind-ignore>", "</section>", '<span data-pagefind-ignore="all">', "</span>", "<br>", "<br/>",
    '<img src=x.png alt="a &amp; b">', '<path d="M1 2"/>', '<svg viewBox="0 0 1 1">', "</svg>", "texte", " &amp; ",
    "&eacute;t&eacute;", " a < b ", "<!-- c -->", "<script>x</script>", "\n  ", "<a href=foo/>", "</a>",
    "<a title='x>y' data-pagefind-body>", "& ", "&#233;", "<!DOCTYPE html>", "</ p>", "</div >", '<b\n class="x"\n>',
    '<input data-pagefind-body value="&lt;">', "<x-y data-pagefind-body>", "</x-y>", "fin &amp",
]


def parsed_by_html_parser(html):
    parser = search._IndexedText()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)


def test_the_text_is_the_one_html_parser_reads():
    pick = random.Random(7)
    for _ in range(5000):
        html = "".join(pick.choice(PIECES) for _ in range(pick.randint(1, 25)))
        assert search.indexed_text(html) == parsed_by_html_parser(html), html


@pytest.mark.parametrize("html", ["<main data-pagefind-body><script>a<b</script>c</main>",
                                  "<main data-pagefind-body>a <!-- b --> c</main>",
                                  "<main data-pagefind-body>1 < 2</main>"])
def test_what_the_expression_does_not_read_goes_to_html_parser(html):
    assert search._plain_indexed_text(html) is None
    assert search.indexed_text(html) == parsed_by_html_parser(html)


def test_residents_words_are_indexed_with_the_page_and_never_shown():
    residents = search.ResidentsWords((Synonym("lampadaire", ("éclairage public",), 1),
                                       Synonym("trou", ("nids de poule",), 2),
                                       Synonym("vélo", ("piste cyclable",), 3)))
    html = ("<html><body><header>Ville</header><main data-pagefind-body><h1>Éclairage public</h1>"
            "<p>Les nids-de-poule &amp; la chaussée.</p></main></body></html>")
    indexed, text = search.page_for_pagefind(html, residents)
    assert text == search.indexed_text(indexed)
    assert indexed.count("lampadaire") == indexed.count("trou") == 1 and "vélo" not in indexed
    assert '<p data-pagefind-weight="5">lampadaire</p><p data-pagefind-weight="0.5">trou</p>' in indexed
    assert search.page_for_pagefind("<main data-pagefind-body>Rien</main>", residents) == (
        "<main data-pagefind-body>Rien</main>", "Rien")


def test_the_vocabulary_by_letter_keeps_each_word_once_in_its_order():
    words = ["secteur", "étape", "travaux", "Œuvre", "sécurité", "zone", "ßtraße", "école"]
    letters = search.vocabulary_by_letter(words)
    assert letters == {"e": ["étape", "école"], "o": ["Œuvre"], "s": ["secteur", "sécurité", "ßtraße"],
                       "t": ["travaux"], "z": ["zone"]}


def test_index_chunks_grow_with_the_square_root_of_the_text():
    small = search.index_chunk_size(["mot " * 20_000])
    assert small == round(search.CHUNK_FACTOR * (2 * 20_000) ** 0.5)
    assert search.index_chunk_size(["mot " * 80_000]) == 2 * small
    assert search.index_chunk_size(["mot"]) == search.SMALLEST_CHUNK


def test_the_vocabulary_of_a_rebuild_counts_the_changed_texts_anew():
    """A rebuild in one process keeps each text's words: the vocabulary is still the one of
    its texts, most frequent first."""
    from clairvoie import incremental

    first = ["Travaux rue des Lilas", "Travaux &amp; réfection", "Écoles, écoles"]
    assert search.vocabulary(first) == ["écoles", "travaux", "lilas", "réfection"]  # ties: alphabetical
    incremental.KeptBetweenBuilds.new_build()
    second = ["Travaux rue des Lilas", "Réunion réunion réunion de quartier", "Écoles, écoles"]
    assert search.vocabulary(second) == ["réunion", "écoles", "lilas", "quartier", "travaux"]
