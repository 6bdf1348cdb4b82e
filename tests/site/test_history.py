"""Each record's page shows its change history from Git: dates and messages, no e-mails."""

import os
import re
import subprocess

from building import copy_demo_site, run_pelican

IDENTITY = {"GIT_AUTHOR_NAME": "Agent Communication", "GIT_AUTHOR_EMAIL": "agent@villebrune.invalid",
            "GIT_COMMITTER_NAME": "Agent Communication", "GIT_COMMITTER_EMAIL": "agent@villebrune.invalid"}


def git(site, *args, date="2026-11-02T09:00:00+01:00"):
    env = {**os.environ, **IDENTITY, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=site, env=env, check=True, capture_output=True)


def history_of(html):
    section = html[html.index('id="historique"'):]
    section = section[:section.index("</section>")]
    return section, re.findall(r"<li>(.*?)</li>", section)


def test_history_lists_every_change_newest_first_without_author(tmp_path):
    site = copy_demo_site(tmp_path)
    git(site, "init", "-q")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "Fiches de la ville")
    project = sorted((site / "content/projects").glob("*.yaml"))[0]
    project.write_text(project.read_text(encoding="utf-8").replace("summary: ", "summary: Mis à jour. ", 1),
                       encoding="utf-8")
    git(site, "commit", "-q", "-am", "Résumé du projet précisé après la réunion publique",
        date="2026-11-20T17:30:00+01:00")
    result = run_pelican(site, site / "output")
    assert result.returncode == 0, result.stderr
    section, items = history_of((site / "output/projets" / project.stem / "index.html").read_text())
    assert items == [
        '<time datetime="2026-11-20">20 novembre 2026</time> — Résumé du projet précisé après la réunion publique',
        '<time datetime="2026-11-02">2 novembre 2026</time> — Fiches de la ville',
    ]
    assert "@" not in section and "Agent" not in section
    other = sorted((site / "content/projects").glob("*.yaml"))[1]
    _, other_items = history_of((site / "output/projets" / other.stem / "index.html").read_text())
    assert len(other_items) == 1


def test_without_git_the_history_is_simply_absent(tmp_path):
    site = copy_demo_site(tmp_path)
    result = run_pelican(site, site / "output")
    assert result.returncode == 0, result.stderr
    page = sorted((site / "output/projets").glob("*/index.html"))[0].read_text()
    assert 'id="historique"' not in page
