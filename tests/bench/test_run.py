"""`make bench` (bench/run.py) prints every figure issue 7 asks for, with its ratios.

Run at size S, once: this checks what the benchmark reports, never how fast the build is.
"""

import json
import re
import subprocess
import sys

from building import REPO

FIGURES = ("full build wall time (s)", "pages written (.html)", "pages per second", "CPU time, user+sys (s)",
           "peak memory RSS (MiB)", "output size (MiB)", "search index time (s)")


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

    saved = json.loads(results_path.read_text(encoding="utf-8"))
    assert set(saved["builds"]) == {"clairvoie", "pelican", "hugo"}
