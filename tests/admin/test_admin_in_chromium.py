"""/admin/ in Chromium with the local backend (decap-server on a copy of the demo city): the
editor starts in French from the site's own files and lists one collection per record kind."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe

from building import REPO, copy_demo_site, free_port, serve
from clairvoie.admin.fields import COLLECTION_WORDS
from clairvoie.outputs.admin import NODE_MODULES_VARIABLE

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
# make test installs the editor with npm ci (package.json); a variable may name another folder.
NODE_MODULES = Path(os.environ.get(NODE_MODULES_VARIABLE) or REPO / "node_modules")


def wait_for_server(url, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            request = urllib.request.Request(url, data=b'{"action": "info"}',
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="module")
def working_copy(tmp_path_factory):
    """A copy of the demo city that the editor writes into."""
    return copy_demo_site(tmp_path_factory.mktemp("admin") / "ville")


@pytest.fixture(scope="module")
def backend(working_copy):
    """decap-server, as make edit starts it, on a free port."""
    assert (NODE_MODULES / "decap-server").is_dir(), "make test installs decap-server (npm ci)"
    port = free_port()
    env = {**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": "fs",
           "GIT_REPO_DIRECTORY": str(working_copy), "LOG_LEVEL": "warn"}
    server = subprocess.Popen(["node", str(NODE_MODULES / "decap-server" / "dist" / "index.js")], env=env)
    try:
        url = f"http://127.0.0.1:{port}/api/v1"
        wait_for_server(url)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def admin_url(demo_output, backend, tmp_path_factory):
    """The built /admin/, its local backend pointed at this test's decap-server."""
    assert (demo_output / "admin" / "decap-cms.js").is_file(), \
        f"the build copies Decap CMS from {NODE_MODULES}/decap-cms into admin/"
    site = tmp_path_factory.mktemp("admin-site")
    shutil.copytree(demo_output / "admin", site / "admin")
    config_path = site / "admin" / "config.yml"
    config = yaml.safe_load(config_path.read_text("utf-8"))
    assert config["local_backend"] is True and config["locale"] == "fr"
    config["local_backend"] = {"url": backend}
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    with serve(site, {".yml": "text/yaml"}) as url:
        yield url + "/admin/"


def open_admin(browser, admin_url):
    page = browser.new_page()
    outside = []
    page.on("request", lambda request: urlsplit(request.url).hostname != "127.0.0.1"
            and outside.append(request.url))
    page.goto(admin_url)
    return page, outside


def test_the_entry_page_is_french_accessible_and_from_the_site_alone(browser, admin_url):
    page, outside = open_admin(browser, admin_url)
    login = page.get_by_role("button", name="Se connecter")
    login.wait_for(timeout=30000)
    assert page.evaluate("document.documentElement.lang") == "fr"
    results = Axe().run(page, options=WCAG_21_AA)
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                  for v in results.response["violations"]]
    assert violations == []
    assert outside == []
    page.close()


def test_the_local_backend_lists_one_collection_per_record_kind(browser, admin_url):
    page, outside = open_admin(browser, admin_url)
    page.get_by_role("button", name="Se connecter").click(timeout=30000)
    for plural, _ in COLLECTION_WORDS.values():
        page.get_by_role("link", name=plural, exact=True).first.wait_for(timeout=30000)
    # The sectors of the working copy, read through decap-server.
    page.get_by_role("link", name="Secteurs", exact=True).first.click()
    for path in sorted((REPO / "sectors").glob("*.yaml")):
        name = yaml.safe_load(path.read_text("utf-8"))["name"]
        page.get_by_text(name, exact=True).first.wait_for(timeout=30000)
    assert outside == []
    page.close()
