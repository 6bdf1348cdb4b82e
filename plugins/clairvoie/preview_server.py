"""The local preview of ``clairvoie serve`` and ``make edit`` (docs/editer-en-ligne.md).

Each saved change is built in one process kept between saves (``Builds``), as ``pelican
--autoreload`` builds: only the changed files are read again and only the pages they change
are redone, so a preview follows a save in seconds, not in a whole build's time. The records
are checked as that build loads them: an invalid file stops it before anything is written.
While the records are invalid, every page asked for is
the French list of problems (file, line, field, message), never the stale page of the last
build. The plain-French remarks of the last check are at /_remarques/, and both are at
/_apercu/etat.json for the online editor's preview pane (admin/static/clairvoie-admin.js).
These addresses exist only here: nothing of them is in output/, so never published.
"""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import io
import json
import multiprocessing
import multiprocessing.process
import os
import re
import sys
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Callable

from .model.problems import Problem

STATE_PATH = "/_apercu/etat.json"
REMARKS_PATH = "/_remarques/"
# Folders the editor needs while the records are invalid, to mend them.
ALWAYS_SERVED = ("/admin/", "/theme/")
# The build's last lines shown when it fails for another reason than the records.
FAILURE_LINES = 30
# Sent to the builds' process while it lays out a save's PDFs: a new build is wanted.
STOP_PAPER = "stop-pdf"


@dataclass
class BuildState:
    """What the last check and build found; ``number`` grows at each finished check."""

    number: int = 0
    building: bool = True
    problems: list[Problem] = field(default_factory=list)
    remarks: list[Problem] = field(default_factory=list)
    failure: str = ""  # the build's own error output, when it failed on valid records
    # How many builds the builds' process has made (1: its first, from nothing), and how long
    # this check and build took: what tells a quick preview from a slow one.
    builds_in_process: int = 0
    seconds: float = 0.0
    # A save's build shows the pages first, then lays out its PDFs: how many it left as
    # published (paper_later), and how many are still as published (paper_left).
    paper_later: int = 0
    paper_left: int = 0

    @property
    def failed(self) -> bool:
        return bool(self.problems or self.failure)

    def as_json(self) -> bytes:
        data = {"number": self.number, "building": self.building, "failure": self.failure,
                "builds_in_process": self.builds_in_process, "seconds": self.seconds,
                "paper_later": self.paper_later, "paper_left": self.paper_left,
                "problems": [asdict(p) for p in self.problems],
                "remarks": [asdict(p) for p in self.remarks]}
        return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")


class Builds:
    """Checks and builds, one at a time, in one process of their own kept between saves, as
    ``pelican --autoreload`` builds: each build loads only the changed files again and redoes
    only the pages they change (incremental.py). The records are checked as the build loads its
    model, so an invalid file stops it before anything is written. A build that fails for
    another reason ends the process: the next one starts from nothing (settings, theme, code).

    A save's build (not ``full_index``) leaves the PDFs it would lay out as published: once it
    has answered, the process lays them out (outputs/paper.py's ``LeftToLayOut``), stopping
    between two PDFs when a new build is asked for (``stop_paper``)."""

    def __init__(self, settings_path: str, output_path: str | None = None):
        self.settings_path, self.output_path = settings_path, output_path
        self.process: multiprocessing.process.BaseProcess | None = None
        self.connection: Any = None
        self.laying_out = False  # the process lays out PDFs; its answer is not received yet

    def run(self, full_index: bool, checked: Callable[[list[Problem]], None]) -> tuple[list[Problem], str, int, int]:
        """(problems, failure, builds made by this process, PDFs left to lay out): ``checked``
        gets the plain-French remarks as soon as the model is built, before the pages."""
        if self.process is None or not self.process.is_alive():
            self._start()
        try:
            self.connection.send(full_index)
            while True:
                kind, *data = self.connection.recv()
                if kind == "checked":
                    checked([Problem(**p) for p in data[0]])
                    continue
                if kind == "paper":  # the last save's PDFs, stopped or done: this build makes its own
                    self.laying_out = False
                    continue
                problems, failure, builds, paper_left = data
                if failure and not problems:
                    self.stop()  # whatever the build left behind, the next one does not inherit it
                self.laying_out = paper_left > 0
                return [Problem(**p) for p in problems], failure, builds, paper_left
        except (EOFError, OSError):  # the process died (out of memory, killed): start again next time
            self.stop()
            return [], "La construction s'est arrêtée sans rien dire : elle reprendra à l'enregistrement suivant.", 0, 0

    def stop_paper(self) -> None:
        """Ask the process to stop laying out PDFs after the one it is on (a new build is wanted)."""
        if self.laying_out:
            with contextlib.suppress(OSError):
                self.connection.send(STOP_PAPER)

    def paper_laid_out(self) -> tuple[int, float] | None:
        """Once the process has laid out the last save's PDFs, or stopped: (PDFs left, seconds);
        None when there were none to wait for."""
        if not self.laying_out:
            return None
        try:
            _, left, seconds = self.connection.recv()
        except (EOFError, OSError):
            self.stop()
            return None
        self.laying_out = False
        return left, seconds

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")  # a clean interpreter, not a copy of the server's threads
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_build_on_demand, args=(self.settings_path, self.output_path, theirs),
                                       name="clairvoie-apercu")  # not a daemon: it starts the pages' processes
        self.process.start()
        theirs.close()

    def stop(self) -> None:
        if self.process is not None:
            self.connection.close()
            self.process.join(timeout=30)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
        self.process = self.connection = None
        self.laying_out = False


def builds_settings(settings_path: str, output_path: str | None) -> dict:
    """Pelican's settings as the builds' process reads them: what a page is made of is the
    pelican command's (incremental.py compares them), so a preview after ``make site`` into the
    same folder redoes only what changed."""
    from pelican.settings import read_settings

    return read_settings(settings_path, override={"OUTPUT_PATH": output_path} if output_path else None)


def _build_on_demand(settings_path: str, output_path: str | None, connection: Any) -> None:
    """The builds' process: one build per message (True: with the whole search index)."""
    from pelican import Pelican
    from pelican.log import init as init_logging

    from . import signals
    from .image_privacy import ImagesWithMetadata
    from .model import InvalidRecords
    from .outputs import paper
    from .outputs.search import PREVIEW_ALWAYS, PREVIEW_SETTING, SearchIndexFailed

    init_logging(name="pelican")  # as the pelican command: warnings and errors, on stderr
    pelican = Pelican(builds_settings(settings_path, output_path))

    def model_ready(model: Any) -> None:
        connection.send(("checked", [asdict(p) for p in model.plain_french]))

    signals.clairvoie_model_ready.connect(model_ready)  # held here: blinker keeps weak references
    builds = 0
    while True:
        try:
            full_index = connection.recv()
        except EOFError:  # the server stopped
            return
        if full_index == STOP_PAPER:  # came once the PDFs were done
            continue
        pelican.settings[PREVIEW_SETTING] = False if full_index else PREVIEW_ALWAYS
        pelican.settings[paper.LATER_SETTING] = not full_index
        problems, failure = [], ""
        try:
            pelican.run()
            builds += 1
        except InvalidRecords as error:  # the build printed them; its output is left as it was
            problems = [asdict(p) for p in error.problems]
        except (SearchIndexFailed, ImagesWithMetadata) as error:  # said in French, nothing published
            failure = str(error)
        except Exception:  # noqa: BLE001 - shown to the person previewing, then this process ends
            failure = "\n".join(traceback.format_exc().strip().splitlines()[-FAILURE_LINES:])
        left = paper.left_by_preview() if not (problems or failure) else None
        connection.send(("built", problems, failure, builds, len(left.documents) if left else 0))
        if failure and not problems:
            return
        if left:  # the preview is shown: its PDFs now, until a new build is asked for
            started = time.monotonic()
            done = left.lay_out(stop=connection.poll)
            with contextlib.suppress(OSError):  # the server may have stopped meanwhile
                connection.send(("paper", len(left.documents) - done, round(time.monotonic() - started, 1)))


class Preview:
    """Checks and builds at each save, and keeps the state the server shows."""

    def __init__(self, builds: Builds):
        self.builds = builds
        self.state = BuildState()
        self.lock = threading.Lock()
        self.one_build_at_a_time = threading.Lock()  # a save and a key pressed may come together
        self.full_index_made = False
        self.paper_report: Callable[[int, float], None] | None = None  # once a save's PDFs are laid out

    def rebuild(self, full_index: bool = False) -> BuildState:
        """Check and build; ``full_index``: make the whole search index again (as a first build).
        A save's PDFs are laid out after it, while the preview is shown (``paper_report``)."""
        self.builds.stop_paper()
        with self.one_build_at_a_time:
            state = self._rebuild(full_index or not self.full_index_made)
        if state.paper_left:
            threading.Thread(target=self._wait_for_paper, name="clairvoie-apercu-pdf", daemon=True).start()
        return state

    def _wait_for_paper(self) -> None:
        with self.one_build_at_a_time:  # a build asked for meanwhile has stopped them and comes first
            laid_out = self.builds.paper_laid_out()
            if laid_out is None:
                return
            left, seconds = laid_out
            with self.lock:
                self.state = replace(self.state, paper_left=left)
        if self.paper_report is not None:
            self.paper_report(left, seconds)

    def _rebuild(self, full_index: bool) -> BuildState:
        started = time.monotonic()
        with self.lock:
            self.state.building = True

        remarks: list[Problem] = []  # this build's only: none when it stopped before its model

        def checked(found: list[Problem]) -> None:  # the records are valid: the remarks show at once
            remarks[:] = found
            with self.lock:
                self.state = BuildState(self.state.number, True, [], found)

        problems, failure, builds, paper_left = self.builds.run(full_index, checked)
        if not problems and not failure and full_index:
            self.full_index_made = True
        with self.lock:
            self.state = BuildState(self.state.number + 1, False, problems, remarks, failure, builds,
                                    round(time.monotonic() - started, 1), paper_left, paper_left)
            return self.state

    def current(self) -> BuildState:
        with self.lock:
            return self.state


_PAGE = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>
body {{ font: 1.0625rem/1.5 system-ui, sans-serif; color: #1a1a1a; background: #fff;
  max-width: 60rem; margin: 0 auto; padding: 1rem; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #767676; padding: .4rem; text-align: left; vertical-align: top; }}
.alerte {{ border-left: .4rem solid #b00020; padding-left: 1rem; }}
a {{ color: #0b4f9c; }}
pre {{ white-space: pre-wrap; }}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"""


def _table(caption: str, problems: list[Problem]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(p.file)}</td><td>{p.line or ''}</td><td>{html.escape(p.field)}</td>"
        f"<td>{html.escape(p.message)}</td></tr>\n" for p in problems)
    return (f"<table>\n<caption>{html.escape(caption)}</caption>\n<thead><tr><th scope=\"col\">Fichier</th>"
            "<th scope=\"col\">Ligne</th><th scope=\"col\">Champ</th><th scope=\"col\">Message</th></tr></thead>\n"
            f"<tbody>\n{rows}</tbody>\n</table>")


def error_page(state: BuildState) -> str:
    count = len(state.problems)
    body = ['<div class="alerte">',
            "<p>Ce que vous venez d'enregistrer n'est pas encore sur l'aperçu : le site n'est reconstruit "
            "qu'à partir de fiches valides, et la page d'avant serait périmée.</p>",
            "<p>Corrigez dans le fichier (ou dans l'éditeur) chaque problème ci-dessous, puis enregistrez : "
            "cette page laissera place au site reconstruit.</p>", "</div>"]
    if state.problems:
        body.append(_table(f"{count} problème{'s' if count > 1 else ''} dans les fiches", state.problems))
    if state.failure:
        body += ["<h2>Message de la construction</h2>", f"<pre>{html.escape(state.failure)}</pre>"]
    body.append(f'<p><a href="{REMARKS_PATH}">Remarques de français simple</a> · '
                '<a href="/admin/">Éditer les fiches</a></p>')
    return _PAGE.format(title="Aperçu arrêté : des fiches sont à corriger", body="\n".join(body))


def remarks_page(state: BuildState) -> str:
    count = len(state.remarks)
    body = ["<p>Ces remarques ne bloquent pas la publication : elles proposent des mots plus simples "
            "et des phrases plus courtes (docs/francais-simple.md). Elles ne sont visibles que sur "
            "l'aperçu local, jamais sur le site publié.</p>"]
    if state.building and not state.number:
        body.append("<p>Vérification en cours : rechargez la page dans un instant.</p>")
    elif state.remarks:
        body.append(_table(f"{count} remarque{'s' if count > 1 else ''} de français simple", state.remarks))
    elif state.problems:
        body.append("<p>Les fiches ont des problèmes à corriger d'abord : "
                    '<a href="/">voir la liste</a>.</p>')
    else:
        body.append("<p>Aucune remarque : les textes sont écrits simplement.</p>")
    body.append('<p><a href="/">Retour au site</a></p>')
    return _PAGE.format(title="Remarques de français simple", body="\n".join(body))


class RangeRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Python's file server, answering HTTP Range requests with 206 Partial Content as the
    city's host does: the interactive map reads its PMTiles file in pieces
    (docs/carte-interactive.md); .mjs files sent as JavaScript, as browsers require."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript"}
    RANGE = re.compile(r"bytes=(\d+)-(\d*)")

    def send_head(self):
        wanted = self.RANGE.fullmatch(self.headers.get("Range", "").strip())
        path = self.translate_path(self.path)
        if wanted is None or not os.path.isfile(path):
            return super().send_head()
        size = os.path.getsize(path)
        start = int(wanted[1])
        end = min(int(wanted[2]) if wanted[2] else size - 1, size - 1)
        if start >= size or end < start:
            self.send_error(416, "Range Not Satisfiable")
            return None
        with open(path, "rb") as stream:
            stream.seek(start)
            data = stream.read(end - start + 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        return io.BytesIO(data)


class PreviewHandler(RangeRequestHandler):
    preview: Preview

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        state = self.preview.current()
        if path == STATE_PATH:
            return self._send(200, "application/json", state.as_json())
        if path == REMARKS_PATH:
            return self._send(200, "text/html; charset=utf-8", remarks_page(state).encode("utf-8"))
        if state.failed and _is_page(path) and not path.startswith(ALWAYS_SERVED):
            return self._send(503, "text/html; charset=utf-8", error_page(state).encode("utf-8"))
        return super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a rebuilt page is seen at once
        super().end_headers()

    def _send(self, status: int, content_type: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _is_page(path: str) -> bool:
    return path.endswith(("/", ".html")) or "." not in path.rsplit("/", 1)[-1]


def start_server(preview: Preview, output: str, port: int) -> http.server.ThreadingHTTPServer:
    handler_class = type("Handler", (PreviewHandler,), {"preview": preview})
    handler = functools.partial(handler_class, directory=output)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run(settings_path: str, pelican_settings: dict, watched: list[str], port: int) -> int:
    """Serve the preview, check and build at start and at each saved change."""
    import watchfiles

    output = os.path.abspath(pelican_settings["OUTPUT_PATH"])
    os.makedirs(output, exist_ok=True)
    preview = Preview(Builds(settings_path, output))
    preview.paper_report = _report_paper
    _report(preview.rebuild(), port)
    # Served once the first build is done, just before watching (a save made while a page
    # is already shown is seen).
    server = start_server(preview, output, port)
    print(f"Aperçu : http://localhost:{port}/ (Ctrl+C pour arrêter ; Entrée pour refaire tout "
          "l'index de recherche)", flush=True)
    threading.Thread(target=_full_index_on_enter, args=(preview, port), daemon=True).start()
    try:
        for changes in watchfiles.watch(*[p for p in watched if os.path.exists(p)]):
            changed = sorted({os.path.abspath(p) for _, p in changes})
            print("Modifié : " + ", ".join(os.path.relpath(p) for p in changed), flush=True)
            if os.path.abspath(settings_path) in changed:  # settings are read once per process
                preview.builds.stop()
            _report(preview.rebuild(), port)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        preview.builds.stop()
    return 0


def _full_index_on_enter(preview: Preview, port: int) -> None:
    """Each line typed (Entrée) rebuilds with the whole search index, as publishing will."""
    for _ in sys.stdin:
        print("Index de recherche complet : reconstruction…", flush=True)
        _report(preview.rebuild(full_index=True), port)


def _report(state: BuildState, port: int) -> None:
    # Each problem is printed by the build itself, as « clairvoie validate » prints it.
    if state.failure:
        print(state.failure, file=sys.stderr)
    if state.failed:
        print(f"Aperçu arrêté : la liste des problèmes est sur http://localhost:{port}/", flush=True)
    else:
        print(f"Aperçu à jour en {state.seconds:.1f} s".replace(".", ","), flush=True)
    if state.paper_left:
        print(f"Documents à imprimer (PDF) : {state.paper_left} en cours de mise en page", flush=True)
    if state.remarks:
        print(f"{len(state.remarks)} remarques de français simple : http://localhost:{port}{REMARKS_PATH}",
              flush=True)


def _report_paper(left: int, seconds: float) -> None:
    if not left:
        print(f"Documents à imprimer (PDF) à jour en {seconds:.1f} s".replace(".", ","), flush=True)
