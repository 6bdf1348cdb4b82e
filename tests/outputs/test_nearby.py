"""« Près de chez moi »'s files (outputs/nearby.py): every open report with a point in exactly one
small cell file, nothing else, the same bytes from every build, and cells that always hold
what lies within 100 m of a point of theirs or of their neighbours."""

import datetime as dt
import json
import math
import random
from zoneinfo import ZoneInfo

import pytest

from building import DEMO_EPOCH, REPO
from clairvoie.model import load_model
from clairvoie.outputs.nearby import FOLDER, RADIUS_M, cell_of, cells, compact_json, report_entry
from clairvoie.settings import ClairvoieSettings
from demo_reports import demo_reports, haversine_m

ENTRY_KEYS = {"number", "url", "service", "street", "section", "stage", "overdue", "overdue_text",
              "badge", "tone", "lat", "lon"}


def cell_files(output):
    folder = output / FOLDER
    return {path.stem: path for path in sorted(folder.glob("*.json")) if path.name != "index.json"}


def test_every_open_report_with_a_point_is_in_exactly_one_cell_and_nothing_else_is(demo_output):
    expected = {r.number: r for r in demo_reports() if r.is_open and r.point}
    assert len(expected) >= 20
    seen = {}
    for cell, path in cell_files(demo_output).items():
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["cell"] == cell and data["reports"]
        for entry in data["reports"]:
            assert entry["number"] not in seen, entry["number"]
            seen[entry["number"]] = cell
            report = expected[entry["number"]]
            # The cell is that of the point: 0.01° squares, south-west corner as key.
            lat, lon = report.point
            assert cell == f"{math.floor(round(lat * 100, 6))}_{math.floor(round(lon * 100, 6))}"
            assert (entry["lat"], entry["lon"]) == report.point
            assert entry["url"] == report.url and entry["street"] == report.street
            assert entry["service"] == report.service_name and entry["overdue"] == report.is_overdue
            assert ("en retard de" in entry["overdue_text"]) == report.is_overdue
    assert set(seen) == set(expected)


def test_cell_files_are_small_listed_and_hold_only_what_the_report_page_shows(demo_output):
    files = cell_files(demo_output)
    index = json.loads((demo_output / FOLDER / "index.json").read_text(encoding="utf-8"))
    assert index == {"cells": sorted(files), "cells_per_degree": 100, "radius_m": RADIUS_M}
    for path in files.values():
        assert path.stat().st_size < 4096, path
        for entry in json.loads(path.read_text(encoding="utf-8"))["reports"]:
            assert set(entry) == ENTRY_KEYS  # no source id, no resident's words
            assert entry["url"].startswith("signalements/") and not entry["url"].startswith("/")


def test_the_bytes_are_those_of_any_other_build(demo_output):
    now = dt.datetime.fromtimestamp(int(DEMO_EPOCH), tz=ZoneInfo("Europe/Paris"))
    model = load_model(ClairvoieSettings(site_root=str(REPO)), str(REPO / "content"), "Europe/Paris", now=now)
    again = {cell: compact_json({"cell": cell, "reports": [report_entry(r) for r in reports]})
             for cell, reports in cells(model).items()}
    on_disk = {cell: path.read_text(encoding="utf-8") for cell, path in cell_files(demo_output).items()}
    assert on_disk == again
    assert all(text.endswith("}\n") and "\n" not in text[:-1] for text in on_disk.values())


def neighbourhood(lat, lon):
    return {cell_of(lat + d_lat / 100, lon + d_lon / 100) for d_lat in (-1, 0, 1) for d_lon in (-1, 0, 1)}


@pytest.mark.parametrize("seed", range(3))
def test_a_point_and_the_cells_around_it_hold_everything_within_the_radius(seed):
    chance = random.Random(seed)
    for _ in range(2000):
        lat, lon = chance.uniform(-60, 60), chance.uniform(-180, 180)
        bearing, distance = chance.uniform(0, 2 * math.pi), chance.uniform(0, RADIUS_M)
        other_lat = lat + distance * math.cos(bearing) / 111_320
        other_lon = lon + distance * math.sin(bearing) / (111_320 * math.cos(math.radians(lat)))
        assert haversine_m((lat, lon), (other_lat, other_lon)) <= RADIUS_M * 1.01
        other = (round(other_lat, 3), round(other_lon, 3))  # as a report's point is kept
        assert cell_of(*other) in neighbourhood(lat, lon), (lat, lon, other)


def test_cell_keys_do_not_suffer_from_floating_point():
    assert math.floor(40.05 * 100) == 4004 and math.floor(0.57 * 100) == 56  # the trap
    assert cell_of(40.05, 0.57) == "4005_57"
    assert cell_of(45.71, 4.81) == "4571_481"
    assert cell_of(45.709, 4.8099) == "4570_481"  # 4.8099 is 4.810 to 0.001°
    assert cell_of(-0.001, -4.81) == "-1_-481"
