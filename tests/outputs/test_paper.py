"""Paper (outputs/paper.py): each sector's sheet, read as its users' tools read it — the text
in reading order and the document's declarations with pypdf, the pages drawn by pdfplumber for
zxing-cpp to read the QR codes — and compared with the sector page of the same build."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pdfplumber
import pypdf
import pytest
import yaml
import zxingcpp

from building import REPO

PUBLIC = "https://www.villebrune-sur-lise.fr"  # CLAIRVOIE_NEWSLETTER_SITEURL: the demo's SITEURL is relative
SECTORS = sorted(path.stem for path in (REPO / "sectors").glob("*.yaml"))


def squeezed(text: str) -> str:
    """Without any white space: a title broken over two lines of the sheet still matches."""
    return re.sub(r"\s+", "", text)


class _Sections(HTMLParser):
    """The card titles (h3/h4) and works streets of each section of a sector page, by section id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.titles: dict[str, list[str]] = {}
        self._section = None
        self._title: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "section":
            self._section = attributes.get("aria-labelledby")
        elif tag in ("h3", "h4") and self._section:
            self._title = []

    def handle_endtag(self, tag):
        if tag in ("h3", "h4") and self._title is not None:
            self.titles.setdefault(self._section, []).append(" ".join("".join(self._title).split()))
            self._title = None

    def handle_data(self, data):
        if self._title is not None:
            self._title.append(data)


def page_titles(output, sector_id: str) -> dict[str, list[str]]:
    parser = _Sections()
    parser.feed((output / "secteurs" / sector_id / "index.html").read_text(encoding="utf-8"))
    return parser.titles


@pytest.fixture(scope="module")
def sheets(demo_output):
    """Each sector's sheet: (its text, the addresses its QR codes hold, its pypdf reader)."""
    read = {}
    for sector_id in SECTORS:
        path = demo_output / "secteurs" / sector_id / "feuille.pdf"
        reader = pypdf.PdfReader(path)
        text = "\n".join(page.extract_text() for page in reader.pages)  # the tagged order: column by column
        with pdfplumber.open(path) as pdf:
            codes = [code.text for page in pdf.pages
                     for code in zxingcpp.read_barcodes(page.to_image(resolution=150).original)]
        read[sector_id] = (text, codes, reader)
    return read


def test_every_sector_has_a_tagged_titled_french_sheet_with_embedded_fonts(sheets):
    for sector_id, (_, _, reader) in sheets.items():
        name = yaml.safe_load((REPO / "sectors" / f"{sector_id}.yaml").read_text(encoding="utf-8"))["name"]
        root = reader.trailer["/Root"]
        assert name in reader.metadata.title, sector_id
        assert root["/Lang"] == "fr"
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], "a tagged PDF"
        fonts = [font.get_object() for page in reader.pages
                 for font in page["/Resources"]["/Font"].values()]
        assert fonts
        for font in fonts:
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), "font not embedded"


def test_the_sheet_says_what_the_sector_page_says_bad_news_first(demo_output, sheets):
    checked = 0
    for sector_id, (text, _, _) in sheets.items():
        titles = page_titles(demo_output, sector_id)
        sheet = squeezed(text)
        bad_news = titles.get("mauvaises-nouvelles", [])
        works = titles.get("travaux-en-cours", []) + titles.get("travaux-a-venir", [])
        for title in bad_news + works + titles.get("reunions", []):
            assert squeezed(title) in sheet, (sector_id, title)
            checked += 1
        if bad_news:  # what is not going as planned comes before everything else
            first_works = min((sheet.index(squeezed(t)) for t in works), default=len(sheet))
            assert all(sheet.index(squeezed(t)) < first_works for t in bad_news), sector_id
        html = (demo_output / "secteurs" / sector_id / "index.html").read_text(encoding="utf-8")
        section = html[html.index('id="mauvaises-nouvelles"'):html.index('id="signalements"')]
        for reasons in re.findall(r'<ul class="reasons">(.*?)</ul>', section, re.S):
            for reason in re.findall(r"<li>(.*?)</li>", reasons, re.S):
                assert squeezed(unescape(reason)) in sheet, (sector_id, reason)
                checked += 1
    assert checked > 30


def test_the_sheet_carries_the_dates_of_its_works(demo_output, sheets):
    """The dates of the sector page's works orders, as the page writes them (« 24 novembre 2026 »)."""
    for sector_id, (text, _, _) in sheets.items():
        html = (demo_output / "secteurs" / sector_id / "index.html").read_text(encoding="utf-8")
        section = html[html.index('id="travaux-en-cours"'):html.index('id="projets"')]
        dates = set(re.findall(r"<time datetime=\"[^\"]+\">([^<]+)</time>", section))
        assert dates, sector_id
        for day in dates:
            assert squeezed(day) in squeezed(text), (sector_id, day)


def test_every_qr_code_leads_to_the_right_absolute_address(demo_output, sheets):
    for sector_id, (_, codes, _) in sheets.items():
        html = (demo_output / "secteurs" / sector_id / "index.html").read_text(encoding="utf-8")
        section = html[html.index('id="mauvaises-nouvelles"'):html.index('id="signalements"')]
        bad_news_links = {f"{PUBLIC}{href}" for href in re.findall(r'<h3 class="card-title"><a href="([^"]+)"', section)}
        assert codes and codes[0] == f"{PUBLIC}/secteurs/{sector_id}/"
        assert bad_news_links <= set(codes), sector_id
        for code in codes:
            assert code.startswith(f"{PUBLIC}/") and code.endswith("/"), code
            assert (demo_output / code.removeprefix(f"{PUBLIC}/") / "index.html").is_file(), code


def test_the_large_print_sheet_says_the_same_at_16_points_at_least(demo_output, sheets):
    for sector_id, (text, _, _) in sheets.items():
        path = demo_output / "secteurs" / sector_id / "feuille-gros-caracteres.pdf"
        reader = pypdf.PdfReader(path)
        assert "gros caractères" in reader.metadata.title and reader.trailer["/Root"]["/Lang"] == "fr"
        large = squeezed("\n".join(page.extract_text() for page in reader.pages))
        for title in page_titles(demo_output, sector_id).get("mauvaises-nouvelles", []):
            assert squeezed(title) in large, (sector_id, title)
        with pdfplumber.open(path) as pdf:
            sizes = {round(char["size"], 1) for page in pdf.pages for char in page.chars}
        assert min(sizes) >= 16, (sector_id, sorted(sizes)[:3])
        assert len(large) >= 0.9 * len(squeezed(text))  # nothing left out for the larger letters


def test_the_sector_page_offers_both_sheets(demo_output):
    for sector_id in SECTORS:
        html = (demo_output / "secteurs" / sector_id / "index.html").read_text(encoding="utf-8")
        links = re.findall(r'<a href="([^"]+\.pdf)" type="application/pdf">', html)
        assert links == [f"/secteurs/{sector_id}/feuille.pdf", f"/secteurs/{sector_id}/feuille-gros-caracteres.pdf"]
        assert all((demo_output / link.lstrip("/")).is_file() for link in links)
