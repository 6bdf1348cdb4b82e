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

from building import DEMO_EPOCH, REPO
from demo_reports import demo_reports, in_sector

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


def test_every_sheet_is_one_or_two_a4_pages(sheets):
    for sector_id, (_, _, reader) in sheets.items():
        assert 1 <= len(reader.pages) <= 2, (sector_id, len(reader.pages))
        for page in reader.pages:
            assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842), sector_id


def test_the_sheets_body_text_is_10_points(demo_output):
    """Read on a notice board: nothing but the page numbers and small tags below 9 points, and
    most of the text at 10 points or more."""
    for sector_id in SECTORS:
        with pdfplumber.open(demo_output / "secteurs" / sector_id / "feuille.pdf") as pdf:
            sizes = [round(char["size"], 1) for page in pdf.pages for char in page.chars]
        assert min(sizes) >= 9, sector_id
        assert sum(size >= 10 for size in sizes) >= 0.7 * len(sizes), sector_id


def yaml_bad_news(sector_id: str) -> list[str]:
    """What is not going as planned in a sector, worked out from the YAML by the spec's rules,
    apart from the model: the titles of its projects late (planned or in progress, past their
    current planned end or with a delay update), over budget (spent above the last budget),
    suspended or cancelled; of its works orders withdrawn and not over; and the numbers of its
    overdue residents' reports (demo_reports.py)."""
    import datetime as dt

    today = dt.datetime.fromtimestamp(int(DEMO_EPOCH), tz=dt.timezone.utc).date()
    titles = []
    for project in demo_records("content/projects").values():
        if sector_id not in project["sectors"] and "all" not in project["sectors"]:
            continue
        updates = project.get("updates") or []
        ends = [u["new_planned_end"] for u in updates if u["kind"] == "delay"]
        end = max(ends) if ends else project["schedule"]["planned_end"]
        late = project["status"] in ("planned", "in_progress") and (today > end or bool(ends))
        budgets = [project.get("budget", {}).get("planned")] + [u["new_budget"] for u in updates
                                                                 if u["kind"] == "cost_overrun"]
        spent = (project.get("budget") or {}).get("spent")
        over = spent is not None and budgets[-1] is not None and spent > budgets[-1]
        if late or over or project["status"] in ("suspended", "cancelled"):
            titles.append(project["title"])
    for order in demo_records("content/works").values():
        end = order["end"].date() if isinstance(order["end"], dt.datetime) else order["end"]
        if sector_id in order["sectors"] and "cancelled" in order and end >= today:
            titles.append(order["title"])
    written = {str(data["number"]): data.get("sectors") for data in demo_records("content/signalements").values()
               if "number" in data}
    for report in demo_reports():
        sectors = written[report.number] or ([s for s in SECTORS if in_sector(report.point, s)] if report.point else [])
        if report.is_overdue and sector_id in sectors:
            titles.append(report.number)
    return titles


def test_every_bad_news_of_the_sector_is_on_its_sheet_first(sheets):
    """Bad news is never cut to fit the sheet: every item the YAML makes, before the works."""
    seen = 0
    for sector_id, (text, _, _) in sheets.items():
        sheet = squeezed(text)
        works_heading = sheet.index(squeezed("Travaux en cours et dans les"))
        for title in yaml_bad_news(sector_id):
            assert squeezed(title) in sheet[:works_heading], (sector_id, title)
            seen += 1
    assert seen >= 2 * len(SECTORS)


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


def test_every_item_of_the_sheet_has_the_qr_code_of_its_own_page(demo_output, sheets):
    """One code per card, next to it, leading to the page its title links to (the sheet's page,
    feuille.html, is the whole sheet: the demo's sectors fit on two pages without cutting)."""
    for sector_id, (_, codes, _) in sheets.items():
        page = (demo_output / "secteurs" / sector_id / "feuille.html").read_text(encoding="utf-8")
        cards = re.findall(r'<li class="card[^"]*">(.*?)<h3 class="card-title"><a href="([^"]+)"', page, re.S)
        assert len(cards) >= 5, sector_id
        expected = [f"/secteurs/{sector_id}/", *(href for _, href in cards)]
        assert sorted(codes) == sorted(f"{PUBLIC}{href}" for href in expected), sector_id
        for before_title, href in cards:
            assert f'alt="Code QR vers la page : {PUBLIC}{href}"' in before_title, (sector_id, href)


def test_the_large_print_sheet_has_the_same_qr_codes_as_the_sheets_page(demo_output):
    """Every code of the large-print sheet read as a phone reads it, one per card and the sector's
    at the top: the same addresses as the sheet's page (which the demo's sheets show whole)."""
    for sector_id in SECTORS:
        page = (demo_output / "secteurs" / sector_id / "feuille.html").read_text(encoding="utf-8")
        hrefs = re.findall(r'<li class="card[^"]*">.*?<h3 class="card-title"><a href="([^"]+)"', page, re.S)
        expected = [f"{PUBLIC}/secteurs/{sector_id}/", *(f"{PUBLIC}{href}" for href in hrefs)]
        with pdfplumber.open(demo_output / "secteurs" / sector_id / "feuille-gros-caracteres.pdf") as pdf:
            codes = [code.text for page in pdf.pages
                     for code in zxingcpp.read_barcodes(page.to_image(resolution=100).original)]
        assert codes[0] == expected[0] and sorted(codes) == sorted(expected), sector_id


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


def test_every_link_of_a_pdf_leads_to_a_published_page_at_the_public_address(demo_output):
    """Read on screen, a sheet's or a poster's links lead where its QR codes do: the public
    address of a page the build wrote (or a phone number, an email address), never a file."""
    pdfs = sorted(demo_output.glob("*/*/affiche.pdf")) + sorted(demo_output.glob("secteurs/*/*.pdf"))
    assert pdfs
    web = set()
    for path in pdfs:
        for page in pypdf.PdfReader(path).pages:
            for annotation in page.get("/Annots") or []:
                action = annotation.get_object().get("/A")
                if action and "/URI" in action:
                    uri = str(action["/URI"])
                    assert uri.startswith((f"{PUBLIC}/", "tel:", "mailto:")), (path, uri)
                    if uri.startswith(PUBLIC):
                        web.add(uri)
    assert web
    for uri in web:
        target = demo_output / uri.removeprefix(f"{PUBLIC}/").split("#")[0]
        assert (target / "index.html" if uri.endswith("/") else target).is_file(), uri


def test_each_works_site_has_its_a3_poster_and_no_other(demo_output, posters):
    made = sorted(str(p.relative_to(demo_output)) for p in demo_output.glob("*/*/affiche.pdf"))
    assert made == sorted(expected_posters())
    assert any(p.startswith("travaux/") for p in made) and any(p.startswith("projets/") for p in made)
    for save_as, (_, _, reader) in posters.items():
        assert len(reader.pages) == 1, (save_as, len(reader.pages))  # one sheet on the fence
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
        feed = [f"{PUBLIC}/projets/{project_id}/flux.atom"] if project_id else []  # the project's, if any
        assert sorted(codes) == sorted([f"{PUBLIC}/{page_url}", *feed]), save_as
        for code in codes[1:]:
            assert code.startswith(f"{PUBLIC}/projets/") and code.endswith("/flux.atom"), code
            assert (demo_output / code.removeprefix(f"{PUBLIC}/")).is_file()
    assert late_seen  # the demo has late projects with works on the ground


def test_the_sectors_letters_archive_links_the_months_sheet(demo_output):
    for sector_id in SECTORS:
        html = (demo_output / "secteurs" / sector_id / "lettres" / "index.html").read_text(encoding="utf-8")
        assert f'href="/secteurs/{sector_id}/feuille.pdf" type="application/pdf"' in html, sector_id


# --- a big city's sheets: fitted to two pages, bad news never cut ----------------------------------
def sheet_layouts(root, sector_ids=None):
    """Each sector's sheet of the city at ``root``, with the theme's templates and the demo's
    settings, without building the site: {sector id: (its PaperDocument, its render function)}."""
    from pelican.settings import read_settings

    from clairvoie.generator import ClairvoieGenerator
    from clairvoie.labels import template_filters, template_globals
    from clairvoie.outputs import paper
    from sites import load_site

    settings = read_settings(str(REPO / "pelicanconf.py"),
                             override={"PATH": str(root / "content"), "THEME": str(REPO / "themes" / "clairvoie")})
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}), **template_filters()}
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), **template_globals()}
    context = {**settings, "SITEURL": ""}
    generator = ClairvoieGenerator(context=context, settings=settings, path=settings["PATH"],
                                   theme=settings["THEME"], output_path=str(root / "output"))
    model = load_site(root)
    generator.env.globals.update(SITEURL="", model=model)
    found = {}
    for document in paper.documents(model, PUBLIC):
        sector_id = document.save_as.split("/")[1]
        if not document.save_as.endswith(f"/{paper.SHEET_FILE}") or sector_ids and sector_id not in sector_ids:
            continue

        def render(changes, document=document):
            return generator.get_template(document.template).render(
                {**context, "model": model, **document.variables, **changes})

        found[sector_id] = (document, render)
    return found


def fitted_sheets(root, sector_ids=None):
    """Each sector's sheet of the city at ``root`` laid out as write_paper does (paper.fitted): {sector id: PDF}."""
    from clairvoie.outputs import paper

    return {sector_id: paper.fitted(document, render, str(root)).write_pdf(pdf_variant=paper.PDF_VARIANT)
            for sector_id, (document, render) in sheet_layouts(root, sector_ids).items()}


def stepwise_fitted(document, render, base_url):
    """The sheet as the first fitting laid it out (commit a3256ea): every try laid out to its end,
    the cap doubled while it fits, then a binary search. paper.fitted must choose as it did."""
    from clairvoie.outputs.paper import laid_out

    layout = laid_out(render({}), base_url)
    if len(layout.pages) <= document.max_pages:
        return layout
    for fitting in document.fittings:
        if not fitting and not any(document.after_uncut in page.anchors for page in layout.pages[:document.max_pages]):
            continue
        layout = laid_out(render({**fitting, "cap": 0}), base_url)
        if len(layout.pages) > document.max_pages:
            continue
        shortest, longest, failed = 0, document.longest_list, False
        while shortest < longest:
            cap = (shortest + longest + 1) // 2 if failed else min(2 * shortest or 1, longest)
            attempt = laid_out(render({**fitting, "cap": cap}), base_url)
            if len(attempt.pages) <= document.max_pages:
                shortest, layout = cap, attempt
            else:
                longest, failed = cap - 1, True
        return layout
    return layout


def fitted_as_stepwise(root, sector_ids=None):
    """Each sector's sheet of the city at ``root`` fitted by paper.fitted, checked byte for byte
    against the stepwise search's: {sector id: PDF}."""
    from clairvoie.outputs import paper

    sheets = {}
    for sector_id, (document, render) in sheet_layouts(root, sector_ids).items():
        sheets[sector_id] = paper.fitted(document, render, str(root)).write_pdf(pdf_variant=paper.PDF_VARIANT)
        stepwise = stepwise_fitted(document, render, str(root)).write_pdf(pdf_variant=paper.PDF_VARIANT)
        assert sheets[sector_id] == stepwise, sector_id
    return sheets


def city_bad_news(root) -> dict[str, list[str]]:
    """The titles of a synthetic city's projects in trouble in each sector, from its YAML by the
    spec's rules (as yaml_bad_news), and its withdrawn works orders not over: what each sector's
    sheet must list, by sector id (each YAML file read once)."""
    import datetime as dt

    today = dt.datetime.fromtimestamp(int(DEMO_EPOCH), tz=dt.timezone.utc).date()

    def day(value):
        return value.date() if isinstance(value, dt.datetime) else value

    titles = {path.stem: [] for path in (root / "sectors").glob("*.yaml")}
    for path in sorted((root / "content/projects").glob("*.yaml")):
        project = yaml.safe_load(path.read_text(encoding="utf-8"))
        updates = project.get("updates") or []
        ends = [day(u["new_planned_end"]) for u in updates if u["kind"] == "delay"]
        end = max(ends) if ends else day(project["schedule"]["planned_end"])
        late = project["status"] in ("planned", "in_progress") and (today > end or bool(ends))
        budget = project.get("budget") or {}
        budgets = [budget.get("planned")] + [u["new_budget"] for u in updates if u["kind"] == "cost_overrun"]
        over = budget.get("spent") is not None and budgets[-1] is not None and budget["spent"] > budgets[-1]
        if late or over or project["status"] in ("suspended", "cancelled"):
            for sector_id in titles:
                if sector_id in project["sectors"] or "all" in project["sectors"]:
                    titles[sector_id].append(project["title"])
    for path in sorted((root / "content/works").glob("*.yaml")):
        order = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "cancelled" in order and day(order["end"]) >= today:
            for sector_id in titles:
                if sector_id in order["sectors"]:
                    titles[sector_id].append(order["title"])
    return titles


def test_a_big_citys_sheets_fit_on_two_pages_with_all_their_bad_news(tmp_path):
    """The benchmark's M city (bench/make_city.py): a hundred items of bad news a sector, dozens of
    works and projects. Its sheets list every bad news, one line each, and what else fits. Its
    three sectors with the most bad news (laying out all ten takes minutes); the first also fitted
    by the stepwise search, to the same bytes."""
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    from make_city import make_city

    root = make_city("M", 1, tmp_path / "city")
    bad_news = city_bad_news(root)
    sector_ids = sorted(bad_news, key=lambda sector_id: -len(bad_news[sector_id]))[:3]
    sheets = {**fitted_sheets(root, sector_ids[1:]), **fitted_as_stepwise(root, sector_ids[:1])}
    assert sorted(sheets) == sorted(sector_ids)
    for sector_id, pdf in sheets.items():
        path = tmp_path / f"{sector_id}.pdf"
        path.write_bytes(pdf)
        reader = pypdf.PdfReader(path)
        assert len(reader.pages) <= 2, (sector_id, len(reader.pages))
        text = squeezed("\n".join(page.extract_text() for page in reader.pages))
        assert len(bad_news[sector_id]) > 20, sector_id
        for title in bad_news[sector_id]:
            assert squeezed(title) in text, (sector_id, title)
        assert squeezed("autres arrêtés de travaux") in text or squeezed("arrêtés de travaux : voir") in text


def too_many_works_city(root):
    """Little bad news in secteur-1, sixty works orders ending one day after another."""
    import datetime as dt

    from sites import project_yaml, write_site

    orders = {f"content/works/arrete-{number:02d}.yaml": (
        f"reference: 2026-ARR-{number:04d}\ntitle: Réfection du trottoir numéro {number:02d}\n"
        f"sectors: [secteur-1]\nkind: closure\nstreet: Rue des Essais {number:02d}\n"
        f"start: 2026-11-02\nend: {dt.date(2026, 11, 30) + dt.timedelta(days=number)}\n") for number in range(60)}
    late = project_yaml(title="title: Réfection du pont des Essais",
                        schedule="schedule:\n  planned_start: 2026-01-05\n  planned_end: 2026-10-30")
    return write_site(root, {**orders, "content/projects/pont.yaml": late})


def test_a_sector_with_too_many_works_shows_the_nearest_and_says_how_many_more(tmp_path):
    """Little bad news, sixty works orders: the bad news in full cards, then the works ending
    soonest, and « Et N autres arrêtés de travaux : voir <the sector's page> » (chosen as the
    stepwise search chose it)."""
    root = too_many_works_city(tmp_path / "city")
    path = tmp_path / "feuille.pdf"
    path.write_bytes(fitted_as_stepwise(root, ["secteur-1"])["secteur-1"])
    reader = pypdf.PdfReader(path)
    text = squeezed("\n".join(page.extract_text() for page in reader.pages))
    assert len(reader.pages) <= 2
    assert squeezed("Réfection du pont des Essais") in text
    shown = [number for number in range(60) if squeezed(f"Rue des Essais {number:02d}") in text]
    assert shown == list(range(len(shown))) and 3 <= len(shown) < 60  # the nearest ends, in order
    assert squeezed(f"Et {60 - len(shown)} autres arrêtés de travaux : voir {PUBLIC}/secteurs/secteur-1/") in text
    assert squeezed("En retard de") in text  # the bad news kept as a card, its facts written out


def test_the_demos_sheets_are_fitted_as_the_stepwise_search_fits_them():
    assert sorted(fitted_as_stepwise(REPO)) == SECTORS


def test_a_layout_stopped_past_its_page_limit_begins_as_the_whole_layout(tmp_path):
    """Fitting stops a layout at its first page too many: those pages are the whole layout's
    (same anchors, links and bookmarks at the same places); within the limit, it is the whole layout."""
    from clairvoie.outputs import paper

    root = too_many_works_city(tmp_path / "city")
    document, render = sheet_layouts(root, ["secteur-1"])["secteur-1"]
    html = render({})

    def marks(pages):
        return [(page.anchors, [link[:3] for link in page.links], page.bookmarks) for page in pages]

    whole = paper.laid_out(html, str(root))
    assert len(whole.pages) >= 3
    stopped = paper.laid_out_at_most(html, str(root), 1)
    assert isinstance(stopped, paper.TooLong) and marks(stopped.pages) == marks(whole.pages[:2])
    within = paper.laid_out_at_most(html, str(root), len(whole.pages))
    assert within.write_pdf(pdf_variant=paper.PDF_VARIANT) == whole.write_pdf(pdf_variant=paper.PDF_VARIANT)
