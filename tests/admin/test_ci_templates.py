"""The CI templates of docs/ci/ (docs/editer-en-ligne.md): every commit, the editor's included,
is validated, and the site is built and published only after validation passed."""

from __future__ import annotations

import re

import yaml

from building import REPO

CI = REPO / "docs" / "ci"


def make_targets() -> dict[str, list[str]]:
    """Each Makefile target with its recipe lines."""
    targets: dict[str, list[str]] = {}
    current = None
    for line in (REPO / "Makefile").read_text("utf-8").splitlines():
        rule = re.match(r"^([\w./$()-]+):(?!=)", line)
        if rule:
            current = targets.setdefault(rule[1], [])
        elif line.startswith("\t") and current is not None:
            current.append(line.strip())
    return targets


def commands(lines: list[str]) -> list[str]:
    """Shell lines, with each ``make <target>`` followed by what that target runs."""
    targets = make_targets()
    aliases = {"node_modules/.installed": "$(NODE_STAMP)"}
    found = []
    for line in lines:
        found.append(line)
        for target in re.findall(r"\bmake ([\w./-]+)", line):
            assert aliases.get(target, target) in targets, f"no Makefile target {target}"
            found += targets[aliases.get(target, target)]
    return found


def validates(lines: list[str]) -> bool:
    return any(re.search(r"\bclairvoie validate\b", line) for line in commands(lines))


def publishes(lines: list[str]) -> bool:
    return any(re.search(r"\bclairvoie( -s \S+)? publish\b", line) for line in commands(lines))


def test_github_actions_validates_every_commit_before_publishing():
    workflow = yaml.safe_load((CI / "github-actions.yml").read_text("utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key « on » as true
    assert "push" in triggers and not (triggers["push"] or {}).get("branches"), "every branch is checked"
    jobs = {name: [step["run"] for step in job["steps"] if "run" in step] for name, job in workflow["jobs"].items()}
    checking = {name for name, lines in jobs.items() if validates(lines) and not publishes(lines)}
    publishing = [name for name, lines in jobs.items() if publishes(lines)]
    assert checking and publishing
    for name in publishing:
        needs = workflow["jobs"][name]["needs"]
        assert set([needs] if isinstance(needs, str) else needs) & checking, f"{name} runs without validation"
        assert "github.ref" in workflow["jobs"][name]["if"], "only the main branch is published"
    for name in checking:
        assert "if" not in workflow["jobs"][name]


def test_gitlab_ci_validates_every_commit_before_publishing():
    pipeline = yaml.safe_load((CI / "gitlab-ci.yml").read_text("utf-8"))
    stages = pipeline["stages"]
    jobs = {name: job for name, job in pipeline.items() if isinstance(job, dict) and "script" in job}
    checking = {name for name, job in jobs.items() if validates(job["script"]) and not publishes(job["script"])}
    publishing = [name for name, job in jobs.items() if publishes(job["script"])]
    assert checking and publishing
    for name in checking:
        assert "rules" not in jobs[name] and "only" not in jobs[name], "every commit is checked"
    for name in publishing:
        job = jobs[name]
        assert set(job["needs"]) & checking
        assert all(stages.index(job["stage"]) > stages.index(jobs[c]["stage"]) for c in checking)
        assert any("CI_DEFAULT_BRANCH" in rule["if"] for rule in job["rules"]), "only the main branch"
    assert pipeline["variables"]["GIT_DEPTH"] == "0", "each record's Git history"


def test_the_guide_explains_both_templates():
    guide = (REPO / "docs" / "editer-en-ligne.md").read_text("utf-8")
    for path in CI.iterdir():
        assert f"(ci/{path.name})" in guide
