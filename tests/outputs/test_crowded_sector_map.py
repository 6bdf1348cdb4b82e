"""A sector as crowded as one of the benchmark's M city (about 400 markers, its streets and
squares from the city's extract): its map stays under 150 KB, every bad news keeps its own
symbol, the ordinary ones close together are grouped with their count, and every record is
still listed under the map. Model and map only: no site build."""

import dataclasses
import os
import re
import sys
from collections import Counter

import pytest
from jinja2 import Environment, FileSystemLoader

from building import DEMO_EPOCH, REPO
from clairvoie.labels import template_filters, template_globals
from clairvoie.model import load_model
from clairvoie.outputs.figure_lists import map_lists
from clairvoie.outputs.maps import sector_map
from clairvoie.pelican_sources import read_pelican_settings
from clairvoie.settings import ClairvoieSettings

sys.path.insert(0, str(REPO / "bench"))
import make_city  # noqa: E402

MAX_MAP_BYTES = 150 * 1024


def is_bad_news(marker) -> bool:
    """The spec's negative news, from the model's facts: late, over budget, suspended or
    cancelled projects, withdrawn works orders, overdue reports."""
    record = marker.record
    return {"project": lambda: record.has_bad_news, "works": lambda: record.is_cancelled,
            "report": lambda: record.is_overdue}[marker.kind]()


@pytest.fixture(scope="module")
def crowded(tmp_path_factory, monkeypatch_module):
    m = make_city.SIZES["M"]  # one sector's share of the M city, all in one sector
    one_sector = dataclasses.replace(
        m, sectors=1, projects=m.projects // m.sectors, works=m.works // m.sectors,
        reports=m.reports // m.sectors, articles=1, meetings=1, panels=1, photos=1)
    monkeypatch_module.setitem(make_city.SIZES, "crowded-sector", one_sector)
    city = make_city.make_city("crowded-sector", 1, tmp_path_factory.mktemp("crowded") / "city")
    monkeypatch_module.chdir(city)
    monkeypatch_module.setenv("SOURCE_DATE_EPOCH", DEMO_EPOCH)
    settings = read_pelican_settings("pelicanconf.py")
    model = load_model(ClairvoieSettings.from_pelican(settings), settings["PATH"], settings["TIMEZONE"], [])
    assert model.basemap and not model.basemap.warning
    return model


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def render(map_, model):
    env = Environment(loader=FileSystemLoader(str(REPO / "themes/clairvoie/templates")),
                      autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(template_filters())
    env.globals.update(template_globals())
    return env.get_template("partials/sector_map.html").render(
        sector_map=map_, map_lists=map_lists(model, model.sector(map_.sector_id)), model=model, SITEURL="")


def test_a_crowded_sector_map_stays_under_150_kb_and_keeps_every_bad_news(crowded):
    for sector in crowded.sectors:
        map_ = sector_map(crowded, sector.id)
        assert len(map_.markers) > 300  # as crowded as an M sector
        html = render(map_, crowded)
        lists = map_lists(crowded, sector)
        listed = {kind: [row.url for row in figure_list.rows] for kind, figure_list in lists.items()}
        for kind, figure_list in lists.items():  # far too long for the sector page: linked from it
            assert not figure_list.is_inline and f'<a href="/{figure_list.url}">Les {len(figure_list.rows)} ' in html
        svg = re.search(r'<svg class="map".*?</svg>', html, re.S).group(0)
        assert len(svg.encode()) <= MAX_MAP_BYTES
        assert "map-road" in svg  # the streets are still drawn
        drawn_links = Counter(re.findall(r'<a class="map-marker[^"]*" href="([^"]+)"', svg))
        for marker in map_.markers:
            if is_bad_news(marker):  # each bad news: its own symbol, a link to its page
                assert drawn_links[f"/{marker.url}"] == 1, marker.url
                assert not marker.grouped, marker.url
            assert marker.url in listed[marker.kind]  # and listed in words, on the map's list pages
        groups = map_.groups
        assert groups and all(g.count >= 2 for g in groups)
        # over-budget projects on time are there, and not hidden in a count
        assert any(m.kind == "project" and m.record.is_over_budget and not m.record.is_late for m in map_.markers)
        # Grouped and single markers together are every record, once.
        singles = Counter((m.kind, m.tone) for m in map_.markers if not m.grouped)
        in_groups = Counter()
        for g in groups:
            in_groups[(g.kind, g.tone)] += g.count
            assert f'href="#{g.list_id}"' in svg and f'id="{g.list_id}"' in html
        assert singles + in_groups == Counter((m.kind, m.tone) for m in map_.markers)
        assert sum(1 for m in map_.markers if m.grouped) == sum(g.count for g in groups)


def test_a_page_of_a_crowded_sectors_map_lists_stays_under_200_kb(crowded):
    """Each row carries its symbol: a full page of the longest rows, the page around them
    aside, stays under 190 kB (issue 15: no list page over about 200 kB)."""
    env = Environment(loader=FileSystemLoader(str(REPO / "themes/clairvoie/templates")),
                      autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(template_filters())
    env.globals.update(template_globals())
    rows = env.get_template("partials/figure_rows.html").make_module({"SITEURL": ""})
    for figure_list in map_lists(crowded, crowded.sectors[0]).values():
        longest = max(len(f"<li>{getattr(rows, figure_list.row)(marker)}</li>\n".encode())
                      for marker in figure_list.rows)
        assert 300 < longest and longest * figure_list.rows_per_page <= 190_000, figure_list.name
