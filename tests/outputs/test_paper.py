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
    """Without any white space (a title broken over two lines of the sheet still matches) nor
    tags (a glossary link inside a page's sentence)."""
    return re.sub(r"\s+", "", unescape(re.sub(r"<[^>]+>", "", text)))


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


# --- posters for the works fence ----------------------------------------------------------------
def demo_records(folder: str) -> dict[str, dict]:
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted((REPO / folder).glob("*.yaml"))}


def expected_posters() -> list[str]:
    """Works orders not withdrawn, in progress or starting within 14 days; projects in progress
    or suspended: worked out from the YAML and the demo's date, apart from the model."""
    import datetime as dt

    today, soon = dt.date(2026, 11, 24), dt.date(2026, 11, 24) + dt.timedelta(days=14)

    def day(value):
        return value.date() if isinstance(value, dt.datetime) else value

    works = [f"travaux/{i}/affiche.pdf" for i, w in demo_records("content/works").items()
             if "cancelled" not in w and day(w["start"]) <= soon and day(w["end"]) >= today]
    projects = [f"projets/{i}/affiche.pdf" for i, p in demo_records("content/projects").items()
                if p["status"] in ("in_progress", "suspended")]
    return works + projects


@pytest.fixture(scope="module")
def posters(demo_output):
    read = {}
    for save_as in expected_posters():
        path = demo_output / save_as
        reader = pypdf.PdfReader(path)
        with pdfplumber.open(path) as pdf:
            codes = [code.text for page in pdf.pages
                     for code in zxingcpp.read_barcodes(page.to_image(resolution=100).original)]
        read[save_as] = ("\n".join(page.extract_text() for page in reader.pages), codes, reader)
    return read


def test_each_works_site_has_its_a3_poster_and_no_other(demo_output, posters):
    made = sorted(str(p.relative_to(demo_output)) for p in demo_output.glob("*/*/affiche.pdf"))
    assert made == sorted(expected_posters())
    assert any(p.startswith("travaux/") for p in made) and any(p.startswith("projets/") for p in made)
    for save_as, (_, _, reader) in posters.items():
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (842, 1191), save_as  # A3 portrait
        assert reader.trailer["/Root"]["/Lang"] == "fr" and "/StructTreeRoot" in reader.trailer["/Root"]
        assert "affiche" in reader.metadata.title


def test_a_poster_says_what_where_when_and_why_late_as_the_page_does(demo_output, posters):
    late_seen = 0
    for save_as, (text, codes, _) in posters.items():
        page_url = save_as.removesuffix("affiche.pdf")
        html = (demo_output / page_url / "index.html").read_text(encoding="utf-8")
        poster = squeezed(text)
        title = unescape(re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1))
        if save_as.startswith("travaux/"):
            data = demo_records("content/works")[page_url.split("/")[1]]
            assert squeezed(data["street"]) in poster and squeezed(data["title"]) in poster, save_as
            period = html[html.index("<dt>Début</dt>"):html.index("<dt>Aujourd'hui</dt>")]
        else:
            assert squeezed(title) in poster, save_as
            period = html
        for day in re.findall(r"<time datetime=\"[^\"]+\">([^<]+)</time>", period)[:2]:
            assert squeezed(day) in poster, (save_as, day)
        project_id = page_url.split("/")[1] if save_as.startswith("projets/") else data.get("project")
        if project_id:  # the reasons the project's page gives for what is going wrong now
            project_page = (demo_output / "projets" / project_id / "index.html").read_text(encoding="utf-8")
            given = re.search(r"Raisons? données? :</p>\s*<ul>(.*?)</ul>", project_page, re.S)
            for reason in re.findall(r"<li>(.*?)</li>", given.group(1), re.S) if given else []:
                assert squeezed(unescape(reason)) in poster, (save_as, reason)
                late_seen += 1
        assert codes and codes[0] == f"{PUBLIC}/{page_url}", save_as
        for code in codes[1:]:
            assert code.startswith(f"{PUBLIC}/projets/") and code.endswith("/flux.atom"), code
            assert (demo_output / code.removeprefix(f"{PUBLIC}/")).is_file()
    assert late_seen  # the demo has late projects with works on the ground


def test_the_sectors_letters_archive_links_the_months_sheet(demo_output):
    for sector_id in SECTORS:
        html = (demo_output / "secteurs" / sector_id / "lettres" / "index.html").read_text(encoding="utf-8")
        assert f'href="/secteurs/{sector_id}/feuille.pdf" type="application/pdf"' in html, sector_id
