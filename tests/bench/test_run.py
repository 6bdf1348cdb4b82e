"""`make bench` (bench/run.py) prints every figure issue 7 asks for, with its ratios, and the CPU time by phase.

Run at size S, once: this checks what the benchmark reports, never how fast the build is.
"""

import json
import re
import subprocess
import sys

from building import REPO

FIGURES = ("full build wall time (s)", "pages written (.html)", "pages per second", "CPU time, user+sys (s)",
           "peak memory RSS (MiB)", "output size (MiB)", "search index time (s)")
PHASES = ["model", "pages, with their maps (SVG)", "cards and images", "search", "feeds and open data",
          "paper: sheets and posters (PDF)", "interactive map: tiles (tilemaker)", "other channels",
          "file comparison and swap", "Pelican's own work, start-up"]


def test_the_benchmark_prints_every_figure_with_its_ratios(tmp_path):
    results_path = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--size", "S", "--runs", "1",
         "--work", str(tmp_path / "work"), "--json", str(results_path)],
        cwd=REPO, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    printed = result.stdout

    table = {line[:28].strip(): line[28:].split() for line in printed.splitlines() if line[:28].strip() in FIGURES}
    assert sorted(table) == sorted(FIGURES)
    for label in FIGURES[:-1]:  # Clairvoie, plain Pelican and Hugo, each a number
        assert len(table[label]) == 3 and all(re.fullmatch(r"\d+(\.\d+)?", v) for v in table[label]), label
    assert re.fullmatch(r"\d+(\.\d+)?", table["search index time (s)"][0])

    for other in ("plain Pelican", "Hugo"):
        assert re.search(rf"ours/{other}: wall time ×[\d.]+, throughput \(pages/s\) ×[\d.]+, "
                         rf"CPU time ×[\d.]+, peak RSS ×[\d.]+", printed), other

    pages = int(table["pages written (.html)"][0])
    for label in ("after editing one project's YAML", "after adding one works order"):
        rebuild = re.search(rf"{re.escape(label)}\s+[\d.]+ s\s+\(runs: [\d.]+; pages rendered: (\d+)\)", printed)
        assert rebuild, label
        assert 0 < int(rebuild.group(1)) < pages / 4  # incremental: a few pages, not the site
    # The preview staff see (clairvoie serve): a time from outside, and the server's own for each run.
    preview = re.search(r"preview through clairvoie serve.*\n\s+after editing one project's YAML\s+([\d.]+) s\s+"
                        r"\(runs: ([\d.]+); as the server measured them: ([\d.]+)\)", printed)
    assert preview, printed[-2000:]
    assert 0 < float(preview.group(3)) <= float(preview.group(2)) + 0.1  # the server sees the build, not the polling
    # Its PDFs, laid out once the page is shown: never before it.
    pdfs = re.search(r"its PDFs \(laid out after the page\)\s+([\d.]+) s\s+\(runs: ([\d.]+)\)", printed)
    assert pdfs and float(pdfs.group(2)) >= float(preview.group(2)), printed[-2000:]

    saved = json.loads(results_path.read_text(encoding="utf-8"))
    assert set(saved["builds"]) == {"clairvoie", "pelican", "hugo"}

    # The CPU time by phase, as the build measured it: every phase, adding up to the build's CPU.
    ours = saved["builds"]["clairvoie"]
    phases = {row["phase"]: row for row in ours["phases"]}
    assert list(phases) == PHASES
    parts = [part for row in ours["phases"] for part in row["parts"]]
    for part in ("model", "pages", "images", "search", "feeds", "opendata", "calendar", "paper", "tiles", "panels",
                 "staging"):
        assert part in parts, part
    assert len(parts) == len(set(parts))  # each phase in one row
    measured = sum(row["cpu_seconds"] for row in ours["phases"][:-1])
    assert all(row["cpu_seconds"] >= 0 for row in ours["phases"][:-1])
    assert all(phases[name]["cpu_seconds"] > 0 for name in (PHASES[1], "search", "interactive map: tiles (tilemaker)"))
    assert saved["osm_extract_bytes"] > 0 and "OpenStreetMap extract: " in printed  # the city's, for maps and tiles
    # Within the process's own CPU time (os.wait4), the rest being Python's start-up and Pelican's articles.
    assert 0.5 * ours["cpu_seconds"] < measured <= ours["cpu_seconds"] * 1.01
    assert abs(phases[PHASES[-1]]["cpu_seconds"] - (ours["cpu_seconds"] - measured)) < 0.02
    for row in ours["phases"]:
        printed_row = re.search(rf"^  {re.escape(row['phase'])}\s+([\d.]+)\s+\d+%", printed, re.M)
        assert printed_row and float(printed_row.group(1)) == round(row["cpu_seconds"], 1), row["phase"]


def test_the_benchmarks_builds_leave_out_a_shared_image_cache(monkeypatch):
    """Its cold builds encode every image and PDF, even where builds share a cache (the test session)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    bench_run = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_run", bench_run)  # its dataclasses look themselves up there
    spec.loader.exec_module(bench_run)
    monkeypatch.setenv("CLAIRVOIE_SHARED_CACHE", "/tmp/partage")
    monkeypatch.setenv("CLAIRVOIE_AUTRE", "garde")
    env = bench_run.build_env()
    assert "CLAIRVOIE_SHARED_CACHE" not in env and env["CLAIRVOIE_AUTRE"] == "garde"
