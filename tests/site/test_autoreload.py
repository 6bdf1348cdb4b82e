"""``pelican --autoreload`` rebuilds through Clairvoie's signals when a record changes."""

import os
import signal
import subprocess
import sys

from building import DEMO_EPOCH, copy_demo_site, wait_for


def test_autoreload_republishes_an_edited_project(tmp_path):
    site = copy_demo_site(tmp_path)
    project = sorted((site / "content/projects").glob("*.yaml"))[0]
    page = site / "output" / "projets" / project.stem / "index.html"
    env = {**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH}
    pelican = subprocess.Popen([sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "--autoreload"],
                               cwd=site, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        assert wait_for(page.is_file)
        text = project.read_text(encoding="utf-8")
        project.write_text(text.replace("title: ", "title: Modifié en direct — ", 1), encoding="utf-8")
        assert wait_for(lambda: "Modifié en direct" in page.read_text(encoding="utf-8"))
    finally:
        os.killpg(pelican.pid, signal.SIGTERM)
        pelican.wait(timeout=10)
