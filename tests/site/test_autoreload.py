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
        edited = project.read_text(encoding="utf-8").replace("title: ", "title: Modifié en direct — ", 1)
        # Pelican starts watching the files only once a build is over (pelican.utils.wait_for_changes):
        # a save made after the page appears but before that, on a busy machine, is not seen. As
        # someone would, save again when nothing happens.
        shown = False
        for _ in range(6):
            project.write_text(edited, encoding="utf-8")
            shown = wait_for(lambda: "Modifié en direct" in page.read_text(encoding="utf-8"), seconds=20)
            if shown:
                break
        assert shown
    finally:
        os.killpg(pelican.pid, signal.SIGTERM)
        pelican.wait(timeout=10)
