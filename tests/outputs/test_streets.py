"""The street index /rues/ (model/streets.py, clairvoie_streets.html): "what is happening in my
street" without JavaScript — every street of an active works order is there, active works first."""

import datetime as dt
import html
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
    """[(street name, [(li class, link), …]), …] in page order."""
    page = (output / "rues" / "index.html").read_text(encoding="utf-8")
    found = []
    for block in re.split(r'<div class="street[ "]', page)[1:]:
        name = html.unescape(re.search(r"<h3 id=\"[^\"]+\">([^<]+)</h3>", block).group(1))
        items = re.findall(r'<li class="street-item ([a-z-]+)">.*?<a href="([^"]+)"', block)
        found.append((name, items))
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


def test_active_works_come_first_in_each_street(demo_output):
    for name, items in streets_on_page(demo_output):
        kinds = [kind for kind, _ in items]
        assert kinds, name
        active = [k == "street-works-active" for k in kinds]
        assert active == sorted(active, reverse=True), (name, kinds)
        if "street-works-withdrawn" in kinds:
            assert kinds[-1] == "street-works-withdrawn", (name, kinds)


def test_streets_are_in_alphabetical_order_of_their_own_name(demo_output):
    names = [name for name, _ in streets_on_page(demo_output)]
    assert names == sorted(names, key=lambda n: (sort_key(n), key(n)))
    assert len(set(map(key, names))) == len(names)
    page = (demo_output / "rues" / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="lettre-L">L</h2>' in page and 'href="#lettre-L"' in page
    assert names.index("Rue de l'Écluse") < names.index("Rue Jean-Jaurès")  # É is filed under E


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
    page = (demo_output / "rues" / "index.html").read_text(encoding="utf-8")
    open_reports = [r for r in reports if r.is_open]
    assert open_reports and any(r.is_overdue for r in open_reports)
    for report in open_reports:
        kind = "street-report-overdue" if report.is_overdue else "street-report-open"
        assert (kind, f"/{report.url}") in streets[report.street], report.number
    listed = {link for items in streets.values() for _, link in items if link.startswith("/signalements/")}
    assert listed == {f"/{r.url}" for r in open_reports}  # no resolved, closed or duplicate report
    for name, items in streets_on_page(demo_output):
        kinds = [k for k, _ in items if k.startswith("street-report")]
        assert kinds == sorted(kinds, key=lambda k: k != "street-report-overdue"), name
    # Overdue is said in words, not only by the badge's colour.
    for report in (r for r in open_reports if r.is_overdue):
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
