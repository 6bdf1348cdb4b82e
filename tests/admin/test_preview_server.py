"""The preview of ``clairvoie serve`` / ``make edit``: an invalid record turns every page into
its French problem list (never a stale page, never a build), the plain-French remarks are at
/_remarques/, and neither address is ever in the built site."""

from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe

from building import DEMO_EPOCH, REPO, copy_demo_site, free_port, wait_for
from clairvoie import messages, preview_server
from html_checker import nu_errors

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
# "file:line:column — field : message", as « clairvoie validate » prints each problem or remark.
PRINTED = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+):(?P<column>\d+) — (?:(?P<field>\S+) : )?(?P<message>.+)$")


def printed_problems(stderr: str) -> list[tuple[str, int, str, str]]:
    found = [PRINTED.match(line) for line in stderr.splitlines()]
    return [(m["file"], int(m["line"]), m["field"] or "", m["message"]) for m in found if m]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def validate(site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clairvoie.cli", "validate"], cwd=site, capture_output=True,
                          text=True, env={**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH}, timeout=600)


def axe_violations(browser, url: str) -> list:
    page = browser.new_page()
    page.goto(url)
    results = Axe().run(page, options=WCAG_21_AA)
    page.close()
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]


@pytest.fixture(scope="module")
def invalid_site(tmp_path_factory):
    """A copy of the demo city with a works order that ends before it starts, and the
    ``clairvoie serve`` of that copy, checked once."""
    site = copy_demo_site(tmp_path_factory.mktemp("preview") / "ville")
    works = yaml.safe_load((REPO / "content/works").glob("*.yaml").__next__().read_text("utf-8"))
    works.update({"reference": "2026-ARR-9998", "start": "2026-12-03 08:00", "end": "2026-12-01 17:00"})
    (site / "content/works/travaux-a-l-envers.yaml").write_text(yaml.safe_dump(works, allow_unicode=True), "utf-8")
    port = free_port()
    log = (site.parent / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "clairvoie.cli", "serve", "--port", str(port)], cwd=site,
                              env={**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH}, stdout=log, stderr=log,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: not get(url + preview_server.STATE_PATH)[1].count('"building": true'), 300), \
            "clairvoie serve did not check the records"
        yield site, url
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the build it may be running
        server.wait(timeout=30)
        log.close()


def test_an_invalid_record_turns_every_page_into_its_problem_list(invalid_site, browser, tmp_path):
    site, url = invalid_site
    validated = validate(site)
    assert validated.returncode == 1
    expected = printed_problems(validated.stderr)
    assert any(file == "content/works/travaux-a-l-envers.yaml" and field == "end"
               and message == messages.ends_before_start("end", "start") for file, _, field, message in expected)
    project = next(iter(sorted((site / "content/projects").glob("*.yaml")))).stem
    for path in ("/", f"/projets/{project}/", "/travaux/", "/index.html"):
        status, page = get(url + path)
        assert status == 503, path
        for file, line, field, message in expected:
            assert f"<td>{html.escape(file)}</td><td>{line}</td><td>{html.escape(field)}</td>" \
                   f"<td>{html.escape(message)}</td>" in page
    # Nothing was built from the invalid records.
    assert not (site / "output" / "index.html").exists()
    # The state the editor's preview reads says the same.
    state = yaml.safe_load(get(url + preview_server.STATE_PATH)[1])
    assert [(p["file"], p["line"], p["field"], p["message"]) for p in state["problems"]] == expected
    assert axe_violations(browser, url + "/") == []
    (tmp_path / "erreur.html").write_text(get(url + "/")[1], "utf-8")
    assert nu_errors([tmp_path / "erreur.html"]) == []


def test_the_editor_stays_open_to_mend_the_records(invalid_site):
    site, url = invalid_site
    status, page = get(url + "/admin/")
    assert status != 503 and messages.ends_before_start("end", "start") not in page


def test_the_remarks_of_the_last_check_are_on_their_own_page(browser, tmp_path):
    """The demo's remarks, as « clairvoie validate » prints them, on /_remarques/."""
    validated = validate(REPO)
    assert validated.returncode == 0, validated.stderr
    expected = printed_problems(validated.stderr)
    assert expected, "the demo keeps remarks on purpose (docs/francais-simple.md)"
    problems, remarks = preview_server.check("pelicanconf.py", cwd=str(REPO))
    assert problems == []
    preview = preview_server.Preview("pelicanconf.py", [])
    preview.state = preview_server.BuildState(1, False, problems, remarks)
    server = preview_server.start_server(preview, str(tmp_path), 0)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        status, page = get(url + preview_server.REMARKS_PATH)
        assert status == 200
        for file, line, field, message in expected:
            assert f"<td>{html.escape(file)}</td><td>{line}</td><td>{html.escape(field)}</td>" \
                   f"<td>{html.escape(message)}</td>" in page
        assert page.count("<tr><td>") == len(expected)
        assert axe_violations(browser, url + preview_server.REMARKS_PATH) == []
        (tmp_path / "remarques.html").write_text(page, "utf-8")
        assert nu_errors([tmp_path / "remarques.html"]) == []
    finally:
        server.shutdown()
        server.server_close()


def test_the_preview_addresses_are_never_in_the_built_site(demo_output):
    for path in (preview_server.STATE_PATH, preview_server.REMARKS_PATH):
        assert not (demo_output / path.strip("/")).exists()
        assert not (demo_output / path.strip("/").split("/")[0]).exists()


def test_after_its_first_build_the_preview_indexes_only_what_changed_unless_asked(tmp_path, monkeypatch):
    """The first build makes the whole search index; the next ones ask for the preview's small
    index (outputs/search.py); a full index asked for (Entrée) is a build without it."""
    monkeypatch.chdir(REPO)  # the demo's settings, checked for real
    commands = tmp_path / "commands.txt"
    record = [sys.executable, "-c", "import sys; open(sys.argv[1], 'a').write(' '.join(sys.argv[2:]) + '\\n')",
              str(commands), "build"]
    preview = preview_server.Preview("pelicanconf.py", record)
    for full_index in (False, False, True, False):
        assert not preview.rebuild(full_index=full_index).failed
    preview_setting = 'CLAIRVOIE_SEARCH_PREVIEW="toujours"'
    assert [line.endswith(preview_setting) for line in commands.read_text().splitlines()] == [False, True, False, True]
    from clairvoie.outputs import search  # the setting as the build reads it (Pelican's -e NAME=JSON)
    assert preview_server.SEARCH_PREVIEW[-1] == f"{search.PREVIEW_SETTING}={json.dumps(search.PREVIEW_ALWAYS)}"
