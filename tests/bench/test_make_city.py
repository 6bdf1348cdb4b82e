"""The benchmark's synthetic cities (bench/make_city.py): deterministic, complete, valid, buildable.

No timing here: performance figures live in `make bench`, never in a test.
"""

import dataclasses
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from building import DEMO_EPOCH, REPO, run_pelican

sys.path.insert(0, str(REPO / "bench"))

from make_city import BUILD_EPOCH, MARKER, SIZES, make_city  # noqa: E402


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def records(folder: Path) -> list[dict]:
    return [yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) for p in sorted(folder.glob("*.yaml"))]


@pytest.fixture(scope="module")
def small_city(tmp_path_factory):
    return make_city("S", 1, tmp_path_factory.mktemp("bench") / "city")


def test_the_build_date_is_the_demo_citys():
    assert BUILD_EPOCH == DEMO_EPOCH


def test_same_seed_gives_the_same_tree_byte_for_byte(tmp_path, small_city):
    again = make_city("S", 1, tmp_path / "again")
    assert digest(again) == digest(small_city)


def test_another_seed_gives_another_city(tmp_path, small_city):
    other = digest(make_city("S", 2, tmp_path / "other"))
    first = digest(small_city)
    assert other != first
    shared = set(other) & set(first)
    assert any(other[name] != first[name] for name in shared if name.startswith("sectors/"))


def test_regenerating_replaces_a_city_but_never_another_folder(tmp_path):
    city = make_city("S", 1, tmp_path / "city")
    (city / "content" / "projects" / "stale.yaml").write_text("title: x\n", encoding="utf-8")
    make_city("S", 1, city)
    assert not (city / "content" / "projects" / "stale.yaml").exists()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("à garder", encoding="utf-8")
    with pytest.raises(SystemExit):
        make_city("S", 1, precious)
    assert (precious / "notes.txt").read_text(encoding="utf-8") == "à garder"


def test_small_city_has_the_counts_of_size_s(small_city):
    size = SIZES["S"]
    content = small_city / "content"
    assert (size.sectors, size.projects, size.works, size.articles, size.meetings) == (3, 20, 60, 10, 5)
    assert len(list((small_city / "sectors").glob("*.yaml"))) == size.sectors
    assert len(list((content / "projects").glob("*.yaml"))) == size.projects
    assert len(list((content / "works").glob("*.yaml"))) == size.works
    assert len(list((content / "events").glob("*.yaml"))) == size.meetings
    assert len(list((content / "actualites").glob("*.md"))) == size.articles
    panels = [p for sector in records(small_city / "sectors") for p in sector.get("panels", [])]
    assert len(panels) == size.panels
    assert len(list((content / "photos").rglob("*.jpg"))) == size.photos
    assert (small_city / "pelicanconf.py").is_file() and (small_city / MARKER).is_file()


def test_the_issues_sizes():
    assert (SIZES["M"].sectors, SIZES["M"].projects, SIZES["M"].works, SIZES["M"].articles) == (10, 1000, 4000, 300)
    assert (SIZES["L"].sectors, SIZES["L"].projects, SIZES["L"].works, SIZES["L"].articles,
            SIZES["L"].panels) == (20, 5000, 20000, 2000, 50)


def test_medium_city_mixes_good_and_bad_news(tmp_path):
    city = make_city("M", 1, tmp_path / "m")
    projects = records(city / "content" / "projects")
    works = records(city / "content" / "works")
    assert len(projects) == 1000 and len(works) == 4000
    statuses = {p["status"] for p in projects}
    assert statuses == {"planned", "in_progress", "suspended", "completed", "cancelled"}
    kinds = [u["kind"] for p in projects for u in p.get("updates", [])]
    for negative in ("delay", "cost_overrun", "suspension", "cancellation"):
        assert kinds.count(negative) >= 10, negative
    delays = [u for p in projects for u in p.get("updates", []) if u["kind"] == "delay"]
    assert all(u.get("reason") and u.get("new_planned_end") for u in delays)
    assert sum(1 for w in works if "cancelled" in w) >= 50
    over_budget = [p for p in projects if "spent" in p.get("budget", {})
                   and int(p["budget"]["spent"]) > max([int(p["budget"]["planned"])] + [
                       int(u["new_budget"]) for u in p.get("updates", []) if u["kind"] == "cost_overrun"])]
    assert len(over_budget) >= 10
    articles = [p.read_text(encoding="utf-8") for p in (city / "content" / "actualites").glob("*.md")]
    assert 1000 < sum(map(len, articles)) / len(articles) < 5000  # characters: a real news item's length


def test_clairvoie_validate_accepts_the_small_city(small_city):
    result = subprocess.run([sys.executable, "-m", "clairvoie.cli", "validate"], cwd=small_city,
                            env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "3 secteurs, 20 projets, 60 arrêtés, 5 réunions, 10 actualités" in result.stdout


def test_the_small_city_builds_with_every_sector_page(small_city, tmp_path):
    output = tmp_path / "output"
    result = run_pelican(small_city, output, epoch=BUILD_EPOCH)
    assert result.returncode == 0, result.stderr
    for sector in sorted((small_city / "sectors").glob("*.yaml")):
        assert (output / "secteurs" / sector.stem / "index.html").is_file(), sector.stem
    for project in sorted((small_city / "content" / "projects").glob("*.yaml")):
        assert (output / "projets" / project.stem / "index.html").is_file(), project.stem
    for order in sorted((small_city / "content" / "works").glob("*.yaml")):
        assert (output / "travaux" / order.stem / "index.html").is_file(), order.stem


def test_reports_go_through_every_stage_and_change_no_other_record(tmp_path, small_city):
    reports = [r for r in records(small_city / "content" / "signalements") if "number" in r]
    assert len(reports) == SIZES["S"].reports == 40
    assert SIZES["L"].reports == 30000
    last_stages = {r["history"][-1]["stage"] for r in reports}
    assert {"received", "acknowledged", "scheduled", "resolved", "closed"} <= last_stages
    # Without reports (their own random generator), every other file is the same.
    import make_city as city_module
    no_reports = city_module.CityWriter(dataclasses.replace(SIZES["S"], reports=0), 1, tmp_path / "bare")
    no_reports.run()
    bare, full = digest(tmp_path / "bare"), digest(small_city)
    # Records only: the OpenStreetMap extract draws the reports' streets too (test_city_extract.py).
    others = {name for name in bare if name.startswith(("sectors/", "content/")) and not name.startswith("content/osm/")}
    assert others and {name: bare[name] for name in others} == {name: full.get(name) for name in others}
