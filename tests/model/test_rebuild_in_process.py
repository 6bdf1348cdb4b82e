"""Building again in one process (pelican --autoreload, clairvoie serve) parses only changed files."""

from __future__ import annotations

import pytest

import clairvoie.model as model_module
from clairvoie.model import InvalidRecords
from sites import load_site, project_yaml, write_site


@pytest.fixture()
def parsed_files(monkeypatch):
    """The paths the loader really parses, in order."""
    parsed: list[str] = []
    real = model_module.load_yaml_file

    def counting(path, shown, problems):
        parsed.append(shown)
        return real(path, shown, problems)

    monkeypatch.setattr(model_module, "load_yaml_file", counting)
    return parsed


def test_unchanged_files_are_not_parsed_again(tmp_path, parsed_files):
    root = write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(),
                                 "content/projects/tilleuls.yaml": project_yaml(title="title: Les Tilleuls")})
    first = load_site(root)
    assert sorted(parsed_files) == ["content/projects/lilas.yaml", "content/projects/tilleuls.yaml",
                                    "sectors/secteur-1.yaml", "sectors/secteur-2.yaml"]
    parsed_files.clear()
    (root / "content/projects/lilas.yaml").write_text(project_yaml(title="title: Les Lilas, rue refaite"),
                                                      encoding="utf-8")
    second = load_site(root)
    assert parsed_files == ["content/projects/lilas.yaml"]
    assert [p.title for p in second.projects] == ["Les Lilas, rue refaite", "Les Tilleuls"]
    assert [p.title for p in first.projects] == ["Réfection de la rue des Lilas", "Les Tilleuls"]


def test_a_file_with_problems_is_reported_on_every_build_until_fixed(tmp_path, parsed_files):
    root = write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(status="status: fini")})
    for _ in range(2):
        with pytest.raises(InvalidRecords) as error:
            load_site(root)
        assert "status" in error.value.report()
    (root / "content/projects/lilas.yaml").write_text(project_yaml(), encoding="utf-8")
    assert [p.status for p in load_site(root).projects] == ["in_progress"]
    # a schema problem is found after parsing: the file is parsed again each time
    assert parsed_files.count("content/projects/lilas.yaml") == 3
