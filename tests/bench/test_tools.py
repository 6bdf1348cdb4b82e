"""The measuring scripts bench/README.md gives commands for run on a city and say what they claim.

Each runs on a copy of the demo city (a Git repository, as the synthetic cities are): this checks
that the tools work and that their figures mean what the README says, never how fast anything is.
"""

import re
import shutil
import subprocess
import sys

import pytest

from building import REPO, copy_demo_site

PROJECT = "content/projects/assainissement-hameau-des-pres.yaml"  # the first: reload_model.py edits it


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    site = copy_demo_site(tmp_path_factory.mktemp("city"))
    for command in (["init", "-q"], ["add", "-A"],
                    ["-c", "user.name=Bench", "-c", "user.email=bench@ville.example", "commit", "-q", "-m", "ville"]):
        subprocess.run(["git", *command], cwd=site, check=True)
    return site


def run_tool(script: str, *arguments: str) -> str:
    result = subprocess.run([sys.executable, str(REPO / "bench" / script), *arguments], cwd=REPO,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_sign_rebuild_counts_the_pages_a_second_load_signs_afresh(city):
    pattern = r"second build: (\d+) pages signed in [\d.]+ s of CPU, (\d+) of them afresh"
    pages, afresh = map(int, re.search(pattern, run_tool("sign_rebuild.py", str(city))).groups())
    assert pages > 100 and afresh == 0
    pages_without, afresh_without = map(int, re.search(
        pattern, run_tool("sign_rebuild.py", str(city), "--without-same-values")).groups())
    assert pages_without == pages and afresh_without > pages // 2  # what same_value spares


def test_reload_model_gives_the_model_a_fresh_load_gives(city):
    before = (city / PROJECT).read_bytes()
    printed = run_tool("reload_model.py", str(city), "--digest")
    digests = re.findall(r"model digest ([0-9a-f]{16})", printed)
    labels = re.findall(r"^([a-z ,]+): [\d.]+ s CPU$", printed, re.M)
    assert labels == ["cold load", "reload after one title edited", "fresh load after the edit, nothing kept"]
    assert len(digests) == 3 and digests[1] == digests[2] != digests[0]
    assert (city / PROJECT).read_bytes() == before  # the edit undone


def test_profile_maps_draws_every_map_and_writes_their_digests(city, tmp_path):
    digests = tmp_path / "cartes.txt"
    printed = run_tool("profile_maps.py", str(city), "--digests", str(digests))
    lines = digests.read_text(encoding="utf-8").splitlines()
    kinds = {line.split()[0] for line in lines}
    assert kinds == {"sector", "street", "project", "works"}
    assert all(re.fullmatch(r"\S+ \S+ [0-9a-f]{64}", line) for line in lines)
    again = tmp_path / "encore.txt"
    run_tool("profile_maps.py", str(city), "--digests", str(again))
    assert again.read_bytes() == digests.read_bytes()  # what a change to the maps is compared with
    assert "with the extract" in printed and "without (outlines)" in printed


def test_profile_rebuild_profiles_a_rebuild_and_restores_the_record(city, tmp_path):
    """make profile-rebuild: pyinstrument comes with the bench extra (make installs it)."""
    before = (city / PROJECT).read_bytes()
    printed = run_tool("profile_rebuild.py", "--output", str(tmp_path / "out"), str(city), PROJECT)
    assert re.search(rf"rebuild after editing {re.escape(PROJECT)}: [\d.]+ s wall, [\d.]+ s CPU", printed)
    steps = dict((name, float(seconds)) for seconds, name in re.findall(r"^ +([\d.]+) s  (\w+)$", printed, re.M))
    assert {"build_model", "write_pages", "finish"} <= set(steps)
    assert (city / "profile-rebuild-1.txt").read_text(encoding="utf-8").strip()
    assert (city / PROJECT).read_bytes() == before
    shutil.rmtree(tmp_path / "out")
