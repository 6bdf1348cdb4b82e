"""The street index /rues/ (model/streets.py, clairvoie_streets.html): "what is happening in my
street" without JavaScript — every street of an active works order is there, active works first."""

import datetime as dt
import html
import json
import re

import yaml

from building import DEMO_EPOCH, REPO
from demo_reports import demo_reports
from clairvoie.model.streets import sort_key, streets_in
from clairvoie.model.words import key
from sites import load_site, project_yaml, write_site

TODAY = dt.datetime.fromtimestamp(int(DEMO_EPOCH), tz=dt.timezone.utc).date()


def day(value):
    return dt.date.fromisoformat(str(value)[:10])


def streets_on_page(output):
    """[(street name, [(li class, link), …]), …]: the streets of /rues/'s letter pages in page
    order, each with the items of its own page in page order."""
    found = []
    for name, street_id in street_entries(output):
        page = (output / "rues" / street_id / "index.html").read_text(encoding="utf-8")
        found.append((name, re.findall(r'<li class="street-item ([a-z-]+)">.*?<a href="([^"]+)"', page)))
    return found


def letter_pages(output):
    """The addresses of the letter pages /rues/ links to, in its order."""
    index = (output / "rues" / "index.html").read_text(encoding="utf-8")
    return re.findall(r'<li><a href="/(rues/lettre-[^"/]+/)">', index)


def street_entries(output):
    """[(street name, street id), …] as the letter pages list them, letter after letter."""
    found = []
    for url in letter_pages(output):
        page = (output / url / "index.html").read_text(encoding="utf-8")
        found += [(html.unescape(name), street_id) for street_id, name in re.findall(
            r'<li class="street-entry[^"]*" id="[^"]+"><a href="/rues/([^"/]+)/">([^<]+)</a>', page)]
    return found


def active_orders():
    """Works orders under way on the demo date, straight from their YAML."""
    for path in sorted((REPO / "content/works").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "cancelled" not in data and day(data["start"]) <= TODAY <= day(data["end"]):
            yield path.stem, data["street"]


def test_every_street_of_active_works_is_listed_with_its_works(demo_output):
    streets = dict(streets_on_page(demo_output))
    orders = list(active_orders())
    assert len(orders) >= 10
    for order_id, street in orders:
        assert street in streets, street
        assert ("street-works-active", f"/travaux/{order_id}/") in streets[street], (street, order_id)


def test_bad_news_comes_first_in_each_street(demo_output):
    """On a street's page, its overdue reports come before anything else; withdrawn works
    orders are said, after the works under way and to come."""
    for name, items in streets_on_page(demo_output):
        kinds = [kind for kind, _ in items]
        assert kinds, name
        overdue = [k == "street-report-overdue" for k in kinds]
        assert overdue == sorted(overdue, reverse=True), (name, kinds)
        works = [k for k in kinds if k.startswith("street-works")]
        assert works == sorted(works, key=["street-works-active", "street-works-coming",
                                           "street-works-withdrawn"].index), (name, kinds)


def test_streets_are_in_alphabetical_order_of_their_own_name(demo_output):
    names = [name for name, _ in streets_on_page(demo_output)]
    assert names == sorted(names, key=lambda n: (sort_key(n), key(n)))
    assert len(set(map(key, names))) == len(names)
    assert "rues/lettre-l/" in letter_pages(demo_output)
    assert names.index("Rue de l'Écluse") < names.index("Rue Jean-Jaurès")  # É is filed under E
    ecluse = dict(street_entries(demo_output))["Rue de l'Écluse"]
    assert ecluse == "rue-de-l-ecluse"  # the id: accents, apostrophes and case folded
    page = (demo_output / "rues/lettre-e/index.html").read_text(encoding="utf-8")
    assert 'href="/rues/rue-de-l-ecluse/">Rue de l&#39;Écluse</a>' in page


def test_street_names_are_read_from_addresses():
    assert streets_in("Centre-ville : rue de la République, Grande Rue, place du Marché et rues voisines") == [
        "Rue de la République", "Grande Rue", "Place du Marché"]
    assert streets_in("Conservatoire, 14 rue du Four") == ["Rue du Four"]
    assert streets_in("Carrefour de la route de Saint-Aubin et du chemin des Prés") == [
        "Route de Saint-Aubin", "Chemin des Prés"]
    assert streets_in("Toute la ville — 48 points de collecte") == []
    assert sort_key("Place de l'Hôtel-de-Ville") == "hotel de ville"
    assert sort_key("Grande Rue") == "grande rue"


def test_what_the_index_keeps_and_leaves_out(tmp_path):
    works = """
        reference: {reference}
        title: Travaux {reference}
        sectors: [secteur-1]
        kind: closure
        street: {street}
        start: {start}
        end: {end}
        {extra}
        """
    site = write_site(tmp_path, {
        "content/projects/lilas.yaml": project_yaml(
            location="location:\n  address: Rue des Lilas, du n°2 au n°48"),
        "content/projects/fini.yaml": project_yaml(
            title="title: Fini", status="status: completed", location="location:\n  address: Rue du Four"),
        "content/projects/gare.yaml": project_yaml(title="title: Parvis", status="status: planned"),
        "content/works/a.yaml": works.format(reference="A", street="rue des lilas", start="2026-11-01",
                                             end="2026-12-01", extra=""),
        "content/works/b.yaml": works.format(reference="B", street="Rue des Lilas", start="2027-01-01",
                                             end="2027-02-01", extra=""),
        "content/works/c.yaml": works.format(reference="C", street="Rue des Lilas", start="2026-12-01",
                                             end="2026-12-20", extra="cancelled: Reporté"),
        "content/works/d.yaml": works.format(reference="D", street="Rue du Four", start="2025-01-01",
                                             end="2025-02-01", extra=""),
        "content/works/e.yaml": works.format(reference="E", street="Place de la Gare", start="2027-03-01",
                                             end="2027-03-02", extra="project: gare"),
    })
    model = load_site(site)
    streets = {s.name: s for s in model.streets}
    # Past works and completed projects make no entry: the Rue du Four is not listed.
    assert sorted(streets) == ["Place de la Gare", "rue des lilas"]
    lilas = streets["rue des lilas"]  # the works order's spelling, merged with the address's
    assert [w.id for w in lilas.works] == ["a", "b", "c"]  # active, then coming, then withdrawn
    assert [w.id for w in lilas.active_works] == ["a"] and [w.id for w in lilas.withdrawn_works] == ["c"]
    assert [p.id for p in lilas.projects] == ["lilas"] and lilas.is_active
    # A project reaches a street through its works orders, too.
    assert [p.id for p in streets["Place de la Gare"].projects] == ["gare"]
    assert [s.letter for s in model.streets] == ["G", "L"]


# --- residents' reports ----------------------------------------------------------------
def test_every_open_report_is_listed_in_its_street_overdue_first_and_in_words(demo_output):
    reports = demo_reports()
    streets = dict(streets_on_page(demo_output))
    ids = dict(street_entries(demo_output))
    open_reports = [r for r in reports if r.is_open]
    assert open_reports and any(r.is_overdue for r in open_reports)
    for report in open_reports:
        kind = "street-report-overdue" if report.is_overdue else "street-report-open"
        assert (kind, f"/{report.url}") in streets[report.street], report.number
    listed = {link for items in streets.values() for kind, link in items
              if kind in ("street-report-overdue", "street-report-open")}
    assert listed == {f"/{r.url}" for r in open_reports}  # no resolved, closed or duplicate report
    # Overdue is said in words, not only by the badge's colour.
    for report in (r for r in open_reports if r.is_overdue):
        page = (demo_output / "rues" / ids[report.street] / "index.html").read_text(encoding="utf-8")
        item = re.search(rf'<li class="street-item street-report-overdue">.*?{report.number}.*?</li>', page).group(0)
        assert "Signalement en retard" in item and re.search(r"en retard de \d+ jours?</strong>", item)


def test_a_street_with_only_open_reports_has_its_entry(demo_output):
    reports = demo_reports()
    streets = dict(streets_on_page(demo_output))
    only_reports = [name for name, items in streets.items()
                    if items and all(kind.startswith("street-report") for kind, _ in items)]
    assert {"Chemin des Vignes", "Place de la Mairie", "Rue du Belvédère"} <= set(only_reports)
    # A street whose reports are all over (or duplicates) gets no entry for them.
    ended_only = {r.street for r in reports} - {r.street for r in reports if r.is_open}
    assert ended_only and not ended_only & set(only_reports)


def test_a_streets_reports_and_where_it_is(tmp_path):
    def report(number, street, lat, stages):
        return (f'number: "{number}"\nservice: nids\nreceived: 2026-11-01T08:00\n'
                f"location:\n  street: {street}\n  lat: {lat}\n  lon: 4.82\nsectors: [secteur-1]\n"
                f"history:\n  - {{date: 2026-11-01T08:00, stage: received}}\n{stages}")
    model = load_site(write_site(tmp_path, {
        "content/signalements/services.yaml": "services:\n  - code: nids\n    name: Nid-de-poule\n"
                                             "    commitment_days: 10\n",
        "content/works/a.yaml": """
            reference: A
            title: Travaux A
            sectors: [secteur-1]
            kind: closure
            street: Rue des Lilas
            start: 2026-11-01
            end: 2026-12-01
            geometry: {type: LineString, coordinates: [[4.8101, 45.7101], [4.8102, 45.7103]]}
        """,
        # Open, 10 days promised from 1 November: overdue since the 12th.
        "content/signalements/l-2.yaml": report("L-2", "Rue des Lilas", 45.711, ""),
        # Reopened on 20 November: a new round, due on the 30th, not overdue.
        "content/signalements/l-1.yaml": report(
            "L-1", "rue des lilas", 45.712, "  - {date: 2026-11-02, stage: scheduled, expected: 2026-11-11}\n"
            "  - {date: 2026-11-20, stage: reopened}\n"),
        "content/signalements/l-3.yaml": report("L-3", "Rue des Lilas", 45.713,
                                                "  - {date: 2026-11-02, stage: resolved}\n"),
        "content/signalements/f-1.yaml": report("F-1", "Rue du Four", 45.714,
                                                "  - {date: 2026-11-02, stage: resolved}\n"),
    }))
    streets = {s.name: s for s in model.streets}
    assert sorted(streets) == ["Rue des Lilas"]  # the Rue du Four has no open report, nor works
    lilas = streets["Rue des Lilas"]
    assert [r.number for r in lilas.reports] == ["L-2", "L-1"]  # open ones, overdue first
    assert [r.number for r in lilas.overdue_reports] == ["L-2"]
    # Where the street is: its works order's course and its reports' points, resolved ones too.
    assert lilas.points == ((45.7101, 4.8101), (45.7103, 4.8102), (45.711, 4.82), (45.712, 4.82),
                            (45.713, 4.82))


# --- each street's page (/rues/<id>/) ----------------------------------------------------------
ACTIVE_STATUSES = ("planned", "in_progress", "suspended")


def demo_yaml(folder):
    for path in sorted((REPO / "content" / folder).glob("*.yaml")):
        yield path.stem, yaml.safe_load(path.read_text(encoding="utf-8"))


def expected_items(street):
    """What the street's page lists, from the YAML: its works orders not over yet, the current or
    planned projects whose address names it or whose works orders (not withdrawn) are in it, its
    open reports and those resolved in the last 30 days."""
    wanted = key(street)
    items, located = set(), set()
    works = dict(demo_yaml("works"))
    for order_id, data in works.items():
        if key(data["street"]) != wanted or day(data["end"]) < TODAY:
            continue
        kind = ("street-works-withdrawn" if "cancelled" in data else
                "street-works-active" if day(data["start"]) <= TODAY else "street-works-coming")
        items.add((kind, f"/travaux/{order_id}/"))
        if "geometry" in data:
            located.add(f"/travaux/{order_id}/")
    for project_id, data in demo_yaml("projects"):
        if data["status"] not in ACTIVE_STATUSES:
            continue
        location = data.get("location") or {}
        in_address = f" {wanted} " in f" {key(location.get('address') or '')} "
        by_works = any(w.get("project") == project_id and "cancelled" not in w and key(w["street"]) == wanted
                       for w in works.values())
        if in_address or by_works:
            items.add(("street-project", f"/projets/{project_id}/"))
            if "lat" in location or "geometry" in location:
                located.add(f"/projets/{project_id}/")
    for report in demo_reports():
        if key(report.street) != wanted or report.tone is None:
            continue
        kind = {"report-overdue": "street-report-overdue", "report-open": "street-report-open",
                "report-resolved": "street-report-resolved"}[report.tone]
        items.add((kind, f"/{report.url}"))
        if report.point:
            located.add(f"/{report.url}")
    return items, located


def test_each_street_page_lists_exactly_its_works_projects_and_reports_with_a_map(demo_output):
    entries = street_entries(demo_output)
    assert len(entries) >= 20
    for name, street_id in entries:
        page = (demo_output / "rues" / street_id / "index.html").read_text(encoding="utf-8")
        items = re.findall(r'<li class="street-item ([a-z-]+)">.*?<a href="([^"]+)"', page)
        expected, located = expected_items(name)
        assert sorted(items) == sorted(expected), name
        assert len(items) == len(set(items)), name  # each record once
        # The map: a marker for each located record, a link to its page, and nothing else.
        markers = re.findall(r'<a class="map-marker tone-[a-z-]+" href="([^"]+)"', page)
        assert sorted(markers) == sorted(located), name
        assert ('<svg class="map"' in page) == bool(located), name
        titles = [html.unescape(t) for t in re.findall(rf'<title id="carte-{street_id}-titre">([^<]+)</title>', page)]
        assert titles == ([f"Carte : {name}"] if located else []), name
        # Accueil › Rues › the street.
        crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', page, re.DOTALL).group(0)
        assert [html.unescape(t) for t in re.findall(r">([^<>]+)</(?:a|li)>", crumbs)] == ["Accueil", "Rues", name]


def test_every_street_of_the_demo_has_its_page(demo_output):
    """The streets of works not over, of open reports and of the current projects' works orders
    (the YAML's), and no other street without a current project naming it."""
    named = {key(data["street"]) for _, data in demo_yaml("works") if day(data["end"]) >= TODAY}
    named |= {key(r.street) for r in demo_reports() if r.is_open}
    entries = dict(street_entries(demo_output))
    assert named <= {key(name) for name in entries}
    for name in entries:
        if key(name) not in named:
            assert any(kind == "street-project" for kind, _ in expected_items(name)[0]), name
    folders = {p.name for p in (demo_output / "rues").iterdir() if p.is_dir() and not p.name.startswith("lettre-")}
    assert folders == set(entries.values())


def test_the_index_is_light_and_leads_to_every_street(demo_output):
    index = demo_output / "rues" / "index.html"
    assert index.stat().st_size <= 200_000
    for url in letter_pages(demo_output):
        assert (demo_output / url / "index.html").stat().st_size <= 200_000
    text = index.read_text(encoding="utf-8")
    # « Près de chez moi »: each street with a known place, its points in a file beside its page.
    options = re.findall(r'<option value="([^"]+)" data-points="/rues/([^"]+)/points.json">', text)
    assert options and all(value == folder for value, folder in options)
    for street_id, _ in options:
        points = json.loads((demo_output / "rues" / street_id / "points.json").read_text(encoding="utf-8"))
        assert points["points"] and all(len(p) == 2 for p in points["points"])
    assert {street_id for street_id, _ in options} <= set(dict(street_entries(demo_output)).values())


def test_record_pages_link_to_their_street_page(demo_output):
    ids = {key(name): street_id for name, street_id in street_entries(demo_output)}
    for order_id, data in demo_yaml("works"):
        page = (demo_output / "travaux" / order_id / "index.html").read_text(encoding="utf-8")
        link = f'<a href="/rues/{ids[key(data["street"])]}/">' if key(data["street"]) in ids else None
        assert (link in page) if link else 'href="/rues/' not in page.split("<main", 1)[1], order_id
    lilas = (demo_output / "projets/refection-rue-des-lilas/index.html").read_text(encoding="utf-8")
    assert '<a href="/rues/rue-des-lilas/">Rue des Lilas</a>' in lilas
    for report in demo_reports():
        page = (demo_output / report.url / "index.html").read_text(encoding="utf-8")
        if key(report.street) in ids:
            assert f'<a href="/rues/{ids[key(report.street)]}/">' in page, report.number


def test_a_streets_id_sectors_and_lately_resolved_reports(tmp_path):
    def report(number, street, sector, stages):
        return (f'number: "{number}"\nservice: nids\nreceived: 2026-10-01T08:00\n'
                f"location:\n  street: {street}\nsectors: [{sector}]\n"
                f"history:\n  - {{date: 2026-10-01T08:00, stage: received}}\n{stages}")
    model = load_site(write_site(tmp_path, {
        "content/signalements/services.yaml": "services:\n  - code: nids\n    name: Nid-de-poule\n"
                                             "    commitment_days: 100\n",
        "content/signalements/e-1.yaml": report("E-1", "Rue de l'Église", "secteur-1", ""),
        # The same street, in other words and another sector: one street, one page.
        "content/signalements/e-2.yaml": report("E-2", "rue de l’eglise", "secteur-2",
                                                "  - {date: 2026-11-20, stage: resolved}\n"),
        "content/signalements/e-3.yaml": report("E-3", "Rue de l'Église", "secteur-1",
                                                "  - {date: 2026-10-02, stage: resolved}\n"),
        "content/signalements/l-1.yaml": report("L-1", "Lettre A", "secteur-1", ""),
    }))
    streets = {s.name: s for s in model.streets}
    assert sorted(streets) == ["Lettre A", "Rue de l'Église"]
    eglise = streets["Rue de l'Église"]
    assert eglise.id == "rue-de-l-eglise" and eglise.url == "rues/rue-de-l-eglise/"
    assert eglise.letter_url == "rues/lettre-e/"
    assert [r.number for r in eglise.resolved_reports] == ["E-2"]  # resolved 4 days ago; E-3, 53 days ago
    assert eglise.sector_ids == ("secteur-1", "secteur-2")
    # A street's id never takes a letter page's folder.
    assert streets["Lettre A"].id == "voie-lettre-a"
