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
