"""News feeds of every sector and of the whole city: RSS 2.0, Atom and JSON Feed 1.1.

Checked with feedparser (RSS, Atom) and against the JSON Feed 1.1 required fields, on the
demo city and on a small fixture city built twice around an edit.
"""

import dataclasses
import datetime as dt
import json
import re
import shutil
from html import unescape
from html.parser import HTMLParser

import feedparser
import pytest
import yaml

from building import CHROMIUM, CHROMIUM_ARGS, REPO, run_pelican, serve
from clairvoie.outputs import feeds, syndication
from sites import load_site, project_yaml, write_site

DEMO_TODAY = dt.date(2026, 11, 24)  # DEMO_EPOCH, in Europe/Paris
SECTORS = sorted(p.stem for p in (REPO / "sectors").glob("*.yaml"))
SCOPES = [None, *SECTORS]  # None: the whole city
XSL_INSTRUCTION = b'<?xml-stylesheet type="text/xsl" href="/theme/feeds/feed.xsl"?>'
MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml",
               "json": "application/feed+json"}
NEGATIVE = "Mauvaise nouvelle"


# --- helpers --------------------------------------------------------------------------------
def feed_file(output, sector_id, ext):
    return output / feeds.feed_path(sector_id, ext)


def parsed(output, sector_id, ext):
    result = feedparser.parse(feed_file(output, sector_id, ext).read_bytes())
    assert result.bozo == 0, (sector_id, ext, result.get("bozo_exception"))
    return result


def json_feed(output, sector_id):
    return json.loads(feed_file(output, sector_id, "json").read_text(encoding="utf-8"))


def records(folder):
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((REPO / folder).glob("*.yaml"))}


def sectors_of(record):
    return SECTORS if record["sectors"] == ["all"] else record["sectors"]


def terms(entry):
    return [tag["term"] for tag in entry.get("tags", [])]


def aware(text):
    value = dt.datetime.fromisoformat(text)
    assert value.tzinfo is not None, text
    return value


class _Alternates(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate":
            self.links.append(attrs)


def alternates(page):
    parser = _Alternates()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.links


# --- the demo city ----------------------------------------------------------------------------
@pytest.mark.parametrize("sector_id", SCOPES)
def test_rss_and_atom_parse_and_carry_the_same_entries(demo_output, sector_id):
    rss = parsed(demo_output, sector_id, "rss")
    atom = parsed(demo_output, sector_id, "atom")
    assert rss.version == "rss20" and atom.version == "atom10"
    assert 0 < len(rss.entries) <= 50
    assert [e.id for e in rss.entries] == [e.id for e in atom.entries]
    assert [e.title for e in rss.entries] == [e.title for e in atom.entries]
    assert all(re.fullmatch(r"tag:[a-z0-9.-]+,2026:[^\s]+", e.id) for e in rss.entries)
    assert len({e.id for e in rss.entries}) == len(rss.entries)
    assert rss.feed.language == "fr"
    name = "Toute la ville" if sector_id is None else yaml.safe_load(
        (REPO / "sectors" / f"{sector_id}.yaml").read_text(encoding="utf-8"))["name"]
    assert rss.feed.title == atom.feed.title == f"{name} : actualités et travaux"


@pytest.mark.parametrize("sector_id", SCOPES)
def test_xml_feeds_point_browsers_to_the_stylesheet(demo_output, sector_id):
    for ext in ("rss", "atom"):
        lines = feed_file(demo_output, sector_id, ext).read_bytes().split(b"\n")
        assert lines[0].startswith(b"<?xml version=")
        assert lines[1] == XSL_INSTRUCTION
    for name in ("feed.xsl", "feed.css", "feed-xml.css"):
        assert (demo_output / "theme" / "feeds" / name).is_file()


@pytest.mark.parametrize("sector_id", SCOPES)
def test_json_feed_1_1(demo_output, sector_id):
    data = json_feed(demo_output, sector_id)
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["title"] and data["language"] == "fr"
    assert data["home_page_url"] == ("/" if sector_id is None else f"/secteurs/{sector_id}/")
    assert data["feed_url"] == "/" + feeds.feed_path(sector_id, "json")
    assert isinstance(data["items"], list) and data["items"]
    for item in data["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_html") or item.get("content_text")
        assert item["url"].startswith("/") and item["title"]
        assert isinstance(item["tags"], list) and item["tags"]
        aware(item["date_published"])
        assert item["_clairvoie"]["negative"] == (NEGATIVE in item["tags"])
    rss = parsed(demo_output, sector_id, "rss")
    assert [item["id"] for item in data["items"]] == [entry.id for entry in rss.entries]


@pytest.mark.parametrize("sector_id", SCOPES)
def test_entries_newest_first_and_feed_dated_by_its_newest_entry(demo_output, sector_id):
    items = json_feed(demo_output, sector_id)["items"]
    dates = [aware(item["date_published"]) for item in items]
    assert dates == sorted(dates, reverse=True)
    assert max(dates).date() <= DEMO_TODAY
    rss = parsed(demo_output, sector_id, "rss")
    published = [e.published_parsed for e in rss.entries]
    assert published == sorted(published, reverse=True)
    assert rss.feed.updated_parsed == rss.entries[0].published_parsed  # lastBuildDate
    atom = parsed(demo_output, sector_id, "atom")
    assert atom.feed.updated_parsed == atom.entries[0].updated_parsed
    assert atom.feed.updated == dates[0].isoformat()


def test_sector_feeds_carry_only_what_concerns_the_sector(demo_output):
    city = {e.id for e in parsed(demo_output, None, "rss").entries}
    sector_ids = {sector_id: {e.id for e in parsed(demo_output, sector_id, "rss").entries}
                  for sector_id in SECTORS}
    assert len({frozenset(ids) for ids in sector_ids.values()}) == len(SECTORS)
    for sector_id, ids in sector_ids.items():
        for item in json_feed(demo_output, sector_id)["items"]:
            key = item["id"].split(":", 2)[2]
            kind, record_id = key.split("/")[:2]
            if kind == "projets":
                assert sector_id in sectors_of(records("content/projects")[record_id])
            elif kind == "travaux":
                assert sector_id in records("content/works")[record_id]["sectors"]
    newest = max(aware(item["date_published"])
                 for sector_id in SECTORS for item in json_feed(demo_output, sector_id)["items"])
    assert aware(json_feed(demo_output, None)["items"][0]["date_published"]) == newest
    assert city  # the city-wide feed is its own selection, capped like the others


def test_a_project_delay_is_in_its_sector_feeds_with_its_reason(demo_output):
    delays = [(update["date"], project_id, project, update)
              for project_id, project in records("content/projects").items()
              for update in project.get("updates", [])
              if update["kind"] == "delay" and update["date"] <= DEMO_TODAY]
    date, project_id, project, update = max(delays, key=lambda d: (d[0], d[1]))
    key = f"projets/{project_id}/{date.isoformat()}/delay"
    # (the city-wide feed, capped at 50 entries, reaches less far back than a sector's)
    for sector_id in sectors_of(project):
        entry = next(e for e in parsed(demo_output, sector_id, "rss").entries if e.id.endswith(key))
        assert entry.title == f"Retard — {project['title']} : {update['title']}"
        assert "Retard" in terms(entry) and NEGATIVE in terms(entry)
        assert update["reason"] in entry.summary
        assert update["reason"] in unescape(entry.content[0].value)
        assert entry.link.endswith(f"/projets/{project_id}/")
        atom = next(e for e in parsed(demo_output, sector_id, "atom").entries if e.id == entry.id)
        assert update["reason"] in atom.summary and NEGATIVE in terms(atom)
        item = next(i for i in json_feed(demo_output, sector_id)["items"] if i["id"] == entry.id)
        assert update["reason"] in item["summary"] and "Retard" in item["tags"]
        assert item["_clairvoie"]["reason"] == update["reason"]


def test_a_cancelled_works_order_is_in_its_sector_feeds(demo_output):
    cancelled = [(order.get("signed") or order["start"], order_id, order)
                 for order_id, order in records("content/works").items() if order.get("cancelled")]
    signed, order_id, order = max(cancelled, key=lambda c: (str(c[0]), c[1]))
    # (the city-wide feed, capped at 50 entries, reaches less far back than a sector's: since
    # residents' reports are announced too, it ends after this withdrawal)
    for sector_id in order["sectors"]:
        entries = parsed(demo_output, sector_id, "rss").entries
        withdrawn = next(e for e in entries if e.id.endswith(f"travaux/{order_id}/retrait"))
        assert withdrawn.title == f"Arrêté retiré — {order['title']}"
        assert "Arrêté retiré" in terms(withdrawn) and NEGATIVE in terms(withdrawn)
        assert order["cancelled"] in withdrawn.summary
        assert order["reference"] in unescape(withdrawn.content[0].value)
        # the order itself was news when it was signed: it stays, as a new order
        new = next(e for e in entries if e.id.endswith(f"travaux/{order_id}"))
        assert NEGATIVE not in terms(new) and "Arrêté de travaux" in terms(new)


def test_good_news_is_not_marked_negative(demo_output):
    items = json_feed(demo_output, None)["items"]
    good = [i for i in items if not i["_clairvoie"]["negative"]]
    assert good and all(NEGATIVE not in i["tags"] for i in good)
    assert {"Actualité"} <= {tag for i in good for tag in i["tags"]}


@pytest.mark.parametrize("sector_id", SCOPES)
def test_pages_announce_feeds_that_exist(demo_output, sector_id):
    page = demo_output / ("index.html" if sector_id is None else f"secteurs/{sector_id}/index.html")
    links = alternates(page)
    ours = [link for link in links if link["href"].rsplit("/", 1)[-1].startswith("flux.")]
    assert [link["type"] for link in ours] == list(MEDIA_TYPES.values())
    for link in links:
        assert (demo_output / link["href"].lstrip("/")).is_file(), link["href"]
    for link in ours:
        ext = link["href"].rsplit(".", 1)[1]
        assert link["type"] == MEDIA_TYPES[ext]
        assert link["title"].endswith({"rss": "(RSS)", "atom": "(Atom)", "json": "(JSON Feed)"}[ext])
        assert link["href"] == "/" + feeds.feed_path(sector_id, ext)


def test_sector_4_link_titles(demo_output):
    titles = [link["title"] for link in alternates(demo_output / "secteurs/secteur-4/index.html")]
    assert "Secteur 4 – Les Hauts : actualités et travaux (RSS)" in titles


# --- the model alone: cap, identity, addresses ------------------------------------------------
UPDATES = """updates:
  - date: 2026-05-02
    kind: delay
    title: Le chantier prend du retard
    body: La pluie a **noyé** la tranchée.
    reason: Intempéries
    new_planned_end: 2027-01-31
  - date: 2026-06-10
    kind: cost_overrun
    title: Le budget augmente
    reason: Canalisations anciennes
    new_budget: 150000
  - date: 2026-07-01
    kind: progress
    title: Les trottoirs sont faits
"""


def test_cap_negative_titles_and_reasons(tmp_path):
    write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(updates=UPDATES)})
    model = load_site(tmp_path)
    feed = feeds.feed_of(model, "secteur-1", "", "Ville")
    assert [e.title for e in feed.entries] == [
        "Réfection de la rue des Lilas : Les trottoirs sont faits",
        "Dépassement de budget — Réfection de la rue des Lilas : Le budget augmente",
        "Retard — Réfection de la rue des Lilas : Le chantier prend du retard",
    ]
    delay = feed.entries[2]
    assert delay.summary == "Raison : Intempéries. Nouvelle date de fin prévue : 31 janvier 2027."
    assert "<strong>noyé</strong>" in delay.content_html and "Intempéries" in delay.content_html
    assert delay.categories == ("Retard", NEGATIVE)
    assert "Nouveau budget : 150\u202f000\u00a0€" in feed.entries[1].summary
    assert feed.updated == feed.entries[0].date == dt.datetime(2026, 7, 1, tzinfo=feed.updated.tzinfo)
    assert feeds.feed_of(model, "secteur-2", "", "Ville").entries == ()
    model = dataclasses.replace(model, settings=dataclasses.replace(model.settings, feed_entries=2))
    capped = feeds.feed_of(model, None, "", "Ville")
    assert [e.id for e in capped.entries] == [e.id for e in feed.entries[:2]]
    result = feedparser.parse(feeds.rss_bytes(capped))
    assert result.bozo == 0 and len(result.entries) == 2


def test_entry_ids_come_from_a_stable_site_identity():
    assert (syndication.entry_id("villebrune.fr", "projets/lilas/2026-05-02/delay")
            == "tag:villebrune.fr,2026:projets/lilas/2026-05-02/delay")
    assert syndication.entry_id("a.fr", "actualites/été") == "tag:a.fr,2026:actualites/%C3%A9t%C3%A9"


def test_stylesheets_live_under_the_site_path():
    assert syndication.stylesheets({"SITEURL": ""})[0] == ("text/xsl", "/theme/feeds/feed.xsl")
    assert syndication.stylesheets({"SITEURL": "https://exemple.fr/ville/"}) == (
        ("text/xsl", "/ville/theme/feeds/feed.xsl"), ("text/css", "/ville/theme/feeds/feed-xml.css"))


# --- a small city built by Pelican, before and after an edit ----------------------------------
WORKS = """
    reference: 2026-ARR-0001
    title: Fermeture de la rue des Lilas
    sectors: [secteur-1]
    kind: closure
    street: Rue des Lilas
    start: 2026-11-30
    end: 2026-12-04
    signed: 2026-11-10
    cancelled: Chantier reporté
    """
ARTICLE = """
    Title: Réunion de chantier rue des Lilas
    Date: 2026-11-12 18:00
    Sectors: secteur-1
    Summary: Les riverains sont invités.

    Venez nombreux.
    """
PUBLISH = """
    import os, sys
    sys.path.append(os.curdir)
    from pelicanconf import *  # noqa
    SITEURL = "https://www.exemple.fr"
    CLAIRVOIE_FEED_DOMAIN = ""  # ids from SITEURL's host
    """


def small_city(root, updates=UPDATES):
    write_site(root, {
        "content/projects/lilas.yaml": project_yaml(updates=updates),
        "content/works/fermeture-lilas.yaml": WORKS,
        "content/actualites/reunion.md": ARTICLE,
        "publish.py": PUBLISH,
    })
    if not (root / "themes").exists():
        shutil.copytree(REPO / "themes", root / "themes")
    shutil.copy(REPO / "pelicanconf.py", root / "pelicanconf.py")
    return root


def build(root, output, settings="pelicanconf.py"):
    result = run_pelican(root, output, settings=settings)
    assert result.returncode == 0, result.stderr
    return output


def all_feed_bytes(output):
    return {str(p.relative_to(output)): p.read_bytes()
            for p in sorted(output.rglob("flux.*"))}


@pytest.fixture(scope="module")
def small_builds(tmp_path_factory):
    root = small_city(tmp_path_factory.mktemp("city"))
    out = tmp_path_factory.mktemp("builds")
    first = build(root, out / "first")
    again = build(root, out / "again")
    published = build(root, out / "published", settings="publish.py")
    edited_updates = (UPDATES.replace("title: Le chantier prend du retard", "title: Retard dû aux pluies")
                      .replace("La pluie a **noyé** la tranchée.", "Trois semaines de pluie."))
    small_city(root, edited_updates)
    edited = build(root, out / "edited")
    return {"first": first, "again": again, "published": published, "edited": edited}


def test_same_sources_give_byte_identical_feeds(small_builds):
    first = all_feed_bytes(small_builds["first"])
    assert len(first) == 11  # 3 formats × (city + 2 sectors), 2 for the project
    assert all_feed_bytes(small_builds["again"]) == first


def test_editing_a_record_keeps_its_guid(small_builds):
    for ext in ("rss", "atom"):
        before = parsed(small_builds["first"], "secteur-1", ext).entries
        after = parsed(small_builds["edited"], "secteur-1", ext).entries
        assert [e.id for e in after] == [e.id for e in before]
        delay_before = next(e for e in before if e.id.endswith("/delay"))
        delay_after = next(e for e in after if e.id == delay_before.id)
        assert "Le chantier prend du retard" in delay_before.title
        assert delay_after.title == "Retard — Réfection de la rue des Lilas : Retard dû aux pluies"
        assert "Trois semaines de pluie." in delay_after.content[0].value
    items_before = json_feed(small_builds["first"], None)["items"]
    items_after = json_feed(small_builds["edited"], None)["items"]
    assert [i["id"] for i in items_after] == [i["id"] for i in items_before]
    assert [i["title"] for i in items_after] != [i["title"] for i in items_before]


def test_small_city_feeds_carry_every_kind_of_announcement(small_builds):
    entries = parsed(small_builds["first"], "secteur-1", "rss").entries
    keys = [e.id.split(":", 2)[2] for e in entries]
    assert keys == [
        "actualites/reunion-de-chantier-rue-des-lilas", "travaux/fermeture-lilas/retrait",
        "travaux/fermeture-lilas",
        "projets/lilas/2026-07-01/progress", "projets/lilas/2026-06-10/cost_overrun",
        "projets/lilas/2026-05-02/delay",
    ]
    assert terms(entries[0]) == ["Actualité"]
    assert entries[0].published == "Thu, 12 Nov 2026 18:00:00 +0100"
    assert terms(entries[1]) == ["Arrêté retiré", "Arrêté de travaux", NEGATIVE]
    assert terms(entries[2]) == ["Route fermée", "Arrêté de travaux"]


def test_with_siteurl_links_are_absolute_and_ids_keep_their_form(small_builds):
    rss = parsed(small_builds["published"], "secteur-1", "rss")
    assert rss.feed.link == "https://www.exemple.fr/secteurs/secteur-1/"
    assert all(e.link.startswith("https://www.exemple.fr/") for e in rss.entries)
    assert all(e.id.startswith("tag:exemple.fr,2026:") for e in rss.entries)
    local = parsed(small_builds["first"], "secteur-1", "rss")
    assert [e.id.split(":", 2)[2] for e in rss.entries] == [e.id.split(":", 2)[2] for e in local.entries]
    data = json_feed(small_builds["published"], "secteur-1")
    assert data["feed_url"] == "https://www.exemple.fr/secteurs/secteur-1/flux.json"
    assert data["home_page_url"] == "https://www.exemple.fr/secteurs/secteur-1/"
    atom = feed_file(small_builds["published"], "secteur-1", "atom").read_bytes()
    assert XSL_INSTRUCTION in atom  # same-origin path, not the absolute address


# --- a feed opened in a browser ---------------------------------------------------------------
@pytest.mark.parametrize("ext", ["rss", "atom"])
def test_a_feed_opened_in_chromium_reads_as_a_french_page(demo_output, playwright, browser, ext):
    """Served as XML (see docs/flux.md), the XSL turns the feed into a page; without XSLT,
    the CSS still shows the explanation and the entries."""
    entries = parsed(demo_output, "secteur-1", ext).entries
    with serve(demo_output, {".rss": "application/xml", ".atom": "application/xml"}) as base:
        url = f"{base}/{feeds.feed_path('secteur-1', ext)}"
        page = browser.new_page()
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.locator("h2").first.inner_text() == "Comment s'abonner"
        assert "/secteurs/secteur-1/flux." + ext in page.locator(".address").inner_text()
        assert page.locator("li.entry").count() == len(entries)
        first = page.locator("li.entry").first
        assert first.locator("h3 a").inner_text() == entries[0].title
        assert re.fullmatch(r"(1er|\d{1,2}) [a-zéû]+ 20\d\d", first.locator(".date").inner_text())
        negative = sum(NEGATIVE in terms(e) for e in entries)
        assert negative and page.locator("li.entry-negative").count() == negative
        assert page.evaluate(
            "getComputedStyle(document.querySelector('.feed-header')).backgroundColor"
        ) == "rgb(23, 50, 79)"  # feed.css found beside feed.xsl
        page.close()
        raw = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            *CHROMIUM_ARGS, "--disable-blink-features=XSLT", "--disable-features=XSLT"])
        try:
            page = raw.new_page()
            page.goto(url)
            if page.evaluate("document.documentElement.localName") != "html":  # XSLT is off
                root = "channel" if ext == "rss" else "feed"
                before = page.evaluate(
                    f"getComputedStyle(document.querySelector('{root}'), '::before').content")
                assert "Pour vous abonner" in before
        finally:
            raw.close()


# --- a project's own feeds ---------------------------------------------------------------
PROJECTS = sorted(records("content/projects"))


@pytest.mark.parametrize("project_id", PROJECTS)
def test_each_project_page_announces_its_own_feeds_which_parse(demo_output, project_id):
    links = alternates(demo_output / "projets" / project_id / "index.html")
    assert [(link["type"], link["href"]) for link in links][:2] == [
        ("application/atom+xml", f"/projets/{project_id}/flux.atom"),
        ("application/feed+json", f"/projets/{project_id}/flux.json")]  # then its letters' archive
    for link in links:
        assert (demo_output / link["href"].lstrip("/")).is_file(), link["href"]
    atom = feedparser.parse((demo_output / "projets" / project_id / "flux.atom").read_bytes())
    assert atom.bozo == 0 and atom.feed.title.startswith(records("content/projects")[project_id]["title"])
    assert any(link.rel == "self" and link.href.endswith(f"/projets/{project_id}/flux.atom")
               for link in atom.feed.links)
    document = json.loads((demo_output / "projets" / project_id / "flux.json").read_text(encoding="utf-8"))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert [i["id"] for i in document["items"]] == [e.id for e in atom.entries]


def test_a_project_feed_carries_its_updates_bad_news_first_class_and_its_works_orders_only(demo_output):
    projects, orders = records("content/projects"), records("content/works")
    for project_id, project in projects.items():
        updates = {f"projets/{project_id}/{u['date'].isoformat()}/{u['kind']}"
                   for u in project.get("updates", []) if u["date"] <= DEMO_TODAY}
        works = {f"travaux/{order_id}" for order_id, order in orders.items() if order.get("project") == project_id
                 and dt.date.fromisoformat(str(order.get("signed") or order["start"])[:10]) <= DEMO_TODAY}
        atom = feedparser.parse((demo_output / "projets" / project_id / "flux.atom").read_bytes())
        keys = {entry.id.split(":", 2)[2] for entry in atom.entries}
        assert updates | works <= keys, project_id  # same-day updates of one kind get "-2": a superset
        assert all(key.startswith((f"projets/{project_id}/", "travaux/")) for key in keys), project_id
        assert {key for key in keys if key.startswith("travaux/")} - {k + "/retrait" for k in works} <= works
    delayed = [(project_id, u) for project_id, p in projects.items() for u in p.get("updates", [])
               if u["kind"] == "delay" and u["date"] <= DEMO_TODAY]
    assert delayed
    for project_id, update in delayed:
        json_items = json.loads((demo_output / "projets" / project_id / "flux.json").read_text(encoding="utf-8"))["items"]
        item = next(i for i in json_items if i["id"].endswith(f"/{update['date'].isoformat()}/delay"))
        assert item["title"].startswith("Retard — ") and NEGATIVE in item["tags"]
        assert item["_clairvoie"]["reason"] == update["reason"]


def test_announcements_read_once_by_project_are_those_each_project_feed_carries():
    """write_feeds groups the announcements by project once; each project's share is what
    about_project picks, in the same order."""
    model = load_site(REPO)
    by_project = feeds.announcements_by_project(model)
    assert any(len(found) > 1 for found in by_project.values())
    for project in model.projects:
        expected = [a for a in model.announcements if feeds.about_project(a, project)]
        assert by_project.get(project.id, []) == expected, project.id


def test_each_scope_carries_the_announcements_that_concern_it():
    """The city's and each sector's feeds take their announcements from the model's one pass over
    them (Model.announcements_of)."""
    from zoneinfo import ZoneInfo

    from building import DEMO_EPOCH
    from clairvoie.model import load_model
    from clairvoie.settings import ClairvoieSettings

    now = dt.datetime.fromtimestamp(int(DEMO_EPOCH), tz=ZoneInfo("Europe/Paris"))
    model = load_model(ClairvoieSettings(site_root=str(REPO)), str(REPO / "content"), "Europe/Paris", now=now)
    # what makes the sorting out worth a test: news for the whole city, news for several sectors
    assert any(a.city_wide for a in model.announcements)
    assert any(len(set(a.sector_ids)) > 1 for a in model.announcements if not a.city_wide)
    assert any(not a.in_city_channels for a in model.announcements)
    # and an article for the whole city, which names no sector (news come from Pelican's articles)
    first_city_wide = next(i for i, a in enumerate(model.announcements) if a.city_wide)
    with_article = list(model.announcements)
    with_article[first_city_wide] = dataclasses.replace(with_article[first_city_wide], sector_ids=())
    for announcements in (model.announcements, tuple(with_article)):
        model = dataclasses.replace(model, announcements=announcements)
        for sector_id in [None, *(sector.id for sector in model.sectors)]:
            carried = model.announcements_of(sector_id)
            assert carried == [a for a in model.announcements if a.concerns(sector_id)], sector_id
        assert model.announcements_of("secteur-inconnu") == []
