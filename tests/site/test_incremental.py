"""Incremental builds: a one-record edit renders again that record's pages, nothing unrelated.

A page kept from the previous build is the very same file (a hard link): its
inode and modification time are unchanged, which is what the tests compare.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest

from building import copy_demo_site, run_pelican
from sites import load_site


def _files(output: Path) -> dict[str, tuple[int, int]]:
    """Inode and modification time of every file, by path relative to the output."""
    return {str(path.relative_to(output)): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in output.rglob("*") if path.is_file()}


_last_log = [""]  # what the last _build logged


def _build(root: Path, output: Path) -> int:
    """Build; return how many pages the build says it rendered."""
    result = run_pelican(root, output, verbose=True)
    assert result.returncode == 0, result.stderr
    _last_log[:] = [result.stdout + result.stderr]
    match = re.search(r"Clairvoie : (\d+) pages faites", result.stdout + result.stderr)
    assert match, result.stdout + result.stderr
    return int(match.group(1))


def _retitle(path: Path, suffix: str) -> None:
    """Add ``suffix`` to a record's title, inside its quotes if it has some."""
    text = path.read_text(encoding="utf-8")
    retitled = re.sub(r"(?m)^title: (['\"]?)(.*?)\1$", lambda m: f"title: {m[1]}{m[2]}{suffix}{m[1]}", text,
                      count=1)
    assert retitled != text
    path.write_text(retitled, encoding="utf-8")


@pytest.fixture()
def site(tmp_path):
    root = copy_demo_site(tmp_path / "site")
    output = tmp_path / "output"
    assert _build(root, output) > 100  # the first build renders everything
    return root, output


# What the build says of Pelican's pages of the news (news_pages.py): rendered, kept.
NEWS_SAID = re.compile(r"Clairvoie : (\d+) actualités faites, (\d+) reprises telles quelles")


def _news_said() -> tuple[int, int]:
    said = NEWS_SAID.search(_last_log[0])
    assert said, _last_log[0]
    return int(said[1]), int(said[2])


def test_a_second_build_of_unchanged_records_renders_nothing(site):
    root, output = site
    before = _files(output)
    articles = sum(_news_said())  # the first build's
    assert _build(root, output) == 0
    assert _news_said() == (0, articles) and articles > 10  # nor Pelican's pages of the news
    assert _files(output) == before  # not one file rewritten: feeds, images and panels included


def test_editing_one_project_renders_only_the_pages_that_show_it(site):
    root, output = site
    model = load_site(root)
    project = next(p for p in model.projects if p.works and len(p.sector_ids) == 1 and not p.city_wide)
    own_pages = {f"{project.url}index.html", *(f"{order.url}index.html" for order in project.works)}
    street_pages = {f"{street.url}index.html" for street in model.streets if project in street.projects}
    assert street_pages  # the pages of the streets it is in show it too
    other_sectors = [s.id for s in model.sectors if s.id not in project.sector_ids]
    before = _files(output)

    _retitle(root / project.source.path, " (titre modifié)")
    rendered = _build(root, output)
    after = _files(output)
    changed = {path for path in after if after[path] != before.get(path)}

    assert own_pages <= changed
    record_pages = {path for path in after if path.startswith(("projets/", "travaux/", "reunions/"))
                    and path.endswith("index.html") and path.count("/") == 2}
    assert changed & record_pages == own_pages  # every other project, works order and meeting untouched
    streets_changed = {path for path in changed if path.startswith("rues/")}
    assert streets_changed == street_pages  # its streets' pages; not /rues/ nor a letter's page (counts only)
    for sector_id in other_sectors:
        assert not {path for path in changed if path.startswith(f"secteurs/{sector_id}/")}, sector_id
    assert f"secteurs/{project.sector_ids[0]}/index.html" in changed
    slug = {"in_progress": "en-cours", "planned": "prevus", "suspended": "suspendus", "completed": "termines",
            "cancelled": "annules"}[project.status]
    # the list of its sector's projects of its status shows its title (/projets/ shows counts only)
    assert f"secteurs/{project.sector_ids[0]}/projets/{slug}/index.html" in changed
    # the project's pages, its sector's two pages and the city-wide ones: a few dozen, not hundreds
    assert rendered <= len(own_pages) + len(street_pages) + 2 + 6
    assert _news_said()[0] == 0  # no article shows a project: Pelican's pages of the news are kept
    assert "(titre modifié)" in (output / project.url / "index.html").read_text(encoding="utf-8")
    # its own feeds say the new title; no other project's feeds, no report's own files are rewritten
    own_feeds = {f"{project.url}flux.atom", f"{project.url}flux.json"}
    assert own_feeds <= changed
    assert "(titre modifié)" in (output / project.url / "flux.atom").read_text(encoding="utf-8")
    assert {path for path in changed if path.startswith("projets/") and "/flux." in path} == own_feeds
    tied = {r.number for r in model.reports if project in r.projects}
    assert not {path for r in model.reports if r.number not in tied for path in _report_files(r)} & changed


def _tree(output: Path) -> dict[str, bytes]:
    """Every file's bytes, Pagefind's bundle included (pagefind_order.py makes it byte-identical)."""
    return {str(path.relative_to(output)): path.read_bytes() for path in output.rglob("*") if path.is_file()}


def test_after_edits_additions_and_removals_the_site_is_the_one_a_full_build_gives(site, tmp_path):
    root, output = site
    model = load_site(root)
    project = next(p for p in model.projects if len(p.works) >= 2)
    kept_order, removed_order = project.works[0], project.works[1]
    meeting = model.meetings[0]

    _retitle(root / project.source.path, " (nouveau titre)")
    _retitle(root / meeting.source.path, " (déplacée)")
    (root / removed_order.source.path).unlink()
    added = (root / kept_order.source.path).read_text(encoding="utf-8")
    added = re.sub(r"(?m)^reference: .*$", "reference: 2026-ARR-9999", added)
    (root / kept_order.source.path).with_name("arrete-ajoute.yaml").write_text(added, encoding="utf-8")
    services = root / "content/signalements/services.yaml"  # a kind of report renamed, its delay shortened
    text = services.read_text(encoding="utf-8")
    edited = re.sub(r"(?m)^(    name: )(.*)$", r"\1\2 (renommé)", text, count=1)
    edited = re.sub(r"(?m)^(    commitment_days: )\d+$", r"\g<1>2", edited, count=1)
    assert edited != text
    services.write_text(edited, encoding="utf-8")
    _build(root, output)

    full = tmp_path / "full"
    assert _build(root, full) > 100
    incremental, expected = _tree(output), _tree(full)
    assert sorted(incremental) == sorted(expected)  # the removed order's page is gone too
    assert [path for path in expected if incremental[path] != expected[path]] == []


@pytest.mark.parametrize("change", ["article edited", "Pelican page added", "every report removed"])
def test_what_every_article_shows_renders_every_article_again_as_a_full_build_does(site, tmp_path, change):
    """An article's text may link to another article, and every page's header lists Pelican's
    own pages and, when there are reports, their menu entry: each change renders all of the
    news again, and the site is a full build's."""
    import shutil

    root, output = site
    articles = sum(_news_said())  # the first build's
    if change == "article edited":
        path = root / "content/actualites/budget-participatif-parc-des-bords-de-lise.md"
        path.write_text(path.read_text(encoding="utf-8").replace("un record.", "un record historique.", 1),
                        encoding="utf-8")
    elif change == "every report removed":
        shutil.rmtree(root / "content/signalements")
    else:
        (root / "content/pages").mkdir()
        (root / "content/pages/a-propos.md").write_text("Title: À propos du site\n\nQui publie ce site.\n",
                                                         encoding="utf-8")
    _build(root, output)
    assert _news_said() == (articles, 0)
    full = tmp_path / "full"
    _build(root, full)
    incremental, expected = _tree(output), _tree(full)
    assert sorted(incremental) == sorted(expected)
    assert [path for path in expected if incremental[path] != expected[path]] == []
    if change == "Pelican page added":
        assert "À propos du site" in expected["actualites/cour-oasis-jules-ferry-prete/index.html"].decode("utf-8")


def test_a_theme_change_renders_every_page(site):
    root, output = site
    base = root / "themes/clairvoie/templates/base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</footer>", "<p>Nouveau pied de page</p></footer>"),
                    encoding="utf-8")
    assert _build(root, output) > 100
    assert "Nouveau pied de page" in (output / "projets/index.html").read_text(encoding="utf-8")


def test_pages_and_images_made_by_several_processes_are_the_ones_one_process_makes(tmp_path):
    root = copy_demo_site(tmp_path / "site")
    outputs, logs = {}, {}
    for run, processes in enumerate((1, 3, 1)):
        outputs[run] = tmp_path / f"output-{run}"
        result = run_pelican(root, outputs[run], verbose=True, own_cache_only=True,
                             extra_settings={"CLAIRVOIE_BUILD_PROCESSES": processes, "CLAIRVOIE_INCREMENTAL": False})
        assert result.returncode == 0, result.stderr
        log = result.stdout + result.stderr
        assert f"pages faites ({processes} processus)" in log
        logs[run] = next((line for line in log.splitlines() if "Images :" in line), "")
    one, several = _tree(outputs[0]), _tree(outputs[1])
    assert sorted(one) == sorted(several)
    assert [path for path in one if one[path] != several[path]] == []
    # The image cache the first build filled served the three processes, and what each
    # of them used is still kept afterwards.
    assert re.search(r"Images : 0 fichiers encodés, [1-9]\d* repris du cache", logs[1]), logs[1]
    assert re.search(r"Images : 0 fichiers encodés, [1-9]\d* repris du cache", logs[2]), logs[2]


# Two builds in one process, as pelican --autoreload runs them: the second one
# reuses what the first kept in memory (parsed records, calendar events, search texts).
TWO_BUILDS_IN_ONE_PROCESS = """
import sys
from pathlib import Path
from pelican import Pelican
from pelican.settings import read_settings

output, edited, text = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
pelican = Pelican(read_settings("pelicanconf.py", override={"OUTPUT_PATH": output}))
pelican.run()
edited.write_text(text, encoding="utf-8")
pelican.run()
"""


@pytest.mark.parametrize("record", ["works order", "report", "news"])
def test_a_rebuild_in_the_same_process_gives_the_site_a_full_build_gives(tmp_path, record):
    """Also what the first build kept in memory (calendar events, open data rows, Open311
    documents, Pelican's articles as read) and the per-record files it published (feeds,
    Open311 requests)."""
    import os
    import subprocess
    import sys

    from building import DEMO_EPOCH

    root = copy_demo_site(tmp_path / "site")
    model = load_site(root)
    if record == "news":  # a Markdown article, read by Pelican's reader
        path = root / "content/actualites/budget-participatif-parc-des-bords-de-lise.md"
        edited = path.read_text(encoding="utf-8").replace("un record.", "un record historique.", 1)
        assert "un record historique." in edited
    elif record == "report":  # a duplicate's original, closed: the duplicate shows it too
        report = next(r for r in model.reports if r.duplicates and not r.is_open)
        path = root / report.source.path
        edited = path.read_text(encoding="utf-8").replace(
            "\nsource:", "\n  - date: '2026-11-24T09:00:00'\n    stage: reopened\nsource:")
    else:
        order = next(o for o in model.works if o.hours)  # in the calendars, with its hours
        path = root / order.source.path
        edited = re.sub(r"(?m)^title: (['\"]?)(.*?)\1$", r"title: \1\2 (horaires changés)\1",
                        path.read_text(encoding="utf-8"), count=1)
        edited = re.sub(r"(?m)^hours: .*$", 'hours: "Mo-Fr 08:00-12:00"', edited, count=1)
    output = tmp_path / "output"
    result = subprocess.run([sys.executable, "-c", TWO_BUILDS_IN_ONE_PROCESS, str(output), str(path), edited],
                            cwd=root, env={**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH},
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr

    full = tmp_path / "full"
    assert run_pelican(root, full).returncode == 0
    incremental, expected = _tree(output), _tree(full)
    assert sorted(incremental) == sorted(expected)
    assert [path for path in expected if incremental[path] != expected[path]] == []
    if record == "news":
        assert "un record historique." in expected["actualites/budget-participatif-parc-des-bords-de-lise/index.html"
                                                   ].decode("utf-8")
    elif record == "report":
        assert b'"status": "open"' in expected[f"open311/v2/requests/{report.number}.json"]
    else:
        # the edited hours, as the calendar words them (ICS escapes the comma, folds long lines)
        unfolded = expected["agenda.ics"].replace(b"\r\n ", b"").decode("utf-8")
        assert "Horaires : du lundi au vendredi\\, de 8 h à 12 h." in unfolded


# Builds in one process, as pelican --autoreload and clairvoie serve run them: a rebuild is
# written in place (staging.py). Each step writes or removes files, then builds; it prints
# the output folder's state after each build.
BUILDS_IN_ONE_PROCESS = """
import hashlib, json, os, shutil, sys
from pathlib import Path
from pelican import Pelican
from pelican.settings import read_settings
from clairvoie import incremental
from clairvoie.image_privacy import ImagesWithMetadata
from clairvoie.model import InvalidRecords

output, steps = Path(sys.argv[1]), json.loads(sys.argv[2])
pelican = Pelican(read_settings("pelicanconf.py", override={"OUTPUT_PATH": str(output)}))
for step in steps:
    for path, text in step.get("write", {}).items():
        Path(path).write_text(text, encoding="utf-8")
    for path, source in step.get("copy", {}).items():
        shutil.copyfile(source, path)
    for path in step.get("remove", []):
        os.unlink(path)
    if step.get("replace_output"):  # another process's build put its own folder there
        shutil.copytree(output, str(output) + ".autre", copy_function=os.link)
        Path(str(output) + ".autre", "page-d-un-autre-site.html").write_text("<p>autre</p>", encoding="utf-8")
        shutil.rmtree(output)
        os.rename(str(output) + ".autre", output)
    folder_before = os.stat(output).st_ino if output.exists() else None
    try:
        pelican.run()
        outcome = "built"
    except (InvalidRecords, ImagesWithMetadata) as error:
        outcome = type(error).__name__
    files = {str(p.relative_to(output)): [hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_ino]
             for p in sorted(output.rglob("*")) if p.is_file()}
    folders = sorted(str(p.relative_to(output)) for p in output.rglob("*") if p.is_dir())
    print(json.dumps({"outcome": outcome, "folder": os.stat(output).st_ino, "folder_before": folder_before,
                      "files": files, "folders": folders,
                      "signed_afresh": dict(incremental._last_made.signed_afresh) if outcome == "built" else {},
                      "staging_left": os.path.exists(str(output) + ".clairvoie-new")}))
"""


def _builds_in_one_process(root: Path, output: Path, steps: list[dict]) -> list[dict]:
    import json
    import os
    import subprocess
    import sys

    from building import DEMO_EPOCH

    result = subprocess.run([sys.executable, "-c", BUILDS_IN_ONE_PROCESS, str(output), json.dumps(steps)],
                            cwd=root, env={**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH},
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def _folders(output: Path) -> list[str]:
    return sorted(str(p.relative_to(output)) for p in output.rglob("*") if p.is_dir())


def _is_a_full_builds_site(root: Path, tmp_path: Path, built: dict) -> None:
    """The site a script's build left (``BUILDS_IN_ONE_PROCESS``) is the one a full build gives:
    the same files with the same bytes, and the same folders."""
    full = tmp_path / "full"
    assert run_pelican(root, full).returncode == 0
    expected = _tree(full)
    assert sorted(built["files"]) == sorted(expected)
    assert [path for path in expected if built["files"][path][0] != hashlib.sha256(expected[path]).hexdigest()] == []
    assert built["folders"] == _folders(full)


def _edits_additions_and_removals(root: Path) -> tuple[dict, Any]:
    """A project and a meeting retitled, a works order removed, another added."""
    model = load_site(root)
    project = next(p for p in model.projects if len(p.works) >= 2)
    kept_order, removed_order = project.works[0], project.works[1]
    added = re.sub(r"(?m)^reference: .*$", "reference: 2026-ARR-9999",
                   (root / kept_order.source.path).read_text(encoding="utf-8"))
    writes = {}
    for record, suffix in ((project, " (nouveau titre)"), (model.meetings[0], " (déplacée)")):
        text = (root / record.source.path).read_text(encoding="utf-8")
        writes[str(root / record.source.path)] = re.sub(r"(?m)^title: (['\"]?)(.*?)\1$",
                                                        lambda m: f"title: {m[1]}{m[2]}{suffix}{m[1]}", text, count=1)
    writes[str((root / kept_order.source.path).with_name("arrete-ajoute.yaml"))] = added
    return {"write": writes, "remove": [str(root / removed_order.source.path)]}, removed_order


def test_a_rebuild_in_the_same_process_writes_only_its_changes_in_place_and_gives_a_full_builds_site(tmp_path):
    """The rebuild's new files are moved into the output folder, which stays the same folder;
    the files it keeps are never touched; those it no longer makes (a removed order's page, its
    folder) are gone: the site, files and folders, is the one a full build gives."""
    root = copy_demo_site(tmp_path / "site")
    step, removed_order = _edits_additions_and_removals(root)
    output = tmp_path / "output"
    first, rebuilt = _builds_in_one_process(root, output, [{}, step])

    assert rebuilt["outcome"] == "built" and not rebuilt["staging_left"]
    assert rebuilt["folder"] == first["folder"]  # written in place, not swapped
    same_bytes = [path for path, (digest, _inode) in rebuilt["files"].items()
                  if first["files"].get(path, [None])[0] == digest]
    assert len(same_bytes) > 0.8 * len(first["files"])
    # not one of them rewritten: each is still the published file (its inode)
    assert [path for path in same_bytes if rebuilt["files"][path][1] != first["files"][path][1]] == []
    assert f"{removed_order.url}index.html" in first["files"]
    assert f"{removed_order.url}index.html" not in rebuilt["files"]
    assert removed_order.url.rstrip("/") not in rebuilt["folders"]

    _is_a_full_builds_site(root, tmp_path, rebuilt)


def test_a_rebuild_in_the_same_process_signs_afresh_only_the_pages_that_show_the_edited_record(tmp_path):
    """A page's signature is taken from the last build when what it is made of are the very same
    objects (incremental.PageSignatures): the values pages depend on besides records (what an index
    shows, a report's link to /rues/) are the same objects again, so one project's new title signs
    afresh its own pages, not every report's, works order's and project's."""
    root = copy_demo_site(tmp_path / "site")
    model = load_site(root)
    project = next(p for p in model.projects if p.works)
    others = [p for p in model.projects if p is not project]
    text = (root / project.source.path).read_text(encoding="utf-8")
    retitled = re.sub(r"(?m)^title: (['\"]?)(.*?)\1$", lambda m: f"title: {m[1]}{m[2]} (nouveau titre){m[1]}", text,
                      count=1)
    assert retitled != text
    output = tmp_path / "output"
    first, rebuilt = _builds_in_one_process(root, output, [{}, {"write": {str(root / project.source.path): retitled}}])

    assert first["signed_afresh"]["clairvoie_report"] == len(model.reports)  # a new process signs everything
    assert first["signed_afresh"]["clairvoie_works"] == len(model.works)
    afresh = rebuilt["signed_afresh"]
    assert afresh.get("clairvoie_project", 0) == 1
    assert afresh.get("clairvoie_works", 0) == len(project.works)
    orders = {order.id for order in project.works}
    tied = {r.number for r in model.reports
            if project.id in {p.id for p in r.projects} or orders & {order.id for order in r.works}}
    # A report's page shows its original and duplicates too (pages.report_page_records).
    tied |= {r.number for r in model.reports if (r.original and r.original.number in tied) or set(r.duplicates) & tied}
    assert afresh.get("clairvoie_report", 0) == len(tied), (afresh, tied)
    assert afresh.get("clairvoie_meeting", 0) == 0 and afresh.get("clairvoie_street", 0) <= len(project.works) + 1
    assert sum(afresh.values()) < 0.1 * sum(first["signed_afresh"].values()), afresh
    assert len(others) > 10  # pages enough that the share means something
    _is_a_full_builds_site(root, tmp_path, rebuilt)


def test_a_rebuild_in_place_that_fails_leaves_the_site_as_it_was(tmp_path):
    """An invalid record, then a theme image with its GPS position: each rebuild stops and not
    one file of the output changes; the next good rebuild gives a full build's site."""
    from PIL import Image

    root = copy_demo_site(tmp_path / "site")
    step, _ = _edits_additions_and_removals(root)
    project_path = next(path for path in step["write"] if "/projects/" in path)
    invalid = re.sub(r"(?m)^status: .*$", "status: bientot", step["write"][project_path], count=1)
    assert invalid != step["write"][project_path]
    watermark = root / "themes/clairvoie/static/images/filigrane.jpg"  # copied by Pelican as it is
    watermark.parent.mkdir(exist_ok=True)
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPSInfo: where it was taken
    Image.new("RGB", (8, 8), "white").save(tmp_path / "filigrane.jpg", exif=exif)
    output = tmp_path / "output"
    first, invalid_build, image_build, good = _builds_in_one_process(root, output, [
        {},
        {"write": {project_path: invalid}},
        {"write": step["write"], "copy": {str(watermark): str(tmp_path / "filigrane.jpg")}},
        {"remove": [str(watermark), *step["remove"]]},
    ])
    assert invalid_build["outcome"] == "InvalidRecords"
    assert image_build["outcome"] == "ImagesWithMetadata"
    for failed in (invalid_build, image_build):
        assert (failed["files"], failed["folders"], failed["folder"]) == (first["files"], first["folders"],
                                                                          first["folder"])
        assert not failed["staging_left"]
    assert good["outcome"] == "built" and good["folder"] == first["folder"]  # written in place
    _is_a_full_builds_site(root, tmp_path, good)


def test_a_folder_another_process_replaced_is_swapped_whole_by_the_next_rebuild(tmp_path):
    """The process knows the output's files only as it left them: a folder put there since by
    another build (here with a file of its own) is replaced whole, never patched from a list
    that is no longer its."""
    root = copy_demo_site(tmp_path / "site")
    step, _ = _edits_additions_and_removals(root)
    output = tmp_path / "output"
    first, rebuilt = _builds_in_one_process(root, output, [{}, {**step, "replace_output": True}])
    # Compared with the other process's folder, alive while the rebuild stages its own: the first
    # build's folder, removed before, may hand its inode number to the new one.
    assert rebuilt["outcome"] == "built" and rebuilt["folder"] != rebuilt["folder_before"]
    _is_a_full_builds_site(root, tmp_path, rebuilt)


# Two builds in one process, each template compiled by Jinja counted; a template edited between them.
COMPILES_IN_ONE_PROCESS = """
import json, sys
from pathlib import Path
import jinja2
from pelican import Pelican
from pelican.settings import read_settings

compiled = []
compile_template = jinja2.Environment.compile
def counted(self, source, name=None, filename=None, raw=False, defer_init=False):
    compiled.append(name)
    return compile_template(self, source, name, filename, raw, defer_init)
jinja2.Environment.compile = counted
output, edited, text = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
pelican = Pelican(read_settings("pelicanconf.py", override={"OUTPUT_PATH": output}))
pelican.run()
first = list(compiled)
compiled.clear()
pelican.run()
unchanged = list(compiled)
compiled.clear()
edited.write_text(text, encoding="utf-8")
pelican.run()
print(json.dumps({"first": first, "unchanged": unchanged, "edited": compiled}))
"""


def test_a_rebuild_in_the_same_process_compiles_only_the_templates_edited_since(tmp_path):
    """Pelican makes new Jinja environments at each build: the templates compiled by the first
    are used again (incremental.CompiledTemplates), except one whose source changed."""
    import json
    import os
    import subprocess
    import sys

    from building import DEMO_EPOCH

    root = copy_demo_site(tmp_path / "site")
    template = root / "themes/clairvoie/templates/article.html"
    edited = template.read_text(encoding="utf-8").replace("<h1>", '<p class="kicker">Actualité</p>\n<h1>', 1)
    output = tmp_path / "output"
    result = subprocess.run([sys.executable, "-c", COMPILES_IN_ONE_PROCESS, str(output), str(template), edited],
                            cwd=root, env={**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH},
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    compiled = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(compiled["first"]) > 20 and "article.html" in compiled["first"]
    assert compiled["unchanged"] == []
    assert set(compiled["edited"]) == {"article.html"}
    page = (output / "actualites/cour-oasis-jules-ferry-prete/index.html").read_text(encoding="utf-8")
    assert '<p class="kicker">Actualité</p>' in page


def test_compiled_templates_go_only_to_an_environment_that_compiles_alike(tmp_path):
    import jinja2

    from clairvoie import incremental

    (tmp_path / "page.html").write_text("{% if true %}\n  <p>{{ mot }}</p>\n{% endif %}\n", encoding="utf-8")
    cache = incremental.CompiledTemplates()

    def environment(**options):
        return jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), bytecode_cache=cache, **options)

    plain = environment().get_template("page.html").render(mot="rue")
    trimmed_environment = environment(trim_blocks=True, lstrip_blocks=True)
    trimmed = trimmed_environment.get_template("page.html").render(mot="rue")
    assert (plain, trimmed) == ("\n  <p>rue</p>\n", "  <p>rue</p>\n")  # each compiled for its own options
    again = environment()
    again.compile = None  # not called: the code compiled by the first environment serves
    assert again.get_template("page.html").render(mot="rue") == plain


def test_a_days_import_renders_again_only_its_reports_their_sectors_and_the_city_pages(site):
    """A day's export moves a few reports on: their pages, their sectors' two pages and the
    pages about the whole city render again; every other report, record and sector stays."""
    root, output = site
    model = load_site(root)
    moved = [r for r in model.open_reports if not r.duplicates and r.original is None][:5]
    assert len(moved) == 5
    for report in moved:
        path = root / report.source.path
        path.write_text(path.read_text(encoding="utf-8").replace(
            "\nsource:", "\n  - date: '2026-11-24T09:00:00'\n    stage: in_progress\nsource:"), encoding="utf-8")
    before = _files(output)
    rendered = _build(root, output)
    after = _files(output)
    changed = {path for path in after if after[path] != before.get(path)}

    own = {report.save_as for report in moved}
    sectors = {sector_id for report in moved for sector_id in report.sector_ids}
    assert own <= changed
    pages = {path for path in after if path.endswith("index.html")}
    for report in model.reports:
        if report not in moved:
            assert report.save_as not in changed, report.number
    assert not {p for p in changed & pages if p.startswith(("projets/", "travaux/", "reunions/"))
                and p.count("/") == 2}
    for sector in model.sectors:
        if sector.id not in sectors:
            assert f"secteurs/{sector.id}/index.html" not in changed, sector.id
            assert not {p for p in changed if p.startswith(f"secteurs/{sector.id}/signalements/")}, sector.id
    months = {report.received_day.replace(day=1) for report in moved}
    streets = {report.street for report in moved}
    # their pages; their sectors' page, figures, reports and reports street by street; the months
    # of tracking numbers they are in; their streets' pages and those streets' letter pages
    # (/rues/lettre-x/); the city-wide pages (home, lists, figures, reports index, what is not
    # going as planned)
    assert rendered <= len(own) + 4 * len(sectors) + len(months) + 2 * len(streets) + 9
    # Their own feeds and Open311 requests are made again and say the new stage; every other
    # report's and project's own files are the published ones, not made nor rewritten.
    for report in model.reports:
        files = _report_files(report)
        if report in moved:
            assert files <= changed, report.number
            assert "2026-11-24T09:00:00" in (output / f"open311/v2/requests/{report.number}.json").read_text(encoding="utf-8")
        else:
            assert not files & changed, report.number
    assert not {path for path in changed if path.startswith("projets/") and "/flux." in path}
    assert re.search(r"Clairvoie : \d+ fichiers par fiche .* faits, [1-9]\d* repris", _last_log[0]), _last_log[0]


def _report_files(report) -> set[str]:
    """A report's own files besides its page: its feeds, its Open311 request."""
    return {f"{report.url}flux.atom", f"{report.url}flux.json",
            f"open311/v2/requests/{report.number}.json", f"open311/v2/requests/{report.number}.xml"}


def test_after_editing_a_report_and_a_project_the_site_is_the_one_a_full_build_gives(site, tmp_path):
    """The per-record files kept from the previous build (feeds, Open311 requests, cells of
    « près de chez moi ») are those a full build makes."""
    root, output = site
    model = load_site(root)
    report = next(r for r in model.open_reports if r.point is not None and not r.duplicates and r.original is None)
    path = root / report.source.path
    path.write_text(path.read_text(encoding="utf-8").replace(
        "\nsource:", "\n  - date: '2026-11-24T09:00:00'\n    stage: resolved\nsource:"), encoding="utf-8")
    project = next(p for p in model.projects if p.works)
    _retitle(root / project.source.path, " (titre changé)")
    before = _files(output)
    _build(root, output)
    assert re.search(r"Clairvoie : \d+ fichiers par fiche .* faits, [1-9]\d* repris", _last_log[0]), _last_log[0]
    after = _files(output)
    assert {path for path in _report_files(report) if after[path] == before[path]} == set()

    full = tmp_path / "full"
    assert _build(root, full) > 100
    incremental, expected = _tree(output), _tree(full)
    assert sorted(incremental) == sorted(expected)
    assert [path for path in expected if incremental[path] != expected[path]] == []
    assert b'"status": "closed"' in expected[f"open311/v2/requests/{report.number}.json"]


def test_editing_a_project_lays_out_again_only_its_posters_and_its_sectors_sheets(site, tmp_path):
    """The sheets and posters are pieces: a rebuild keeps, as published, every one whose records
    are unchanged, and makes the others as a full build makes them."""
    root, output = site
    model = load_site(root)
    project = next(p for p in model.projects if p.status == "in_progress" and p.works and not p.city_wide)
    own = {f"{project.url}affiche.pdf", *(f"{o.url}affiche.pdf" for o in project.works
                                          if (output / o.url / "affiche.pdf").exists())}
    sheets = {f"secteurs/{s}/{name}" for s in project.sector_ids
              for name in ("feuille.pdf", "feuille-gros-caracteres.pdf", "feuille.html")}
    paper = lambda files: {p for p in files if p.endswith(("affiche.pdf", "feuille.pdf", "feuille-gros-caracteres.pdf",
                                                          "feuille.html"))}
    before = _files(output)
    _retitle(root / project.source.path, " (titre changé)")
    _build(root, output)
    after = _files(output)
    changed = paper(path for path in after if after[path] != before.get(path))
    assert changed == own | sheets
    # Only these were rendered again (looked up in the cache or laid out): every other one kept.
    pdfs = {path for path in paper(after) if path.endswith(".pdf")}
    said = re.search(r"Papier : (\d+) PDF mis en page, (\d+) repris du cache, (\d+) gardés tels quels", _last_log[0])
    assert said, _last_log[0]
    assert int(said[1]) + int(said[2]) == len(own) + 2 * len(project.sector_ids)
    assert int(said[3]) == len(pdfs) - len(own) - 2 * len(project.sector_ids)

    full = tmp_path / "full"
    _build(root, full)
    for path in sorted(paper(after)):
        assert (output / path).read_bytes() == (full / path).read_bytes(), path


# A preview's build leaves the changed PDFs as published (clairvoie serve), then lays them out
# one by one until a new save asks for a build: here the "save" comes after the first PDF.
PREVIEW_THEN_A_SAVE = """
import hashlib, json, sys
from pathlib import Path
from pelican import Pelican
from pelican.settings import read_settings
from clairvoie.outputs import paper

output, edited, text = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
pelican = Pelican(read_settings("pelicanconf.py", override={"OUTPUT_PATH": str(output)}))
pelican.run()
edited.write_text(text, encoding="utf-8")
pelican.settings[paper.LATER_SETTING] = True  # as clairvoie serve builds a save
pelican.run()
left = paper.left_by_preview()
asked = []
done = left.lay_out(stop=lambda: (asked.append(1), len(asked) > 1)[1])  # a save after the first PDF
published = {d.save_as: hashlib.sha256((output / d.save_as).read_bytes()).hexdigest() for d in left.documents}
print(json.dumps({"left": [d.save_as for d in left.documents], "done": done, "published": published}))
sys.stdout.flush()
pelican.settings[paper.LATER_SETTING] = False  # the next build (the save's, Entrée's)
pelican.run()
"""


def test_a_save_stops_the_pdfs_left_by_a_preview_and_the_next_build_makes_the_rest(tmp_path):
    """Between two PDFs, a new save stops the layout: the PDF laid out is the one a full build
    lays out, the others stay as published until the next build, which makes them."""
    import hashlib
    import json
    import os
    import subprocess
    import sys

    from building import DEMO_EPOCH, SHARED_CACHE

    root = copy_demo_site(tmp_path / "site")
    model = load_site(root)
    project = next(p for p in model.projects if p.status == "in_progress" and p.works and not p.city_wide)
    path = root / project.source.path
    original = path.read_text(encoding="utf-8")
    edited = re.sub(r"(?m)^title: (['\"]?)(.*?)\1$", r"title: \1\2 (titre changé)\1", original, count=1)
    assert edited != original
    before = tmp_path / "before"  # the site as published before the edit
    assert run_pelican(root, before, own_cache_only=True).returncode == 0
    output = tmp_path / "output"
    # Without the session's shared cache: another test's build may have laid out these PDFs.
    env = {name: value for name, value in os.environ.items() if name != SHARED_CACHE}
    result = subprocess.run([sys.executable, "-c", PREVIEW_THEN_A_SAVE, str(output), str(path), edited],
                            cwd=root, env={**env, "SOURCE_DATE_EPOCH": DEMO_EPOCH},
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    said = json.loads(next(line for line in result.stdout.splitlines() if line.startswith("{")))
    after = tmp_path / "after"  # a full build of the edited records
    assert run_pelican(root, after).returncode == 0
    digest = lambda file: hashlib.sha256(file.read_bytes()).hexdigest()
    first, *rest = said["left"]
    assert said["done"] == 1 and rest  # the project's poster, its sector's sheets: one laid out
    assert said["published"][first] == digest(after / first) != digest(before / first)
    for save_as in rest:  # stopped before them: as published
        assert said["published"][save_as] == digest(before / save_as) != digest(after / save_as), save_as
    for save_as in said["left"]:  # the next build made them
        assert digest(output / save_as) == digest(after / save_as), save_as
